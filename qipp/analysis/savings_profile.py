"""The shape of the £13bn QIPP tracker profile (notebook 03_front_loaded_savings).

HSJ (DH QIPP tracker, Q1 2012-13) reported that PCTs anticipated £13bn of
savings from 2011-12 to 2014-15, "front-loaded" at 3.8, 3.6, 2.9 and 2.6 £bn a
year. These functions read such a profile from the ledger (a Series indexed by
financial year), set a part against the total of named years, and set the
2011-12 estimates the tracker's first year is compared with side by side.

The profile's shape (running share, change year on year, a front-loading index,
a fitted straight line) is measured in :mod:`qipp.analysis.savings_profile_shape`
and put into words in :mod:`qipp.analysis.savings_profile_text`.
:func:`qipp.stats.cumulative_share` stays in :mod:`qipp.stats` because
:mod:`qipp.plotting` draws it. All three are re-exported here so a notebook
imports the whole profile toolkit from one place.

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
from collections.abc import Mapping, Sequence
from itertools import pairwise

import pandas as pd

from qipp.analysis.savings_profile_shape import (
    TrendResult,
    first_years_share,
    front_loading_index,
    is_non_increasing,
    linear_trend,
    profile_table,
    year_on_year_change,
)
from qipp.analysis.savings_profile_text import contrast_sentence, front_loading_verdict
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
    # A float Series looked up by label is typed float; rows.loc[label, column] is any scalar.
    values = rows["value"].astype(float)
    base = float(values.loc[reference])
    out = pd.DataFrame(
        {
            "value_gbp_bn": values,
            "minus_reference_gbp_bn": values - base,
            "pct_of_reference": 100.0 * values / base,
        }
    )
    if "source" in rows.columns:
        out["source"] = rows["source"]
    out.index = [labels[e] for e in out.index]
    out.index.name = "estimate"
    return out
