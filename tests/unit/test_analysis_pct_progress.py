"""Tests for qipp.analysis.pct_progress on small hand-built tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from qipp.analysis import pct_progress as pp


def tidy(rows: list[tuple[str, str, str, float]], precision: float | None = None) -> pd.DataFrame:
    """A table shaped like ``load_tidy_table("pct_plans_2010_11")``."""
    table = pd.DataFrame(rows, columns=["organisation", "period", "measure", "value"])
    if precision is not None:
        table["precision"] = precision
    return table


Y = "2010-11"
TOY = tidy(
    [
        ("A", Y, "forecast_miss_pct", 10.0),
        ("B", Y, "forecast_miss_pct", 50.0),
        ("C", Y, "plan", 40.0),
        ("C", Y, "forecast_miss", 12.0),
        ("C", Y, "prescribing_saving", 8.0),
        ("C", Y, "prescribing_share_pct", 25.0),
        ("D", Y, "plan", 20.0),
        ("D", Y, "at_risk", 5.0),
        ("D", Y, "nonrecurrent_cuts", 11.0),
        ("E", Y, "ytd_shortfall_pct", 70.0),
        ("F", Y, "plan", 50.0),
        ("F", Y, "unidentified", 20.0),
        ("F", Y, "unidentified_pct", 40.0),
        ("G", "2010 to 2014", "plan", 100.0),
        ("G", "2010 to 2014", "elective_variation_share_pct", 30.0),
        ("H", "2010 to 2014", "urgent_care_over_75s_share_pct", 20.0),
    ],
    precision=1.0,
)


# --- table checks ---------------------------------------------------------------------


def test_functions_refuse_a_table_without_its_columns():
    with pytest.raises(KeyError, match="table lacks column"):
        pp.progress_measures(pd.DataFrame({"organisation": ["A"], "value": [1.0]}))


def test_functions_refuse_duplicate_rows():
    doubled = tidy([("A", Y, "plan", 1.0), ("A", Y, "plan", 2.0)])
    with pytest.raises(
        ValueError, match=r"each \(organisation, period, measure\) must appear once"
    ):
        pp.savings_mix(doubled)


# --- progress and the average ----------------------------------------------------------


def test_progress_measures_published_and_derived():
    table = pp.progress_measures(TOY).set_index("organisation")
    assert table.loc["A", "pct"] == 10.0 and table.loc["A", "basis"] == "published"
    assert table.loc["C", "pct"] == pytest.approx(30.0) and table.loc["C", "basis"] == "derived"
    assert table.loc["C", "amount_gbp_m"] == 12.0 and table.loc["C", "plan_gbp_m"] == 40.0
    assert table.loc["D", "pct"] == pytest.approx(25.0) and not table.loc["D", "year_end_forecast"]
    assert table.loc["E", "pct"] == 70.0 and not table.loc["E", "year_end_forecast"]
    assert math.isnan(table.loc["E", "plan_gbp_m"])
    assert sorted(table.index[table["year_end_forecast"]]) == ["A", "B", "C"]


def test_a_miss_without_a_plan_gives_no_share():
    table = pp.progress_measures(tidy([("Z", Y, "forecast_miss", 3.0)]))
    assert table.empty


def test_implied_others_mean():
    assert pp.implied_others_mean_pct(20, [10, 30], 4) == pytest.approx(20.0)
    assert pp.implied_others_mean_pct(24, [10, 48, 37.5], 5) == pytest.approx((120 - 95.5) / 2)
    with pytest.raises(ValueError, match="n_reporting must exceed the 2 named PCT"):
        pp.implied_others_mean_pct(20, [10, 30], 2)


def test_others_mean_table_marks_impossible_means():
    table = pp.others_mean_table(24, [10, 48, 37.5], [4, 5, 20], floor_pct=10, ceiling_pct=48)
    assert table["n_unnamed"].tolist() == [1, 2, 17]
    assert table["unnamed_mean_pct"].iloc[0] == pytest.approx(0.5)
    assert table["possible"].tolist() == [False, True, True]


def test_min_reporting_for_mean():
    assert pp.min_reporting_for_mean(24, [10, 48, 37.5], 10, 48) == 5
    assert pp.min_reporting_for_mean(20, [10, 30], 10, 30) == 3
    with pytest.raises(ValueError, match="a mean of 60% lies outside the range 10%-48%"):
        pp.min_reporting_for_mean(60, [10, 48], 10, 48)


# --- extrapolation -----------------------------------------------------------------------


def test_extrapolation_of_the_article():
    ext = pp.extrapolate_shortfall(24, 15, 20, published_gbp_bn=5, band_gbp_bn=(4.5, 5.5))
    assert (ext.shortfall_low_gbp_bn, ext.shortfall_high_gbp_bn) == pytest.approx((3.6, 4.8))
    assert ext.shortfall_mid_gbp_bn == pytest.approx(4.2)
    assert ext.meets_band and not ext.midpoint_in_band
    assert ext.challenge_for_band_low_gbp_bn == pytest.approx(18.75)
    assert ext.share_of_range_in_band == pytest.approx(0.25)
    assert ext.challenge_for_published_gbp_bn == pytest.approx(5 / 0.24)
    assert ext.miss_for_published_low_pct == pytest.approx(25.0)
    assert ext.miss_for_published_high_pct == pytest.approx(100 / 3)
    assert ext.to_dict(2)["challenge_for_published_gbp_bn"] == 20.83


def test_extrapolation_that_misses_the_band_entirely():
    ext = pp.extrapolate_shortfall(10, 15, 20, published_gbp_bn=5, band_gbp_bn=(4.5, 5.5))
    assert not ext.meets_band and ext.share_of_range_in_band == 0.0
    assert math.isnan(ext.challenge_for_band_low_gbp_bn)


def test_extrapolation_of_a_single_value_challenge():
    ext = pp.extrapolate_shortfall(25, 20, 20, published_gbp_bn=5, band_gbp_bn=(4.5, 5.5))
    assert ext.meets_band and ext.midpoint_in_band and ext.share_of_range_in_band == 1.0


@pytest.mark.parametrize(
    ("args", "band", "message"),
    [
        ((0, 15, 20), (4.5, 5.5), "mean_miss_pct must be positive"),
        ((24, 20, 15), (4.5, 5.5), "need 0 < low <= high, got 20 to 15"),
        ((24, 15, 20), (5.5, 4.5), "band must run low to high"),
    ],
)
def test_extrapolation_bad_input(args, band, message):
    with pytest.raises(ValueError, match=message):
        pp.extrapolate_shortfall(*args, published_gbp_bn=5, band_gbp_bn=band)


def test_extrapolation_curve():
    ext = pp.extrapolate_shortfall(24, 15, 20, published_gbp_bn=5, band_gbp_bn=(4.5, 5.5))
    curve = pp.extrapolation_curve(ext, [15.0, 18.75, 22.0, 23.0])
    assert curve["shortfall_gbp_bn"].tolist() == pytest.approx([3.6, 4.5, 5.28, 5.52])
    assert curve["in_band"].tolist() == [False, True, True, False]


# --- unidentified savings and the mix -----------------------------------------------------


def test_unidentified_savings():
    table = pp.unidentified_savings(TOY)
    assert table["organisation"].tolist() == ["F"]
    row = table.iloc[0]
    assert row["unidentified_pct"] == pytest.approx(40.0) and row["published_pct"] == 40.0
    assert row["agrees"]


def test_unidentified_savings_flags_a_share_beyond_rounding_and_needs_a_plan():
    table = pp.unidentified_savings(
        tidy(
            [
                ("F", Y, "plan", 50.0),
                ("F", Y, "unidentified", 20.0),
                ("F", Y, "unidentified_pct", 44.0),
            ],
            precision=1.0,
        )
    )
    assert not table["agrees"].iloc[0]
    no_precision = pp.unidentified_savings(
        tidy([("F", Y, "plan", 50.0), ("F", Y, "unidentified", 20.0)])
    )
    assert no_precision["agrees"].iloc[0] is None and math.isnan(
        no_precision["published_pct"].iloc[0]
    )
    with pytest.raises(ValueError, match=r"F \(2010-11\) has unidentified savings but no plan"):
        pp.unidentified_savings(tidy([("F", Y, "unidentified", 20.0)]))


def test_savings_mix_published_and_derived_shares():
    mix = pp.savings_mix(TOY).set_index(["organisation", "category", "basis"])
    assert mix.loc[("C", "prescribing", "published"), "amount_gbp_m"] == pytest.approx(10.0)
    assert mix.loc[("C", "prescribing", "derived"), "share_pct"] == pytest.approx(20.0)
    assert mix.loc[("D", "non-recurrent cuts", "derived"), "share_pct"] == pytest.approx(55.0)
    assert mix.loc[("G", "elective care variation", "published"), "amount_gbp_m"] == 30.0
    # A share without a plan for its period keeps its share but no amount.
    assert math.isnan(mix.loc[("H", "urgent care (over-75s)", "published"), "amount_gbp_m"])


def test_savings_mix_needs_a_plan_for_a_part():
    with pytest.raises(ValueError, match=r"Z \(2010-11\) has a £m prescribing_saving but no plan"):
        pp.savings_mix(tidy([("Z", Y, "prescribing_saving", 1.0)]))


def test_mix_discrepancies():
    table = pp.mix_discrepancies(pp.savings_mix(TOY))
    assert table["organisation"].tolist() == ["C"]
    row = table.iloc[0]
    assert (row["published_pct"], row["derived_pct"]) == pytest.approx((25.0, 20.0))
    assert row["gap_pct_points"] == pytest.approx(-5.0) and row["beyond_rounding"]
    assert row["published_amount_gbp_m"] == 8.0 and row["amount_at_published_pct_gbp_m"] == 10.0
    close = pp.mix_discrepancies(
        pp.savings_mix(
            tidy(
                [
                    ("C", Y, "plan", 40.0),
                    ("C", Y, "prescribing_saving", 10.1),
                    ("C", Y, "prescribing_share_pct", 25.0),
                ]
            )
        )
    )
    assert not close["beyond_rounding"].iloc[0]  # 25.25% rounds to 25%


# --- verdict ------------------------------------------------------------------------------


def test_verdict_states_the_edge_and_the_average():
    ext = pp.extrapolate_shortfall(24, 15, 20, published_gbp_bn=5, band_gbp_bn=(4.5, 5.5))
    text = pp.pct_progress_verdict(ext, (10, 50), [10, 50, 30], 4)
    assert text.startswith(
        "Reproduced only at the top of the article's own range: 24% of "
        "£15bn-£20bn is £3.6bn to £4.8bn (midpoint £4.2bn)"
    )
    assert "only a challenge of £18.75bn or more (the top 25% of the range)" in text
    assert "a 24% miss on £20.8bn or a 25.0% miss on £20bn" in text
    assert "3 PCTs' year-end misses (10%, 50% and 30%), all within its 10%-50% range" in text
    assert text.endswith("at least 4 PCTs reported one.")


def test_verdict_when_the_band_is_missed_or_met_at_the_midpoint():
    missed = pp.extrapolate_shortfall(10, 15, 20, published_gbp_bn=5, band_gbp_bn=(4.5, 5.5))
    text = pp.pct_progress_verdict(missed, (10, 48), [10, 48], 3)
    assert text.startswith("Not reproduced: 10% of") and "only a challenge" not in text
    met = pp.extrapolate_shortfall(29, 15, 20, published_gbp_bn=5, band_gbp_bn=(4.5, 5.5))
    assert pp.pct_progress_verdict(met, (10, 48), [10, 48], 3).startswith("Reproduced: 29% of")


def test_reconciliation_sentences():
    text = pp.reconciliation_sentences(
        pp.unidentified_savings(TOY), pp.mix_discrepancies(pp.savings_mix(TOY))
    )
    assert text == (
        "F's unidentified £20m is 40.0% of its £50m plan, as published. "
        "C's prescribing saving of £8m is 20.0% of its £40m plan, not the 25% "
        "published (-5.0 percentage points)."
    )
    off = tidy(
        [
            ("F", Y, "plan", 50.0),
            ("F", Y, "unidentified", 20.0),
            ("F", Y, "unidentified_pct", 44.0),
        ],
        precision=1.0,
    )
    assert (
        pp.reconciliation_sentences(
            pp.unidentified_savings(off), pp.mix_discrepancies(pp.savings_mix(off))
        )
        == "F's unidentified £20m is 40.0% of its £50m plan, against 44% published."
    )
