"""Templates for a user's CCG panel: an .xlsx to fill in, and an example with real codes.

Both are generated and byte-for-byte reproducible (fixed times and zip dates, no
compression), so a test can tell a stale committed template from a fresh one. The
example's figures are invented; its codes, names and regions are the register's.

>>> import tempfile, pathlib
>>> paths = write_templates(pathlib.Path(tempfile.mkdtemp()))
>>> [p.name for p in paths]
['ccg_panel_template.xlsx', 'ccg_panel_example_real_codes.csv']
>>> example_csv_text().splitlines()[1].split(",")[:3]
['02T', 'NHS Calderdale CCG', 'North of England']
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from qipp.atomic import atomic_write_bytes, atomic_write_text
from qipp.csvsafe import safe_writer
from qipp.panel.schema import (
    DATA_STATUSES,
    MONEY_COLUMNS,
    OPTIONAL_SPEC,
    PANEL_COLUMNS,
    PANEL_SPEC,
    REGIONS,
    STATUS_REPORTED,
)
from qipp.paths import TEMPLATES_DIR
from qipp.reference import load_register
from qipp.reference.provenance import REGISTER_NAME

TEMPLATE_XLSX_NAME = "ccg_panel_template.xlsx"
EXAMPLE_CSV_NAME = "ccg_panel_example_real_codes.csv"
DATA_SHEET = "Data"
README_SHEET = "Read me"
# Last spreadsheet row the drop-down lists cover (England had 211 CCGs).
TEMPLATE_ROWS = 1000
MONEY_FORMAT = "0.000"
# Created and modified times written into every generated workbook: fixed, so the bytes are.
FIXED_TIME = dt.datetime(2013, 4, 1, 0, 0, 0)
# The date every zip entry carries (the earliest a zip can hold).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
EXAMPLE_NOTE = "figures invented for illustration, not a real return"

# Real CCGs of April 2013, one per region, named as the register names them.
EXAMPLE_CODES: tuple[str, ...] = ("02T", "07H", "08H", "11J")
# Invented figures, £m to three decimals, in MONEY_COLUMNS order, then the NR-fund flag.
_EXAMPLE_FIGURES: dict[str, tuple[tuple[float, ...], bool]] = {
    "02T": ((290.0, 7.25, 3.0, 1.7, 1.5, 6.8), False),
    "07H": ((380.0, 24.472, 12.0, 5.6, 4.9, 22.0), True),
    "08H": ((300.0, 9.0, 4.5, 2.1, 2.25, 9.0), False),
    "11J": ((850.0, 2.38, 1.19, 0.52, 0.41, 2.2), False),
}

_TYPE_WORDS = {"str": "text", "float": "number", "int": "whole number", "bool": "true or false"}

INSTRUCTIONS: tuple[str, ...] = (
    f"Fill in the sheet '{DATA_SHEET}': one row per CCG, below the header row; keep the "
    "header as it is (the columns may be in any order).",
    "Money is in £ million to 3 decimals (£ thousands): 312.450 means £312,450,000. "
    "Type numbers, not text: no £ sign, no 'm', no thousands separators needed. "
    "A return in £000 is refused; convert it with: qipp panel fix IN OUT --units 000",
    "ccg_code is the CCG's ODS code of April 2013 (two digits and a capital letter, "
    "e.g. 11J); data_status is 'reported' for a real return (optional: a file without "
    "the column is read as 'reported').",
    "region, data_status and uses_non_recurrent_fund offer drop-down lists.",
    f"Each code, region and name is checked against the {REGISTER_NAME} "
    "(data/reference): a region other than the register's is an error; a code it lacks "
    "(a CCG formed later) or a name other than its own is a warning.",
    "Several quarters: add a column quarter (e.g. 2013-14 Q2) and give one row per CCG and "
    "quarter, or keep one file per quarter and join them: qipp panel combine Q1.xlsx "
    "Q2.xlsx OUT.csv --quarter '2013-14 Q1' --quarter '2013-14 Q2'. An optional column "
    "transformational_forecast_gbp_m (the forecast's transformational part) is kept if present.",
    "Save as .xlsx (or as CSV UTF-8), then check the file before using it: "
    "qipp panel validate FILE",
    "This workbook is generated from qipp.panel.schema.PANEL_SPEC by "
    "qipp panel template --write; do not edit it by hand.",
)


def dictionary_rows() -> list[tuple[str, str, str, str]]:
    """The ``Read me`` table: (column, type, meaning, rule), fields then row rules.

    >>> dictionary_rows()[0][:2]
    ('ccg_code', 'text')
    >>> [row[0] for row in dictionary_rows()][10:12]
    ['data_status', 'ccg_code (row rule)']
    """
    rows = [
        (f.name, _TYPE_WORDS[f.dtype], f.description, f.rule_words()) for f in PANEL_SPEC.fields
    ]
    rows += [(f"{r.column} (row rule)", "-", "-", r.expected) for r in PANEL_SPEC.row_rules]
    rows += [
        (f.name, _TYPE_WORDS[f.dtype], f.description, f.rule_words()) for f in OPTIONAL_SPEC.fields
    ]
    return rows


def _list_validation(values: tuple[str, ...], column: str) -> DataValidation:
    letter = get_column_letter(PANEL_COLUMNS.index(column) + 1)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(values) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=f"Not a valid {column}",
        error="Choose one of: " + ", ".join(values) + ".",
    )
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
    return validation


def build_template() -> Workbook:
    """The template workbook (sheets ``Data`` and ``Read me``), not yet saved."""
    wb = Workbook()
    data = wb.active
    assert data is not None
    data.title = DATA_SHEET
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    data.append(PANEL_COLUMNS)
    for index, column in enumerate(PANEL_COLUMNS, start=1):
        cell = data.cell(row=1, column=index)
        cell.font = bold
        cell.fill = fill
        letter = get_column_letter(index)
        data.column_dimensions[letter].width = max(len(column), 12) + 2
        if column in MONEY_COLUMNS:
            data.column_dimensions[letter].number_format = MONEY_FORMAT
    data.column_dimensions[get_column_letter(PANEL_COLUMNS.index("ccg_name") + 1)].width = 36
    data.column_dimensions[get_column_letter(PANEL_COLUMNS.index("region") + 1)].width = 30
    data.freeze_panes = "A2"
    for validation in (
        _list_validation(REGIONS, "region"),
        # 'reported' first: a real return is what this template is for.
        _list_validation(
            (STATUS_REPORTED,) + tuple(s for s in DATA_STATUSES if s != STATUS_REPORTED),
            "data_status",
        ),
        _list_validation(("true", "false"), "uses_non_recurrent_fund"),
    ):
        data.add_data_validation(validation)

    readme = wb.create_sheet(README_SHEET)
    readme.append(["CCG panel template: NISFE returns for Q1 2013-14, one row per CCG"])
    readme["A1"].font = Font(bold=True, size=14)
    readme.append([])
    for line in INSTRUCTIONS:
        readme.append([line])
    readme.append([])
    readme.append(["column", "type", "meaning", "rule"])
    header_row = readme.max_row
    for index in range(1, 5):
        readme.cell(row=header_row, column=index).font = bold
        readme.cell(row=header_row, column=index).fill = fill
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in dictionary_rows():
        readme.append(list(row))
        for index in range(1, 5):
            readme.cell(row=readme.max_row, column=index).alignment = wrap
    for letter, width in zip("ABCD", (30, 14, 60, 60), strict=True):
        readme.column_dimensions[letter].width = width

    props = wb.properties
    props.creator = "qipp"
    props.title = "CCG panel template (NISFE Q1 2013-14)"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.lastModifiedBy = None
    return wb


def workbook_bytes(workbook: Workbook) -> bytes:
    """``workbook`` as .xlsx bytes that depend only on its content (not the clock or zlib).

    >>> workbook_bytes(build_template()) == workbook_bytes(build_template())
    True
    """
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as archive:
        ExcelWriter(workbook, archive).save()
    return restamp_zip(raw.getvalue())


def restamp_zip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """Rewrite zip ``data`` with fixed entry dates, no compression, entries in order.

    ``replace`` maps entry names to new contents (used to craft odd workbooks).
    """
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_STORED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, replace.get(info.filename, source.read(info.filename)))
    return out.getvalue()


def example_csv_text() -> str:
    """The example panel with real codes and invented figures, as CSV text (``\\n`` ends)."""
    out = io.StringIO()
    writer = safe_writer(out, lineterminator="\n")
    writer.writerow([*PANEL_COLUMNS, "notes"])
    register = load_register().set_index("ccg_code")
    for code in EXAMPLE_CODES:
        # Named as a return names it: the register's name with the "CCG" ONS leaves off.
        name, region = str(register.at[code, "ccg_name"]) + " CCG", str(register.at[code, "region"])
        money, nr_fund = _EXAMPLE_FIGURES[code]
        cells = [code, name, region, *(f"{v:.3f}" for v in money)]
        writer.writerow([*cells, "true" if nr_fund else "false", STATUS_REPORTED, EXAMPLE_NOTE])
    return out.getvalue()


def write_templates(directory: Path | str = TEMPLATES_DIR) -> list[Path]:
    """Write the .xlsx template and the real-codes example into ``directory``; return their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    xlsx = directory / TEMPLATE_XLSX_NAME
    example = directory / EXAMPLE_CSV_NAME
    atomic_write_bytes(xlsx, workbook_bytes(build_template()))
    atomic_write_text(example, example_csv_text())
    return [xlsx, example]
