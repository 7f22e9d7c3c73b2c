"""Helpers the render tests share: a folder's contents by checksum, waiting for a condition, and
a stand-in project whose notebooks run in warm kernels."""

from __future__ import annotations

import contextlib
import hashlib
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from qipp.paths import DATA_DIR
from qipp.render.plan.cache import CACHE_DIR_NAME


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (the render cache aside) by relative path, as SHA-256."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and CACHE_DIR_NAME not in p.relative_to(folder).parts
    }


def wait_for(
    condition: Callable[[], object],
    timeout_s: float,
    what: str,
    process: subprocess.Popen | None = None,
    interval_s: float = 0.1,
) -> None:
    """Poll ``condition`` until true; fail after ``timeout_s``, or once ``process`` has ended."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if process is not None and process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"render ended before {what}: {out}{err}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(interval_s)


@contextlib.contextmanager
def stand_in_project(root: Path) -> Iterator[None]:
    """Treat ``root`` as the project (``QIPP_ROOT``, its ``data/`` the project's) for the render
    workers and kernels started in the block, so notebooks under it run in warm kernels."""
    if not (root / "data").exists():
        (root / "data").symlink_to(DATA_DIR, target_is_directory=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QIPP_ROOT", str(root))
        yield


def read_table_sheet(workbook: Path, sheet: str) -> pd.DataFrame:
    """A table sheet of a report's workbook read back with pandas, from its Excel table's header."""
    import openpyxl

    (excel_table,) = openpyxl.load_workbook(workbook)[sheet].tables.values()
    header_row = int("".join(ch for ch in excel_table.ref.split(":")[0] if ch.isdigit()))
    return pd.read_excel(workbook, sheet_name=sheet, skiprows=header_row - 1)
