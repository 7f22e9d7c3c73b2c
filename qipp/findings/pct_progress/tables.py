"""The tables of notebook 05 as a reader sees them, through :func:`qipp.display.table`.

Each function takes a result of :mod:`qipp.findings.pct_progress.calc` (or the PCT
register's match, or the scorecard) and returns a :class:`qipp.display.Table`
with headers in words and units, fixed decimals, a dash for a figure the article
does not give, yes/no for a check, and a caption naming the source.

Examples
--------
>>> progress = pd.DataFrame({"organisation": ["A"], "signal": ["forecast year-end miss"],
...                          "pct": [10.0], "amount_gbp_m": [float("nan")],
...                          "plan_gbp_m": [float("nan")], "basis": ["published"],
...                          "year_end_forecast": [True]})
>>> print(progress_table(progress, "HSJ").cells.to_string(index=False))
Organisation                 Signal Share of the plan (%) Amount (£m) Plan (£m)     Basis Year-end forecast
           A forecast year-end miss                  10.0           –         –  published               yes
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from qipp.display import Table, facts, table
from qipp.findings.pct_progress.average import Extrapolation
from qipp.ledger.wording import as_published
from qipp.reference.pcts import MATCHED
from qipp.reference.provenance import OGL_CREDIT

ONE_DECIMAL = ",.1f"
_PLANS = "data/tables/pct_plans_2010_11.csv via the ledger"
_PCT_LISTS = (
    "ONS, primary care trusts of 2012 and their strategic health authorities "
    "(data/reference/raw), matched by qipp.reference.pcts.match_pcts"
)


def _caption(source: str, detail: str) -> str:
    return f"Source: {source}. {detail}"


def progress_table(progress: pd.DataFrame, source: str) -> Table:
    """Every progress signal the article gives, as a share of the PCT's plan."""
    return table(
        progress,
        labels={
            "organisation": "Organisation",
            "signal": "Signal",
            "pct": "Share of the plan (%)",
            "amount_gbp_m": "Amount (£m)",
            "plan_gbp_m": "Plan (£m)",
            "basis": "Basis",
            "year_end_forecast": "Year-end forecast",
        },
        formats={"pct": ONE_DECIMAL, "amount_gbp_m": ONE_DECIMAL, "plan_gbp_m": ONE_DECIMAL},
        caption=_caption(
            source,
            f"Figures: {_PLANS}; derived shares: qipp.findings.pct_progress.calc.progress_measures. "
            "A dash: not given in the article.",
        ),
    )


def matched_pcts_table(names: pd.DataFrame) -> Table:
    """The organisations that name exactly one PCT of 2012, with its codes and SHA."""
    matched = names.loc[names["status"] == MATCHED]
    return table(
        matched,
        columns=["organisation", "pct_code", "pct_name", "sha_codes", "sha_names"],
        labels={
            "organisation": "As HSJ names it",
            "pct_code": "PCT code (ODS)",
            "pct_name": "PCT (as ONS names it)",
            "sha_codes": "SHA code (ODS)",
            "sha_names": "Strategic health authority",
        },
        caption=f"Source: {_PCT_LISTS}. A PCT in two SHAs lists both. {OGL_CREDIT}",
    )


def unmatched_pcts_table(names: pd.DataFrame) -> Table:
    """The organisations left unmatched, with the reason."""
    unmatched = names.loc[names["status"] != MATCHED]
    return table(
        unmatched,
        columns=["organisation", "status", "why"],
        labels={"organisation": "As HSJ names it", "status": "Match", "why": "Why not matched"},
        caption=f"Source: {_PCT_LISTS}.",
    )


def others_table(others: pd.DataFrame, source: str) -> Table:
    """For each number of reporting PCTs, the mean the unnamed ones need, and if it is possible."""
    return table(
        others,
        labels={
            "n_reporting": "PCTs reporting a year-end forecast",
            "n_unnamed": "Of them not named",
            "unnamed_mean_pct": "Mean miss the unnamed need (%)",
            "possible": "Possible (inside the published range)",
        },
        formats={"unnamed_mean_pct": ONE_DECIMAL},
        caption=_caption(
            source,
            "Unweighted means; computed by qipp.findings.pct_progress.calc.others_mean_table.",
        ),
    )


def extrapolation_table(ext: Extrapolation, source: str) -> Table:
    """The average miss applied to the challenge, the band, and what reaching it takes."""
    rate, low, high = ext.mean_miss_pct, ext.challenge_low_gbp_bn, ext.challenge_high_gbp_bn
    published = f"£{ext.published_gbp_bn:g}bn"
    items = {
        f"{rate:g}% of £{low:g}bn (£bn)": ext.shortfall_low_gbp_bn,
        f"{rate:g}% of £{high:g}bn (£bn)": ext.shortfall_high_gbp_bn,
        "Midpoint of that range (£bn)": ext.shortfall_mid_gbp_bn,
        f"Published {published}: low end of its band (£bn)": ext.band_low_gbp_bn,
        f"Published {published}: high end of its band (£bn)": ext.band_high_gbp_bn,
        "Smallest challenge that reaches the band (£bn)": ext.challenge_for_band_low_gbp_bn,
        "Share of the challenge range that reaches it (%)": 100 * ext.share_of_range_in_band,
        f"Challenge at which {rate:g}% gives exactly {published} (£bn)": (
            ext.challenge_for_published_gbp_bn
        ),
        f"Miss giving {published} on £{high:g}bn (%)": ext.miss_for_published_low_pct,
        f"Miss giving {published} on £{low:g}bn (%)": ext.miss_for_published_high_pct,
    }
    return facts(
        items,
        formats=dict.fromkeys(items, ",.2f"),
        na_rep="none in the range",
        caption=_caption(
            source,
            "Computed by qipp.findings.pct_progress.calc.extrapolate_shortfall; the band is "
            "qipp.derive.tolerance's (decision 0003).",
        ),
    )


