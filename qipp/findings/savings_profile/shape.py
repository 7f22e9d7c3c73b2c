"""The shape of a savings profile: running share, change on the year, front-loading, a straight line.

Measures for notebook 03_front_loaded_savings that need only the profile's
values in order (a Series indexed by financial year, or any sequence), with
none of the tables it is read from; re-exported from
:mod:`qipp.findings.savings_profile.calc`, which the notebook imports.

Examples
--------
>>> profile = [3.8, 3.6, 2.9, 2.6]
>>> round(front_loading_index(profile), 3), round(first_years_share(profile), 3)
(0.111, 0.574)
>>> is_non_increasing(profile)
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from qipp.display import Table, facts
from qipp.stats import ShownAsTable, cumulative_share, p_value_text, percent_level


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


@dataclass(frozen=True)
class ProfileShape(ShownAsTable):
    """How front-loaded a profile is, shown as a table (:meth:`as_table`).

    ``early_years`` are the first ``len(early_years)`` years, whose share of the
    total is ``early_share`` (0 to 1); ``largest_fall_year`` is the year the
    profile falls most into (None when it never falls).
    """

    years: tuple[str, ...]
    early_years: tuple[str, ...]
    early_share: float
    front_loading_index: float
    falls_every_year: bool
    largest_fall_year: str | None
    largest_fall_gbp_bn: float | None

    def as_table(self, caption: str | None = None) -> Table:
        """The shares of the early and late years, the index, and the falls."""
        late = self.years[len(self.early_years) :]
        fall = (
            {
                f"Largest fall, into {self.largest_fall_year} (£bn)": f"{self.largest_fall_gbp_bn:.1f}"
            }
            if self.largest_fall_year is not None
            else {"Largest fall (£bn)": "none: it never falls"}
        )
        return facts(
            {
                f"Share of the total in {years_phrase(self.early_years)} (%)": (
                    f"{100 * self.early_share:.1f}"
                ),
                f"Share of the total in {years_phrase(late)} (%)": (
                    f"{100 * (1 - self.early_share):.1f}"
                ),
                "Front-loading index (-1 to +1)": f"{self.front_loading_index:.3f}",
                "Falls every year": self.falls_every_year,
                **fall,
            },
            caption=caption
            or "Source: the yearly figures above; qipp.findings.savings_profile.calc.profile_shape.",
        )


def years_phrase(years: tuple[str, ...]) -> str:
    """Years as a reader names them.

    >>> years_phrase(("2011-12",)), years_phrase(("2011-12", "2012-13"))
    ('2011-12', '2011-12 and 2012-13')
    >>> years_phrase(("2012-13", "2013-14", "2014-15"))
    '2012-13 to 2014-15'
    """
    if len(years) <= 2:
        return " and ".join(years)
    return f"{years[0]} to {years[-1]}"


def profile_shape(profile: pd.Series, n_early: int = 2) -> ProfileShape:
    """Measure how front-loaded ``profile`` is (savings per year, indexed by year).

    Examples
    --------
    >>> shape = profile_shape(pd.Series([4.0, 3.0, 2.5, 2.0],
    ...                                 index=["2011-12", "2012-13", "2013-14", "2014-15"]))
    >>> round(shape.early_share, 4), shape.falls_every_year, shape.largest_fall_year
    (0.6087, True, '2012-13')
    >>> print(shape.as_table())
                                                 Measure Value
    Share of the total in 2011-12 and 2012-13 (%)  60.9
    Share of the total in 2013-14 and 2014-15 (%)  39.1
                  Front-loading index (-1 to +1) 0.188
                                Falls every year   yes
                Largest fall, into 2012-13 (£bn)  -1.0
    Source: the yearly figures above; qipp.findings.savings_profile.calc.profile_shape.
    """
    series = _profile(profile, "profile_shape")
    change = series.diff().iloc[1:]
    falls = change[change < 0]
    largest = None if falls.empty else str(falls.idxmin())
    return ProfileShape(
        years=tuple(str(y) for y in series.index),
        early_years=tuple(str(y) for y in series.index[:n_early]),
        early_share=first_years_share(series, n_years=n_early),
        front_loading_index=front_loading_index(series),
        falls_every_year=is_non_increasing(series),
        largest_fall_year=largest,
        largest_fall_gbp_bn=None if largest is None else float(change[largest]),
    )


@dataclass(frozen=True)
class TrendResult(ShownAsTable):
    """Ordinary least-squares line ``value = intercept + slope * year``, shown as a table.

    >>> print(TrendResult(-0.5, 1009.0, 0.9, 0.03, -0.8, -0.2, 4, 0.05).as_table())
                                 Measure          Value
                      Slope (£bn a year)          -0.50
    95% CI of the slope (£bn a year) -0.80 to -0.20
                               R squared          0.900
                    p-value of the slope          0.030
                           Years (points)             4
    Source: the yearly figures above; ordinary least squares (qipp.findings.savings_profile.calc.linear_trend).
    """

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

    def as_table(self, caption: str | None = None) -> Table:
        """The slope with its interval, R squared, the slope's p-value and the points."""
        return facts(
            {
                "Slope (£bn a year)": f"{self.slope:.2f}",
                f"{percent_level(1 - self.alpha)} CI of the slope (£bn a year)": (
                    f"{self.slope_ci_low:.2f} to {self.slope_ci_high:.2f}"
                ),
                "R squared": f"{self.r_squared:.3f}",
                "p-value of the slope": p_value_text(self.p_value, self.alpha),
                "Years (points)": self.n,
            },
            caption=caption
            or "Source: the yearly figures above; ordinary least squares "
            "(qipp.findings.savings_profile.calc.linear_trend).",
        )

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
