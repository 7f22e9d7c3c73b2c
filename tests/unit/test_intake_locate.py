"""locate_table: the header, the sheet, blank and total rows, extra and missing columns.

Grids are built by hand, as read_grids gives them: CSV cells are text, .xlsx
cells may be numbers or None; rows[i] is spreadsheet row i + 1.
"""

from __future__ import annotations

import pytest

from qipp.panel.intake.grid import Grid
from qipp.panel.intake.locate import (
    HEADER_ALIASES,
    alias_table,
    header_key,
    locate_table,
    match_header,
)
from qipp.panel.schema import PANEL_COLUMNS
from qipp.validation import DataError, Problem

FILE = "returns.csv"
COLUMNS_LISTED = ", ".join(PANEL_COLUMNS)
FRIENDLY = (
    "CCG Code",
    "CCG Name",
    "NHS England Region",
    "Allocation (£m)",
    "QIPP Plan (£m)",
    "Transformational plan £m",
    "Q1 Plan",
    "YTD_Actual",
    "Forecast Outturn",
    "Uses non-recurrent fund",
    "STATUS",
)


def record(code: str, alloc: str = "300.0", plan: str = "9.0", actual: str = "1.5") -> tuple:
    return (code, f"NHS {code} CCG", "London", alloc, plan, "2.0", "2.0", actual, "8.0", "false",
            "reported")  # fmt: skip


def csv_grid(*rows: tuple) -> Grid:
    return Grid("", None, tuple(rows))


def sheet(name: str, *rows: tuple) -> Grid:
    return Grid(f"sheet '{name}'", name, tuple(rows))


def locate(*rows: tuple, sheet_given: bool = False):
    return locate_table([csv_grid(*rows)], PANEL_COLUMNS, FILE, sheet_given)


def problems_of(*grids: Grid) -> list[Problem]:
    with pytest.raises(DataError) as caught:
        locate_table(list(grids), PANEL_COLUMNS, FILE, False)
    return caught.value.problems


def test_a_plain_table_needs_no_notes():
    table = locate(tuple(PANEL_COLUMNS), record("11J"), record("07H"))
    assert table.notes == () and table.warnings == () and table.extra == {}
    assert table.header_row == 1
    assert list(table.frame.columns) == PANEL_COLUMNS
    assert list(table.frame.index) == [2, 3]  # spreadsheet rows
    assert table.frame.loc[3, "ccg_code"] == "07H"


def test_title_rows_above_the_header_are_skipped_with_a_note():
    title = ("QIPP Q1 2013-14: NISFE return", None, None)
    table = locate(title, (None,), tuple(PANEL_COLUMNS), record("11J"), record("07H"))
    assert table.notes == ("header found on row 3",)
    assert table.header_row == 3
    assert list(table.frame.index) == [4, 5]  # header row N -> first data row N + 1
    assert table.warnings == ()  # no "Unnamed: 1: unexpected column"


def test_a_header_below_the_search_window_is_not_found():
    rows = [("title",)] * 20 + [tuple(PANEL_COLUMNS), record("11J")]
    [problem] = problems_of(csv_grid(*rows))
    assert problem == Problem(
        FILE,
        None,
        None,
        "no header row found in the first 20 rows; the first row with text holds 'title'",
        f"a header row within the first 20 rows naming the columns {COLUMNS_LISTED}",
    )


def test_upper_case_and_friendly_headers_match():
    table = locate(FRIENDLY, record("11J"))
    assert list(table.frame.columns) == PANEL_COLUMNS
    assert table.notes == () and table.warnings == ()
    upper = locate(tuple(c.upper() for c in PANEL_COLUMNS), record("11J"))
    assert list(upper.frame.columns) == PANEL_COLUMNS


def test_header_keys_fold_case_separators_and_units():
    assert header_key(" Year-to-date__plan ") == "year to date plan"
    assert match_header("Allocation £m", PANEL_COLUMNS) == "allocation_gbp_m"
    # Found in £000 too: the pipeline then asks "entered in £000?" (units.py), never misreads.
    for header in ("Allocation (£000)", "Allocation £000s", "Allocation £'000", "allocation £ 000"):
        assert match_header(header, PANEL_COLUMNS) == "allocation_gbp_m", header
    assert match_header("notes", PANEL_COLUMNS) is None
    # An alias only names a column that is asked for.
    assert match_header("code", ["ccg_name"]) is None


