"""How notebook 04 reports NHS England against CCGs.

The article's figures as a table, the sentences whose words follow the figures, the verdict
and the findings record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from qipp.derivations import ratio
from qipp.derive import REPRODUCED
from qipp.display import ShownAsTable, Table, table
from qipp.findings.nhse_ccgs.calc import (
    CCGS,
    FREE_SHARE,
    FUND,
    NHSE,
    UNALLOCATED,
    VERDICT_CLAIM_IDS,
    Comparison,
    Fund,
    ServiceAreas,
    number,
    shown,
)

NOTEBOOK = "04_nhs_england_vs_ccgs"


@dataclass(frozen=True)
class PublishedFigures(ShownAsTable):
    """Every figure one article states: its scorecard rows, with each claim's ``scope``."""

    frame: pd.DataFrame

    def as_table(self, caption: str | None = None) -> Table:
        """Who each figure is about, as published, its status and its recomputed value."""
        values = zip(self.frame["derived_value"], self.frame["unit"], strict=True)
        recomputed = [None if pd.isna(v) else shown(v, u) for v, u in values]
        labels = {
            "scope": "Organisation",
            "quantity": "Figure",
            "as_published": "As published",
            "status": "Status",
            "recomputed": "Recomputed from other figures",
        }
        frame = self.frame.copy()
        frame["recomputed"] = recomputed
        title = "The article's figures, their status and what other figures recompute"
        return table(frame, labels=labels, columns=list(labels), caption=caption, title=title)


def published_figures(card: pd.DataFrame, claims: pd.DataFrame, article: str) -> PublishedFigures:
    """The scorecard's rows (:func:`qipp.derive.scorecard`) for one article's claims."""
    scope = dict(zip(claims["id"], claims["scope"], strict=True))
    rows = card.loc[card["source"] == article]
    return PublishedFigures(rows.assign(scope=rows["id"].map(scope)))


def _compare(first: float, second: float, more: str, less: str, same: str) -> str:
    """The word for ``first`` against ``second``: ``more``, ``less`` or ``same`` (a tie)."""
    return {1: more, -1: less, 0: same}[_order(first, second)]


def _change(points: float) -> str:
    """A gap's move from the end of June to the year-end forecast, in words."""
    if points > 0:
        return f"widen by {points:.1f} points"
    if points < 0:
        return f"narrow by {-points:.1f} points"
    return "stay where it is"


def _order(first: float, second: float) -> int:
    """+1 when ``first`` is the larger (NHS England's figure, say), -1 when ``second``, 0 for a tie."""
    return int(first > second) - int(first < second)


def position_bullets(comparison: Comparison) -> str:
    """The end of June, the year-end forecast and the gaps in pounds, as three Markdown bullets.

    Who was further behind, whether the order holds, and whether each gap widens or
    narrows follow the figures; a tie says so.
    """
    nhse, ccg = comparison.nhse, comparison.ccgs
    june = _order(nhse["ytd_shortfall_pct"], ccg["ytd_shortfall_pct"])
    year_end = _order(nhse["forecast_shortfall_pct"], ccg["forecast_shortfall_pct"])
    ytd = comparison.frame.loc["ytd_shortfall_pct"]
    if june == 0:
        behind = f"Both were {ytd[NHSE]:g}% behind plan."
    else:
        first, second = (NHSE, CCGS) if june > 0 else (CCGS, NHSE)
        verb = "was" if first == NHSE else "were"
        behind = (
            f"{first} {verb} further behind ({ytd[first]:g}%) than {second} ({ytd[second]:g}%)."
        )
    order = ""
    if june != 0 and year_end != 0:
        order = "The order holds: " if june == year_end else "The order reverses: "
    gap, ccg_gap = nhse["forecast_shortfall_gbp_m"], ccg["forecast_shortfall_gbp_m"]
    pounds = _compare(gap, ccg_gap, "larger than", "smaller than", "the same as")
    return "\n".join(
        [
            f"- **End of June.** {behind}",
            f"- **Year-end forecast.** {order}NHS England expects its gap to "
            f"{_change(nhse['ytd_to_forecast_change_pp'])} to {nhse['forecast_shortfall_pct']:.2f}% "
            f"(published {nhse['forecast_shortfall_pct_published']:g}%), CCGs expect theirs to "
            f"{_change(ccg['ytd_to_forecast_change_pp'])} to {ccg['forecast_shortfall_pct']:.2f}% "
            f"(published {ccg['forecast_shortfall_pct_published']:g}%).",
            f"- **In pounds** NHS England's gap (£{nhse['forecast_shortfall_gbp_m']:.1f}m) is "
            f"{pounds} CCGs' (£{ccg['forecast_shortfall_gbp_m']:.1f}m); against resources it is "
            f"{nhse['forecast_shortfall_pct_of_resources']:.3f}% of budget against "
            f"{ccg['forecast_shortfall_pct_of_resources']:.3f}%, and the savings each expects to "
            f"deliver are {nhse['forecast_delivery_pct_of_resources']:.2f}% and "
            f"{ccg['forecast_delivery_pct_of_resources']:.2f}% of resources.",
        ]
    )


