"""All or nothing for a whole run: build in a staging folder, then move into place.

A stopped run discards its stage, so the previous reports stay as they were. A lock
keeps two runs from sharing one folder; holding it, a run removes stages a killed
run left behind.

>>> import tempfile
>>> out = Path(tempfile.mkdtemp())
>>> with RunLock(out):
...     stage = Stage.create(out)
...     _ = (stage.root / "a.html").write_text("new")
...     stage.commit(["a.html"], remove=[])
>>> sorted(p.name for p in out.iterdir())
['.qipp-render.lock', 'a.html']
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from qipp.atomic import TEMP_MARKER, new_file_mode
from qipp.render.errors import RenderBusyError

LOCK_NAME = ".qipp-render.lock"
STAGE_PREFIX = f"{TEMP_MARKER}stage-"


class RunLock:
    """An exclusive, non-blocking lock on an output folder for the life of a run."""

    def __init__(self, out_dir: Path) -> None:
        self.path = Path(out_dir) / LOCK_NAME
        self._handle: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise RenderBusyError(
                f"another qipp render is writing to {self.path.parent}; wait for it to finish"
            ) from None
        self._handle = handle
        for stale in self.path.parent.glob(f"{STAGE_PREFIX}*"):  # a killed run's
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            os.close(self._handle)
            self._handle = None


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Defer SIGINT and SIGTERM (in this thread) until the block ends."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def inside(path: Path, folder: Path) -> bool:
    """True when ``path`` lies inside ``folder`` (a manifest could have been edited by hand).

    >>> inside(Path("/r/ccg/11J.html"), Path("/r")), inside(Path("/r/../etc/x"), Path("/r"))
    (True, False)
    """
    return Path(os.path.normpath(path)).is_relative_to(os.path.normpath(folder))


class Stage:
    """A staging folder inside the destination (same file system, so renames are atomic)."""

    def __init__(self, root: Path, destination: Path) -> None:
        self.root = root
        self.destination = destination

    @classmethod
    def create(cls, destination: Path | str) -> Stage:
        """Make a fresh staging folder inside ``destination`` (private to this user)."""
        destination = Path(destination)
        destination.mkdir(parents=True, exist_ok=True)
        return cls(Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=destination)), destination)

    def commit(self, files: Iterable[str], remove: Iterable[str]) -> None:
        """Move ``files`` (relative paths, in order: the index last) into place and delete
        the destination's ``remove`` (files this run made stale; missing ones skipped)."""
        files, remove = list(files), list(remove)
        with signals_held():
            for relative in remove:
                target = self.destination / relative
                if inside(target, self.destination) and target.is_file() and relative not in files:
                    target.unlink()
            mode = new_file_mode()
            for relative in files:
                target = self.destination / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                # Temporaries are created private (0600); published files get the usual mode.
                os.chmod(self.root / relative, mode)
                os.replace(self.root / relative, target)
        self.discard()

    def discard(self) -> None:
        """Remove the staging folder and whatever is still in it."""
        shutil.rmtree(self.root, ignore_errors=True)
