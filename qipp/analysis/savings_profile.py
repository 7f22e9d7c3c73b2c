"""The shape of the £13bn QIPP tracker profile (notebook 03_front_loaded_savings).

HSJ (DH QIPP tracker, Q1 2012-13) reported that PCTs anticipated £13bn of
savings from 2011-12 to 2014-15, "front-loaded" at 3.8, 3.6, 2.9 and 2.6 £bn a
year. These functions take such a profile (a Series indexed by financial year)
and describe its shape: running share, change year on year, a front-loading
index, a fitted straight line, the share of named years a part accounts for,
and the 2011-12 estimates the tracker's first year is set against.

:func:`qipp.stats.cumulative_share` stays in :mod:`qipp.stats` because
:mod:`qipp.plotting` draws it; it is re-exported here so a notebook imports the
whole profile toolkit from one place.

Examples
--------
>>> profile = pd.Series([3.8, 3.6, 2.9, 2.6],
...                     index=["2011-12", "2012-13", "2013-14", "2014-15"])
>>> round(float(profile.sum()), 1), round(first_years_share(profile), 3)
(12.9, 0.574)
>>> round(front_loading_index(profile), 3), is_non_increasing(profile)
(0.111, True)
>>> round(share_of_years_pct(4.5, profile, ["2012-13", "2013-14", "2014-15"]), 2)
49.45
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from qipp.stats import cumulative_share

__all__ = [
    "TrendResult",
    "compare_estimates",
    "contrast_sentence",
    "cumulative_share",
    "financial_year_start",
    "first_years_share",
    "front_loading_index",
    "front_loading_verdict",
    "is_non_increasing",
    "linear_trend",
    "profile_from_table",
    "profile_table",
    "share_of_years_pct",
    "year_on_year_change",
]

_FINANCIAL_YEAR = re.compile(r"(\d{4})-(\d{2})")


def _profile(values: Iterable[float], name: str) -> pd.Series:
    """Return ``values`` as a float Series (keeping a Series' index): non-empty, finite, >= 0."""
    series = (
        values.astype(float)
        if isinstance(values, pd.Series)
        else pd.Series(list(values), dtype=float)
    )
    if series.empty or not np.isfinite(series.to_numpy()).all():
        raise ValueError(f"{name}: values must be non-empty with no missing entries")
    if (series < 0).any() or series.sum() <= 0:
        raise ValueError(f"{name}: values must be non-negative with a positive total")
    return series


def financial_year_start(year: str) -> int:
    """Return the calendar year a financial year starts in: 2011 for ``"2011-12"``.

    Raises
    ------
    ValueError
        If ``year`` is not of the form ``YYYY-YY`` with consecutive years.

    Examples
    --------
    >>> financial_year_start("2011-12"), financial_year_start("1999-00")
    (2011, 1999)
    """
    match = _FINANCIAL_YEAR.fullmatch(str(year))
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"{year!r} is not a financial year such as 2011-12")
    return int(match.group(1))


def profile_from_table(table: pd.DataFrame, unit: str = "GBP_bn") -> pd.Series:
    """Turn a tidy yearly table into a profile Series indexed by financial year.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``year``, ``programme_year``, ``value`` and ``unit``, one row per
        year (as :func:`qipp.ledger.load_tidy_table` returns
        ``tracker_savings_profile``).
    unit : str
        The unit every row must carry.

    Returns
    -------
    pandas.Series
        Values in programme-year order, named ``savings_gbp_bn``.

    Raises
    ------
    ValueError
        A year twice, programme years that are not 1, 2, 3, ..., years that do
        not follow one another, or a row in another unit.
    """
    ordered = table.sort_values("programme_year")
    if ordered["year"].duplicated().any():
        raise ValueError("each year must appear once in the profile")
    if ordered["programme_year"].tolist() != list(range(1, len(ordered) + 1)):
        raise ValueError("programme years must run 1, 2, 3, ... with none missing")
    starts = [financial_year_start(y) for y in ordered["year"]]
    if any(b - a != 1 for a, b in pairwise(starts)):
        raise ValueError(f"years must follow one another, got {', '.join(ordered['year'])}")
    other = ordered.loc[ordered["unit"] != unit, "year"].tolist()
    if other:
        raise ValueError(f"every value must be in {unit}; not so for {', '.join(other)}")
    return pd.Series(
        ordered["value"].astype(float).to_numpy(),
        index=ordered["year"].to_list(),
        name="savings_gbp_bn",
    )


