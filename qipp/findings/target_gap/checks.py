"""The checks beside the verdict: what the panel's size can detect, and target per head.

The power simulation draws panels of the panel's own size from the calibrated generator
(:func:`draw_measured_panel`; :func:`draw_target_and_gap` is the same draw, fast) and
tests each as the panel is tested. The sensitivity check with target per head
(decision 0031) runs the same test over the CCGs in the register; it never changes the verdict.

>>> frame = draw_measured_panel(1, 0.3, n_ccgs=56)
>>> pct, gap = draw_target_and_gap(1, 0.3, n_ccgs=56)
>>> bool((frame["plan_pct_of_allocation"].to_numpy() == pct).all())
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qipp.display import ShownAsTable, Table, facts, table
from qipp.findings.target_gap.calc import (
    GAP,
    MIN_CCGS,
    SYMBOL,
    TARGET,
    TargetGapTests,
    correlation_undefined_reason,
    min_detectable,
    rank_correlation,
    too_few,
)
from qipp.panel import add_measures, generate_panel
from qipp.panel.measures import target_and_gap_pct
from qipp.panel.schema import is_synthetic_code
from qipp.panel.synth.allocations import RegisterLists, register_lists
from qipp.panel.synth.draw import check_inputs, draw_panel_columns
from qipp.panel.synth.targets import PublishedTargets, published_targets
from qipp.reference.provenance import REGISTER_NAME
from qipp.stats import SpearmanResult, detection_rate_by_rho, percent_level

# The calibrated generator draws the 143 CCGs of HSJ's returns (qipp.panel.synth).
CALIBRATED_N_CCGS = 143
PER_HEAD = "plan_gbp_per_head"
POWER_TITLE = "How often a panel of this size detects a correlation: the simulation"


def _blocks(seed: int, rho: float, n_ccgs: int) -> tuple[list[int], np.ndarray | None]:
    """The seeds of the calibrated panels a panel of ``n_ccgs`` is drawn from, and its rows.

    At 143 CCGs it is the generator's own panel (rows None); at any other size a random
    sample of CCGs from as many independent calibrated panels as needed.
    """
    if n_ccgs < 1 or not -1.0 <= rho <= 1.0:
        raise ValueError(f"need n_ccgs >= 1 and -1 <= rho <= 1, got {n_ccgs} and {rho}")
    if n_ccgs == CALIBRATED_N_CCGS:
        return [seed], None
    blocks = math.ceil(n_ccgs / CALIBRATED_N_CCGS)
    children = np.random.SeedSequence(seed).spawn(blocks + 1)
    rows = np.random.default_rng(children[-1]).choice(
        blocks * CALIBRATED_N_CCGS, size=n_ccgs, replace=False
    )
    return [int(c.generate_state(1)[0]) for c in children[:-1]], np.sort(rows)


def draw_measured_panel(seed: int, rho: float, n_ccgs: int = CALIBRATED_N_CCGS) -> pd.DataFrame:
    """A panel of ``n_ccgs`` CCGs from the calibrated generator, measures added."""
    block_seeds, rows = _blocks(seed, rho, n_ccgs)
    if rows is None:
        return add_measures(generate_panel(seed, rho))
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
    """Target and gap (%) of :func:`draw_measured_panel`'s panel, to the last bit, fast.

    ``targets`` and ``lists`` default to the ledger's and the register's, read and
    checked at each call; a simulation reads them once and passes them in.
    """
    block_seeds, rows = _blocks(seed, rho, n_ccgs)
    if targets is None or lists is None:
        targets, lists = published_targets(), register_lists()
        check_inputs(targets, lists)
    drawn = [draw_panel_columns(s, rho, targets, lists) for s in block_seeds]
    # £k to £m first, as in the frame, so every float is the frame's to the last bit.
    money = [
        np.concatenate([d[f"{name}_gbp_k"] for d in drawn]) / 1000.0
        for name in ("allocation", "qipp_plan", "forecast_outturn")
    ]
    return target_and_gap_pct(*(money if rows is None else [m[rows] for m in money]))


def injected_rhos(rho_max: float, rho_step: float) -> list[float]:
    """The correlations the simulation injects: 0 to ``rho_max`` in steps of ``rho_step``.

    >>> injected_rhos(0.5, 0.1), injected_rhos(0.2, 0.15)
    ([0.0, 0.1, 0.2, 0.3, 0.4, 0.5], [0.0, 0.15])
    """
    if rho_step <= 0 or not 0 <= rho_max < 1:
        raise ValueError(f"need 0 <= rho_max < 1 and rho_step > 0, got {rho_max} and {rho_step}")
    # Half a step of slack, so that float steps (0.1 * 3) still reach rho_max.
    return [round(float(r), 3) for r in np.arange(0.0, rho_max + rho_step / 2, rho_step)]


@dataclass(frozen=True)
class PowerAnalysis(ShownAsTable):
    """What ``n_ccgs`` CCGs can detect, or None with ``reason`` when nothing can be said.

    ``min_detectable_abs_r`` and ``detection`` (from :func:`qipp.stats.detection_rate_by_rho`)
    are on ``method``'s scale.
    """

    n_ccgs: int
    min_detectable_abs_r: float | None
    detection: pd.DataFrame | None
    reason: str | None
    power: float | None = None
    seed: int | None = None
    method: str = "spearman"

    def as_table(self, caption: str | None = None) -> Table:
        """The detection rate at each injected correlation, or why there is none."""
        symbol = SYMBOL[self.method]
        if self.detection is None:
            return facts(
                {
                    "CCGs in the panel": self.n_ccgs,
                    f"Smallest detectable |{symbol}|": self.min_detectable_abs_r,
                    "Simulation": f"not run: {self.reason}",
                },
                caption=caption or "Source: the panel's size; Fisher-z approximation.",
                title=POWER_TITLE,
            )
        detection = self.detection
        frame = detection.assign(
            rate_pct=100 * detection["detection_rate"],
            interval=[
                f"{100 * low:.1f} to {100 * high:.1f}"
                for low, high in detection[["rate_ci_low", "rate_ci_high"]].to_numpy()
            ],
        )
        columns = ["rho_injected", "mean_realised_rho", "n_sims", "n_detected", "rate_pct"]
        columns += ["interval", "n_undefined"] if frame["n_undefined"].sum() else ["interval"]
        alpha = float(detection["alpha"].iloc[0])
        seed = f" (seed {self.seed})" if self.seed is not None else ""
        source = (
            f"Source: simulated panels of {self.n_ccgs:,} CCGs from qipp's calibrated generator"
            f"{seed}; a panel detects the correlation when the rank-correlation test gives "
            f"p < {alpha:g}."
        )
        if self.min_detectable_abs_r is not None and self.power is not None:
            source += (
                f" Smallest |{symbol}| detectable with {percent_level(self.power)} "
                f"power (Fisher z): {self.min_detectable_abs_r:.3f}."
            )
        return table(
            frame,
            columns=columns,
            labels={
                "rho_injected": "Injected rho",
                "mean_realised_rho": f"Realised {symbol} (mean)",
                "n_sims": "Panels simulated",
                "n_detected": "Panels detecting it",
                "rate_pct": "Detection rate (%)",
                "interval": f"{percent_level(1 - alpha)} interval (Wilson, %)",
                "n_undefined": f"Panels with {symbol} undefined",
            },
            formats={"rho_injected": ".2f", "mean_realised_rho": ".3f", "rate_pct": ".1f"},
            caption=caption or source,
            title=POWER_TITLE,
        )


def power_analysis(
    n_ccgs: int,
    *,
    alpha: float,
    power: float,
    rhos: Sequence[float],
    n_sims: int,
    seed: int,
    method: str = "spearman",
) -> PowerAnalysis:
    """The smallest detectable correlation and simulated detection rates for ``n_ccgs`` CCGs."""
    reason = too_few(n_ccgs, method, "the power of a rank correlation test")
    if reason is not None:
        return PowerAnalysis(n_ccgs, None, None, reason, power, seed, method)
    targets, lists = published_targets(), register_lists()
    check_inputs(targets, lists)  # once, not at each of the thousand draws

    def draw(draw_seed: int, rho: float) -> dict[str, np.ndarray]:
        pct, gap = draw_target_and_gap(draw_seed, rho, n_ccgs, targets=targets, lists=lists)
        return {TARGET: pct, GAP: gap}

    detection = detection_rate_by_rho(
        draw, rhos, n_sims=n_sims, seed=seed, alpha=alpha, method=method
    )
    least = min_detectable(n_ccgs, alpha, power, method)
    return PowerAnalysis(n_ccgs, least, detection, None, power, seed, method)


def per_head_undefined_reason(panel: pd.DataFrame, method: str = "spearman") -> str | None:
    """Why the rank correlation of target per head and gap cannot be computed, or None.

    Only the panel's CCGs in the register have a target per head.
    """
    known = panel[panel[PER_HEAD].notna()]
    n, total, need = len(known), len(panel), MIN_CCGS[method]
    if 0 < n == total < need:
        # Every CCG is in the register: the panel itself is too small, as for the primary test.
        return (
            f"only {n} CCG{'' if n == 1 else 's'}, all in the {REGISTER_NAME}: a rank correlation with a "
            f"confidence interval needs at least {need}"
        )
    if n < need:
        invented = int(panel["ccg_code"].map(is_synthetic_code).sum())
        whose = f" ({invented} {'has' if invented == 1 else 'have'} invented S-codes)"
        count = "none" if n == 0 else f"only {n}"
        return (
            f"{count} of the panel's {total} CCG{'' if total == 1 else 's'} {'is' if n == 1 else 'are'} in the "
            f"{REGISTER_NAME}{whose if invented else ''}, so target per head is known for {n}: "
            f"a rank correlation with a confidence interval needs at least {need}"
        )
    x = known[PER_HEAD].to_numpy(dtype=float)
    if np.all(x == x[0]):
        return f"every CCG in the register has the same target per head (£{x[0]:,.2f})"
    return correlation_undefined_reason(x, known[GAP], method, whose="CCG in the register")


@dataclass(frozen=True)
class PerHeadSensitivity:
    """The rank correlation of target per head with forecast gap, or None with ``reason``."""

    correlation: SpearmanResult | None
    reason: str | None
    n_in_register: int
    n_ccgs: int
    alpha: float

    @property
    def correlated(self) -> bool | None:
        """Whether the check detects a correlation at ``alpha`` (None when undefined)."""
        return None if self.correlation is None else bool(self.correlation.p_value < self.alpha)

    def agrees_with(self, tests: TargetGapTests) -> bool | None:
        """Whether the check reaches the primary test's conclusion (None if either is missing)."""
        if self.correlated is None or tests.correlated is None:
            return None
        return self.correlated == tests.correlated


def run_per_head_sensitivity(
    panel: pd.DataFrame, alpha: float = 0.05, method: str = "spearman"
) -> PerHeadSensitivity:
    """Run the same rank correlation with target per head, over the CCGs in the register."""
    known = panel[panel[PER_HEAD].notna()]
    reason = per_head_undefined_reason(panel, method)
    correlation = None
    if reason is None:
        correlation = rank_correlation(known[PER_HEAD], known[GAP], alpha, method)
    return PerHeadSensitivity(correlation, reason, int(len(known)), int(len(panel)), alpha)
