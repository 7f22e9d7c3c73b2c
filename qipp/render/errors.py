"""What stops a render, and how ``qipp render`` exits for each.

Bad input exits 2 (:class:`RenderInputError`, :class:`PanelMismatchError`,
:class:`RenderBusyError`); the machine failing exits 3
(:class:`RenderInfrastructureError`: ENOSPC, EDQUOT, EROFS, EACCES or EPERM, or a
cluster that cannot render), before anything is moved into place. A notebook's own
failure (exit 1) is published; a job the machine failed
(:data:`NOT_THE_NOTEBOOKS_FAULT`) never replaces its earlier report.

>>> error = RenderInfrastructureError.from_oserror(
...     OSError(errno.ENOSPC, "No space left on device"), "/out/01_x.html")
>>> str(error)
'/out/01_x.html: No space left on device (ENOSPC)'
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Iterator
from pathlib import Path

from qipp.render.plan.jobs import CellError

# A full disk or quota, a read-only file system, a folder this user may not write.
INFRASTRUCTURE_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}
)
EXIT_ENVIRONMENT = 3
# The error of a job whose worker process died, and every failure that is not the notebook's.
WORKER_DIED = "WorkerDiedError"
NOT_THE_NOTEBOOKS_FAULT = frozenset({WORKER_DIED, "KernelSetupError"})
# How Python words an OSError: "[Errno 28] No space left on device: '/path'".
_OSERROR_TEXT = re.compile(r"\[Errno (\d+)\] ([^:]+?)(?:: '(.*)')?$")


class RenderInputError(ValueError):
    """A request that cannot be rendered: unknown CCG code, nothing selected, bad name."""


class PanelMismatchError(RenderInputError):
    """A partial run whose panel is not the one the report set was built from."""


class RenderBusyError(RuntimeError):
    """Another render is writing to the same output folder."""


class RenderInfrastructureError(RuntimeError):
    """The machine failed the run; nothing in the output folder was changed.

    ``path`` names the file or folder (or the cluster) that failed, ``reason`` the
    system's words, ``errno`` the error number when there is one.
    """

    exit_code = EXIT_ENVIRONMENT

    def __init__(self, path: str, reason: str, errno_: int | None = None) -> None:
        super().__init__(path, reason, errno_)
        self.path, self.reason, self.errno = str(path), reason, errno_

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


@contextlib.contextmanager
def infrastructure_errors(path: Path | str | None = None) -> Iterator[None]:
    """Raise an OSError of :data:`INFRASTRUCTURE_ERRNOS` as a :class:`RenderInfrastructureError`.

    >>> with infrastructure_errors():
    ...     raise OSError(errno.EROFS, "Read-only file system", "/r/index.html")
    Traceback (most recent call last):
    ...
    qipp.render.errors.RenderInfrastructureError: /r/index.html: Read-only file system (EROFS)
    >>> with infrastructure_errors():  # the input's fault, not the machine's
    ...     raise FileNotFoundError(errno.ENOENT, "No such file")
    Traceback (most recent call last):
    ...
    FileNotFoundError: [Errno 2] No such file
    """
    try:
        yield
    except OSError as exc:
        if exc.errno not in INFRASTRUCTURE_ERRNOS:
            raise
        raise RenderInfrastructureError.from_oserror(exc, path) from exc


def infrastructure_error_in(
    error: CellError | None, stage: Path, out_dir: Path | None, writer: str
) -> RenderInfrastructureError | None:
    """The machine's failure hidden in a notebook's error, or None if it is the notebook's.

    A notebook writes its findings into the stage: a full or read-only disk there
    surfaces as an exception in a cell. A full disk is never the notebook's
    fault, wherever it wrote; a refused write only inside the stage. Python names
    no file when a write (not an open) fails: the error then names ``writer``.

    >>> stage = Path("/o/.qipp-tmp-stage-1")
    >>> full = CellError("OSError", f"[Errno 28] No space left on device: '{stage}/f/a.json'")
    >>> str(infrastructure_error_in(full, stage, Path("/o"), "a file 01_x wrote"))
    '/o/f/a.json: No space left on device (ENOSPC)'
    >>> mine = CellError("PermissionError", "[Errno 13] Permission denied: '/data/x.csv'")
    >>> infrastructure_error_in(mine, stage, Path("/o"), "a file 01_x wrote") is None
    True
    """
    if error is None:
        return None
    first_line = error.evalue.strip().splitlines()[0] if error.evalue.strip() else ""
    match = _OSERROR_TEXT.match(first_line)
    if match is None or int(match.group(1)) not in INFRASTRUCTURE_ERRNOS:
        return None
    number, path = int(match.group(1)), match.group(3) or ""
    inside = bool(path) and os.path.normpath(path).startswith(os.path.normpath(stage) + os.sep)
    if not inside and number not in (errno.ENOSPC, errno.EDQUOT):
        return None
    where = str((out_dir or stage) / os.path.relpath(path, stage)) if inside else path or writer
    return RenderInfrastructureError(where, match.group(2), number)
