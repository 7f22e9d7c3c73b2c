"""The findings record of notebook 04: one call builds it, so the notebook's last cell is one line.

:func:`nhse_ccgs_findings` returns the keyword arguments of
:func:`qipp.findings.record.write_findings`: the verdict and whether the claim is
reproduced (:func:`qipp.findings.nhse_ccgs.text.nhse_vs_ccgs_verdict`), and the
key figures under the keys the findings JSON has always had.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from qipp.findings.nhse_ccgs.calc import plan_bounds
from qipp.findings.nhse_ccgs.text import CCGS, NHSE, nhse_vs_ccgs_verdict

NOTEBOOK = "04_nhs_england_vs_ccgs"


def _number(value: Any) -> float:
    """A table cell as a float (pandas types a cell as any scalar, so say which it is)."""
    return float(value)


def nhse_ccgs_findings(
    findings_path: str,
    comparison: pd.DataFrame,
    breakdown: pd.DataFrame,
    fund: pd.DataFrame,
    ccg_gap_range: tuple[float, float],
    statuses: Mapping[str, str],
) -> dict[str, Any]:
    """The record notebook 04 writes: pass it to :func:`qipp.findings.record.write_findings`.

    Parameters
    ----------
    findings_path : str
        The notebook's parameter, recorded as given.
    comparison, breakdown, fund : pandas.DataFrame
        From :func:`~qipp.findings.nhse_ccgs.calc.commissioner_comparison`,
        :func:`~qipp.findings.nhse_ccgs.calc.service_area_breakdown` and
        :func:`~qipp.findings.nhse_ccgs.calc.nr_fund_context`.
    ccg_gap_range : (float, float)
        From :func:`~qipp.findings.nhse_ccgs.calc.ccg_gap_rounding`.
    statuses : mapping
        Claim id to its scorecard status.

    Returns
    -------
    dict
        ``notebook``, ``parameters``, ``verdict``, ``reproduced`` and the figures.
    """
    verdict, reproduced = nhse_vs_ccgs_verdict(comparison, breakdown, statuses)
    nhse, ccg = ({k: _number(v) for k, v in comparison[o].items()} for o in (NHSE, CCGS))
    primary, rest = breakdown.loc["primary_care"], breakdown.loc["rest"]
    bounds = plan_bounds(breakdown, "public_health", "primary_care")
    return {
        "notebook": NOTEBOOK,
        "parameters": {"findings_path": findings_path},
        "verdict": verdict,
        "reproduced": reproduced,
        # Keyword names, not string keys: the figures' names look like claim ids but are
        # the findings JSON's own keys (tests/unit/test_ledger.py checks string literals).
        **dict(
            nhse_plan_pct_of_budget=nhse["plan_pct_of_resources"],
            ccg_plan_pct_of_allocation=ccg["plan_pct_of_resources"],
            nhse_ytd_shortfall_pct=nhse["ytd_shortfall_pct"],
            ccg_ytd_shortfall_pct=ccg["ytd_shortfall_pct"],
            nhse_forecast_gap_gbp_m=nhse["forecast_shortfall_gbp_m"],
            nhse_plan_gbp_m=nhse["plan_gbp_m"],
            nhse_forecast_gap_pct=round(nhse["forecast_shortfall_pct"], 3),
            ccg_forecast_gap_gbp_m=ccg["forecast_shortfall_gbp_m"],
            ccg_plan_gbp_m=ccg["plan_gbp_m"],
            ccg_forecast_gap_pct=round(ccg["forecast_shortfall_pct"], 3),
            ccg_forecast_gap_pct_low=round(ccg_gap_range[0], 3),
            ccg_forecast_gap_pct_high=round(ccg_gap_range[1], 3),
            gap_rate_ratio_nhse_to_ccg=round(
                nhse["forecast_shortfall_pct"] / ccg["forecast_shortfall_pct"], 3
            ),
            nhse_implied_budget_gbp_bn=round(nhse["implied_resources_gbp_bn"], 3),
            ccg_implied_allocations_gbp_bn=round(ccg["implied_resources_gbp_bn"], 3),
            primary_care_forecast_gap_gbp_m=_number(primary["forecast_shortfall_gbp_m"]),
            primary_care_forecast_gap_pct=_number(primary["forecast_shortfall_pct"]),
            primary_care_implied_plan_gbp_m=round(_number(primary["plan_gbp_m"]), 2),
            primary_care_share_of_nhse_plan_pct=round(_number(primary["share_of_plan_pct"]), 2),
            primary_care_share_of_nhse_gap_pct=round(_number(primary["share_of_shortfall_pct"]), 2),
            public_health_forecast_gap_pct=_number(
                breakdown.loc["public_health", "forecast_shortfall_pct"]
            ),
            public_health_max_plan_gbp_m=round(bounds["max_plan_gbp_m"], 2),
            rest_forecast_gap_pct=round(_number(rest["forecast_shortfall_pct"]), 2),
            nr_fund_implied_gbp_m=round(_number(fund.loc["non-recurrent fund", "value"]), 1),
            nr_fund_unallocated_gbp_m=_number(fund.loc["fund not yet allocated", "value"]),
            nr_fund_unallocated_pct_of_fund=round(
                _number(fund.loc["unallocated, % of the fund", "value"]), 2
            ),
        ),
    }
