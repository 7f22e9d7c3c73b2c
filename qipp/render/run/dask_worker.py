"""What a Dask worker does with a ``qipp render --scheduler`` task, and what travels with it.

A worker shares no folder with the client: a task carries the job, the settings and
the notebook and panel as :class:`ShippedFile` bytes, and returns a
:class:`TaskOutput` with the bytes of every file it wrote. Each worker keeps one warm
kernel on a thread that lives as long as the process (:class:`RenderThread`).

>>> shipped = ShippedFile.read(Path(__file__))
>>> shipped.name, shipped.root_relative
('dask_worker.py', 'qipp/render/run/dask_worker.py')
"""

from __future__ import annotations

import hashlib
import platform
import queue
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from qipp import __version__
from qipp.atomic import atomic_write_bytes
from qipp.paths import PROJECT_ROOT
from qipp.render.plan.cache import code_digest, data_digest
from qipp.render.plan.jobs import JobResult, RenderJob, RunSettings
from qipp.render.run.executor import execute_job, start_worker

# Parameters whose value names a file the notebook reads: shipped to the worker.
FILE_PARAMETERS = ("panel_path",)


def file_parameters(job: RenderJob) -> dict[str, str]:
    """The job's parameters that name a file it reads, by name."""
    return {n: job.parameters[n] for n in FILE_PARAMETERS if isinstance(job.parameters.get(n), str)}


@dataclass(frozen=True)
class ShippedFile:
    """A file's bytes, its name, and where it lies in the client's project (if it does)."""

    name: str
    root_relative: str | None
    sha256: str
    data: bytes = field(repr=False)

    @classmethod
    def read(cls, path: Path) -> ShippedFile:
        data = Path(path).read_bytes()
        resolved = Path(path).resolve()
        relative = (
            resolved.relative_to(PROJECT_ROOT).as_posix()
            if resolved.is_relative_to(PROJECT_ROOT)
            else None
        )
        return cls(resolved.name, relative, hashlib.sha256(data).hexdigest(), data)


@dataclass
class TaskOutput:
    """What a worker sends back: the result and the files it wrote, by path in the stage."""

    result: JobResult
    files: dict[str, bytes]


def worker_fingerprint() -> dict[str, str]:
    """What must agree with the client's: qipp's version and code, the lock file, ``data/``."""
    return {
        "qipp": __version__,
        "code": code_digest(),
        "data": data_digest(),
        "python": platform.python_version(),
    }


class RenderThread(threading.Thread):
    """The thread that owns this process's kernel and runs every notebook, in turn."""

    def __init__(self) -> None:
        super().__init__(name="qipp-render", daemon=True)
        self._requests: queue.SimpleQueue[tuple[Callable[[], Any], Future]] = queue.SimpleQueue()

    def run(self) -> None:
        while True:
            function, future = self._requests.get()
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(function())
                except BaseException as exc:  # handed to the waiting task, which re-raises
                    future.set_exception(exc)

    def call(self, function: Callable[[], Any]) -> Any:
        """Run ``function`` on this thread; return its result or raise its error."""
        future: Future = Future()
        self._requests.put((function, future))
        return future.result()


class WorkerState:
    """This process's render thread, scratch folder and the settings its kernel started with."""

    def __init__(self) -> None:
        try:
            from distributed import get_worker  # optional (the cluster extra): only in a worker

            parent = Path(get_worker().local_directory)  # Dask removes it, even after a kill
        except (ImportError, ValueError):  # not in a Dask worker (unit tests)
            parent = Path(tempfile.gettempdir())
        self.scratch = Path(tempfile.mkdtemp(prefix="qipp-", dir=parent))
        self.thread = RenderThread()
        self.thread.start()
        self.started: tuple | None = None
        self._digests: dict[tuple[str, int, int], str] = {}

    def local_copy(self, shipped: ShippedFile) -> Path:
        """The project's own copy of ``shipped`` when it has the same bytes, else a scratch copy."""
        if shipped.root_relative is not None:
            own = PROJECT_ROOT / shipped.root_relative
            if own.is_file() and self._digest(own) == shipped.sha256:
                return own
        copy = self.scratch / "files" / shipped.sha256[:16] / shipped.name
        if not copy.is_file():
            atomic_write_bytes(copy, shipped.data)
        return copy

    def _digest(self, path: Path) -> str:
        status = path.stat()
        key = (str(path), status.st_mtime_ns, status.st_size)
        if key not in self._digests:
            self._digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        return self._digests[key]

    def run(
        self,
        job: RenderJob,
        client: RunSettings,
        client_root: str,
        notebook: ShippedFile,
        files: dict,
    ) -> TaskOutput:
        """Run ``job`` in a stage of its own; return its result and the files' bytes."""
        stage = self.scratch / f"stage-{uuid.uuid4().hex[:12]}"
        stage.mkdir()
        try:
            local_job, aliases = self._local_job(job, client, notebook, files, stage)
            cwd = _here(client.cwd, client_root)
            settings = replace(
                client,
                stage=stage,
                cwd=cwd if cwd is not None and cwd.is_dir() else local_job.notebook.parent,
                kernel_dir=self.scratch / "kernels",
                out_dir=_here(client.out_dir, client_root) or client.out_dir,
                path_aliases=aliases,
            )
            if self.started != (client.kernel_name, client.fresh_kernels, settings.cwd):
                start_worker(settings)
                self.started = (client.kernel_name, client.fresh_kernels, settings.cwd)
            result = execute_job(local_job, settings)
            written = {name: (stage / name).read_bytes() for name in result.files}
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        result.job = job  # the client's paths, not this worker's
        return TaskOutput(result, written)

    def _local_job(
        self, job: RenderJob, client: RunSettings, notebook: ShippedFile, files: dict, stage: Path
    ) -> tuple[RenderJob, tuple[tuple[str, str], ...]]:
        """The job with this worker's paths, and each of them with the client's name for it."""
        parameters = dict(job.parameters)
        for name, value in parameters.items():
            if isinstance(value, str) and value.startswith(str(client.stage)):
                parameters[name] = str(stage) + value[len(str(client.stage)) :]
        aliases = []
        for name, shipped in files.items():
            parameters[name] = str(self.local_copy(shipped))
            aliases.append((parameters[name], str(job.parameters[name])))
        local_notebook = self.local_copy(notebook)
        aliases.append((str(local_notebook), str(job.notebook)))
        local = replace(job, notebook=local_notebook, parameters=parameters)
        return local, tuple((mine, theirs) for mine, theirs in aliases if mine != theirs)


def _here(path: Path | None, client_root: str) -> Path | None:
    """The worker's copy of a client's path inside its project, or None.

    >>> _here(Path("/client/notebooks"), "/client") == PROJECT_ROOT / "notebooks"
    True
    """
    if path is None or not Path(path).is_relative_to(client_root):
        return None
    return PROJECT_ROOT / Path(path).relative_to(client_root)


_state: WorkerState | None = None
_state_lock = threading.Lock()


def run_task(
    job: RenderJob, settings: RunSettings, client_root: str, notebook: ShippedFile, files: dict
) -> TaskOutput:
    """The Dask task: run ``job`` on this process's render thread (one notebook at a time)."""
    global _state
    with _state_lock:
        if _state is None:
            _state = WorkerState()
    state = _state
    return state.thread.call(lambda: state.run(job, settings, client_root, notebook, files))
