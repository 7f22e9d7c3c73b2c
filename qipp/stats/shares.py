"""Cumulative share of a total, for the savings profile and its chart."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


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
    series = pd.Series(values if isinstance(values, pd.Series) else list(values), dtype=float)
    if series.empty or series.isna().any():
        raise ValueError("cumulative_share: values must be non-empty with no missing entries")
    if (series < 0).any() or series.sum() <= 0:
        raise ValueError("cumulative_share: values must be non-negative with a positive total")
    return (series.cumsum() / series.sum()).rename("cumulative_share")
