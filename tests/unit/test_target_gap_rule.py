"""The declared test of notebook 02 on panels that cannot support every statistic.

Each undefined case is detected up front and reported as None with a reason; a panel
too small to see a moderate correlation is inconclusive, never "reproduced"; the
findings record is strict JSON; either rank test gives one consistent verdict.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from profile_panels import measured
from scipy import stats as sps

from qipp import stats
from qipp.findings.record import REPRODUCED_LABELS
from qipp.findings.target_gap import calc, checks, report
from qipp.findings.target_gap.calc import (
    TargetGapTests,
    correlation_undefined_reason,
    logit_undefined_reason,
    run_target_gap_tests,
    target_summary,
)
from qipp.findings.target_gap.checks import power_analysis, run_per_head_sensitivity
from qipp.findings.target_gap.report import reproduced_state, supporting_sentence, verdict_sentence
from qipp.panel import load_measured, load_panel
from qipp.panel.io import write_panel_csv
from qipp.paths import SYNTHETIC_PANEL_CSV
from qipp.reference import load_register
from qipp.render.site.manifest import verdict_of
from qipp.stats import correlation_verdict

PARAMETERS = dict.fromkeys(report.PARAMETERS, "x")


@pytest.fixture(scope="module")
def real_code_panel(tmp_path_factory):
    """The first ``n`` CCGs of the shipped panel under the register's first ``n`` real codes."""
    shipped, register = load_panel(SYNTHETIC_PANEL_CSV), load_register()
    folder = tmp_path_factory.mktemp("real_codes")

    def build(n: int) -> pd.DataFrame:
        real = register.head(n)
        rows = shipped.head(n).assign(
            ccg_code=real["ccg_code"].to_numpy(),
            ccg_name=real["ccg_name"].to_numpy(),
            region=real["region"].to_numpy(),
            data_status="reported",
        )
        write_panel_csv(rows, folder / f"panel_{n}.csv")
        return load_measured(str(folder / f"panel_{n}.csv"))[0]

    return build


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
    reason = correlation_undefined_reason(target, gap)
    assert reason is not None and reason.startswith(expected)
    tests = run_target_gap_tests(measured(target, gap))
    assert tests.correlation is None and tests.deciding_test is None and tests.correlated is None
    assert verdict_sentence(tests).startswith(
        "Whether target size predicts a forecast shortfall cannot be tested on this panel"
    )


def test_kendall_needs_one_ccg_more_than_spearman():
    four = measured([1, 2, 3, 4], [0, 5, 1, 2])
    assert run_target_gap_tests(four).correlation is not None
    kendall = run_target_gap_tests(four, method="kendall")
    assert kendall.correlation is None and "needs at least 5" in kendall.correlation_reason
    assert power_analysis(
        4, alpha=0.05, power=0.8, rhos=[0.0], n_sims=2, seed=1, method="kendall"
    ).reason
    with pytest.raises(ValueError, match="method must be one of spearman, kendall, got 'pearson'"):
        run_target_gap_tests(four, method="pearson")


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
    agree = TargetGapTests("spearman", tests.correlation, None, tests.logit, None, tests.alpha)
    assert agree.correlated == tests.correlated  # only the primary test decides


def test_reproduced_is_never_claimed_on_synthetic_data():
    tests = run_target_gap_tests(measured([1, 2, 3, 4, 5, 6], [0, 1, 0, 2, 0, 0]))
    assert reproduced_state(tests, synthetic=True) == (None, "synthetic data")
    untestable = run_target_gap_tests(measured([1, 2, 3], [0, 1, 0]))
    state, note = reproduced_state(untestable, synthetic=False)
    assert state is None and note.startswith("cannot be tested: only 3 CCGs")


