"""qipp.findings.shortfall on small hand-built tables and ledgers (notebook 01)."""

from __future__ import annotations

import pandas as pd
import pytest

from qipp.derive import CONTEXTS, scorecard
from qipp.findings import rows as L
from qipp.findings.shortfall import calc as S
from qipp.findings.shortfall import plan as C
from qipp.findings.shortfall import report as R
from qipp.ledger import load_claims, load_tidy_table

# A toy ledger with round numbers, under the real claim ids the derivations use.
TOY_ROWS = [
    ("ccg_q1_forecast_gap_gbp_m", 70.0, "GBP_m", 0.1, None),
    ("nhse_q1_forecast_gap_gbp_m", 50.0, "GBP_m", 0.1, None),
    ("ccg_q1_plan_gbp_bn", 1.5, "GBP_bn", 0.1, None),
    ("nhse_q1_plan_gbp_m", 500.0, "GBP_m", 1, None),
    ("sector_q2_forecast_shortfall_gbp_m", 250.0, "GBP_m", 0.1, None),
    ("sector_q2_forecast_shortfall_pct", 12.5, "pct", 0.1, None),
    ("sector_q2_vs_q1_shortfall_ratio", 2.0, "ratio", 1, "more than"),
    ("ccg_q2_forecast_shortfall_gbp_m", 180.0, "GBP_m", 0.1, None),
    ("ccg_q2_shortfall_increase_gbp_m", 100.0, "GBP_m", 1, "more than"),
    ("sector_q2_transformational_plan_gbp_m", 800.0, "GBP_m", 0.1, None),
    ("sector_q2_transformational_shortfall_gbp_m", 150.0, "GBP_m", 1, None),
]


@pytest.fixture
def toy_claims(make_claims) -> pd.DataFrame:
    return make_claims(TOY_ROWS)


def _with(make_claims, **values) -> pd.DataFrame:
    return make_claims([(i, values.get(i, v), u, p, q) for i, v, u, p, q in TOY_ROWS])


def _position(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["quarter", "org_type", "measure", "value", "unit"])


# --------------------------------------------------------------------------- plumbing


def test_rounding_intervals_half_a_step_exact_and_counts(make_claims):
    claims = make_claims(
        [
            ("a_gbp_m", 48.1, "GBP_m", 0.1, None),
            ("n_count", 143, "count", 1, None),
            ("rule_pct", 2, "pct", 1, None),
        ]
    )
    got = L.rounding_intervals(claims, ["a_gbp_m", "n_count", "rule_pct"], exact=["rule_pct"])
    assert got["a_gbp_m"] == pytest.approx((48.05, 48.15))
    assert got["n_count"] == (143, 143)
    assert got["rule_pct"] == (2.0, 2.0)


def test_rounding_intervals_names_missing_claims(toy_claims):
    with pytest.raises(KeyError, match="claims not in the ledger: nope_pct"):
        L.rounding_intervals(toy_claims, ["nhse_q1_plan_gbp_m", "nope_pct"])


def test_context_finds_derives_entry_and_refuses_unknown():
    found = L.context(
        "ccg_q2_forecast_shortfall_gbp_m",
        ("sector_q2_forecast_shortfall_gbp_m", "ccg_q2_forecast_shortfall_gbp_m"),
    )
    assert found in CONTEXTS
    assert found.func(250.0, 180.0) == pytest.approx(70.0)
    with pytest.raises(LookupError, match="no context figure for 'x_pct'"):
        L.context("x_pct", ("a", "b"))


# --------------------------------------------------------------------------- Q1 to Q2


def test_shortfall_by_quarter_implies_the_missing_organisation():
    position = _position(
        [
            ("Q1", "ccg", "forecast_shortfall", 0.07, "GBP_bn"),
            ("Q1", "nhs_england", "forecast_shortfall", 50.0, "GBP_m"),
            ("Q1", "ccg", "plan", 1.5, "GBP_bn"),
            ("Q2", "sector", "forecast_shortfall", 250.0, "GBP_m"),
            ("Q2", "nhs_england", "forecast_shortfall", 60.0, "GBP_m"),
        ]
    )
    table = S.shortfall_by_quarter(position).frame.set_index(["quarter", "org_type"])
    assert table.loc[("Q1", "ccg"), "shortfall_gbp_m"] == pytest.approx(70.0)
    assert table.loc[("Q1", "sector"), "shortfall_gbp_m"] == pytest.approx(120.0)
    assert table.loc[("Q1", "sector"), "basis"] == "implied: CCGs + NHS England"
    assert table.loc[("Q2", "ccg"), "shortfall_gbp_m"] == pytest.approx(190.0)
    assert table.loc[("Q2", "ccg"), "basis"] == "implied: sector - NHS England"
    assert table.loc[("Q2", "sector"), "basis"] == "published"
    assert list(table.index.get_level_values("org_type")[:3]) == ["ccg", "nhs_england", "sector"]


