"""The shape of the £13bn QIPP tracker profile (notebook 03_front_loaded_savings).

HSJ (DH QIPP tracker, Q1 2012-13) reported that PCTs anticipated £13bn of
savings from 2011-12 to 2014-15, "front-loaded" at 3.8, 3.6, 2.9 and 2.6 £bn a
year. These functions read such a profile from the ledger (a Series indexed by
financial year), set a part against the total of named years, and set the
2011-12 estimates the tracker's first year is compared with side by side.

The profile's shape (running share, change year on year, a front-loading index,
a fitted straight line) is measured in :mod:`qipp.findings.savings_profile.shape`
and put into words in :mod:`qipp.findings.savings_profile.text`.
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
from dataclasses import dataclass
from itertools import pairwise

import pandas as pd

from qipp.findings.savings_profile.shape import (
    ProfileShape,
    TrendResult,
    first_years_share,
    front_loading_index,
    is_non_increasing,
    linear_trend,
    profile_shape,
    profile_table,
    year_on_year_change,
)
from qipp.findings.savings_profile.text import contrast_sentence, front_loading_verdict
from qipp.ledger import claim_values
from qipp.stats import cumulative_share

__all__ = [
    "ESTIMATE_LABELS",
    "LOCAL_CLAIMS",
    "LocalShare",
    "ProfileShape",
    "TrendResult",
    "compare_estimates",
    "contrast_sentence",
    "cumulative_share",
    "estimate_values",
    "financial_year_start",
    "first_years_share",
    "front_loading_index",
    "front_loading_verdict",
    "is_non_increasing",
    "linear_trend",
    "local_share",
    "profile_from_table",
    "profile_shape",
    "profile_table",
    "share_of_years_pct",
    "trend_of",
    "year_on_year_change",
]

# The 2011-12 estimates of data/tables/savings_2011_12_estimates.csv as a reader names
# them. "DH" is the Department of Health; its reported figure appears twice, as HSJ
# quoted the announcement and as the NAO reported it.
ESTIMATE_LABELS = {
    "tracker_anticipated": "Tracker: anticipated",
    "dh_announced": "DH: announced (HSJ)",
    "dh_forecast": "DH: forecast (NAO)",
    "dh_reported": "DH: reported (NAO)",
    "nao_substantiated": "NAO: substantiated",
}
# The tracker's local schemes over years two to four, their published share of the
# saving required then, and the part of them rated fully on track (claims.csv).
LOCAL_CLAIMS = (
    "tracker_local_yrs2_4_gbp_bn",
    "tracker_local_share_yrs2_4_pct",
    "tracker_on_track_yrs2_4_gbp_bn",
)

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


def trend_of(profile: pd.Series, alpha: float = 0.05) -> TrendResult:
    """The straight line through ``profile``, over the calendar year each financial year starts in.

    >>> trend = trend_of(pd.Series([3.8, 3.6, 2.9, 2.6],
    ...                            index=["2011-12", "2012-13", "2013-14", "2014-15"]))
    >>> round(trend.slope, 2), round(trend.predict(2011), 2)
    (-0.43, 3.87)
    """
    return linear_trend([financial_year_start(y) for y in profile.index], profile, alpha=alpha)


@dataclass(frozen=True)
class LocalShare:
    """Local QIPP schemes' savings over the later years, as a share of the saving required.

    ``required_gbp_bn`` is the profile's total over ``years``; ``share_pct`` the
    recomputed share, ``published_share_pct`` the article's, stated to
    ``published_step``; ``on_track_gbp_bn`` the part of the local savings rated
    fully on track.
    """

    local_gbp_bn: float
    years: tuple[str, ...]
    required_gbp_bn: float
    share_pct: float
    published_share_pct: float
    published_step: float
    on_track_gbp_bn: float

    @property
    def on_track_pct(self) -> float:
        """The part rated fully on track, as a percentage of the local savings."""
        return 100.0 * self.on_track_gbp_bn / self.local_gbp_bn


def local_share(profile: pd.Series, claims: pd.DataFrame) -> LocalShare:
    """Local schemes' share of the saving required in every year of ``profile`` but the first.

    Parameters
    ----------
    profile : pandas.Series
        Savings per year in £bn (:func:`profile_from_table`).
    claims : pandas.DataFrame
        The ledger (:func:`qipp.ledger.load_claims`), holding :data:`LOCAL_CLAIMS`.
    """
    values = claim_values(claims)
    local, share, on_track = (values[c] for c in LOCAL_CLAIMS)
    step = claims.set_index("id")["precision"].astype(float).loc[LOCAL_CLAIMS[1]]
    years = tuple(str(y) for y in profile.index[1:])
    return LocalShare(
        local_gbp_bn=local,
        years=years,
        required_gbp_bn=float(profile.loc[list(years)].sum()),
        share_pct=share_of_years_pct(local, profile, years),
        published_share_pct=share,
        published_step=float(step),
        on_track_gbp_bn=on_track,
    )


def estimate_values(table: pd.DataFrame) -> dict[str, float]:
    """``{estimate: value}`` of a tidy table of estimates (``savings_2011_12_estimates``).

    >>> estimate_values(pd.DataFrame({"estimate": ["a", "b"], "value": [3.8, 5.8]}))
    {'a': 3.8, 'b': 5.8}
    """
    return {str(e): float(v) for e, v in zip(table["estimate"], table["value"], strict=True)}


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
