"""Read a panel file's bytes into raw cells, within bounds, or say in one line why not.

Every size in :mod:`.limits` is checked before the bytes it guards are read or inflated,
an .xlsx is streamed row by row (its declared dimension ignored), and anything a parser
raises becomes one :class:`DataError` line.

>>> grid = Grid("sheet 'Data'", "Data", (("ccg_code", "ccg_name"), ("00C", "NHS Darlington CCG")))
>>> grid.rows[1][0]  # spreadsheet row 2, column A
'00C'
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qipp.panel.intake.limits import (
    HEADER_SEARCH_ROWS,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNCOMPRESSED_XLSX_BYTES,
    MAX_WHOLE_PART_BYTES,
    QUOTE_CHARS,
)
from qipp.panel.intake.text import (
    DELIMITERS,
    column_letter,
    decode,
    fail,
    quote,
    records,
    sniff,
    too_long,
)
from qipp.validation.coerce import is_missing
from qipp.validation.problems import DataError

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ""}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
# The header may sit below a title block, so the rows read reach past MAX_ROWS.
LAST_ROW = MAX_ROWS + HEADER_SEARCH_ROWS


@dataclass(frozen=True)
class Grid:
    """The cells of a CSV, or of one sheet of a workbook, as read.

    ``label`` starts messages (``""`` for a CSV, ``"sheet 'Data'"``); ``rows[i]`` is
    spreadsheet row ``i + 1``, unstripped, trailing blank rows dropped (CSV cells are str,
    .xlsx cells as openpyxl reads them, formulas as their last saved value).
    """

    label: str
    sheet: str | None
    rows: tuple[tuple[object, ...], ...]
    notes: tuple[str, ...] = ()


def read_grids(path: Path | str, sheet: str | int | None = None) -> list[Grid]:
    """Read a CSV/TSV/.txt (one grid) or an .xlsx/.xlsm (one grid per sheet, in order).

    ``sheet`` is a sheet's name or 1-based number (None: every sheet; a CSV has only 1).
    Raises DataError with one problem naming the file and what is wrong.

    >>> try:
    ...     read_grids("no/such/file.csv")
    ... except DataError as err:
    ...     print(err)
    no/such/file.csv: no such file (expected a CSV (UTF-8) or .xlsx table with a header row)
    """
    path = Path(path)
    file = str(path)
    data = _read_bounded(path, file)
    suffix = path.suffix.lower()
    if data.startswith(b"PK\x03\x04") and suffix in XLSX_SUFFIXES | {""}:
        return _read_workbook(data, file, sheet)
    if data.startswith(b"PK\x03\x04") and suffix in TEXT_SUFFIXES:
        raise fail(file, f"this is a spreadsheet (.xlsx) saved under a {suffix} name")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        # OLE2: Excel 97-2003, or an .xlsx with a password (Excel encrypts it into OLE2).
        raise fail(
            file,
            "this is an Excel 97-2003 .xls workbook, or one protected by a password",
            ".xlsx without a password, or CSV UTF-8",
        )
    if suffix in XLSX_SUFFIXES:
        raise fail(file, f"this is not an {suffix} workbook (it is not a zip archive)")
    if suffix not in TEXT_SUFFIXES:
        raise fail(file, f"unsupported file type {suffix!r}")
    if sheet not in (None, 1, "1"):
        raise fail(file, f"a sheet ({sheet!r}) was given, but a text file has no sheets")
    return [_read_text(data, file, tab=suffix == ".tsv")]


def _read_bounded(path: Path, file: str) -> bytes:
    """The file's bytes, refused before reading when it is not a regular file or too large."""
    if not path.exists():
        raise fail(file, "no such file")
    if not path.is_file():
        # A directory, FIFO or /dev/zero would hang or fail deep inside a parser.
        raise fail(file, "this is not a regular file")
    try:
        with path.open("rb") as handle:
            # One byte past the limit: the file may grow after a stat().
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise fail(file, f"the file cannot be opened ({exc.strerror or exc})") from None
    if not data:
        raise fail(file, "the file is empty")
    if len(data) > MAX_FILE_BYTES:
        size = max(path.stat().st_size, len(data))
        raise fail(
            file,
            f"the file is {_megabytes(size)}",
            f"at most {_megabytes(MAX_FILE_BYTES)} (a return for every CCG is about 20 kB)",
        )
    return data


# --- .xlsx -------------------------------------------------------------------------------


def _read_workbook(data: bytes, file: str, sheet: str | int | None) -> list[Grid]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # zipfile stops each part at its declared size, so these bound what can inflate.
            parts = [(info.filename, info.file_size) for info in archive.infolist()]
    except Exception as exc:
        raise _unreadable(file, exc) from None
    unpacked = sum(size for _, size in parts)
    if unpacked > MAX_UNCOMPRESSED_XLSX_BYTES:
        raise fail(
            file,
            f"the workbook unpacks to {_megabytes(unpacked)} (a zip bomb, or not a panel)",
            f"at most {_megabytes(MAX_UNCOMPRESSED_XLSX_BYTES)} unpacked",
        )
    for name, size in parts:
        if size > MAX_WHOLE_PART_BYTES and _parsed_whole(name):
            raise fail(
                file,
                f"the workbook's part {quote(name)} unpacks to {_megabytes(size)}",
                f"at most {_megabytes(MAX_WHOLE_PART_BYTES)} for a part other than a sheet",
            )
    import openpyxl  # only workbooks pay for the import

    workbook = None
    try:
        # openpyxl warns on stderr about features it drops; the user cannot act on that.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # The bytes already read: no second read, and no check of the file's extension.
            source = io.BytesIO(data)
            workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
            names = list(workbook.sheetnames)
            chosen = names if sheet is None else [_pick_sheet(file, names, sheet)]
            return [_read_sheet(workbook[name], name, file) for name in chosen]
    except DataError:
        raise
    except Exception as exc:  # any parser failure is the file's fault; KeyboardInterrupt passes
        raise _unreadable(file, exc) from None
    finally:
        if workbook is not None:
            workbook.close()


