"""qipp.findings.pct_progress: its calculations and verdict on small hand-built tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from qipp.findings.pct_progress import average, calc, report
from qipp.ledger import claim_values, load_claims


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
        calc.progress_measures(pd.DataFrame({"organisation": ["A"], "value": [1.0]}))


def test_functions_refuse_duplicate_rows():
    doubled = tidy([("A", Y, "plan", 1.0), ("A", Y, "plan", 2.0)])
    with pytest.raises(
        ValueError, match=r"each \(organisation, period, measure\) must appear once"
    ):
        calc.savings_mix(doubled)


# --- progress and the average ----------------------------------------------------------


def test_progress_measures_published_and_derived():
    table = calc.progress_measures(TOY).frame.set_index("organisation")
    assert table.loc["A", "pct"] == 10.0 and table.loc["A", "basis"] == "published"
    assert table.loc["C", "pct"] == pytest.approx(30.0) and table.loc["C", "basis"] == "derived"
    assert table.loc["C", "amount_gbp_m"] == 12.0 and table.loc["C", "plan_gbp_m"] == 40.0
    assert table.loc["D", "pct"] == pytest.approx(25.0) and not table.loc["D", "year_end_forecast"]
    assert table.loc["E", "pct"] == 70.0 and not table.loc["E", "year_end_forecast"]
    assert math.isnan(table.loc["E", "plan_gbp_m"])
    assert sorted(table.index[table["year_end_forecast"]]) == ["A", "B", "C"]


def test_a_miss_without_a_plan_gives_no_share():
    table = calc.progress_measures(tidy([("Z", Y, "forecast_miss", 3.0)]))
    assert table.frame.empty


def test_implied_others_mean():
    assert average.implied_others_mean_pct(20, [10, 30], 4) == pytest.approx(20.0)
    assert average.implied_others_mean_pct(20, [10, 40, 30], 5) == pytest.approx((100 - 80) / 2)
    with pytest.raises(ValueError, match="n_reporting must exceed the 2 named PCT"):
        average.implied_others_mean_pct(20, [10, 30], 2)


def test_others_mean_table_marks_impossible_means():
    table = average.others_mean_table(20, [10, 40, 30], [4, 5, 20], floor_pct=10, ceiling_pct=40)
    assert table["n_unnamed"].tolist() == [1, 2, 17]
    assert table["unnamed_mean_pct"].tolist() == pytest.approx([0.0, 10.0, 320 / 17])
    assert table["possible"].tolist() == [False, True, True]


def test_min_reporting_for_mean():
    assert average.min_reporting_for_mean(20, [10, 40, 30], 10, 40) == 5
    assert average.min_reporting_for_mean(20, [10, 30], 10, 30) == 3
    with pytest.raises(ValueError, match="a mean of 60% lies outside the range 10%-40%"):
        average.min_reporting_for_mean(60, [10, 40], 10, 40)


# --- extrapolation -----------------------------------------------------------------------

# A toy reading: a 20% miss on a £5bn-£25bn challenge against "around £4bn".
TOY_BAND = (3.6, 4.4)


def _toy(rate: float = 20, low: float = 5, high: float = 25, band=TOY_BAND, published=4.0):
    return average.extrapolate_shortfall(
        rate, low, high, published_gbp_bn=published, band_gbp_bn=band
    )


def test_extrapolation_arithmetic():
    ext = _toy()
    assert (ext.shortfall_low_gbp_bn, ext.shortfall_high_gbp_bn) == pytest.approx((1.0, 5.0))
    assert ext.shortfall_mid_gbp_bn == pytest.approx(3.0)
    assert ext.meets_band and not ext.midpoint_in_band
    assert ext.challenge_for_band_low_gbp_bn == pytest.approx(18.0)
    assert ext.share_of_range_in_band == pytest.approx(0.2)  # £18bn to £22bn of £5bn-£25bn
    assert ext.challenge_for_published_gbp_bn == pytest.approx(20.0)
    assert ext.miss_for_published_low_pct == pytest.approx(16.0)
    assert ext.miss_for_published_high_pct == pytest.approx(80.0)
    assert ext.to_dict(2)["challenge_for_published_gbp_bn"] == 20.0


def test_extrapolation_of_the_article_is_met_only_at_the_edge():
    """Decision 0017's reading, on the ledger's figures: the range meets the band, its middle does not."""
    claims = load_claims()
    values = claim_values(claims)
    ext = average.article_extrapolation(claims)
    rate = values[average.MEAN_ID] / 100
    low, high = (values[i] for i in average.CHALLENGE_IDS)
    assert (ext.shortfall_low_gbp_bn, ext.shortfall_high_gbp_bn) == pytest.approx(
        (rate * low, rate * high)
    )
    assert ext.meets_band and not ext.midpoint_in_band
    assert ext.challenge_for_band_low_gbp_bn == pytest.approx(ext.band_low_gbp_bn / rate)
    reach_top = min(high, ext.band_high_gbp_bn / rate)
    assert ext.share_of_range_in_band == pytest.approx(
        (reach_top - ext.challenge_for_band_low_gbp_bn) / (high - low)
    )


def test_extrapolation_that_misses_the_band_entirely():
    ext = _toy(rate=5)
    assert not ext.meets_band and ext.share_of_range_in_band == 0.0
    assert math.isnan(ext.challenge_for_band_low_gbp_bn)


def test_extrapolation_of_a_single_value_challenge():
    ext = _toy(rate=16, low=25, high=25)
    assert ext.meets_band and ext.midpoint_in_band and ext.share_of_range_in_band == 1.0


@pytest.mark.parametrize(
    ("args", "band", "message"),
    [
        ((0, 5, 25), TOY_BAND, "mean_miss_pct must be positive"),
        ((20, 25, 5), TOY_BAND, "need 0 < low <= high, got 25 to 5"),
        ((20, 5, 25), TOY_BAND[::-1], "band must run low to high"),
    ],
)
def test_extrapolation_bad_input(args, band, message):
    with pytest.raises(ValueError, match=message):
        average.extrapolate_shortfall(*args, published_gbp_bn=4, band_gbp_bn=band)


def test_extrapolation_curve():
    curve = average.extrapolation_curve(_toy(), [5.0, 18.0, 22.0, 23.0])
    assert curve["shortfall_gbp_bn"].tolist() == pytest.approx([1.0, 3.6, 4.4, 4.6])
    assert curve["in_band"].tolist() == [False, True, True, False]


# --- unidentified savings and the mix -----------------------------------------------------


def test_unidentified_savings():
    table = calc.unidentified_savings(TOY).frame
    assert table["organisation"].tolist() == ["F"]
    row = table.iloc[0]
    assert row["unidentified_pct"] == pytest.approx(40.0) and row["published_pct"] == 40.0
    assert row["agrees"]


def test_unidentified_savings_flags_a_share_beyond_rounding_and_needs_a_plan():
    table = calc.unidentified_savings(
        tidy(
            [
                ("F", Y, "plan", 50.0),
                ("F", Y, "unidentified", 20.0),
                ("F", Y, "unidentified_pct", 44.0),
            ],
            precision=1.0,
        )
    ).frame
    assert not table["agrees"].iloc[0]
    no_precision = calc.unidentified_savings(
        tidy([("F", Y, "plan", 50.0), ("F", Y, "unidentified", 20.0)])
    ).frame
    assert no_precision["agrees"].iloc[0] is None and math.isnan(
        no_precision["published_pct"].iloc[0]
    )
    with pytest.raises(ValueError, match=r"F \(2010-11\) has unidentified savings but no plan"):
        calc.unidentified_savings(tidy([("F", Y, "unidentified", 20.0)]))


def test_savings_mix_published_and_derived_shares():
    mix = calc.savings_mix(TOY).frame.set_index(["organisation", "category", "basis"])
    assert mix.loc[("C", "prescribing", "published"), "amount_gbp_m"] == pytest.approx(10.0)
    assert mix.loc[("C", "prescribing", "derived"), "share_pct"] == pytest.approx(20.0)
    assert mix.loc[("D", "non-recurrent cuts", "derived"), "share_pct"] == pytest.approx(55.0)
    assert mix.loc[("G", "elective care variation", "published"), "amount_gbp_m"] == 30.0
    # A share without a plan for its period keeps its share but no amount.
    assert math.isnan(mix.loc[("H", "urgent care (over-75s)", "published"), "amount_gbp_m"])


def test_savings_mix_needs_a_plan_for_a_part():
    with pytest.raises(ValueError, match=r"Z \(2010-11\) has a £m prescribing_saving but no plan"):
        calc.savings_mix(tidy([("Z", Y, "prescribing_saving", 1.0)]))


def test_mix_discrepancies():
    table = calc.mix_discrepancies(calc.savings_mix(TOY)).frame
    assert table["organisation"].tolist() == ["C"]
    row = table.iloc[0]
    assert (row["published_pct"], row["derived_pct"]) == pytest.approx((25.0, 20.0))
    assert row["gap_pct_points"] == pytest.approx(-5.0) and row["beyond_rounding"]
    assert row["published_amount_gbp_m"] == 8.0 and row["amount_at_published_pct_gbp_m"] == 10.0
    close = calc.mix_discrepancies(
        calc.savings_mix(
            tidy(
                [
                    ("C", Y, "plan", 40.0),
                    ("C", Y, "prescribing_saving", 10.1),
                    ("C", Y, "prescribing_share_pct", 25.0),
                ]
            )
        )
    ).frame
    assert not close["beyond_rounding"].iloc[0]  # 25.25% rounds to 25%


# --- verdict ------------------------------------------------------------------------------


def test_verdict_states_the_edge_and_the_average():
    ext = _toy(rate=16, band=(3.2, 4.4))
    text = report.verdict(ext, (10, 40), [10, 40, 30], 5)
    assert text.startswith(
        "Reproduced only at the top of the article's own range: 16% of "
        "£5bn-£25bn is £0.8bn to £4.0bn (midpoint £2.4bn), against 'around £4bn' read as "
        "£3.2bn to £4.4bn; only a challenge of £20.00bn or more (the top 25% of the range)"
    )
    assert "a 16% miss on £25.0bn or a 16.0% miss on £25bn" in text
    assert "3 PCTs' year-end misses (10%, 40% and 30%), all within its 10%-40% range" in text
    assert text.endswith("at least 5 PCTs reported one.")


@pytest.mark.parametrize(
    ("ext", "lead", "reach"),
    [
        (
            _toy(),
            "Reproduced only within part of the article's own range: ",
            "only a challenge of £18.00bn to £22.00bn (20% of the range) reaches that band",
        ),
        (
            _toy(rate=40, band=(1.0, 4.4)),
            "Reproduced only at the bottom of the article's own range: ",
            "only a challenge of £11.00bn or less (the bottom 30% of the range)",
        ),
        (
            _toy(band=(0.5, 9.0)),
            "Reproduced: ",
            "every challenge in the range reaches that band",
        ),
    ],
)
def test_verdict_says_which_part_of_the_range_reaches_the_band(ext, lead, reach):
    text = report.verdict(ext, (10, 40), [10, 40], 3)
    assert text.startswith(lead) and reach in text


def test_verdict_when_the_band_is_missed_or_met_at_the_midpoint():
    text = report.verdict(_toy(rate=5), (10, 40), [10, 40], 3)
    assert text.startswith("Not reproduced: 5% of") and "only a challenge" not in text
    met = _toy(published=3.0, band=(2.5, 3.5))
    assert report.verdict(met, (10, 40), [10, 40], 3).startswith("Reproduced: 20% of")


def test_reconciliation_sentences():
    text = report.reconciliation_sentences(
        calc.unidentified_savings(TOY), calc.mix_discrepancies(calc.savings_mix(TOY))
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
        report.reconciliation_sentences(
            calc.unidentified_savings(off), calc.mix_discrepancies(calc.savings_mix(off))
        )
        == "F's unidentified £20m is 40.0% of its £50m plan, against 44% published."
    )
