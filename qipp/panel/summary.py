"""Words about a panel: the synthetic banner (decision 0005), a one-paragraph summary,
and the regional summary the reports index shows.

>>> from qipp.panel.synth import generate_panel
>>> panel = generate_panel(seed=2)
>>> banner_lines(panel) == [SYNTHETIC_BANNER]
True
>>> summarise_panel(panel, "p.csv").startswith("p.csv: a valid CCG panel of 143 CCGs")
True
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable

import pandas as pd

from qipp.banner import SYNTHETIC_BANNER as SYNTHETIC_BANNER
from qipp.panel.measures import (
    add_measures,
    aggregate_ytd_shortfall_pct,
    forecast_delivery_pct,
    is_synthetic,
    sector_plan_pct,
)
from qipp.panel.schema import REGIONS

# A statistic over fewer CCGs than this is withheld: too few to summarise, and too near
# to one CCG's own figure.
MIN_CCGS = 5
ALL_REGIONS = "All regions"
REGIONAL_COLUMNS: dict[str, str] = {
    "region": "NHS England region of April 2013, then all regions together",
    "ccgs": "CCGs in the region",
    "median_target_pct": "median QIPP target, % of 2013-14 allocation",
    "behind_plan_pct": "CCGs short of their year-to-date plan at Q1 (ytd_shortfall_pct > 0), "
    "% of the region's CCGs",
    "forecasting_gap_pct": "CCGs forecasting less than their full-year plan "
    "(forecasts_shortfall), % of the region's CCGs",
}


def _ccgs(count: int) -> str:
    """``"1 CCG"``, ``"2 CCGs"``."""
    return f"{count} CCG" if count == 1 else f"{count} CCGs"


def _ytd_words(panel: pd.DataFrame) -> str:
    """The net year-to-date shortfall in words, or why there is none.

    >>> _ytd_words(pd.DataFrame({"ytd_plan_gbp_m": [0.0], "ytd_actual_gbp_m": [0.0]}))
    'no savings were planned to date, so no net shortfall can be computed'
    """
    value = aggregate_ytd_shortfall_pct(panel)
    if value is None:
        return "no savings were planned to date, so no net shortfall can be computed"
    return f"{value:.1f}% short in all"


def _forecast_words(panel: pd.DataFrame) -> str:
    """The panel's forecast delivery in words, or why there is none."""
    value = forecast_delivery_pct(panel)
    if value is None:
        return "no CCG plans any savings, so no forecast delivery can be computed"
    return f"the panel forecasts delivering {value:.1f}% of its planned savings"


def banner_lines(panel: pd.DataFrame) -> list[str]:
    """``[SYNTHETIC_BANNER]`` when ``panel`` is synthetic, else ``[]``."""
    return [SYNTHETIC_BANNER] if is_synthetic(panel) else []


def summarise_panel(panel: pd.DataFrame, file: str = "panel", width: int = 88) -> str:
    """A validated panel in one paragraph opening with ``file``, wrapped to ``width``.

    Parameters
    ----------
    panel : DataFrame
        A validated panel.
    file : str
        How the paragraph names the panel's file.
    width : int
        The line width to wrap to.

    Returns
    -------
    str
        The paragraph.
    """
    measured = add_measures(panel)
    pct = measured["plan_pct_of_allocation"]
    counts = panel["region"].value_counts()
    regions = ", ".join(f"{r} {int(counts.get(r, 0))}" for r in REGIONS if counts.get(r, 0))
    statuses = sorted(panel["data_status"].unique())
    status = f"all {statuses[0]}" if len(statuses) == 1 else "mixed " + "/".join(statuses)
    behind = int((measured["ytd_shortfall_pct"] > 0).sum())
    behind_20 = int((measured["ytd_shortfall_pct"] >= 20).sum())
    gap_20 = int((measured["forecast_gap_pct"] >= 20).sum())
    # One quarter of a long panel (``latest``) is summarised as of that quarter's end.
    at = panel["quarter"].iloc[0][-2:] if "quarter" in panel.columns else "Q1"
    text = (
        f"{file}: a valid CCG panel of {_ccgs(len(panel))} ({regions}), {status}. "
        f"Allocations £{panel['allocation_gbp_m'].min():,.1f}m to "
        f"£{panel['allocation_gbp_m'].max():,.1f}m, "
        f"£{panel['allocation_gbp_m'].sum() / 1000:,.1f}bn in all; QIPP plans "
        f"£{panel['qipp_plan_gbp_m'].sum():,.1f}m, {sector_plan_pct(panel):.2f}% of "
        f"allocation (median CCG {pct.median():.2f}%, range {pct.min():.2f}% to "
        f"{pct.max():.2f}%). At the end of {at} {_ccgs(behind)} "
        f"{'was' if behind == 1 else 'were'} behind their year-to-date plan "
        f"({behind_20} by 20% or more), {_ytd_words(panel)}; {_forecast_words(panel)}, with "
        f"{_ccgs(gap_20)} forecasting a gap of 20% or more."
    )
    return textwrap.fill(text, width=width)


def _statistic(values: pd.Series, compute: Callable[[pd.Series], float], min_ccgs: int) -> float:
    """``compute`` over the known values, or NaN when fewer than ``min_ccgs`` are known."""
    known = values.dropna()
    return float(compute(known)) if len(known) >= min_ccgs else math.nan


def regional_summary(measured: pd.DataFrame, min_ccgs: int = MIN_CCGS) -> pd.DataFrame:
    """Per region, then for all regions: CCGs, median target, shares behind plan and forecasting a gap.

    Parameters
    ----------
    measured : pandas.DataFrame
        One row per CCG with ``region``, ``plan_pct_of_allocation``,
        ``ytd_shortfall_pct`` and ``forecasts_shortfall`` (as :func:`add_measures` gives).
    min_ccgs : int
        A statistic over fewer known values than this is NaN, never a figure; ``ccgs``
        still says how many CCGs the row has.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`REGIONAL_COLUMNS`: regions in :data:`REGIONS` order (others
        after, by name), then :data:`ALL_REGIONS`; empty for an empty panel.
    """
    known = [r for r in REGIONS if r in set(measured["region"])]
    order = known + sorted(set(measured["region"].dropna()) - set(known))
    groups = [(region, measured[measured["region"] == region]) for region in order]
    rows = []
    for region, group in [*groups, (ALL_REGIONS, measured)] if groups else []:
        behind = pd.to_numeric(group["ytd_shortfall_pct"], errors="coerce")
        gap = group["forecasts_shortfall"].map(lambda v: None if pd.isna(v) else bool(v))
        rows.append(
            {
                "region": region,
                "ccgs": len(group),
                "median_target_pct": _statistic(
                    pd.to_numeric(group["plan_pct_of_allocation"], errors="coerce"),
                    pd.Series.median,
                    min_ccgs,
                ),
                "behind_plan_pct": _statistic(behind, lambda v: 100 * (v > 0).mean(), min_ccgs),
                "forecasting_gap_pct": _statistic(
                    gap, lambda v: 100 * v.astype(bool).mean(), min_ccgs
                ),
            }
        )
    return pd.DataFrame(rows, columns=list(REGIONAL_COLUMNS))
