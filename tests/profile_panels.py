"""Hand-built measured panels for the unit tests of the profile and of finding 2."""

from __future__ import annotations

import numpy as np
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


def per_head_panel_of(codes, plan, gap, patients, allocation=None):
    """A measured panel: codes, plans (£m), forecast gaps (%) and a register of ``patients``.

    ``patients`` maps codes to registered patients; codes not in it are not in the register.
    """
    plan = np.asarray(plan, dtype=float)
    gap = np.asarray(gap, dtype=float)
    allocation = np.full(len(plan), 500.0) if allocation is None else np.asarray(allocation)
    frame = pd.DataFrame(
        {
            "ccg_code": codes,
            "allocation_gbp_m": allocation,
            "qipp_plan_gbp_m": plan,
            "ytd_plan_gbp_m": plan / 4,
            "ytd_actual_gbp_m": plan / 4,
            "forecast_outturn_gbp_m": plan * (1 - gap / 100),
            "data_status": "reported",
        }
    )
    register = pd.DataFrame(
        {"ccg_code": list(patients), "registered_patients": list(patients.values())}
    )
    return add_measures(frame, register=register)


def measured(target, gap):
    """A hand-built measured panel: targets (% of allocation) and forecast gaps (%)."""
    gap = np.asarray(gap, dtype=float)
    return pd.DataFrame(
        {
            "ccg_code": [f"{10 + i:02d}A" for i in range(len(gap))],
            "plan_pct_of_allocation": np.asarray(target, dtype=float),
            "forecast_gap_pct": gap,
            "forecasts_shortfall": gap > 0,
            # No code here is in the register: the per-head check has nothing to use.
            "plan_gbp_per_head": pd.array([None] * len(gap), dtype="Float64"),
        }
    )