def year_on_year_change(values: Iterable[float]) -> pd.DataFrame:
    """Change from the previous period, in the values' unit and in per cent.

    Examples
    --------
    >>> year_on_year_change([3.8, 3.6, 2.9, 2.6]).round(1).to_dict("list")
    {'change': [nan, -0.2, -0.7, -0.3], 'change_pct': [nan, -5.3, -19.4, -10.3]}
    """
    series = (
        values.astype(float)
        if isinstance(values, pd.Series)
        else pd.Series(list(values), dtype=float)
    )
    return pd.DataFrame({"change": series.diff(), "change_pct": 100 * series.pct_change()})


def front_loading_index(values: Iterable[float]) -> float:
    """Normalised centre of mass of a profile: +1 all in the first period, 0 flat, -1 all in the last.

    With periods numbered ``0 .. T-1`` and centre of mass ``c = sum(t * v) / sum(v)``,
    the index is ``1 - 2 c / (T - 1)`` (docs/decisions/0015).

    Examples
    --------
    >>> round(front_loading_index([3.8, 3.6, 2.9, 2.6]), 3)
    0.111
    >>> front_loading_index([1, 1, 1]), front_loading_index([0, 0, 5])
    (0.0, -1.0)
    """
    series = _profile(values, "front_loading_index")
    if len(series) < 2:
        raise ValueError("front_loading_index needs at least two periods")
    t = np.arange(len(series), dtype=float)
    centre = float((t * series.to_numpy()).sum() / series.sum())
    return 1.0 - 2.0 * centre / (len(series) - 1)


def first_years_share(values: Iterable[float], n_years: int = 2) -> float:
    """Share (0 to 1) of the total that falls in the first ``n_years`` periods.

    Examples
    --------
    >>> round(first_years_share([3.8, 3.6, 2.9, 2.6]), 4)
    0.5736
    >>> first_years_share([1, 1, 2], n_years=1)
    0.25
    """
    series = _profile(values, "first_years_share")
    if not 1 <= n_years <= len(series):
        raise ValueError(f"n_years must be from 1 to {len(series)}, got {n_years}")
    return float(series.iloc[:n_years].sum() / series.sum())


def is_non_increasing(values: Iterable[float]) -> bool:
    """True when no period is larger than the one before it.

    >>> is_non_increasing([3.8, 3.6, 2.9, 2.6]), is_non_increasing([1, 2, 1])
    (True, False)
    """
    series = _profile(values, "is_non_increasing")
    return bool((series.diff().dropna() <= 0).all())


def profile_table(profile: pd.Series) -> pd.DataFrame:
    """One row per year: the savings, running total, running share and change on the year.

    Parameters
    ----------
    profile : pandas.Series
        Savings per year in £bn, indexed by year (:func:`profile_from_table`).

    Returns
    -------
    pandas.DataFrame
        Columns ``savings_gbp_bn``, ``cumulative_gbp_bn``, ``cumulative_share_pct``,
        ``change_gbp_bn`` and ``change_pct`` (NaN in the first year), indexed by year.

    Examples
    --------
    >>> profile_table(pd.Series([2.0, 1.0, 1.0], index=["a", "b", "c"]))["cumulative_share_pct"].tolist()
    [50.0, 75.0, 100.0]
    """
    savings = _profile(profile, "profile_table")
    change = year_on_year_change(savings)
    table = pd.DataFrame(
        {
            "savings_gbp_bn": savings,
            "cumulative_gbp_bn": savings.cumsum(),
            "cumulative_share_pct": 100 * cumulative_share(savings),
            "change_gbp_bn": change["change"],
            "change_pct": change["change_pct"],
        }
    )
    table.index.name = "year"
    return table


def share_of_years_pct(part: float, profile: pd.Series, years: Sequence[str]) -> float:
    """``part`` as a percentage of the profile's total over ``years``.

    The tracker's local schemes (£4.5bn) are set against the saving required in
    years two to four, which is the profile's 2012-13 to 2014-15 total.

    Raises
    ------
    KeyError
        A year not in the profile; the message lists the years it has.

    Examples
    --------
    >>> round(share_of_years_pct(1.0, pd.Series([4.0, 2.0, 2.0], index=["a", "b", "c"]), ["b", "c"]), 1)
    25.0
    """
    missing = [year for year in years if year not in profile.index]
    if missing:
        raise KeyError(f"years {missing} not in the profile (it has {', '.join(profile.index)})")
    whole = float(profile.loc[list(years)].sum())
    if whole <= 0:
        raise ValueError("the profile's total over those years must be positive")
    return 100.0 * part / whole


