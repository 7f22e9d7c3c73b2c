"""collapse: repeated problems said once with a count and rows; single ones print as today."""

from __future__ import annotations

from qipp.panel.intake.report import collapse, kind_of, row_ranges
from qipp.validation import Problem

F = "returns.csv"
STATUS_WORDS = "one of: synthetic, reported"
REAL_CODE = (
    "a synthetic row to carry an S-code; of real codes only 11J (NHS Dorset CCG) and "
    "07H (NHS West Essex CCG), whose targets the articles publish"
)


def status(row: int, value: str = "estimated") -> Problem:
    return Problem(F, row, "data_status", f"{value!r} is not allowed", STATUS_WORDS)


def test_single_problems_print_exactly_as_str():
    problems = [
        Problem(F, None, None, "the file is empty", "a CSV (UTF-8) or .xlsx table"),
        Problem(F, 3, "ytd_actual_gbp_m", "-0.5 is not allowed", "a value >= 0"),
        Problem(F, 4, "allocation_gbp_m", "missing value", "a number; a value > 0"),
    ]
    assert collapse(problems) == [str(p) for p in problems]


def test_one_kind_on_many_rows_is_one_line_with_count_and_rows():
    lines = collapse([status(r) for r in range(2, 56)])
    assert lines == [
        f"{F}:2:data_status: 'estimated' is not allowed on 54 rows (rows 2-55) "
        f"(expected {STATUS_WORDS})"
    ]


def test_different_values_group_showing_the_first_and_how_many():
    codes = [f"{n:02}N" for n in range(2, 56)]
    problems = [
        Problem(
            F,
            row,
            "ccg_code",
            f"data_status is 'synthetic' with the real ODS code {code!r}: set it to "
            "'reported' if this is a real return",
            REAL_CODE,
        )
        for row, code in zip(range(2, 56), codes, strict=True)
    ]
    assert collapse(problems) == [
        f"{F}:2:ccg_code: data_status is 'synthetic' with the real ODS code '02N' on 54 rows "
        "(rows 2-55; 54 different values, the first shown): set it to 'reported' if this is "
        f"a real return (expected {REAL_CODE})"
    ]


def test_duplicate_values_of_different_codes_group():
    problems = [
        Problem(F, row, "ccg_code", f"duplicate value {code!r}", "a unique value")
        for row, code in [(3, "S002"), (4, "S002"), (7, "S005"), (9, "S005")]
    ]
    assert collapse(problems) == [
        f"{F}:3:ccg_code: duplicate value 'S002' on 4 rows (rows 3-4, 7, 9; 2 different "
        "values, the first shown) (expected a unique value)"
    ]


def test_up_to_three_repeats_print_one_line_each_in_input_order():
    problems = [status(2), Problem(F, 2, "region", "'Wales' is not allowed", "a region")]
    problems += [status(3), status(4)]
    assert collapse(problems) == [str(p) for p in problems]


def test_a_group_prints_where_its_first_problem_was():
    first = Problem(F, 2, "ccg_name", "missing value", "text")
    last = Problem(F, 30, "region", "'Wales' is not allowed", "a region")
    problems = [first, *(status(r) for r in (3, 5, 6, 7)), last]
    assert collapse(problems) == [
        str(first),
        f"{F}:3:data_status: 'estimated' is not allowed on 4 rows (rows 3, 5-7) "
        f"(expected {STATUS_WORDS})",
        str(last),
    ]


def test_problems_differ_in_kind_by_column_expected_or_words():
    problems = [status(r) for r in range(2, 6)]
    problems += [Problem(F, r, "region", "'estimated' is not allowed", "a region") for r in (2, 3)]
    problems += [Problem(F, 9, "data_status", "'x' is not a word", STATUS_WORDS)]
    lines = collapse(problems)
    assert len(lines) == 4
    assert lines[0].endswith("on 4 rows (rows 2-5) (expected one of: synthetic, reported)")


def test_file_level_problems_are_never_grouped():
    same = Problem(F, None, "notes", "unexpected column", "only the panel's columns")
    assert collapse([same] * 5) == [str(same)] * 5


def test_row_ranges_compress_and_stop_after_ten_runs():
    assert row_ranges([9, 2, 3, 4, 5, 12, 13, 40]) == "2-5, 9, 12-13, 40"
    assert row_ranges(range(2, 60, 2)) == "2, 4, 6, 8, 10, 12, 14, 16, 18, 20, ..."


def test_kind_of_sets_aside_quoted_values_and_words_with_digits_only():
    assert kind_of("the plan £2.200m is not below the allocation £0.000m") == (
        "the plan … is not below the allocation …"
    )
    assert kind_of("'a \\'b\\'' is not allowed") == "… is not allowed"
    assert kind_of("reported row has the CCG's code 'S001'") == "reported row has the CCG's code …"


def test_the_cap_counts_lines_and_says_how_many_problems_are_left():
    distinct = [Problem(F, r, f"c{r}", "odd", "even") for r in range(60)]
    lines = collapse(distinct)
    assert len(lines) == 51
    assert lines[-1] == "... and 10 more problems (60 in all)"


def test_the_cap_accounts_for_collapsed_lines():
    group = [status(r) for r in range(2, 102)]  # one line standing for 100 problems
    distinct = [Problem(F, r, f"c{r}", "odd", "even") for r in range(200, 260)]
    lines = collapse([*distinct, *group], limit=50)
    assert len(lines) == 51
    assert lines[-1] == "... and 11 more lines (110 more problems, 160 in all)"
    # Hidden lines that are one problem each are counted as today.
    assert collapse([*group, *distinct], limit=3)[-1] == "... and 58 more problems (160 in all)"
