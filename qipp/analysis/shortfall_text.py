"""The verdict on the shortfall "more than doubling" (notebook 01), kept apart from the calculations.

Built from the results of :mod:`qipp.analysis.shortfall_claims` and the tables
of :mod:`qipp.analysis.shortfall`, so its words can never disagree with the
numbers beside them; re-exported from :mod:`qipp.analysis.shortfall`, which the
notebook imports.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from qipp.analysis.shortfall_claims import CCG_INCREASE_ID, RATIO_ID, DoublingCheck
from qipp.derive import REPRODUCED


def doubling_verdict(
    check: DoublingCheck, change: pd.DataFrame, shares: pd.DataFrame, statuses: Mapping[str, str]
) -> tuple[str, bool]:
    """The verdict sentence for notebook 01, and whether the claim is reproduced.

    Reproduced when derive reproduces both the ratio and the CCGs' increase of "more
    than £100m" and the ratio clears the published multiple across the inputs' rounding.
    """
    reproduced = bool(
        statuses.get(RATIO_ID) == REPRODUCED
        and statuses.get(CCG_INCREASE_ID) == REPRODUCED
        and check.robust
    )
    ratio_row = shares.loc["Q2 share / Q1 share"]
    ccg = change.loc["CCGs"]
    word = "Reproduced" if reproduced else "Not reproduced"
    verdict = (
        f"{word}: the forecast year-end shortfall rose from £{check.q1_gbp_m:.1f}m at Q1 "
        f"(CCGs plus NHS England) to £{check.q2_gbp_m:.1f}m at Q2, {check.ratio:.2f} times "
        f"({check.ratio_low:.3f} to {check.ratio_high:.3f} allowing for rounding; published "
        f"{check.published}), with CCGs' shortfall up £{ccg['change_gbp_m']:.1f}m "
        f"({ccg['share_of_sector_change_pct']:.0f}% of the rise); as a share of plan the rise is "
        f"{ratio_row['value']:.2f} times ({ratio_row['low']:.2f} to {ratio_row['high']:.2f}), "
        f"so on shares 'more than double' rests on the rounding of the CCGs' published plan."
    )
    return verdict, reproduced
