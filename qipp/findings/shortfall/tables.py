"""The tables of notebook 01 (the shortfall "more than doubling"), as a reader sees them.

Each takes a result of :mod:`qipp.findings.shortfall.calc` or
:mod:`qipp.findings.shortfall.claims` and returns a :class:`qipp.display.Table`:
headers in words with their units, fixed decimals per column, a dash where a
figure is not derived, and a caption naming the source.
"""

from __future__ import annotations

import pandas as pd

from qipp.display import Table, facts, table
from qipp.findings.claims.calc import short_names
from qipp.findings.claims.tables import claims_table
from qipp.findings.shortfall.claims import PUBLISHED_IDS, REGIONAL_IDS, DoublingCheck
from qipp.ledger import load_sources

SCORED = "status and derived value: qipp.derive.scorecard"
SCHEME_NAMES = {
    "transformational": "Transformational",
    "transactional": "Transactional",
    "all": "All",
}


def source_names(card: pd.DataFrame) -> list[str]:
    """Short names of the sources of :data:`PUBLISHED_IDS`, in order: the Q1 report, the Q2 article.

    >>> from qipp.derive import scorecard
    >>> source_names(scorecard())
    ['HSJ, NHS England internal NISFE report, Q1 2013-14', "HSJ, commissioners' QIPP at Q2 2013-14"]
    """
    names = short_names(load_sources())
    chosen = card.set_index("id").loc[list(PUBLISHED_IDS), "source"]
    return [names[source] for source in dict.fromkeys(chosen)]


def _name(card: pd.DataFrame, claim_id: str) -> str:
    return short_names(load_sources())[str(card.set_index("id").loc[claim_id, "source"])]


def published_tables(card: pd.DataFrame) -> list[Table]:
    """The published figures notebook 01 uses, one table per source, with their status.

    Parameters
    ----------
    card : pandas.DataFrame
        The scorecard (:func:`qipp.derive.scorecard`).

    Returns
    -------
    list of qipp.display.Table
        In the order the sources first appear in :data:`PUBLISHED_IDS`.
    """
    chosen = card.set_index("id").loc[list(PUBLISHED_IDS)]
    columns = ("id", "quantity", "as_published", "status", "derived")
    return [
        claims_table(
            card,
            columns,
            ids=ids,
            caption=f"Source: {_name(card, ids[0])}; {SCORED}",
        )
        for ids in (
            list(chosen.index[chosen["source"] == source])
            for source in dict.fromkeys(chosen["source"])
        )
    ]


def regional_table(card: pd.DataFrame) -> Table:
    """The Q2 article's counts of NHS England regions, in its words, with their status."""
    return claims_table(
        card,
        ("id", "quote", "as_published", "status", "derived"),
        ids=REGIONAL_IDS,
        caption=f"Source: {_name(card, REGIONAL_IDS[0])}; {SCORED}",
    )


def by_quarter_table(by_quarter: pd.DataFrame, source: str) -> Table:
    """Forecast year-end shortfall per quarter and organisation, and whether it is published."""
    return table(
        by_quarter,
        columns=["quarter", "organisation", "shortfall_gbp_m", "basis"],
        labels={
            "quarter": "Quarter",
            "organisation": "Organisation",
            "shortfall_gbp_m": "Forecast year-end shortfall (£m)",
            "basis": "Basis",
        },
        formats={"shortfall_gbp_m": ",.1f"},
        caption=f"Source: {source}; implied figures: qipp.findings.shortfall.calc.shortfall_by_quarter",
    )


def doubling_table(check: DoublingCheck, source: str) -> Table:
    """The sector's Q2 shortfall against its Q1 one, over the inputs' rounding."""
    items = {
        "Q1 forecast shortfall, sector (£m)": check.q1_gbp_m,
        "Q2 forecast shortfall, sector (£m)": check.q2_gbp_m,
        "Q2 / Q1 (ratio)": check.ratio,
        "Q2 / Q1, lowest over the inputs' rounding": check.ratio_low,
        "Q2 / Q1, highest over the inputs' rounding": check.ratio_high,
        "Published": check.published,
        "Status in qipp.derive": check.status,
        "Every value over the rounding clears the multiple": check.robust,
        "Q1 shortfall at which Q2 is exactly the multiple (£m)": check.breakeven_q1_gbp_m,
        "Headroom: that Q1 shortfall less the published one (£m)": check.headroom_gbp_m,
    }
    formats = {
        name: ",.1f" if "£m" in name else ".3f"
        for name, value in items.items()
        if isinstance(value, float)
    }
    return facts(
        items,
        formats=formats,
        caption=f"Source: {source}; qipp.findings.shortfall.calc.doubling_check",
    )


