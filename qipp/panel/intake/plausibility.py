"""Warnings for figures that are possible but unusual; the impossible are row-rule errors.

Examples
--------
>>> panel = pd.DataFrame({"ccg_code": ["01A", "02B"], "ytd_plan_gbp_m": [1.0, 1.0],
...                       "ytd_actual_gbp_m": [1.5, 2.5], "forecast_outturn_gbp_m": [1.2, 4.0]})
>>> for problem in plausibility_warnings(panel, "p.csv", [2, 3]):
...     print(problem)
p.csv:2:forecast_outturn_gbp_m: the year-end forecast £1.200m is below the £1.500m already delivered in Q1; check the row (expected a forecast at least the savings delivered to date)
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
    """Problems that do not stop a load, one per unusual figure, in row order, naming both values."""
    factor = Q1_ACTUAL_OVER_Q1_PLAN_WARN_FACTOR
    columns = ("ytd_plan_gbp_m", "ytd_actual_gbp_m", "forecast_outturn_gbp_m")
    figures = zip(row_numbers, *(panel[c].astype(float).tolist() for c in columns), strict=True)
    # A long panel's rows each speak of their own quarter (Q2, ...); a single return is Q1's.
    said = panel["quarter"].str[-2:] if "quarter" in panel.columns else ["Q1"] * len(panel)
    warnings = []
    for (row, plan, actual, outturn), q in zip(figures, said, strict=True):
        # A forecast below what is already banked expects savings to be undone: a typo or
        # a misplaced column more often than a real reversal, so the reader is told.
        if outturn < actual:
            message = (
                f"the year-end forecast £{outturn:,.3f}m is below the £{actual:,.3f}m "
                f"already delivered in {q}; check the row"
            )
            expected = "a forecast at least the savings delivered to date"
            warnings.append(Problem(file, row, "forecast_outturn_gbp_m", message, expected))
        if plan > 0 and actual > factor * plan:
            message = (
                f"the {q} savings delivered £{actual:,.3f}m are {actual / plan:.1f} times "
                f"the {q} plan £{plan:,.3f}m; check the row"
            )
            expected = f"at most {factor:g} times the {q} plan"
            warnings.append(Problem(file, row, "ytd_actual_gbp_m", message, expected))
    return warnings
