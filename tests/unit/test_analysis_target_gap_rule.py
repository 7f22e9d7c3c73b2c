"""The declared test of notebook 02 on panels that cannot support every statistic.

Each undefined case is detected up front and reported as None with a reason;
the findings record is strict JSON; the declared rule holds its size on null panels.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from qipp.findings.target_gap.calc import (
    TargetGapTests,
    logit_undefined_reason,
    power_analysis,
    run_target_gap_tests,
    spearman_undefined_reason,
    target_summary,
)
from qipp.findings.target_gap.per_head import run_per_head_sensitivity
from qipp.findings.target_gap.record import reproduced_state, target_gap_findings
from qipp.findings.target_gap.simulate import draw_measured_panel
from qipp.findings.target_gap.text import supporting_sentence, verdict_sentence


def measured(target, gap):
    """A hand-built measured panel: targets (% of allocation) and forecast gaps (%)."""
    gap = np.asarray(gap, dtype=float)
    return pd.DataFrame(
        {
            "ccg_code": [f"{10 + i:02d}A" for i in range(len(gap))],
            "plan_pct_of_allocation": np.asarray(target, dtype=float),
            "forecast_gap_pct": gap,
            "forecasts_shortfall": gap > 0,
            # No code here is in the register: the per-head check has nothing to use.
            "plan_gbp_per_head": pd.array([None] * len(gap), dtype="Float64"),
        }
    )


@pytest.mark.parametrize(
    "target, gap, expected",
    [
        ([1, 2, 3], [0, 5, 1], "only 3 CCGs"),
        ([2, 2, 2, 2], [0, 5, 1, 3], "every CCG has the same target"),
        ([1, 2, 3, 4], [0, 0, 0, 0], "no CCG forecasts a shortfall"),
        ([1, 2, 3, 4], [7, 7, 7, 7], "every CCG forecasts the same gap"),
    ],
)
def test_undefined_rank_correlations_are_named(target, gap, expected):
    reason = spearman_undefined_reason(target, gap)
    assert reason is not None and reason.startswith(expected)
    tests = run_target_gap_tests(measured(target, gap))
    assert tests.spearman is None and tests.deciding_test is None and tests.correlated is None
    assert verdict_sentence(tests).startswith(
        "Whether target size predicts a forecast shortfall cannot be tested on this panel"
    )


def test_every_ccg_short_still_gets_the_primary_test():
    tests = run_target_gap_tests(measured([1, 2, 3, 4, 5, 6], [3, 1, 4, 1, 5, 9]))
    assert tests.deciding_test == "spearman" and tests.correlated is not None
    assert tests.logit is None and "every CCG forecasts a shortfall (6 of 6)" in tests.logit_reason
    assert supporting_sentence(tests).startswith(
        "The supporting logistic regression cannot be fitted"
    )


def test_separation_is_caught_before_fitting():
    frame = measured([1, 2, 3, 4, 5, 6], [0, 0, 0, 2, 3, 4])
    assert "separates" in logit_undefined_reason(frame)
    assert run_target_gap_tests(frame).logit is None


def test_a_supporting_test_that_disagrees_is_named_and_does_not_decide():
    rng = np.random.default_rng(11)
    target = rng.uniform(0.5, 6.0, 60)
    # Gap rank rises with target, yet who forecasts any gap does not depend on it.
    gap = np.where(rng.random(60) < 0.5, 0.0, target * 3)
    tests = run_target_gap_tests(measured(target, gap))
    assert tests.deciding_test == "spearman"
    if tests.supporting_agrees is False:
        assert "disagrees with the primary rank correlation" in supporting_sentence(tests)
    agree = TargetGapTests(tests.spearman, None, tests.logit, None, tests.alpha)
    assert agree.correlated == tests.correlated  # only the primary test decides


def test_reproduced_is_never_claimed_on_synthetic_data():
    tests = run_target_gap_tests(measured([1, 2, 3, 4, 5, 6], [0, 1, 0, 2, 0, 0]))
    assert reproduced_state(tests, synthetic=True) == (None, "synthetic data")
    assert reproduced_state(tests, synthetic=False) == (not tests.correlated, None)
    untestable = run_target_gap_tests(measured([1, 2, 3], [0, 1, 0]))
    state, note = reproduced_state(untestable, synthetic=False)
    assert state is None and note.startswith("cannot be tested: only 3 CCGs")


@pytest.mark.parametrize("n_ccgs", [12, 56, 211])
def test_simulated_panels_have_the_panel_size(n_ccgs):
    first, again = draw_measured_panel(5, 0.2, n_ccgs), draw_measured_panel(5, 0.2, n_ccgs)
    assert len(first) == n_ccgs and first["ccg_code"].is_unique
    pd.testing.assert_frame_equal(first, again)


def test_power_is_for_the_panel_given():
    result = power_analysis(20, alpha=0.05, power=0.8, rhos=[0.0, 0.4], n_sims=10, seed=1)
    assert result.n_ccgs == 20 and result.reason is None
    assert result.detection["n_ccgs"].tolist() == [20.0, 20.0]
    bigger = power_analysis(143, alpha=0.05, power=0.8, rhos=[0.0], n_sims=2, seed=1)
    assert result.min_detectable_abs_r > bigger.min_detectable_abs_r
    tiny = power_analysis(3, alpha=0.05, power=0.8, rhos=[0.0], n_sims=2, seed=1)
    assert tiny.min_detectable_abs_r is None and tiny.detection is None and "only 3" in tiny.reason


def test_findings_record_is_strict_json_with_a_note_for_every_null():
    panel = measured([0, 2, 2, 3], [0, 0, 0, 0])
    tests = run_target_gap_tests(panel)
    power_result = power_analysis(3, alpha=0.05, power=0.8, rhos=[0.0], n_sims=2, seed=1)
    per_head = run_per_head_sensitivity(panel)
    record = target_gap_findings(
        target_summary(panel), tests, power_result, synthetic=False, per_head=per_head
    )
    json.dumps(record, allow_nan=False)  # raises on NaN or Infinity
    nulls = [key for key, value in record.items() if value is None and key != "reproduced_note"]
    assert {
        "spearman_rho",
        "logit_coef",
        "fold_variation",
        "min_detectable_abs_r",
        "detection_rate",
        "deciding_test",
        "reproduced",
        "per_head_spearman_rho",
    } <= set(nulls)
    keys = ("spearman_rho", "logit_coef", "fold_variation", "min_detectable_abs_r")
    for key in (*keys, "per_head_spearman_rho"):
        assert any(
            note.startswith(key) or f", {key}" in note.split(":")[0] for note in record["notes"]
        )
    assert record["reproduced_note"].startswith("cannot be tested")