def compare_estimates(
    table: pd.DataFrame, reference: str, labels: Mapping[str, str]
) -> pd.DataFrame:
    """Set several estimates of one quantity side by side, against a reference estimate.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``estimate`` and ``value`` (and ``source``), one row per estimate
        (``savings_2011_12_estimates`` from :func:`qipp.ledger.load_tidy_table`).
    reference : str
        The ``estimate`` every other is compared with (the tracker's figure).
    labels : mapping
        ``estimate`` -> a readable label; every estimate needs one.

    Returns
    -------
    pandas.DataFrame
        Indexed by label, in the table's order: ``value_gbp_bn``, ``minus_reference_gbp_bn``
        and ``pct_of_reference``, plus ``source`` when the table has it.

    Examples
    --------
    >>> t = pd.DataFrame({"estimate": ["ours", "theirs"], "value": [4.0, 5.0]})
    >>> compare_estimates(t, "ours", {"ours": "Ours", "theirs": "Theirs"}).loc["Theirs"].tolist()
    [5.0, 1.0, 125.0]
    """
    unknown = sorted(set(table["estimate"]) - set(labels))
    if unknown:
        raise KeyError(f"no label for estimate(s) {', '.join(unknown)}")
    rows = table.set_index("estimate")
    if reference not in rows.index:
        raise KeyError(f"reference estimate {reference!r} not in the table")
    base = float(rows.loc[reference, "value"])
    out = pd.DataFrame(
        {
            "value_gbp_bn": rows["value"].astype(float),
            "minus_reference_gbp_bn": rows["value"].astype(float) - base,
            "pct_of_reference": 100.0 * rows["value"].astype(float) / base,
        }
    )
    if "source" in rows.columns:
        out["source"] = rows["source"]
    out.index = [labels[e] for e in out.index]
    out.index.name = "estimate"
    return out


@dataclass(frozen=True)
class TrendResult:
    """Ordinary least-squares line ``value = intercept + slope * year``."""

    slope: float
    intercept: float
    r_squared: float
    p_value: float
    slope_ci_low: float
    slope_ci_high: float
    n: int
    alpha: float

    def predict(self, year: float) -> float:
        """Return the fitted value at ``year``."""
        return self.intercept + self.slope * year

    def to_dict(self, digits: int | None = 4) -> dict:
        """Return the fields as a dict, floats rounded to ``digits`` (None: as is)."""
        out = asdict(self)
        if digits is None:
            return out
        return {k: round(v, digits) if isinstance(v, float) else v for k, v in out.items()}


def linear_trend(
    years: Iterable[float], values: Iterable[float], alpha: float = 0.05
) -> TrendResult:
    """Straight-line trend of ``values`` over ``years`` by OLS (statsmodels).

    Parameters
    ----------
    years : array-like of float
        Numeric years, e.g. the first calendar year of each financial year (2011 for 2011-12).
    values : array-like of float
        The series; ``slope`` is in its unit per year.
    alpha : float
        The slope interval is ``1 - alpha``.

    Raises
    ------
    ValueError
        Unequal lengths, missing values, fewer than 3 points, or ``alpha`` outside (0, 1).

    Examples
    --------
    >>> trend = linear_trend([2011, 2012, 2013, 2014], [3.8, 3.6, 2.9, 2.6])
    >>> round(trend.slope, 2), round(trend.r_squared, 3), round(trend.predict(2015), 2)
    (-0.43, 0.956, 2.15)
    """
    import statsmodels.api as sm

    xa = np.asarray(list(years), dtype=float)
    ya = np.asarray(list(values), dtype=float)
    if xa.ndim != 1 or xa.shape != ya.shape:
        raise ValueError(
            f"years and values must be 1-d and of equal length, got {xa.shape} and {ya.shape}"
        )
    if not (np.isfinite(xa).all() and np.isfinite(ya).all()):
        raise ValueError("years and values must have no missing or infinite entries")
    if xa.size < 3:
        raise ValueError(f"need at least 3 points for a trend with a p-value, got {xa.size}")
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie between 0 and 1, got {alpha}")
    fit = sm.OLS(ya, sm.add_constant(xa)).fit()
    low, high = (float(v) for v in fit.conf_int(alpha=alpha)[1])
    return TrendResult(
        slope=float(fit.params[1]),
        intercept=float(fit.params[0]),
        r_squared=float(fit.rsquared),
        p_value=float(fit.pvalues[1]),
        slope_ci_low=low,
        slope_ci_high=high,
        n=int(xa.size),
        alpha=alpha,
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
