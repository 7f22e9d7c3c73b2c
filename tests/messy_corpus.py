"""The messy-file corpus: CCG panels as people really send them, and what reading each must do.

Run ``python tests/messy_corpus.py`` to (re)write ``tests/messy/``; the output is
byte-for-byte the same on every run (workbooks carry fixed times, see
:func:`qipp.panel.template.workbook_bytes`), and ``tests/unit/test_messy_corpus.py``
fails when the committed folder differs from a fresh one.

Every file encodes one small, valid, reported panel (:data:`BASE`, eight CCGs of the
register of April 2013 under their own codes, names and regions, with invented figures)
or a variant of it, in one of the
ways a spreadsheet or a person mangles a table: title rows above the header, a
cover sheet, friendly headers, a Total row, £ signs and thousands separators,
Windows or UTF-16 text, semicolons, blank rows, lower case, Yes/No, no status column,
money in £000. Each is either

- **load**: it must read to exactly the clean panel in ``clean/`` that EXPECTED
  names, producing notes and warnings that contain the given substrings; or
- **reject**: it must fail with a message containing the given substrings, in at
  most ``max_lines`` lines (and ``max_chars`` characters) of ``qipp panel validate``
  output. ``intended`` names the clean panel the writer meant, where there is one:
  such a file must never load as anything else (the "never misread" rule).

EXPECTED.json records all of it; substrings are matched case-insensitively.

Examples
--------
>>> len(BASE), BASE[0]["ccg_code"], money_text(1_234_500)
(8, '00C', '1234.500')
>>> sorted(CASES)[:2]
['all_fields_quoted.csv', 'arabic_indic_digits.csv']
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edge_panels import written_name
from openpyxl import Workbook

from qipp.panel.schema import MONEY_COLUMNS, PANEL_COLUMNS
from qipp.panel.template import FIXED_TIME, restamp_zip, workbook_bytes
from qipp.reference import load_register

CORPUS_DIR = Path(__file__).resolve().parent / "messy"
CLEAN_DIR_NAME = "clean"
EXPECTED_NAME = "EXPECTED.json"
README_NAME = "README.md"
# Git must keep every byte (CR LF, UTF-16, Windows-1252), whatever a clone's autocrlf says.
GITATTRIBUTES = "* -text\n"

# The base panel: eight reported CCGs of the register of April 2013 under their own codes, names (as a return writes them: "CCG" after, "St.", a straight apostrophe)
# and regions. Money is invented, in whole £ thousands, so every figure is exact at 3
# decimals of £m.
_BASE_CODES = ("00C", "01X", "03Q", "05A", "06K", "10R", "08Y", "08T")
REGISTER = load_register().set_index("ccg_code")
_BASE_CCGS: tuple[tuple[str, str, str], ...] = tuple(
    (code, written_name(REGISTER.at[code, "ccg_name"]), REGISTER.at[code, "region"])
    for code in _BASE_CODES
)
# An ODS-form code the register of April 2013 lacks, as a CCG formed later would have.
LATER_CODE = "15N"
assert LATER_CODE not in REGISTER.index
# allocation, plan, transformational, ytd plan, ytd actual, forecast (£k); uses NR fund
_BASE_FIGURES: tuple[tuple[int, int, int, int, int, int, bool], ...] = (
    (312450, 7811, 3905, 1562, 1250, 7400, False),
    (1234500, 41250, 20400, 9075, 10120, 39800, True),
    (486120, 3362, 1200, 800, 650, 3100, False),
    (255875, 12790, 9100, 2450, 2450, 12790, False),
    (402300, 16080, 8000, 3620, 2905, 14100, True),
    (698040, 21200, 15050, 4730, 5010, 21900, False),
    (377760, 9450, 4100, 2080, 1890, 9000, False),
    (529915, 26300, 12000, 5900, 6305, 25250, False),
)

Row = dict[str, Any]  # canonical column -> code/name/region/status text, £k int, or bool


def _base() -> list[Row]:
    rows = []
    for ccg, figures in zip(_BASE_CCGS, _BASE_FIGURES, strict=True):
        row = dict(zip(PANEL_COLUMNS[:-1], ccg + figures, strict=True))
        row["data_status"] = "reported"
        rows.append(row)
    return rows


BASE: list[Row] = _base()


def money_text(thousands: int) -> str:
    """£k as the £m text qipp writes: ``312450`` -> ``'312.450'``."""
    return f"{thousands // 1000}.{thousands % 1000:03d}"


def money_short(thousands: int) -> str:
    """£k as the shortest £m text: ``312450`` -> ``'312.45'``, ``9000`` -> ``'9'``."""
    return money_text(thousands).rstrip("0").rstrip(".")


def money_float(thousands: int) -> float:
    return float(money_text(thousands))


def bool_text(value: bool) -> str:
    return "true" if value else "false"


def variant(**changes: dict[str, Any]) -> list[Row]:
    """BASE with some cells changed: ``variant(**{"03Q": {"ytd_actual_gbp_m": 1700}})``."""
    rows = [dict(r) for r in BASE]
    for row in rows:
        row.update(changes.get(row["ccg_code"], {}))
    return rows


def canonical_cells(row: Row) -> list[str]:
    """A row as qipp writes it (the clean panels' text)."""
    cells = []
    for column in PANEL_COLUMNS:
        value = row[column]
        if column in MONEY_COLUMNS:
            cells.append(money_text(value) if isinstance(value, int) else str(value))
        elif isinstance(value, bool):
            cells.append(bool_text(value))
        else:
            cells.append(str(value))
    return cells


def csv_text(
    rows: Sequence[Sequence[object]], delimiter: str = ",", quote_all: bool = False
) -> str:
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=delimiter,
        lineterminator="\n",
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerows([["" if c is None else str(c) for c in r] for r in rows])
    return out.getvalue()


def table(
    rows: Iterable[Row],
    cell: Callable[[str, Any], object] | None = None,
    header: Sequence[str] = PANEL_COLUMNS,
    columns: Sequence[str] = PANEL_COLUMNS,
) -> list[list[object]]:
    """Header plus one list per row; ``cell(column, value)`` renders each value."""
    render = cell or plain
    return [list(header)] + [[render(c, r[c]) for c in columns] for r in rows]


def _blank() -> Row:
    return {
        c: (0 if c in MONEY_COLUMNS else False if c == "uses_non_recurrent_fund" else "")
        for c in PANEL_COLUMNS
    }


def plain(column: str, value: Any) -> str:
    """The canonical text of one cell."""
    return canonical_cells({**_blank(), column: value})[PANEL_COLUMNS.index(column)]


def typed(column: str, value: Any) -> object:
    """The cell as a spreadsheet stores it: money a number, the flag a boolean."""
    if column in MONEY_COLUMNS and isinstance(value, int):
        return money_float(value)
    return value


def sums(rows: Iterable[Row]) -> dict[str, int]:
    rows = list(rows)
    return {c: sum(r[c] for r in rows) for c in MONEY_COLUMNS}


def total_row(rows: Iterable[Row], render: Callable[[str, Any], object] = plain) -> list[object]:
    """A 'Total' row: the sum of each money column, other cells empty."""
    total = sums(rows)
    return [
        "Total" if c == "ccg_code" else render(c, total[c]) if c in MONEY_COLUMNS else None
        for c in PANEL_COLUMNS
    ]


def workbook(*sheets: tuple[str, list[list[object]]]) -> Workbook:
    """A workbook of (title, rows) sheets, cells as given (None for an empty cell)."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.properties.creator = "qipp tests"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


# --- the cases ------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One corpus file: how to make it and what reading it must do."""

    name: str
    what: str
    make: Callable[[], bytes]
    outcome: str  # "load" or "reject"
    clean: str | None = "base"  # load: the panel it reads to; reject: the panel meant, if any
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    message: tuple[str, ...] = ()  # reject: substrings of the CLI's stderr
    error: tuple[str, ...] | None = None  # reject: substrings of the DataError (default message)
    max_lines: int = 1
    max_chars: int | None = None
    large: bool = False  # allowed to be more than a few kB

    def expected(self) -> dict[str, Any]:
        out: dict[str, Any] = {"what": self.what, "outcome": self.outcome}
        clean = f"{CLEAN_DIR_NAME}/{self.clean}.csv" if self.clean else None
        if self.outcome == "load":
            out.update(panel=clean, notes=list(self.notes), warnings=list(self.warnings))
        else:
            out.update(
                message=list(self.message),
                error=list(self.error if self.error is not None else self.message),
                max_lines=self.max_lines,
                intended=clean,
            )
            if self.max_chars is not None:
                out["max_chars"] = self.max_chars
        if self.large:
            out["large"] = True
        return out


CASES: dict[str, Case] = {}
CLEAN: dict[str, list[Row]] = {
    "base": BASE,
    # 08Y as the register spells it, with a curly apostrophe.
    "curly_apostrophe": variant(**{"08Y": {"ccg_name": REGISTER.at["08Y", "ccg_name"] + " CCG"}}),
    "later_code": variant(**{"10R": {"ccg_code": LATER_CODE}}),
    "name_of_another_ccg": variant(
        **{"06K": {"ccg_name": written_name(REGISTER.at["05A", "ccg_name"])}}
    ),
    "q1_over_twice_q1_plan": variant(**{"03Q": {"ytd_actual_gbp_m": 1700}}),
    "forecast_below_q1_delivered": variant(**{"05A": {"forecast_outturn_gbp_m": 2000}}),
}


def case(
    name: str, what: str, outcome: str, **kwargs: Any
) -> Callable[[Callable[[], bytes]], Callable[[], bytes]]:
    def register(make: Callable[[], bytes]) -> Callable[[], bytes]:
        assert name not in CASES, name
        CASES[name] = Case(name, what, make, outcome, **kwargs)
        return make

    return register


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


def base_csv(rows: Iterable[Row] = BASE, **kwargs: Any) -> str:
    return csv_text(table(rows, plain), **kwargs)


def with_cell(code: str, column: str, text: str, rows: Iterable[Row] = BASE) -> bytes:
    """The clean CSV with one cell written as ``text``."""
    body = [
        [text if (r["ccg_code"] == code and c == column) else plain(c, r[c]) for c in PANEL_COLUMNS]
        for r in rows
    ]
    return utf8(csv_text([PANEL_COLUMNS, *body]))


# Loads: numbers as people write them ---------------------------------------------------


@case("thousands_separator.csv", "'1,234.5' (thousands separator) in a £m column", "load")
def _() -> bytes:
    return with_cell("01X", "allocation_gbp_m", "1,234.5")


@case("pound_signs.csv", "money written with a leading £ ('£312.450', '£ 7.811')", "load")
def _() -> bytes:
    def cell(c: str, v: Any) -> str:
        text = plain(c, v)
        if c == "allocation_gbp_m" and v >= 1_000_000:
            return "£1,234.500"
        return ("£ " if c == "qipp_plan_gbp_m" else "£") + text if c in MONEY_COLUMNS else text

    return utf8(csv_text(table(BASE, cell)))


@case(
    "spaces_around_values.csv",
    "spaces around codes, regions, numbers, flags and statuses",
    "load",
    notes=("trimmed of spaces",),
)
def _() -> bytes:
    def cell(c: str, v: Any) -> str:
        text = plain(c, v)
        return f"  {text} " if c != "ccg_name" else text

    return utf8(csv_text(table(BASE, cell)))


@case("nbsp_thousands_separator.csv", "'1\u00a0234.500': a no-break space groups thousands", "load")
def _() -> bytes:
    return with_cell("01X", "allocation_gbp_m", "1\u00a0234.500")


@case("minimal_decimals.csv", "money without trailing zeros ('312.45', '9')", "load")
def _() -> bytes:
    return utf8(
        csv_text(table(BASE, lambda c, v: money_short(v) if c in MONEY_COLUMNS else plain(c, v)))
    )


# Loads: headers and layout -------------------------------------------------------------

FRIENDLY_HEADERS = (
    "CCG Code",
    "CCG Name",
    "Region",
    "Allocation (£m)",
    "QIPP Plan (£m)",
    "Transformational Plan (£m)",
    "YTD Plan (£m)",
    "YTD Actual (£m)",
    "Forecast Outturn (£m)",
    "Uses Non-Recurrent Fund",
    "Status",
)


@case(
    "friendly_headers.csv",
    "headers as a person types them: 'CCG Code', 'Region', 'Allocation (£m)'",
    "load",
)
def _() -> bytes:
    return utf8(csv_text(table(BASE, plain, header=FRIENDLY_HEADERS)))


@case("upper_case_headers.csv", "headers in capitals ('CCG_CODE', 'DATA_STATUS')", "load")
def _() -> bytes:
    return utf8(csv_text(table(BASE, plain, header=[c.upper() for c in PANEL_COLUMNS])))


@case("columns_reordered.csv", "the columns in another order", "load")
def _() -> bytes:
    order = list(reversed(PANEL_COLUMNS))
    return utf8(csv_text(table(BASE, plain, header=order, columns=order)))


@case(
    "title_rows_above_header.csv",
    "a title line and a blank line above the header",
    "load",
    notes=("header found on row 3",),
)
def _() -> bytes:
    return utf8("NISFE Q1 2013-14: QIPP savings by CCG (£ million)\n\n" + base_csv())


@case("trailing_empty_columns.csv", "empty unnamed columns after the table (',,,')", "load")
def _() -> bytes:
    rows = [[*r, "", "", ""] for r in table(BASE, plain)]
    return utf8(csv_text(rows))


@case(
    "blank_rows_middle_and_end.csv",
    "a blank row between CCGs and two at the end",
    "load",
    notes=("dropped blank row 6",),
)
def _() -> bytes:
    lines = base_csv().splitlines(keepends=True)
    return utf8("".join(lines[:5]) + ",,,,,,,,,,\n" + "".join(lines[5:]) + "\n,,,,,,,,,,\n")


@case(
    "total_row_matching.csv",
    "a trailing Total row whose figures match the rows above",
    "load",
    notes=("dropped trailing row 10",),
)
def _() -> bytes:
    return utf8(csv_text([*table(BASE, plain), total_row(BASE)]))


@case(
    "total_row_differs.csv",
    "a trailing Total row whose allocation is not the sum of the rows above",
    "load",
    notes=("dropped trailing row 10",),
    warnings=("total row says",),
)
def _() -> bytes:
    total = total_row(BASE)
    total[PANEL_COLUMNS.index("allocation_gbp_m")] = "4300.000"
    return utf8(csv_text([*table(BASE, plain), total]))


@case(
    "extra_notes_column.csv",
    "an extra 'notes' column (set aside with a warning)",
    "load",
    warnings=("'notes'",),
)
def _() -> bytes:
    rows = table(BASE, plain)
    rows[0].append("notes")
    for i, row in enumerate(rows[1:]):
        row.append("checked by finance" if i % 2 else "")
    return utf8(csv_text(rows))


# Loads: case and words -------------------------------------------------------------------


@case(
    "lower_case_values.csv",
    "'00c', 'london', 'NORTH OF ENGLAND', 'Reported': case fixed, with notes",
    "load",
    notes=("upper-cased", "matched to a canonical name", "lower-cased"),
)
def _() -> bytes:
    def cell(c: str, v: Any) -> str:
        if c == "ccg_code" and v == "00C":
            return "00c"
        if c == "region":
            return v.lower() if v == "London" else v.upper() if v.startswith("North") else v
        if c == "data_status":
            return "Reported"
        return plain(c, v)

    return utf8(csv_text(table(BASE, cell)))


@case("yes_no_booleans.csv", "uses_non_recurrent_fund written Yes / No", "load")
def _() -> bytes:
    return utf8(
        csv_text(
            table(BASE, lambda c, v: ("Yes" if v else "No") if isinstance(v, bool) else plain(c, v))
        )
    )


@case(
    "true_false_capitals.csv", "uses_non_recurrent_fund written TRUE / FALSE (Excel's CSV)", "load"
)
def _() -> bytes:
    return utf8(
        csv_text(
            table(
                BASE,
                lambda c, v: ("TRUE" if v else "FALSE") if isinstance(v, bool) else plain(c, v),
            )
        )
    )


# Loads: encodings and separators ------------------------------------------------------------


@case("utf8_bom.csv", "UTF-8 with a byte-order mark (Excel's 'CSV UTF-8')", "load")
def _() -> bytes:
    return b"\xef\xbb\xbf" + utf8(base_csv())


@case("crlf_line_endings.csv", "Windows line endings (CR LF)", "load")
def _() -> bytes:
    return utf8(base_csv().replace("\n", "\r\n"))


@case("all_fields_quoted.csv", "every field in double quotes", "load")
def _() -> bytes:
    return utf8(base_csv(quote_all=True))


@case(
    "cp1252_windows_text.csv",
    "Windows-1252 text (Excel's plain 'CSV'): a curly apostrophe in a name and £ signs",
    "load",
    clean="curly_apostrophe",
    notes=("Windows-1252",),
)
def _() -> bytes:
    rows = CLEAN["curly_apostrophe"]
    text = csv_text(
        table(rows, lambda c, v: "£" + plain(c, v) if c in MONEY_COLUMNS else plain(c, v))
    )
    return text.replace("\n", "\r\n").encode("cp1252")


@case(
    "semicolon_separated.csv",
    "cells separated by semicolons",
    "load",
    notes=("semicolon-separated",),
)
def _() -> bytes:
    return utf8(base_csv(delimiter=";"))


@case("tab_separated.tsv", "a .tsv file (tab-separated)", "load")
def _() -> bytes:
    return utf8(base_csv(delimiter="\t"))


@case(
    "tab_separated_named_csv.csv",
    "tab-separated text saved under a .csv name",
    "load",
    notes=("tab-separated",),
)
def _() -> bytes:
    return utf8(base_csv(delimiter="\t"))


@case("pipe_separated.txt", "a .txt file separated by | bars", "load", notes=("|", "-separated"))
def _() -> bytes:
    return utf8(base_csv(delimiter="|"))


@case(
    "excel_unicode_text_utf16.txt",
    "Excel's 'Unicode Text': UTF-16 with a BOM, tabs, CR LF",
    "load",
    notes=("UTF-16",),
)
def _() -> bytes:
    # Little-endian with its BOM, as Windows writes it ("utf-16" would follow the machine).
    return codecs.BOM_UTF16_LE + base_csv(delimiter="\t").replace("\n", "\r\n").encode("utf-16-le")


# Loads: plausibility warnings ----------------------------------------------------------------


@case(
    "q1_actual_over_twice_q1_plan.csv",
    "Q1 savings delivered more than twice the Q1 plan (1.700 against 0.800): a warning",
    "load",
    clean="q1_over_twice_q1_plan",
    warnings=("ytd_actual_gbp_m",),
)
def _() -> bytes:
    return utf8(base_csv(CLEAN["q1_over_twice_q1_plan"]))


@case(
    "forecast_below_q1_delivered.csv",
    "a year-end forecast below the savings already delivered in Q1 (2.000 against 2.450): "
    "a warning",
    "load",
    clean="forecast_below_q1_delivered",
    warnings=("forecast_outturn_gbp_m", "below"),
)
def _() -> bytes:
    return utf8(base_csv(CLEAN["forecast_below_q1_delivered"]))


# Loads: workbooks ------------------------------------------------------------------------------


def _typed_table(
    rows: Iterable[Row] = BASE, header: Sequence[str] = PANEL_COLUMNS
) -> list[list[object]]:
    return [list(header)] + [[typed(c, r[c]) for c in PANEL_COLUMNS] for r in rows]


@case(
    "numbers_as_numbers.xlsx",
    "a workbook with money as numbers and Excel booleans TRUE/FALSE",
    "load",
)
def _() -> bytes:
    return workbook_bytes(workbook(("Data", _typed_table())))


@case(
    "numbers_as_text.xlsx", "a workbook with every cell stored as text ('312.450', 'true')", "load"
)
def _() -> bytes:
    return workbook_bytes(workbook(("Data", table(BASE, plain))))


@case("yes_no_booleans.xlsx", "a workbook with uses_non_recurrent_fund as 'Yes' / 'No'", "load")
def _() -> bytes:
    rows = _typed_table()
    flag = PANEL_COLUMNS.index("uses_non_recurrent_fund")
    for row in rows[1:]:
        row[flag] = "Yes" if row[flag] else "No"
    return workbook_bytes(workbook(("Data", rows)))


@case("currency_format.xlsx", "money as numbers formatted '£#,##0.000' in the workbook", "load")
def _() -> bytes:
    wb = workbook(("Data", _typed_table()))
    ws = wb["Data"]
    for column in MONEY_COLUMNS:
        letter = chr(ord("A") + PANEL_COLUMNS.index(column))
        for row in range(2, len(BASE) + 2):
            ws[f"{letter}{row}"].number_format = '"£"#,##0.000'
    return workbook_bytes(wb)


@case(
    "merged_title_rows.xlsx",
    "merged title rows above the header (header on row 4)",
    "load",
    notes=("header found on row 4",),
)
def _() -> bytes:
    title = ["NHS England: NISFE returns, Q1 2013-14"] + [None] * 10
    subtitle = ["QIPP savings by CCG, £ million"] + [None] * 10
    wb = workbook(("Data", [title, subtitle, [], *_typed_table()]))
    wb["Data"].merge_cells("A1:K1")
    wb["Data"].merge_cells("A2:K2")
    return workbook_bytes(wb)


COVER = [
    ["QIPP return, quarter 1 2013-14"],
    [],
    ["Prepared by the finance team"],
    ["The figures are on the sheet 'Data'."],
]


@case("cover_sheet.xlsx", "the data sheet behind a cover sheet", "load", notes=("sheet 'Data'",))
def _() -> bytes:
    return workbook_bytes(workbook(("Cover", COVER), ("Data", _typed_table())))


@case(
    "table_offset.xlsx",
    "the table starting at cell B3 (an empty column A, two empty rows)",
    "load",
    notes=("header found on row 3",),
)
def _() -> bytes:
    rows: list[list[object]] = [[], []] + [[None, *r] for r in _typed_table()]
    return workbook_bytes(workbook(("Data", rows)))


@case(
    "total_row_formulas.xlsx",
    "a Total row of =SUM() formulas with their cached values",
    "load",
    notes=("dropped trailing row 10",),
)
def _() -> bytes:
    wb = workbook(("Data", [*_typed_table(), total_row(BASE, typed)]))
    data = workbook_bytes(wb)
    sheet = "xl/worksheets/sheet1.xml"
    xml = zipfile.ZipFile(io.BytesIO(data)).read(sheet).decode()
    for column in MONEY_COLUMNS:
        letter = chr(ord("A") + PANEL_COLUMNS.index(column))
        xml, n = re.subn(
            rf'(<c r="{letter}10"[^>]*>)(<v>)',
            rf"\1<f>SUM({letter}2:{letter}9)</f>\2",
            xml,
        )
        assert n == 1, (column, xml[-600:])
    return restamp_zip(data, {sheet: xml.encode()})


@case(
    "huge_declared_dimension.xlsx",
    "a sheet declaring the dimension A1:XFD1048576 (the reader must not trust it)",
    "load",
)
def _() -> bytes:
    data = workbook_bytes(workbook(("Data", _typed_table())))
    sheet = "xl/worksheets/sheet1.xml"
    xml = zipfile.ZipFile(io.BytesIO(data)).read(sheet).decode()
    xml, n = re.subn(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml)
    assert n == 1
    return restamp_zip(data, {sheet: xml.encode()})


@case(
    "nisfe_style_return.xlsx",
    "all at once: cover sheet, merged titles, friendly headers, £ format, Total row",
    "load",
    notes=("sheet 'Return'", "header found on row 4", "dropped trailing row 13"),
)
def _() -> bytes:
    title = ["CCG QIPP return: Q1 2013-14 (NISFE)"] + [None] * 10
    rows = [
        title,
        ["£ million"],
        [],
        *_typed_table(header=FRIENDLY_HEADERS),
        total_row(BASE, typed),
    ]
    rows[-1][0] = "TOTAL"
    wb = workbook(("Cover", COVER), ("Return", rows))
    ws = wb["Return"]
    ws.merge_cells("A1:K1")
    for column in MONEY_COLUMNS:
        letter = chr(ord("A") + PANEL_COLUMNS.index(column))
        for row in range(5, len(BASE) + 6):
            ws[f"{letter}{row}"].number_format = '"£"#,##0.000'
    return workbook_bytes(wb)


@case(
    "no_status_column.csv",
    "no data_status column, as in a real NISFE return: every row is 'reported'",
    "load",
    notes=("no data_status column: every row taken as 'reported'",),
)
def _() -> bytes:
    return utf8(csv_text(table(BASE, plain, PANEL_COLUMNS[:-1], PANEL_COLUMNS[:-1])))


# Rejects: numbers that cannot be read one way only --------------------------------------------


@case(
    "money_in_thousands.csv",
    "every money figure in £000 under the £m headers ('312450' for £312.450m)",
    "reject",
    message=(
        "every value of allocation_gbp_m ('312450' on row 2), qipp_plan_gbp_m",
        "is over 1,000: entered in £000?",
        "qipp panel fix --units 000",
    ),
)
def _() -> bytes:
    return utf8(csv_text(table(BASE, lambda c, v: str(v) if c in MONEY_COLUMNS else plain(c, v))))


@case(
    "thousands_headers.xlsx",
    "a title row, then headers in £000 ('Allocation (£000)', \"YTD Plan £'000\", 'Forecast £000s')",
    "reject",
    message=(
        "the headers 'Allocation (£000)' (column D), 'QIPP Plan (£000)' (column E)",
        "'Forecast Outturn £000s' (column I) say £000: entered in £000?",
        "qipp panel fix --units 000",
    ),
)
def _() -> bytes:
    units = ("(£000)", "(£000)", "(£000)", "£'000", "£ 000", "£000s")
    header = [
        f"{h.removesuffix(' (£m)')} {units[MONEY_COLUMNS.index(c)]}" if c in MONEY_COLUMNS else h
        for c, h in zip(PANEL_COLUMNS, FRIENDLY_HEADERS, strict=True)
    ]
    rows = [[r[c] for c in PANEL_COLUMNS] for r in BASE]
    return workbook_bytes(workbook(("Return", [["QIPP return, Q1 2013-14"], header, *rows])))


@case(
    "decimal_comma_ambiguous.csv",
    "'3,362' meaning 3.362 in a £m column whose other values have decimals",
    "reject",
    message=("3,362", "3.362"),
)
def _() -> bytes:
    return with_cell("03Q", "qipp_plan_gbp_m", "3,362")


@case(
    "decimal_comma_21_2.csv",
    "'21,2': a decimal comma (or a typo)",
    "reject",
    message=("21,2", "21.2"),
)
def _() -> bytes:
    return with_cell("10R", "qipp_plan_gbp_m", "21,2")


@case(
    "european_number_format.csv",
    "'1.234,500': a dot for thousands, a comma for decimals",
    "reject",
    message=("1.234,500",),
)
def _() -> bytes:
    return with_cell("01X", "allocation_gbp_m", "1.234,500")


@case(
    "underscore_in_number.csv",
    "'1_234.500' (Python would read it)",
    "reject",
    message=("1_234.500",),
)
def _() -> bytes:
    return with_cell("01X", "allocation_gbp_m", "1_234.500")


@case(
    "fullwidth_digits.csv",
    "full-width digits '３１２.４５０' (Python would read them)",
    "reject",
    message=(":2:allocation_gbp_m", "0-9"),
)
def _() -> bytes:
    return with_cell("00C", "allocation_gbp_m", "３１２.４５０")


@case(
    "arabic_indic_digits.csv",
    "Arabic-Indic digits '٣١٢.٤٥٠' (Python would read them)",
    "reject",
    message=(":2:allocation_gbp_m", "0-9"),
)
def _() -> bytes:
    return with_cell("00C", "allocation_gbp_m", "٣١٢.٤٥٠")


@case("huge_exponent_1e308.csv", "'1e308' in a £m column", "reject", clean=None, message=("1e308",))
def _() -> bytes:
    return with_cell("00C", "allocation_gbp_m", "1e308")


@case(
    "money_above_ceiling.csv",
    "an allocation of 12000.000 (£12bn, beyond any CCG)",
    "reject",
    clean=None,
    message=("12000", "allocation_gbp_m"),
)
def _() -> bytes:
    return with_cell("00C", "allocation_gbp_m", "12000.000")


@case(
    "bracket_negative.csv",
    "'(1.2)': an accountant's negative, in a column that cannot be negative",
    "reject",
    clean=None,
    message=(":3:ytd_actual_gbp_m", "(1.2)"),
)
def _() -> bytes:
    return with_cell("01X", "ytd_actual_gbp_m", "(1.2)")


@case(
    "percent_in_money_column.csv",
    "'2.5%' in a £m column",
    "reject",
    clean=None,
    message=("2.5%", "qipp_plan_gbp_m"),
)
def _() -> bytes:
    return with_cell("00C", "qipp_plan_gbp_m", "2.5%")


@case(
    "dash_for_zero.csv",
    "'-' for nothing delivered (an accounting format's zero)",
    "reject",
    clean=None,
    message=(":4:ytd_actual_gbp_m", "'-'"),
)
def _() -> bytes:
    return with_cell("03Q", "ytd_actual_gbp_m", "-")


# Rejects: figures that cannot be true ------------------------------------------------------------


def _one_change(code: str, column: str, thousands: int) -> bytes:
    return utf8(base_csv(variant(**{code: {column: thousands}})))


@case(
    "plan_above_allocation.csv",
    "a full-year plan (500.000) above the allocation (486.120)",
    "reject",
    clean=None,
    message=(":4:", "500", "486.12"),
)
def _() -> bytes:
    return _one_change("03Q", "qipp_plan_gbp_m", 500_000)


@case(
    "ytd_plan_above_full_year_plan.csv",
    "a year-to-date plan (3.500) above the full-year plan (3.362)",
    "reject",
    clean=None,
    message=(":4:", "3.5", "3.362"),
)
def _() -> bytes:
    return _one_change("03Q", "ytd_plan_gbp_m", 3_500)


@case(
    "transformational_above_plan.csv",
    "a transformational plan (16.500) above the total plan (16.080)",
    "reject",
    clean=None,
    message=(":6:", "16.5", "16.08"),
)
def _() -> bytes:
    return _one_change("06K", "transformational_plan_gbp_m", 16_500)


@case(
    "forecast_above_allocation.csv",
    "a forecast outturn (500.000) above the allocation (486.120)",
    "reject",
    clean=None,
    message=(":4:", "500", "486.12"),
)
def _() -> bytes:
    return _one_change("03Q", "forecast_outturn_gbp_m", 500_000)


@case(
    "q1_actual_above_full_year_plan.csv",
    "Q1 savings delivered (13.500) above the full-year plan (12.790)",
    "reject",
    clean=None,
    message=(":5:", "13.5", "12.79"),
    max_lines=2,
)
def _() -> bytes:
    return _one_change("05A", "ytd_actual_gbp_m", 13_500)


# Loads with a warning: real codes the register of April 2013 does not confirm (decision 0029)


@case(
    "code_after_april_2013.csv",
    "an ODS code the register of April 2013 lacks (a CCG formed later): a warning naming the "
    "closest register CCGs",
    "load",
    clean="later_code",
    warnings=("not in the CCG register of April 2013", "closest there: 10R"),
)
def _() -> bytes:
    return utf8(base_csv(CLEAN["later_code"]))


@case(
    "name_of_another_ccg.csv",
    "06K under 05A's name: a warning saying whose name it is",
    "load",
    clean="name_of_another_ccg",
    warnings=("not the register's name for 06K", "gives that name to 05A"),
)
def _() -> bytes:
    return utf8(base_csv(CLEAN["name_of_another_ccg"]))


# Rejects: codes, statuses, names ----------------------------------------------------------------


@case(
    "real_codes_left_synthetic.csv",
    "real ODS codes with data_status left as 'synthetic' on every row: one collapsed line",
    "reject",
    clean=None,
    message=("8 rows", "reported"),
    error=("synthetic",),
)
def _() -> bytes:
    return utf8(base_csv([{**r, "data_status": "synthetic"} for r in BASE]))


@case(
    "duplicate_after_upper_casing.csv",
    "'00c' and '00C': the same code once upper-cased",
    "reject",
    clean=None,
    message=("duplicate", "00C"),
    max_lines=2,
)
def _() -> bytes:
    rows = variant(**{"08T": {"ccg_code": "00c"}})
    return utf8(base_csv(rows))


def two_quarters(labels: tuple[str, str], copies: int = 1) -> bytes:
    """The base panel as two quarters in one long file; ``copies`` of 00C's second row."""
    rows = table(BASE, plain)
    body = [[labels[0], *r] for r in rows[1:]] + [[labels[1], *r] for r in rows[1:]]
    body += [[labels[1], *rows[1]]] * (copies - 1)
    return utf8(csv_text([["quarter", *rows[0]], *body]))


@case(
    "quarter_label_malformed.csv",
    "a long file whose second quarter is written '2013/14 Q2'",
    "reject",
    clean=None,
    message=("'2013/14 Q2' is not a quarter", "2013-14 Q2"),
)
def _() -> bytes:
    return two_quarters(("2013-14 Q1", "2013/14 Q2"))


@case(
    "quarter_duplicate_ccg.csv",
    "a long file listing 00C twice in 2013-14 Q2: one line, naming both rows",
    "reject",
    clean=None,
    message=("'00C' is listed twice for 2013-14 Q2: also on row 10",),
)
def _() -> bytes:
    return two_quarters(("2013-14 Q1", "2013-14 Q2"), copies=2)


@case(
    "region_not_the_registers.csv",
    "05A under another region than the register's: refused, naming the register's region",
    "reject",
    message=(":5:region", "puts 05A", REGISTER.at["05A", "region"]),
)
def _() -> bytes:
    return with_cell("05A", "region", "South of England")


@case(
    "region_misspelt.csv",
    "region 'Londn' (no guess; the message offers London)",
    "reject",
    clean=None,
    message=("Londn", "London"),
)
def _() -> bytes:
    return with_cell("08Y", "region", "Londn")


@case(
    "name_over_200_chars.csv",
    "a 600-character ccg_name (the limit is 200)",
    "reject",
    clean=None,
    message=("ccg_name", "200"),
    max_chars=600,
)
def _() -> bytes:
    return with_cell("00C", "ccg_name", "NHS " + ("Ashby " * 100)[:592] + " CCG")


@case(
    "ccg_name_1mb.csv",
    "a ccg_name of nearly 1 MB (996,004 characters): refused, quoting at most ~80 of them",
    "reject",
    clean=None,
    message=("B3", "characters"),
    max_chars=400,
    large=True,
)
def _() -> bytes:
    return with_cell("01X", "ccg_name", "NHS " + "Brackenford " * 83_000)


@case(
    "long_cell.xlsx",
    "a workbook cell of 5,000 characters",
    "reject",
    clean=None,
    message=("B2", "characters"),
    max_chars=400,
)
def _() -> bytes:
    rows = _typed_table()
    rows[1][1] = "NHS " + "Ashby " * 832 + "CCG"
    return workbook_bytes(workbook(("Data", rows)))


# Rejects: the table itself -------------------------------------------------------------------------


@case(
    "missing_columns.csv",
    "forecast headed 'Forcast out-turn' (data_status absent too, which is allowed)",
    "reject",
    clean=None,
    message=("missing 1 column: forecast_outturn_gbp_m", "Forcast out-turn"),
)
def _() -> bytes:
    header = [
        ("Forcast out-turn" if c == "forecast_outturn_gbp_m" else c) for c in PANEL_COLUMNS[:-1]
    ]
    return utf8(csv_text(table(BASE, plain, header=header, columns=PANEL_COLUMNS[:-1])))


@case(
    "no_header_anywhere.xlsx",
    "a workbook of prose: no sheet has a header row",
    "reject",
    clean=None,
    message=("no header", "Cover", "Notes"),
)
def _() -> bytes:
    notes = [["Notes"], ["Figures to follow in the next return."]]
    return workbook_bytes(workbook(("Cover", COVER), ("Notes", notes)))


@case(
    "too_many_rows.csv",
    "10,001 data rows below the header (the limit is 10,000)",
    "reject",
    clean=None,
    message=("10,000",),
    max_chars=400,
)
def _() -> bytes:
    return utf8(",".join(PANEL_COLUMNS) + "\n" + "x\n" * 10_001)


@case(
    "too_many_columns.csv",
    "150 columns (the limit is 100)",
    "reject",
    clean=None,
    message=("100 columns",),
    max_chars=400,
)
def _() -> bytes:
    header = [*PANEL_COLUMNS, *(f"extra_{i}" for i in range(139))]
    return utf8(csv_text([header, *[r + [""] * 139 for r in table(BASE, plain)[1:]]]))


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """Zip ``data`` with the entry ``name`` claiming ``size`` bytes unpacked (a zip bomb's header).

    Both the local header and the central directory say so; the bytes stay small.
    """
    out = bytearray(data)
    encoded = name.encode()
    # (signature, offset of the unpacked size, offset of the name length, offset of the name)
    for signature, size_at, length_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        at, patched = out.find(signature), 0
        while at != -1:
            length = int.from_bytes(out[at + length_at : at + length_at + 2], "little")
            if bytes(out[at + name_at : at + name_at + length]) == encoded:
                out[at + size_at : at + size_at + 4] = size.to_bytes(4, "little")
                patched += 1
            at = out.find(signature, at + 4)
        assert patched == 1, (signature, name)
    return bytes(out)


@case(
    "zip_bomb_declared.xlsx",
    "a workbook whose sheet claims 200 MB unpacked (a zip bomb's header; 22 kB of bytes)",
    "reject",
    clean=None,
    message=("MB",),
    max_chars=400,
)
def _() -> bytes:
    data = workbook_bytes(workbook(("Data", _typed_table())))
    return declare_size(data, "xl/worksheets/sheet1.xml", 200 * 1024 * 1024)


# --- writing -------------------------------------------------------------------------------------


def clean_csv(rows: Iterable[Row]) -> bytes:
    return utf8(csv_text(table(rows, plain)))


def expected_document() -> dict[str, Any]:
    return {
        "about": (
            "Messy CCG panels and what reading each must do; written by "
            "tests/messy_corpus.py, checked by tests/unit/test_messy_corpus.py. "
            "load: read_panel gives exactly 'panel' (a clean CSV here), with each 'notes' "
            "substring in some note and each 'warnings' substring in some warning (no "
            "warnings when the list is empty). reject: DataError; 'message' substrings in "
            "the stderr of qipp panel validate (exit 2), 'error' substrings in the "
            "DataError, at most max_lines problem lines ('note: ' lines aside) and max_chars "
            "characters. 'intended' is "
            "the panel the writer meant: such a file may never load as anything else. "
            "Substrings match case-insensitively."
        ),
        "files": {name: CASES[name].expected() for name in sorted(CASES)},
    }


README = """\
# Messy CCG panels

Real returns arrive messy: title rows above the header, a cover sheet, friendly or
upper-case headers, a Total row, £ signs and thousands separators, Windows-1252 or
UTF-16 text, semicolons, blank rows, lower case, Yes/No, no status column, money in £000.
Each file here encodes a small panel (eight reported CCGs with invented figures,
`clean/base.csv`) or a variant of it in one such way.
`EXPECTED.json` says, for every file, whether it must **load** (to exactly the clean
panel named, with the notes and warnings given) or be **rejected** (with a message
containing the given text, in at most `max_lines` lines). A file that is read must
never give a value different from the clean panel: a messy file is read exactly or
refused, never guessed.

Generated by `.venv/bin/python tests/messy_corpus.py`; do not edit by hand (a test regenerates
the folder and compares bytes). Checked by `tests/unit/test_messy_corpus.py`. The
figures are invented; the codes, names and regions are those of the CCG register of
April 2013 (`qipp.reference.load_register`), except where a file changes them on purpose.
"""


def corpus_files() -> dict[str, bytes]:
    """Every file of the corpus folder, relative path -> bytes."""
    files = {name: CASES[name].make() for name in sorted(CASES)}
    for name, rows in CLEAN.items():
        files[f"{CLEAN_DIR_NAME}/{name}.csv"] = clean_csv(rows)
    text = json.dumps(expected_document(), indent=2, ensure_ascii=False, sort_keys=True)
    files[EXPECTED_NAME] = utf8(text + "\n")
    files[README_NAME] = utf8(README)
    files[".gitattributes"] = utf8(GITATTRIBUTES)
    return files


def write_corpus(directory: Path = CORPUS_DIR) -> list[Path]:
    """Write the corpus into ``directory`` (files not of the corpus are removed)."""
    files = corpus_files()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / CLEAN_DIR_NAME).mkdir(exist_ok=True)
    for path in sorted(directory.rglob("*"), reverse=True):
        relative = path.relative_to(directory).as_posix()
        if path.is_file() and relative not in files:
            path.unlink()
    written = []
    for relative, data in files.items():
        path = directory / relative
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS_DIR
    paths = write_corpus(out)
    loads = sum(c.outcome == "load" for c in CASES.values())
    print(f"wrote {len(paths)} files to {out} ({loads} loads, {len(CASES) - loads} rejects)")
