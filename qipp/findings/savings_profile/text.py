"""Sentences about the £13bn tracker profile (notebook 03), kept apart from the calculations.

The verdict is built from the measures of :mod:`qipp.findings.savings_profile.shape`
and the fitted line, so its words can never disagree with the numbers beside
them; both functions are re-exported from :mod:`qipp.findings.savings_profile.calc`,
which the notebook imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from qipp.findings.savings_profile.shape import (
    ProfileShape,
    TrendResult,
    first_years_share,
    front_loading_index,
    is_non_increasing,
    years_phrase,
)
from qipp.ledger import cite, claim_values
from qipp.ledger.wording import decimals_for

if TYPE_CHECKING:
    from qipp.findings.savings_profile.calc import LocalShare

TRACKER = "hsj_dh_tracker_q1_1213"
# The claim's total, and the counts that say what the tracker covered (claims.csv).
TOTAL_CLAIM = "tracker_total_1115_gbp_bn"
DOCUMENTS_CLAIM, PLANS_CLAIM = "tracker_n_documents", "tracker_n_local_plans"


def claim_paragraph(claims: pd.DataFrame) -> str:
    """The claim as published, its counts and quote read from the ledger (Markdown).

    >>> from qipp.ledger import load_claims
    >>> claim_paragraph(load_claims()).startswith("**The claim.** HSJ obtained the Department")
    True
    """
    values = claim_values(claims)
    quote = str(claims.set_index("id").loc[TOTAL_CLAIM, "quote"])
    return (
        "**The claim.** HSJ obtained the Department of Health's QIPP tracker for the first "
        f"quarter of 2012-13 ({values[DOCUMENTS_CLAIM]:,.0f} documents compiled by strategic "
        f"health authorities, covering {values[PLANS_CLAIM]:,.0f} local QIPP plans). It "
        f'reported that "{quote}" and that "the savings are front-loaded", with a total for '
        f"each year. Source: {cite(TRACKER)}."
    )


def total_sentence(profile: pd.Series, published: float, step: float, status: str) -> str:
    """The sum of the years set against the published total, with ``qipp.derive``'s status.

    >>> p = pd.Series([4.0, 3.0, 2.5, 2.0])
    >>> print(total_sentence(p, 12.0, 1.0, "reproduced"))
    The 4 yearly figures sum to **£11.5bn**. The article's £12bn is that sum rounded to the nearest £1bn, not a separate figure (`qipp.derive`: **reproduced**).
    >>> print(total_sentence(p, 15.0, 1.0, "inconsistent"))
    The 4 yearly figures sum to **£11.5bn**. The article's £15bn is not that sum rounded to the nearest £1bn (`qipp.derive`: **inconsistent**).
    """
    total = float(profile.sum())
    agrees = (
        "is that sum rounded to the nearest £{:g}bn, not a separate figure"
        if status == "reproduced"
        else "is not that sum rounded to the nearest £{:g}bn"
    ).format(step)
    return (
        f"The {len(profile)} yearly figures sum to **£{total:.1f}bn**. The article's "
        f"£{published:g}bn {agrees} (`qipp.derive`: **{status}**)."
    )


def _rounding(share: float, published: float, step: float) -> str:
    """Whether ``share`` rounds to ``published`` at ``step``, and how close to the edge it is."""
    low, high = published - step / 2, published + step / 2
    decimals = decimals_for(step / 2)
    if not low <= share <= high:
        return f"which does not round to the published {published:g}%"
    edge, side = (low, "lower") if share - low <= high - share else (high, "upper")
    if abs(share - edge) < step / 10:
        return (
            f"which rounds to the published {published:g}% only just (the {side} edge of "
            f"what rounds to it is {edge:.{decimals}f}%)"
        )
    return f"which rounds to the published {published:g}%"


def local_share_sentence(local: LocalShare) -> str:
    """Local schemes' share recomputed, how it rounds to the published share, and what was on track.

    >>> from qipp.findings.savings_profile.calc import LocalShare
    >>> print(local_share_sentence(LocalShare(3.0, ("2012-13", "2013-14", "2014-15"), 10.0,
    ...                                       100 * 2.995 / 10.0, 30.0, 0.1, 1.5)))
    £3bn of the £10.0bn required in 2012-13 to 2014-15 is **29.950%**, which rounds to the published 30% only just (the lower edge of what rounds to it is 29.95%). Of the local £3bn, £1.5bn (50.0%) was rated fully on track at the end of June 2012.
    """
    return (
        f"£{local.local_gbp_bn:g}bn of the £{local.required_gbp_bn:.1f}bn required in "
        f"{years_phrase(local.years)} "
        f"is **{local.share_pct:.3f}%**, "
        f"{_rounding(local.share_pct, local.published_share_pct, local.published_step)}. "
        f"Of the local £{local.local_gbp_bn:g}bn, £{local.on_track_gbp_bn:g}bn "
        f"({local.on_track_pct:.1f}%) was rated fully on track at the end of June 2012."
    )


def halves_sentence(profile: pd.Series, shape: ProfileShape) -> str:
    """How the total splits between the early and the late years, in words and figures.

    >>> from qipp.findings.savings_profile.shape import profile_shape
    >>> p = pd.Series([4.0, 3.0, 2.5, 2.0], index=["2011-12", "2012-13", "2013-14", "2014-15"])
    >>> print(halves_sentence(p, profile_shape(p)))
    The tracker's profile puts more than half of its £11.5bn in 2011-12 and 2012-13: 60.9% (£7.0bn), against 39.1% (£4.5bn) in 2013-14 and 2014-15.
    """
    n = len(shape.early_years)
    early, late = float(profile.iloc[:n].sum()), float(profile.iloc[n:].sum())
    share = 100 * shape.early_share
    part = "more than half" if early > late else "less than half" if early < late else "half"
    return (
        f"The tracker's profile puts {part} of its £{early + late:.1f}bn in "
        f"{years_phrase(shape.early_years)}: {share:.1f}% (£{early:.1f}bn), against "
        f"{100 - share:.1f}% (£{late:.1f}bn) in {years_phrase(shape.years[n:])}."
    )


def front_loading_verdict(
    profile: pd.Series, published_total: float, total_reproduced: bool, trend: TrendResult
) -> tuple[str, bool]:
    """The verdict on "£X in total, front-loaded", and whether it is reproduced.

    Reproduced when the published total agrees with the sum of the years (as
    :func:`qipp.derive.scorecard` judges it, passed in as ``total_reproduced``)
    and the profile's centre of mass lies before its midpoint (front-loading
    index > 0; docs/decisions/0016).

    Parameters
    ----------
    profile : pandas.Series
        Savings per year (£bn), indexed by year.
    published_total : float
        The total as published (£bn).
    total_reproduced : bool
        Whether the published total reproduces from the yearly figures.
    trend : TrendResult
        The straight line fitted to the profile.

    Returns
    -------
    (str, bool)
        One sentence of figures, and the reproduced flag.

    Examples
    --------
    >>> p = pd.Series([3.0, 1.0], index=["2011-12", "2012-13"])
    >>> t = TrendResult(-2.0, 4025.0, 1.0, 0.0, -2.0, -2.0, 2, 0.05)
    >>> front_loading_verdict(p, 4, True, t)[1]
    True
    """
    total = float(profile.sum())
    index = front_loading_index(profile)
    n_early = max(1, len(profile) // 2)
    share = first_years_share(profile, n_years=n_early)
    reproduced = bool(total_reproduced and index > 0)
    level = f"{100 * (1 - trend.alpha):g}%"
    shape = "front-loaded" if index > 0 else "not front-loaded"
    decline = "falling every year" if is_non_increasing(profile) else "not falling every year"
    agreement = "rounds to" if total_reproduced else "does not round to"
    lead = "Reproduced" if reproduced else "Not reproduced"
    return (
        f"{lead}: the {len(profile)} yearly figures sum to £{total:.1f}bn, which "
        f"{agreement} the published £{published_total:g}bn, and the profile is {shape} "
        f"and {decline}: {100 * share:.1f}% falls in the first {n_early} of "
        f"{len(profile)} years (front-loading index {index:.3f}), and a straight line "
        f"fitted to it {'falls' if trend.slope < 0 else 'rises'} by £{abs(trend.slope):.2f}bn "
        f"a year ({level} CI for the change {trend.slope_ci_low:+.2f} to "
        f"{trend.slope_ci_high:+.2f} £bn a year, n = {trend.n}).",
        reproduced,
    )


def contrast_sentence(
    tracker_gbp_bn: float,
    reported_gbp_bn: float,
    substantiated_gbp_bn: float,
    year: str = "2011-12",
) -> str:
    """One sentence setting the tracker's figure for a year against two official ones.

    Examples
    --------
    >>> contrast_sentence(3.8, 5.8, 3.4)
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


def full_verdict(
    profile: pd.Series,
    published_total: float,
    total_status: str,
    trend: TrendResult,
    estimates: dict[str, float],
) -> tuple[str, bool]:
    """The notebook's verdict: the profile's (:func:`front_loading_verdict`), then the first year's contrast.

    ``estimates`` maps the estimates of ``savings_2011_12_estimates`` to their values
    (:func:`qipp.findings.savings_profile.calc.estimate_values`).

    Returns
    -------
    (str, bool)
        The sentences, and whether the finding is reproduced.
    """
    headline, reproduced = front_loading_verdict(
        profile, published_total, total_status == "reproduced", trend
    )
    contrast = contrast_sentence(
        estimates["tracker_anticipated"],
        estimates["dh_reported"],
        estimates["nao_substantiated"],
        year=str(profile.index[0]),
    )
    return f"{headline} {contrast}", reproduced
