"""Panels drawn from the calibrated generator for notebook 02's power simulation.

:func:`draw_measured_panel` gives a whole panel, measures added.
:func:`draw_target_and_gap` gives the same draw's two tested measures as arrays,
without the frame, the per-draw re-check of the published aggregates, or the
other measures: the simulation draws 1,200 panels and tests only those two.
The two are the same draw (tested over seeds, rhos and sizes), so the
simulation's figures do not depend on which one it uses.

Examples
--------
>>> frame = draw_measured_panel(1, 0.3, n_ccgs=56)
>>> pct, gap = draw_target_and_gap(1, 0.3, n_ccgs=56)
>>> bool((frame["plan_pct_of_allocation"].to_numpy() == pct).all())
True
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from qipp.panel import add_measures, generate_panel
from qipp.panel.measures import target_and_gap_pct
from qipp.panel.synth.allocations import RegisterLists, register_lists
from qipp.panel.synth.draw import check_inputs, draw_panel_columns
from qipp.panel.synth.targets import PublishedTargets, published_targets

# The calibrated generator draws the 143 CCGs of HSJ's returns (qipp.panel.synth).
CALIBRATED_N_CCGS = 143


def _pooled_draw(seed: int, n_ccgs: int) -> tuple[list[int], np.ndarray]:
    """The calibrated panels' seeds and the sorted rows a panel of ``n_ccgs`` takes from them.

    A sample of CCGs from as many independent calibrated panels as needed
    (decision 0025), so each CCG comes from the calibrated distribution and the
    panel has the size whose power is asked about.
    """
    blocks = math.ceil(n_ccgs / CALIBRATED_N_CCGS)
    children = np.random.SeedSequence(seed).spawn(blocks + 1)
    block_seeds = [int(c.generate_state(1)[0]) for c in children[:-1]]
    pool_size = blocks * CALIBRATED_N_CCGS
    rows = np.random.default_rng(children[-1]).choice(pool_size, size=n_ccgs, replace=False)
    return block_seeds, np.sort(rows)


def draw_measured_panel(seed: int, rho: float, n_ccgs: int = CALIBRATED_N_CCGS) -> pd.DataFrame:
    """Draw a panel of ``n_ccgs`` CCGs from the calibrated generator, measures added.

    At 143 CCGs this is the generator's panel itself, every published aggregate
    held exactly. At any other size it is a random sample of CCGs from as many
    independent calibrated panels as needed (decision 0025): each CCG then comes
    from the calibrated distribution with the injected ``rho``, and the panel
    has the size whose power is being asked about.

    >>> frame = draw_measured_panel(1, 0.3)
    >>> len(frame), "forecast_gap_pct" in frame
    (143, True)
    >>> len(draw_measured_panel(1, 0.3, n_ccgs=56)), len(draw_measured_panel(1, 0.3, n_ccgs=211))
    (56, 211)
    """
    if n_ccgs < 1:
        raise ValueError(f"n_ccgs must be at least 1, got {n_ccgs}")
    if n_ccgs == CALIBRATED_N_CCGS:
        return add_measures(generate_panel(seed, rho))
    block_seeds, rows = _pooled_draw(seed, n_ccgs)
    pool = pd.concat([generate_panel(s, rho) for s in block_seeds], ignore_index=True)
    sample = pool.iloc[rows].reset_index(drop=True)
    # Pooled panels reuse S-codes; a drawn panel keeps one code per CCG, like any panel.
    numbers = [f"{i:03d}" for i in range(1, n_ccgs + 1)]
    sample["ccg_code"] = [f"S{k}" for k in numbers]
    sample["ccg_name"] = [f"Synthetic CCG {k}" for k in numbers]
    return add_measures(sample)


def draw_target_and_gap(
    seed: int,
    rho: float,
    n_ccgs: int = CALIBRATED_N_CCGS,
    *,
    targets: PublishedTargets | None = None,
    lists: RegisterLists | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``plan_pct_of_allocation`` and ``forecast_gap_pct`` of :func:`draw_measured_panel`'s panel.

    The same draw, as two arrays in the panel's row order. ``targets`` and
    ``lists`` default to the ledger's and the register's, read and checked at
    each call; a simulation reads and checks them once and passes them in.
    """
    if n_ccgs < 1:
        raise ValueError(f"n_ccgs must be at least 1, got {n_ccgs}")
    if not -1.0 <= rho <= 1.0:
        raise ValueError(f"rho must lie in [-1, 1], not {rho}")
    if targets is None or lists is None:
        targets, lists = published_targets(), register_lists()
        check_inputs(targets, lists)
    if n_ccgs == CALIBRATED_N_CCGS:
        block_seeds, rows = [seed], None
    else:
        block_seeds, rows = _pooled_draw(seed, n_ccgs)
    drawn = [draw_panel_columns(s, rho, targets, lists) for s in block_seeds]
    # £k to £m first, as in the frame, so every float is the frame's to the last bit.
    money = [
        np.concatenate([d[f"{name}_gbp_k"] for d in drawn]) / 1000.0
        for name in ("allocation", "qipp_plan", "forecast_outturn")
    ]
    if rows is not None:
        money = [column[rows] for column in money]
    return target_and_gap_pct(*money)
