"""Cumulative share of a total, for the savings profile and its chart."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def _as_series(values: Iterable[float], name: str) -> pd.Series:
    """``values`` as a float Series (keeping a Series' index), non-negative."""
    series = (
        values.astype(float)
        if isinstance(values, pd.Series)
        else pd.Series(list(values), dtype=float)
    )
    if series.empty or series.isna().any():
        raise ValueError(f"{name}: values must be non-empty with no missing entries")
    if (series < 0).any() or series.sum() <= 0:
        raise ValueError(f"{name}: values must be non-negative with a positive total")
    return series


def cumulative_share(values: Iterable[float]) -> pd.Series:
    """Running total as a share (0 to 1) of the grand total.

    >>> cumulative_share([3.8, 3.6, 2.9, 2.6]).round(3).tolist()
    [0.295, 0.574, 0.798, 1.0]

    Parameters
    ----------
    values : iterable of float
        The values, in order.

    Returns
    -------
    Series
        The running shares.
    """
    series = _as_series(values, "cumulative_share")
    return (series.cumsum() / series.sum()).rename("cumulative_share")
