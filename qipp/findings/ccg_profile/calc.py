"""One CCG's QIPP profile: its figures, its target's rank, its region's peers, the panel's counts.

Ranks are competition ranks (1 = largest; two CCGs level share a rank, the next
skips) on values rounded as the profile shows them, so a tie is one a reader sees.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qipp.display import ShownAsTable, Table, table
from qipp.findings.ccg_profile.quarters import Period, period_of
from qipp.ledger import claim
from qipp.ledger.wording import as_published
from qipp.panel.quarters import latest
from qipp.panel.summary import MIN_CCGS
from qipp.reference import load_register

# The precision the profile shows: targets to 2 decimals, shortfalls to 1, £m to 2.
TARGET_DECIMALS = 2
SHORTFALL_DECIMALS = 1
AMOUNT_DECIMALS = 2
ENGLAND = "England"
# HSJ's threshold for a CCG "short ... by 20 per cent or more": a definition, not a result.
BEHIND_PCT = 20.0
# Each count of CCGs the profile shows, with the claim that publishes it.
COUNT_CLAIMS = {
    "with a Q1 return": "ccg_q1_n_ccgs",
    f"{BEHIND_PCT:g}% or more behind their Q1 plan": "ccg_q1_n_ytd_shortfall_20pct",
    "behind their Q1 plan at all": "ccg_q1_n_ytd_any_slippage",
    f"forecasting a year-end gap of {BEHIND_PCT:g}% or more": "ccg_q1_n_forecast_gap_20pct",
}
PEER_LABELS = {
    "rank": "Rank in region",
    "ccg_code": "Code",
    "ccg_name": "CCG",
    "plan_pct_of_allocation": "Target (% of allocation)",
    "ytd_shortfall_pct": "Q1 shortfall (% of Q1 plan)",
    "forecast_gap_pct": "Forecast gap (% of full-year plan)",
}


@dataclass(frozen=True)
class Rank:
    """A competition rank: ``position`` of ``n`` (1 = largest), ``tied_with`` others level."""

    position: int
    n: int
    tied_with: int

    @property
    def joint(self) -> bool:
        return self.tied_with > 0

    @property
    def all_tied(self) -> bool:
        """Whether every CCG of two or more has the same value."""
        return self.n > 1 and self.tied_with == self.n - 1

    @property
    def first(self) -> bool:
        return self.position == 1

    @property
    def last(self) -> bool:
        return self.position + self.tied_with == self.n


@dataclass(frozen=True)
class Scope:
    """The ``n`` CCGs a rank or median is over, in ``where`` (England or a region).

    ``complete``: they are exactly the register's CCGs there, so a median is
    England's (the region's), not only the panel's.
    """

    n: int
    where: str = ENGLAND
    complete: bool = False


def rank_of(values: Iterable[float], value: float, decimals: int = TARGET_DECIMALS) -> Rank:
    """The competition rank of ``value`` among ``values``, ties at ``decimals``.

    >>> rank_of([3.0, 2.004, 2.0, 1.0], 2.0)  # 2.004 shows as 2.00: a tie
    Rank(position=2, n=4, tied_with=1)
    """
    shown = np.array([float(f"{float(v):.{decimals}f}") for v in values])
    mine = float(f"{float(value):.{decimals}f}")
    level = int((shown == mine).sum())
    if level == 0:
        raise ValueError(f"{value!r} is not among the values ranked")
    return Rank(int((shown > mine).sum()) + 1, int(shown.size), level - 1)


def scope_of(codes: Iterable[str], register: pd.DataFrame, where: str = ENGLAND) -> Scope:
    """Whose CCGs ``codes`` are: ``where``'s when exactly the register's CCGs there.

    >>> register = pd.DataFrame({"ccg_code": ["01A", "02B"], "region": ["London", "London"]})
    >>> scope_of(["01A", "02B"], register), scope_of(["01A"], register, "London")
    (Scope(n=2, where='England', complete=True), Scope(n=1, where='London', complete=False))
    """
    mine = set(codes)
    listed = register if where == ENGLAND else register[register["region"] == where]
    return Scope(len(mine), where, mine == set(listed["ccg_code"]))


def ccg_row(panel: pd.DataFrame, ccg_code: str) -> pd.Series:
    """The panel's row of ``ccg_code``; KeyError naming the code when there is none."""
    rows = panel[panel["ccg_code"] == ccg_code]
    if rows.empty:
        raise KeyError(f"CCG code {ccg_code!r} is not in the panel")
    return rows.iloc[0]


