"""PCTs' 2010-11 plans as HSJ published them (notebook 05): misses, unidentified savings, mix.

Each function takes the tidy table ``pct_plans_2010_11`` (``organisation``, ``period``,
``measure``, ``value``, from :func:`qipp.ledger.load_tidy_table`) or a result built from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from qipp.display import ShownAsTable, Table, table
from qipp.ledger import cite

ARTICLE = "hsj_pct_progress_2010"
# Published shares of a plan, and parts of a plan published in £m, by measure name.
SHARE_MEASURES = {
    "urgent_care_over_75s_share_pct": "urgent care (over-75s)",
    "elective_variation_share_pct": "elective care variation",
    "prescribing_share_pct": "prescribing",
    "demand_management_share_pct": "demand management",
}
PART_MEASURES = {"prescribing_saving": "prescribing", "nonrecurrent_cuts": "non-recurrent cuts"}
# Which measures are progress signals: (signal, derived from £m, a year-end forecast).
SIGNALS = {
    "forecast_miss_pct": ("forecast year-end miss", False, True),
    "forecast_miss": ("possible year-end miss", True, True),
    "at_risk": ("savings rated high risk of not being made", True, False),
    "ytd_shortfall_pct": ("behind plan, year to date", False, False),
}
PUBLISHED, DERIVED = "published", "derived"
PLANS = "data/tables/pct_plans_2010_11.csv via the ledger"
# The header each column shows under in this finding's tables (a PCT's is "As HSJ names it").
LABELS = {
    "organisation": "Organisation",
    "period": "Period",
    "signal": "Signal",
    "category": "Savings from",
    "pct": "Share of the plan (%)",
    "share_pct": "Share of the plan (%)",
    "basis": "Basis",
    "year_end_forecast": "Year-end forecast",
    "plan_gbp_m": "Plan (£m)",
    "amount_gbp_m": "Amount (£m)",
    "unidentified_gbp_m": "Not yet identified (£m)",
    "unidentified_pct": "Derived (% of plan)",
    "published_pct": "Published (% of plan)",
    "agrees": "Derived rounds to published",
    "derived_pct": "Share the amount gives (%)",
    "gap_pct_points": "Difference (points)",
    "beyond_rounding": "Beyond rounding",
    "published_amount_gbp_m": "Published amount (£m)",
    "amount_at_published_pct_gbp_m": "Amount the published share gives (£m)",
    "n_reporting": "PCTs reporting a year-end forecast",
    "n_unnamed": "Of them not named",
    "unnamed_mean_pct": "Mean miss the unnamed need (%)",
    "possible": "Possible (inside the published range)",
    "id": "Claim",
    "quote": "As the article puts it",
    "as_published": "As published",
    "recomputed": "Recomputed",
    "status": "Status",
    "note": "How it was checked",
    "pct_code": "PCT code (ODS)",
    "pct_name": "PCT (as ONS names it)",
    "sha_codes": "SHA code (ODS)",
    "sha_names": "Strategic health authority",
    "why": "Why not matched",
}


def source_caption(detail: str) -> str:
    """A table's caption: the article as its source, then ``detail``."""
    return f"Source: {cite(ARTICLE)}. {detail}"


def shown(
    frame: pd.DataFrame,
    caption: str,
    one_decimal: Sequence[str] = (),
    *,
    labels: dict[str, str] | None = None,
    formats: dict[str, str] | None = None,
    **options: Any,
) -> Table:
    """``frame`` under :data:`LABELS` (or ``labels``), ``one_decimal`` columns to one decimal."""
    labels, formats = LABELS | (labels or {}), dict.fromkeys(one_decimal, ",.1f") | (formats or {})
    return table(frame, labels=labels, formats=formats, caption=caption, **options)


def _lookup(plans: pd.DataFrame, column: str = "value") -> dict[tuple[str, str, str], float]:
    needs = ["organisation", "period", "measure", "value"]
    missing = [c for c in needs if c not in plans.columns]
    if missing:
        raise KeyError(f"table lacks column(s) {', '.join(missing)} (needs {', '.join(needs)})")
    if plans.duplicated(needs[:3]).any():
        raise ValueError("each (organisation, period, measure) must appear once")
    keys = plans.loc[:, [*needs[:3], column]]
    return {(o, p, m): float(v) for o, p, m, v in keys.itertuples(index=False)}


