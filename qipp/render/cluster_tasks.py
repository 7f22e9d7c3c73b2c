"""What travels between ``qipp render --scheduler`` and a Dask worker, and back.

A Dask worker shares no folder with the machine that runs ``qipp render`` (the
client): it has its own clone of the project, installed from the same lock file.
So each task carries what the worker could not know:

- the job as the client planned it (:class:`~qipp.render.jobs.RenderJob`);
- the run's settings (:class:`ClusterSettings`), with the client's folders
  given relative to the project root, so the worker finds its own copies;
- the notebook and the files its parameters name (the panel), as
  :class:`ShippedFile`: bytes with their checksum, sent once per run and
  shared by every task that reads them (each file is the result of one small
  task, fetched once by each worker, and recomputed if a worker dies holding it).

A task returns a :class:`TaskOutput`: the job's result and the bytes of every
file it wrote (page, executed notebook, findings), which the client writes into
its own staging folder under the usual atomic rules.

>>> shipped = ShippedFile.read(Path(__file__), root=Path(__file__).parents[2])
>>> shipped.name, shipped.root_relative
('cluster_tasks.py', 'qipp/render/cluster_tasks.py')
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from qipp.render.jobs import RenderJob
from qipp.render.worker_types import JobResult

# Parameters whose value names a file the notebook reads: shipped to the worker.
FILE_PARAMETERS = ("panel_path",)


def file_parameters(job: RenderJob) -> dict[str, str]:
    """The job's parameters that name a file it reads (:data:`FILE_PARAMETERS`), by name.

    >>> job = RenderJob("profile", "07H", Path("t.ipynb"), {"ccg_code": "07H", "panel_path": "/p.csv"})
    >>> file_parameters(job)
    {'panel_path': '/p.csv'}
    """
    return {
        name: job.parameters[name]
        for name in FILE_PARAMETERS
        if isinstance(job.parameters.get(name), str)
    }


def root_relative(path: Path, root: Path) -> str | None:
    """``path`` relative to ``root`` (POSIX), or None when it lies outside.

    >>> root_relative(Path("/p/data/x.csv"), Path("/p")), root_relative(Path("/q/x"), Path("/p"))
    ('data/x.csv', None)
    """
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return None


@dataclass(frozen=True)
class ShippedFile:
    """A file's bytes, its name, and where it lies in the client's project (if it does)."""

    name: str
    root_relative: str | None
    sha256: str
    data: bytes = field(repr=False)

    @classmethod
    def read(cls, path: Path, root: Path) -> ShippedFile:
        """Read ``path``; ``root`` is the client's project root."""
        data = Path(path).read_bytes()
        return cls(
            Path(path).name, root_relative(path, root), hashlib.sha256(data).hexdigest(), data
        )


@dataclass(frozen=True)
class ClusterSettings:
    """The run's settings as a worker needs them (see :class:`~qipp.render.worker_types.WorkerConfig`).

    ``stage`` is the client's staging folder, as the job's parameters name it;
    ``cwd_relative`` and ``out_relative`` are the client's kernel folder and
    output folder relative to its project root (None when outside it).
    """

    stage: str
    cwd_relative: str | None
    out_relative: str | None
    kernel_name: str
    cell_timeout_s: float | None
    notebook_timeout_s: float | None
    show_code: bool
    stamp: str
    executor: str


@dataclass(frozen=True)
class ClusterTask:
    """One job to run on a worker: its place in the run, the job, the run's settings."""

    index: int
    job: RenderJob
    settings: ClusterSettings


@dataclass
class TaskOutput:
    """What a worker sends back: the result, the files it wrote, and who it is."""

    result: JobResult
    files: dict[str, bytes]
    worker: str
