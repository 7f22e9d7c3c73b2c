"""Commissioners' forecast QIPP shortfall in 2013-14 checked on the claims ledger (notebook 01).

The checks of notebook 01_shortfall_doubling that need each figure's rounding,
so they read the claims ledger (:func:`qipp.ledger.load_claims`) rather than the
tidy tables of :mod:`qipp.findings.shortfall.calc`: whether Q2 is "more than double"
Q1, the shortfall as a share of plan at each quarter, and the Q2 split by
scheme type. A published input stands for the interval it could have been
rounded from (:func:`qipp.derive.input_interval`) and a derived range is taken
over every corner of those intervals (decision 0003). Figures no article states
are implied as remainders and say so in a ``basis`` column.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qipp.derivations import DERIVATIONS, bn_to_m, ratio, share_pct, total
from qipp.derive import assess, tolerance
from qipp.findings.rows import (
    adhoc_derivation,
    claims_by_id,
    context,
    derived_row,
    published_row,
    published_values,
    qualifier_or_none,
    rounding_intervals,
    single_value,
    value_table,
)

RATIO_ID = "sector_q2_vs_q1_shortfall_ratio"
CCG_INCREASE_ID = "ccg_q2_shortfall_increase_gbp_m"
Q2_SHARE_ID = "sector_q2_forecast_shortfall_pct"
TRANSFORMATIONAL_SHARE_ID = "sector_q2_transformational_share_of_shortfall_pct"
CCG_PLAN_ID = "ccg_q1_plan_gbp_bn"
# The published figures notebook 01 uses, in the order it shows them.
PUBLISHED_IDS: tuple[str, ...] = (
    "ccg_q1_forecast_gap_gbp_m",
    "nhse_q1_forecast_gap_gbp_m",
    CCG_PLAN_ID,
    "nhse_q1_plan_gbp_m",
    "sector_q2_forecast_shortfall_gbp_m",
    Q2_SHARE_ID,
    RATIO_ID,
    "ccg_q2_forecast_shortfall_gbp_m",
    CCG_INCREASE_ID,
    "sector_q2_transformational_plan_gbp_m",
    "sector_q2_transformational_shortfall_gbp_m",
    TRANSFORMATIONAL_SHARE_ID,
)
# The Q2 article's regional statement: counts of NHS England regions, no figures.
REGIONAL_IDS: tuple[str, ...] = (
    "ccg_q2_n_regions_worsened",
    "nhse_n_regions",
    "ccg_q2_n_regions_improved",
)
# Rows of :func:`share_comparison` that other modules read.
Q1_PLAN_ROW = "Q1 plan: CCGs + NHS England"
Q2_PLAN_ROW = "Q2 plan implied by the published share"
Q1_SHARE_ROW = "Q1 shortfall as a share of the Q1 plans"
Q2_SHARE_ROW = "Q2 shortfall as a share of plan, published"
Q2_ON_Q1_PLAN_ROW = "Q2 shortfall as a share of the Q1 plans"
SHARE_RATIO_ROW = "Q2 share / Q1 share"
BREAKEVEN_PLAN_ROW = "CCG plan at which the share ratio equals the published multiple"
CCG_PLAN_ROW = "CCGs' Q1 plan as published"


@dataclass(frozen=True)
class DoublingCheck:
    """The sector's Q2 forecast shortfall against its Q1 one (£m), and the published multiple.

    ``ratio_low``/``ratio_high`` span the inputs' rounding; ``robust`` is True when
    that whole span lies inside the published band (not merely touches it).
    ``breakeven_q1_gbp_m`` is the Q1 shortfall at which Q2 would be exactly the
    published multiple, and ``headroom_gbp_m`` how far below it Q1 sits;
    ``multiple`` is the published multiple itself (2 for "more than double").
    """

    q1_gbp_m: float
    q2_gbp_m: float
    ratio: float
    ratio_low: float
    ratio_high: float
    published: str
    status: str
    robust: bool
    breakeven_q1_gbp_m: float
    headroom_gbp_m: float
    multiple: float


def doubling_check(claims: pd.DataFrame) -> DoublingCheck:
    """Check "more than double" with derive's ratio derivation and the inputs' rounding.

    Examples
    --------
    >>> from qipp.ledger import load_claims
    >>> check = doubling_check(load_claims())
    >>> round(check.q1_gbp_m, 1), round(check.ratio, 3), check.status, check.robust
    (119.6, 2.062, 'reproduced', True)
    """
    derivation = DERIVATIONS[RATIO_ID]
    q2_id, ccg_q1_id, nhse_q1_id = derivation.inputs
    values = published_values(claims, (RATIO_ID, *derivation.inputs))
    by_id = claims_by_id(claims)
    target = by_id[RATIO_ID]
    band = tolerance(
        values[RATIO_ID], float(target["precision"]), qualifier_or_none(target["qualifier"])
    )
    low, high = derivation.interval(rounding_intervals(claims, derivation.inputs))
    q1 = total(values[ccg_q1_id], values[nhse_q1_id])
    breakeven = ratio(values[q2_id], values[RATIO_ID])
    return DoublingCheck(
        q1_gbp_m=q1,
        q2_gbp_m=values[q2_id],
        ratio=derivation.central(values),
        ratio_low=low,
        ratio_high=high,
        published=band.describe(),
        status=assess(derivation, by_id).status,
        robust=band.meets(low, low) and band.meets(high, high),
        breakeven_q1_gbp_m=breakeven,
        headroom_gbp_m=breakeven - q1,
        multiple=values[RATIO_ID],
    )


def share_comparison(claims: pd.DataFrame) -> pd.DataFrame:
    """The shortfall as a share of plan at Q1 and Q2, the plan bases, and their ratio.

    The Q2 article gives a share (12.2 per cent) but no plan; the plan it implies is
    not the Q1 plans' sum, so the quarters are compared on shares as well as pounds.
    The last two rows are the CCG plan at which the Q2 share is exactly the
    published multiple of the Q1 share, and the CCGs' published plan in £m with
    the range it could have been rounded from.

    Returns
    -------
    pandas.DataFrame
        Indexed by measure: ``value``, ``low``, ``high`` (over the inputs' rounding, or
        the published band), ``unit`` and ``basis``.
    """
    ccg_gap, nhse_gap, ccg_plan, nhse_plan = (
        "ccg_q1_forecast_gap_gbp_m",
        "nhse_q1_forecast_gap_gbp_m",
        CCG_PLAN_ID,
        "nhse_q1_plan_gbp_m",
    )
    multiple = published_values(claims, [RATIO_ID])[RATIO_ID]
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
    plan_q2 = context(Q2_SHARE_ID, ("sector_q2_forecast_shortfall_gbp_m", Q2_SHARE_ID))
    ccg_plan_m = adhoc_derivation((ccg_plan,), bn_to_m, "{ccg_q1_plan_gbp_bn} x 1000")
    return value_table(
        [
            derived_row(Q1_PLAN_ROW, q1_plan, claims, "GBP_m", "sum of Q1 plans"),
            derived_row(
                Q2_PLAN_ROW,
                plan_q2,
                claims,
                "GBP_m",
                "implied: Q2 shortfall / published share",
            ),
            derived_row(Q1_SHARE_ROW, q1_share, claims, "pct", "implied: Q1 gaps / Q1 plans"),
            published_row(Q2_SHARE_ROW, claims, Q2_SHARE_ID),
            derived_row(
                Q2_ON_Q1_PLAN_ROW,
                DERIVATIONS[Q2_SHARE_ID],
                claims,
                "pct",
                "implied: Q2 shortfall / Q1 plans",
            ),
            derived_row(
                SHARE_RATIO_ROW,
                share_ratio,
                claims,
                "ratio",
                "published Q2 share / implied Q1 share",
            ),
            derived_row(
                BREAKEVEN_PLAN_ROW,
                breakeven,
                claims,
                "GBP_m",
                "solved: Q2 share = multiple x Q1 share",
            ),
            derived_row(CCG_PLAN_ROW, ccg_plan_m, claims, "GBP_m", "published in £bn, shown in £m"),
        ]
    )


def scheme_split(claims: pd.DataFrame) -> pd.DataFrame:
    """Plan and forecast shortfall at Q2 by scheme type, transactional implied as the rest.

    The sector plan is the one the published 12.2 per cent implies (a derive context
    figure); transactional = that plan - £710.9m transformational, and its shortfall
    = £246.6m - £170m. ``miss_pct`` is each type's shortfall as a share of its own
    plan, with its range over the inputs' rounding.

    Returns
    -------
    pandas.DataFrame
        Indexed by scheme (``transformational``, ``transactional``, ``all``):
        ``plan_gbp_m``, ``shortfall_gbp_m``, ``miss_pct``, ``miss_pct_low``,
        ``miss_pct_high``, ``plan_share_pct``, ``shortfall_share_pct``, ``basis``.
    """
    gap, gap_pct = "sector_q2_forecast_shortfall_gbp_m", Q2_SHARE_ID
    t_plan = "sector_q2_transformational_plan_gbp_m"
    t_gap = "sector_q2_transformational_shortfall_gbp_m"
    values = published_values(claims, (gap, gap_pct, t_plan, t_gap))
    plan_all = context(gap_pct, (gap, gap_pct))
    t_miss = context(TRANSFORMATIONAL_SHARE_ID, (t_gap, t_plan))
    # Monotone in each input (the sign of each partial derivative is fixed), so the
    # corners bound it, as derive's interval assumes.
    tx_miss = adhoc_derivation(
        (gap, gap_pct, t_plan, t_gap),
        lambda g, p, tp, tg: share_pct(g - tg, single_value(plan_all, g, p) - tp),
        "100 x (gap - transformational gap) / (plan implied - transformational plan)",
    )
    plan = plan_all.central(values)
    band = tolerance(values[gap_pct], float(claims_by_id(claims)[gap_pct]["precision"]))
    rows = {
        "transformational": (values[t_plan], values[t_gap], t_miss, "published"),
        "transactional": (
            plan - values[t_plan],
            values[gap] - values[t_gap],
            tx_miss,
            "implied: sector - transformational",
        ),
    }
    out = {}
    for scheme, (scheme_plan, scheme_gap, miss, basis) in rows.items():
        low, high = miss.interval(rounding_intervals(claims, miss.inputs))
        out[scheme] = {
            "plan_gbp_m": scheme_plan,
            "shortfall_gbp_m": scheme_gap,
            "miss_pct": miss.central(values),
            "miss_pct_low": low,
            "miss_pct_high": high,
            "plan_share_pct": share_pct(scheme_plan, plan),
            "shortfall_share_pct": share_pct(scheme_gap, values[gap]),
            "basis": basis,
        }
    out["all"] = {
        "plan_gbp_m": plan,
        "shortfall_gbp_m": values[gap],
        "miss_pct": values[gap_pct],
        "miss_pct_low": band.lo,
        "miss_pct_high": band.hi,
        "plan_share_pct": 100.0,
        "shortfall_share_pct": 100.0,
        "basis": "shortfall and share published; plan implied",
    }
    return pd.DataFrame.from_dict(out, orient="index").rename_axis("scheme")
