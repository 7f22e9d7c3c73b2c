"""How finding 3 is reported: the sentences whose words follow the figures, and the record."""

from __future__ import annotations

from typing import Any

import pandas as pd

from qipp.findings.savings_profile.calc import (
    ProfileShape,
    TrendResult,
    is_non_increasing,
    profile_table,
    years_phrase,
)
from qipp.findings.savings_profile.published import ESTIMATE_LABELS, LocalShare
from qipp.ledger.wording import decimals_for

NOTEBOOK = "03_front_loaded_savings"
TOTAL, LOCAL_SHARE, FIRST_YEAR = (
    "tracker_total_1115_gbp_bn",
    "tracker_local_share_yrs2_4_pct",
    "tracker_2011_12_gbp_bn",
)


def total_sentence(profile: pd.Series, published: float, step: float, status: str) -> str:
    """The sum of the years against the published total, with its status when recomputed.

    >>> print(total_sentence(pd.Series([4.0, 3.0, 2.5, 2.0]), 12.0, 1.0, "reproduced"))
    The 4 yearly figures sum to **£11.5bn**. The article's £12bn is that sum rounded to the nearest £1bn, not a separate figure (recomputed: **reproduced**).
    """
    if status == "reproduced":
        agrees = f"is that sum rounded to the nearest £{step:g}bn, not a separate figure"
    else:
        agrees = f"is not that sum rounded to the nearest £{step:g}bn"
    return (
        f"The {len(profile)} yearly figures sum to **£{float(profile.sum()):.1f}bn**. The "
        f"article's £{published:g}bn {agrees} (recomputed: **{status}**)."
    )


def _rounding(share: float, published: float, step: float) -> str:
    """Whether ``share`` rounds to ``published`` at ``step``, and whether only just."""
    low, high = published - step / 2, published + step / 2
    if not low <= share <= high:
        return f"which does not round to the published {published:g}%"
    edge, side = (low, "lower") if share - low <= high - share else (high, "upper")
    if abs(share - edge) < step / 10:
        return (
            f"which rounds to the published {published:g}% only just (the {side} edge of "
            f"what rounds to it is {edge:.{decimals_for(step / 2)}f}%)"
        )
    return f"which rounds to the published {published:g}%"


def local_share_sentence(local: LocalShare) -> str:
    """Local schemes' share recomputed, how it rounds to the published one, what was on track."""
    return (
        f"£{local.local_gbp_bn:g}bn of the £{local.required_gbp_bn:.1f}bn required in "
        f"{years_phrase(local.years)} is **{local.share_pct:.3f}%**, "
        f"{_rounding(local.share_pct, local.published_share_pct, local.published_step)}. "
        f"Of the local £{local.local_gbp_bn:g}bn, £{local.on_track_gbp_bn:g}bn "
        f"({local.on_track_pct:.1f}%) was rated fully on track at the end of June 2012."
    )


def halves_sentence(profile: pd.Series, shape: ProfileShape) -> str:
    """How the total splits between the early and the late years: more, less or half."""
    n = len(shape.early_years)
    early, late = float(profile.iloc[:n].sum()), float(profile.iloc[n:].sum())
    share = 100 * shape.early_share
    part = "more than half" if early > late else "less than half" if early < late else "half"
    return (
        f"The tracker's profile puts {part} of its £{early + late:.1f}bn in "
        f"{years_phrase(shape.early_years)}: {share:.1f}% (£{early:.1f}bn), against "
        f"{100 - share:.1f}% (£{late:.1f}bn) in {years_phrase(shape.years[n:])}."
    )


def contrast_sentence(
    tracker_gbp_bn: float, reported_gbp_bn: float, substantiated_gbp_bn: float, year: str
) -> str:
    """The tracker's figure for a year against the Department's and the NAO's.

    >>> contrast_sentence(3.8, 5.8, 3.4, "2011-12")
    "For 2011-12 the tracker's £3.8bn is £2.0bn (34.5%) below the £5.8bn the Department reported and £0.4bn above the £3.4bn the NAO substantiated (58.6% of the reported figure)."
    """
    below = reported_gbp_bn - tracker_gbp_bn
    above = tracker_gbp_bn - substantiated_gbp_bn
    return (
        f"For {year} the tracker's £{tracker_gbp_bn:.1f}bn is £{abs(below):.1f}bn "
        f"({100 * abs(below) / reported_gbp_bn:.1f}%) {'below' if below >= 0 else 'above'} "
        f"the £{reported_gbp_bn:.1f}bn the Department reported and £{abs(above):.1f}bn "
        f"{'above' if above >= 0 else 'below'} the £{substantiated_gbp_bn:.1f}bn the NAO "
        f"substantiated ({100 * substantiated_gbp_bn / reported_gbp_bn:.1f}% of the reported "
        "figure)."
    )


