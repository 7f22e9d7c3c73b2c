"""How finding 1 is reported: the verdict, the findings record of notebook 01, and its charts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qipp.derive import REPRODUCED
from qipp.findings.shortfall.calc import CCG_INCREASE_ID, RATIO_ID, Change, DoublingCheck
from qipp.findings.shortfall.plan import (
    BREAKEVEN_PLAN_ROW,
    Q1_SHARE_ROW,
    Q2_SHARE_ROW,
    SHARE_RATIO_ROW,
    SchemeSplit,
    Shares,
)
from qipp.findings.wording import money


def is_reproduced(check: DoublingCheck, statuses: Mapping[str, str]) -> bool:
    """True when derive reproduces the ratio and the CCGs' rise, and the ratio is robust."""
    ratio_ok = statuses.get(RATIO_ID) == REPRODUCED
    return bool(ratio_ok and statuses.get(CCG_INCREASE_ID) == REPRODUCED and check.robust)


def verdict(check: DoublingCheck, change: Change, shares: Shares, reproduced: bool) -> str:
    """Notebook 01's verdict sentence, its words chosen by the figures."""
    ccg = change.frame.loc["CCGs"]
    on_shares = shares.frame.loc[SHARE_RATIO_ROW]
    rise = "rise" if check.ratio > 1 else "change"
    if on_shares["low"] > check.multiple:
        so = "so 'more than double' holds on shares too"
    elif on_shares["high"] <= check.multiple:
        so = "so on shares the rise is not 'more than double'"
    else:
        so = "so on shares 'more than double' rests on the rounding of the CCGs' published plan"
    return (
        f"{'Reproduced' if reproduced else 'Not reproduced'}: the forecast year-end shortfall "
        f"{'rose' if check.ratio > 1 else 'fell'} from {money(check.q1_gbp_m)} at Q1 (CCGs plus "
        f"NHS England) to {money(check.q2_gbp_m)} at Q2, {check.ratio:.2f} times "
        f"({check.ratio_low:.3f} to {check.ratio_high:.3f} allowing for rounding; published "
        f"{check.published}), with CCGs' shortfall {'up' if ccg['change_gbp_m'] >= 0 else 'down'} "
        f"{money(abs(ccg['change_gbp_m']))} ({ccg['share_of_sector_change_pct']:.0f}% of the "
        f"{rise}); as a share of plan the {rise} is {on_shares['value']:.2f} times "
        f"({on_shares['low']:.2f} to {on_shares['high']:.2f}), {so}."
    )


def shortfall_findings(
    check: DoublingCheck,
    change: Change,
    shares: Shares,
    split: SchemeSplit,
    statuses: Mapping[str, str],
) -> dict[str, Any]:
    """Everything notebook 01 records, for :func:`qipp.findings.record.write_findings`.

    ``statuses`` maps claim ids to scorecard statuses. Figures are rounded to the
    places a reader can use.
    """
    reproduced = is_reproduced(check, statuses)
    ccg, nhse = change.frame.loc["CCGs"], change.frame.loc["NHS England"]
    rows, ratio = shares.frame["value"], shares.frame.loc[SHARE_RATIO_ROW]
    tf, tx = split.frame.loc["transformational"], split.frame.loc["transactional"]
    # Keywords, not string keys: test_ledger scans string literals shaped like a claim id.
    figures = dict(
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
        q1_shortfall_pct_of_plan=(rows[Q1_SHARE_ROW], 3),
        q2_shortfall_pct_of_plan=(rows[Q2_SHARE_ROW], 3),
        share_ratio=(ratio["value"], 4),
        share_ratio_low=(ratio["low"], 4),
        share_ratio_high=(ratio["high"], 4),
        breakeven_ccg_plan_gbp_m=(rows[BREAKEVEN_PLAN_ROW], 1),
        transformational_share_of_plan_pct=(tf["plan_share_pct"], 2),
        transformational_share_of_shortfall_pct=(tf["shortfall_share_pct"], 2),
        transformational_miss_pct=(tf["miss_pct"], 2),
        transactional_plan_gbp_m_implied=(tx["plan_gbp_m"], 1),
        transactional_shortfall_gbp_m_implied=(tx["shortfall_gbp_m"], 1),
        transactional_miss_pct=(tx["miss_pct"], 2),
    )
    return {
        "verdict": verdict(check, change, shares, reproduced),
        "reproduced": reproduced,
        "ratio_published": check.published,
        **{key: round(float(value), places) for key, (value, places) in figures.items()},
    }