@dataclass(frozen=True)
class RegionSummary(ShownAsTable):
    """The panel's CCGs in one region: medians, forecast shortfalls, the CCG's rank, the peers.

    ``peers`` holds the columns of :data:`PEER_LABELS`, largest target first;
    its ``rank`` reads ``"=3"`` for a tie.
    """

    ccg_code: str
    scope: Scope
    rank: Rank
    median_target_pct: float
    median_ytd_shortfall_pct: float
    n_forecast_shortfall: int
    peers: pd.DataFrame
    period: Period = Period()

    def as_table(self, caption: str | None = None) -> Table:
        """The peers, this CCG's row highlighted; no rank column under :data:`MIN_CCGS` of them."""
        peers = self.peers if self.scope.n >= MIN_CCGS else self.peers.drop(columns="rank")
        formats = dict.fromkeys(
            ["ytd_shortfall_pct", "forecast_gap_pct"], f".{SHORTFALL_DECIMALS}f"
        )
        formats["plan_pct_of_allocation"] = f".{TARGET_DECIMALS}f"
        return table(
            peers,
            # The quarter's own words: the headers say Q1 only of a Q1 panel.
            labels={
                name: label.replace("Q1", self.period.short)
                for name, label in PEER_LABELS.items()
                if name in peers
            },
            formats=formats,
            highlight=(peers["ccg_code"] == self.ccg_code).tolist(),
            caption=caption,
            title=f"CCGs of {self.ccg_code}'s region, ranked by QIPP target, {self.period.name}",
        )


def region_summary(
    panel: pd.DataFrame, ccg_code: str, register: pd.DataFrame | None = None
) -> RegionSummary:
    """The panel's CCGs in ``ccg_code``'s region, latest quarter; ``register``: the project's."""
    panel = latest(panel)
    row = ccg_row(panel, ccg_code)
    register = load_register() if register is None else register
    # Sorted as shown: a tie at the precision shown lists its CCGs by code.
    peers = (
        panel[panel["region"] == row["region"]]
        .assign(_shown=lambda f: f["plan_pct_of_allocation"].round(TARGET_DECIMALS))
        .sort_values(["_shown", "ccg_code"], ascending=[False, True])
    )
    targets = peers["plan_pct_of_allocation"]
    ranks = [rank_of(targets, value) for value in targets]
    shown = [f"={r.position}" if r.joint else str(r.position) for r in ranks]
    return RegionSummary(
        ccg_code=str(ccg_code),
        scope=scope_of(peers["ccg_code"], register, str(row["region"])),
        rank=rank_of(targets, row["plan_pct_of_allocation"]),
        median_target_pct=float(targets.median()),
        median_ytd_shortfall_pct=float(peers["ytd_shortfall_pct"].median()),
        n_forecast_shortfall=int(peers["forecasts_shortfall"].sum()),
        peers=peers.assign(rank=shown).loc[:, list(PEER_LABELS)].reset_index(drop=True),
        period=period_of(panel),
    )


