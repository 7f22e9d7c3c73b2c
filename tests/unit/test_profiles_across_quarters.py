"""Profiles and the index on a panel of several quarters (issue 25, decision 0047).

Two-quarter panels are built by hand in the long form of the contract: the
measured one-quarter panels of ``profile_panels`` stacked with a ``quarter`` column.
A panel without that column must come out exactly as before.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from qipp.findings.ccg_profile.calc import ccg_profile, panel_counts
from qipp.findings.ccg_profile.per_head import ccg_population
from qipp.findings.ccg_profile.quarters import Period, period_of, quarter_history
from qipp.findings.ccg_profile.report import panel_source, q1_phrase, region_sentence
from qipp.panel import add_measures, at_quarter, latest, quarters
from qipp.panel.quarters import quarter_key
from qipp.render.plan.profiles import ProfileRow, profile_rows
from qipp.render.plan.runinfo import RunInfo
from qipp.render.site.index import MISSING, ScorecardSummary, change_cell, index_html

sys.path.insert(0, str(Path(__file__).parents[1]))
from profile_panels import EMPTY_REGISTER, panel_of  # noqa: E402
from render_helpers import profile_entries  # noqa: E402

Q1, Q2 = "2013-14 Q1", "2013-14 Q2"
CODES = ["S001", "S002", "S003", "S004", "S005"]

RUN = RunInfo("2026-11-23T14:05Z", None, False, (), "panel.csv", True)


def two_quarters() -> pd.DataFrame:
    """Five CCGs (targets 1..5% of £100m); at Q2 S001's forecast falls by £0.5m, S005 is gone
    and a new S006 appears; the frame is given Q2 first, so order must come from the labels."""
    q1 = panel_of([1, 2, 3, 4, 5], codes=CODES)
    q2 = panel_of(
        [1, 2, 3, 4, 6],
        codes=CODES[:4] + ["S006"],
        ytd=[0.4, 1.0, 1.5, 2.0, 3.0],  # delivered to date
        forecast=[0.5, 2.0, 3.0, 4.4, 6.0],
    )
    # Half of each plan was due by Q2: measured again, as a Q2 return would be.
    q2 = add_measures(q2.assign(ytd_plan_gbp_m=q2["qipp_plan_gbp_m"] / 2), register=EMPTY_REGISTER)
    long = pd.concat([q2.assign(quarter=Q2), q1.assign(quarter=Q1)], ignore_index=True)
    return long[["quarter", *q1.columns]]


# ------------------------------------------------------------------- quarters (stand-in)


def test_quarters_are_in_calendar_order_and_latest_is_the_last():
    panel = two_quarters()
    assert quarters(panel) == [Q1, Q2] and quarters(panel.drop(columns="quarter")) == []
    assert latest(panel)["quarter"].unique().tolist() == [Q2]
    assert at_quarter(panel, Q1)["ccg_code"].tolist() == CODES
    with pytest.raises(ValueError, match="2013-14 Q2"):
        quarter_key("2013-15 Q1")


# ------------------------------------------------------------------- the profile


@pytest.mark.parametrize(
    ("label", "words"),
    [
        (Q1, "April to June 2013"),
        (Q2, "April to September 2013"),
        ("2013-14 Q3", "April to December 2013"),
        ("2014-15 Q4", "April 2014 to March 2015"),
    ],
)
def test_a_period_names_its_months_to_date(label, words):
    assert Period(label).to_date == words


def test_the_profile_of_a_long_panel_is_of_its_latest_quarter():
    panel = two_quarters()
    profile = ccg_profile(panel, "S001", register=EMPTY_REGISTER)
    assert profile.period == Period(Q2) and profile.forecast_gbp_m == 0.5
    assert profile.ytd_plan_gbp_m == 0.5 and profile.ytd_shortfall_pct == pytest.approx(20.0)
    assert profile.scope.n == 5  # S005 made no Q2 return; S006 did
    shown = profile.as_table()
    assert shown.cells.iloc[0, 0] == "Q2 to date (April to September 2013): delivered"
    peers = profile.region_summary.as_table()
    assert "Q2 shortfall (% of Q2 plan)" in peers.headers and peers.title.endswith("Q2 2013-14")
    assert "S005" not in peers.cells["Code"].tolist()
    assert q1_phrase(profile) == "**20.0% behind** its plan at Q2"
    assert "median Q2 shortfall 0.0%" in region_sentence(profile.region_summary)
    assert ccg_population(panel, "S001").panel.n_ccgs == 5


def test_a_panel_without_quarters_is_still_q1_2013_14():
    profile = ccg_profile(panel_of([1, 2, 3]), "S001", register=EMPTY_REGISTER)
    assert profile.period == Period() == period_of(panel_of([1]))
    assert profile.as_table().cells.iloc[0, 0] == "Q1 to date (April to June 2013): delivered"
    assert panel_source(False, "q1.csv") == "NISFE returns, Q1 2013-14 (q1.csv)"
    assert panel_source(False, "f.csv", quarters=[Q1, Q2]) == f"NISFE returns, {Q1} to {Q2} (f.csv)"
    assert quarter_history(panel_of([1, 2]), "S001") is None
    assert quarter_history(panel_of([1, 2]).assign(quarter=Q2), "S001") is None


def test_the_history_table_holds_each_quarter_and_a_dash_for_no_return():
    history = quarter_history(two_quarters(), "S005")
    assert history is not None
    frame = history.frame
    assert frame["quarter"].tolist() == [Q1, Q2]
    assert frame.loc[0, "forecast_outturn_gbp_m"] == 5.0 and frame.loc[1].isna().sum() == 6
    shown = history.as_table(caption="Source: hand-built.")
    assert shown.cells.iloc[1].tolist()[1:] == [MISSING] * 6
    assert "no return for 2013-14 Q2" in history.change_sentence()
    # The chart draws only the quarter it has; its text alternative names its figures.
    chart = history.chart("hand-built", synthetic=True)
    plt.close(chart.figure)
    assert "2013-14 Q1: Planned to date 1.25" in chart.alt and Q2 not in chart.alt


def test_the_history_chart_and_sentence_are_built_from_the_figures():
    history = quarter_history(two_quarters(), "S001")
    assert history is not None
    shown = history.as_table()
    assert shown.cells["Forecast outturn (£m)"].tolist() == ["1.00", "0.50"]
    assert shown.cells["Forecast gap (% of full-year plan)"].tolist() == ["0.0", "50.0"]
    assert shown.cells["Shortfall to date (% of plan to date)"].tolist() == ["0.0", "20.0"]
    assert history.change_sentence() == (
        "Its forecast gap was 0.0% of its full-year plan at 2013-14 Q1 and 50.0% at "
        "2013-14 Q2: it widened by 50.0 percentage points."
    )
    chart = history.chart("hand-built")
    plt.close(chart.figure)
    assert chart.alt.startswith("Grouped bar chart: S001: QIPP savings planned, delivered")
    assert (
        "2013-14 Q2: Planned to date 0.50, Delivered to date 0.40, Full-year plan 1.00, "
        "Forecast outturn 0.50" in chart.alt
    )
    (data,) = chart.data
    assert set(re.findall(r"\d+\.\d+", chart.alt)) <= set(data.cells.to_numpy().ravel())


def test_hsj_q1_counts_compare_with_the_first_quarter():
    first = at_quarter(two_quarters(), Q1)
    assert panel_counts(first).frame["panel"].tolist()[:2] == [5, 0]


# ------------------------------------------------------------------- the index


def test_profile_rows_are_the_latest_quarter_with_the_change_in_gap():
    rows = {row.ccg_code: row for row in profile_rows(two_quarters())}
    assert sorted(rows) == ["S001", "S002", "S003", "S004", "S006"]
    assert rows["S001"].forecast_gap_pct == 50.0
    assert rows["S001"].forecast_gap_change_pp == 50.0
    assert rows["S004"].forecast_gap_change_pp == 0.0  # more than its plan: no gap either time
    assert rows["S006"].forecast_gap_change_pp is None  # no Q1 return
    record = rows["S006"].figures()
    assert record["quarters"] == (Q1, Q2) and record["forecast_gap_change_pp"] is None


def test_a_one_quarter_record_has_no_quarter_keys():
    (row,) = profile_rows(panel_of([2.0]))
    assert row.quarters == () and set(row.figures()) == set(ProfileRow.__dataclass_fields__) - {
        "quarters",
        "forecast_gap_change_pp",
    }
    (labelled,) = profile_rows(panel_of([2.0]).assign(quarter=Q2))
    assert labelled.figures()["quarters"] == (Q2,)
    assert "forecast_gap_change_pp" not in labelled.figures()


def _index(rows: list[ProfileRow]) -> str:
    return index_html(
        profile_entries(rows, RUN.rendered_at), RUN, ScorecardSummary({"stated": 1}, [{"id": "x"}])
    )


def test_the_index_shows_the_change_column_only_with_two_quarters():
    page = _index(profile_rows(two_quarters()))
    header = "Change in forecast gap, 2013-14 Q1 to 2013-14 Q2 (percentage points)"
    assert header in page and "Behind plan at Q2" in page and "Q2 shortfall (% of Q2 plan)" in page
    assert '<td class="num" data-value="50.0">+50.0</td>' in page
    assert (
        f'<td class="num" data-value=""><span class="muted" title="no return for one of the quarters">{MISSING}'
        in page
    )
    # Every row has as many cells as the header has columns: the sort script reads cells by column.
    body = page.split('<table id="ccg-table">')[1].split("</table>")[0]
    heads = body.split("</thead>")[0].count("<th ")
    rows = body.split("<tbody>")[1].split("</tr>")[:-1]
    assert heads == 9 and all(row.count("<td") == heads for row in rows)
    single = _index(profile_rows(panel_of([1, 2, 3, 4, 5])))
    assert "Change in forecast gap" not in single and "Behind plan at Q1" in single


def test_a_change_is_signed_and_never_minus_nought():
    assert [change_cell(v) for v in (2.06, -1.25, -0.01, float("nan"))] == [
        "+2.1",
        "-1.2",
        "0.0",
        MISSING,
    ]
