"""Measures derived from a CCG panel (:data:`DERIVED_COLUMNS`): never stored, computed one way.

Sector figures are ratios of sums, so large CCGs weigh more, as in NHS England's totals.

>>> toy = pd.DataFrame({"ccg_code": ["07H", "S001"],
...                     "allocation_gbp_m": [100.0, 200.0], "qipp_plan_gbp_m": [2.0, 8.0],
...                     "ytd_plan_gbp_m": [0.5, 2.0], "ytd_actual_gbp_m": [0.4, 2.5],
...                     "forecast_outturn_gbp_m": [1.5, 8.0]})
>>> register = pd.DataFrame({"ccg_code": ["07H"], "registered_patients": [250_000]})
>>> measured = add_measures(toy, register=register)
>>> measured[list(DERIVED_COLUMNS)[:4]].round(2).values.tolist()
[[2.0, 20.0, 25.0, True], [4.0, 0.0, 0.0, False]]
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from qipp.panel.intake.pipeline import read_panel
from qipp.panel.schema import STATUS_SYNTHETIC
from qipp.paths import SYNTHETIC_PANEL_CSV, display_name
from qipp.reference import load_register

DERIVED_COLUMNS: dict[str, str] = {
    "plan_pct_of_allocation": "qipp_plan_gbp_m / allocation_gbp_m x 100",
    "ytd_shortfall_pct": "max(0, ytd_plan_gbp_m - ytd_actual_gbp_m) / ytd_plan_gbp_m x 100; "
    "0 when ytd_plan_gbp_m is 0",
    "forecast_gap_pct": "max(0, qipp_plan_gbp_m - forecast_outturn_gbp_m) / qipp_plan_gbp_m "
    "x 100; 0 when qipp_plan_gbp_m is 0",
    "forecasts_shortfall": "forecast_outturn_gbp_m < qipp_plan_gbp_m",
    "registered_patients": "the CCG's registered list, QOF 2013-14, from the CCG register of "
    "April 2013 (`qipp.reference.load_register`, data/reference); empty when ccg_code is not "
    "in the register (every S-code, any unknown code)",
    "plan_gbp_per_head": "qipp_plan_gbp_m x 1,000,000 / registered_patients (£ per registered "
    "patient); empty when registered_patients is",
}


def shortfall_gbp_m(planned: npt.ArrayLike, delivered: npt.ArrayLike) -> np.ndarray:
    """max(0, planned - delivered) for each row: what was planned and not delivered (or forecast)."""
    return np.clip(np.asarray(planned, dtype=float) - np.asarray(delivered, dtype=float), 0.0, None)


def shortfall_pct(planned: npt.ArrayLike, delivered: npt.ArrayLike) -> np.ndarray:
    """Percentage of ``planned`` not ``delivered``; 0 when none is short or none planned."""
    plan = np.asarray(planned, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(plan > 0, 100.0 * shortfall_gbp_m(plan, delivered) / plan, 0.0)


def target_and_gap_pct(
    allocation_gbp_m: npt.ArrayLike, plan_gbp_m: npt.ArrayLike, forecast_gbp_m: npt.ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """``plan_pct_of_allocation`` and ``forecast_gap_pct`` from the three money columns, as arrays.

    >>> pct, gap = target_and_gap_pct([100.0, 200.0], [2.0, 8.0], [1.5, 9.0])
    >>> pct.tolist(), gap.tolist()
    ([2.0, 4.0], [25.0, 0.0])
    """
    plan = np.asarray(plan_gbp_m, dtype=float)
    return 100.0 * plan / np.asarray(allocation_gbp_m, dtype=float), shortfall_pct(
        plan, forecast_gbp_m
    )


@lru_cache(maxsize=1)
def _project_list_sizes() -> pd.Series:
    """The project register's list sizes by code, read once; never handed out, so never changed."""
    return _list_sizes(load_register())


def _list_sizes(register: pd.DataFrame) -> pd.Series:
    """Registered patients (Int64) indexed by the codes of ``register``; positive only."""
    sizes = pd.Series(
        register["registered_patients"].to_numpy(), index=register["ccg_code"].astype(str)
    ).astype("Int64")
    # A register built by qipp.reference has only positive lists; a hand-built one may not.
    return sizes[sizes > 0]


