"""The shape of the tracker's savings profile: per year, how front-loaded, a straight line.

A profile is a Series of £bn indexed by financial year ("2011-12", ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from qipp.display import ShownAsTable, Table, facts, table
from qipp.stats import cumulative_share, p_value_text, percent_level

_FINANCIAL_YEAR = re.compile(r"(\d{4})-(\d{2})")


def financial_year_start(year: str) -> int:
    """The calendar year a financial year starts in: 2011 for ``"2011-12"``."""
    match = _FINANCIAL_YEAR.fullmatch(str(year))
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"{year!r} is not a financial year such as 2011-12")
    return int(match.group(1))


def profile_from_table(table: pd.DataFrame, unit: str = "GBP_bn") -> pd.Series:
    """A profile from a tidy yearly table (``year``, ``programme_year``, ``value``, ``unit``).

    Refuses a year twice, programme years other than 1, 2, 3, ..., years that do
    not follow one another, and a row in another ``unit``.
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
    values = ordered["value"].astype(float).to_numpy()
    return pd.Series(values, index=ordered["year"].to_list(), name="savings_gbp_bn")


def _profile(values: Iterable[float], name: str) -> pd.Series:
    """``values`` as a float Series (a Series keeps its index): non-empty, finite, >= 0."""
    series = pd.Series(values if isinstance(values, pd.Series) else list(values), dtype=float)
    if series.empty or not np.isfinite(series.to_numpy()).all():
        raise ValueError(f"{name}: values must be non-empty with no missing entries")
    if (series < 0).any() or series.sum() <= 0:
        raise ValueError(f"{name}: values must be non-negative with a positive total")
    return series


def front_loading_index(values: Iterable[float]) -> float:
    """Centre of mass rescaled: +1 all in the first period, 0 flat, -1 all in the last.

    With periods ``t = 0 .. T-1`` and centre ``c = sum(t v) / sum(v)``, it is ``1 - 2c / (T-1)``.

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
    """Share (0 to 1) of the total in the first ``n_years`` periods."""
    series = _profile(values, "first_years_share")
    if not 1 <= n_years <= len(series):
        raise ValueError(f"n_years must be from 1 to {len(series)}, got {n_years}")
    return float(series.iloc[:n_years].sum() / series.sum())


def is_non_increasing(values: Iterable[float]) -> bool:
    """True when no period is larger than the one before it."""
    series = _profile(values, "is_non_increasing")
    return bool((series.diff().dropna() <= 0).all())


def years_phrase(years: tuple[str, ...]) -> str:
    """Years as a reader names them: "2011-12 and 2012-13", "2012-13 to 2014-15"."""
    return " and ".join(years) if len(years) <= 2 else f"{years[0]} to {years[-1]}"


@dataclass(frozen=True)
class ProfileTable(ShownAsTable):
    """Per year (``frame``): savings, running total and share, change on the year."""

    frame: pd.DataFrame
    source: str = "the yearly figures"

    def as_table(self, caption: str | None = None) -> Table:
        """The yearly table, a dash for the first year's change."""
        labels = {"year": "Year", "savings_gbp_bn": "Savings (£bn)"}
        labels |= {"cumulative_gbp_bn": "Running total (£bn)"}
        labels |= {"cumulative_share_pct": "Running share (%)"}
        labels |= {"change_gbp_bn": "Change (£bn)", "change_pct": "Change (%)"}
        formats = {c: ".1f" for c in self.frame.columns} | {
            c: "+.1f" for c in ("change_gbp_bn", "change_pct")
        }
        return table(
            self.frame.reset_index(),
            labels=labels,
            formats=formats,
            caption=caption
            or f"Source: {self.source}. "
            "Running share: of the total so far; change: on the year before.",
            title="QIPP savings the DH tracker anticipated, by year",
        )


def profile_table(profile: pd.Series, source: str = "the yearly figures") -> ProfileTable:
    """The savings of each year, the running total and share, and the change on the year.

    >>> print(profile_table(pd.Series([2.0, 1.0], index=["2011-12", "2012-13"]), "HSJ").as_table())
       Year Savings (£bn) Running total (£bn) Running share (%) Change (£bn) Change (%)
    2011-12           2.0                 2.0              66.7            –          –
    2012-13           1.0                 3.0             100.0         -1.0      -50.0
    Source: HSJ. Running share: of the total so far; change: on the year before.
    """
    savings = _profile(profile, "profile_table")
    frame = pd.DataFrame(
        {
            "savings_gbp_bn": savings,
            "cumulative_gbp_bn": savings.cumsum(),
            "cumulative_share_pct": 100 * cumulative_share(savings),
            "change_gbp_bn": savings.diff(),
            "change_pct": 100 * savings.pct_change(),
        }
    )
    frame.index.name = "year"
    return ProfileTable(frame, source)