@dataclass(frozen=True)
class Progress(ShownAsTable):
    """Every progress signal as a percentage of the PCT's plan (``frame``, one row each).

    ``amount_gbp_m`` and ``plan_gbp_m`` are NaN when not published; ``year_end_forecast``
    is True only for a forecast year-end miss, the measure the published average is of.
    """

    frame: pd.DataFrame

    @property
    def year_end(self) -> pd.DataFrame:
        """The forecast year-end misses only."""
        return self.frame.loc[self.frame["year_end_forecast"]]

    def as_table(self, caption: str | None = None) -> Table:
        detail = (
            f"Figures: {PLANS}; derived shares: each signal over the PCT's plan. "
            "A dash: not given in the article."
        )
        return shown(
            self.frame,
            caption or source_caption(detail),
            ["pct", "amount_gbp_m", "plan_gbp_m"],
            title="PCTs' progress with QIPP in 2010-11, as published and as shares of plan",
        )


def progress_measures(plans: pd.DataFrame) -> Progress:
    """Every progress signal in the table (:data:`SIGNALS`) as a percentage of the plan."""
    values = _lookup(plans)
    rows = []
    for (org, period, measure), value in values.items():
        if measure not in SIGNALS:
            continue
        signal, from_amount, year_end = SIGNALS[measure]
        plan = values.get((org, period, "plan"), np.nan)
        if not from_amount:
            rows.append((org, signal, value, np.nan, plan, PUBLISHED, year_end))
        elif np.isfinite(plan):
            rows.append((org, signal, 100 * value / plan, value, plan, DERIVED, year_end))
    columns = ["organisation", "signal", "pct", "amount_gbp_m", "plan_gbp_m", "basis"]
    return Progress(pd.DataFrame(rows, columns=[*columns, "year_end_forecast"]))


@dataclass(frozen=True)
class Unidentified(ShownAsTable):
    """Savings not yet identified, as a share of the same organisation's plan for the period.

    ``agrees``: the derived share rounds to the published one at its stated step (None
    when the table has no ``precision`` column).
    """

    frame: pd.DataFrame

    def as_table(self, caption: str | None = None) -> Table:
        detail = f"Figures: {PLANS}; derived: unidentified savings as a share of the plan."
        return shown(
            self.frame,
            caption or source_caption(detail),
            ["plan_gbp_m", "unidentified_gbp_m", "unidentified_pct"],
            formats={"published_pct": "g"},
            title="Savings not yet identified, as a share of plan",
        )


def unidentified_savings(plans: pd.DataFrame) -> Unidentified:
    """Savings not yet identified, as a share of the plan of the same organisation and period."""
    values = _lookup(plans)
    steps = _lookup(plans, "precision") if "precision" in plans.columns else {}
    rows = []
    for (org, period, measure), amount in values.items():
        if measure != "unidentified":
            continue
        plan = values.get((org, period, "plan"))
        if plan is None:
            raise ValueError(
                f"{org} ({period}) has unidentified savings but no plan to set them against"
            )
        derived = 100 * amount / plan
        published = values.get((org, period, "unidentified_pct"), np.nan)
        step = steps.get((org, period, "unidentified_pct"), np.nan)
        agrees = bool(abs(derived - published) <= step / 2) if np.isfinite(step) else None
        rows.append((org, period, plan, amount, derived, published, agrees))
    columns = ["organisation", "period", "plan_gbp_m", "unidentified_gbp_m", "unidentified_pct"]
    return Unidentified(pd.DataFrame(rows, columns=[*columns, "published_pct", "agrees"]))


@dataclass(frozen=True)
class SavingsMix(ShownAsTable):
    """Each share of a plan, published or derived from a £m part; ``plan_gbp_m`` NaN if none."""

    frame: pd.DataFrame

    def as_table(self, caption: str | None = None) -> Table:
        detail = f"Figures: {PLANS}; derived: each kind of saving over its plan. A dash: no plan given for that period."
        columns = ["organisation", "category", "period", "share_pct", "basis", "plan_gbp_m"]
        return shown(
            self.frame,
            caption or source_caption(detail),
            ["share_pct", "plan_gbp_m", "amount_gbp_m"],
            columns=[*columns, "amount_gbp_m"],
            labels={"period": "Plan's period"},
            title="Where PCTs' planned savings come from",
        )


