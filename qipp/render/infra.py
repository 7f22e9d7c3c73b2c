"""Failures of the environment, not of a notebook: a full disk, a read-only folder, a dead worker.

A notebook that raises, hangs or kills its kernel has failed: its failure is
published and replaces its previous page (which is kept under ``failed/``).
The environment failing is another matter, and never replaces a report:

- a write that fails with ENOSPC, EDQUOT, EROFS, EACCES or EPERM (a full disk
  or quota, a read-only or forbidden folder), in a job's files, the manifest,
  the index or the final move, aborts the whole run with a
  :class:`RenderInfrastructureError` before anything is moved into place;
- a worker process that dies (OOM killer, ``kill -9``) is replaced and its job
  retried once (:mod:`qipp.render.batch`); a job whose worker died twice fails
  with :data:`WORKER_DIED`, and its earlier report, if any, is kept.

Examples
--------
>>> error = RenderInfrastructureError.from_oserror(
...     OSError(errno.ENOSPC, "No space left on device"), "/out/01_x.html")
>>> str(error)
'/out/01_x.html: No space left on device (ENOSPC)'
>>> import pickle
>>> pickle.loads(pickle.dumps(error)).errno == errno.ENOSPC
True
>>> is_infrastructure_oserror(PermissionError(errno.EACCES, "Permission denied"))
True
>>> is_infrastructure_oserror(FileNotFoundError(errno.ENOENT, "No such file"))
False
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Iterator
from pathlib import Path

from qipp.render.execute import CellError

# A full disk or quota, a read-only file system, a folder this user may not write.
INFRASTRUCTURE_ERRNOS: frozenset[int] = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}
)
# What ``qipp render`` exits with when the environment failed, not the input or a notebook.
EXIT_ENVIRONMENT = 3
# The error of a job whose worker process died twice.
WORKER_DIED = "WorkerDiedError"
# Failures that are not the notebook's own: they never replace its previous report.
NOT_THE_NOTEBOOKS_FAULT: frozenset[str] = frozenset({WORKER_DIED, "KernelSetupError"})

# How Python words an OSError: "[Errno 28] No space left on device: '/path'".
_OSERROR_TEXT = re.compile(r"\[Errno (\d+)\] ([^:]+?)(?:: '(.*)')?$")


class RenderInfrastructureError(RuntimeError):
    """The environment failed the run (disk full, read-only or forbidden folder).

    Raised by :func:`qipp.render.pipeline.render_reports` before anything is
    moved into place: the previous reports are unchanged and the stage is gone.

    Attributes
    ----------
    path : str
        The file or folder the failing operation named.
    reason : str
        The system's words for the error, e.g. ``No space left on device``.
    errno : int or None
        The error number (``errno.ENOSPC``).
    exit_code : int
        :data:`EXIT_ENVIRONMENT` (3), for a command line to exit with.
    """

    exit_code = EXIT_ENVIRONMENT

    def __init__(self, path: str, reason: str, errno_: int | None = None) -> None:
        super().__init__(path, reason, errno_)
        self.path = str(path)
        self.reason = reason
        self.errno = errno_

    @classmethod
    def from_oserror(
        cls, exc: OSError, path: Path | str | None = None
    ) -> RenderInfrastructureError:
        """The error for ``exc``, naming ``path`` or else the file ``exc`` names."""
        where = path if path is not None else (exc.filename or "")
        return cls(str(where), exc.strerror or str(exc), exc.errno)

    def __str__(self) -> str:
        name = errno.errorcode.get(self.errno, "") if self.errno is not None else ""
        return f"{self.path}: {self.reason}" + (f" ({name})" if name else "")

    def __reduce__(self) -> tuple:
        # It crosses from a worker process to the parent (pickled).
        return (type(self), (self.path, self.reason, self.errno))


def is_infrastructure_oserror(exc: BaseException) -> bool:
    """True for an OSError that says the disk or folder failed, not the input."""
    return isinstance(exc, OSError) and exc.errno in INFRASTRUCTURE_ERRNOS


@contextlib.contextmanager
def infrastructure_errors(path: Path | str | None = None) -> Iterator[None]:
    """Turn an OSError of :data:`INFRASTRUCTURE_ERRNOS` into a :class:`RenderInfrastructureError`.

    It names ``path`` when given, else the file the OSError names. Other
    exceptions pass unchanged.

    >>> with infrastructure_errors():
    ...     raise OSError(errno.EROFS, "Read-only file system", "/r/index.html")
    Traceback (most recent call last):
    ...
    qipp.render.infra.RenderInfrastructureError: /r/index.html: Read-only file system (EROFS)
    """
    try:
        yield
    except OSError as exc:
        if not is_infrastructure_oserror(exc):
            raise
        raise RenderInfrastructureError.from_oserror(exc, path) from exc


def published_path(path: str, stage: Path, out_dir: Path | None) -> str:
    """``path`` under the stage as the same file in the output folder, else unchanged.

    >>> published_path("/o/.qipp-tmp-stage-1/findings/a.json", Path("/o/.qipp-tmp-stage-1"),
    ...                Path("/o"))
    '/o/findings/a.json'
    """
    try:
        relative = Path(path).relative_to(stage)
    except ValueError:
        return path
    return str((out_dir or stage) / relative)


def infrastructure_error_in(
    error: CellError | None, stage: Path, out_dir: Path | None, writer: str = "the notebook"
) -> RenderInfrastructureError | None:
    """The environment's failure hidden in a job's error, or None if it is the notebook's.

    A notebook writes its findings into the stage: a full or read-only disk
    there is the environment's failure, not the notebook's, though it surfaces
    as an exception in a cell. A full disk (ENOSPC, EDQUOT) is never the
    notebook's fault, wherever it wrote; a refused write (EROFS, EACCES, EPERM)
    is the environment's only inside the stage. Python names no file when a
    write (not an open) fails: the error then names ``writer``.

    >>> stage = Path("/o/.qipp-tmp-stage-1")
    >>> full = CellError("OSError", f"[Errno 28] No space left on device: '{stage}/f/a.json'")
    >>> str(infrastructure_error_in(full, stage, Path("/o")))
    '/o/f/a.json: No space left on device (ENOSPC)'
    >>> str(infrastructure_error_in(CellError("OSError", "[Errno 28] No space left on device"),
    ...                             stage, Path("/o"), "a file 01_x wrote"))
    'a file 01_x wrote: No space left on device (ENOSPC)'
    >>> mine = CellError("PermissionError", "[Errno 13] Permission denied: '/data/x.csv'")
    >>> infrastructure_error_in(mine, stage, Path("/o")) is None
    True
    """
    if error is None:
        return None
    first_line = error.evalue.strip().splitlines()[0] if error.evalue.strip() else ""
    if error.ename == RenderInfrastructureError.__name__:
        return RenderInfrastructureError(writer, first_line)
    match = _OSERROR_TEXT.match(first_line)
    if match is None or int(match.group(1)) not in INFRASTRUCTURE_ERRNOS:
        return None
    number, path = int(match.group(1)), match.group(3) or ""
    inside = bool(path) and os.path.normpath(path).startswith(os.path.normpath(stage) + os.sep)
    if not inside and number not in (errno.ENOSPC, errno.EDQUOT):
        return None
    where = published_path(path, stage, out_dir) if path else writer
    return RenderInfrastructureError(where, match.group(2), number)
