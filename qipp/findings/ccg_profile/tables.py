"""The CCG profile's tables: the frames :func:`qipp.display.table` shows, with their headers.

Each frame keeps the panel's column names; ``*_LABELS`` give the headers a
reader sees (with units) and ``*_FORMATS`` the decimals, so the notebook only
passes them to :func:`qipp.display.table` with a caption naming the source.

Examples
--------
>>> panel = pd.DataFrame({"ytd_shortfall_pct": [0.0, 5.0, 25.0],
...                       "forecast_gap_pct": [0.0, 0.0, 20.0]})
>>> list(panel_counts(panel).values())
[3, 1, 2, 1]
"""

from __future__ import annotations

import pandas as pd

from qipp.findings.ccg_profile.calc import (
    AMOUNT_DECIMALS,
    SHORTFALL_DECIMALS,
    TARGET_DECIMALS,
    Profile,
    ccg_row,
    rank_of,
)
from qipp.ledger import claim, load_claims
from qipp.ledger.wording import as_published

# HSJ's threshold for a CCG "short ... by 20 per cent or more" (claims
# ccg_q1_n_ytd_shortfall_20pct and ccg_q1_n_forecast_gap_20pct): a definition, not a result.
BEHIND_PCT = 20.0

POSITION_LABELS = {
    "period": "Period",
    "planned_gbp_m": "Planned (£m)",
    "delivered_gbp_m": "Delivered or forecast (£m)",
    "shortfall_pct": "Shortfall (% of plan)",
}
POSITION_FORMATS = {
    "planned_gbp_m": f",.{AMOUNT_DECIMALS}f",
    "delivered_gbp_m": f",.{AMOUNT_DECIMALS}f",
    "shortfall_pct": f".{SHORTFALL_DECIMALS}f",
}


def position_frame(profile: Profile) -> pd.DataFrame:
    """The CCG's plan, delivery and shortfall to the end of Q1 and for the full year."""
    return pd.DataFrame(
        {
            "period": ["Q1 to date (April to June 2013): delivered", "Full year 2013-14: forecast"],
            "planned_gbp_m": [profile.ytd_plan_gbp_m, profile.plan_gbp_m],
            "delivered_gbp_m": [profile.ytd_actual_gbp_m, profile.forecast_gbp_m],
            "shortfall_pct": [profile.ytd_shortfall_pct, profile.forecast_gap_pct],
        }
    )


def savings_bars(profile: Profile) -> tuple[list[str], list[float]]:
    """Labels and amounts (£m) of the savings chart: each plan beside what it gave."""
    labels = ["Q1 plan", "Q1 delivered", "Full-year plan", "Forecast outturn"]
    p = profile
    return labels, [p.ytd_plan_gbp_m, p.ytd_actual_gbp_m, p.plan_gbp_m, p.forecast_gbp_m]


PEER_LABELS = {
    "rank": "Rank in region",
    "ccg_code": "Code",
    "ccg_name": "CCG",
    "plan_pct_of_allocation": "Target (% of allocation)",
    "ytd_shortfall_pct": "Q1 shortfall (% of Q1 plan)",
    "forecast_gap_pct": "Forecast gap (% of full-year plan)",
}
PEER_FORMATS = {
    "plan_pct_of_allocation": f".{TARGET_DECIMALS}f",
    "ytd_shortfall_pct": f".{SHORTFALL_DECIMALS}f",
    "forecast_gap_pct": f".{SHORTFALL_DECIMALS}f",
}


def region_peers(panel: pd.DataFrame, ccg_code: str) -> pd.DataFrame:
    """The panel's CCGs in ``ccg_code``'s region, largest target first, ranked with ties.

    ``rank`` reads ``"=3"`` for a tie at the precision shown (the table's caption
    says so); the columns are those of :data:`PEER_LABELS`.

    >>> panel = pd.DataFrame({"ccg_code": ["A01", "B02", "C03"], "ccg_name": ["A", "B", "C"],
    ...     "region": ["London"] * 3, "plan_pct_of_allocation": [2.0, 3.0, 2.001],
    ...     "ytd_shortfall_pct": [0.0] * 3, "forecast_gap_pct": [0.0] * 3})
    >>> region_peers(panel, "A01")[["rank", "ccg_code"]].values.tolist()
    [['1', 'B02'], ['=2', 'A01'], ['=2', 'C03']]
    """
    region = ccg_row(panel, ccg_code)["region"]
    # Sorted as shown: a tie at the precision shown lists its CCGs by code.
    peers = (
        panel[panel["region"] == region]
        .assign(_shown=lambda f: f["plan_pct_of_allocation"].round(TARGET_DECIMALS))
        .sort_values(["_shown", "ccg_code"], ascending=[False, True])
    )
    targets = peers["plan_pct_of_allocation"]
    ranks = [rank_of(targets, value) for value in targets]
    shown = [f"={r.position}" if r.joint else str(r.position) for r in ranks]
    return peers.assign(rank=shown).loc[:, list(PEER_LABELS)].reset_index(drop=True)


COUNTS_LABELS = {
    "measure": "CCGs",
    "panel": "This panel",
    "published": "HSJ, as published",
}
# Each count of the panel beside the claim that publishes it.
COUNT_CLAIMS = {
    "with a Q1 return": "ccg_q1_n_ccgs",
    f"{BEHIND_PCT:g}% or more behind their Q1 plan": "ccg_q1_n_ytd_shortfall_20pct",
    "behind their Q1 plan at all": "ccg_q1_n_ytd_any_slippage",
    f"forecasting a year-end gap of {BEHIND_PCT:g}% or more": "ccg_q1_n_forecast_gap_20pct",
}


def panel_counts(panel: pd.DataFrame) -> dict[str, int]:
    """The panel's counts of :data:`COUNT_CLAIMS`, in its order."""
    ytd, gap = panel["ytd_shortfall_pct"], panel["forecast_gap_pct"]
    counts = [len(panel), (ytd >= BEHIND_PCT).sum(), (ytd > 0).sum(), (gap >= BEHIND_PCT).sum()]
    return dict(zip(COUNT_CLAIMS, (int(c) for c in counts), strict=True))


def counts_frame(panel: pd.DataFrame, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """The panel's counts beside HSJ's, each as published (its qualifier kept).

    ``claims`` defaults to the project's ledger.
    """
    claims = load_claims() if claims is None else claims
    published = []
    for claim_id in COUNT_CLAIMS.values():
        row = claim(claim_id, claims)
        published.append(
            as_published(row["value"], row["unit"], row["precision"], row["qualifier"])
        )
    counts = panel_counts(panel)
    return pd.DataFrame(
        {"measure": list(counts), "panel": list(counts.values()), "published": published}
    )
