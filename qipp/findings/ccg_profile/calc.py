"""One CCG's QIPP profile: its target's rank with ties, its Q1 position, its region's peers.

The figures of ``notebooks/ccg_profile.ipynb``, computed here so the notebook
only shows them; its tables are built by :mod:`qipp.findings.ccg_profile.tables`,
its sentences by :mod:`qipp.findings.ccg_profile.text`.

Ranks are competition ranks (1 = largest; two CCGs on the same value share
it, the next is 3rd) taken on values rounded to the precision the profile
shows, so two targets a reader sees as equal are stated as a tie. A rank or a
median says whose CCGs it is over (:class:`Scope`): the panel's, or England's
(or a region's) only when the panel holds exactly the CCGs of the CCG register
of April 2013 (or of that region).

Examples
--------
>>> rank_of([6.44, 2.5, 2.5, 0.28], 2.5)
Rank(position=2, n=4, tied_with=1)
>>> rank_of([6.44, 2.5, 2.5, 0.28], 0.28).last, rank_of([1.0, 1.0], 1.0).all_tied
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from qipp.panel import add_measures, is_synthetic, load_panel
from qipp.paths import SYNTHETIC_PANEL_CSV, display_name
from qipp.reference import load_register

# The precision the profile shows: targets to 2 decimals, shortfalls to 1, £m to 2.
TARGET_DECIMALS = 2
SHORTFALL_DECIMALS = 1
AMOUNT_DECIMALS = 2
ENGLAND = "England"


@dataclass(frozen=True)
class Rank:
    """A competition rank: ``position`` of ``n`` (1 = largest), ``tied_with`` others level."""

    position: int
    n: int
    tied_with: int

    @property
    def joint(self) -> bool:
        """Whether another CCG has the same value."""
        return self.tied_with > 0

    @property
    def all_tied(self) -> bool:
        """Whether every CCG of two or more has the same value."""
        return self.n > 1 and self.tied_with == self.n - 1

    @property
    def first(self) -> bool:
        """Whether it is the largest (alone or jointly)."""
        return self.position == 1

    @property
    def last(self) -> bool:
        """Whether it is the smallest (alone or jointly)."""
        return self.position + self.tied_with == self.n


@dataclass(frozen=True)
class Scope:
    """The CCGs a rank or median is over: ``n`` of them, in ``where`` (England or a region).

    ``complete`` is True when they are exactly the register's CCGs of ``where``:
    only then is a median England's (or the region's) rather than the panel's.
    """

    n: int
    where: str = ENGLAND
    complete: bool = False


@dataclass(frozen=True)
class RegionSummary:
    """The panel's CCGs in one region: medians, how many forecast a shortfall, this CCG's rank."""

    scope: Scope
    rank: Rank
    median_target_pct: float
    median_ytd_shortfall_pct: float
    n_forecast_shortfall: int


@dataclass(frozen=True)
class Profile:
    """One CCG's figures (amounts in £m, shares in %) and where its target ranks."""

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


def rank_of(values: Iterable[float], value: float, decimals: int = TARGET_DECIMALS) -> Rank:
    """The competition rank of ``value`` among ``values`` (1 = largest), ties at ``decimals``.

    Raises
    ------
    ValueError
        If ``value`` is not among ``values`` at that precision.

    Examples
    --------
    >>> rank_of([3.0, 2.004, 2.0, 1.0], 2.0)  # 2.004 shows as 2.00: a tie
    Rank(position=2, n=4, tied_with=1)
    >>> rank_of([5.0], 5.0)
    Rank(position=1, n=1, tied_with=0)
    """
    # Rounded as the profile prints them, so a tie is one the reader can see.
    shown = np.array([float(f"{float(v):.{decimals}f}") for v in values])
    mine = float(f"{float(value):.{decimals}f}")
    level = int((shown == mine).sum())
    if level == 0:
        raise ValueError(f"{value!r} is not among the values ranked")
    return Rank(int((shown > mine).sum()) + 1, int(shown.size), level - 1)


def scope_of(codes: Iterable[str], register: pd.DataFrame, where: str = ENGLAND) -> Scope:
    """Whose CCGs ``codes`` are: ``where``'s, when exactly the register's CCGs there.

    Parameters
    ----------
    codes : iterable of str
        The panel's CCG codes (in ``where``).
    register : pandas.DataFrame
        The CCG register (``ccg_code``, ``region``): :func:`qipp.reference.load_register`.
    where : str
        ``"England"`` or a region of the register.

    Examples
    --------
    >>> register = pd.DataFrame({"ccg_code": ["01A", "02B"], "region": ["London", "London"]})
    >>> scope_of(["01A", "02B"], register), scope_of(["01A"], register, "London")
    (Scope(n=2, where='England', complete=True), Scope(n=1, where='London', complete=False))
    """
    mine = set(codes)
    listed = register if where == ENGLAND else register[register["region"] == where]
    return Scope(len(mine), where, mine == set(listed["ccg_code"]))


def load_profile_panel(panel_path: str) -> tuple[pd.DataFrame, bool, str]:
    """The measured panel, whether it is synthetic, and its name for a reader.

    A blank ``panel_path`` reads the committed synthetic panel. The name is the
    file's project-relative path or its bare name: never a machine path.
    """
    path = Path(panel_path) if panel_path else SYNTHETIC_PANEL_CSV
    panel = add_measures(load_panel(path))
    return panel, is_synthetic(panel), display_name(path)


def _register(register: pd.DataFrame | None) -> pd.DataFrame:
    return load_register() if register is None else register


def region_summary(
    panel: pd.DataFrame, ccg_code: str, register: pd.DataFrame | None = None
) -> RegionSummary:
    """The medians of ``ccg_code``'s region in the panel, and its target's rank there."""
    row = ccg_row(panel, ccg_code)
    peers = panel[panel["region"] == row["region"]]
    return RegionSummary(
        scope_of(peers["ccg_code"], _register(register), str(row["region"])),
        rank_of(peers["plan_pct_of_allocation"], row["plan_pct_of_allocation"]),
        float(peers["plan_pct_of_allocation"].median()),
        float(peers["ytd_shortfall_pct"].median()),
        int(peers["forecasts_shortfall"].sum()),
    )


def ccg_row(panel: pd.DataFrame, ccg_code: str) -> pd.Series:
    """The panel's row of ``ccg_code``; KeyError naming the code when there is none."""
    rows = panel[panel["ccg_code"] == ccg_code]
    if rows.empty:
        raise KeyError(f"CCG code {ccg_code!r} is not in the panel")
    return rows.iloc[0]


def ccg_profile(
    panel: pd.DataFrame, ccg_code: str, register: pd.DataFrame | None = None
) -> Profile:
    """Everything the profile states about ``ccg_code``.

    Parameters
    ----------
    panel : pandas.DataFrame
        A panel with the measures of :func:`qipp.panel.add_measures`.
    ccg_code : str
        A code of the panel.
    register : pandas.DataFrame, optional
        The CCG register (default: the project's), to tell whose CCGs the panel holds.

    Raises
    ------
    KeyError
        If ``ccg_code`` is not in the panel.
    """
    row = ccg_row(panel, ccg_code)
    register = _register(register)
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
    )
