"""What a Dask worker does with a ``qipp render --scheduler`` task.

Each worker process keeps one executor (a warm kernel, reset between notebooks,
exactly as a local worker's: :mod:`qipp.render.worker`) on one thread of its own
that lives as long as the process. Tasks queue for that thread, so a worker runs
one notebook at a time whatever its ``--nthreads``, and the kernel, started from
that thread, is killed with the process however it dies
(:func:`qipp.render.lifeline.kernel_preexec`).

A task runs in a staging folder of the worker's own and sends back the bytes of
what it wrote (:class:`~qipp.render.cluster_tasks.TaskOutput`); the worker's
copies of the notebook and panel are the project's own files when their
checksums match (so every path a report shows is the one a local run shows), or
else the shipped bytes, written once into the worker's scratch folder. Executed
notebooks name the client's paths, not the worker's.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import platform
import queue
import shutil
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from qipp.atomic import atomic_write_bytes
from qipp.paths import PROJECT_ROOT
from qipp.render.cluster_tasks import ClusterSettings, ClusterTask, ShippedFile, TaskOutput
from qipp.render.execute import EXECUTORS, Executor
from qipp.render.leftovers import new_scratch_dir, sweep_scratch
from qipp.render.worker import execute_job, prepare_executor
from qipp.render.worker_types import WorkerConfig

T = TypeVar("T")


def worker_fingerprint() -> dict[str, str]:
    """What must agree with the client's: qipp's version and code, the lock file, ``data/``."""
    from qipp import __version__
    from qipp.render.cache import code_digest, data_digest

    return {
        "qipp": __version__,
        "code": code_digest(),
        "data": data_digest(),
        "python": platform.python_version(),
    }


class RenderThread(threading.Thread):
    """The thread that owns this process's executor and runs every notebook, in turn."""

    # Read by lifeline.kernel_preexec: kernels started here die with the process.
    lives_with_process = True

    def __init__(self) -> None:
        super().__init__(name="qipp-render", daemon=True)
        self._requests: queue.SimpleQueue[tuple[Callable[[], Any], Future]] = queue.SimpleQueue()

    def run(self) -> None:
        while True:
            function, future = self._requests.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(function())
            except BaseException as exc:  # handed to the waiting task, which re-raises
                future.set_exception(exc)

    def call(self, function: Callable[[], T]) -> T:
        """Run ``function`` on this thread and return its result (or raise its error)."""
        future: Future = Future()
        self._requests.put((function, future))
        return future.result()


class WorkerState:
    """This process's render thread, scratch folder, executor and local copies of files."""

    def __init__(self) -> None:
        sweep_scratch()  # what killed workers on this machine left behind
        self.scratch = new_scratch_dir()
        self.thread = RenderThread()
        self.thread.start()
        self.executor: Executor | None = None
        self.kernel: tuple[str, str] | None = None  # (executor, kernel name) it runs
        self._digests: dict[tuple[str, int, int], str] = {}

    def ready(self, settings: ClusterSettings) -> WorkerConfig:
        """This run's settings as a config, the executor started (once per executor and kernel).

        Runs come and go with their own staging folders and stamps; the kernel stays
        unless a run asks for another executor or kernel.
        """
        cwd = PROJECT_ROOT / settings.cwd_relative if settings.cwd_relative else None
        config = WorkerConfig(
            self.scratch,
            self.scratch,
            cwd if cwd is not None and cwd.is_dir() else self.scratch,
            settings.kernel_name,
            settings.cell_timeout_s,
            settings.show_code,
            settings.stamp,
            settings.executor,
            settings.notebook_timeout_s,
            PROJECT_ROOT / settings.out_relative if settings.out_relative is not None else None,
        )
        wanted = (settings.executor, settings.kernel_name)
        if self.executor is None or self.kernel != wanted:
            self.close_executor()
            executor = EXECUTORS[settings.executor]()
            prepare_executor(config, executor)
            self.executor, self.kernel = executor, wanted
        return config

    def close_executor(self) -> None:
        """Shut the executor's kernels down. Never raises."""
        if self.executor is not None:
            with contextlib.suppress(Exception):
                self.executor.close()
        self.executor, self.kernel = None, None

    def close(self) -> None:
        """At exit: the kernels, then the scratch folder."""
        self.close_executor()
        shutil.rmtree(self.scratch, ignore_errors=True)

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
        self, task: ClusterTask, notebook: ShippedFile, files: dict[str, ShippedFile]
    ) -> TaskOutput:
        """Run ``task`` in a staging folder of its own; return its result and files' bytes."""
        base = self.ready(task.settings)
        stage = self.scratch / f"stage-{uuid.uuid4().hex[:12]}"
        stage.mkdir()
        try:
            job, aliases = self._local_job(task, notebook, files, stage)
            cwd = base.cwd if task.settings.cwd_relative else job.notebook.parent
            config = replace(base, stage=stage, cwd=cwd, path_aliases=aliases)
            result = execute_job(task.index, job, config, self.executor)  # type: ignore[arg-type]
            written = {name: (stage / name).read_bytes() for name in result.files}
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        result.job = task.job  # the client's paths, not this worker's
        return TaskOutput(result, written, _worker_address())

    def _local_job(
        self, task: ClusterTask, notebook: ShippedFile, files: dict[str, ShippedFile], stage: Path
    ) -> tuple[Any, tuple[tuple[str, str], ...]]:
        """The job with this worker's paths, and each of them with the client's name for it."""
        parameters = dict(task.job.parameters)
        client_stage = task.settings.stage
        for name, value in parameters.items():
            if isinstance(value, str) and value.startswith(client_stage):
                parameters[name] = str(stage) + value[len(client_stage) :]
        aliases = []
        for name, shipped in files.items():
            local = str(self.local_copy(shipped))
            aliases.append((local, str(task.job.parameters[name])))
            parameters[name] = local
        local_notebook = self.local_copy(notebook)
        aliases.append((str(local_notebook), str(task.job.notebook)))
        local_job = replace(task.job, notebook=local_notebook, parameters=parameters)
        return local_job, tuple((a, b) for a, b in aliases if a != b)


_state: WorkerState | None = None
_state_lock = threading.Lock()


def _worker_state() -> WorkerState:
    global _state
    with _state_lock:
        if _state is None:
            _state = WorkerState()
            atexit.register(_state.close)
        return _state


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):  # not inside a Dask worker (tests call run_task directly)
        return ""


def run_task(task: ClusterTask, notebook: ShippedFile, files: dict[str, ShippedFile]) -> TaskOutput:
    """The Dask task: run ``task`` on this process's render thread (one notebook at a time)."""
    state = _worker_state()
    return state.thread.call(lambda: state.run(task, notebook, files))
