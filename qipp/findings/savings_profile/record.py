"""The findings record of notebook 03: every figure of the tracker's profile, in one call.

One function builds the record, so that the notebook's last cell is one call to
it and :func:`qipp.findings.record.write_findings`, and the record's keys stay those
the reports and the index read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from qipp.findings.savings_profile.calc import ESTIMATE_LABELS, LocalShare
from qipp.findings.savings_profile.shape import ProfileShape, TrendResult, profile_table
from qipp.findings.savings_profile.text import full_verdict

NOTEBOOK = "03_front_loaded_savings"
# The notebook's parameters, in the order of its parameters cell (a unit test checks both agree).
PARAMETERS = ("findings_path", "alpha")
TOTAL, LOCAL_SHARE, FIRST_YEAR = (
    "tracker_total_1115_gbp_bn",
    "tracker_local_share_yrs2_4_pct",
    "tracker_2011_12_gbp_bn",
)


def run_parameters(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The values the notebook ran with, picked from its namespace by :data:`PARAMETERS`.

    >>> run_parameters({"findings_path": "", "alpha": 0.05, "profile": None})
    {'findings_path': '', 'alpha': 0.05}
    """
    missing = [name for name in PARAMETERS if name not in namespace]
    if missing:
        raise KeyError(f"parameters not set: {', '.join(missing)}")
    return {name: namespace[name] for name in PARAMETERS}


def findings(
    profile: pd.Series,
    card: pd.DataFrame,
    shape: ProfileShape,
    trend: TrendResult,
    local: LocalShare,
    estimates: dict[str, float],
    *,
    parameters: Mapping[str, Any],
) -> dict[str, Any]:
    """The whole record of notebook 03, as keywords for :func:`qipp.findings.record.write_findings`.

    Parameters
    ----------
    profile : pandas.Series
        Savings per year in £bn, indexed by year.
    card : pandas.DataFrame
        :func:`qipp.derive.scorecard`, indexed by claim id.
    shape, trend, local
        The notebook's results (:mod:`qipp.findings.savings_profile.calc`).
    estimates : dict
        The 2011-12 estimates by name (:func:`qipp.findings.savings_profile.calc.estimate_values`).
    parameters : mapping
        The notebook's namespace, or any mapping holding its :data:`PARAMETERS`.
    """
    published_total = float(card["value"].astype(float).loc[TOTAL])
    total_status = str(card.loc[TOTAL, "status"])
    verdict, reproduced = full_verdict(profile, published_total, total_status, trend, estimates)
    yearly = profile_table(profile)
    return {
        "notebook": NOTEBOOK,
        "parameters": run_parameters(parameters),
        "verdict": verdict,
        "reproduced": reproduced,
        "total_gbp_bn": round(float(profile.sum()), 4),
        "published_total_gbp_bn": published_total,
        "total_status": total_status,
        "yearly_gbp_bn": {str(year): float(value) for year, value in profile.items()},
        "cumulative_share_pct": {
            str(year): round(float(v), 2) for year, v in yearly["cumulative_share_pct"].items()
        },
        "change_gbp_bn": {
            str(year): round(float(v), 4) for year, v in yearly["change_gbp_bn"].dropna().items()
        },
        "first_two_years_share": round(shape.early_share, 4),
        "latter_half_share": round(1 - shape.early_share, 4),
        "front_loading_index": round(shape.front_loading_index, 4),
        "falls_every_year": shape.falls_every_year,
        "trend": trend.to_dict(4),
        "local_share_yrs2_4_pct": round(local.share_pct, 3),
        "local_share_status": str(card.loc[LOCAL_SHARE, "status"]),
        "savings_2011_12_gbp_bn": {key: float(estimates[key]) for key in ESTIMATE_LABELS},
        "tracker_2011_12_status": str(card.loc[FIRST_YEAR, "status"]),
        # A keyword, not a string: the ledger's tests read claim-shaped strings as claim ids.
        **dict(
            nao_substantiated_share_of_reported_pct=round(
                100 * estimates["nao_substantiated"] / estimates["dh_reported"], 2
            )
        ),
    }
