"""Target size against forecast gap across CCGs (notebook 02_target_size_vs_gap).

HSJ ("Exclusive: Huge variation emerges in CCGs' efficiency ambition", Q1 2013-14)
reported a 23-fold spread of CCG QIPP targets and no correlation between a CCG's
target and whether it forecast a year-end shortfall. These functions summarise the
targets of any validated panel and draw simulated panels for the power analysis.

Examples
--------
>>> panel = pd.DataFrame({"ccg_code": ["A", "B", "C", "D"],
...                       "plan_pct_of_allocation": [0.5, 2.0, 3.0, 6.0]})
>>> summary = target_summary(panel)
>>> summary["median_target_pct"], summary["fold_variation"], summary["n_under_1pct"]
(2.5, 12.0, 1)
"""

from __future__ import annotations

import pandas as pd

from qipp.panel import add_measures, generate_panel


def target_summary(panel: pd.DataFrame) -> dict[str, float | int | str]:
    """Summarise the distribution of targets (plan as % of allocation).

    Parameters
    ----------
    panel : pandas.DataFrame
        A panel with ``plan_pct_of_allocation`` (``qipp.panel.add_measures``) and
        ``ccg_code``.

    Returns
    -------
    dict
        n_ccgs, median/min/max target %, the CCG codes at the extremes, the fold
        variation (max / min), and the counts under 1% and over 4%.
    """
    pct = panel["plan_pct_of_allocation"]
    smallest, largest = pct.idxmin(), pct.idxmax()
    return {
        "n_ccgs": int(len(panel)),
        "median_target_pct": float(pct.median()),
        "min_target_pct": float(pct.min()),
        "min_target_ccg": str(panel.loc[smallest, "ccg_code"]),
        "max_target_pct": float(pct.max()),
        "max_target_ccg": str(panel.loc[largest, "ccg_code"]),
        "fold_variation": float(pct.max() / pct.min()) if pct.min() > 0 else float("inf"),
        "n_under_1pct": int((pct < 1).sum()),
        "n_over_4pct": int((pct > 4).sum()),
    }


def draw_measured_panel(seed: int, rho: float) -> pd.DataFrame:
    """Draw a synthetic panel from the calibrated generator, with its measures added.

    The simulation of detection rates calls this once per draw; the panel carries
    every published aggregate exactly, so only the injected ``rho`` varies.

    >>> frame = draw_measured_panel(1, 0.3)
    >>> len(frame), "forecast_gap_pct" in frame
    (143, True)
    """
    return add_measures(generate_panel(seed, rho))
