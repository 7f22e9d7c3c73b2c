"""Sentences about NHS England against CCGs (notebook 04), kept apart from the calculations.

Built from the tables of :mod:`qipp.findings.nhse_ccgs.calc` and derive's statuses
for the claims it names, so their words can never disagree with the numbers
beside them: every comparison word ("further behind", "widen", "smaller") is
chosen from the figures, ties included. The verdict is re-exported from
:mod:`qipp.findings.nhse_ccgs.calc`.

Examples
--------
>>> _compare(2.0, 1.0, "larger", "smaller", "the same size as")
'larger'
>>> _change(-6.53), _change(0.0)
('narrow by 6.5 points', 'stay where it is')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from qipp.derivations import ratio
from qipp.derive import REPRODUCED

# The claims derive must reproduce for the verdict to say "Reproduced".
NHSE_GAP_PCT_IDS = ("nhse_q1_forecast_gap_pct", "nhse_q1_forecast_gap_pct_headline")
CCG_GAP_PCT_ID = "ccg_q1_forecast_gap_pct"
VERDICT_CLAIM_IDS = (*NHSE_GAP_PCT_IDS, CCG_GAP_PCT_ID)
NHSE, CCGS = "NHS England", "CCGs"


def _number(value: Any) -> float:
    """A table cell as a float (pandas types a cell as any scalar, so say which it is)."""
    return float(value)


def _compare(first: float, second: float, more: str, less: str, same: str) -> str:
    """The word for ``first`` against ``second``: ``more``, ``less`` or ``same`` (a tie)."""
    if first > second:
        return more
    return less if first < second else same


def _change(points: float) -> str:
    """A gap's move from the end of June to the year-end forecast, in words."""
    if points > 0:
        return f"widen by {points:.1f} points"
    if points < 0:
        return f"narrow by {-points:.1f} points"
    return "stay where it is"


def _order(nhse: float, ccg: float) -> int:
    """+1 when NHS England's figure is the larger, -1 when the CCGs', 0 for a tie."""
    return int(nhse > ccg) - int(nhse < ccg)


def comparison_bullets(comparison: pd.DataFrame) -> str:
    """Ambition, the end of June, the year-end forecast and pounds, as four Markdown bullets.

    Parameters
    ----------
    comparison : pandas.DataFrame
        From :func:`qipp.findings.nhse_ccgs.calc.commissioner_comparison`.

    Returns
    -------
    str
        Markdown; each comparison word follows the figures (a tie says so).
    """
    nhse, ccg = comparison[NHSE], comparison[CCGS]
    june = _order(nhse["ytd_shortfall_pct"], ccg["ytd_shortfall_pct"])
    year_end = _order(nhse["forecast_shortfall_pct"], ccg["forecast_shortfall_pct"])
    ytd = comparison.loc["ytd_shortfall_pct"]
    if june == 0:
        behind = f"Both were {ytd[NHSE]:g}% behind plan."
    else:
        first, second = (NHSE, CCGS) if june > 0 else (CCGS, NHSE)
        verb = "was" if first == NHSE else "were"
        behind = (
            f"{first} {verb} further behind ({ytd[first]:g}%) than {second} ({ytd[second]:g}%)."
        )
    order = (
        ""
        if june == 0 or year_end == 0
        else ("The order reverses: " if june != year_end else "The order holds: ")
    )
    pounds = _compare(
        nhse["forecast_shortfall_gbp_m"],
        ccg["forecast_shortfall_gbp_m"],
        "larger",
        "smaller",
        "the same as",
    )
    return "\n".join(
        [
            f"- **Ambition.** NHS England planned {nhse['plan_pct_of_resources']:.1f}% of its "
            f"budget (£{nhse['plan_gbp_m']:,.0f}m), CCGs {ccg['plan_pct_of_resources']:.1f}% of "
            f"their allocations (£{ccg['plan_gbp_m']:,.0f}m); the implied resources are "
            f"£{nhse['implied_resources_gbp_bn']:.1f}bn and £{ccg['implied_resources_gbp_bn']:.1f}bn.",
            f"- **End of June.** {behind}",
            f"- **Year-end forecast.** {order}NHS England expects its gap to "
            f"{_change(nhse['ytd_to_forecast_change_pp'])} to {nhse['forecast_shortfall_pct']:.2f}% "
            f"(published {nhse['forecast_shortfall_pct_published']:g}%), CCGs expect theirs to "
            f"{_change(ccg['ytd_to_forecast_change_pp'])} to {ccg['forecast_shortfall_pct']:.2f}% "
            f"(published {ccg['forecast_shortfall_pct_published']:g}%).",
            f"- **In pounds** NHS England's gap (£{nhse['forecast_shortfall_gbp_m']:.1f}m) is "
            f"{pounds}{' than' if pounds != 'the same as' else ''} CCGs' "
            f"(£{ccg['forecast_shortfall_gbp_m']:.1f}m); against resources it is "
            f"{nhse['forecast_shortfall_pct_of_resources']:.3f}% of budget against "
            f"{ccg['forecast_shortfall_pct_of_resources']:.3f}%, and the savings each expects to "
            f"deliver are {nhse['forecast_delivery_pct_of_resources']:.2f}% and "
            f"{ccg['forecast_delivery_pct_of_resources']:.2f}% of resources.",
        ]
    )


