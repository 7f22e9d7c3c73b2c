"""Sentences of notebook 01 (the shortfall "more than doubling"), kept apart from the calculations.

Built from the results of :mod:`qipp.findings.shortfall.claims`, the tables of
:mod:`qipp.findings.shortfall.calc` and the scorecard (:func:`qipp.derive.scorecard`),
so their words can never disagree with the numbers beside them: each sentence
chooses its wording ("rose"/"fell", "inside"/"outside", "clears"/"falls short")
from the figures it is given. :func:`doubling_verdict` is re-exported from
:mod:`qipp.findings.shortfall.calc`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from qipp.derive import REPRODUCED
from qipp.findings.shortfall.claims import (
    BREAKEVEN_PLAN_ROW,
    CCG_INCREASE_ID,
    CCG_PLAN_ID,
    CCG_PLAN_ROW,
    Q1_PLAN_ROW,
    Q2_PLAN_ROW,
    RATIO_ID,
    SHARE_RATIO_ROW,
    TRANSFORMATIONAL_SHARE_ID,
    DoublingCheck,
)
from qipp.findings.wording import money, moved


def _row(frame: pd.DataFrame, label: str) -> dict[str, Any]:
    """One row as a plain mapping, so the sentences read numbers, not pandas objects."""
    return {str(key): value for key, value in frame.to_dict("index")[label].items()}


def _claim(card: pd.DataFrame, claim_id: str) -> dict[str, Any]:
    return _row(card.set_index("id"), claim_id)


def doubling_sentence(check: DoublingCheck) -> str:
    """What the rounding does to the ratio, and how far Q1 sits from the break-even.

    >>> from qipp.ledger import load_claims
    >>> from qipp.findings.shortfall.claims import doubling_check
    >>> doubling_sentence(doubling_check(load_claims()))[:62]
    'Published: more than 2. Status in qipp.derive: **reproduced**;'
    """
    if check.robust:
        reach = "every value over the inputs' rounding clears the multiple"
    elif check.status == REPRODUCED:
        reach = "only part of the range over the inputs' rounding clears the multiple"
    else:
        reach = "no value over the inputs' rounding reaches the multiple"
    q1 = money(check.q1_gbp_m)
    if check.headroom_gbp_m > 0:
        margin = (
            f"The claim would fail only if the Q1 sector shortfall the Q2 figures were compared "
            f"with was more than {money(check.headroom_gbp_m)} above the {q1} the Q1 report "
            f"gives ({100 * check.headroom_gbp_m / check.q1_gbp_m:.1f}% more)."
        )
    else:
        margin = (
            f"Q2 would be exactly the multiple of a Q1 shortfall of "
            f"{money(check.breakeven_q1_gbp_m)}, {money(-check.headroom_gbp_m)} below the {q1} "
            "the Q1 report gives."
        )
    return f"Published: {check.published}. Status in qipp.derive: **{check.status}**; {reach}. {margin}"


def _organisation(row: Mapping[str, Any], sector_change: float) -> str:
    implied = "" if row["basis"] == "published" else f" ({row['basis']})"
    whose = "the sector's rise" if sector_change > 0 else "the sector's change"
    return (
        f"shortfall{implied} {moved(row['change_gbp_m'])} "
        f"({row['share_of_sector_change_pct']:.1f}% of {whose}; Q2 {row['ratio']:.2f} times Q1)"
    )


def change_sentence(change: pd.DataFrame, card: pd.DataFrame) -> str:
    """Where the change came from: CCGs against NHS England, and derive's check of CCGs' rise.

    Parameters
    ----------
    change : pandas.DataFrame
        :func:`qipp.findings.shortfall.calc.shortfall_change`.
    card : pandas.DataFrame
        The scorecard, for the published CCG increase and its status.
    """
    sector = float(_row(change, "Sector")["change_gbp_m"])
    increase = _claim(card, CCG_INCREASE_ID)
    return (
        f"CCGs' forecast {_organisation(_row(change, 'CCGs'), sector)}; NHS England's "
        f"{_organisation(_row(change, 'NHS England'), sector)}. qipp.derive's check of the "
        f"CCGs' increase of {increase['as_published']}: **{increase['status']}**."
    )


def share_sentence(shares: pd.DataFrame, card: pd.DataFrame, multiple: float) -> str:
    """The ratio of shares of plan, and the CCG plan it needs to clear the published multiple.

    The ratio of shares rises with the CCGs' Q1 plan (a larger plan makes the Q1
    share smaller), so the multiple is cleared above the break-even plan.
    """
    ratio_row, breakeven = _row(shares, SHARE_RATIO_ROW), _row(shares, BREAKEVEN_PLAN_ROW)
    plan, published = _row(shares, CCG_PLAN_ROW), _claim(card, CCG_PLAN_ID)["as_published"]
    times = f"more than {multiple:g} times Q1's"
    band = f"a plan published as {published} lies anywhere from {money(plan['low'], 0)} to {money(plan['high'], 0)}"
    if plan["low"] < breakeven["value"] < plan["high"]:
        verdict = (
            f"It is {times} only if the CCGs' plan behind the Q1 report's {published} was above "
            f"{money(breakeven['value'], 0)}; {band}."
        )
    elif breakeven["value"] <= plan["low"]:
        verdict = f"It is {times} for any CCG plan that rounds to {published}: {band}, all above {money(breakeven['value'], 0)}."
    else:
        verdict = f"It is not {times} for any CCG plan that rounds to {published}: {band}, all below {money(breakeven['value'], 0)}."
    return (
        f"On shares of plan the Q2 figure is {ratio_row['value']:.3f} times Q1's "
        f"({ratio_row['low']:.3f} to {ratio_row['high']:.3f} over the rounding). {verdict}"
    )


def plan_base_sentence(shares: pd.DataFrame, check: DoublingCheck) -> str:
    """Whether the plan the Q2 share implies could be the Q1 plans' sum, within its rounding."""
    plan_q1, plan_q2 = _row(shares, Q1_PLAN_ROW), _row(shares, Q2_PLAN_ROW)
    gap = plan_q2["value"] - plan_q1["value"]
    direction = "above" if gap > 0 else "below"
    within = f"({money(plan_q1['low'])} to {money(plan_q1['high'])})"
    if plan_q1["low"] <= plan_q2["value"] <= plan_q1["high"]:
        end = "top" if gap > 0 else "bottom"
        reading = (
            f"yet inside that sum's rounding range {within}: the published figures cannot tell a "
            f"plan that changed between the quarters from one near the {end} of its rounding "
            "all along"
        )
    else:
        reading = f"and outside that sum's rounding range {within}: the plan base changed between the quarters"
    return (
        f"The plan the Q2 share implies, {money(plan_q2['value'])}, is {money(abs(gap))} "
        f"{direction} the sum of the Q1 plans ({money(plan_q1['value'])}) {reading}. On one "
        f"unchanged plan base the ratio of shares equals the ratio in pounds, {check.ratio:.3f}."
    )


