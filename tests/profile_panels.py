"""Hand-built measured panels for the CCG profile's tests (tests/unit/test_ccg_profile*.py)."""

from __future__ import annotations

import pandas as pd

from qipp.panel import add_measures

# A register holding no CCG: every code of a hand-built panel is off it.
EMPTY_REGISTER = pd.DataFrame({"ccg_code": [], "region": [], "registered_patients": []})


def panel_of(targets, region="London", codes=None, ytd=None, forecast=None, register=None):
    """A measured panel: targets (% of a £100m allocation), Q1 delivery and forecasts (£m)."""
    n = len(targets)
    codes = codes or [f"S{i + 1:03d}" for i in range(n)]
    plan = [float(t) for t in targets]  # £m of a £100m allocation: the target in %
    frame = pd.DataFrame(
        {
            "ccg_code": codes,
            "ccg_name": [f"CCG {c}" for c in codes],
            "region": [region] * n if isinstance(region, str) else region,
            "allocation_gbp_m": [100.0] * n,
            "qipp_plan_gbp_m": plan,
            "ytd_plan_gbp_m": [p / 4 for p in plan],
            "ytd_actual_gbp_m": ytd or [p / 4 for p in plan],
            "forecast_outturn_gbp_m": forecast or plan,
            "data_status": "reported",
        }
    )
    return add_measures(frame, register=EMPTY_REGISTER if register is None else register)
