"""Notebook 02's sensitivity check on plans per registered patient.

Hand-built panels: codes in a hand-built register get a population, S-codes and
unknown codes do not. The sensitivity check of notebook 02 (decision 0031) runs
only on the CCGs in the register, is None with a reason where it cannot run,
and never changes the verdict of the primary test.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from profile_panels import per_head_panel_of  # noqa: E402
from scipy import stats

from qipp.findings.target_gap.calc import run_target_gap_tests, target_summary
from qipp.findings.target_gap.checks import (
    per_head_undefined_reason,
    power_analysis,
    run_per_head_sensitivity,
)
from qipp.findings.target_gap.report import (
    PARAMETERS,
    per_head_sentence,
    reproduced_state,
    verdict_sentence,
)
from qipp.findings.target_gap.report import findings as target_gap_findings
from qipp.panel import add_measures, load_panel
from qipp.paths import SYNTHETIC_PANEL_CSV
from qipp.reference import load_register

RUN = dict.fromkeys(PARAMETERS, "x")


# ------------------------------------------------------------- notebook 02's sensitivity check


def test_the_check_uses_only_the_ccgs_in_the_register():
    codes = ["01A", "02B", "03C", "04D", "05E", "S001", "S002"]
    patients = {"01A": 100_000, "02B": 200_000, "03C": 300_000, "04D": 400_000, "05E": 250_000}
    panel = per_head_panel_of(codes, [1, 5, 2, 9, 3, 4, 4], [0, 10, 5, 20, 0, 50, 0], patients)
    result = run_per_head_sensitivity(panel)
    assert result.reason is None and (result.n_in_register, result.n_ccgs) == (5, 7)
    known = panel.iloc[:5]
    expected = stats.spearmanr(known["plan_gbp_per_head"].astype(float), known["forecast_gap_pct"])
    assert result.correlation.rho == pytest.approx(expected.statistic)
    assert result.correlation.n == 5
    assert per_head_sentence(result, run_target_gap_tests(panel)).startswith(
        "Sensitivity check, target in pounds per registered patient, over the 5 of the "
        "panel's 7 CCGs that are in the CCG register of April 2013. "
    )


@pytest.mark.parametrize(
    "patients, plan, gap, expected",
    [
        ({}, [1, 2, 3, 4], [0, 1, 2, 3], "none of the panel's 4 CCGs are in the CCG register"),
        ({"01A": 1}, [1, 2, 3, 4], [0, 1, 2, 3], "only 1 of the panel's 4 CCGs is in"),
        (
            {"01A": 10**5, "02B": 2 * 10**5, "03C": 3 * 10**5},
            [1, 2, 3, 4],
            [0, 1, 2, 3],
            "only 3 of the panel's 4 CCGs are in",
        ),
        (
            {"01A": 10**5, "02B": 2 * 10**5, "03C": 3 * 10**5, "04D": 4 * 10**5},
            [1, 2, 3, 4],
            [0, 1, 2, 3],
            "every CCG in the register has the same target per head (£10.00)",
        ),
        (
            {"01A": 10**5, "02B": 10**5, "03C": 10**5, "04D": 10**5},
            [1, 2, 3, 4],
            [0, 0, 0, 0],
            "no CCG in the register forecasts a shortfall",
        ),
        (
            {"01A": 10**5, "02B": 10**5, "03C": 10**5, "04D": 10**5},
            [1, 2, 3, 4],
            [50, 50, 50, 50],
            "every CCG in the register forecasts the same gap (50.0% of its plan)",
        ),
    ],
)
def test_an_undefined_check_is_named(patients, plan, gap, expected):
    panel = per_head_panel_of(["01A", "02B", "03C", "04D"], plan, gap, patients)
    reason = per_head_undefined_reason(panel)
    assert reason is not None and expected in reason
    result = run_per_head_sensitivity(panel)
    assert result.correlation is None and result.correlated is None
    assert per_head_sentence(result, run_target_gap_tests(panel)).endswith(f": {reason}.")


def test_a_panel_too_small_for_any_correlation_says_so():
    panel = per_head_panel_of(
        ["01A", "02B", "03C"], [1, 2, 3], [0, 1, 2], dict.fromkeys(["01A", "02B", "03C"], 10**5)
    )
    assert per_head_undefined_reason(panel) == (
        "only 3 CCGs, all in the CCG register of April 2013: a rank correlation with a "
        "confidence interval needs at least 4"
    )


def test_s_codes_are_counted_as_invented_in_the_reason():
    panel = per_head_panel_of(
        ["07H", "11J", "S001", "S002", "S003"],
        [1, 2, 3, 4, 5],
        [0, 1, 2, 3, 4],
        {"07H": 300_000, "11J": 800_000},
    )
    reason = per_head_undefined_reason(panel)
    assert reason.startswith("only 2 of the panel's 5 CCGs are in the CCG register of April 2013")
    assert "(3 have invented S-codes)" in reason


def _disagreeing_panel() -> pd.DataFrame:
    """Target % unrelated to the gap, target per head rising with it (populations differ).

    150 CCGs, enough for the primary test to see a moderate correlation (a conclusive panel).
    """
    n = 150
    codes = [f"{10 + i // 26:02d}{chr(65 + i % 26)}" for i in range(n)]
    allocation = np.full(n, 500.0)
    gap = np.linspace(1.0, 30.0, n)
    # Plans ranked smallest, largest, second smallest, ...: rank-unrelated to the gap,
    # while the populations make the plan per head rise with the gap.
    pairs = zip(range(n // 2), range(n - 1, n // 2 - 1, -1), strict=True)
    zigzag = [k for pair in pairs for k in pair]
    plan = np.linspace(5.0, 15.0, n)[zigzag]
    per_head = 10.0 + gap
    patients = {c: int(round(p * 1e6 / h)) for c, p, h in zip(codes, plan, per_head, strict=True)}
    return per_head_panel_of(codes, plan, gap, patients, allocation)


def test_a_check_that_disagrees_never_changes_the_verdict():
    panel = _disagreeing_panel()
    tests = run_target_gap_tests(panel)
    result = run_per_head_sensitivity(panel)
    assert tests.correlated is False and result.correlated is True
    assert result.agrees_with(tests) is False
    sentence = per_head_sentence(result, tests)
    assert "over the panel's 150 CCGs, all in the CCG register of April 2013" in sentence
    assert sentence.endswith("which alone decides the verdict under the declared rule.")
    # The verdict and reproduced come from the primary test alone.
    assert reproduced_state(tests, synthetic=False) == (True, None)
    power = power_analysis(150, alpha=0.05, power=0.8, rhos=[0.0], n_sims=2, seed=1)
    record = target_gap_findings(
        target_summary(panel), tests, power, result, synthetic=False, parameters=RUN
    )
    assert record["verdict"].startswith(verdict_sentence(tests))
    assert record["reproduced"] is True and record["deciding_test"] == "spearman"
    assert record["per_head_correlated"] is True and record["per_head_n"] == 150
    low, high = record["per_head_spearman_ci"]
    assert low <= record["per_head_spearman_rho"] <= high


def test_an_agreeing_check_says_so():
    panel = _disagreeing_panel()
    tests = run_target_gap_tests(panel.assign(plan_pct_of_allocation=panel["plan_gbp_per_head"]))
    result = run_per_head_sensitivity(panel)
    assert result.agrees_with(tests) is True
    assert per_head_sentence(result, tests).endswith("same conclusion as the primary test.")


def test_the_check_does_not_stand_in_for_an_untestable_primary_test():
    # Every target is 2% of allocation, so the primary test is undefined; per head varies.
    panel = per_head_panel_of(
        ["01A", "02B", "03C", "04D", "05E"],
        [10.0] * 5,
        [0, 5, 10, 20, 40],
        {"01A": 100_000, "02B": 150_000, "03C": 200_000, "04D": 250_000, "05E": 300_000},
    )
    tests = run_target_gap_tests(panel)
    result = run_per_head_sensitivity(panel)
    assert tests.correlation is None and result.correlation is not None
    assert "does not stand in for it" in per_head_sentence(result, tests)
    assert reproduced_state(tests, synthetic=False)[0] is None


def test_the_synthetic_panel_records_the_check_as_null_with_its_reason():
    panel = add_measures(load_panel(SYNTHETIC_PANEL_CSV))
    tests = run_target_gap_tests(panel)
    result = run_per_head_sensitivity(panel)
    in_register = int(panel["ccg_code"].isin(load_register()["ccg_code"]).sum())
    assert result.correlation is None and result.n_in_register == in_register
    power = power_analysis(len(panel), alpha=0.05, power=0.8, rhos=[0.0], n_sims=2, seed=1)
    record = target_gap_findings(
        target_summary(panel), tests, power, result, synthetic=True, parameters=RUN
    )
    text = json.dumps(record, allow_nan=False)
    assert json.loads(text)["per_head_spearman_rho"] is None
    note = next(n for n in record["notes"] if n.startswith("per_head_spearman_rho"))
    assert f"only {in_register} of the panel's {len(panel)} CCGs" in note
    assert record["per_head_n"] == in_register
