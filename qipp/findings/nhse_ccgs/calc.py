"""NHS England against CCGs at Q1 2013-14 (notebook 04_nhs_england_vs_ccgs).

Ambition, position at the end of June and forecast gap of the two kinds of
commissioner, NHS England's service areas and its 2% non-recurrent fund, on the
figures of HSJ's analysis of NHS England's internal NISFE report (Q1 2013-14).
Figures no article states are implied and say so in a ``basis`` column; ranges are
taken over the rounding of the published inputs (decision 0003). The verdict
sentence is in :mod:`qipp.findings.nhse_ccgs.text`, re-exported here.
"""

from __future__ import annotations

import math

import pandas as pd

from qipp.derivations import DERIVATIONS, M_PER_BN, ratio, share_pct
from qipp.findings.nhse_ccgs.text import (
    CCG_GAP_PCT_ID,
    NHSE_GAP_PCT_IDS,
    VERDICT_CLAIM_IDS,
    nhse_vs_ccgs_verdict,
)
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

__all__ = [
    "CCG_GAP_PCT_ID",
    "NHSE_GAP_PCT_IDS",
    "PRIMARY_CARE_GAP_IDS",
    "VERDICT_CLAIM_IDS",
    "ccg_gap_rounding",
    "commissioner_comparison",
    "nhse_vs_ccgs_verdict",
    "nr_fund_context",
    "plan_bounds",
    "primary_care_plan_rounding",
    "service_area_breakdown",
]

# Primary care's forecast gap in £m and as a share of its plan: together they imply the plan.
PRIMARY_CARE_GAP_IDS = (
    "nhse_q1_primary_care_forecast_gap_gbp_m",
    "nhse_q1_primary_care_forecast_gap_pct",
)