def scorecard_notes_table(card: pd.DataFrame, claim_ids: Sequence[str], source: str) -> Table:
    """Claims with their value as published, status and derive's note on how each was checked.

    ``card`` is the scorecard indexed by claim id.
    """
    rows = card.loc[list(claim_ids)].reset_index()
    return table(
        rows,
        columns=["id", "as_published", "status", "note"],
        labels={
            "id": "Claim",
            "as_published": "As published",
            "status": "Status",
            "note": "How qipp.derive checked it",
        },
        caption=_caption(source, "Statuses and notes: qipp.derive.scorecard()."),
    )


def unidentified_table(unidentified: pd.DataFrame, source: str) -> Table:
    """Savings not yet identified: the share derived from the £m figures beside the published one."""
    return table(
        unidentified,
        labels={
            "organisation": "Organisation",
            "period": "Period",
            "plan_gbp_m": "Plan (£m)",
            "unidentified_gbp_m": "Not yet identified (£m)",
            "unidentified_pct": "Derived (% of plan)",
            "published_pct": "Published (% of plan)",
            "agrees": "Derived rounds to published",
        },
        formats={
            "plan_gbp_m": ONE_DECIMAL,
            "unidentified_gbp_m": ONE_DECIMAL,
            "unidentified_pct": ONE_DECIMAL,
            "published_pct": "g",
        },
        caption=_caption(
            source,
            f"Figures: {_PLANS}; derived by qipp.findings.pct_progress.calc.unidentified_savings.",
        ),
    )


def savings_mix_table(mix: pd.DataFrame, source: str) -> Table:
    """Each share of a plan the article gives or lets us compute, with the plan it is of."""
    return table(
        mix,
        columns=[
            "organisation",
            "category",
            "period",
            "share_pct",
            "basis",
            "plan_gbp_m",
            "amount_gbp_m",
        ],
        labels={
            "organisation": "Organisation",
            "category": "Savings from",
            "period": "Plan's period",
            "share_pct": "Share of the plan (%)",
            "basis": "Basis",
            "plan_gbp_m": "Plan (£m)",
            "amount_gbp_m": "Amount (£m)",
        },
        formats={"share_pct": ONE_DECIMAL, "plan_gbp_m": ONE_DECIMAL, "amount_gbp_m": ONE_DECIMAL},
        caption=_caption(
            source,
            f"Figures: {_PLANS}; derived by qipp.findings.pct_progress.calc.savings_mix. A dash: "
            "no plan given for that period.",
        ),
    )


def discrepancies_table(discrepancies: pd.DataFrame, source: str) -> Table:
    """A published share beside the share its £m amount gives, and the amount each implies."""
    return table(
        discrepancies,
        columns=[
            "organisation",
            "category",
            "published_pct",
            "derived_pct",
            "gap_pct_points",
            "beyond_rounding",
            "plan_gbp_m",
            "published_amount_gbp_m",
            "amount_at_published_pct_gbp_m",
        ],
        labels={
            "organisation": "Organisation",
            "category": "Savings from",
            "published_pct": "Published share (%)",
            "derived_pct": "Share the amount gives (%)",
            "gap_pct_points": "Difference (points)",
            "beyond_rounding": "Beyond rounding",
            "plan_gbp_m": "Plan (£m)",
            "published_amount_gbp_m": "Published amount (£m)",
            "amount_at_published_pct_gbp_m": "Amount the published share gives (£m)",
        },
        formats={
            "published_pct": "g",
            "derived_pct": ".2f",
            "gap_pct_points": "+.2f",
            "plan_gbp_m": ONE_DECIMAL,
            "published_amount_gbp_m": ONE_DECIMAL,
            "amount_at_published_pct_gbp_m": ",.2f",
        },
        split_after=5,
        caption=_caption(
            source, "Derived by qipp.findings.pct_progress.calc.mix_discrepancies (same article)."
        ),
    )


def checked_claims_table(card: pd.DataFrame, source_id: str, source: str) -> Table:
    """Every figure of the article that other published figures let qipp.derive recompute.

    ``card`` is the scorecard indexed by claim id; ``source_id`` the article's id.
    """
    rows = card.loc[(card["source"] == source_id) & (card["status"] != "stated")].reset_index()
    rows["recomputed"] = [
        as_published(float(v), u, 0.01)
        for v, u in zip(rows["derived_value"], rows["unit"], strict=True)
    ]
    return table(
        rows,
        columns=["id", "quote", "as_published", "recomputed", "status"],
        labels={
            "id": "Claim",
            "quote": "As the article puts it",
            "as_published": "As published",
            "recomputed": "Recomputed",
            "status": "Status",
        },
        caption=_caption(source, "Quotes: the ledger; statuses: qipp.derive.scorecard()."),
    )