def savings_mix(plans: pd.DataFrame) -> SavingsMix:
    """Each published share of a plan, and each share computable from a £m part of it."""
    values = _lookup(plans)
    rows = []
    for (org, period, measure), value in values.items():
        plan = values.get((org, period, "plan"), np.nan)
        if measure in SHARE_MEASURES:
            category = SHARE_MEASURES[measure]
            rows.append((org, period, category, value, PUBLISHED, plan, value / 100 * plan))
        elif measure in PART_MEASURES:
            if not np.isfinite(plan):
                raise ValueError(
                    f"{org} ({period}) has a £m {measure} but no plan to set it against"
                )
            category = PART_MEASURES[measure]
            rows.append((org, period, category, 100 * value / plan, DERIVED, plan, value))
    columns = ["organisation", "period", "category", "share_pct", "basis", "plan_gbp_m"]
    return SavingsMix(pd.DataFrame(rows, columns=[*columns, "amount_gbp_m"]))


@dataclass(frozen=True)
class Discrepancies(ShownAsTable):
    """A published share beside the share its £m amount gives, and the amount each implies.

    ``gap_pct_points`` is derived minus published.
    """

    frame: pd.DataFrame

    @property
    def flagged(self) -> pd.DataFrame:
        """The rows whose gap is beyond the published share's rounding."""
        return self.frame.loc[self.frame["beyond_rounding"]]

    def as_table(self, caption: str | None = None) -> Table:
        formats = {"published_pct": "g", "derived_pct": ".2f", "gap_pct_points": "+.2f"}
        return shown(
            self.frame,
            caption or source_caption("Derived from the figures of the same article."),
            ["plan_gbp_m", "published_amount_gbp_m"],
            columns=[c for c in self.frame.columns if c != "period"],
            labels={"published_pct": "Published share (%)"},
            formats=formats | {"amount_at_published_pct_gbp_m": ",.2f"},
            split_after=5,
            title="Published shares of plan against the shares the published amounts give",
        )


def mix_discrepancies(mix: SavingsMix, half_step_pct_points: float = 0.5) -> Discrepancies:
    """Where a published share and the share its £m amount gives are both known, side by side.

    ``half_step_pct_points``: half the step the published shares are stated to; a wider
    gap is beyond the published share's rounding.

    >>> t = pd.DataFrame({"organisation": ["C"] * 3, "period": ["2010-11"] * 3,
    ...                   "measure": ["plan", "prescribing_share_pct", "prescribing_saving"],
    ...                   "value": [40.0, 30.0, 10.0]})
    >>> mix = savings_mix(t)
    >>> mix.frame[["share_pct", "basis", "amount_gbp_m"]].values.tolist()
    [[30.0, 'published', 12.0], [25.0, 'derived', 10.0]]
    >>> mix_discrepancies(mix).frame[["gap_pct_points", "beyond_rounding"]].values.tolist()
    [[-5.0, True]]
    """
    keys = ["organisation", "period", "category"]
    frame = mix.frame
    published = frame[frame["basis"] == PUBLISHED].set_index(keys)
    derived = frame[frame["basis"] == DERIVED].set_index(keys)
    both = published.merge(derived, left_index=True, right_index=True, suffixes=("_pub", "_der"))
    gap = both["share_pct_der"] - both["share_pct_pub"]
    out = pd.DataFrame(
        {
            "published_pct": both["share_pct_pub"],
            "derived_pct": both["share_pct_der"],
            "gap_pct_points": gap,
            "beyond_rounding": gap.abs() > half_step_pct_points,
            "plan_gbp_m": both["plan_gbp_m_der"],
            "published_amount_gbp_m": both["amount_gbp_m_der"],
            "amount_at_published_pct_gbp_m": both["amount_gbp_m_pub"],
        }
    )
    return Discrepancies(out.reset_index())
