"""NHS England against CCGs at Q1 2013-14 (notebook 04): figures recomputed and implied.

A figure no article states says so in a ``basis`` column; ranges are over the inputs' rounding.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from qipp.derivations import DERIVATIONS, M_PER_BN, ratio, share_pct
from qipp.display import ShownAsTable, Table, table
from qipp.findings.rows import (
    ORGANISATIONS,
    adhoc_derivation,
    context,
    derived_row,
    gbp_m,
    published_row,
    rounding_intervals,
    single_value,
    value_table,
)
from qipp.ledger.wording import as_published

NHSE, CCGS = "NHS England", "CCGs"
# The claims derive must reproduce for the verdict to say "Reproduced".
NHSE_GAP_PCT_IDS = ("nhse_q1_forecast_gap_pct", "nhse_q1_forecast_gap_pct_headline")
CCG_GAP_PCT_ID = "ccg_q1_forecast_gap_pct"
VERDICT_CLAIM_IDS = (*NHSE_GAP_PCT_IDS, CCG_GAP_PCT_ID)
# The fund's measures (Fund.frame's index).
BUDGET, FUND = "NHS England budget implied by its plan", "non-recurrent fund"
UNALLOCATED, FREE_SHARE = "fund not yet allocated", "unallocated, % of the fund"
COVER = "unallocated / forecast QIPP gap"
# The comparison's rows: header (with unit) and format, in the order shown.
COMPARISON_ROWS: dict[str, tuple[str, str]] = {
    "plan_gbp_m": ("Planned savings (£m)", ",.0f"),
    "plan_pct_of_resources": ("Planned savings (% of budget or allocations)", ".1f"),
    "implied_resources_gbp_bn": ("Budget or allocations the plan implies (£bn)", ",.1f"),
    "ytd_shortfall_pct": ("Behind plan at the end of June (% of plan to date)", "g"),
    "forecast_shortfall_gbp_m": ("Forecast year-end gap (£m)", ",.1f"),
    "forecast_shortfall_pct_published": ("Forecast gap as published (% of plan)", "g"),
    "forecast_shortfall_pct": ("Forecast gap recomputed (% of plan)", ".2f"),
    "ytd_to_forecast_change_pp": ("Change, end of June to forecast (points)", "+.1f"),
    "forecast_delivery_gbp_m": ("Forecast savings delivered (£m)", ",.1f"),
    "forecast_delivery_pct_of_resources": ("Forecast savings delivered (% of resources)", ".2f"),
    "forecast_shortfall_pct_of_resources": ("Forecast gap (% of resources)", ".3f"),
}
SERVICE_AREA_LABELS = {"all": "NHS England, all areas", "primary_care": "Primary care"}
SERVICE_AREA_LABELS |= {"public_health": "Public health", "rest": "All but primary care (implied)"}
# Precision each unit's derived figures are shown to (as_published's step).
_SHOWN_STEP = {"GBP_bn": 0.01, "GBP_m": 0.1, "pct": 0.01, "ratio": 0.01, "count": 1.0}


def shown(value: float, unit: str) -> str:
    """A derived figure with its unit, e.g. ``£26.71bn``."""
    return as_published(float(value), unit, _SHOWN_STEP.get(unit, 0.01))


def number(cell: Any) -> float:
    """A table cell as a float (pandas types a cell as any scalar)."""
    return float(cell)


def _figure(value: float, unit: str) -> float:
    """A figure of a tidy table as a float, money in £m."""
    return gbp_m(value, unit) if unit.startswith("GBP") else float(value)


@dataclass(frozen=True)
class Comparison(ShownAsTable):
    """CCGs and NHS England side by side: ``frame`` is indexed by measure, one column each."""

    frame: pd.DataFrame

    @property
    def nhse(self) -> pd.Series:
        return self.frame[NHSE]

    @property
    def ccgs(self) -> pd.Series:
        return self.frame[CCGS]

    def as_table(self, caption: str | None = None) -> Table:
        """One row per measure, each in its own unit."""
        organisations = tuple(str(c) for c in self.frame.columns)
        rows = [
            [label, *(format(number(v), spec) for v in self.frame.loc[measure])]
            for measure, (label, spec) in COMPARISON_ROWS.items()
        ]
        frame = pd.DataFrame(rows, columns=["Measure", *organisations])
        numbers = [[label, *self.frame.loc[m]] for m, (label, _) in COMPARISON_ROWS.items()]
        # Formatted row by row to text: which columns are numbers, and the numbers, given here.
        values = pd.DataFrame(numbers, columns=frame.columns)
        shown_table = table(frame, caption=caption, title="CCGs and NHS England at Q1 2013-14")
        return dataclasses.replace(shown_table, numeric=organisations, values=values)


def commissioner_comparison(position: pd.DataFrame, quarter: str = "Q1") -> Comparison:
    """Ambition, position and forecast of CCGs and NHS England side by side.

    ``position`` is the tidy ``commissioner_position_1314`` table. Money is in £m except
    ``implied_resources_gbp_bn``; ``forecast_shortfall_pct`` is recomputed as gap / plan
    beside the published one.
    """
    needed = (
        "plan",
        "plan_pct_of_resources",
        "ytd_shortfall_pct",
        "forecast_shortfall",
        "forecast_shortfall_pct",
    )
    columns = {}
    for org in ("ccg", "nhs_england"):
        rows = position.loc[(position["quarter"] == quarter) & (position["org_type"] == org)]
        got = {
            m: _figure(v, u)
            for m, v, u in zip(rows["measure"], rows["value"], rows["unit"], strict=True)
        }
        missing = [m for m in needed if m not in got]
        if missing:
            raise ValueError(f"{quarter} {org}: missing {', '.join(missing)}")
        plan, gap = got["plan"], got["forecast_shortfall"]
        resources = ratio(plan, got["plan_pct_of_resources"] / 100)
        forecast_pct = share_pct(gap, plan)
        columns[ORGANISATIONS[org]] = {
            "plan_gbp_m": plan,
            "plan_pct_of_resources": got["plan_pct_of_resources"],
            "implied_resources_gbp_bn": resources / M_PER_BN,
            "ytd_shortfall_pct": got["ytd_shortfall_pct"],
            "forecast_shortfall_gbp_m": gap,
            "forecast_shortfall_pct_published": got["forecast_shortfall_pct"],
            "forecast_shortfall_pct": forecast_pct,
            "ytd_to_forecast_change_pp": forecast_pct - got["ytd_shortfall_pct"],
            "forecast_delivery_gbp_m": plan - gap,
            "forecast_delivery_pct_of_resources": share_pct(plan - gap, resources),
            "forecast_shortfall_pct_of_resources": share_pct(gap, resources),
        }
    return Comparison(pd.DataFrame(columns).rename_axis("measure"))


@dataclass(frozen=True)
class ServiceAreas(ShownAsTable):
    """NHS England's service areas: ``frame`` indexed by area, NaN where nothing is known."""

    frame: pd.DataFrame

    def plan_bounds(self, area: str, largest: str) -> dict[str, float]:
        """Upper bounds on the plan of an ``area`` whose gap is published only as a share.

        ``max_plan_gbp_m``: if ``area`` carried the whole remainder of the gap;
        ``max_plan_if_<largest>_largest_gbp_m``: if its gap is below ``largest``'s.
        """
        gaps = self.frame["forecast_shortfall_gbp_m"]
        share = float(self.frame["forecast_shortfall_pct"].loc[area]) / 100
        return {
            "max_plan_gbp_m": ratio(float(gaps.loc["rest"]), share),
            f"max_plan_if_{largest}_largest_gbp_m": ratio(float(gaps.loc[largest]), share),
        }

    def as_table(self, caption: str | None = None) -> Table:
        """Plan, forecast gap, shares of the whole and the basis; a dash where unknown."""
        frame = self.frame.rename(index=SERVICE_AREA_LABELS).reset_index()
        one_decimal = dict.fromkeys(frame.select_dtypes("number").columns, ",.1f")
        return table(
            frame,
            labels={
                "service_area": "Service area",
                "plan_gbp_m": "Plan (£m)",
                "forecast_shortfall_gbp_m": "Forecast gap (£m)",
                "forecast_shortfall_pct": "Forecast gap (% of the area's plan)",
                "share_of_plan_pct": "Share of NHS England's plan (%)",
                "share_of_shortfall_pct": "Share of NHS England's gap (%)",
                "basis": "Basis",
            },
            formats=one_decimal | {"forecast_shortfall_pct": ".2f"},
            caption=caption,
            title="NHS England's QIPP plan and forecast gap by service area, Q1 2013-14",
        )


