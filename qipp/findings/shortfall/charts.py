"""Charts of finding 1: the rise in shortfall by commissioner, and the split by scheme type."""

from __future__ import annotations

from qipp.findings.shortfall.calc import Change
from qipp.findings.shortfall.plan import SchemeSplit
from qipp.plotting.bars import bar_compare
from qipp.plotting.chart import Chart


def shortfall_change_chart(change: Change, *, synthetic: bool = False) -> Chart:
    """Bars: each commissioner's rise in forecast shortfall, Q1 to Q2; an implied one says so."""
    parts = change.frame.drop(index="Sector")
    return bar_compare(
        [
            name if basis == "published" else f"{name} ({basis})"
            for name, basis in zip(parts.index, parts["basis"], strict=True)
        ],
        parts["change_gbp_m"],
        unit="Rise in forecast year-end shortfall, Q1 to Q2 (£m)",
        title="Rise in forecast QIPP shortfall by commissioner, Q1 to Q2 2013-14",
        source=change.source,
        synthetic=synthetic,
    )


def scheme_split_chart(split: SchemeSplit, *, synthetic: bool = False) -> Chart:
    """Bars: each scheme type's share of the plan and of the forecast shortfall at Q2.

    The shares of the shortfall are highlighted; an implied scheme type says so.
    """
    labels, values, rows = [], [], split.frame.to_dict("index")
    for scheme in ("transformational", "transactional"):
        row = rows[scheme]
        name = scheme.capitalize() + ("" if row["basis"] == "published" else " (implied)")
        labels += [f"{name}: share of plan", f"{name}: share of shortfall"]
        values += [row["plan_share_pct"], row["shortfall_share_pct"]]
    return bar_compare(
        labels,
        values,
        unit="Share of the sector's 2013-14 QIPP total (%)",
        title="QIPP plan and forecast shortfall by scheme type, Q2 2013-14",
        highlight=labels[1::2],
        source=split.source,
        synthetic=synthetic,
    )