def ccg_rounding_sentence(note: str, low: float, high: float) -> str:
    """Derive's note on the CCGs' published share, and the share over the inputs' rounding.

    >>> ccg_rounding_sentence("100 x 71.5 / 1600 = 4.469; agrees", 4.3303, 4.6161)
    "qipp.derive: 100 x 71.5 / 1600 = 4.469; agrees. Over the rounding of the published gap and plan the CCGs' share runs from 4.33% to 4.62%."
    """
    return (
        f"qipp.derive: {note}. Over the rounding of the published gap and plan the CCGs' "
        f"share runs from {low:.2f}% to {high:.2f}%."
    )


def service_area_bullets(
    breakdown: pd.DataFrame, plan_range: tuple[float, float], bounds: Mapping[str, float]
) -> str:
    """Primary care's implied plan, everything else, and public health's bound, as bullets.

    Parameters
    ----------
    breakdown : pandas.DataFrame
        From :func:`qipp.findings.nhse_ccgs.calc.service_area_breakdown`.
    plan_range : (float, float)
        Primary care's implied plan over the rounding
        (:func:`qipp.findings.nhse_ccgs.calc.primary_care_plan_rounding`).
    bounds : mapping
        From :func:`qipp.findings.nhse_ccgs.calc.plan_bounds` for public health against primary care.
    """
    primary, rest = breakdown.loc["primary_care"], breakdown.loc["rest"]
    public_health = _number(breakdown.loc["public_health", "forecast_shortfall_pct"])
    but = "but" if primary["share_of_shortfall_pct"] > primary["share_of_plan_pct"] else "and"
    return "\n".join(
        [
            f"- Primary care's £{primary['forecast_shortfall_gbp_m']:.1f}m gap at "
            f"{primary['forecast_shortfall_pct']:g}% implies a plan of "
            f"£{primary['plan_gbp_m']:.1f}m (£{plan_range[0]:.1f}m to £{plan_range[1]:.1f}m over "
            f"the rounding): {primary['share_of_plan_pct']:.1f}% of NHS England's plan {but} "
            f"{primary['share_of_shortfall_pct']:.1f}% of its forecast gap.",
            f"- Everything else carries £{rest['plan_gbp_m']:.1f}m of plan and "
            f"£{rest['forecast_shortfall_gbp_m']:.1f}m of gap, a "
            f"{rest['forecast_shortfall_pct']:.1f}% miss.",
            f"- Public health's {public_health:g}% rate bounds its plan (at the published "
            f"values): at most £{bounds['max_plan_gbp_m']:.1f}m even if it carried the whole "
            f"remainder of the gap, and below "
            f"£{bounds['max_plan_if_primary_care_largest_gbp_m']:.1f}m if primary care is the "
            "largest single contributor, as the article says.",
        ]
    )


