"""Read a CSV or .xlsx file into a frame of raw cells (CSV cells stay text), or say why not.

>>> try:
...     read_raw_table("no/such/file.csv")
... except DataError as err:
...     print(err)
no/such/file.csv: no such file (expected a CSV (UTF-8) or .xlsx table with a header row)
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from qipp.validation.problems import DataError, Problem

NOT_A_TABLE = "a CSV (UTF-8) or .xlsx table with a header row"


def _not_a_table(file: str, why: str) -> DataError:
    return DataError([Problem(file, None, None, why, NOT_A_TABLE)])


def read_raw_table(path: Path | str) -> pd.DataFrame:
    """Read a CSV (UTF-8, BOM or not) or an .xlsx's first sheet into raw cells.

    Raises DataError with one file-level problem when it is not such a table.
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise _not_a_table(file, "no such file")
    head = path.read_bytes()[:8]
    if path.stat().st_size == 0:
        raise _not_a_table(file, "the file is empty")
    is_zip = head.startswith(b"PK\x03\x04")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"} or is_zip:
        if suffix == ".csv":
            raise _not_a_table(file, "this is a spreadsheet (.xlsx) saved under a .csv name")
        return _read_xlsx(path, file)
    if suffix not in {".csv", ".txt", ""}:
        raise _not_a_table(file, f"unsupported file type {suffix!r}")
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise _not_a_table(file, "the file is binary, not text")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_a_table(
            file, f"the file is not UTF-8 text (byte {exc.start + 1} cannot be decoded)"
        ) from None
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise _not_a_table(file, "the file has no header row") from None
    except pd.errors.ParserError as exc:
        raise _not_a_table(
            file, f"the file is not a well-formed CSV ({str(exc).strip()})"
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _read_xlsx(path: Path, file: str) -> pd.DataFrame:
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise _not_a_table(file, f"the spreadsheet cannot be read ({exc})") from None
    if frame.shape[1] == 0:
        raise _not_a_table(file, "the spreadsheet's first sheet is empty")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame
