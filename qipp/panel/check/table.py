"""The check table: each published CCG-level aggregate (:data:`CHECKS`), computed on a panel.

>>> CHECKS[0].claim_id, CHECKS[0].rule
('ccg_q1_n_ccgs', 'equal')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from qipp.ledger import claim_values
from qipp.panel.check.quarterly import regions_moved, shortfall_ratio, transformational_share_pct
from qipp.panel.measures import (
    add_measures,
    aggregate_ytd_shortfall_pct,
    forecast_delivery_pct,
    largest_targets,
    sector_plan_pct,
)
from qipp.panel.quarters import at_quarter, quarters
from qipp.panel.schema import DORSET_CODE, WEST_ESSEX_CODE
from qipp.panel.summary import MIN_CCGS

TOP_N = 15

MATCH = "match"
MISMATCH = "MISMATCH"
NEAR = "near (soft target)"
OFF = "off (soft target)"
NO_PUBLISHED = "no published value"
NOT_IN_PANEL = "not in panel"


@dataclass(frozen=True)
class AggregateCheck:
    """One published aggregate: its claim id, words, computation and matching rule.

    ``compute`` maps a panel with measures to its value (None when the panel lacks what it
    needs); ``decimals`` are those the article printed (None: a count, which must be
    equal); ``soft_tolerance`` how near a soft target must come (None: exact); ``above``:
    the article says "more than", so the value must exceed the published one.
    """

    claim_id: str
    label: str
    compute: Callable[[pd.DataFrame], float | None]
    decimals: int | None = None
    soft_tolerance: float | None = None
    above: bool = False

    @property
    def rule(self) -> str:
        """The matching rule in words."""
        if self.above:
            return "more than"
        if self.soft_tolerance is not None:
            return f"within {self.soft_tolerance:g} (soft)"
        return "equal" if self.decimals is None else f"rounds to {self.decimals} dp"

    def status(self, published: float | None, value: float | None) -> str:
        """Compare ``value`` with ``published`` under this aggregate's rule.

        >>> check = AggregateCheck("x", "x", len, decimals=2)
        >>> check.status(2.47, 2.4712), check.status(2.47, 2.476), check.rule
        ('match', 'MISMATCH', 'rounds to 2 dp')
        >>> AggregateCheck("x", "x", len, soft_tolerance=1.0).status(11, 12.5)
        'off (soft target)'
        """
        if published is None or (isinstance(published, float) and math.isnan(published)):
            return NO_PUBLISHED
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return NOT_IN_PANEL
        if self.above:
            return MATCH if value > published else MISMATCH
        if self.soft_tolerance is not None:
            return NEAR if abs(value - published) <= self.soft_tolerance else OFF
        if self.decimals is None:
            return MATCH if value == published else MISMATCH
        half_unit = 0.5 * 10.0 ** (-self.decimals)
        return MATCH if abs(value - published) <= half_unit + 1e-9 else MISMATCH


def _one(panel: pd.DataFrame, code: str, column: str) -> float | None:
    rows = panel.loc[panel["ccg_code"] == code, column]
    return float(rows.iloc[0]) if len(rows) == 1 else None


def _fold_variation(panel: pd.DataFrame) -> float | None:
    pct = panel.loc[panel["plan_pct_of_allocation"] > 0, "plan_pct_of_allocation"]
    return float(pct.max() / pct.min()) if len(pct) else None


def _median_target(panel: pd.DataFrame) -> float | None:
    # A median of fewer than MIN_CCGS values is not a statistic: the table shows a dash.
    pct = panel["plan_pct_of_allocation"]
    return float(pct.median()) if len(pct) >= MIN_CCGS else None


def _count(mask: pd.Series) -> float:
    return float(mask.sum())


CHECKS: tuple[AggregateCheck, ...] = (
    AggregateCheck("ccg_q1_n_ccgs", "CCGs in the panel", lambda p: float(len(p))),
    AggregateCheck(
        "ccg_q1_target_fold_variation",
        "largest target / smallest target (both as % of allocation)",
        _fold_variation,
        decimals=0,
    ),
    AggregateCheck(
        "ccg_q1_median_target_pct",
        "median target, % of allocation",
        _median_target,
        decimals=2,
    ),
    AggregateCheck(
        "ccg_q1_n_target_under_1pct",
        "CCGs with a target under 1%",
        lambda p: _count(p["plan_pct_of_allocation"] < 1),
    ),
    AggregateCheck(
        "ccg_q1_dorset_plan_gbp_m",
        "NHS Dorset CCG plan, £m",
        lambda p: _one(p, DORSET_CODE, "qipp_plan_gbp_m"),
        decimals=1,
    ),
    AggregateCheck(
        "ccg_q1_dorset_target_pct",
        "NHS Dorset CCG target, % of allocation",
        lambda p: _one(p, DORSET_CODE, "plan_pct_of_allocation"),
        decimals=2,
    ),
    AggregateCheck(
        "ccg_q1_west_essex_target_pct",
        "NHS West Essex CCG target, % of allocation",
        lambda p: _one(p, WEST_ESSEX_CODE, "plan_pct_of_allocation"),
        decimals=2,
    ),
    AggregateCheck(
        "ccg_q1_n_target_over_4pct_excl_west_essex",
        "CCGs other than West Essex with a target over 4%",
        lambda p: _count((p["plan_pct_of_allocation"] > 4) & (p["ccg_code"] != WEST_ESSEX_CODE)),
    ),
    AggregateCheck(
        "ccg_q1_n_top15",
        f"CCGs among the {TOP_N} largest targets",
        lambda p: float(len(largest_targets(p, TOP_N))),
    ),
    AggregateCheck(
        "ccg_q1_n_top15_using_nr_fund",
        f"of the {TOP_N} largest targets, CCGs using the 2% non-recurrent fund",
        lambda p: _count(largest_targets(p, TOP_N)["uses_non_recurrent_fund"]),
    ),
    AggregateCheck(
        "ccg_q1_n_ytd_shortfall_20pct",
        "CCGs 20% or more behind their year-to-date plan at Q1",
        lambda p: _count(p["ytd_shortfall_pct"] >= 20),
    ),
    AggregateCheck(
        "ccg_q1_n_ytd_any_slippage",
        "CCGs with any year-to-date slippage at Q1",
        lambda p: _count(p["ytd_shortfall_pct"] > 0),
    ),
    AggregateCheck(
        "ccg_q1_forecast_delivery_pct",
        "forecast full-year delivery, % of the panel's total plan",
        forecast_delivery_pct,
        decimals=0,
    ),
    AggregateCheck(
        "ccg_q1_n_forecast_gap_20pct",
        "CCGs forecasting a gap of 20% or more",
        lambda p: _count(p["forecast_gap_pct"] >= 20),
    ),
    AggregateCheck(
        "ccg_q1_ytd_shortfall_pct",
        "net year-to-date shortfall, % (published for all CCGs)",
        aggregate_ytd_shortfall_pct,
        soft_tolerance=1.0,
    ),
    AggregateCheck(
        "ccg_plan_pct_of_allocation",
        "total plan, % of total allocation (published for all CCGs)",
        sector_plan_pct,
        soft_tolerance=0.3,
    ),
)

CLAIM_IDS: tuple[str, ...] = tuple(c.claim_id for c in CHECKS)

# Q1 to Q2, on a panel of two quarters or more (its first two); the CCG checks on the first.
QUARTER_CHECKS: tuple[AggregateCheck, ...] = (
    AggregateCheck(
        "sector_q2_vs_q1_shortfall_ratio",
        "CCG forecast shortfall, second quarter / first (sum of max(0, plan - forecast))",
        shortfall_ratio,
        above=True,
    ),
    AggregateCheck(
        "ccg_q2_n_regions_worsened",
        "regions whose year-to-date shortfall % rose, first quarter to second",
        lambda p: regions_moved(p, "worsened"),
    ),
    AggregateCheck(
        "ccg_q2_n_regions_improved",
        "regions whose year-to-date shortfall % fell (the article: only the North)",
        lambda p: regions_moved(p, "improved"),
    ),
    AggregateCheck(
        "sector_q2_transformational_share_of_shortfall_pct",
        "transformational share of the second quarter's forecast shortfall, %",
        transformational_share_pct,
        above=True,
    ),
)
QUARTER_CLAIM_IDS: tuple[str, ...] = tuple(c.claim_id for c in QUARTER_CHECKS)


def panel_aggregates(panel: pd.DataFrame) -> dict[str, float | None]:
    """Every published aggregate on a validated ``panel`` (None where it cannot give one).

    Parameters
    ----------
    panel : DataFrame
        A validated panel.

    Returns
    -------
    dict
        Claim id to the panel's value.
    """
    measured = add_measures(panel)
    return {check.claim_id: check.compute(measured) for check in CHECKS}


def published_values() -> dict[str, float]:
    """The published values of :data:`CLAIM_IDS` from the claims ledger."""
    values = claim_values()
    ids = CLAIM_IDS + QUARTER_CLAIM_IDS
    return {claim_id: values[claim_id] for claim_id in ids if claim_id in values}


def check_panel(panel: pd.DataFrame, published: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Each published aggregate (from the ledger by default) beside the panel's value and status.

    On a panel with a ``quarter`` column the CCG aggregates are its first quarter's; with two
    quarters or more :data:`QUARTER_CHECKS` (first to second quarter) follow.

    Parameters
    ----------
    panel : DataFrame
        A validated panel, single-quarter or long.
    published : mapping, optional
        Claim id to published value (default: the ledger's).

    Returns
    -------
    DataFrame
        One row per aggregate: ``claim_id``, ``aggregate``, ``published``, ``panel``, ``rule``,
        ``status``.
    """
    if published is None:
        published = published_values()
    found = quarters(panel)
    values = panel_aggregates(at_quarter(panel, found[0]) if found else panel)
    checks = CHECKS
    if len(found) >= 2:
        checks += QUARTER_CHECKS
        values |= {c.claim_id: c.compute(panel) for c in QUARTER_CHECKS}
    rows = []
    for check in checks:
        expected = published.get(check.claim_id)
        value = values[check.claim_id]
        rows.append(
            {
                "claim_id": check.claim_id,
                "aggregate": check.label,
                "published": None if expected is None else float(expected),
                "panel": value,
                "rule": check.rule,
                "status": check.status(expected, value),
            }
        )
    return pd.DataFrame(rows)
