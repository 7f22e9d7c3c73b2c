"""Returns as they arrive: no status column, money in £000, and case fixed once per column.

Each file is built here from the committed example with real codes (``example_csv_text``),
as a CSV or as an .xlsx with a title row above the header (another reader, numbers typed).
"""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from qipp.cli import main
from qipp.panel.intake.pipeline import read_panel
from qipp.panel.schema import MONEY_COLUMNS, PANEL_COLUMNS
from qipp.panel.template import example_csv_text
from qipp.validation import DataError

HINT = "entered in £000? `qipp panel fix --units 000 IN OUT` converts it to £m"
EXPECTED = "£ million, e.g. 343.066 for £343,066,000"


def _rows(thousands: bool = False, status: bool = True) -> list[list[object]]:
    """The example's header and rows (its notes column left out), money in £000 if asked."""
    header, *rows = [r[: len(PANEL_COLUMNS)] for r in csv.reader(io.StringIO(example_csv_text()))]
    if thousands:
        for row in rows:
            for column in MONEY_COLUMNS:
                i = PANEL_COLUMNS.index(column)
                row[i] = str(round(float(row[i]) * 1000))
    keep = len(PANEL_COLUMNS) - (0 if status else 1)  # data_status is the last column
    return [r[:keep] for r in [header, *rows]]


def _csv(tmp_path, rows: list[list[object]], name: str = "returns.csv"):
    path = tmp_path / name
    path.write_text("".join(",".join(map(str, r)) + "\n" for r in rows), encoding="utf-8")
    return path


def _xlsx_with_title(tmp_path, header: list[str]):
    """The £000 rows as numbers below a title row and ``header``: the workbook reader's path."""
    wb = Workbook()
    ws = wb.active
    ws.append(["QIPP return, Q1 2013-14 (£000)"])
    ws.append(header)
    for row in _rows(thousands=True)[1:]:
        cells = dict(zip(PANEL_COLUMNS, row, strict=True))
        cells.update({c: int(cells[c]) for c in MONEY_COLUMNS})  # numbers, as Excel keeps them
        cells["uses_non_recurrent_fund"] = cells["uses_non_recurrent_fund"] == "true"
        ws.append(list(cells.values()))
    path = tmp_path / "returns.xlsx"
    wb.save(path)
    return path


def _run(*args: object):
    return CliRunner().invoke(main, ["panel", *map(str, args)])


# --- no data_status column ---------------------------------------------------------------


def test_a_return_without_a_status_column_is_reported_with_a_note(tmp_path):
    path = _csv(tmp_path, _rows(status=False))
    read = read_panel(path)
    assert set(read.panel["data_status"]) == {"reported"}
    assert read.panel.drop(columns="data_status").equals(
        read_panel(_csv(tmp_path, _rows(), "full.csv")).panel.drop(columns="data_status")
    )
    assert "no data_status column: every row taken as 'reported'" in read.notes
    result = _run("validate", path)
    assert result.exit_code == 0, result.output
    assert "note: no data_status column: every row taken as 'reported'" in result.stdout


# --- money in £000 -----------------------------------------------------------------------


def test_money_in_thousands_under_gbp_m_headers_is_refused_with_the_hint(tmp_path):
    path = _csv(tmp_path, _rows(thousands=True))
    result = _run("validate", path)
    assert result.exit_code == 2
    # One line naming the columns, not a line per cell; a column with a value under 1,000
    # (ytd_plan_gbp_m, ytd_actual_gbp_m) is not named.
    assert result.stderr == (
        f"{path}:1:: every value of allocation_gbp_m ('290000' on row 2), qipp_plan_gbp_m "
        "('7250' on row 2), transformational_plan_gbp_m ('3000' on row 2), "
        f"forecast_outturn_gbp_m ('6800' on row 2) is over 1,000: {HINT} (expected {EXPECTED})\n"
    )