def nr_fund_sentence(fund: pd.DataFrame) -> str:
    """The non-recurrent fund's implied size and what the unallocated part is beside it.

    Parameters
    ----------
    fund : pandas.DataFrame
        From :func:`qipp.findings.nhse_ccgs.calc.nr_fund_context`.
    """
    size, free = fund.loc["non-recurrent fund"], fund.loc["fund not yet allocated"]
    cover = _number(fund.loc["unallocated / forecast QIPP gap", "value"])
    share = _number(fund.loc["unallocated, % of the fund", "value"])
    return (
        f"The fund would be about £{size['value']:.0f}m (£{size['low']:.0f}m to "
        f"£{size['high']:.0f}m); the £{free['value']:g}m not yet allocated is "
        f"{share:.1f}% of it and {cover:.2f} times "
        "NHS England's forecast QIPP gap. That compares scale only: the article does not say "
        "the fund would cover the gap, and non-recurrent money cannot stand in for a recurrent "
        "saving."
    )


def nhse_vs_ccgs_verdict(
    comparison: pd.DataFrame, breakdown: pd.DataFrame, statuses: Mapping[str, str]
) -> tuple[str, bool]:
    """The verdict sentence for notebook 04, and whether the claim is reproduced.

    Reproduced when derive reproduces NHS England's forecast gap shares (published and
    headline) and the CCGs' share, and NHS England has both the smaller ambition and the
    larger forecast gap as a share of plan.
    """
    nhse, ccg = comparison[NHSE], comparison[CCGS]
    smaller_ambition = nhse["plan_pct_of_resources"] < ccg["plan_pct_of_resources"]
    larger_gap = nhse["forecast_shortfall_pct"] > ccg["forecast_shortfall_pct"]
    reproduced = bool(
        all(statuses.get(i) == REPRODUCED for i in VERDICT_CLAIM_IDS)
        and smaller_ambition
        and larger_gap
    )
    word = "Reproduced" if reproduced else "Not reproduced"
    link = "yet" if smaller_ambition and larger_gap else "and"
    pounds = _compare(
        nhse["forecast_shortfall_gbp_m"],
        ccg["forecast_shortfall_gbp_m"],
        "larger in pounds too",
        "though smaller in pounds",
        "the same in pounds",
    )
    primary = breakdown.loc["primary_care"]
    verdict = (
        f"{word}: NHS England planned savings of {nhse['plan_pct_of_resources']:.1f}% of its "
        f"budget against CCGs' {ccg['plan_pct_of_resources']:.1f}%, {link} forecast a gap of "
        f"{nhse['forecast_shortfall_pct']:.2f}% of plan (£{nhse['forecast_shortfall_gbp_m']:.1f}m "
        f"of £{nhse['plan_gbp_m']:.0f}m) against CCGs' {ccg['forecast_shortfall_pct']:.2f}% "
        f"(£{ccg['forecast_shortfall_gbp_m']:.1f}m of £{ccg['plan_gbp_m']:,.0f}m, published as "
        f"{ccg['forecast_shortfall_pct_published']:g}%), "
        f"{ratio(nhse['forecast_shortfall_pct'], ccg['forecast_shortfall_pct']):.1f} times the "
        f"rate, {pounds}; primary care's £{primary['forecast_shortfall_gbp_m']:.1f}m "
        f"is {primary['share_of_shortfall_pct']:.0f}% of NHS England's gap, on an implied "
        f"£{primary['plan_gbp_m']:.0f}m plan."
    )
    return verdict, reproduced
