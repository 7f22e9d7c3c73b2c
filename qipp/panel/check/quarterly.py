"""The published Q1-to-Q2 aggregates on a panel of two quarters (one row per CCG and quarter).

>>> long = pd.DataFrame({"quarter": ["2013-14 Q1", "2013-14 Q2"], "region": ["London"] * 2,
...                      "qipp_plan_gbp_m": [10.0, 10.0], "forecast_outturn_gbp_m": [9.0, 7.5],
...                      "ytd_plan_gbp_m": [2.0, 5.0], "ytd_actual_gbp_m": [1.8, 4.0]})
>>> shortfall_ratio(long), regions_changed(long, worse=True), regions_changed(long, worse=False)
(2.5, 1.0, 0.0)
"""

from __future__ import annotations

import pandas as pd

from qipp.panel.measures import aggregate_ytd_shortfall_pct
from qipp.panel.quarters import at_quarter, quarters

TRANSFORMATIONAL_FORECAST = "transformational_forecast_gbp_m"


def quarter_frames(panel: pd.DataFrame) -> list[pd.DataFrame]:
    """Each quarter's rows, in order; [] without a ``quarter`` column."""
    return [at_quarter(panel, q) for q in quarters(panel)]


def ccg_shortfall_gbp_m(panel: pd.DataFrame) -> float:
    """One quarter's CCG forecast shortfall, £m: the sum over CCGs of max(0, plan - forecast)."""
    gap = panel["qipp_plan_gbp_m"].astype(float) - panel["forecast_outturn_gbp_m"].astype(float)
    return float(gap.clip(lower=0).sum())


def shortfall_ratio(long: pd.DataFrame) -> float | None:
    """The second quarter's CCG forecast shortfall over the first's (None when the first is 0)."""
    first, second = (ccg_shortfall_gbp_m(q) for q in quarter_frames(long)[:2])
    return second / first if first > 0 else None


def regions_changed(long: pd.DataFrame, worse: bool) -> float:
    """How many regions' year-to-date shortfall % rose (``worse``) or fell from one quarter to the next."""
    first, second = (
        pd.Series({r: aggregate_ytd_shortfall_pct(g) for r, g in q.groupby("region")}, dtype=float)
        for q in quarter_frames(long)[:2]
    )
    change = (second - first).dropna()  # a region in one quarter only, or planning nothing
    return float((change > 0).sum() if worse else (change < 0).sum())


def transformational_share_pct(long: pd.DataFrame) -> float | None:
    """Transformational schemes' share of the second quarter's forecast shortfall, %.

    None when the panel has no ``transformational_forecast_gbp_m`` or no shortfall.
    """
    second = quarter_frames(long)[1]
    if TRANSFORMATIONAL_FORECAST not in second.columns or ccg_shortfall_gbp_m(second) == 0:
        return None
    plan = second["transformational_plan_gbp_m"].astype(float)
    short = (plan - second[TRANSFORMATIONAL_FORECAST].astype(float)).clip(lower=0).sum()
    return float(100.0 * short / ccg_shortfall_gbp_m(second))
