"""Folders a killed run left: each names its owner, and the next run removes those of dead owners.

A render works in temporary folders: the stage inside the output folder
(``.qipp-tmp-stage-*``, :mod:`qipp.render.stage`), a scratch folder in the
system's temporary folder (``qipp-render-*``: the kernels' connection, pid and
log files) and, when that path is too long for a socket, a short sockets folder
``/tmp/qk-*`` (:func:`qipp.render.kernels.socket_dir`). A run killed outright
(``kill -9``, the OOM killer, a closed terminal) cannot remove them.

So each holds a small file, :data:`OWNER_FILE`, naming the process that owns
it: its pid and its start time (field 22 of ``/proc/<pid>/stat``), so that a
pid the system has since given to another process does not pass for the owner.
:func:`sweep` removes the folders whose owner is dead, first killing any kernel
such a scratch folder names. It never removes a folder whose owner still runs
(scratch folders in the temporary folder may belong to live runs into other
output folders) nor, unless asked, one that names no owner (a run of an older
qipp, or one that has only just made it).

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
>>> claim(folder)
>>> read_owner(folder)[0] == os.getpid(), is_stale(folder)
(True, False)
>>> _ = (folder / OWNER_FILE).write_text("999999999 1\\n")  # no such process
>>> is_stale(folder), sweep(folder.parent, folder.name) == [folder], folder.exists()
(True, True, False)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

OWNER_FILE = ".qipp-owner"
SCRATCH_PREFIX = "qipp-render-"
SOCKETS_PREFIX = "qk-"
# Where short sockets folders go (a Unix socket path holds at most 107 bytes).
SOCKETS_PARENT = Path("/tmp")
_PROC = Path("/proc")


def parse_stat(text: str) -> tuple[str, int] | None:
    """(state, start time) from the text of ``/proc/<pid>/stat`` (fields 3 and 22).

    The command name (field 2) is in parentheses and may itself hold spaces and
    parentheses, so fields are counted from the last ``)``.

    >>> parse_stat("42 (a) b) S 1 42 42 0 -1 4194560 " + "0 " * 12 + "9876 0 0")
    ('S', 9876)
    >>> parse_stat("garbage") is None
    True
    """
    close = text.rfind(")")
    fields = text[close + 2 :].split() if close >= 0 else []
    try:
        return fields[0], int(fields[19])
    except (IndexError, ValueError):
        return None


def process_stat(pid: int) -> tuple[str, int] | None:
    """(state, start time) of process ``pid``, or None if gone (or no ``/proc``)."""
    try:
        return parse_stat((_PROC / str(pid) / "stat").read_text())
    except OSError:
        return None


def owner_record(pid: int | None = None) -> str:
    """The text of an owner file: the pid and its start time (``-`` where unknown)."""
    pid = os.getpid() if pid is None else pid
    stat = process_stat(pid)
    return f"{pid} {stat[1] if stat else '-'}\n"


def parse_owner(text: str) -> tuple[int, int | None] | None:
    """(pid, start time or None) from an owner file's text; None if unreadable.

    >>> parse_owner("123 456\\n"), parse_owner("123 -"), parse_owner("junk")
    ((123, 456), (123, None), None)
    """
    parts = text.split()
    if not parts or not parts[0].isdigit():
        return None
    start = parts[1] if len(parts) > 1 else "-"
    return int(parts[0]), int(start) if start.isdigit() else None


def claim(folder: Path, pid: int | None = None, *, only_if_unclaimed: bool = False) -> None:
    """Record ``pid`` (this process by default) as the owner of ``folder``.

    With ``only_if_unclaimed`` an existing record is kept (several workers may
    claim their parent's folder; the first does). Never raises.
    """
    path = Path(folder) / OWNER_FILE
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if only_if_unclaimed else os.O_TRUNC)
    with contextlib.suppress(OSError):
        handle = os.open(path, flags, 0o644)
        with os.fdopen(handle, "w") as out:
            out.write(owner_record(pid))


def read_owner(folder: Path) -> tuple[int, int | None] | None:
    """The owner ``folder`` records, or None when it records none."""
    try:
        return parse_owner((Path(folder) / OWNER_FILE).read_text(encoding="ascii"))
    except (OSError, UnicodeDecodeError):
        return None


def alive(pid: int, start: int | None) -> bool:
    """True while process ``pid`` runs and is the one that started at ``start``.

    A zombie (dead, not yet reaped) counts as dead. Where there is no ``/proc``
    the start time cannot be checked and the pid alone decides.

    >>> alive(os.getpid(), None), alive(os.getpid(), process_stat(os.getpid())[1])
    (True, True)
    >>> alive(os.getpid(), 1), alive(0, None)
    (False, False)
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    if not (_PROC / "self" / "stat").exists():
        return True
    stat = process_stat(pid)
    if stat is None or stat[0] in ("Z", "X"):
        return False
    return start is None or stat[1] == start


def is_stale(folder: Path, *, unclaimed: bool = False, mine: bool = False) -> bool:
    """True when ``folder``'s owner is dead.

    ``unclaimed`` also counts a folder that names no owner as stale; ``mine``
    one owned by this very process (a caller that knows it uses none of them).
    """
    owner = read_owner(folder)
    if owner is None:
        return unclaimed
    if mine and owner[0] == os.getpid():
        return True
    return not alive(*owner)


def _kill_kernels(folder: Path) -> None:
    """Kill the kernels a dead run's scratch folder names (each checked by its command line)."""
    if not (_PROC / "self").exists():
        return  # no /proc: a recycled pid could not be told from the kernel
    from qipp.render.kernels import kernel_pids, kill_kernel

    for pid, connection_file in kernel_pids(folder):
        kill_kernel(pid, connection_file)


def sweep(parent: Path, prefix: str, *, unclaimed: bool = False, mine: bool = False) -> list[Path]:
    """Remove the folders ``parent/prefix*`` whose owner is dead; return them.

    See :func:`is_stale` for ``unclaimed`` and ``mine``. Never raises.
    """
    removed = []
    with contextlib.suppress(OSError):
        for folder in Path(parent).glob(f"{prefix}*"):
            if folder.is_symlink() or not folder.is_dir():
                continue
            if is_stale(folder, unclaimed=unclaimed, mine=mine):
                _kill_kernels(folder)
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


def new_scratch_dir() -> Path:
    """A new scratch folder (``qipp-render-*`` in the system's temporary folder), claimed."""
    folder = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    claim(folder)
    return folder


def sweep_scratch() -> list[Path]:
    """Remove dead runs' scratch folders (system temporary folder) and sockets folders."""
    return sweep(Path(tempfile.gettempdir()), SCRATCH_PREFIX) + sweep(
        SOCKETS_PARENT, SOCKETS_PREFIX
    )
