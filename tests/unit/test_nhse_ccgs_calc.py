"""qipp.findings.nhse_ccgs.calc on small hand-built tables and ledgers (notebook 04)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from qipp.findings.nhse_ccgs import calc
from qipp.findings.rows import context
from qipp.ledger import load_claims, load_tidy_table

# A toy ledger with round numbers, under the real claim ids the fund's derivations use.
TOY_ROWS = [
    ("nhse_q1_forecast_gap_gbp_m", 50.0, "GBP_m", 0.1, None),
    ("nhse_q1_plan_gbp_m", 500.0, "GBP_m", 1, None),
    ("nhse_plan_pct_of_budget", 2.0, "pct", 0.1, None),
    ("nr_fund_pct_of_budget", 2.0, "pct", 1, None),
    ("nhse_q1_nr_fund_unallocated_gbp_m", 50.0, "GBP_m", 1, None),
]


@pytest.fixture
def toy_claims(make_claims) -> pd.DataFrame:
    return make_claims(TOY_ROWS)


def _position(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["quarter", "org_type", "measure", "value", "unit"])


def _q1_position(**drop) -> pd.DataFrame:
    rows = [
        ("Q1", "ccg", "plan", 2.0, "GBP_bn"),
        ("Q1", "ccg", "plan_pct_of_resources", 2.5, "pct"),
        ("Q1", "ccg", "ytd_shortfall_pct", 10.0, "pct"),
        ("Q1", "ccg", "forecast_shortfall", 100.0, "GBP_m"),
        ("Q1", "ccg", "forecast_shortfall_pct", 5.0, "pct"),
        ("Q1", "nhs_england", "plan", 400.0, "GBP_m"),
        ("Q1", "nhs_england", "plan_pct_of_resources", 1.6, "pct"),
        ("Q1", "nhs_england", "ytd_shortfall_pct", 8.0, "pct"),
        ("Q1", "nhs_england", "forecast_shortfall", 60.0, "GBP_m"),
        ("Q1", "nhs_england", "forecast_shortfall_pct", 15.0, "pct"),
        ("Q2", "ccg", "forecast_shortfall", 180.0, "GBP_m"),
    ]
    return _position([r for r in rows if (r[1], r[2]) not in drop.values()])


def test_commissioner_comparison_side_by_side():
    comparison = calc.commissioner_comparison(_q1_position())
    assert list(comparison.frame.columns) == ["CCGs", "NHS England"]
    ccg, nhse = comparison.ccgs, comparison.nhse
    assert ccg["plan_gbp_m"] == 2000.0
    assert ccg["implied_resources_gbp_bn"] == pytest.approx(80.0)
    assert nhse["implied_resources_gbp_bn"] == pytest.approx(25.0)
    assert nhse["forecast_shortfall_pct"] == pytest.approx(15.0)
    assert ccg["ytd_to_forecast_change_pp"] == pytest.approx(-5.0)
    assert nhse["ytd_to_forecast_change_pp"] == pytest.approx(7.0)
    assert nhse["forecast_delivery_gbp_m"] == pytest.approx(340.0)
    assert nhse["forecast_delivery_pct_of_resources"] == pytest.approx(1.36)
    assert ccg["forecast_shortfall_pct_of_resources"] == pytest.approx(0.125)


def test_commissioner_comparison_names_missing_measures():
    position = _q1_position(a=("nhs_england", "ytd_shortfall_pct"))
    with pytest.raises(ValueError, match="Q1 nhs_england: missing ytd_shortfall_pct"):
        calc.commissioner_comparison(position)


def _areas(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["service_area", "measure", "value", "unit"])


AREAS = [
    ("all", "plan", 400.0, "GBP_m"),
    ("all", "forecast_shortfall", 60.0, "GBP_m"),
    ("primary_care", "forecast_shortfall", 20.0, "GBP_m"),
    ("primary_care", "forecast_shortfall_pct", 20.0, "pct"),
    ("specialised_services", "plan", 200.0, "GBP_m"),
    ("specialised_services", "forecast_shortfall", 10.0, "GBP_m"),
    ("public_health", "forecast_shortfall_pct", 40.0, "pct"),
]


def test_service_area_breakdown_implies_plans_shares_and_the_rest():
    table = calc.service_area_breakdown(_areas(AREAS)).frame
    assert list(table.index) == [
        "all",
        "primary_care",
        "specialised_services",
        "public_health",
        "rest",
    ]
    assert table.loc["primary_care", "plan_gbp_m"] == pytest.approx(100.0)
    assert table.loc["primary_care", "basis"] == "plan implied: gap / share"
    assert table.loc["specialised_services", "forecast_shortfall_pct"] == pytest.approx(5.0)
    assert table.loc["public_health", "basis"] == "only the share is published"
    assert math.isnan(table.loc["public_health", "plan_gbp_m"])
    rest = table.loc["rest"]
    assert (rest["plan_gbp_m"], rest["forecast_shortfall_gbp_m"]) == pytest.approx((100.0, 30.0))
    assert rest["share_of_shortfall_pct"] == pytest.approx(50.0)
    assert table.loc["primary_care", "share_of_plan_pct"] == pytest.approx(25.0)


def test_service_area_breakdown_needs_the_total():
    with pytest.raises(
        ValueError, match="service area 'all' needs both plan and forecast_shortfall"
    ):
        calc.service_area_breakdown(_areas(AREAS[1:]))


def test_plan_bounds_from_the_remainder_and_the_largest_area():
    areas = calc.service_area_breakdown(_areas(AREAS))
    bounds = areas.plan_bounds("public_health", "primary_care")
    assert bounds == pytest.approx(
        {"max_plan_gbp_m": 75.0, "max_plan_if_primary_care_largest_gbp_m": 50.0}
    )


def test_nr_fund_context_sizes_the_fund_with_the_rule_exact(toy_claims):
    fund = calc.nr_fund_context(toy_claims)
    assert fund.value(calc.BUDGET) == pytest.approx(25.0)
    assert fund.value(calc.FUND) == pytest.approx(500.0)
    # Only the plan's rounding moves the fund: 499.5..500.5 at 1.95..2.05 per cent.
    assert fund.frame.loc[calc.FUND, "low"] == pytest.approx(499.5 / 2.05 * 2)
    assert fund.frame.loc[calc.UNALLOCATED, ["low", "high"]].tolist() == pytest.approx([49.5, 50.5])
    assert fund.value(calc.FREE_SHARE) == pytest.approx(10.0)
    assert fund.value(calc.COVER) == pytest.approx(1.0)


def test_real_ledger_service_areas_agree_with_derive():
    claims = load_claims()
    values = claims.set_index("id")["value"]
    areas = calc.service_area_breakdown(load_tidy_table("nhse_q1_1314_by_service_area", claims))
    pc_plan = context(
        "nhse_q1_primary_care_forecast_gap_pct",
        ("nhse_q1_primary_care_forecast_gap_gbp_m", "nhse_q1_primary_care_forecast_gap_pct"),
    )
    assert areas.frame.loc["primary_care", "plan_gbp_m"] == pytest.approx(pc_plan.central(values))