@dataclass(frozen=True)
class Profile(ShownAsTable):
    """One CCG's figures (£m, %) at ``period``, where its target ranks, its region."""

    ccg_code: str
    ccg_name: str
    region: str
    allocation_gbp_m: float
    plan_gbp_m: float
    ytd_plan_gbp_m: float
    ytd_actual_gbp_m: float
    forecast_gbp_m: float
    target_pct: float
    ytd_shortfall_pct: float
    forecast_gap_pct: float
    scope: Scope
    rank: Rank
    median_target_pct: float
    region_summary: RegionSummary
    period: Period = Period()

    def as_table(self, caption: str | None = None) -> Table:
        """Planned, delivered or forecast, and the shortfall: to date and for the year."""
        money = f",.{AMOUNT_DECIMALS}f"
        frame = pd.DataFrame(
            {
                "Period": [
                    f"{self.period.short} to date ({self.period.to_date}): delivered",
                    "Full year 2013-14: forecast",
                ],
                "Planned (£m)": [self.ytd_plan_gbp_m, self.plan_gbp_m],
                "Delivered or forecast (£m)": [self.ytd_actual_gbp_m, self.forecast_gbp_m],
                "Shortfall (% of plan)": [self.ytd_shortfall_pct, self.forecast_gap_pct],
            }
        )
        formats = {"Shortfall (% of plan)": f".{SHORTFALL_DECIMALS}f"}
        formats |= {"Planned (£m)": money, "Delivered or forecast (£m)": money}
        title = f"{self.ccg_code}: QIPP savings planned, delivered and forecast, 2013-14"
        return table(frame, formats=formats, caption=caption, title=title)


def ccg_profile(
    panel: pd.DataFrame, ccg_code: str, register: pd.DataFrame | None = None
) -> Profile:
    """What the profile states about ``ccg_code``, latest quarter; ``register``: whose CCGs."""
    panel = latest(panel)
    row = ccg_row(panel, ccg_code)
    register = load_register() if register is None else register
    targets = panel["plan_pct_of_allocation"]
    return Profile(
        ccg_code=str(ccg_code),
        ccg_name=str(row["ccg_name"]),
        region=str(row["region"]),
        allocation_gbp_m=float(row["allocation_gbp_m"]),
        plan_gbp_m=float(row["qipp_plan_gbp_m"]),
        ytd_plan_gbp_m=float(row["ytd_plan_gbp_m"]),
        ytd_actual_gbp_m=float(row["ytd_actual_gbp_m"]),
        forecast_gbp_m=float(row["forecast_outturn_gbp_m"]),
        target_pct=float(row["plan_pct_of_allocation"]),
        ytd_shortfall_pct=float(row["ytd_shortfall_pct"]),
        forecast_gap_pct=float(row["forecast_gap_pct"]),
        scope=scope_of(panel["ccg_code"], register),
        rank=rank_of(targets, row["plan_pct_of_allocation"]),
        median_target_pct=float(targets.median()),
        region_summary=region_summary(panel, ccg_code, register),
        period=period_of(panel),
    )


def published(claim_id: str, claims: pd.DataFrame | None = None) -> str:
    """A claim's value as HSJ published it, qualifier kept (``claims``: the project's ledger)."""
    row = claim(claim_id, claims)
    return as_published(row["value"], row["unit"], row["precision"], row["qualifier"])


@dataclass(frozen=True)
class PanelCounts(ShownAsTable):
    """The panel's counts of CCGs behind plan (``panel``) beside HSJ's (``published``)."""

    frame: pd.DataFrame

    def as_table(self, caption: str | None = None) -> Table:
        labels = {"measure": "CCGs", "panel": "This panel", "published": "HSJ, as published"}
        title = "CCGs behind plan: this panel's counts against HSJ's"
        return table(self.frame, labels=labels, caption=caption, title=title)


def panel_counts(panel: pd.DataFrame, claims: pd.DataFrame | None = None) -> PanelCounts:
    """The panel's counts of :data:`COUNT_CLAIMS`, each beside its claim as published.

    >>> panel = pd.DataFrame({"ytd_shortfall_pct": [0.0, 5.0, 25.0],
    ...                       "forecast_gap_pct": [0.0, 0.0, 20.0]})
    >>> panel_counts(panel).frame["panel"].tolist()
    [3, 1, 2, 1]
    """
    ytd, gap = panel["ytd_shortfall_pct"], panel["forecast_gap_pct"]
    counts = [len(panel), (ytd >= BEHIND_PCT).sum(), (ytd > 0).sum(), (gap >= BEHIND_PCT).sum()]
    shown = [published(claim_id, claims) for claim_id in COUNT_CLAIMS.values()]
    rows = zip(COUNT_CLAIMS, map(int, counts), shown, strict=True)
    return PanelCounts(pd.DataFrame(list(rows), columns=["measure", "panel", "published"]))
