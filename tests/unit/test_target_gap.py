"""Target summaries and simulated panels for the target-size notebook."""

import math

import pandas as pd

from qipp.findings.target_gap.calc import target_summary
from qipp.findings.target_gap.checks import draw_measured_panel
from qipp.ledger import claim_values
from qipp.panel import add_measures, load_panel
from qipp.paths import SYNTHETIC_PANEL_CSV


def test_summary_of_a_hand_built_panel():
    panel = pd.DataFrame(
        {"ccg_code": ["A", "B", "C", "D", "E"], "plan_pct_of_allocation": [0.4, 0.9, 2.0, 4.5, 8.0]}
    )
    summary = target_summary(panel)
    assert summary.n_ccgs == 5
    assert summary.median_target_pct == 2.0
    assert (summary.min_target_ccg, summary.max_target_ccg) == ("A", "E")
    assert math.isclose(summary.fold_variation, 20.0)
    assert (summary.n_under_1pct, summary.n_over_4pct) == (2, 2)


def test_zero_smallest_target_gives_no_fold_variation():
    panel = pd.DataFrame({"ccg_code": ["A", "B"], "plan_pct_of_allocation": [0.0, 1.0]})
    summary = target_summary(panel)
    assert summary.fold_variation is None and summary.n_zero_targets == 1


def test_committed_panel_reproduces_the_published_spread():
    published = claim_values()
    summary = target_summary(add_measures(load_panel(SYNTHETIC_PANEL_CSV)))
    assert round(summary.median_target_pct, 2) == published["ccg_q1_median_target_pct"]
    assert (summary.min_target_ccg, summary.max_target_ccg) == ("11J", "07H")
    assert round(summary.fold_variation) == published["ccg_q1_target_fold_variation"]
    assert summary.n_under_1pct == published["ccg_q1_n_target_under_1pct"]


def test_draws_are_reproducible_and_differ_by_seed():
    first, again, other = (
        draw_measured_panel(7, 0.3),
        draw_measured_panel(7, 0.3),
        draw_measured_panel(8, 0.3),
    )
    pd.testing.assert_frame_equal(first, again)
    assert not first["forecast_gap_pct"].equals(other["forecast_gap_pct"])
