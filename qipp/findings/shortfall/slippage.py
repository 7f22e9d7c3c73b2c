"""Finding 1 CCG by CCG, continued: scheme types at the latest quarter, the declared test, the record.

The test (decision 0046): Spearman's rho, two-sided at 5%, of each CCG's Q1 year-to-date
shortfall (% of its YTD plan) against the change in its forecast gap (% of plan, Q1 to
Q2); reported with the smallest |rho| its n detects with 80% power. A statistic, not a
reproduction: no article claims it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from qipp import stats
from qipp.display import ShownAsTable, Table, table
from qipp.findings.shortfall.ccgs import RegionalYtd, ShortfallMoves, reason_table, share_of_ccgs
from qipp.findings.target_gap.calc import MODERATE_RHO
from qipp.findings.wording import ccgs, moved
from qipp.panel.check.quarterly import scheme_frame
from qipp.panel.measures import shortfall_pct
from qipp.panel.quarters import paired_quarters
from qipp.panel.schema import FORECAST_SPLIT_COLUMN
from qipp.panel.summary import MIN_CCGS
from qipp.stats import SpearmanResult

ALPHA, POWER = 0.05, 0.8  # the declared test's level, and the power its size is judged at


@dataclass(frozen=True)
class SchemeShortfall(ShownAsTable):
    """Plan, forecast and forecast shortfall by scheme type at the latest quarter (``frame``)."""

    frame: pd.DataFrame
    quarter: str | None = None
    reason: str | None = None
    source: str = ""

    def as_table(self, caption: str | None = None) -> Table:
        title = f"Forecast shortfall by type of scheme, {self.quarter}"
        if self.reason:
            return reason_table("Forecast shortfall by type of scheme", self.reason)
        labels = {"scheme": "Schemes", "plan_gbp_m": "Plan (£m)", "forecast_gbp_m": "Forecast (£m)"}
        labels |= {"shortfall_gbp_m": "Forecast shortfall (£m)", "miss_pct": "% of own plan"}
        labels["share_pct"] = "Share of the shortfall (%)"
        formats = dict.fromkeys(("plan_gbp_m", "forecast_gbp_m", "shortfall_gbp_m"), ",.1f")
        what = "each CCG's shortfall on each type, max(0, plan - forecast), summed"
        return table(
            self.frame,
            labels=labels,
            formats=formats | {"miss_pct": ".1f", "share_pct": ".1f"},
            caption=caption or f"Source: {self.source}; {what}.",
            title=title,
        )


def scheme_shortfall(panel: pd.DataFrame, *, source: str = "") -> SchemeShortfall:
    """Transformational against transactional (the rest) forecast shortfall at the second quarter."""
    paired = paired_quarters(panel)
    if isinstance(paired, str) or FORECAST_SPLIT_COLUMN not in panel.columns:
        why = (
            paired
            if isinstance(paired, str)
            else f"the panel has no {FORECAST_SPLIT_COLUMN} column"
        )
        return SchemeShortfall(pd.DataFrame(), reason=why, source=source)
    return SchemeShortfall(scheme_frame(paired[3]), paired[1], None, source)


@dataclass(frozen=True)
class SlippageTest(ShownAsTable):
    """The declared test: Spearman's rho of Q1 YTD slippage against the change in forecast gap.

    ``min_detectable`` is the smallest |rho| the panel's n detects with :data:`POWER`;
    ``power_moderate`` the power against a moderate rho (0.3).
    """

    correlation: SpearmanResult | None
    reason: str | None
    n: int
    min_detectable: float | None = None
    power_moderate: float | None = None
    source: str = ""

    @property
    def detected(self) -> bool | None:
        return None if self.correlation is None else bool(self.correlation.p_value < ALPHA)

    @property
    def inconclusive(self) -> bool:
        """Nothing detected by a test that could miss a moderate correlation."""
        small = self.min_detectable is not None and self.min_detectable > MODERATE_RHO
        return self.detected is False and small

    def as_table(self, caption: str | None = None) -> Table:
        title = "Does Q1 year-to-date slippage predict the change in forecast gap?"
        if self.correlation is None:
            return reason_table(title, str(self.reason))
        what = "x: Q1 YTD shortfall (% of YTD plan); y: change in forecast gap (points of plan)"
        shown = self.correlation.as_table(caption or f"Source: {self.source}; {what}.")
        return replace(shown, title=title)


def slippage_test(panel: pd.DataFrame, *, source: str = "") -> SlippageTest:
    """Spearman's rho of Q1 YTD shortfall % against the Q1-to-Q2 change in forecast gap %."""
    paired = paired_quarters(panel)
    if isinstance(paired, str):
        return SlippageTest(None, paired, 0, source=source)
    first = paired[2]
    slip = shortfall_pct(first["ytd_plan_gbp_m"], first["ytd_actual_gbp_m"])
    gaps = [shortfall_pct(q["qipp_plan_gbp_m"], q["forecast_outturn_gbp_m"]) for q in paired[2:]]
    change, n = gaps[1] - gaps[0], len(slip)
    reason = None
    if n < MIN_CCGS:
        reason = (
            f"only {n} CCG{'' if n == 1 else 's'} in both quarters: a rank test needs {MIN_CCGS}"
        )
    elif np.all(slip == slip[0]):
        reason = "every CCG has the same Q1 year-to-date slippage"
    elif np.all(change == change[0]):
        reason = "every CCG's forecast gap moved by the same amount"
    if reason:
        return SlippageTest(None, reason, n, source=source)
    least = stats.min_detectable_abs_r(n, ALPHA, POWER)
    moderate = stats.power_for_r(MODERATE_RHO, n, ALPHA)
    return SlippageTest(
        stats.spearman_with_ci(slip, change, ALPHA), None, n, least, moderate, source
    )


