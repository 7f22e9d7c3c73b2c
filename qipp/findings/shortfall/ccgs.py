"""Finding 1 CCG by CCG: how each CCG's forecast shortfall moved between a panel's first two quarters.

Pure functions on the long panel (one row per CCG and quarter, a ``quarter`` column),
over the CCGs present in both quarters. A CCG's forecast shortfall is
max(0, plan - forecast) in £m; a change that rounds to £0.000m counts as held. On a
panel with fewer than two quarters every result carries ``reason`` instead of figures.

>>> panel = pd.DataFrame({"quarter": ["2013-14 Q1"] * 3 + ["2013-14 Q2"] * 3,
...     "ccg_code": ["A", "B", "C"] * 2, "ccg_name": ["A", "B", "C"] * 2,
...     "region": ["London"] * 6, "qipp_plan_gbp_m": [10.0] * 6,
...     "forecast_outturn_gbp_m": [10.0, 9.0, 8.0, 4.0, 9.0, 9.0]})
>>> moves = shortfall_moves(panel)
>>> moves.counts, moves.half_increase
({'grew': 1, 'held': 1, 'shrank': 1}, ['A'])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from qipp.display import ShownAsTable, Table, facts, table
from qipp.panel.check.quarterly import region_ytd_frame
from qipp.panel.measures import shortfall_gbp_m
from qipp.panel.quarters import paired_quarters

NORTH = "North of England"
_MONEY = ("q1_gbp_m", "q2_gbp_m", "change_gbp_m")


def reason_table(title: str, reason: str) -> Table:
    return facts({title: f"Not available: {reason}."}, title=title)


@dataclass(frozen=True)
class ShortfallMoves(ShownAsTable):
    """Per CCG (``frame``): forecast shortfall in each quarter, the change, and its direction."""

    frame: pd.DataFrame
    quarters: tuple[str, str] | None = None
    reason: str | None = None
    source: str = ""

    @property
    def counts(self) -> dict[str, int] | None:
        """CCGs whose forecast shortfall grew, held or shrank."""
        if self.reason:
            return None
        found = self.frame["direction"].value_counts()
        return {word: int(found.get(word, 0)) for word in ("grew", "held", "shrank")}

    @property
    def net_increase_gbp_m(self) -> float | None:
        return None if self.reason else float(self.frame["change_gbp_m"].sum())

    @property
    def half_increase(self) -> list[str] | None:
        """The fewest CCGs whose increases, largest first, reach half the net increase."""
        net = self.net_increase_gbp_m
        if net is None or net <= 0:
            return None
        ranked = self.frame.sort_values(["change_gbp_m", "ccg_code"], ascending=[False, True])
        reached = ranked["change_gbp_m"].cumsum().to_numpy() >= net / 2
        return ranked["ccg_code"].iloc[: int(np.argmax(reached)) + 1].tolist()

    @property
    def half_reason(self) -> str | None:
        """Why there is no such set, or None."""
        if self.reason:
            return self.reason
        return None if self.half_increase else "the total forecast shortfall did not rise"

    def as_table(self, caption: str | None = None) -> Table:
        title = "CCGs whose forecast shortfall grew, held or shrank"
        if self.reason or self.quarters is None or self.counts is None:
            return reason_table(title, str(self.reason))
        q1, q2 = self.quarters
        items: dict[str, object] = {"CCGs in both quarters": len(self.frame)}
        items |= {f"Shortfall {word}": n for word, n in self.counts.items()}
        items[f"Total forecast shortfall, {q1} (£m)"] = float(self.frame["q1_gbp_m"].sum())
        items[f"Total forecast shortfall, {q2} (£m)"] = float(self.frame["q2_gbp_m"].sum())
        items["Net change (£m)"] = self.net_increase_gbp_m
        half = self.half_increase
        items["Fewest CCGs carrying half the net increase"] = len(half) if half else None
        items["Their share of the CCGs (%)"] = share_of_ccgs(self)
        formats = {name: ",.1f" for name in items if "(" in name}
        what = "shortfall = max(0, plan - forecast) per CCG; held: a change under £500"
        return facts(
            items,
            formats=formats,
            caption=caption or f"Source: {self.source}; {what}.",
            title=title,
        )


def shortfall_moves(panel: pd.DataFrame, *, source: str = "") -> ShortfallMoves:
    """Each CCG's forecast shortfall (£m) in the panel's first two quarters and its change."""
    paired = paired_quarters(panel)
    if isinstance(paired, str):
        return ShortfallMoves(pd.DataFrame(), reason=paired, source=source)
    q1, q2, first, second = paired
    before, after = (
        shortfall_gbp_m(q["qipp_plan_gbp_m"], q["forecast_outturn_gbp_m"]) for q in paired[2:]
    )
    change = np.round(after - before, 3)
    frame = pd.DataFrame(
        {
            "ccg_code": first.index,
            "ccg_name": second["ccg_name"].to_numpy(),
            "region": second["region"].to_numpy(),
            "q1_gbp_m": before,
            "q2_gbp_m": after,
            "change_gbp_m": change,
            "direction": np.where(change > 0, "grew", np.where(change < 0, "shrank", "held")),
        }
    )
    return ShortfallMoves(frame, (q1, q2), None, source)


def share_of_ccgs(moves: ShortfallMoves) -> float | None:
    """The half-increase set as a % of the CCGs in both quarters, or None without one."""
    half = moves.half_increase
    return None if half is None else 100.0 * len(half) / len(moves.frame)


@dataclass(frozen=True)
class HalfIncrease(ShownAsTable):
    """The CCGs carrying half the net increase, largest first, with their running share."""

    moves: ShortfallMoves

    def as_table(self, caption: str | None = None) -> Table:
        title = "The fewest CCGs carrying half the rise in forecast shortfall"
        half, moves = self.moves.half_increase, self.moves
        if half is None or moves.quarters is None or moves.net_increase_gbp_m is None:
            return reason_table(title, str(moves.half_reason))
        rows = moves.frame.set_index("ccg_code").loc[half].reset_index()
        rows["running_pct"] = 100.0 * rows["change_gbp_m"].cumsum() / moves.net_increase_gbp_m
        q1, q2 = moves.quarters
        labels = {"ccg_code": "CCG code", "ccg_name": "CCG", "region": "Region"}
        labels |= {"q1_gbp_m": f"{q1} (£m)", "q2_gbp_m": f"{q2} (£m)", "change_gbp_m": "Rise (£m)"}
        labels["running_pct"] = "Running share of the net rise (%)"
        formats = dict.fromkeys(_MONEY, ",.3f") | {"running_pct": ".1f"}
        return table(
            rows,
            columns=list(labels),
            labels=labels,
            formats=formats,
            caption=caption or f"Source: {moves.source}; largest rise first.",
            title=title,
        )


@dataclass(frozen=True)
class RegionalYtd(ShownAsTable):
    """Net year-to-date shortfall % per region in each quarter (ratio of sums), and its direction."""

    frame: pd.DataFrame
    quarters: tuple[str, str] | None = None
    reason: str | None = None
    source: str = ""

    def regions(self, direction: str) -> list[str] | None:
        """Names of the regions whose YTD shortfall moved ``direction`` (worsened/improved)."""
        if self.reason:
            return None
        return self.frame.loc[self.frame["direction"] == direction, "region"].tolist()

    @property
    def as_article_says(self) -> bool | None:
        """Three of four regions worsened and only the North improved, as the Q2 article says."""
        worse, better = self.regions("worsened"), self.regions("improved")
        if worse is None or better is None:
            return None
        return len(worse) == 3 and better == [NORTH]

    def as_table(self, caption: str | None = None) -> Table:
        title = "Year-to-date shortfall by region in each quarter"
        if self.reason or self.quarters is None:
            return reason_table(title, str(self.reason))
        q1, q2 = self.quarters
        labels = {"region": "Region", "ccgs": "CCGs", "q1_pct": f"{q1} (% of YTD plan)"}
        labels |= {"q2_pct": f"{q2} (% of YTD plan)", "change_pts": "Change (points)"}
        labels["direction"] = "Year-to-date performance"
        what = "net shortfall: 100 x (1 - delivered / planned) over the region's CCGs"
        return table(
            self.frame,
            labels=labels,
            formats=dict.fromkeys(("q1_pct", "q2_pct", "change_pts"), ".2f"),
            caption=caption or f"Source: {self.source}; {what}; negative: ahead of plan.",
            title=title,
        )


def regional_ytd(panel: pd.DataFrame, *, source: str = "") -> RegionalYtd:
    """Each region's net YTD shortfall % in both quarters; a change under 0.005 points held."""
    paired = paired_quarters(panel)
    if isinstance(paired, str):
        return RegionalYtd(pd.DataFrame(), reason=paired, source=source)
    q1, q2, first, second = paired
    return RegionalYtd(region_ytd_frame(first, second), (q1, q2), None, source)