def primary_care_sentence(areas: ServiceAreas, plan_range: tuple[float, float]) -> str:
    """Primary care's implied plan, and its shares of NHS England's plan and gap.

    Says "but" when its share of the gap is the larger, "and" otherwise. ``plan_range`` is
    :func:`~qipp.findings.nhse_ccgs.calc.primary_care_plan_rounding`.
    """
    primary = areas.frame.loc["primary_care"]
    but = "but" if primary["share_of_shortfall_pct"] > primary["share_of_plan_pct"] else "and"
    return (
        f"Primary care's £{primary['forecast_shortfall_gbp_m']:.1f}m gap at "
        f"{primary['forecast_shortfall_pct']:g}% implies a plan of "
        f"£{primary['plan_gbp_m']:.1f}m (£{plan_range[0]:.1f}m to £{plan_range[1]:.1f}m over "
        f"the rounding): {primary['share_of_plan_pct']:.1f}% of NHS England's plan {but} "
        f"{primary['share_of_shortfall_pct']:.1f}% of its forecast gap."
    )


def verdict(
    comparison: Comparison, areas: ServiceAreas, statuses: Mapping[str, str]
) -> tuple[str, bool]:
    """The verdict sentence for notebook 04, and whether the claim is reproduced.

    Reproduced when derive reproduces NHS England's forecast gap shares (published and
    headline) and the CCGs' share, and NHS England has both the smaller ambition and the
    larger forecast gap as a share of plan.
    """
    nhse, ccg = comparison.nhse, comparison.ccgs
    smaller_ambition = nhse["plan_pct_of_resources"] < ccg["plan_pct_of_resources"]
    larger_gap = nhse["forecast_shortfall_pct"] > ccg["forecast_shortfall_pct"]
    derived = all(statuses.get(i) == REPRODUCED for i in VERDICT_CLAIM_IDS)
    reproduced = bool(derived and smaller_ambition and larger_gap)
    word = "Reproduced" if reproduced else "Not reproduced"
    link = "yet" if smaller_ambition and larger_gap else "and"
    gap, ccg_gap = nhse["forecast_shortfall_gbp_m"], ccg["forecast_shortfall_gbp_m"]
    pounds = _compare(
        gap, ccg_gap, "larger in pounds too", "though smaller in pounds", "the same in pounds"
    )
    primary = areas.frame.loc["primary_care"]
    sentence = (
        f"{word}: NHS England planned savings of {nhse['plan_pct_of_resources']:.1f}% of its "
        f"budget against CCGs' {ccg['plan_pct_of_resources']:.1f}%, {link} forecast a gap of "
        f"{nhse['forecast_shortfall_pct']:.2f}% of plan (£{nhse['forecast_shortfall_gbp_m']:.1f}m "
        f"of £{nhse['plan_gbp_m']:.0f}m) against CCGs' {ccg['forecast_shortfall_pct']:.2f}% "
        f"(£{ccg['forecast_shortfall_gbp_m']:.1f}m of £{ccg['plan_gbp_m']:,.0f}m, published as "
        f"{ccg['forecast_shortfall_pct_published']:g}%), "
        f"{ratio(nhse['forecast_shortfall_pct'], ccg['forecast_shortfall_pct']):.1f} times the "
        f"rate, {pounds}; primary care's £{primary['forecast_shortfall_gbp_m']:.1f}m "
        f"is {primary['share_of_shortfall_pct']:.0f}% of NHS England's gap, on an implied "
        f"£{primary['plan_gbp_m']:.0f}m plan."
    )
    return sentence, reproduced


def findings_record(
    findings_path: str,
    comparison: Comparison,
    areas: ServiceAreas,
    fund: Fund,
    ccg_gap_range: tuple[float, float],
    statuses: Mapping[str, str],
    tables_path: str = "",
) -> dict[str, Any]:
    """The keyword arguments of :func:`qipp.findings.record.write_findings` for notebook 04."""
    sentence, reproduced = verdict(comparison, areas, statuses)
    nhse, ccg = ({k: float(v) for k, v in s.items()} for s in (comparison.nhse, comparison.ccgs))
    primary = {k: number(v) for k, v in areas.frame.loc["primary_care"].drop("basis").items()}
    gap_pct = {a: number(v) for a, v in areas.frame["forecast_shortfall_pct"].items()}
    bounds = areas.plan_bounds("public_health", "primary_care")
    return {
        "notebook": NOTEBOOK,
        "parameters": {"findings_path": findings_path, "tables_path": tables_path},
        "verdict": sentence,
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
            primary_care_forecast_gap_gbp_m=primary["forecast_shortfall_gbp_m"],
            primary_care_forecast_gap_pct=primary["forecast_shortfall_pct"],
            primary_care_implied_plan_gbp_m=round(primary["plan_gbp_m"], 2),
            primary_care_share_of_nhse_plan_pct=round(primary["share_of_plan_pct"], 2),
            primary_care_share_of_nhse_gap_pct=round(primary["share_of_shortfall_pct"], 2),
            public_health_forecast_gap_pct=gap_pct["public_health"],
            public_health_max_plan_gbp_m=round(bounds["max_plan_gbp_m"], 2),
            rest_forecast_gap_pct=round(gap_pct["rest"], 2),
            nr_fund_implied_gbp_m=round(fund.value(FUND), 1),
            nr_fund_unallocated_gbp_m=fund.value(UNALLOCATED),
            nr_fund_unallocated_pct_of_fund=round(fund.value(FREE_SHARE), 2),
        ),
    }
