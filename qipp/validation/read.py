"""Read a CSV or .xlsx file into a frame of raw cells, or say why it is not a table.

Nothing is typed here: every CSV cell stays text, so that coercion
(:mod:`qipp.validation.coerce`) can name the cell that is not of its type.

Examples
--------
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


def _not_a_table(file: str, why: str) -> DataError:
    return DataError(
        [Problem(file, None, None, why, "a CSV (UTF-8) or .xlsx table with a header row")]
    )


def read_raw_table(path: Path | str) -> pd.DataFrame:
    """Read a CSV or .xlsx file into a frame of raw cells, or explain why not.

    CSV is read as UTF-8 (a byte-order mark is accepted) with every cell kept
    as text; .xlsx is read with openpyxl, first sheet.

    Parameters
    ----------
    path : Path or str
        The file to read.

    Returns
    -------
    pandas.DataFrame
        One column per header cell, raw values.

    Raises
    ------
    DataError
        With a single file-level problem when the file does not exist, is
        empty, binary, in another encoding, or a spreadsheet under a .csv name.
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
