"""The shortfall against plan: as a share of plan at Q1 and Q2, and the Q2 split by scheme type.

The Q2 article gives a share of plan but no plan; the plan it implies is a derive
context figure. Ranges span the inputs' rounding, as in :mod:`qipp.findings.shortfall.calc`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qipp.derivations import DERIVATIONS, bn_to_m, ratio, share_pct, total
from qipp.derive import tolerance
from qipp.display import ShownAsTable, Table, table
from qipp.findings.rows import (
    adhoc_derivation,
    claims_by_id,
    context,
    derived_row,
    published_row,
    published_values,
    rounding_intervals,
    single_value,
    value_table,
)
from qipp.findings.shortfall.calc import (
    CCG_GAP_ID,
    CCG_PLAN_ID,
    NHSE_GAP_ID,
    NHSE_PLAN_ID,
    Q2_GAP_ID,
    Q2_SHARE_ID,
    RATIO_ID,
    TF_GAP_ID,
    TF_PLAN_ID,
    TRANSFORMATIONAL_SHARE_ID,
)

# Rows of :func:`share_comparison`.
Q1_PLAN_ROW = "Q1 plan: CCGs + NHS England"
Q2_PLAN_ROW = "Q2 plan implied by the published share"
Q1_SHARE_ROW = "Q1 shortfall as a share of the Q1 plans"
Q2_SHARE_ROW = "Q2 shortfall as a share of plan, published"
Q2_ON_Q1_PLAN_ROW = "Q2 shortfall as a share of the Q1 plans"
SHARE_RATIO_ROW = "Q2 share / Q1 share"
BREAKEVEN_PLAN_ROW = "CCG plan at which the share ratio equals the published multiple"
CCG_PLAN_ROW = "CCGs' Q1 plan as published"
_UNITS = {"GBP_m": "£m", "pct": "%", "ratio": "ratio"}


@dataclass(frozen=True)
class Shares(ShownAsTable):
    """Plans and shares of plan at Q1 and Q2, indexed by measure: value, low, high, unit, basis."""

    frame: pd.DataFrame
    source: str = ""

    def as_table(self, caption: str | None = None) -> Table:
        frame = self.frame.reset_index()
        frame["measure"] = [
            f"{m} ({_UNITS.get(u, u)})"
            for m, u in zip(frame["measure"], frame["unit"], strict=True)
        ]
        labels = {"measure": "Measure (unit)", "value": "At the published inputs"}
        labels |= {"low": "Lowest over the rounding", "high": "Highest over the rounding"}
        return table(
            frame,
            columns=[*labels, "basis"],
            labels=labels | {"basis": "Basis"},
            formats=dict.fromkeys(("value", "low", "high"), ",.2f"),
            caption=caption or f"Source: {self.source}.",
            title="The forecast shortfall as a share of plan at Q1 and Q2, over the rounding",
        )


def share_comparison(claims: pd.DataFrame, *, source: str = "") -> Shares:
    """The shortfall as a share of plan at Q1 and Q2, the plan bases, and their ratio.

    The Q2 article gives a share but no plan, so the quarters are compared on shares as
    well as pounds. The last two rows are the CCG plan at which the Q2 share is exactly
    the published multiple of the Q1 share, and the CCGs' published plan in £m.
    """
    multiple = published_values(claims, [RATIO_ID])[RATIO_ID]
    ccg_gap, nhse_gap, ccg_plan, nhse_plan = CCG_GAP_ID, NHSE_GAP_ID, CCG_PLAN_ID, NHSE_PLAN_ID
    q1_plan = adhoc_derivation(
        (ccg_plan, nhse_plan),
        lambda c, n: total(bn_to_m(c), n),
        "{ccg_q1_plan_gbp_bn} x 1000 + {nhse_q1_plan_gbp_m}",
    )
    q1_share = adhoc_derivation(
        (ccg_gap, nhse_gap, ccg_plan, nhse_plan),
        lambda cg, ng, cp, np_: share_pct(total(cg, ng), total(bn_to_m(cp), np_)),
        "100 x (ccg gap + nhse gap) / (ccg plan + nhse plan)",
    )
    share_ratio = adhoc_derivation(
        (Q2_SHARE_ID, ccg_gap, nhse_gap, ccg_plan, nhse_plan),
        lambda q2, cg, ng, cp, np_: ratio(q2, single_value(q1_share, cg, ng, cp, np_)),
        "Q2 share / Q1 share",
    )
    breakeven = adhoc_derivation(
        (Q2_SHARE_ID, ccg_gap, nhse_gap, nhse_plan),
        lambda q2, cg, ng, np_: ratio(total(cg, ng) * multiple, q2 / 100) - np_,
        "(ccg gap + nhse gap) x multiple / Q2 share - nhse plan",
    )
    plan_q2 = context(Q2_SHARE_ID, (Q2_GAP_ID, Q2_SHARE_ID))
    ccg_plan_m = adhoc_derivation((ccg_plan,), bn_to_m, "{ccg_q1_plan_gbp_bn} x 1000")
    rows = [
        (Q1_PLAN_ROW, q1_plan, "GBP_m", "sum of Q1 plans"),
        (Q2_PLAN_ROW, plan_q2, "GBP_m", "implied: Q2 shortfall / published share"),
        (Q1_SHARE_ROW, q1_share, "pct", "implied: Q1 gaps / Q1 plans"),
        (Q2_ON_Q1_PLAN_ROW, DERIVATIONS[Q2_SHARE_ID], "pct", "implied: Q2 shortfall / Q1 plans"),
        (SHARE_RATIO_ROW, share_ratio, "ratio", "published Q2 share / implied Q1 share"),
        (BREAKEVEN_PLAN_ROW, breakeven, "GBP_m", "solved: Q2 share = multiple x Q1 share"),
        (CCG_PLAN_ROW, ccg_plan_m, "GBP_m", "published in £bn, shown in £m"),
    ]
    table_rows = [derived_row(label, d, claims, unit, basis) for label, d, unit, basis in rows]
    table_rows.insert(3, published_row(Q2_SHARE_ROW, claims, Q2_SHARE_ID))
    return Shares(value_table(table_rows), source)


@dataclass(frozen=True)
class SchemeSplit(ShownAsTable):
    """Plan and forecast shortfall at Q2 by scheme type (transformational, transactional, all)."""

    frame: pd.DataFrame
    source: str = ""

    def as_table(self, caption: str | None = None) -> Table:
        labels = {
            "scheme": "Schemes",
            "plan_gbp_m": "Plan (£m)",
            "shortfall_gbp_m": "Forecast shortfall (£m)",
            "plan_share_pct": "Share of the plan (%)",
            "shortfall_share_pct": "Share of the shortfall (%)",
            "miss_pct": "Shortfall (% of own plan)",
            "miss_pct_low": "Lowest over the rounding (%)",
            "miss_pct_high": "Highest over the rounding (%)",
            "basis": "Basis",
        }
        formats = dict.fromkeys(("plan_gbp_m", "shortfall_gbp_m"), ",.1f")
        formats |= dict.fromkeys(("plan_share_pct", "shortfall_share_pct"), ".1f")
        formats |= dict.fromkeys(("miss_pct", "miss_pct_low", "miss_pct_high"), ".2f")
        frame = self.frame.reset_index()
        frame["scheme"] = frame["scheme"].str.capitalize()
        return table(
            frame,
            columns=list(labels),
            labels=labels,
            formats=formats,
            split_after=4,
            caption=caption or f"Source: {self.source}.",
            title="Plan and forecast shortfall at Q2 2013-14 by type of scheme",
        )


def scheme_split(claims: pd.DataFrame, *, source: str = "") -> SchemeSplit:
    """Plan and forecast shortfall at Q2 by scheme type, transactional implied as the rest.

    The sector plan is the one the published share implies (a derive context figure).
    ``miss_pct`` is each type's shortfall as a share of its own plan, with its range over
    the inputs' rounding.
    """
    values = published_values(claims, (Q2_GAP_ID, Q2_SHARE_ID, TF_PLAN_ID, TF_GAP_ID))
    plan_all = context(Q2_SHARE_ID, (Q2_GAP_ID, Q2_SHARE_ID))
    # Monotone in each input, so the corners bound it, as derive's interval assumes.
    tx_miss = adhoc_derivation(
        (Q2_GAP_ID, Q2_SHARE_ID, TF_PLAN_ID, TF_GAP_ID),
        lambda g, p, tp, tg: share_pct(g - tg, single_value(plan_all, g, p) - tp),
        "100 x (gap - transformational gap) / (plan implied - transformational plan)",
    )
    plan, gap = plan_all.central(values), values[Q2_GAP_ID]
    rows = {
        "transformational": (
            values[TF_PLAN_ID],
            values[TF_GAP_ID],
            context(TRANSFORMATIONAL_SHARE_ID, (TF_GAP_ID, TF_PLAN_ID)),
            "published",
        ),
        "transactional": (
            plan - values[TF_PLAN_ID],
            gap - values[TF_GAP_ID],
            tx_miss,
            "implied: sector - transformational",
        ),
    }
    out: dict[str, list[float | str]] = {}
    for scheme, (scheme_plan, scheme_gap, miss, basis) in rows.items():
        low, high = miss.interval(rounding_intervals(claims, miss.inputs))
        shares = [share_pct(scheme_plan, plan), share_pct(scheme_gap, gap)]
        out[scheme] = [scheme_plan, scheme_gap, miss.central(values), low, high, *shares, basis]
    band = tolerance(values[Q2_SHARE_ID], float(claims_by_id(claims)[Q2_SHARE_ID]["precision"]))
    basis = "shortfall and share published; plan implied"
    out["all"] = [plan, gap, values[Q2_SHARE_ID], band.lo, band.hi, 100.0, 100.0, basis]
    columns = ["plan_gbp_m", "shortfall_gbp_m", "miss_pct", "miss_pct_low", "miss_pct_high"]
    columns += ["plan_share_pct", "shortfall_share_pct", "basis"]
    frame = pd.DataFrame.from_dict(out, orient="index", columns=columns)
    return SchemeSplit(frame.rename_axis("scheme"), source)
