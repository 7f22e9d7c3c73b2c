"""Q1 to Q2 on a long panel, computed once for :func:`check_panel` and finding 1's CCG section.

Over the CCGs in both of the panel's first two quarters; a CCG's shortfall is
max(0, plan - forecast) in £m (:func:`qipp.panel.measures.shortfall_gbp_m`).

>>> long = pd.DataFrame({"quarter": ["2013-14 Q1", "2013-14 Q2"], "ccg_code": ["07H"] * 2,
...     "region": ["London"] * 2, "qipp_plan_gbp_m": [10.0, 10.0],
...     "forecast_outturn_gbp_m": [9.0, 7.5], "ytd_plan_gbp_m": [2.0, 5.0],
...     "ytd_actual_gbp_m": [1.8, 4.0]})
>>> shortfall_ratio(long), regions_moved(long, "worsened"), regions_moved(long, "improved")
(2.5, 1.0, 0.0)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qipp.panel.measures import aggregate_ytd_shortfall_pct, shortfall_gbp_m
from qipp.panel.quarters import paired_quarters
from qipp.panel.schema import FORECAST_SPLIT_COLUMN

_MOVES = ("held", "worsened", "improved")


def _pair(long: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    paired = paired_quarters(long)
    if isinstance(paired, str):
        raise ValueError(paired)
    return paired[2], paired[3]


def _total_shortfall(rows: pd.DataFrame) -> float:
    return float(shortfall_gbp_m(rows["qipp_plan_gbp_m"], rows["forecast_outturn_gbp_m"]).sum())


def region_ytd_frame(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Each region's net YTD shortfall % (ratio of sums) in both quarters; under 0.005 points held."""
    rows = []
    for region in sorted(set(second["region"])):
        inside = second["region"] == region
        q1_pct, q2_pct = (aggregate_ytd_shortfall_pct(q[inside]) for q in (first, second))
        change = None if q1_pct is None or q2_pct is None else round(q2_pct - q1_pct, 2)
        # The sign of the change indexes held (0), worsened (1) and improved (-1).
        direction = "no YTD plan" if change is None else _MOVES[int(np.sign(change))]
        rows.append([region, int(inside.sum()), q1_pct, q2_pct, change, direction])
    columns = ["region", "ccgs", "q1_pct", "q2_pct", "change_pts", "direction"]
    return pd.DataFrame(rows, columns=columns)


def scheme_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Plan, forecast and shortfall (summed per CCG) of transformational and transactional schemes."""
    tf_plan, tf_forecast = rows["transformational_plan_gbp_m"], rows[FORECAST_SPLIT_COLUMN]
    parts = {
        "Transformational": (tf_plan, tf_forecast),
        "Transactional": (
            rows["qipp_plan_gbp_m"] - tf_plan,
            rows["forecast_outturn_gbp_m"] - tf_forecast,
        ),
    }
    out = [[k, p.sum(), f.sum(), shortfall_gbp_m(p, f).sum()] for k, (p, f) in parts.items()]
    frame = pd.DataFrame(out, columns=["scheme", "plan_gbp_m", "forecast_gbp_m", "shortfall_gbp_m"])
    frame["miss_pct"] = (
        100.0 * frame["shortfall_gbp_m"] / frame["plan_gbp_m"].where(frame["plan_gbp_m"] > 0)
    )
    total = frame["shortfall_gbp_m"].sum()
    frame["share_pct"] = 100.0 * frame["shortfall_gbp_m"] / total if total > 0 else np.nan
    return frame


def shortfall_ratio(long: pd.DataFrame) -> float | None:
    """The second quarter's CCG forecast shortfall over the first's (None when the first is 0)."""
    first, second = (_total_shortfall(q) for q in _pair(long))
    return second / first if first > 0 else None


def regions_moved(long: pd.DataFrame, direction: str) -> float:
    """How many regions' year-to-date shortfall % ``worsened`` (rose) or ``improved`` (fell)."""
    return float((region_ytd_frame(*_pair(long))["direction"] == direction).sum())


def transformational_share_pct(long: pd.DataFrame) -> float | None:
    """Transformational schemes' share of the second quarter's forecast shortfall, %.

    None when the panel has no ``transformational_forecast_gbp_m`` or no shortfall.
    """
    second = _pair(long)[1]
    if FORECAST_SPLIT_COLUMN not in second.columns or _total_shortfall(second) == 0:
        return None
    return float(scheme_frame(second)["share_pct"].iloc[0])