def test_aliases_name_only_panel_columns_and_the_table_lists_them_all():
    # The optional column with a header of its own (decision 0044) has an alias too.
    assert set(HEADER_ALIASES.values()) <= {*PANEL_COLUMNS, "transformational_forecast_gbp_m"}
    rows = alias_table()
    assert [c for c, _ in rows] == [*PANEL_COLUMNS, "transformational_forecast_gbp_m"]
    assert rows[3] == ("allocation_gbp_m", "allocation")
    assert sum(len(a.split(", ")) for _, a in rows) == len(HEADER_ALIASES)


def test_a_data_sheet_behind_a_cover_sheet_is_found_and_named():
    cover = sheet("Cover", ("NHS England: QIPP return",), ("Fill in the Data sheet",))
    data = sheet("Data", tuple(PANEL_COLUMNS), record("11J"))
    table = locate_table([cover, data], PANEL_COLUMNS, "returns.xlsx", False)
    assert table.grid is data
    assert table.notes == (
        "using sheet 'Data' (the first sheet whose header matches; skipped sheet 'Cover')",
    )


def test_the_sheet_used_is_named_even_when_first_and_not_when_chosen():
    data = sheet("Data", tuple(PANEL_COLUMNS), record("11J"))
    notes = sheet("Notes", ("free text",))
    first = locate_table([data, notes], PANEL_COLUMNS, "r.xlsx", False)
    assert first.notes == ("using sheet 'Data' (the first of 2 sheets)",)
    assert locate_table([data], PANEL_COLUMNS, "r.xlsx", True).notes == ()


def test_no_header_in_any_sheet_says_where_it_looked():
    cover = sheet("Cover", (None, None), (None, "QIPP return", "Q1"))
    other = sheet("Other", ("x",))
    [problem] = problems_of(cover, other)
    assert problem.message == (
        "no header row found in the first 20 rows of sheet 'Cover' and sheet 'Other'; "
        "the first row with text holds 'QIPP return', 'Q1'"
    )
    assert (problem.row, problem.column) == (None, None)


def test_a_header_naming_too_few_columns_is_reported_as_the_closest():
    data = sheet("Data", ("title",), ("CCG Code", "Name", "Region", "Spend"), ("11J", "x", "y", 1))
    [problem] = problems_of(data)
    assert problem.message == (
        "no header row found in the first 20 rows of sheet 'Data'; the closest, row 2 of "
        "sheet 'Data', names only 3 of the 11 columns (ccg_code, ccg_name, region)"
    )


def test_blank_rows_are_dropped_noted_only_between_rows():
    blank = (None, "", "  ")
    table = locate(tuple(PANEL_COLUMNS), record("11J"), blank, record("07H"), blank, blank)
    assert list(table.frame.index) == [2, 4]
    assert table.notes == ("dropped blank row 3",)
    two = locate(tuple(PANEL_COLUMNS), blank, record("11J"), blank, record("07H"))
    assert two.notes == ("dropped 2 blank rows (rows 2, 4)",)


def _total(alloc: str, plan: str, actual: str, label: str = "Total") -> tuple:
    return ("", label, "", alloc, plan, "4.0", "4.0", actual, "16.0", "", "")


def test_a_trailing_total_row_that_adds_up_is_dropped_with_one_note():
    table = locate(
        tuple(PANEL_COLUMNS), record("11J"), record("07H"), _total("600.0", "18.0", "3.0")
    )
    assert list(table.frame.index) == [2, 3]
    assert table.notes == (
        "dropped trailing row 4 ('Total'); its figures match the sum of the rows above",
    )
    assert table.warnings == ()


def test_a_total_row_whose_figures_differ_is_a_warning_naming_both_values():
    table = locate(
        tuple(PANEL_COLUMNS),
        record("11J"),
        record("07H", plan="9.25"),
        _total("600", "18.0", "3.0", label="TOTAL (2 CCGs)"),
    )
    assert table.notes == (
        "dropped trailing row 4 ('TOTAL (2 CCGs)'); 1 of its 6 figures differs from the "
        "sum of the rows",
    )
    assert table.warnings == (
        Problem(
            FILE,
            4,
            "qipp_plan_gbp_m",
            "the total row says £18.000m but the rows above sum to £18.250m",
            "a total equal to the sum of the rows above: is a CCG missing or listed twice?",
        ),
    )


