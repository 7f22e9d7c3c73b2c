"""Sentences about the £13bn tracker profile (notebook 03), kept apart from the calculations.

The verdict is built from the measures of :mod:`qipp.analysis.savings_profile_shape`
and the fitted line, so its words can never disagree with the numbers beside
them; both functions are re-exported from :mod:`qipp.analysis.savings_profile`,
which the notebook imports.
"""

from __future__ import annotations

import pandas as pd

from qipp.analysis.savings_profile_shape import (
    TrendResult,
    first_years_share,
    front_loading_index,
    is_non_increasing,
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