def test_shortfall_by_quarter_needs_two_of_three():
    position = _position([("Q2", "sector", "forecast_shortfall", 250.0, "GBP_m")])
    with pytest.raises(
        ValueError,
        match="Q2: need two of ccg, nhs_england and sector to imply the third, got sector",
    ):
        S.shortfall_by_quarter(position)


def test_shortfall_by_quarter_rejects_duplicates_and_non_money_units():
    twice = _position(
        [
            ("Q1", "ccg", "forecast_shortfall", 70.0, "GBP_m"),
            ("Q1", "ccg", "forecast_shortfall", 71.0, "GBP_m"),
            ("Q1", "sector", "forecast_shortfall", 120.0, "GBP_m"),
        ]
    )
    with pytest.raises(ValueError, match="Q1: an organisation's forecast shortfall appears twice"):
        S.shortfall_by_quarter(twice)
    percent = _position(
        [
            ("Q1", "ccg", "forecast_shortfall", 4.0, "pct"),
            ("Q1", "sector", "forecast_shortfall", 120.0, "GBP_m"),
        ]
    )
    with pytest.raises(ValueError, match="GBP_m or GBP_bn, got unit 'pct'"):
        S.shortfall_by_quarter(percent)


def test_shortfall_change_shares_and_ratios():
    position = _position(
        [
            ("Q1", "ccg", "forecast_shortfall", 70.0, "GBP_m"),
            ("Q1", "nhs_england", "forecast_shortfall", 50.0, "GBP_m"),
            ("Q2", "ccg", "forecast_shortfall", 180.0, "GBP_m"),
            ("Q2", "sector", "forecast_shortfall", 250.0, "GBP_m"),
        ]
    )
    change = S.shortfall_change(S.shortfall_by_quarter(position)).frame
    assert list(change.index) == ["CCGs", "NHS England", "Sector"]
    assert change.loc["CCGs", "change_gbp_m"] == pytest.approx(110.0)
    assert change.loc["NHS England", "q2_gbp_m"] == pytest.approx(70.0)
    assert change.loc["CCGs", "share_of_sector_change_pct"] == pytest.approx(100 * 110 / 130)
    assert change["share_of_sector_change_pct"].iloc[:2].sum() == pytest.approx(100.0)
    assert change.loc["Sector", "ratio"] == pytest.approx(250 / 120)
    assert change["basis"].tolist() == ["published", "Q2 implied", "Q1 implied"]


def test_shortfall_change_names_a_missing_quarter():
    position = _position(
        [
            ("Q1", "ccg", "forecast_shortfall", 70.0, "GBP_m"),
            ("Q1", "nhs_england", "forecast_shortfall", 50.0, "GBP_m"),
        ]
    )
    with pytest.raises(ValueError, match="no forecast shortfall for quarter 'Q2'"):
        S.shortfall_change(S.shortfall_by_quarter(position))


def test_doubling_check_clear_of_the_multiple(toy_claims):
    check = S.doubling_check(toy_claims)
    assert check.q1_gbp_m == pytest.approx(120.0)
    assert check.ratio == pytest.approx(250 / 120)
    assert check.ratio_low == pytest.approx(249.95 / 120.1)
    assert check.ratio_high == pytest.approx(250.05 / 119.9)
    assert (check.status, check.robust, check.published) == ("reproduced", True, "more than 2")
    assert check.multiple == 2.0
    assert check.breakeven_q1_gbp_m == pytest.approx(125.0)
    assert check.headroom_gbp_m == pytest.approx(5.0)


def test_doubling_check_within_rounding_is_reproduced_but_not_robust(make_claims):
    claims = _with(make_claims, sector_q2_forecast_shortfall_gbp_m=240.1)
    check = S.doubling_check(claims)
    assert check.ratio > 2 > check.ratio_low
    assert (check.status, check.robust) == ("reproduced", False)
    short = S.doubling_check(_with(make_claims, sector_q2_forecast_shortfall_gbp_m=230.0))
    assert (short.status, short.robust) == ("inconsistent", False)
    assert short.headroom_gbp_m == pytest.approx(-5.0)


