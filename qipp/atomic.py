"""Write files whole or not at all: a temporary beside the destination, renamed when done.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> atomic_write_text(target, "hello")
>>> target.read_text()
'hello'
>>> sorted(p.name for p in target.parent.iterdir())
['out.txt']
>>> oct(target.stat().st_mode & 0o777) == oct(new_file_mode())
True
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "TEMP_MARKER",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "remove_temporaries",
]

# Temporaries carry this marker so a clean-up can find what an interrupted run left.
TEMP_MARKER = ".qipp-tmp-"


@contextlib.contextmanager
def atomic_path(destination: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``destination``; rename it over it on success.

    On any exception, Ctrl-C included, the temporary goes and ``destination`` is untouched.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        prefix=TEMP_MARKER, suffix=destination.suffix, dir=destination.parent
    )
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.chmod(temporary, new_file_mode())
        os.replace(temporary, destination)
    except BaseException:
        # The error that stopped the write is the one to report, not a failed clean-up.
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise


def new_file_mode() -> int:
    """The mode a new file gets under the current umask (e.g. 0o644)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_text(destination: Path | str, text: str) -> None:
    """Write ``text`` (UTF-8) to ``destination`` atomically."""
    with atomic_path(destination) as temporary:
        temporary.write_text(text, encoding="utf-8")


def atomic_write_bytes(destination: Path | str, data: bytes) -> None:
    """Write ``data`` to ``destination`` atomically."""
    with atomic_path(destination) as temporary:
        temporary.write_bytes(data)


def remove_temporaries(folder: Path | str) -> list[Path]:
    """Delete temporaries an interrupted run left under ``folder``; return them."""
    removed = []
    folder = Path(folder)
    if folder.is_dir():
        for path in folder.rglob(f"{TEMP_MARKER}*"):
            if path.is_file():
                path.unlink()
                removed.append(path)
    return removed