def _parsed_whole(name: str) -> bool:
    """Whether openpyxl reads part ``name`` whole (anything but a sheet).

    >>> _parsed_whole("xl/styles.xml"), _parsed_whole("xl/worksheets/sheet1.xml")
    (True, False)
    """
    return name.endswith((".xml", ".rels")) and not name.startswith("xl/worksheets/")


def _pick_sheet(file: str, names: list[str], sheet: str | int) -> str:
    """The sheet named ``sheet`` (exactly, else ignoring case and spaces), or numbered so."""
    wanted = str(sheet)
    if wanted in names:
        return wanted
    folded = [n for n in names if n.strip().casefold() == wanted.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    if wanted.strip().isdigit() and 1 <= int(wanted) <= len(names):
        return names[int(wanted) - 1]
    listed = ", ".join(quote(n) for n in names)
    raise fail(
        file,
        f"there is no sheet {quote(sheet)}; the workbook's sheets are {listed}",
        f"a sheet name, or a number from 1 to {len(names)}",
    )


def _read_sheet(worksheet: Any, name: str, file: str) -> Grid:
    label = f"sheet {quote(name)}"
    if not hasattr(worksheet, "iter_rows"):
        return Grid(label, name, (), ("a chart sheet: no cells",))
    # A few-kB sheet declaring A1:XFD1048576 once took 5.7 GB through pandas.read_excel.
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(values_only=True)
    return Grid(label, name, _collect(rows, file, f"{label}, "))


def _unreadable(file: str, exc: BaseException) -> DataError:
    # openpyxl re-raises some failures as a ValueError naming the path: report the cause.
    while isinstance(exc, ValueError) and isinstance(exc.__cause__ or exc.__context__, Exception):
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    kinds = {
        "BadZipFile": "it is not a valid zip archive, as an .xlsx is",
        "ParseError": "a part's XML is not well-formed",
        "KeyError": "a part it needs is missing",
        "IndexError": "a cell refers to a shared string that is not there",
        "TypeError": "a part (often the styles) is not as Excel writes it",
        "EntitiesForbidden": "its XML declares entities, as an XML bomb does",
    }
    what = kinds.get(type(exc).__name__, "it is damaged, or not written by a spreadsheet")
    detail = " ".join(str(exc).split()) or "no detail"
    detail = detail if len(detail) <= QUOTE_CHARS else detail[:QUOTE_CHARS] + "..."
    return fail(
        file,
        f"the workbook cannot be read: {what} ({type(exc).__name__}: {detail})",
        "an .xlsx saved by Excel or LibreOffice (open and re-save it, or save as CSV UTF-8)",
    )


# --- rows, shared by both readers ---------------------------------------------------------


def _collect(
    rows: Iterable[Sequence[object]], file: str, where: str
) -> tuple[tuple[object, ...], ...]:
    """The rows, refusing a long cell, a wide row, or more filled rows than ``MAX_ROWS``.

    Blank rows after the data are not kept: formatting often reaches far below it.
    """
    kept: list[tuple[object, ...]] = []
    last_filled = filled_rows = 0
    for number, row in enumerate(rows, start=1):
        cells = tuple(row)
        if len(cells) > MAX_COLUMNS:
            # Styled but empty cells widen a row; only cells holding something count.
            width = len(cells)
            while width and is_missing(cells[width - 1]):
                width -= 1
            if width > MAX_COLUMNS:
                raise fail(
                    file,
                    f"{where}row {number} reaches column {column_letter(width)}",
                    f"at most {MAX_COLUMNS} columns ({column_letter(MAX_COLUMNS)})",
                    row=number,
                    col=width,
                )
            cells = cells[:width]
        for index, cell in enumerate(cells, start=1):
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                raise too_long(file, where, number, index, cell)
        if all(is_missing(cell) for cell in cells):
            if number <= LAST_ROW:
                kept.append(cells)
            continue
        filled_rows += 1
        if filled_rows > MAX_ROWS + 1 or number > LAST_ROW:
            raise fail(
                file,
                f"{where}more than {MAX_ROWS:,} rows of data (reading stopped at row {number:,})",
                f"at most {MAX_ROWS:,} rows of data below a header in the first "
                f"{HEADER_SEARCH_ROWS} rows (England had 211 CCGs)",
                row=number,
            )
        kept.append(cells)
        last_filled = number
    return tuple(kept[:last_filled])


# --- CSV, TSV and .txt -------------------------------------------------------------------


def _read_text(data: bytes, file: str, tab: bool) -> Grid:
    text, notes = decode(data, file)
    expected = "\t" if tab else ","
    delimiter = sniff(text, default=expected)
    if delimiter != expected:
        notes.append(f"{DELIMITERS[delimiter]}-separated, not {DELIMITERS[expected]}-separated")
    with closing(records(text, delimiter, file)) as rows:
        return Grid("", None, _collect(rows, file, ""), tuple(notes))


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"