def scheme_sentence(split: pd.DataFrame, card: pd.DataFrame) -> str:
    """Transformational against transactional schemes: shares of plan and shortfall, and misses."""
    tf, tx = _row(split, "transformational"), _row(split, "transactional")
    bulk = _claim(card, TRANSFORMATIONAL_SHARE_ID)
    contrast = "but" if tf["shortfall_share_pct"] > tf["plan_share_pct"] else "and only"
    return (
        f"Transformational schemes are {tf['plan_share_pct']:.1f}% of the implied plan "
        f"{contrast} {tf['shortfall_share_pct']:.1f}% of the forecast shortfall (qipp.derive: "
        f"**{bulk['status']}** against the published figure, {bulk['as_published']}); they are "
        f"forecast to miss {tf['miss_pct']:.1f}% of their own plan, transactional schemes "
        f"{tx['miss_pct']:.2f}% ({tx['miss_pct_low']:.2f}% to {tx['miss_pct_high']:.2f}% over "
        f"the rounding), so {100 - tx['miss_pct']:.1f}% of transactional savings are expected."
    )


def _on_shares(ratio_row: Mapping[str, Any], multiple: float) -> str:
    """What the ratio of shares says about "more than double"."""
    if ratio_row["low"] > multiple:
        return "so 'more than double' holds on shares too"
    if ratio_row["high"] <= multiple:
        return "so on shares the rise is not 'more than double'"
    return "so on shares 'more than double' rests on the rounding of the CCGs' published plan"


def doubling_verdict(
    check: DoublingCheck, change: pd.DataFrame, shares: pd.DataFrame, statuses: Mapping[str, str]
) -> tuple[str, bool]:
    """The verdict sentence for notebook 01, and whether the claim is reproduced.

    Reproduced when derive reproduces both the ratio and the CCGs' increase of "more
    than £100m" and the ratio clears the published multiple across the inputs' rounding.
    """
    reproduced = bool(
        statuses.get(RATIO_ID) == REPRODUCED
        and statuses.get(CCG_INCREASE_ID) == REPRODUCED
        and check.robust
    )
    ratio_row = _row(shares, SHARE_RATIO_ROW)
    ccg = _row(change, "CCGs")
    ccg_change = float(ccg["change_gbp_m"])
    word = "Reproduced" if reproduced else "Not reproduced"
    rise = "rise" if check.ratio > 1 else "change"
    verdict = (
        f"{word}: the forecast year-end shortfall {'rose' if check.ratio > 1 else 'fell'} "
        f"from {money(check.q1_gbp_m)} at Q1 (CCGs plus NHS England) to {money(check.q2_gbp_m)} "
        f"at Q2, {check.ratio:.2f} times ({check.ratio_low:.3f} to {check.ratio_high:.3f} "
        f"allowing for rounding; published {check.published}), with CCGs' shortfall "
        f"{'up' if ccg_change >= 0 else 'down'} {money(abs(ccg_change))} "
        f"({ccg['share_of_sector_change_pct']:.0f}% of the {rise}); as a share "
        f"of plan the {rise} is {ratio_row['value']:.2f} times ({ratio_row['low']:.2f} to "
        f"{ratio_row['high']:.2f}), {_on_shares(ratio_row, check.multiple)}."
    )
    return verdict, reproduced
