"""Panels of several quarters (issue 25, decision 0044): the long form, its checks, combine."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from qipp.cli import main
from qipp.panel import (
    QUARTER_FORM,
    DataError,
    at_quarter,
    latest,
    load_panel,
    quarters,
    read_panel,
)
from qipp.panel.intake.plausibility import plausibility_warnings
from qipp.panel.io import panel_to_csv_text, validate_panel_frame
from qipp.panel.quarters import combine_panels, quarter_key, quarter_warnings, validate_quarters
from qipp.panel.schema import PANEL_COLUMNS

Q1, Q2, Q3 = "2013-14 Q1", "2013-14 Q2", "2013-14 Q3"


def _row(code: str, n: int, **change: object) -> dict[str, object]:
    """One synthetic CCG's valid cells, as text (what a file holds)."""
    row: dict[str, object] = {
        "ccg_code": code,
        "ccg_name": f"Synthetic CCG {n:03d}",
        "region": "London",
        "allocation_gbp_m": "300.000",
        "qipp_plan_gbp_m": "9.000",
        "transformational_plan_gbp_m": "4.000",
        "ytd_plan_gbp_m": "2.000",
        "ytd_actual_gbp_m": "1.500",
        "forecast_outturn_gbp_m": "8.000",
        "uses_non_recurrent_fund": "false",
        "data_status": "synthetic",
    }
    row.update({k: str(v) for k, v in change.items()})
    return row


