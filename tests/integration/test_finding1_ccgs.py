"""Notebook 01 on a two-quarter panel of real CCGs: it names exactly the CCGs that carry the rise.

Twenty register CCGs (codes, names and regions from tests/edge_panels.py) return twice.
At Q1 every CCG forecasts to deliver its plan. At Q2 three of them (those with the
largest plans) forecast shortfalls of £4.0m, £3.5m and £3.0m, the other seventeen £0.3m
each: a net rise of £15.6m, half of it £7.8m. The two largest rises (£7.5m) fall short of
that and the three reach it, so ``half_increase_ccgs`` must be exactly those three,
largest first. The same panel is read from CSV and from a workbook with a title row above
its header. Notebook 01, and a profile of one carrier, run by papermill in this process's
warm kernel.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest
from edge_panels import edge_panel
from render_helpers import run_warm

from qipp.findings.shortfall import ccgs
from qipp.panel.schema import PANEL_COLUMNS
from qipp.paths import NOTEBOOKS_DIR

NOTEBOOK_01 = NOTEBOOKS_DIR / "01_shortfall_doubling.ipynb"
PROFILE = NOTEBOOKS_DIR / "ccg_profile.ipynb"
Q1, Q2 = "2013-14 Q1", "2013-14 Q2"
CARRIERS_RISE_GBP_M = (4.0, 3.5, 3.0)  # the three CCGs that carry most of the rise
OTHERS_RISE_GBP_M = 0.3


def two_quarter_panel() -> tuple[pd.DataFrame, list[str]]:
    """The long panel (quarter column first) and the codes that must be named, largest first."""
    base = edge_panel("no_nr_fund").head(20).reset_index(drop=True)
    # Plans of 3% of allocation (£3m to £27m): room for a £4m shortfall above Q2's delivery.
    plan = (base["allocation_gbp_m"] * 0.03).round(3)
    carriers = plan.sort_values(ascending=False).index[: len(CARRIERS_RISE_GBP_M)]
    rise = pd.Series(OTHERS_RISE_GBP_M, index=base.index)
    rise[carriers] = CARRIERS_RISE_GBP_M
    quarters = []
    for quarter, ytd_share, shortfall in ((Q1, 0.2, 0.0 * rise), (Q2, 0.45, rise)):
        ytd = (plan * ytd_share).round(3)
        rows = base.assign(
            qipp_plan_gbp_m=plan,
            transformational_plan_gbp_m=(plan / 2).round(3),
            ytd_plan_gbp_m=ytd,
            ytd_actual_gbp_m=ytd,
            forecast_outturn_gbp_m=(plan - shortfall).round(3),
        )
        quarters.append(rows[PANEL_COLUMNS].assign(quarter=quarter))
    panel = pd.concat(quarters, ignore_index=True)
    panel = panel[["quarter", *PANEL_COLUMNS]]
    return panel, base.loc[carriers, "ccg_code"].tolist()


def write_xlsx_with_title(panel: pd.DataFrame, path: Path) -> Path:
    """One sheet: a title row, a blank row, then the header and the rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["NISFE returns, CCG QIPP, 2013-14 Q1 and Q2 (test panel: invented figures)"])
    sheet.append([])
    sheet.append(list(panel.columns))
    for row in panel.itertuples(index=False):
        sheet.append([value.item() if hasattr(value, "item") else value for value in row])
    book.save(path)
    return path


def test_the_panel_is_built_as_the_docstring_says():
    panel, expected = two_quarter_panel()
    moves = ccgs.shortfall_moves(panel)
    assert moves.net_increase_gbp_m == pytest.approx(15.6)
    assert moves.half_increase == expected and len(expected) == 3
    assert moves.counts == {"grew": 20, "held": 0, "shrank": 0}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_notebook_01_names_exactly_the_ccgs_that_carry_half_the_rise(tmp_path, suffix):
    panel, expected = two_quarter_panel()
    path = tmp_path / f"two_quarters{suffix}"
    if suffix == ".csv":
        panel.to_csv(path, index=False, float_format="%.3f")
    else:
        write_xlsx_with_title(panel, path)
    findings, output = tmp_path / "findings.json", tmp_path / "01.ipynb"
    run_warm(NOTEBOOK_01, output, panel_path=str(path), findings_path=str(findings))
    record = json.loads(findings.read_text(encoding="utf-8"))
    assert record["half_increase_ccgs"] == expected
    assert record["ccgs_worsened"] == 20 and record["ccg_quarters"] == [Q1, Q2]
    assert record["regions_worsened"] == [] and record["regions_as_article_says"] is False
    assert record["q1_slippage_predicts_change"] is None  # every Q1 slippage is 0: constant
    assert any("q1_slippage_predicts_change" in note for note in record["notes"])
    assert "Half of that rise came from 3 CCGs" in shown_text(output, "text/markdown")


def shown_text(notebook: Path, mime: str) -> str:
    return "".join(
        "".join(out.get("data", {}).get(mime, ""))
        for cell in nbformat.read(notebook, as_version=4).cells
        for out in cell.get("outputs", [])
    )


def test_a_profile_speaks_of_the_latest_quarter_and_shows_each(tmp_path):
    panel, expected = two_quarter_panel()
    path = tmp_path / "two_quarters.csv"
    panel.to_csv(path, index=False, float_format="%.3f")
    output = tmp_path / "profile.ipynb"
    run_warm(PROFILE, output, ccg_code=expected[0], panel_path=str(path))
    words, tables = shown_text(output, "text/markdown"), shown_text(output, "text/html")
    assert "## Quarter by quarter" in words and "no return for that quarter" in tables
    assert f"NISFE returns, {Q1} to {Q2}" in tables  # the quarter-by-quarter table's source
    chart_text = "QIPP savings planned, delivered and forecast by quarter"
    assert chart_text in shown_text(output, "text/plain")  # the chart's text alternative
    assert "Q2 to date (April to September 2013)" in tables  # figures of the latest quarter
    # Its forecast gap widened from 0% at Q1 (every CCG forecast its plan then).
    assert f"0.0% of its full-year plan at {Q1}" in words and "widened by" in words
    assert "Q1 to date" not in tables
