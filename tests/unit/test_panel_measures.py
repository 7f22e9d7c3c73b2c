"""Derived measures on small hand-built panels."""

from __future__ import annotations

import pandas as pd
import pytest

from qipp.panel import add_measures, is_synthetic
from qipp.panel.measures import (
    DERIVED_COLUMNS,
    aggregate_ytd_shortfall_pct,
    forecast_delivery_pct,
    largest_targets,
    sector_plan_pct,
)


def _panel(**columns) -> pd.DataFrame:
    base = {
        "allocation_gbp_m": [100.0, 200.0, 400.0],
        "qipp_plan_gbp_m": [1.0, 5.0, 0.0],
        "ytd_plan_gbp_m": [0.25, 1.0, 0.0],
        "ytd_actual_gbp_m": [0.20, 1.5, 0.0],
        "forecast_outturn_gbp_m": [0.7, 5.5, 0.0],
        "data_status": ["reported"] * 3,
    }
    base.update(columns)
    return pd.DataFrame(base)


def test_add_measures_appends_the_derived_columns_and_keeps_the_rest():
    panel = _panel()
    out = add_measures(panel)
    assert list(out.columns) == list(panel.columns) + list(DERIVED_COLUMNS)
    assert out["plan_pct_of_allocation"].tolist() == [1.0, 2.5, 0.0]
    pd.testing.assert_frame_equal(panel, _panel())  # input untouched


def test_shortfalls_are_shares_of_the_plan_and_zero_when_on_or_ahead():
    out = add_measures(_panel())
    assert out["ytd_shortfall_pct"].round(6).tolist() == [20.0, 0.0, 0.0]
    assert out["forecast_gap_pct"].round(6).tolist() == [30.0, 0.0, 0.0]
    assert out["forecasts_shortfall"].tolist() == [True, False, False]


def test_nothing_planned_means_no_shortfall_rather_than_division_by_zero():
    out = add_measures(_panel(ytd_actual_gbp_m=[0.2, 1.5, 0.3]))
    assert out.loc[2, ["ytd_shortfall_pct", "forecast_gap_pct"]].tolist() == [0.0, 0.0]


def test_panel_aggregates_are_ratios_of_sums():
    panel = _panel()
    assert sector_plan_pct(panel) == pytest.approx(100 * 6 / 700)
    assert forecast_delivery_pct(panel) == pytest.approx(100 * 6.2 / 6.0)
    # Ahead-of-plan CCGs offset those behind: 1.7 delivered against 1.25 planned.
    assert aggregate_ytd_shortfall_pct(panel) == pytest.approx(-36.0)


def test_largest_targets_keeps_ties():
    panel = _panel(qipp_plan_gbp_m=[2.0, 4.0, 1.0])
    assert largest_targets(panel, 1)["allocation_gbp_m"].tolist() == [100.0, 200.0]


def test_is_synthetic_when_any_row_is():
    assert not is_synthetic(_panel())
    assert is_synthetic(_panel(data_status=["reported", "synthetic", "reported"]))
