"""The power simulation's fast draws are the notebook's full draws, number for number."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qipp.findings.target_gap import checks
from qipp.findings.target_gap.calc import GAP, TARGET
from qipp.findings.target_gap.checks import draw_measured_panel, draw_target_and_gap, power_analysis
from qipp.panel import generate_panel
from qipp.panel.synth.allocations import register_lists
from qipp.panel.synth.draw import check_inputs, draw_panel_columns
from qipp.panel.synth.targets import published_targets
from qipp.stats import detection_rate_by_rho


@pytest.mark.parametrize(
    ("seed", "rho", "n_ccgs"),
    [(1, 0.0, 143), (2, 0.3, 143), (3, -0.5, 143), (4, 0.2, 56), (5, 0.4, 211), (6, 0.1, 3)],
)
def test_fast_draw_is_the_measured_panel_to_the_last_bit(seed, rho, n_ccgs):
    panel = draw_measured_panel(seed, rho, n_ccgs)
    pct, gap = draw_target_and_gap(seed, rho, n_ccgs)
    np.testing.assert_array_equal(pct, panel[TARGET].to_numpy())
    np.testing.assert_array_equal(gap, panel[GAP].to_numpy())


def test_targets_and_lists_passed_in_give_the_same_draw():
    targets, lists = published_targets(), register_lists()
    check_inputs(targets, lists)
    given = draw_target_and_gap(9, 0.25, 143, targets=targets, lists=lists)
    read = draw_target_and_gap(9, 0.25, 143)
    for a, b in zip(given, read, strict=True):
        np.testing.assert_array_equal(a, b)


def test_panel_columns_are_the_generated_panel_in_thousands():
    targets, lists = published_targets(), register_lists()
    columns = draw_panel_columns(11, 0.3, targets, lists)
    panel = generate_panel(11, 0.3)
    assert list(columns["ccg_code"]) == panel["ccg_code"].tolist()
    assert list(columns["ccg_code"]) == sorted(columns["ccg_code"])
    np.testing.assert_array_equal(
        columns["forecast_outturn_gbp_k"] / 1000.0, panel["forecast_outturn_gbp_m"].to_numpy()
    )
    np.testing.assert_array_equal(
        columns["uses_non_recurrent_fund"], panel["uses_non_recurrent_fund"].to_numpy()
    )


@pytest.mark.parametrize("method", ["spearman", "kendall"])
def test_power_analysis_equals_the_simulation_on_full_panels(method):
    rhos = [0.0, 0.3]
    fast = power_analysis(56, alpha=0.05, power=0.8, rhos=rhos, n_sims=15, seed=17, method=method)
    full = detection_rate_by_rho(
        lambda s, r: draw_measured_panel(s, r, 56),
        rhos,
        n_sims=15,
        seed=17,
        alpha=0.05,
        method=method,
    )
    pd.testing.assert_frame_equal(fast.detection, full)


def test_power_analysis_reads_the_ledger_once(monkeypatch):
    calls = []
    real = checks.published_targets

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(checks, "published_targets", counting)
    power_analysis(143, alpha=0.05, power=0.8, rhos=[0.0, 0.2], n_sims=5, seed=3)
    assert len(calls) == 1


@pytest.mark.parametrize(("rho", "n_ccgs"), [(1.5, 143), (0.0, 0)])
def test_fast_draw_refuses_what_the_full_draw_refuses(rho, n_ccgs):
    with pytest.raises(ValueError):
        draw_target_and_gap(1, rho, n_ccgs)
    with pytest.raises(ValueError):
        draw_measured_panel(1, rho, n_ccgs)