def test_share_comparison_on_round_numbers(toy_claims):
    shares = C.share_comparison(toy_claims).frame
    assert shares.loc[C.Q1_PLAN_ROW, "value"] == pytest.approx(2000.0)
    assert shares.loc[C.Q1_PLAN_ROW, "low"] == pytest.approx(1949.5)
    assert shares.loc[C.Q2_PLAN_ROW, "value"] == pytest.approx(2000.0)
    assert shares.loc[C.Q1_SHARE_ROW, "value"] == pytest.approx(6.0)
    assert shares.loc[C.Q2_SHARE_ROW, ["low", "high"]].tolist() == pytest.approx([12.45, 12.55])
    assert shares.loc[C.Q2_ON_Q1_PLAN_ROW, "value"] == pytest.approx(12.5)
    assert shares.loc[C.SHARE_RATIO_ROW, "value"] == pytest.approx(12.5 / 6.0)
    breakeven = shares.loc[C.BREAKEVEN_PLAN_ROW]
    assert breakeven["value"] == pytest.approx(120 * 2 * 100 / 12.5 - 500)
    assert breakeven["unit"] == "GBP_m"
    plan = shares.loc[C.CCG_PLAN_ROW]
    assert (plan["value"], plan["low"], plan["high"]) == pytest.approx((1500.0, 1450.0, 1550.0))
    assert (shares["low"] <= shares["value"]).all() and (shares["value"] <= shares["high"]).all()


def test_scheme_split_implies_transactional_as_the_rest(toy_claims):
    split = C.scheme_split(toy_claims).frame
    assert list(split.index) == ["transformational", "transactional", "all"]
    tx, tf = split.loc["transactional"], split.loc["transformational"]
    assert (tx["plan_gbp_m"], tx["shortfall_gbp_m"]) == pytest.approx((1200.0, 100.0))
    assert tx["miss_pct"] == pytest.approx(100 / 1200 * 100)
    assert tx["miss_pct_low"] < tx["miss_pct"] < tx["miss_pct_high"]
    assert tf["miss_pct"] == pytest.approx(18.75)
    assert (tf["plan_share_pct"], tf["shortfall_share_pct"]) == pytest.approx((40.0, 60.0))
    assert split["shortfall_share_pct"].iloc[:2].sum() == pytest.approx(100.0)
    assert split.loc["all", "miss_pct"] == 12.5


def test_doubling_verdict_reproduced_only_when_derive_agrees(toy_claims):
    check = S.doubling_check(toy_claims)
    position = _position(
        [
            ("Q1", "ccg", "forecast_shortfall", 70.0, "GBP_m"),
            ("Q1", "nhs_england", "forecast_shortfall", 50.0, "GBP_m"),
            ("Q2", "ccg", "forecast_shortfall", 180.0, "GBP_m"),
            ("Q2", "sector", "forecast_shortfall", 250.0, "GBP_m"),
        ]
    )
    change = S.shortfall_change(S.shortfall_by_quarter(position))
    shares = C.share_comparison(toy_claims)
    good = {S.RATIO_ID: "reproduced", S.CCG_INCREASE_ID: "reproduced"}
    assert R.is_reproduced(check, good) is True
    verdict = R.verdict(check, change, shares, True)
    assert verdict.startswith("Reproduced: the forecast year-end shortfall rose from £120.0m")
    assert "CCGs' shortfall up £110.0m (85% of the rise)" in verdict
    assert R.is_reproduced(check, {**good, S.CCG_INCREASE_ID: "stated"}) is False


# --------------------------------------------------------------------------- the real ledger


def test_real_ledger_agrees_with_derive():
    claims = load_claims()
    card = scorecard(claims).set_index("id")
    check = S.doubling_check(claims)
    assert check.ratio == pytest.approx(card.loc[S.RATIO_ID, "derived_value"], rel=1e-5)
    by_quarter = S.shortfall_by_quarter(load_tidy_table("commissioner_position_1314", claims))
    nhse_q2 = by_quarter.frame.set_index(["quarter", "org_type"]).loc[
        ("Q2", "nhs_england"), "shortfall_gbp_m"
    ]
    implied = L.context(
        "ccg_q2_forecast_shortfall_gbp_m",
        ("sector_q2_forecast_shortfall_gbp_m", "ccg_q2_forecast_shortfall_gbp_m"),
    )
    values = claims.set_index("id")["value"]
    assert nhse_q2 == pytest.approx(implied.central(values))