def test_fix_units_000_converts_each_column_once_and_the_copy_validates(tmp_path):
    source, out = _csv(tmp_path, _rows(thousands=True)), tmp_path / "fixed.csv"
    result = _run("fix", source, out, "--units", "000")
    assert result.exit_code == 0, result.output
    converted = [line for line in result.stdout.splitlines() if "divided by 1,000" in line]
    assert len(converted) == len(MONEY_COLUMNS)
    assert (
        "note: allocation_gbp_m: 4 values in £000 divided by 1,000 to £m ('290000' -> 290.0)"
        in (converted)
    )
    assert not [line for line in result.stdout.splitlines() if line.startswith("row ")]
    again = _run("validate", out)
    assert again.exit_code == 0, again.output
    assert read_panel(out).panel.equals(read_panel(_csv(tmp_path, _rows(), "gbp_m.csv")).panel)


def test_headers_in_thousands_are_found_and_refused_then_converted(tmp_path):
    header = [
        f"{c.removesuffix('_gbp_m')} £'000" if c in MONEY_COLUMNS else c for c in PANEL_COLUMNS
    ]
    header[3] = "Allocation (£000)"
    header[8] = "Forecast £000s"
    path = _xlsx_with_title(tmp_path, header)
    refused = _run("validate", path)
    assert refused.exit_code == 2
    assert refused.stderr.splitlines() == [
        "note: header found on row 2",
        f"{path}:2:: the headers 'Allocation (£000)' (column D), \"qipp_plan £'000\" (column E), "
        '"transformational_plan £\'000" (column F), "ytd_plan £\'000" (column G), '
        "\"ytd_actual £'000\" (column H), 'Forecast £000s' (column I) say £000: "
        f"{HINT} (expected {EXPECTED})",
    ]
    assert _run("validate", path, "--units", "000").exit_code == 0
    out = tmp_path / "fixed.xlsx"
    fixed = _run("fix", path, out, "--units", "000")
    assert fixed.exit_code == 0, fixed.output
    assert "column D: 'Allocation (£000)' -> allocation_gbp_m" in fixed.stdout
    assert read_panel(out).panel.equals(read_panel(_csv(tmp_path, _rows(), "gbp_m.csv")).panel)


def test_every_value_over_1000_but_possible_is_a_warning(tmp_path):
    rows = _rows()
    for row in rows[1:]:
        row[3] = f"{float(row[3]) + 1000:.3f}"  # allocations of £1.3bn to £1.85bn: possible
    path = _csv(tmp_path, rows)
    [warning] = [str(w) for w in read_panel(path).warnings]
    assert f":1:: every value of allocation_gbp_m ('1290.000' on row 2) is over 1,000: {HINT}" in (
        warning
    )
    assert _run("validate", path, "--strict").exit_code == 2


def test_units_000_on_a_return_in_gbp_m_is_refused(tmp_path):
    with pytest.raises(DataError, match="no allocation is over 1,000"):
        read_panel(_csv(tmp_path, _rows()), units="000")


# --- case: one note per column -----------------------------------------------------------


def test_true_false_in_capitals_is_one_note_and_fix_lists_no_cells(tmp_path):
    rows = _rows()
    flag = PANEL_COLUMNS.index("uses_non_recurrent_fund")
    for row in rows[1:]:
        row[flag] = row[flag].title()
    path, out = _csv(tmp_path, rows), tmp_path / "fixed.csv"
    note = "uses_non_recurrent_fund: 3 values 'False' read as false, 1 'True' read as true"
    assert read_panel(path).notes == (note,)
    result = _run("fix", path, out)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:-1] == [f"note: {note}"]


def test_spreadsheet_booleans_are_no_change(tmp_path):
    path = _xlsx_with_title(tmp_path, list(PANEL_COLUMNS))
    result = _run("fix", path, tmp_path / "fixed.csv", "--units", "000")
    assert result.exit_code == 0, result.output
    assert "uses_non_recurrent_fund" not in result.stdout
