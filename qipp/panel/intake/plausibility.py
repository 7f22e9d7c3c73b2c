"""Warnings for figures that are possible but unusual; the impossible are row-rule errors.

Examples
--------
>>> panel = pd.DataFrame({"ccg_code": ["01A", "02B"], "ytd_plan_gbp_m": [1.0, 1.0],
...                       "ytd_actual_gbp_m": [1.5, 2.5]})
>>> for problem in plausibility_warnings(panel, "p.csv", [2, 3]):
...     print(problem)
p.csv:3:ytd_actual_gbp_m: the Q1 savings delivered £2.500m are 2.5 times the Q1 plan £1.000m; check the row (expected at most 2 times the Q1 plan)
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from qipp.panel.intake.limits import Q1_ACTUAL_OVER_Q1_PLAN_WARN_FACTOR
from qipp.validation import Problem


def plausibility_warnings(
    panel: pd.DataFrame, file: str, row_numbers: Sequence[int]
) -> list[Problem]:
    """Problems that do not stop a load, one per unusual row, naming both values."""
    factor = Q1_ACTUAL_OVER_Q1_PLAN_WARN_FACTOR
    planned = panel["ytd_plan_gbp_m"].astype(float)
    delivered = panel["ytd_actual_gbp_m"].astype(float)
    unusual = (planned > 0) & (delivered > factor * planned)
    warnings = []
    for position in [i for i, flag in enumerate(unusual.tolist()) if flag]:
        plan, actual = planned.iloc[position], delivered.iloc[position]
        warnings.append(
            Problem(
                file,
                row_numbers[position],
                "ytd_actual_gbp_m",
                f"the Q1 savings delivered £{actual:,.3f}m are {actual / plan:.1f} times the Q1 "
                f"plan £{plan:,.3f}m; check the row",
                f"at most {factor:g} times the Q1 plan",
            )
        )
    return warnings