def _long(*rows: tuple[str, dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame([{"quarter": q, **r} for q, r in rows], dtype=object)


def _two_quarters() -> pd.DataFrame:
    """Q2 first in the file, as a person may paste it; S002 falls and re-plans in Q2."""
    return _long(
        (Q2, _row("S001", 1, ytd_plan_gbp_m="4.000", ytd_actual_gbp_m="3.000")),
        (Q2, _row("S002", 2, ytd_plan_gbp_m="1.000", qipp_plan_gbp_m="10.000")),
        (Q1, _row("S001", 1)),
        (Q1, _row("S002", 2)),
        (Q1, _row("S003", 3)),
    )


# --- labels and selection -------------------------------------------------------------------


def test_quarter_key_orders_quarters_across_years_and_refuses_other_forms():
    assert quarter_key(QUARTER_FORM) == (2013, 2)
    assert sorted(["2014-15 Q1", "2013-14 Q4", Q1], key=quarter_key) == [
        Q1,
        "2013-14 Q4",
        "2014-15 Q1",
    ]
    assert quarter_key("1999-00 Q3") == (1999, 3)
    for bad in ("2013/14 Q2", "2013-15 Q2", "2013-14 Q5", "2013-14 q2", "Q2 2013-14", ""):
        with pytest.raises(ValueError, match="2013-14 Q2"):
            quarter_key(bad)


def test_quarters_at_quarter_and_latest_on_a_long_and_a_single_panel():
    panel, _ = validate_quarters(_two_quarters(), "p.csv", [2, 3, 4, 5, 6])
    assert quarters(panel) == [Q1, Q2]
    assert at_quarter(panel, Q2)["ccg_code"].tolist() == ["S001", "S002"]
    assert latest(panel).equals(at_quarter(panel, Q2))
    with pytest.raises(ValueError, match="its quarters: 2013-14 Q1, 2013-14 Q2"):
        at_quarter(panel, Q3)
    single = validate_panel_frame(pd.DataFrame([_row("S001", 1)]), "p.csv")
    assert quarters(single) == [] and latest(single) is single


# --- validation -----------------------------------------------------------------------------


def test_a_long_panel_is_quarter_first_chronological_then_file_order():
    panel, rows = validate_quarters(_two_quarters(), "p.csv", [2, 3, 4, 5, 6])
    assert list(panel.columns) == ["quarter", *PANEL_COLUMNS]
    assert panel[["quarter", "ccg_code"]].values.tolist() == [
        [Q1, "S001"],
        [Q1, "S002"],
        [Q1, "S003"],
        [Q2, "S001"],
        [Q2, "S002"],
    ]
    assert rows == [4, 5, 6, 2, 3]


def test_errors_name_the_bad_label_and_both_rows_of_a_duplicate():
    raw = _long(
        (Q1, _row("S001", 1)),
        ("2013/14 Q2", _row("S002", 2)),
        (Q1, _row("S001", 1)),
        ("", _row("S003", 3)),
        (Q2, _row("S004", 4, allocation_gbp_m="x")),
    )
    with pytest.raises(DataError) as caught:
        validate_quarters(raw, "p.csv", [2, 3, 4, 5, 6])
    lines = [str(p) for p in caught.value.problems]
    assert lines == [
        "p.csv:3:quarter: '2013/14 Q2' is not a quarter (expected a quarter written as "
        "2013-14 Q2: the financial year, a space, Q1 to Q4)",
        "p.csv:4:ccg_code: 'S001' is listed twice for 2013-14 Q1: also on row 2 "
        "(expected one row per CCG and quarter)",
        "p.csv:5:quarter: missing value (expected a quarter written as 2013-14 Q2: the "
        "financial year, a space, Q1 to Q4)",
        "p.csv:6:allocation_gbp_m: 'x' is not a number (expected a number; a value > 0)",
    ]


def test_a_later_quarters_row_rule_speaks_of_that_quarter():
    over = {"ytd_plan_gbp_m": "9.000", "ytd_actual_gbp_m": "9.500"}
    raw = _long((Q1, _row("S001", 1, **over)), (Q2, _row("S001", 1, **over)))
    with pytest.raises(DataError) as caught:
        validate_quarters(raw, "p.csv", [2, 3])
    first, second = (str(p) for p in caught.value.problems)
    assert "the Q1 savings delivered" in first and "(Q1 savings delivered" in first
    assert "the Q2 savings delivered" in second and "(Q2 savings delivered" in second
    assert "Q1" not in second
    # Only the rule's own words change: a cell reading "Q1", quoted in a message, stays as read.
    raw = _long((Q1, _row("S001", 1)), (Q2, _row("S001", 1, allocation_gbp_m="Q1")))
    with pytest.raises(DataError) as caught:
        validate_quarters(raw, "p.csv", [2, 3])
    assert [str(p) for p in caught.value.problems] == [
        "p.csv:3:allocation_gbp_m: 'Q1' is not a number (expected a number; a value > 0)"
    ]
    # So do the warnings: Q2's delivery to date is over twice its plan to date.
    ahead = {"ytd_plan_gbp_m": "1.000", "ytd_actual_gbp_m": "2.500"}
    panel, rows = validate_quarters(
        _long((Q1, _row("S001", 1)), (Q2, _row("S001", 1, **ahead))), "p.csv", [2, 3]
    )
    said = [str(p) for p in plausibility_warnings(panel, "p.csv", rows)]
    assert len(said) == 1 and "the Q2 savings delivered £2.500m" in said[0] and "Q1" not in said[0]


def test_the_same_ccg_in_two_quarters_is_no_duplicate_but_one_status_runs_through():
    dorset = {"ccg_code": "11J", "ccg_name": "NHS Dorset CCG", "region": "South of England"}
    raw = _long(
        (Q1, _row("S001", 1, **dorset)), (Q2, _row("S001", 1, **dorset, data_status="reported"))
    )
    with pytest.raises(DataError, match="'reported' in 2013-14 Q2, where 2013-14 Q1 is"):
        validate_quarters(raw, "p.csv", [2, 3])


def test_warnings_name_the_ccg_and_both_figures_within_one_year_only():
    panel, rows = validate_quarters(_two_quarters(), "p.csv", [2, 3, 4, 5, 6])
    lines = [str(p) for p in quarter_warnings(panel, "p.csv", rows)]
    assert lines == [
        "p.csv:3:ytd_plan_gbp_m: S002's year-to-date plan falls from £2.000m in 2013-14 Q1 "
        "to £1.000m in 2013-14 Q2; check the row (expected year-to-date figures that never "
        "fall from one quarter to the next)",
        "p.csv:3:qipp_plan_gbp_m: S002's full-year plan changes from £9.000m in 2013-14 Q1 to "
        "£10.000m in 2013-14 Q2 (expected one full-year plan in every quarter of a year "
        "(or a known re-plan))",
        "p.csv:6:ccg_code: S003 has no row for 2013-14 Q2 (it has rows for 2013-14 Q1) "
        "(expected a row for every CCG in every quarter)",
    ]
    # A new financial year starts again from zero: no warning for the fall or the new plan.
    raw = _long(
        ("2013-14 Q4", _row("S001", 1, ytd_plan_gbp_m="8.000")),
        ("2014-15 Q1", _row("S001", 1, qipp_plan_gbp_m="12.000")),
    )
    panel, rows = validate_quarters(raw, "p.csv", [2, 3])
    assert quarter_warnings(panel, "p.csv", rows) == []


def test_the_transformational_forecast_is_kept_and_may_not_exceed_the_forecast():
    raw = pd.DataFrame([_row("S001", 1), _row("S002", 2)], dtype=object)
    raw["transformational_forecast_gbp_m"] = ["3.000", "8.500"]
    with pytest.raises(DataError) as caught:
        validate_panel_frame(raw, "p.csv")
    assert [str(p) for p in caught.value.problems] == [
        "p.csv:3:transformational_forecast_gbp_m: the transformational forecast £8.500m "
        "exceeds the forecast outturn £8.000m (expected transformational_forecast_gbp_m "
        "<= forecast_outturn_gbp_m)"
    ]
    raw.loc[1, "transformational_forecast_gbp_m"] = "2.000"
    panel = validate_panel_frame(raw, "p.csv")
    assert panel.columns[-1] == "transformational_forecast_gbp_m"
    assert panel["transformational_forecast_gbp_m"].tolist() == [3.0, 2.0]


def test_combine_names_a_ccg_twice_in_one_quarter_in_both_files():
    one = validate_panel_frame(pd.DataFrame([_row("S001", 1)]), "a.csv").assign(quarter=Q1)
    two = validate_panel_frame(pd.DataFrame([_row("S001", 1)]), "b.csv").assign(quarter=Q1)
    with pytest.raises(DataError, match="b.csv:2:ccg_code: 'S001' is listed twice for "):
        combine_panels([("a.csv", one, [2]), ("b.csv", two, [2])])
    later = two.assign(quarter=Q2)
    combined = combine_panels([("b.csv", later, [2]), ("a.csv", one, [2])])
    assert combined["quarter"].tolist() == [Q1, Q2]


# --- files and the command line --------------------------------------------------------------


def _write(frame: pd.DataFrame, path: Path) -> Path:
    path.write_text(frame.to_csv(index=False), encoding="utf-8")
    return path


def test_a_total_row_of_one_quarter_is_compared_with_that_quarters_rows(tmp_path):
    # Q2's two CCGs plan £9m and £10m: a "Total" row for 2013-14 Q2 says £19m.
    frame = _two_quarters()
    total = {c: "" for c in frame.columns} | {"quarter": Q2, "ccg_code": "Total"}
    total["qipp_plan_gbp_m"] = "19.000"
    read = read_panel(_write(pd.concat([frame, pd.DataFrame([total])]), tmp_path / "t.csv"))
    assert not any("total row" in str(w) for w in read.warnings)
    assert any("its figures match the sum of the rows above" in n for n in read.notes)
    total["qipp_plan_gbp_m"] = "46.000"  # all five rows: not Q2's total
    read = read_panel(_write(pd.concat([frame, pd.DataFrame([total])]), tmp_path / "t.csv"))
    assert any("sum to £19.000m" in str(w) for w in read.warnings)


def test_a_file_without_quarter_reads_as_before_and_a_long_file_round_trips(tmp_path):
    single = _write(pd.DataFrame([_row("S001", 1), _row("S002", 2)]), tmp_path / "one.csv")
    assert list(load_panel(single).columns) == PANEL_COLUMNS
    read = read_panel(_write(_two_quarters(), tmp_path / "long.csv"))
    assert quarters(read.panel) == [Q1, Q2] and read.row_numbers == (4, 5, 6, 2, 3)
    assert [w.column for w in read.warnings] == ["ytd_plan_gbp_m", "qipp_plan_gbp_m", "ccg_code"]
    again = tmp_path / "again.csv"
    again.write_text(panel_to_csv_text(read.panel), encoding="utf-8")
    assert load_panel(again).equals(read.panel)


def test_a_workbook_with_a_title_row_and_a_quarter_column_loads(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["NISFE returns 2013-14, two quarters"])
    frame = _two_quarters()
    ws.append(list(frame.columns))
    for record in frame.itertuples(index=False):
        ws.append(list(record))
    wb.save(tmp_path / "long.xlsx")
    read = read_panel(tmp_path / "long.xlsx")
    assert quarters(read.panel) == [Q1, Q2] and read.row_numbers == (5, 6, 7, 3, 4)
    assert "header found on row 2" in read.notes


def _run(*args: str):
    return CliRunner().invoke(main, ["panel", *args])


def test_combine_writes_one_long_csv_and_says_one_line_per_input(tmp_path):
    q1 = _write(pd.DataFrame([_row("S001", 1), _row("S002", 2)]), tmp_path / "q1.csv")
    q2 = _write(pd.DataFrame([_row("S001", 1, ytd_plan_gbp_m="4.000")]), tmp_path / "q2.csv")
    out = tmp_path / "both.csv"
    result = _run("combine", str(q1), str(q2), str(out), "--quarter", Q1, "--quarter", Q2)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{q1}: 2 rows, {Q1}",
        f"{q2}: 1 rows, {Q2}",
        f"Wrote {out} (3 rows, 2 quarters).",
    ]
    assert "S002 has no row for 2013-14 Q2" in result.stderr
    assert quarters(load_panel(out)) == [Q1, Q2]
    # The file's own column serves when no --quarter is given.
    again = tmp_path / "again.csv"
    assert _run("combine", str(out), str(again)).exit_code == 0
    assert again.read_bytes() == out.read_bytes()
    assert _run("validate", str(out)).exit_code == 0


@pytest.mark.parametrize(
    ("labels", "second", "said"),
    [
        ((Q1, Q1), "q2.csv", ["'S001' is listed twice for 2013-14 Q1: also on "]),
        ((Q1, "2013-14 Q5"), "q2.csv", ["'2013-14 Q5' is not a quarter"]),
        ((Q1, Q2), "empty.csv", ["the table has a header but no rows"]),
        ((), "q2.csv", ["q1.csv: no quarter column and no --quarter (give --quarter"] * 1),
    ],
)
def test_combine_refuses_bad_input_one_line_per_problem_and_writes_nothing(
    tmp_path, labels, second, said
):
    _write(pd.DataFrame([_row("S001", 1)]), tmp_path / "q1.csv")
    _write(pd.DataFrame([_row("S001", 1)]), tmp_path / "q2.csv")
    (tmp_path / "empty.csv").write_text(",".join(PANEL_COLUMNS) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    options = [arg for label in labels for arg in ("--quarter", label)]
    files = [str(tmp_path / "q1.csv"), str(tmp_path / second), str(out)]
    result = _run("combine", *files, *options)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == len(said) + (not labels), lines  # without --quarter: both inputs
    for line, words in zip(lines, said, strict=False):
        assert words in line
    assert not out.exists() and result.stdout == ""


def test_validate_refuses_a_bad_long_file_one_line_per_problem(tmp_path):
    raw = _long((Q1, _row("S001", 1)), (Q1, _row("S001", 1)), ("Q2", _row("S002", 2)))
    path = _write(raw, tmp_path / "bad.csv")
    result = _run("validate", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:3:ccg_code: 'S001' is listed twice for 2013-14 Q1: also on row 2 "
        "(expected one row per CCG and quarter)",
        f"{path}:4:quarter: 'Q2' is not a quarter (expected a quarter written as 2013-14 Q2: "
        "the financial year, a space, Q1 to Q4)",
    ]


def test_render_refuses_the_same_bad_long_file_before_any_work(tmp_path):
    raw = _long((Q1, _row("S001", 1)), (Q1, _row("S001", 1)), ("Q2", _row("S002", 2)))
    path, out = _write(raw, tmp_path / "bad.csv"), tmp_path / "reports"
    result = CliRunner().invoke(main, ["render", "--panel", str(path), "--out-dir", str(out)])
    assert result.exit_code == 2, result.output
    said = result.stderr.splitlines()
    assert len(said) == 2 and "listed twice for 2013-14 Q1" in said[0] and "'Q2'" in said[1]
    assert not out.exists()  # nothing written


def test_a_long_file_with_no_rows_is_one_line_and_exit_2_for_validate_and_render(tmp_path):
    path, out = tmp_path / "empty.csv", tmp_path / "reports"
    path.write_text(",".join(["quarter", *PANEL_COLUMNS]) + "\n", encoding="utf-8")
    said = f"{path}: the table has a header but no rows (expected one row per CCG)"
    render = ["render", "--panel", str(path), "--out-dir", str(out)]
    for command in (["panel", "validate", str(path)], render):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2 and result.stderr.splitlines() == [said], result.output
    assert not out.exists()


def test_validate_and_fix_a_long_file(tmp_path):
    path = _write(_two_quarters(), tmp_path / "long.csv")
    result = _run("validate", str(path))
    assert result.exit_code == 0, result.output
    assert f"{path}: 2 quarters, 2013-14 Q1 (3 CCGs), 2013-14 Q2 (2 CCGs)" in result.stdout
    summary = " ".join(result.stdout.split())
    assert "a valid CCG panel of 2 CCGs" in summary and "At the end of Q2 " in summary  # the last
    fixed = tmp_path / "fixed.csv"
    result = _run("fix", str(path), str(fixed))
    assert result.exit_code == 0, result.output
    # The copy keeps the file's order; nothing needed changing.
    assert pd.read_csv(fixed, dtype=str)["quarter"].tolist() == [Q2, Q2, Q1, Q1, Q1]
    assert "rewritten" not in result.stdout and "row " not in result.stdout
    assert load_panel(fixed).equals(load_panel(path))