def service_area_breakdown(areas: pd.DataFrame) -> ServiceAreas:
    """NHS England's plan and forecast gap by service area, with what the figures imply.

    ``areas`` is the tidy ``nhse_q1_1314_by_service_area`` table; area ``all`` must have a
    plan and a forecast gap. An area with a gap in £m and as a share gets an implied plan;
    the ``rest`` row is the total less every area whose plan and gap are both known.
    """
    got: dict[str, dict[str, float]] = {}
    for area, measure, value, unit in zip(
        areas["service_area"], areas["measure"], areas["value"], areas["unit"], strict=True
    ):
        got.setdefault(area, {})[measure] = _figure(value, unit)
    whole = got.pop("all", {})
    if "plan" not in whole or "forecast_shortfall" not in whole:
        raise ValueError("service area 'all' needs both plan and forecast_shortfall")
    total_plan, total_gap = whole["plan"], whole["forecast_shortfall"]
    total_pct = share_pct(total_gap, total_plan)
    rows = {"all": (total_plan, total_gap, total_pct, "published plan and gap")}
    known_plan = known_gap = 0.0
    for area, figures in got.items():
        plan, gap, pct = (
            figures.get(k, math.nan)
            for k in ("plan", "forecast_shortfall", "forecast_shortfall_pct")
        )
        basis = "published"
        if math.isnan(plan) and not (math.isnan(gap) or math.isnan(pct)):
            plan, basis = ratio(gap, pct / 100), "plan implied: gap / share"
        elif math.isnan(pct) and not (math.isnan(gap) or math.isnan(plan)):
            pct, basis = share_pct(gap, plan), "share implied: gap / plan"
        elif math.isnan(plan) or math.isnan(gap):
            basis = "only the share is published" if not math.isnan(pct) else "incomplete"
        if not (math.isnan(plan) or math.isnan(gap)):
            known_plan, known_gap = known_plan + plan, known_gap + gap
        rows[area] = (plan, gap, pct, basis)
    rest_plan, rest_gap = total_plan - known_plan, total_gap - known_gap
    rest_pct = share_pct(rest_gap, rest_plan)
    rows["rest"] = (rest_plan, rest_gap, rest_pct, "remainder: all - areas with plan and gap")
    columns = ["plan_gbp_m", "forecast_shortfall_gbp_m", "forecast_shortfall_pct", "basis"]
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=columns).rename_axis(
        "service_area"
    )
    # One value at a time: share_pct is derive's arithmetic on single figures.
    frame.insert(3, "share_of_plan_pct", [share_pct(p, total_plan) for p in frame["plan_gbp_m"]])
    gaps = frame["forecast_shortfall_gbp_m"]
    frame.insert(4, "share_of_shortfall_pct", [share_pct(g, total_gap) for g in gaps])
    return ServiceAreas(frame)