def test_a_total_row_with_numbers_from_a_spreadsheet_and_a_code_cell_saying_total():
    header = tuple(PANEL_COLUMNS)

    def xlsx_record(code: str, alloc: float) -> tuple:
        return (code, "NHS X CCG", "London", alloc, 9.0, 2.0, 2.0, 1.5, 8.0, False, "reported")

    total = ("Total", None, None, 700.5, 18.0, 4.0, 4.0, 3.0, 16.0, None, None)
    table = locate_table(
        [sheet("Data", header, xlsx_record("11J", 300.25), xlsx_record("07H", 400.25), total)],
        PANEL_COLUMNS,
        "r.xlsx",
        True,
    )
    assert table.notes == (
        "dropped trailing row 4 ('Total'); its figures match the sum of the rows above",
    )


def test_a_total_figure_that_cannot_be_read_is_not_compared_and_says_so():
    table = locate(
        tuple(PANEL_COLUMNS),
        record("11J"),
        record("07H", actual="n/a"),
        _total("600.0", "18.0", "3.0"),
    )
    assert table.notes == (
        "dropped trailing row 4 ('Total'); its figures match the sum of the rows above; "
        "not compared (a cell is empty or not a number): ytd_actual_gbp_m",
    )


def test_a_total_in_the_middle_is_not_dropped():
    table = locate(tuple(PANEL_COLUMNS), _total("1", "1", "1"), record("11J"))
    assert list(table.frame.index) == [2, 3] and table.notes == ()


def test_extra_columns_are_set_aside_with_one_warning_never_an_error():
    header = (*PANEL_COLUMNS, "notes", None, "RAG")
    table = locate(header, (*record("11J"), "late", "x", ""), (*record("07H"), "", None, "red"))
    assert list(table.frame.columns) == PANEL_COLUMNS
    assert table.extra == {"notes": ["late", ""], "column M": ["x", None], "RAG": ["", "red"]}
    assert table.warnings == (
        Problem(
            FILE,
            1,
            None,
            "3 columns not in the panel set aside, not checked: 'notes' (column L), "
            "'column M' (column M), 'RAG' (column N)",
            "only the panel's columns",
        ),
    )


def test_a_blank_spacer_column_is_not_an_extra_column():
    table = locate((*PANEL_COLUMNS, None), (*record("11J"), ""))
    assert table.extra == {} and table.warnings == ()


def test_missing_columns_are_one_problem_with_the_closest_headers():
    header = (*PANEL_COLUMNS[:8], "Forcast outturn (£m)", "uses_non_recurrent_fund", "Data stat")
    [problem] = problems_of(csv_grid(("title",), header, record("11J")))
    assert str(problem) == (
        f"{FILE}:2:: missing 2 columns: forecast_outturn_gbp_m (closest header: "
        "'Forcast outturn (£m)', column I), data_status (closest header: 'Data stat', "
        f"column K) (expected a header naming every panel column: {COLUMNS_LISTED})"
    )


def test_a_missing_column_with_nothing_like_it_is_named_alone():
    [problem] = problems_of(csv_grid(tuple(PANEL_COLUMNS[1:]), record("11J")[1:]))
    assert problem.message == "missing 1 column: ccg_code"


def test_no_status_column_is_reported_with_a_note():
    table = locate(tuple(PANEL_COLUMNS[:-1]), record("11J")[:-1], record("02T")[:-1])
    assert table.frame["data_status"].tolist() == ["reported", "reported"]
    assert table.notes == ("no data_status column: every row taken as 'reported'",)


def test_two_headers_for_one_column_are_one_clear_error():
    header = (*FRIENDLY, "code")
    [problem] = problems_of(csv_grid(header, (*record("11J"), "11J")))
    assert problem == Problem(
        FILE,
        1,
        "ccg_code",
        "2 columns mean ccg_code: 'CCG Code' (column A) and 'code' (column L)",
        "each column once",
    )


def test_short_rows_read_as_empty_cells():
    table = locate(tuple(PANEL_COLUMNS), record("11J")[:5])
    assert table.frame.loc[2, "data_status"] is None
    assert table.frame.loc[2, "ccg_code"] == "11J"
