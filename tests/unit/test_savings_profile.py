"""Finding 3's calculations (calc, published) on small hand-built profiles and tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from qipp.findings.savings_profile import calc, published, report
from qipp.ledger import load_claims

TRACKER_GBP_BN = pd.Series([3.8, 3.6, 2.9, 2.6], index=["2011-12", "2012-13", "2013-14", "2014-15"])


def tidy_profile(rows: list[tuple[str, int, float, str]]) -> pd.DataFrame:
    """A table shaped like ``load_tidy_table("tracker_savings_profile")``."""
    return pd.DataFrame(rows, columns=["year", "programme_year", "value", "unit"])


# --- years and the tidy table ------------------------------------------------------


def test_financial_year_start():
    assert calc.financial_year_start("2014-15") == 2014
    assert calc.financial_year_start("1999-00") == 1999


@pytest.mark.parametrize("year", ["2011-13", "2011/12", "2011", "11-12", ""])
def test_financial_year_start_rejects_other_forms(year):
    with pytest.raises(ValueError, match="is not a financial year such as 2011-12"):
        calc.financial_year_start(year)


def test_profile_from_table_orders_by_programme_year():
    table = tidy_profile([("2012-13", 2, 1.5, "GBP_bn"), ("2011-12", 1, 2.5, "GBP_bn")])
    profile = calc.profile_from_table(table)
    assert profile.index.tolist() == ["2011-12", "2012-13"]
    assert profile.tolist() == [2.5, 1.5]
    assert profile.name == "savings_gbp_bn"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [("2011-12", 1, 1.0, "GBP_bn"), ("2011-12", 2, 1.0, "GBP_bn")],
            "each year must appear once",
        ),
        (
            [("2011-12", 1, 1.0, "GBP_bn"), ("2012-13", 3, 1.0, "GBP_bn")],
            "programme years must run 1, 2, 3",
        ),
        (
            [("2011-12", 1, 1.0, "GBP_bn"), ("2013-14", 2, 1.0, "GBP_bn")],
            "years must follow one another, got 2011-12, 2013-14",
        ),
        (
            [("2011-12", 1, 1.0, "GBP_bn"), ("2012-13", 2, 900.0, "GBP_m")],
            "every value must be in GBP_bn; not so for 2012-13",
        ),
    ],
)
def test_profile_from_table_bad_input(rows, message):
    with pytest.raises(ValueError, match=message):
        calc.profile_from_table(tidy_profile(rows))


# --- shape ---------------------------------------------------------------------------


def test_change_on_the_year():
    change = calc.profile_table(TRACKER_GBP_BN).frame
    assert math.isnan(change["change_gbp_bn"].iloc[0])
    assert change["change_gbp_bn"].iloc[2] == pytest.approx(-0.7)
    assert change["change_pct"].iloc[3] == pytest.approx(100 * (2.6 - 2.9) / 2.9)


def test_front_loading_index_sign_and_bounds():
    assert calc.front_loading_index(TRACKER_GBP_BN) == pytest.approx(1 - 2 * (17.2 / 12.9) / 3)
    assert calc.front_loading_index([1.0, 0.0]) == 1.0
    assert calc.front_loading_index([1, 2, 3, 4]) < 0  # back-loaded
    assert calc.front_loading_index([2, 5, 2]) == pytest.approx(0.0)  # symmetric


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([], "non-empty"),
        ([1.0, float("nan")], "no missing"),
        ([1.0, float("inf")], "no missing"),
        ([1.0, -2.0], "non-negative"),
        ([0.0, 0.0], "positive total"),
        ([3.0], "at least two periods"),
    ],
)
def test_front_loading_index_bad_input(values, message):
    with pytest.raises(ValueError, match=message):
        calc.front_loading_index(values)


def test_first_years_share():
    assert calc.first_years_share(TRACKER_GBP_BN) == pytest.approx(7.4 / 12.9)
    assert calc.first_years_share([1.0, 3.0], n_years=2) == 1.0
    with pytest.raises(ValueError, match="n_years must be from 1 to 2, got 3"):
        calc.first_years_share([1.0, 3.0], n_years=3)


def test_is_non_increasing_allows_flat_steps():
    assert calc.is_non_increasing([2.0, 2.0, 1.0])
    assert not calc.is_non_increasing([2.0, 1.0, 1.5])


def test_profile_table_columns_and_values():
    table = calc.profile_table(
        pd.Series([2.0, 1.0, 1.0], index=["2011-12", "2012-13", "2013-14"])
    ).frame
    assert table.index.name == "year"
    assert table.columns.tolist() == [
        "savings_gbp_bn",
        "cumulative_gbp_bn",
        "cumulative_share_pct",
        "change_gbp_bn",
        "change_pct",
    ]
    assert table["cumulative_gbp_bn"].tolist() == [2.0, 3.0, 4.0]
    assert table["cumulative_share_pct"].tolist() == [50.0, 75.0, 100.0]
    assert math.isnan(table["change_gbp_bn"].iloc[0])
    assert table["change_pct"].iloc[1] == pytest.approx(-50.0)


def test_local_share_needs_a_positive_saving_required():
    claims = load_claims()
    with pytest.raises(ValueError, match="required in 2012-13 must be positive"):
        published.local_share(pd.Series([1.0, 0.0], index=["2011-12", "2012-13"]), claims)


# --- 2011-12 estimates ---------------------------------------------------------------

ESTIMATES = pd.DataFrame(
    {
        "estimate": ["tracker", "reported", "checked"],
        "value": [4.0, 6.0, 3.0],
        "source": ["s1", "s2", "s2"],
    }
)
LABELS = {"tracker": "Tracker", "reported": "Reported", "checked": "Checked"}


def test_compare_estimates_against_a_reference():
    table = published.compare_estimates(ESTIMATES, "tracker", LABELS, year="2011-12").frame
    assert table.index.tolist() == ["Tracker", "Reported", "Checked"]
    assert table["minus_reference_gbp_bn"].tolist() == [0.0, 2.0, -1.0]
    assert table["pct_of_reference"].tolist() == [100.0, 150.0, 75.0]
    assert table["source"].tolist() == ["s1", "s2", "s2"]


def test_compare_estimates_bad_input():
    with pytest.raises(KeyError, match="no label for estimate"):
        published.compare_estimates(ESTIMATES, "tracker", {"tracker": "Tracker"}, year="2011-12")
    with pytest.raises(KeyError, match="reference estimate 'nobody' not in the table"):
        published.compare_estimates(ESTIMATES, "nobody", LABELS, year="2011-12")


def test_contrast_sentence_says_above_and_below_from_the_numbers():
    text = report.contrast_sentence(4.0, 6.0, 3.0, year="2011-12")
    assert "£2.0bn (33.3%) below the £6.0bn the Department reported" in text
    assert "£1.0bn above the £3.0bn the NAO substantiated (50.0% of the reported figure)" in text
    flipped = report.contrast_sentence(7.0, 6.0, 8.0, "2011-12")
    assert "£1.0bn (16.7%) above the £6.0bn" in flipped and "£1.0bn below the £8.0bn" in flipped


# --- trend and verdict ---------------------------------------------------------------


def test_linear_trend_matches_hand_computation():
    trend = calc.linear_trend(TRACKER_GBP_BN)
    assert trend.slope == pytest.approx(-2.15 / 5)  # Sxy / Sxx
    assert trend.predict(2012.5) == pytest.approx(12.9 / 4)  # the line passes the means
    assert trend.slope_ci_low < trend.slope < trend.slope_ci_high
    assert 0 < trend.p_value < 0.05 and trend.n == 4
    assert trend.to_dict(2)["slope"] == -0.43


@pytest.mark.parametrize(
    ("values", "alpha", "message"),
    [
        ([1.0, 2.0], 0.05, "need at least 3 points"),
        ([1.0, float("nan"), 2.0], 0.05, "no missing"),
        ([1.0, 2.0, 2.5], 1.5, "alpha must lie between 0 and 1"),
    ],
)
def test_linear_trend_bad_input(values, alpha, message):
    profile = pd.Series(values, index=TRACKER_GBP_BN.index[: len(values)])
    with pytest.raises(ValueError, match=message):
        calc.linear_trend(profile, alpha=alpha)


def _trend(slope: float) -> calc.TrendResult:
    return calc.TrendResult(slope, 0.0, 0.9, 0.01, slope - 0.1, slope + 0.1, 4, 0.05)


ESTIMATE_VALUES = {"tracker_anticipated": 4.0, "dh_reported": 6.0, "nao_substantiated": 3.0}


def _verdict(profile, published_total, agrees, trend):
    shape = calc.profile_shape(profile)
    return report.verdict(
        profile,
        shape,
        trend,
        ESTIMATE_VALUES,
        published_total=published_total,
        total_reproduced=agrees,
    )


def test_front_loading_verdict_reproduced_for_the_tracker_profile():
    text, reproduced = _verdict(TRACKER_GBP_BN, 13, True, _trend(-0.43))
    assert reproduced
    assert text.startswith(
        "Reproduced: the 4 yearly figures sum to £12.9bn, which rounds to the published £13bn"
    )
    assert "front-loaded and falling every year: 57.4% falls in the first 2 of 4 years" in text
    assert (
        "falls by £0.43bn a year (95% CI for the change -0.53 to -0.33 £bn a year, n = 4)" in text
    )
    assert text.endswith(report.contrast_sentence(4.0, 6.0, 3.0, "2011-12"))


def test_front_loading_verdict_not_reproduced_when_back_loaded_or_total_off():
    back = pd.Series([1.0, 2.0, 3.0, 4.0], index=TRACKER_GBP_BN.index)
    text, reproduced = _verdict(back, 10, True, _trend(1.0))
    assert not reproduced and "not front-loaded and not falling every year" in text
    assert "rises by £1.00bn a year" in text
    text, reproduced = _verdict(TRACKER_GBP_BN, 15, False, _trend(-0.43))
    assert not reproduced and "does not round to the published £15bn" in text