def verdict(
    profile: pd.Series,
    shape: ProfileShape,
    trend: TrendResult,
    estimates: dict[str, float],
    *,
    published_total: float,
    total_reproduced: bool,
) -> tuple[str, bool]:
    """The verdict on "£X in total, front-loaded", then the first year's contrast.

    Reproduced when the published total is the rounded sum of the years
    (``total_reproduced``, as :func:`qipp.derive.scorecard` judges it) and the
    front-loading index is above zero. ``estimates``: :func:`published.estimate_values`.
    """
    total, index = float(profile.sum()), shape.front_loading_index
    n, n_early = len(profile), len(shape.early_years)
    reproduced = bool(total_reproduced and index > 0)
    headline = (
        f"{'Reproduced' if reproduced else 'Not reproduced'}: the {n} yearly figures sum to "
        f"£{total:.1f}bn, which {'rounds' if total_reproduced else 'does not round'} to the "
        f"published £{published_total:g}bn, and the profile is "
        f"{'front-loaded' if index > 0 else 'not front-loaded'} and "
        f"{'falling' if is_non_increasing(profile) else 'not falling'} every year: "
        f"{100 * shape.early_share:.1f}% falls in the first {n_early} of {n} years "
        f"(front-loading index {index:.3f}), and a straight line fitted to it "
        f"{'falls' if trend.slope < 0 else 'rises'} by £{abs(trend.slope):.2f}bn a year "
        f"({100 * (1 - trend.alpha):g}% CI for the change {trend.slope_ci_low:+.2f} to "
        f"{trend.slope_ci_high:+.2f} £bn a year, n = {trend.n})."
    )
    contrast = contrast_sentence(
        estimates["tracker_anticipated"],
        estimates["dh_reported"],
        estimates["nao_substantiated"],
        year=str(profile.index[0]),
    )
    return f"{headline} {contrast}", reproduced


def record(
    profile: pd.Series,
    card: pd.DataFrame,
    shape: ProfileShape,
    trend: TrendResult,
    local: LocalShare,
    estimates: dict[str, float],
    *,
    findings_path: str,
    alpha: float,
    tables_path: str,
) -> dict[str, Any]:
    """The notebook's findings record, as keywords for :func:`qipp.findings.record.write_findings`.

    ``card`` is :func:`qipp.derive.scorecard` indexed by claim id; the keywords are
    the notebook's parameters.
    """
    published_total = float(card["value"].astype(float).loc[TOTAL])
    total_status = str(card.loc[TOTAL, "status"])
    agrees = total_status == "reproduced"
    text, reproduced = verdict(
        profile, shape, trend, estimates, published_total=published_total, total_reproduced=agrees
    )
    yearly = profile_table(profile).frame
    return {
        "notebook": NOTEBOOK,
        "parameters": {"findings_path": findings_path, "alpha": alpha, "tables_path": tables_path},
        "verdict": text,
        "reproduced": reproduced,
        "total_gbp_bn": round(float(profile.sum()), 4),
        "published_total_gbp_bn": published_total,
        "total_status": total_status,
        "yearly_gbp_bn": {str(year): float(value) for year, value in profile.items()},
        "cumulative_share_pct": {
            str(year): round(float(v), 2) for year, v in yearly["cumulative_share_pct"].items()
        },
        "change_gbp_bn": {
            str(year): round(float(v), 4) for year, v in yearly["change_gbp_bn"].dropna().items()
        },
        "first_two_years_share": round(shape.early_share, 4),
        "latter_half_share": round(1 - shape.early_share, 4),
        "front_loading_index": round(shape.front_loading_index, 4),
        "falls_every_year": shape.falls_every_year,
        "trend": trend.to_dict(4),
        "local_share_yrs2_4_pct": round(local.share_pct, 3),
        "local_share_status": str(card.loc[LOCAL_SHARE, "status"]),
        "savings_2011_12_gbp_bn": {key: float(estimates[key]) for key in ESTIMATE_LABELS},
        "tracker_2011_12_status": str(card.loc[FIRST_YEAR, "status"]),
        # A keyword, not a string: the ledger's tests read claim-shaped strings as claim ids.
        **dict(
            nao_substantiated_share_of_reported_pct=round(
                100 * estimates["nao_substantiated"] / estimates["dh_reported"], 2
            )
        ),
    }
