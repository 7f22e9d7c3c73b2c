"""The findings record of notebook 01: the doubling check, where the rise came from, shares, schemes.

One function builds the record, so the notebook's last cell is one call to
:func:`qipp.findings.record.write_findings`. The keys are the ones the record has
always had; each figure is rounded to the places a reader can use (a ratio
to four, sums in £m to three or one, per cents to two or three).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from qipp.findings.shortfall.claims import (
    BREAKEVEN_PLAN_ROW,
    Q1_SHARE_ROW,
    Q2_SHARE_ROW,
    SHARE_RATIO_ROW,
    DoublingCheck,
)
from qipp.findings.shortfall.text import doubling_verdict


def _figures(
    check: DoublingCheck, change: pd.DataFrame, shares: pd.DataFrame, split: pd.DataFrame
) -> dict[str, tuple[Any, int]]:
    """Key -> (value, decimal places), for every number the record holds."""
    changes, rows, schemes = (frame.to_dict("index") for frame in (change, shares, split))
    ccg, nhse = changes["CCGs"], changes["NHS England"]
    ratio = rows[SHARE_RATIO_ROW]
    tf, tx = schemes["transformational"], schemes["transactional"]
    # Keywords, not string keys: the record's names are not claim ids (test_ledger scans
    # string literals shaped like one).
    return dict(
        q1_forecast_shortfall_gbp_m=(check.q1_gbp_m, 3),
        q2_forecast_shortfall_gbp_m=(check.q2_gbp_m, 3),
        ratio=(check.ratio, 4),
        ratio_low=(check.ratio_low, 4),
        ratio_high=(check.ratio_high, 4),
        breakeven_q1_gbp_m=(check.breakeven_q1_gbp_m, 3),
        ccg_change_gbp_m=(ccg["change_gbp_m"], 3),
        nhse_change_gbp_m_implied=(nhse["change_gbp_m"], 3),
        ccg_share_of_change_pct=(ccg["share_of_sector_change_pct"], 2),
        nhse_q2_forecast_shortfall_gbp_m_implied=(nhse["q2_gbp_m"], 3),
        q1_shortfall_pct_of_plan=(rows[Q1_SHARE_ROW]["value"], 3),
        q2_shortfall_pct_of_plan=(rows[Q2_SHARE_ROW]["value"], 3),
        share_ratio=(ratio["value"], 4),
        share_ratio_low=(ratio["low"], 4),
        share_ratio_high=(ratio["high"], 4),
        breakeven_ccg_plan_gbp_m=(rows[BREAKEVEN_PLAN_ROW]["value"], 1),
        transformational_share_of_plan_pct=(tf["plan_share_pct"], 2),
        transformational_share_of_shortfall_pct=(tf["shortfall_share_pct"], 2),
        transformational_miss_pct=(tf["miss_pct"], 2),
        transactional_plan_gbp_m_implied=(tx["plan_gbp_m"], 1),
        transactional_shortfall_gbp_m_implied=(tx["shortfall_gbp_m"], 1),
        transactional_miss_pct=(tx["miss_pct"], 2),
    )


def shortfall_findings(
    check: DoublingCheck,
    change: pd.DataFrame,
    shares: pd.DataFrame,
    split: pd.DataFrame,
    statuses: Mapping[str, str],
) -> dict[str, Any]:
    """Everything notebook 01 records, ready for :func:`qipp.findings.record.write_findings`.

    Parameters
    ----------
    check : DoublingCheck
        :func:`qipp.findings.shortfall.calc.doubling_check`.
    change, shares, split : pandas.DataFrame
        :func:`~qipp.findings.shortfall.calc.shortfall_change`,
        :func:`~qipp.findings.shortfall.calc.share_comparison` and
        :func:`~qipp.findings.shortfall.calc.scheme_split`.
    statuses : mapping
        Claim id -> scorecard status.

    Returns
    -------
    dict
        ``verdict``, ``reproduced``, ``ratio_published`` and the figures.
    """
    verdict, reproduced = doubling_verdict(check, change, shares, statuses)
    figures = {
        key: round(float(value), places)
        for key, (value, places) in _figures(check, change, shares, split).items()
    }
    return {
        "verdict": verdict,
        "reproduced": reproduced,
        "ratio_published": check.published,
        **figures,
    }