@dataclass(frozen=True)
class Fund(ShownAsTable):
    """The non-recurrent fund's figures: ``frame`` indexed by measure (value, low, high, unit)."""

    frame: pd.DataFrame

    def value(self, measure: str) -> float:
        """The central value of one measure (:data:`FUND`, :data:`UNALLOCATED` ...)."""
        return number(self.frame.loc[measure, "value"])

    def as_table(self, caption: str | None = None) -> Table:
        """Each figure with its unit and its range over the rounding."""
        fund, ranges = self.frame, ("value", "low", "high")
        frame = fund.reset_index()
        frame["measure"] = [str(m)[:1].upper() + str(m)[1:] for m in fund.index]
        for column in ranges:
            frame[column] = [shown(v, u) for v, u in zip(fund[column], fund["unit"], strict=True)]
        labels = {"measure": "Measure", "value": "Central", "low": "Low (rounding)"}
        labels |= {"high": "High (rounding)", "basis": "Basis"}
        shown_table = table(frame, labels=labels, columns=list(labels), caption=caption)
        numeric, title = tuple(labels[c] for c in ranges), "NHS England's non-recurrent fund"
        return dataclasses.replace(shown_table, numeric=numeric, title=title)


def nr_fund_context(claims: pd.DataFrame) -> Fund:
    """NHS England's non-recurrent fund: its implied size and the part not yet allocated.

    The fund is the national rule's share (taken as exact) of the budget its plan implies.
    """
    plan, plan_pct, rule = "nhse_q1_plan_gbp_m", "nhse_plan_pct_of_budget", "nr_fund_pct_of_budget"
    unallocated, gap = "nhse_q1_nr_fund_unallocated_gbp_m", "nhse_q1_forecast_gap_gbp_m"
    budget = context(plan_pct, (plan, plan_pct))
    fund = adhoc_derivation(
        (plan, plan_pct, rule),
        lambda p, pp, fp: single_value(budget, p, pp) * M_PER_BN * fp / 100,
        "budget x 2%",
    )
    free_share = adhoc_derivation(
        (unallocated, plan, plan_pct, rule),
        lambda u, p, pp, fp: share_pct(u, single_value(fund, p, pp, fp)),
        "100 x unallocated / fund",
    )
    cover = adhoc_derivation((unallocated, gap), ratio, "unallocated / forecast QIPP gap")
    of_budget = "implied: the national rule's share of that budget"
    rows = [
        derived_row(BUDGET, budget, claims, "GBP_bn", "implied: plan / plan's share of budget"),
        derived_row(FUND, fund, claims, "GBP_m", of_budget, exact=(rule,)),
        published_row(UNALLOCATED, claims, unallocated),
        derived_row(FREE_SHARE, free_share, claims, "pct", "implied: unallocated / fund", (rule,)),
        derived_row(COVER, cover, claims, "ratio", "unallocated fund / NHS England's forecast gap"),
    ]
    return Fund(value_table(rows))


def ccg_gap_rounding(claims: pd.DataFrame) -> tuple[float, float]:
    """The CCGs' forecast gap (% of plan) over the rounding of the published gap and plan."""
    derivation = DERIVATIONS[CCG_GAP_PCT_ID]
    low, high = derivation.interval(rounding_intervals(claims, derivation.inputs))
    return float(low), float(high)


def primary_care_plan_rounding(claims: pd.DataFrame) -> tuple[float, float]:
    """Primary care's implied plan (gap / share, £m) over the rounding of both inputs."""
    gap_ids = ("nhse_q1_primary_care_forecast_gap_gbp_m", "nhse_q1_primary_care_forecast_gap_pct")
    implied = context(gap_ids[1], gap_ids)
    low, high = implied.interval(rounding_intervals(claims, implied.inputs))
    return float(low), float(high)