@pytest.mark.parametrize("method", ["spearman", "kendall"])
@pytest.mark.parametrize("n_ccgs", [30, 56])
def test_a_panel_too_small_to_see_a_moderate_correlation_is_inconclusive(
    real_code_panel, n_ccgs, method
):
    panel = real_code_panel(n_ccgs)
    tests = run_target_gap_tests(panel, method=method)
    assert tests.correlated is False and tests.min_detectable > tests.moderate
    reproduced, note = reproduced_state(tests, synthetic=False)
    assert reproduced is None
    assert note == f"inconclusive: could miss a correlation below {tests.min_detectable:.2f}"
    assert verdict_sentence(tests).startswith(correlation_verdict(tests.correlation, tests.alpha))
    assert f"Inconclusive: it could miss a correlation below {tests.min_detectable:.2f}" in (
        verdict_sentence(tests)
    )
    # The index shows the record's null verdict as "n/a (<note>)".
    shown = verdict_of({"verdict": "v", "reproduced": reproduced, "reproduced_note": note})
    assert f"{REPRODUCED_LABELS[shown['reproduced']]} ({shown['reproduced_note']})" == (
        f"n/a ({note})"
    )


@pytest.mark.parametrize("method", ["spearman", "kendall"])
def test_a_panel_of_hsjs_size_keeps_its_verdict(real_code_panel, method):
    tests = run_target_gap_tests(real_code_panel(143), method=method)
    assert tests.min_detectable < tests.moderate and tests.could_miss is None
    assert reproduced_state(tests, synthetic=False) == (not tests.correlated, None)
    assert "Inconclusive" not in verdict_sentence(tests)


def test_a_detected_correlation_is_not_reproduced_even_on_a_small_panel():
    target = np.arange(1.0, 13.0)
    tests = run_target_gap_tests(measured(target, target * 2))
    assert tests.correlated is True and tests.could_miss is None
    assert reproduced_state(tests, synthetic=False) == (False, None)


@pytest.mark.parametrize("method", ["spearman", "kendall"])
def test_the_chosen_test_flows_to_every_output_with_one_verdict(method):
    panel = checks.draw_measured_panel(3, 0.2, 60).assign(data_status="reported")
    tests = run_target_gap_tests(panel, method=method)
    power = power_analysis(
        60, alpha=0.05, power=0.8, rhos=[0.0, 0.3], n_sims=10, seed=1, method=method
    )
    per_head = run_per_head_sensitivity(panel, method=method)
    record = report.findings(
        target_summary(panel), tests, power, per_head, synthetic=False, parameters=PARAMETERS
    )
    symbol = calc.SYMBOL[method]
    assert tests.correlation.method == method and record["method"] == method
    assert record["deciding_test"] == method and record[f"{method}_{symbol}"] is not None
    assert record["verdict"].startswith(verdict_sentence(tests))
    assert f"{symbol} = " in verdict_sentence(tests)
    assert tests.as_table().cells["Estimate"].iloc[0].startswith(f"{symbol} ")
    assert f"Realised {symbol} (mean)" in power.as_table().headers
    assert report.power_sentence(power, 0.05).startswith(f"Smallest |{symbol}|")
    other = "kendall" if method == "spearman" else "spearman"
    assert not any(key.startswith(other) for key in record)
    assert record["reproduced"] is None or record["reproduced"] is not tests.correlated


def test_both_tests_agree_on_the_committed_panel():
    panel, *_ = load_measured("")
    spearman, kendall = (run_target_gap_tests(panel, method=m) for m in ("spearman", "kendall"))
    assert spearman.correlated is kendall.correlated is False
    assert spearman.could_miss is None and kendall.could_miss is None


@pytest.mark.parametrize("n_ccgs", [12, 56, 211])
def test_simulated_panels_have_the_panel_size(n_ccgs):
    first, again = (
        checks.draw_measured_panel(5, 0.2, n_ccgs),
        checks.draw_measured_panel(5, 0.2, n_ccgs),
    )
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
    record = report.findings(
        target_summary(panel), tests, power_result, per_head, synthetic=False, parameters=PARAMETERS
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


def test_kendalls_tau_is_scipys_and_its_power_is_on_its_own_scale():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=40), np.maximum(rng.normal(size=40), 0.0)  # ties at zero
    tau, reference = stats.kendall_with_ci(x, y), sps.kendalltau(x, y)
    assert tau.rho == pytest.approx(reference.statistic) and tau.p_value == reference.pvalue
    assert tau.ci_low < tau.rho < tau.ci_high and tau.method == "kendall"
    moderate = calc.on_test_scale(calc.MODERATE_RHO, "kendall")
    assert calc.min_detectable(143, 0.05, 0.8, "kendall") < moderate
    assert calc.min_detectable(56, 0.05, 0.8, "kendall") > moderate