def detection_measures(panel: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``panel`` with only the two measures a power simulation tests (as :func:`add_measures`)."""
    out = panel.copy()
    out["plan_pct_of_allocation"], out["forecast_gap_pct"] = target_and_gap_pct(
        panel["allocation_gbp_m"], panel["qipp_plan_gbp_m"], panel["forecast_outturn_gbp_m"]
    )
    return out


def add_measures(panel: pd.DataFrame, register: pd.DataFrame | None = None) -> pd.DataFrame:
    """A copy of ``panel`` with :data:`DERIVED_COLUMNS` appended (the project's register by default).

    ``registered_patients`` and ``plan_gbp_per_head`` are NA for a code the register lacks.

    Parameters
    ----------
    panel : DataFrame
        A validated panel.
    register : DataFrame, optional
        The CCG register (default: the project's).

    Returns
    -------
    DataFrame
        The copy with the derived columns.
    """
    sizes = _project_list_sizes() if register is None else _list_sizes(register)
    out = detection_measures(panel)
    out["ytd_shortfall_pct"] = shortfall_pct(panel["ytd_plan_gbp_m"], panel["ytd_actual_gbp_m"])
    if "ytd_shortfall_pct" not in panel.columns:  # the documented order: share, then shortfalls
        order = [c for c in out.columns if c != "ytd_shortfall_pct"]
        order.insert(order.index("forecast_gap_pct"), "ytd_shortfall_pct")
        out = out[order]
    out["forecasts_shortfall"] = panel["forecast_outturn_gbp_m"].astype(float) < panel[
        "qipp_plan_gbp_m"
    ].astype(float)
    out["registered_patients"] = panel["ccg_code"].astype(str).map(sizes).astype("Int64")
    out["plan_gbp_per_head"] = (
        1e6 * panel["qipp_plan_gbp_m"].astype("Float64") / out["registered_patients"]
    )
    return out


def is_synthetic(panel: pd.DataFrame) -> bool:
    """Whether any row of ``panel`` is synthetic: one such row makes every figure invented in part.

    >>> is_synthetic(pd.DataFrame({"data_status": ["reported", "synthetic"]}))
    True

    Parameters
    ----------
    panel : DataFrame
        A panel with ``data_status``.

    Returns
    -------
    bool
        True when any row is synthetic.
    """
    return bool((panel["data_status"] == STATUS_SYNTHETIC).any())


def load_measured(panel_path: str = "") -> tuple[pd.DataFrame, bool, str, tuple[str, ...]]:
    """A panel for a notebook: read, validated and measured, with what a page says about it.

    Parameters
    ----------
    panel_path : str
        A panel file (CSV, TSV or .xlsx); blank reads the committed synthetic panel.

    Returns
    -------
    tuple
        The panel with :data:`DERIVED_COLUMNS`, whether it is synthetic, the file's name
        for captions (no machine path), and its warnings as lines for "Notes on the data".
        Raises PanelDataError naming every problem.
    """
    path = Path(panel_path) if panel_path.strip() else SYNTHETIC_PANEL_CSV
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        digest = ""  # read_panel raises, saying what is wrong with the path (never cached)
    panel, notes = _measured(str(path), digest)
    return panel.copy(), is_synthetic(panel), display_name(path), notes


@lru_cache(maxsize=4)
def _measured(path: str, digest: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    # A render profiles every CCG in one warm kernel: the same bytes are read and validated
    # once (keyed by content, so a changed file is read again); callers get copies.
    read = read_panel(path)
    return add_measures(read.panel), read.data_notes


def _ratio_pct(numerator: float, denominator: float) -> float | None:
    """100 x numerator / denominator, or None when the denominator is zero (a panel may plan nothing)."""
    if denominator == 0:
        return None
    return float(100.0 * numerator / denominator)


def sector_plan_pct(panel: pd.DataFrame) -> float | None:
    """Total QIPP plan as a percentage of total allocation (allocations are positive)."""
    return _ratio_pct(panel["qipp_plan_gbp_m"].sum(), panel["allocation_gbp_m"].sum())


def forecast_delivery_pct(panel: pd.DataFrame) -> float | None:
    """Total forecast outturn as a percentage of the total plan; None when nothing is planned."""
    return _ratio_pct(panel["forecast_outturn_gbp_m"].sum(), panel["qipp_plan_gbp_m"].sum())


def aggregate_ytd_shortfall_pct(panel: pd.DataFrame) -> float | None:
    """Net year-to-date shortfall, 100 x (1 - delivered / planned): negative when ahead, None if nothing planned.

    >>> aggregate_ytd_shortfall_pct(pd.DataFrame({"ytd_plan_gbp_m": [0.0],
    ...                                           "ytd_actual_gbp_m": [0.2]})) is None
    True
    """
    planned = panel["ytd_plan_gbp_m"].sum()
    return _ratio_pct(planned - panel["ytd_actual_gbp_m"].sum(), planned)


def largest_targets(panel: pd.DataFrame, n: int = 15) -> pd.DataFrame:
    """The ``n`` CCGs with the largest targets as a share of allocation (ties all kept).

    >>> toy = pd.DataFrame({"allocation_gbp_m": [100.0] * 3, "qipp_plan_gbp_m": [1.0, 3.0, 2.0]})
    >>> largest_targets(toy, 2)["qipp_plan_gbp_m"].tolist()
    [3.0, 2.0]
    """
    measured = panel.assign(
        plan_pct_of_allocation=100.0 * panel["qipp_plan_gbp_m"] / panel["allocation_gbp_m"]
    )
    return measured.nlargest(n, "plan_pct_of_allocation", keep="all")
