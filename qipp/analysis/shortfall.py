"""Commissioners' forecast QIPP shortfall in 2013-14, from Q1 to Q2 (notebook 01).

Arithmetic behind notebook 01_shortfall_doubling (NHS England against CCGs is
:mod:`qipp.analysis.nhse_ccgs`, notebook 04), on
the figures of two HSJ analyses: NHS England's internal NISFE report at Q1 2013-14
(end of June 2013) and NHS England's figures at Q2 2013-14 (end of September).
Sums, shares and ratios are :mod:`qipp.derive`'s; where derive already recomputes a
claim or a context figure (:data:`qipp.derive.DERIVATIONS`, :data:`qipp.derive.CONTEXTS`)
it is called here, not copied. Figures no article states (NHS England's Q2 shortfall,
the transactional plan) are implied as remainders and say so in a ``basis`` column.

Two kinds of input:

* tidy tables from :func:`qipp.ledger.load_tidy_table` (``commissioner_position_1314``,
  ``nhse_q1_1314_by_service_area``) for the tables a notebook shows;
* the claims ledger (:func:`qipp.ledger.load_claims`) for checks that need each
  figure's rounding. A published input stands for the interval it could have been
  rounded from (:func:`qipp.derive.input_interval`) and a derived range is taken over
  every corner of those intervals (decision 0003).

Examples
--------
>>> position = pd.DataFrame({
...     "quarter": ["Q1", "Q1", "Q2", "Q2"], "org_type": ["ccg", "nhs_england", "ccg", "sector"],
...     "measure": ["forecast_shortfall"] * 4, "value": [70.0, 50.0, 180.0, 250.0],
...     "unit": ["GBP_m"] * 4})
>>> by_quarter = shortfall_by_quarter(position)
>>> by_quarter.loc[by_quarter["basis"] != "published", ["quarter", "org_type", "shortfall_gbp_m"]]
  quarter     org_type  shortfall_gbp_m
2      Q1       sector            120.0
4      Q2  nhs_england             70.0
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from qipp.analysis.ledger_rows import (
    ORGANISATIONS,
    adhoc_derivation,
    claims_by_id,
    context,
    derived_row,
    gbp_m,
    published_row,
    published_values,
    qualifier_or_none,
    rounding_intervals,
    value_table,
)
from qipp.derivations import DERIVATIONS, bn_to_m, ratio, share_pct, total
from qipp.derive import REPRODUCED, assess, tolerance

RATIO_ID = "sector_q2_vs_q1_shortfall_ratio"
CCG_INCREASE_ID = "ccg_q2_shortfall_increase_gbp_m"
Q2_SHARE_ID = "sector_q2_forecast_shortfall_pct"
TRANSFORMATIONAL_SHARE_ID = "sector_q2_transformational_share_of_shortfall_pct"


def shortfall_by_quarter(position: pd.DataFrame) -> pd.DataFrame:
    """Forecast year-end shortfall per quarter and organisation, the missing one implied.

    Each quarter needs two of CCGs, NHS England and the sector (their sum); the third
    is implied: the Q1 sector figure as CCGs + NHS England, NHS England's Q2 figure as
    sector - CCGs.

    Parameters
    ----------
    position : pandas.DataFrame
        ``quarter``, ``org_type`` (``ccg``, ``nhs_england``, ``sector``), ``measure``,
        ``value``, ``unit``; rows whose measure is ``forecast_shortfall`` are used.

    Returns
    -------
    pandas.DataFrame
        ``quarter``, ``org_type``, ``organisation``, ``shortfall_gbp_m``, ``basis``;
        quarters in sorted order, organisations as in :data:`ORGANISATIONS`.

    Raises
    ------
    ValueError
        A quarter has fewer than two of the three, or one of them twice.
    """
    rows = position.loc[position["measure"] == "forecast_shortfall"]
    out = []
    for quarter in sorted(rows["quarter"].unique()):
        in_quarter = rows.loc[rows["quarter"] == quarter]
        if in_quarter["org_type"].duplicated().any():
            raise ValueError(f"{quarter}: an organisation's forecast shortfall appears twice")
        got = {
            org: gbp_m(value, unit)
            for org, value, unit in zip(
                in_quarter["org_type"], in_quarter["value"], in_quarter["unit"], strict=True
            )
        }
        basis = dict.fromkeys(got, "published")
        missing = [org for org in ORGANISATIONS if org not in got]
        if len(missing) > 1:
            raise ValueError(
                f"{quarter}: need two of ccg, nhs_england and sector to imply the "
                f"third, got {', '.join(sorted(got)) or 'none'}"
            )
        if missing == ["sector"]:
            got["sector"], basis["sector"] = (
                total(got["ccg"], got["nhs_england"]),
                "implied: CCGs + NHS England",
            )
        elif missing:
            org = missing[0]
            other = "nhs_england" if org == "ccg" else "ccg"
            got[org] = got["sector"] - got[other]
            basis[org] = f"implied: sector - {ORGANISATIONS[other]}"
        out += [
            {
                "quarter": quarter,
                "org_type": org,
                "organisation": label,
                "shortfall_gbp_m": got[org],
                "basis": basis[org],
            }
            for org, label in ORGANISATIONS.items()
        ]
    return pd.DataFrame(out)


def shortfall_change(by_quarter: pd.DataFrame, start: str = "Q1", end: str = "Q2") -> pd.DataFrame:
    """Change in forecast shortfall between two quarters, per organisation.

    Parameters
    ----------
    by_quarter : pandas.DataFrame
        As returned by :func:`shortfall_by_quarter`.
    start, end : str
        The quarters compared.

    Returns
    -------
    pandas.DataFrame
        Indexed by organisation: ``<start>_gbp_m``, ``<end>_gbp_m``, ``change_gbp_m``,
        ``share_of_sector_change_pct`` and ``ratio`` (end / start).

    Examples
    --------
    >>> table = pd.DataFrame({"quarter": ["Q1"] * 3 + ["Q2"] * 3,
    ...     "org_type": ["ccg", "nhs_england", "sector"] * 2,
    ...     "organisation": ["CCGs", "NHS England", "Sector"] * 2,
    ...     "shortfall_gbp_m": [70.0, 50.0, 120.0, 180.0, 70.0, 250.0]})
    >>> change = shortfall_change(table)
    >>> change["change_gbp_m"].tolist(), change["share_of_sector_change_pct"].round(1).tolist()
    ([110.0, 20.0, 130.0], [84.6, 15.4, 100.0])
    """
    wide = by_quarter.pivot(index="organisation", columns="quarter", values="shortfall_gbp_m")
    for quarter in (start, end):
        if quarter not in wide.columns:
            raise ValueError(f"no forecast shortfall for quarter {quarter!r}")
    wide = wide.loc[[label for label in ORGANISATIONS.values() if label in wide.index]]
    change = wide[end] - wide[start]
    sector_change = float(change["Sector"])
    return pd.DataFrame(
        {
            f"{start.lower()}_gbp_m": wide[start],
            f"{end.lower()}_gbp_m": wide[end],
            "change_gbp_m": change,
            "share_of_sector_change_pct": [share_pct(c, sector_change) for c in change],
            "ratio": [ratio(e, s) for e, s in zip(wide[end], wide[start], strict=True)],
        }
    ).rename_axis("organisation")


@dataclass(frozen=True)
class DoublingCheck:
    """The sector's Q2 forecast shortfall against its Q1 one (£m), and the published multiple.

    ``ratio_low``/``ratio_high`` span the inputs' rounding; ``robust`` is True when
    that whole span lies inside the published band (not merely touches it).
    ``breakeven_q1_gbp_m`` is the Q1 shortfall at which Q2 would be exactly the
    published multiple, and ``headroom_gbp_m`` how far below it Q1 sits.
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
    )


