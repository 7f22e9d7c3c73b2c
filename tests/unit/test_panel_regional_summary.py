"""qipp.panel.regional_summary: the index's summary by region, on a small hand-built panel."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from qipp.panel import regional_summary
from qipp.panel.summary import ALL_REGIONS, MIN_CCGS, REGIONAL_COLUMNS

NORTH, LONDON = "North of England", "London"


@pytest.fixture
def measured() -> pd.DataFrame:
    """Six northern CCGs and two in London, listed London first."""
    return pd.DataFrame(
        {
            "region": [LONDON, LONDON] + [NORTH] * 6,
            "plan_pct_of_allocation": [2.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "ytd_shortfall_pct": [50.0, 0.0, 0.0, 10.0, 0.0, 5.0, 0.0, 0.0],
            "forecasts_shortfall": [True, True, True, False, False, False, False, True],
        }
    )


def test_each_region_then_all_regions_in_the_registers_order(measured):
    summary = regional_summary(measured)
    assert list(summary.columns) == list(REGIONAL_COLUMNS)
    assert summary["region"].tolist() == [NORTH, LONDON, ALL_REGIONS]
    assert summary["ccgs"].tolist() == [6, 2, 8]


def test_a_region_of_enough_ccgs_has_its_median_and_shares(measured):
    north = regional_summary(measured).set_index("region").loc[NORTH]
    assert north["median_target_pct"] == pytest.approx(3.5)
    assert north["behind_plan_pct"] == pytest.approx(100 * 2 / 6)  # 10% and 5% short
    assert north["forecasting_gap_pct"] == pytest.approx(100 * 2 / 6)


def test_all_regions_pools_every_ccg(measured):
    every = regional_summary(measured).set_index("region").loc[ALL_REGIONS]
    assert every["median_target_pct"] == pytest.approx(3.5)  # of 1, 2, 2, 3, 4, 5, 6, 8
    assert every["behind_plan_pct"] == pytest.approx(100 * 3 / 8)
    assert every["forecasting_gap_pct"] == pytest.approx(100 * 4 / 8)


def test_a_statistic_over_fewer_than_five_ccgs_is_withheld_not_printed(measured):
    assert MIN_CCGS == 5
    london = regional_summary(measured).set_index("region").loc[LONDON]
    assert london["ccgs"] == 2
    assert all(math.isnan(london[c]) for c in list(REGIONAL_COLUMNS)[2:])
    # Four northern CCGs are too few; five are enough.
    assert math.isnan(regional_summary(measured.iloc[:6])["median_target_pct"].iloc[0])
    assert regional_summary(measured.iloc[:7])["median_target_pct"].iloc[0] == 3.0


def test_unknown_figures_do_not_count_towards_the_five(measured):
    measured.loc[measured.index[2:4], "ytd_shortfall_pct"] = float("nan")
    north = regional_summary(measured).set_index("region").loc[NORTH]
    assert math.isnan(north["behind_plan_pct"])  # 4 known of 6
    assert north["median_target_pct"] == pytest.approx(3.5)


def test_a_region_outside_the_register_comes_after_the_known_ones(measured):
    measured.loc[0, "region"] = "Elsewhere"
    assert regional_summary(measured)["region"].tolist() == [
        NORTH,
        LONDON,
        "Elsewhere",
        ALL_REGIONS,
    ]


def test_an_empty_panel_has_no_rows():
    empty = pd.DataFrame(
        columns=list(REGIONAL_COLUMNS)[:1]
        + ["plan_pct_of_allocation", "ytd_shortfall_pct", "forecasts_shortfall"]
    )
    assert regional_summary(empty).empty