def slippage_sentence(test: SlippageTest, *, synthetic: bool) -> str:
    """The declared test in words: what it found and what the panel's size can see."""
    if test.correlation is None:
        return (
            f"Whether Q1 year-to-date slippage predicts the change cannot be tested: {test.reason}."
        )
    text = (
        f"{stats.correlation_verdict(test.correlation, ALPHA)} {ccgs(test.n)} detect |rho| of "
        f"{test.min_detectable:.2f} or more with {POWER:.0%} power; against a moderate "
        f"{MODERATE_RHO} their power is {test.power_moderate:.0%}."
    )
    if test.inconclusive:
        text += ' So "no correlation" here is inconclusive.'
    return text + (" (Synthetic panel: illustrates the method only.)" if synthetic else "")


def ccg_sentence(moves: ShortfallMoves, regions: RegionalYtd, *, synthetic: bool) -> str:
    """How the CCGs' forecast shortfall moved and how the regions stand to the article's words."""
    if moves.reason or moves.counts is None or moves.quarters is None:
        return f"CCG by CCG: {moves.reason}, so these figures are left blank."
    q1, q2 = moves.quarters
    grew, held, shrank = moves.counts.values()
    text = (
        f"Of the {ccgs(len(moves.frame))} in both {q1} and {q2}, the forecast shortfall grew for "
        f"{grew}, held for {held} and shrank for {shrank}; in all it "
        f"{moved(moves.net_increase_gbp_m or 0.0)}."
    )
    half = moves.half_increase
    if half:
        text += (
            f" Half of that rise came from {ccgs(len(half))}, "
            f"{share_of_ccgs(moves):.0f}% of those in both quarters."
        )
    worse, better = regions.regions("worsened") or [], regions.regions("improved") or []
    text += (
        f" Of {len(regions.frame)} regions, year-to-date performance worsened in {len(worse)} "
        f"({', '.join(worse) or 'none'}) and improved in {len(better)} "
        f"({', '.join(better) or 'none'})"
    )
    if synthetic:
        return text + "; against the article's words: n/a (synthetic data)."
    agrees = "as" if regions.as_article_says else "not as"
    return text + f", {agrees} the article says (three of four worsened; the North improved)."


def _round(value: float | None, places: int) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), places)


def ccg_findings(
    moves: ShortfallMoves,
    regions: RegionalYtd,
    schemes: SchemeShortfall,
    test: SlippageTest,
    *,
    synthetic: bool,
) -> tuple[dict[str, Any], list[str]]:
    """The CCG-by-CCG figures of notebook 01's record, and a note for each one left null."""
    counts, half, r = moves.counts or {}, moves.half_increase, test.correlation
    shares = schemes.frame.set_index("scheme")["share_pct"] if schemes.reason is None else None
    tf = None if shares is None else float(shares["Transformational"])
    figures: dict[str, Any] = {
        "ccg_quarters": list(moves.quarters) if moves.quarters else None,
        "ccgs_worsened": counts.get("grew"),
        "ccgs_held": counts.get("held"),
        "ccgs_improved": counts.get("shrank"),
        "shortfall_change_gbp_m": _round(moves.net_increase_gbp_m, 3),
        "half_increase_ccgs": half,
        "half_increase_share_pct": _round(share_of_ccgs(moves), 2),
        "regions_worsened": regions.regions("worsened"),
        "regions_improved": regions.regions("improved"),
        "regions_as_article_says": None if synthetic else regions.as_article_says,
        "transformational_share_of_ccg_shortfall_pct": _round(tf, 2),
        "q1_slippage_predicts_change": None
        if r is None
        else {"rho": round(r.rho, 4), "p": round(r.p_value, 4), "n": r.n},
        "q1_slippage_min_detectable_abs_rho": _round(test.min_detectable, 4),
    }
    if moves.reason:
        return figures, [f"CCG-by-CCG figures: null because {moves.reason}."]
    nulls = {
        "half_increase_ccgs, half_increase_share_pct": moves.half_reason,
        "regions_as_article_says": "the panel is synthetic" if synthetic else None,
        "transformational_share_of_ccg_shortfall_pct": None
        if figures["transformational_share_of_ccg_shortfall_pct"] is not None
        else schemes.reason or "no CCG forecasts a shortfall on either type",
        "q1_slippage_predicts_change, q1_slippage_min_detectable_abs_rho": test.reason,
    }
    return figures, [f"{keys}: null because {why}." for keys, why in nulls.items() if why]