def share_comparison(claims: pd.DataFrame) -> pd.DataFrame:
    """The shortfall as a share of plan at Q1 and Q2, the plan bases, and their ratio.

    The Q2 article gives a share (12.2 per cent) but no plan; the plan it implies is
    not the Q1 plans' sum, so the quarters are compared on shares as well as pounds.
    The last row solves for the CCG plan at which the Q2 share is exactly the
    published multiple of the Q1 share.

    Returns
    -------
    pandas.DataFrame
        Indexed by measure: ``value``, ``low``, ``high`` (over the inputs' rounding, or
        the published band), ``unit`` and ``basis``.
    """
    ccg_gap, nhse_gap, ccg_plan, nhse_plan = (
        "ccg_q1_forecast_gap_gbp_m",
        "nhse_q1_forecast_gap_gbp_m",
        "ccg_q1_plan_gbp_bn",
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
        lambda q2, cg, ng, cp, np_: ratio(q2, q1_share.func(cg, ng, cp, np_)),
        "Q2 share / Q1 share",
    )
    breakeven = adhoc_derivation(
        (Q2_SHARE_ID, ccg_gap, nhse_gap, nhse_plan),
        lambda q2, cg, ng, np_: ratio(total(cg, ng) * multiple, q2 / 100) - np_,
        "(ccg gap + nhse gap) x multiple / Q2 share - nhse plan",
    )
    plan_q2 = context(Q2_SHARE_ID, ("sector_q2_forecast_shortfall_gbp_m", Q2_SHARE_ID))
    return value_table(
        [
            derived_row("Q1 plan: CCGs + NHS England", q1_plan, claims, "GBP_m", "sum of Q1 plans"),
            derived_row(
                "Q2 plan implied by the published share",
                plan_q2,
                claims,
                "GBP_m",
                "implied: Q2 shortfall / published share",
            ),
            derived_row(
                "Q1 shortfall, % of Q1 plan", q1_share, claims, "pct", "implied: Q1 gaps / Q1 plans"
            ),
            published_row("Q2 shortfall, % of plan (published)", claims, Q2_SHARE_ID),
            derived_row(
                "Q2 shortfall, % of Q1 plan",
                DERIVATIONS[Q2_SHARE_ID],
                claims,
                "pct",
                "implied: Q2 shortfall / Q1 plans",
            ),
            derived_row(
                "Q2 share / Q1 share",
                share_ratio,
                claims,
                "ratio",
                "published Q2 share / implied Q1 share",
            ),
            derived_row(
                "CCG plan at which the share ratio equals the published multiple",
                breakeven,
                claims,
                "GBP_m",
                "solved: Q2 share = multiple x Q1 share",
            ),
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
        lambda g, p, tp, tg: share_pct(g - tg, plan_all.func(g, p) - tp),
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