@dataclass(frozen=True)
class ProfileShape(ShownAsTable):
    """How front-loaded a profile is.

    ``early_share`` (0 to 1) is the share of the ``early_years``; ``largest_fall_year``
    the year the profile falls most into (None when it never falls).
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
        share = 100 * self.early_share
        rows: dict[str, object] = {
            f"Share of the total in {years_phrase(self.early_years)} (%)": share,
            f"Share of the total in {years_phrase(late)} (%)": 100 - share,
            "Front-loading index (-1 to +1)": self.front_loading_index,
            "Falls every year": self.falls_every_year,
        }
        formats = dict.fromkeys(list(rows)[:2], ".1f") | {"Front-loading index (-1 to +1)": ".3f"}
        fall = f"Largest fall, into {self.largest_fall_year} (£bn)"
        if self.largest_fall_year is None:
            rows["Largest fall (£bn)"] = "none: it never falls"
        else:
            rows[fall], formats[fall] = self.largest_fall_gbp_bn, ".1f"
        return facts(
            rows,
            formats=formats,
            title="How front-loaded the savings are",
            caption=caption or "Source: the yearly figures above.",
        )


def profile_shape(profile: pd.Series, n_early: int = 2) -> ProfileShape:
    """Measure how front-loaded ``profile`` is; ``n_early`` years count as early.

    >>> shape = profile_shape(pd.Series([4.0, 3.0, 2.5, 2.0],
    ...                                 index=["2011-12", "2012-13", "2013-14", "2014-15"]))
    >>> round(shape.early_share, 4), shape.falls_every_year, shape.largest_fall_year
    (0.6087, True, '2012-13')
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
    """The least-squares line ``value = intercept + slope * year``; interval at ``1 - alpha``."""

    slope: float
    intercept: float
    r_squared: float
    p_value: float
    slope_ci_low: float
    slope_ci_high: float
    n: int
    alpha: float

    def predict(self, year: float) -> float:
        """The fitted value at ``year``."""
        return self.intercept + self.slope * year

    def as_table(self, caption: str | None = None) -> Table:
        """The slope with its interval, R squared, the slope's p-value and the points."""
        interval = f"{self.slope_ci_low:.2f} to {self.slope_ci_high:.2f}"
        return facts(
            {
                "Slope (£bn a year)": self.slope,
                f"{percent_level(1 - self.alpha)} CI of the slope (£bn a year)": interval,
                "R squared": self.r_squared,
                "p-value of the slope": self.p_value,
                "Years (points)": self.n,
            },
            formats={
                "Slope (£bn a year)": ".2f",
                "R squared": ".3f",
                "p-value of the slope": lambda p: p_value_text(p, self.alpha),
            },
            title="A straight line fitted to the yearly savings",
            caption=caption or "Source: the yearly figures above; ordinary least squares.",
        )

    def to_dict(self, digits: int | None = 4) -> dict:
        """The fields, floats rounded to ``digits`` (None: as they are)."""
        out = asdict(self)
        if digits is None:
            return out
        return {k: round(v, digits) if isinstance(v, float) else v for k, v in out.items()}


def linear_trend(profile: pd.Series, alpha: float = 0.05) -> TrendResult:
    """OLS line through ``profile`` over the calendar year each financial year starts in.

    >>> trend = linear_trend(pd.Series([3.8, 3.6, 2.9, 2.6],
    ...                                index=["2011-12", "2012-13", "2013-14", "2014-15"]))
    >>> round(trend.slope, 2), round(trend.r_squared, 3), round(trend.predict(2015), 2)
    (-0.43, 0.956, 2.15)
    """
    import statsmodels.api as sm  # slow to import, and only the line needs it

    years = np.array([financial_year_start(y) for y in profile.index], dtype=float)
    values = profile.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise ValueError("values must have no missing or infinite entries")
    if values.size < 3:
        raise ValueError(f"need at least 3 points for a trend with a p-value, got {values.size}")
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie between 0 and 1, got {alpha}")
    fit = sm.OLS(values, sm.add_constant(years)).fit()
    low, high = (float(v) for v in fit.conf_int(alpha=alpha)[1])
    return TrendResult(
        slope=float(fit.params[1]),
        intercept=float(fit.params[0]),
        r_squared=float(fit.rsquared),
        p_value=float(fit.pvalues[1]),
        slope_ci_low=low,
        slope_ci_high=high,
        n=int(values.size),
        alpha=alpha,
    )
