"""No median, rank or share over fewer than 5 CCGs on a page: the count is said instead.

Hand-built panels of 3 and 5 CCGs (``tests/profile_panels.py``) on either side of the
threshold, for every place a profile or finding 2 states a median or a rank: the
profile's rank and median target, its region's sentence and peers table, the plan per
head, the spread of targets, its histogram and the panel check.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported

import matplotlib.pyplot as plt
import pytest

from qipp.findings.ccg_profile.calc import PEER_LABELS, ccg_profile, region_summary
from qipp.findings.ccg_profile.per_head import ccg_population
from qipp.findings.ccg_profile.report import (
    median_sentence,
    median_target_phrase,
    peers_order_note,
    rank_phrase,
    region_sentence,
)
from qipp.findings.target_gap import charts as target_gap_charts
from qipp.findings.target_gap.calc import target_summary
from qipp.panel.check import CHECKS
from qipp.panel.summary import MIN_CCGS

sys.path.insert(0, str(Path(__file__).parents[1]))
from profile_panels import EMPTY_REGISTER, panel_of, per_head_panel_of  # noqa: E402

FEW = [3.0, 2.0, 1.0]  # 3 CCGs, each target different
ENOUGH = [5.0, 4.0, 3.0, 2.0, 1.0]


def test_the_threshold_is_five_ccgs():
    assert MIN_CCGS == len(ENOUGH) == len(FEW) + 2


def test_a_target_among_fewer_than_five_is_counted_not_ranked():
    few = ccg_profile(panel_of(FEW), "S002", register=EMPTY_REGISTER)
    assert rank_phrase(few.rank, few.scope) == "one of the panel's 3 CCGs, too few to rank"
    enough = ccg_profile(panel_of(ENOUGH), "S002", register=EMPTY_REGISTER)
    assert rank_phrase(enough.rank, enough.scope) == "the 2nd largest of the panel's 5 CCGs"


def test_the_panels_median_target_needs_five_ccgs():
    few = ccg_profile(panel_of(FEW), "S001", register=EMPTY_REGISTER)
    assert median_target_phrase(few.scope, few.median_target_pct) == (
        "the panel's 3 CCGs are too few for a median target"
    )
    enough = ccg_profile(panel_of(ENOUGH), "S001", register=EMPTY_REGISTER)
    assert median_target_phrase(enough.scope, enough.median_target_pct) == (
        "the panel's median target is 3.00%"
    )


def test_a_region_of_three_has_no_medians_and_no_rank_column():
    panel = panel_of(FEW, forecast=[3.0, 1.0, 1.0])
    summary = region_summary(panel, "S001", register=EMPTY_REGISTER)
    text = region_sentence(summary)
    assert text == (
        "The panel's 3 CCGs in London are too few for medians or a rank; "
        "1 of them forecasts a year-end shortfall."
    )
    shown = summary.as_table(caption="Source: a panel.")
    assert PEER_LABELS["rank"] not in shown.headers and len(shown.cells) == 3
    assert peers_order_note(summary) == "Largest target first; 3 CCGs are too few to rank."


def test_a_region_of_five_has_its_medians_and_ranks():
    summary = region_summary(panel_of(ENOUGH), "S002", register=EMPTY_REGISTER)
    text = region_sentence(summary)
    assert text.startswith("The panel's 5 CCGs in London: median target 3.00% of allocation")
    assert text.endswith("This CCG's target is the 2nd largest of the panel's 5 CCGs in London.")
    shown = summary.as_table(caption="Source: a panel.")
    assert shown.headers == list(PEER_LABELS.values())
    assert shown.cells[PEER_LABELS["rank"]].tolist() == ["1", "2", "3", "4", "5"]
    assert peers_order_note(summary) == "Ranked by target as shown; = marks a tie."


@pytest.mark.parametrize("in_register", [2, 4])
def test_a_median_per_head_over_fewer_than_five_is_a_count(in_register):
    codes = ["01A", "02B", "03C", "04D"][:in_register] + ["S001"]
    patients = {code: 100_000 for code in codes[:in_register]}
    panel = per_head_panel_of(codes, [1.0] * len(codes), [0] * len(codes), patients)
    text = median_sentence(ccg_population(panel, "01A").panel, True)
    assert text == (
        f"Only {in_register} CCGs of the panel are in the register: too few for a median per head."
    )


def test_a_median_per_head_over_five_is_given():
    codes = ["01A", "02B", "03C", "04D", "05E"]
    patients = dict.fromkeys(codes, 100_000)
    panel = per_head_panel_of(codes, [1.0, 2.0, 3.0, 4.0, 5.0], [0] * 5, patients)
    text = median_sentence(ccg_population(panel, "01A").panel, True)
    assert (
        text
        == "The panel's median over the 5 CCGs in the register is £30.00 per registered patient."
    )


def test_the_spread_table_withholds_the_median_of_three():
    few = target_summary(panel_of(FEW)).as_table().cells.set_index("Measure")["Value"]
    assert few["The panel's median target (% of allocation)"] == (
        "not given: 3 CCGs are too few for a median"
    )
    enough = target_summary(panel_of(ENOUGH)).as_table().cells.set_index("Measure")["Value"]
    assert enough["The panel's median target (% of allocation)"] == "3.00"


def test_the_histogram_marks_a_median_only_over_five():
    few = target_gap_charts.target_distribution(panel_of(FEW), "S001", source="a panel")
    enough = target_gap_charts.target_distribution(panel_of(ENOUGH), "S001", source="a panel")
    try:
        assert "median" not in few.alt.lower() and "median" in enough.alt
        few_rows = " ".join(few.data[0].cells.iloc[:, 0].astype(str))
        assert "Median" not in few_rows and "Median" in " ".join(
            enough.data[0].cells.iloc[:, 0].astype(str)
        )
        legend = [t.get_text() for t in few.figure.axes[0].get_legend().get_texts()]
        assert not any("Median" in text for text in legend)
    finally:
        plt.close(few.figure)
        plt.close(enough.figure)


def test_the_panel_check_gives_no_median_of_three():
    [median] = [c for c in CHECKS if c.claim_id == "ccg_q1_median_target_pct"]
    assert median.compute(panel_of(FEW)) is None  # shown as a dash beside HSJ's median
    assert median.compute(panel_of(ENOUGH)) == 3.0
