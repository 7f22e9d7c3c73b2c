"""The malformed-panel corpus: every file gives exit 2 and says where and what is wrong.

Each entry maps a file under tests/malformed/ to the lines ``qipp panel validate``
must print after the file name (``row:column: message (expected ...)``). A file
that is not a table has no row or column and gets one line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qipp.cli import main
from qipp.panel import DataError, load_panel

CORPUS = Path(__file__).parents[1] / "malformed"

COLUMNS = (
    "ccg_code, ccg_name, region, allocation_gbp_m, qipp_plan_gbp_m, "
    "transformational_plan_gbp_m, ytd_plan_gbp_m, ytd_actual_gbp_m, "
    "forecast_outturn_gbp_m, uses_non_recurrent_fund, data_status"
)
NOT_A_TABLE = "(expected a CSV (UTF-8) or .xlsx table with a header row)"
CODE_RULE = (
    "(expected an ODS code (two digits and a capital letter, e.g. 11J) or a "
    "synthetic code (S and three digits, e.g. S001))"
)
NAME_CHARS = "(expected letters, digits, spaces and , . ' ’ & ( ) - only)"
NAME_LENGTH = "at most 200 characters"
NO_FORMULA = (
    "(expected text not starting with =, +, - or @, which a spreadsheet would run as a formula)"
)

EXPECTED: dict[str, list[str]] = {
    # Columns
    "missing_column.csv": [
        ":1:: missing 1 column: forecast_outturn_gbp_m (expected a header "
        f"naming every panel column: {COLUMNS})"
    ],
    # Types and values
    "text_in_number.csv": [
        ":3:allocation_gbp_m: 'four hundred' is not a number (expected a number; a value > 0)"
    ],
    "bad_bool.csv": [
        ":3:uses_non_recurrent_fund: 'maybe' is not true or false (expected true or false)"
    ],
    "negative_value.csv": [
        ":3:ytd_actual_gbp_m: '-0.500' is negative; this column cannot be negative "
        "(expected a number; a value >= 0)"
    ],
    "negative_value.xlsx": [
        ":3:ytd_actual_gbp_m: -0.5 is negative; this column cannot be negative "
        "(expected a number; a value >= 0)"
    ],
    "zero_allocation.csv": [
        ":4:allocation_gbp_m: 0.0 is not allowed (expected a value > 0)",
        ":4:qipp_plan_gbp_m: the plan £2.200m is not below the allocation £0.000m "
        "(expected qipp_plan_gbp_m < allocation_gbp_m)",
        ":4:forecast_outturn_gbp_m: the forecast outturn £2.300m exceeds the allocation "
        "£0.000m (expected forecast_outturn_gbp_m <= allocation_gbp_m)",
    ],
    "nan_value.csv": [
        ":3:forecast_outturn_gbp_m: 'NaN' is not a number (expected a number; a value >= 0)"
    ],
    "missing_value.csv": [":2:allocation_gbp_m: missing value (expected a number; a value > 0)"],
    "unknown_region.csv": [
        ":3:region: 'Wales' is not allowed (expected one of: North of "
        "England, Midlands and East of England, South of England, London)"
    ],
    "unknown_status.csv": [
        ":2:data_status: 'estimated' is not allowed (expected one of: synthetic, reported)"
    ],
    # Codes and names
    "duplicate_code.csv": [
        ":3:ccg_code: duplicate value 'S002' (expected a unique value)",
        ":4:ccg_code: duplicate value 'S002' (expected a unique value)",
    ],
    "path_like_code.csv": [f":3:ccg_code: '../x' is not allowed {CODE_RULE}"],
    "script_in_name.csv": [f":3:ccg_name: '<script>alert(1)</script>' is not allowed {NAME_CHARS}"],
    "formula_name.csv": [
        f""":3:ccg_name: '=HYPERLINK("http://example.com")' is not allowed {NAME_CHARS}""",
        f""":3:ccg_name: '=HYPERLINK("http://example.com")' is not allowed {NO_FORMULA}""",
    ],
    "empty_name.csv": [
        f":4:ccg_name: missing value (expected text; {NAME_CHARS[10:-1]}; {NO_FORMULA[10:-1]}; "
        f"{NAME_LENGTH})"
    ],
    # Cross-column rules
    "plan_not_below_allocation.csv": [
        ":2:qipp_plan_gbp_m: the plan £300.000m is not below the allocation £300.000m "
        "(expected qipp_plan_gbp_m < allocation_gbp_m)"
    ],
    "transformational_over_plan.csv": [
        ":3:transformational_plan_gbp_m: the transformational plan £9.500m exceeds the plan "
        "£9.000m (expected transformational_plan_gbp_m <= qipp_plan_gbp_m)"
    ],
    "ytd_plan_over_plan.csv": [
        ":4:ytd_plan_gbp_m: the year-to-date plan £2.500m exceeds the full-year plan £2.200m "
        "(expected ytd_plan_gbp_m <= qipp_plan_gbp_m)"
    ],
    "reported_with_s_code.csv": [
        f":{row}:ccg_code: reported row has the synthetic code 'S00{row - 1}' (expected a "
        "reported row to carry the CCG's ODS code (S-codes are for synthetic rows))"
        for row in (2, 3, 4)
    ],
    "synthetic_with_real_code.csv": [
        ":3:ccg_code: data_status is 'synthetic' with the real ODS code '02N': set it to "
        "'reported' if this is a real return (expected a synthetic row "
        "to carry an S-code; of real codes only 11J (NHS Dorset CCG) and 07H (NHS West Essex "
        "CCG), whose targets the articles publish)"
    ],
    "synthetic_with_real_name.csv": [
        ":2:ccg_name: synthetic row S001 is named 'NHS Leeds North CCG' (expected a synthetic "
        "row with an S-code to be named 'Synthetic CCG NNN', and 11J and 07H to carry their "
        "own names (NHS Dorset CCG, NHS West Essex CCG))"
    ],
    "mixed_status.csv": [
        ":4:data_status: data_status 'reported' in a panel whose other rows are 'synthetic' "
        "(expected one data_status on every row (a panel is all synthetic or all reported))"
    ],
    # Files that are not tables: one line, no row or column
    "empty_file.csv": [f":::: the file is empty {NOT_A_TABLE}"],
    "header_only.csv": [":::: the table has a header but no rows (expected one row per CCG)"],
    # Windows-1252 text is read (with a note), so what is refused is the é itself.
    "not_utf8.csv": [
        ":2:ccg_name: 'Synthetic CCG café' is not allowed (expected letters, digits, spaces "
        "and , . ' ’ & ( ) - only)"
    ],
    "binary.csv": [f":::: the file is binary, not text {NOT_A_TABLE}"],
    "xlsx_renamed.csv": [
        f":::: this is a spreadsheet (.xlsx) saved under a .csv name {NOT_A_TABLE}"
    ],
}


# What reading did before it failed is printed first, so the user can match the message.
NOTES: dict[str, list[str]] = {
    "not_utf8.csv": ["note: read as Windows-1252 text, not UTF-8: save as CSV UTF-8 to be sure"]
}

# Refused before the messy-spreadsheet intake (decision 0027), these now load, each
# with the note or warning that says what was done: nothing is accepted silently.
RECOVERED: dict[str, str] = {
    "extra_column.csv": "warning: {path}:1:: 1 column not in the panel set aside, not checked: 'notes'",
    "semicolon_separated.csv": "note: semicolon-separated, not comma-separated",
    "lowercase_code.csv": "note: ccg_code: 1 value upper-cased ('s002' -> 'S002')",
    "ragged_row.csv": "warning: {path}:1:: 2 columns not in the panel set aside, not checked:",
}


def _expected_lines(name: str) -> list[str]:
    path = str(CORPUS / name)
    # File-level lines are written above as ":::: message"; they print as "file: message".
    return [path + (line[3:] if line.startswith("::::") else line) for line in EXPECTED[name]]


def test_corpus_is_large_enough_and_fully_described():
    files = sorted(p.name for p in CORPUS.iterdir() if p.suffix in {".csv", ".xlsx"})
    assert len(files) >= 20
    assert files == sorted([*EXPECTED, *RECOVERED])


@pytest.mark.parametrize("name", sorted(RECOVERED))
def test_recoverable_files_load_and_say_what_was_done(name):
    result = CliRunner().invoke(main, ["panel", "validate", str(CORPUS / name)])
    assert result.exit_code == 0, result.output
    assert RECOVERED[name].format(path=CORPUS / name) in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_exits_2_with_exact_messages(name):
    result = CliRunner().invoke(main, ["panel", "validate", str(CORPUS / name)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == NOTES.get(name, []) + _expected_lines(name)
    assert result.stdout == ""
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_load_panel_raises_data_error_with_the_same_problems(name):
    with pytest.raises(DataError) as caught:
        load_panel(CORPUS / name)
    assert [str(p) for p in caught.value.problems] == _expected_lines(name)


def test_check_refuses_malformed_files_the_same_way():
    result = CliRunner().invoke(main, ["panel", "check", str(CORPUS / "path_like_code.csv")])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == _expected_lines("path_like_code.csv")