def commissioner_comparison(position: pd.DataFrame, quarter: str = "Q1") -> pd.DataFrame:
    """Ambition, position and forecast of CCGs and NHS England side by side.

    Parameters
    ----------
    position : pandas.DataFrame
        The tidy ``commissioner_position_1314`` table (``quarter``, ``org_type``,
        ``measure``, ``value``, ``unit``).
    quarter : str
        The quarter compared.

    Returns
    -------
    pandas.DataFrame
        Indexed by measure, one column per organisation (``CCGs``, ``NHS England``).
        Money in £m except ``implied_resources_gbp_bn``; ``forecast_shortfall_pct`` is
        recomputed as gap / plan beside the published one.

    Raises
    ------
    ValueError
        If an organisation lacks one of the five published measures needed.
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
            m: (gbp_m(v, u) if u.startswith("GBP") else float(v))
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
    return pd.DataFrame(columns).rename_axis("measure")


def service_area_breakdown(areas: pd.DataFrame) -> pd.DataFrame:
    """NHS England's plan and forecast gap by service area, with what the figures imply.

    An area with a published gap in £m and as a share gets an implied plan
    (gap / share); the remainder row is NHS England's total less every area whose
    plan and gap are both known (so it includes areas with only a share published).

    Parameters
    ----------
    areas : pandas.DataFrame
        The tidy ``nhse_q1_1314_by_service_area`` table (``service_area``, ``measure``,
        ``value``, ``unit``); ``all`` must have ``plan`` and ``forecast_shortfall``.

    Returns
    -------
    pandas.DataFrame
        Indexed by service area: ``plan_gbp_m``, ``forecast_shortfall_gbp_m``,
        ``forecast_shortfall_pct``, ``share_of_plan_pct``, ``share_of_shortfall_pct``,
        ``basis``; NaN where the figures do not determine a value.
    """
    got: dict[str, dict[str, float]] = {}
    for area, measure, value, unit in zip(
        areas["service_area"], areas["measure"], areas["value"], areas["unit"], strict=True
    ):
        got.setdefault(area, {})[measure] = (
            gbp_m(value, unit) if unit.startswith("GBP") else float(value)
        )
    whole = got.get("all", {})
    if "plan" not in whole or "forecast_shortfall" not in whole:
        raise ValueError("service area 'all' needs both plan and forecast_shortfall")
    rows = {
        "all": {
            "plan_gbp_m": whole["plan"],
            "forecast_shortfall_gbp_m": whole["forecast_shortfall"],
            "forecast_shortfall_pct": share_pct(whole["forecast_shortfall"], whole["plan"]),
            "basis": "published plan and gap",
        }
    }
    known_plan = known_gap = 0.0
    for area, figures in got.items():
        if area == "all":
            continue
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
        rows[area] = {
            "plan_gbp_m": plan,
            "forecast_shortfall_gbp_m": gap,
            "forecast_shortfall_pct": pct,
            "basis": basis,
        }
    rest_plan, rest_gap = whole["plan"] - known_plan, whole["forecast_shortfall"] - known_gap
    rows["rest"] = {
        "plan_gbp_m": rest_plan,
        "forecast_shortfall_gbp_m": rest_gap,
        "forecast_shortfall_pct": share_pct(rest_gap, rest_plan),
        "basis": "remainder: all - areas with plan and gap",
    }
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("service_area")
    # One value at a time: share_pct is derive's arithmetic on single figures.
    table.insert(3, "share_of_plan_pct", [share_pct(p, whole["plan"]) for p in table["plan_gbp_m"]])
    table.insert(
        4,
        "share_of_shortfall_pct",
        [share_pct(g, whole["forecast_shortfall"]) for g in table["forecast_shortfall_gbp_m"]],
    )
    return table


def plan_bounds(breakdown: pd.DataFrame, area: str, largest: str) -> dict[str, float]:
    """Upper bounds on the plan of an area whose gap is published only as a share.

    ``max_plan_gbp_m``: if ``area`` carried the whole remainder of the gap.
    ``max_plan_if_<largest>_largest_gbp_m``: if ``largest`` is the biggest single
    contributor, so ``area``'s gap is below ``largest``'s.

    Examples
    --------
    >>> table = pd.DataFrame({"forecast_shortfall_gbp_m": [20.0, float("nan"), 10.0],
    ...                       "forecast_shortfall_pct": [10.0, 40.0, 5.0]},
    ...                      index=["pc", "ph", "rest"])
    >>> plan_bounds(table, "ph", "pc")
    {'max_plan_gbp_m': 25.0, 'max_plan_if_pc_largest_gbp_m': 50.0}
    """
    # Columns looked up by label type as numbers; breakdown.loc[label, column] is any scalar.
    gaps = breakdown["forecast_shortfall_gbp_m"]
    share = float(breakdown["forecast_shortfall_pct"].loc[area]) / 100
    return {
        "max_plan_gbp_m": ratio(float(gaps.loc["rest"]), share),
        f"max_plan_if_{largest}_largest_gbp_m": ratio(float(gaps.loc[largest]), share),
    }


def nr_fund_context(claims: pd.DataFrame) -> pd.DataFrame:
    """NHS England's 2 per cent non-recurrent fund: its implied size and the £56m unallocated.

    The budget is the one NHS England's plan implies (£374m at 1.4 per cent, a derive
    context figure). The 2 per cent is a national rule, so it is taken as exact.

    Returns
    -------
    pandas.DataFrame
        Indexed by measure: ``value``, ``low``, ``high``, ``unit``, ``basis``.
    """
    plan, plan_pct, fund_pct = (
        "nhse_q1_plan_gbp_m",
        "nhse_plan_pct_of_budget",
        "nr_fund_pct_of_budget",
    )
    unallocated, gap = "nhse_q1_nr_fund_unallocated_gbp_m", "nhse_q1_forecast_gap_gbp_m"
    budget = context(plan_pct, (plan, plan_pct))
    fund = adhoc_derivation(
        (plan, plan_pct, fund_pct),
        lambda p, pp, fp: single_value(budget, p, pp) * M_PER_BN * fp / 100,
        "budget x 2%",
    )
    free_share = adhoc_derivation(
        (unallocated, plan, plan_pct, fund_pct),
        lambda u, p, pp, fp: share_pct(u, single_value(fund, p, pp, fp)),
        "100 x unallocated / fund",
    )
    cover = adhoc_derivation((unallocated, gap), ratio, "unallocated / forecast QIPP gap")
    exact = (fund_pct,)
    return value_table(
        [
            derived_row(
                "NHS England budget implied by its plan",
                budget,
                claims,
                "GBP_bn",
                "implied: plan / plan's share of budget",
            ),
            derived_row(
                "non-recurrent fund",
                fund,
                claims,
                "GBP_m",
                "implied: the national rule's share of that budget",
                exact,
            ),
            published_row("fund not yet allocated", claims, unallocated),
            derived_row(
                "unallocated, % of the fund",
                free_share,
                claims,
                "pct",
                "implied: unallocated / fund",
                exact,
            ),
            derived_row(
                "unallocated / forecast QIPP gap",
                cover,
                claims,
                "ratio",
                "unallocated fund / NHS England's forecast gap",
            ),
        ]
    )


def ccg_gap_rounding(claims: pd.DataFrame) -> tuple[float, float]:
    """The CCGs' forecast gap (% of plan) over the rounding of the published gap and plan.

    The plan is published only to one decimal place in £bn, so the share carries
    its rounding; derive's derivation of the published share gives the range.

    Examples
    --------
    >>> from qipp.ledger import load_claims
    >>> low, high = ccg_gap_rounding(load_claims())
    >>> low < high
    True
    """
    derivation = DERIVATIONS[CCG_GAP_PCT_ID]
    low, high = derivation.interval(rounding_intervals(claims, derivation.inputs))
    return float(low), float(high)


def primary_care_plan_rounding(claims: pd.DataFrame) -> tuple[float, float]:
    """Primary care's implied plan (gap / share, £m) over the rounding of both inputs.

    Examples
    --------
    >>> from qipp.ledger import load_claims
    >>> low, high = primary_care_plan_rounding(load_claims())
    >>> low < high
    True
    """
    implied = context(PRIMARY_CARE_GAP_IDS[1], PRIMARY_CARE_GAP_IDS)
    low, high = implied.interval(rounding_intervals(claims, implied.inputs))
    return float(low), float(high)