def change_table(change: pd.DataFrame, source: str) -> Table:
    """The change from Q1 to Q2 per organisation (:func:`~qipp.findings.shortfall.calc.shortfall_change`)."""
    return table(
        change.reset_index(),
        labels={
            "organisation": "Organisation",
            "q1_gbp_m": "Q1 (£m)",
            "q2_gbp_m": "Q2 (£m)",
            "change_gbp_m": "Change (£m)",
            "share_of_sector_change_pct": "Share of the sector's change (%)",
            "ratio": "Q2 / Q1 (ratio)",
            "basis": "Basis",
        },
        formats={
            "q1_gbp_m": ",.1f",
            "q2_gbp_m": ",.1f",
            "change_gbp_m": ",.1f",
            "share_of_sector_change_pct": ".1f",
            "ratio": ".2f",
        },
        caption=f"Source: {source}; qipp.findings.shortfall.calc.shortfall_change",
    )


_UNIT_LABELS = {"GBP_m": "£m", "pct": "%", "ratio": "ratio"}


def share_table(shares: pd.DataFrame, source: str) -> Table:
    """Plans and shares of plan at Q1 and Q2, each over the inputs' rounding.

    The unit goes in each measure's label, so one column can hold £m, per cents
    and a ratio at two decimals each.
    """
    frame = shares.reset_index()
    frame["measure"] = [
        f"{m} ({_UNIT_LABELS.get(u, u)})"
        for m, u in zip(frame["measure"], frame["unit"], strict=True)
    ]
    return table(
        frame,
        columns=["measure", "value", "low", "high", "basis"],
        labels={
            "measure": "Measure (unit)",
            "value": "At the published inputs",
            "low": "Lowest over the rounding",
            "high": "Highest over the rounding",
            "basis": "Basis",
        },
        formats={"value": ",.2f", "low": ",.2f", "high": ",.2f"},
        caption=f"Source: {source}; qipp.findings.shortfall.calc.share_comparison",
    )


def scheme_table(split: pd.DataFrame, source: str) -> Table:
    """Plan and forecast shortfall at Q2 by scheme type (:func:`~qipp.findings.shortfall.calc.scheme_split`)."""
    frame = split.reset_index()
    frame["scheme"] = [SCHEME_NAMES.get(s, s) for s in frame["scheme"]]
    return table(
        frame,
        columns=[
            "scheme",
            "plan_gbp_m",
            "shortfall_gbp_m",
            "plan_share_pct",
            "shortfall_share_pct",
            "miss_pct",
            "miss_pct_low",
            "miss_pct_high",
            "basis",
        ],
        labels={
            "scheme": "Schemes",
            "plan_gbp_m": "Plan (£m)",
            "shortfall_gbp_m": "Forecast shortfall (£m)",
            "plan_share_pct": "Share of the plan (%)",
            "shortfall_share_pct": "Share of the shortfall (%)",
            "miss_pct": "Shortfall (% of own plan)",
            "miss_pct_low": "Lowest over the rounding (%)",
            "miss_pct_high": "Highest over the rounding (%)",
            "basis": "Basis",
        },
        formats={
            "plan_gbp_m": ",.1f",
            "shortfall_gbp_m": ",.1f",
            "plan_share_pct": ".1f",
            "shortfall_share_pct": ".1f",
            "miss_pct": ".2f",
            "miss_pct_low": ".2f",
            "miss_pct_high": ".2f",
        },
        split_after=4,
        caption=f"Source: {source}; qipp.findings.shortfall.calc.scheme_split",
    )
