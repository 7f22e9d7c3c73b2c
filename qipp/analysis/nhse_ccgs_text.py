"""The verdict on NHS England against CCGs (notebook 04), kept apart from the calculations.

Built from the tables of :mod:`qipp.analysis.nhse_ccgs` and derive's statuses
for the claims it names, so its words can never disagree with the numbers
beside them; re-exported from :mod:`qipp.analysis.nhse_ccgs`, which the
notebook imports.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from qipp.derivations import ratio
from qipp.derive import REPRODUCED

# The claims derive must reproduce for the verdict to say "Reproduced".
NHSE_GAP_PCT_IDS = ("nhse_q1_forecast_gap_pct", "nhse_q1_forecast_gap_pct_headline")
CCG_GAP_PCT_ID = "ccg_q1_forecast_gap_pct"


def nhse_vs_ccgs_verdict(
    comparison: pd.DataFrame, breakdown: pd.DataFrame, statuses: Mapping[str, str]
) -> tuple[str, bool]:
    """The verdict sentence for notebook 04, and whether the claim is reproduced.

    Reproduced when derive reproduces NHS England's 12.9 (and 13) per cent and the
    CCGs' 4 per cent, and NHS England has both the smaller ambition and the larger
    forecast gap as a share of plan.
    """
    nhse, ccg = comparison["NHS England"], comparison["CCGs"]
    reproduced = bool(
        all(statuses.get(i) == REPRODUCED for i in (*NHSE_GAP_PCT_IDS, CCG_GAP_PCT_ID))
        and nhse["plan_pct_of_resources"] < ccg["plan_pct_of_resources"]
        and nhse["forecast_shortfall_pct"] > ccg["forecast_shortfall_pct"]
    )
    word = "Reproduced" if reproduced else "Not reproduced"
    primary = breakdown.loc["primary_care"]
    verdict = (
        f"{word}: NHS England planned savings of {nhse['plan_pct_of_resources']:.1f}% of its "
        f"budget against CCGs' {ccg['plan_pct_of_resources']:.1f}%, yet forecast a gap of "
        f"{nhse['forecast_shortfall_pct']:.2f}% of plan (£{nhse['forecast_shortfall_gbp_m']:.1f}m "
        f"of £{nhse['plan_gbp_m']:.0f}m) against CCGs' {ccg['forecast_shortfall_pct']:.2f}% "
        f"(£{ccg['forecast_shortfall_gbp_m']:.1f}m of £{ccg['plan_gbp_m']:,.0f}m, published as "
        f"{ccg['forecast_shortfall_pct_published']:.0f}%), "
        f"{ratio(nhse['forecast_shortfall_pct'], ccg['forecast_shortfall_pct']):.1f} times the "
        f"rate though smaller in pounds; primary care's £{primary['forecast_shortfall_gbp_m']:.1f}m "
        f"is {primary['share_of_shortfall_pct']:.0f}% of NHS England's gap, on an implied "
        f"£{primary['plan_gbp_m']:.0f}m plan."
    )
    return verdict, reproduced
