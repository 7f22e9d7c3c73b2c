"""Target size against forecast gap across CCGs (notebook 02_target_size_vs_gap).

HSJ ("Exclusive: Huge variation emerges in CCGs' efficiency ambition", Q1 2013-14)
reported a 23-fold spread of CCG QIPP targets and no correlation between a CCG's
target and whether it forecast a year-end shortfall. These functions summarise the
targets of any validated panel, run the declared test of the finding, and measure
what the panel's own number of CCGs could detect.

Any panel that validates must get an answer, so every statistic that a panel
cannot support is detected up front (the ``*_undefined_reason`` functions) and
reported as None with the reason, never as a crash or a NaN. The sentences
about these results live in :mod:`qipp.findings.target_gap.text`.

The declared rule (docs/decisions/0025): Spearman's rank correlation between
target and forecast gap is the primary test and decides the verdict; the
logistic regression of forecasting any shortfall is reported beside it as a
supporting test and never overturns it.

Examples
--------
>>> panel = pd.DataFrame({"ccg_code": ["A", "B", "C", "D"],
...                       "plan_pct_of_allocation": [0.5, 2.0, 3.0, 6.0]})
>>> summary = target_summary(panel)
>>> summary["median_target_pct"], summary["fold_variation"], summary["n_under_1pct"]
(2.5, 12.0, 1)
>>> spearman_undefined_reason([1.0, 2.0, 3.0], [0.0, 1.0, 2.0])
'only 3 CCGs: a rank correlation with a confidence interval needs at least 4'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from qipp.display import Table
from qipp.findings.target_gap.simulate import draw_target_and_gap
from qipp.findings.target_gap.tables import power_table, results_table
from qipp.panel import add_measures, load_panel
from qipp.panel.synth.allocations import register_lists
from qipp.panel.synth.draw import check_inputs
from qipp.panel.synth.targets import published_targets
from qipp.paths import SYNTHETIC_PANEL_CSV, display_name
from qipp.stats import (
    LogitResult,
    SeparationError,
    ShownAsTable,
    SpearmanResult,
    detection_rate_by_rho,
    logit_shortfall_on_target,
    min_detectable_abs_r,
    spearman_with_ci,
)

TARGET = "plan_pct_of_allocation"
GAP = "forecast_gap_pct"
OUTCOME = "forecasts_shortfall"
PRIMARY_TEST = "spearman"
# Fisher's z interval has standard error sqrt(... / (n - 3)), so n must exceed 3.
MIN_CCGS_FOR_CORRELATION = 4


def read_panel(panel_path: str) -> tuple[pd.DataFrame, str]:
    """The panel at ``panel_path`` with its measures, and the file's name for a caption.

    A blank ``panel_path`` reads the committed synthetic panel. The file is read
    and validated by :func:`qipp.panel.load_panel` (a panel that breaks the
    schema stops here, every problem listed), the measures added by
    :func:`qipp.panel.add_measures`.

    >>> panel, name = read_panel("")
    >>> name, "plan_pct_of_allocation" in panel
    ('data/synthetic/ccg_panel_q1_2013_14.csv', True)
    """
    path = Path(panel_path) if panel_path.strip() else SYNTHETIC_PANEL_CSV
    return add_measures(load_panel(path)), display_name(path)


def target_summary(panel: pd.DataFrame) -> dict[str, float | int | str | None]:
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
        variation (max / min; None when the smallest target is 0, since a CCG that
        plans nothing makes the ratio undefined), the number of zero targets, and
        the counts under 1% and over 4%.
    """
    pct, codes = panel[TARGET], panel["ccg_code"]
    # Positions rather than labels, so the codes are right whatever the panel's index.
    smallest, largest = pct.argmin(), pct.argmax()
    return {
        "n_ccgs": int(len(panel)),
        "median_target_pct": float(pct.median()),
        "min_target_pct": float(pct.min()),
        "min_target_ccg": str(codes.iloc[smallest]),
        "max_target_pct": float(pct.max()),
        "max_target_ccg": str(codes.iloc[largest]),
        "fold_variation": float(pct.max() / pct.min()) if pct.min() > 0 else None,
        "n_zero_targets": int((pct == 0).sum()),
        "n_under_1pct": int((pct < 1).sum()),
        "n_over_4pct": int((pct > 4).sum()),
    }


def spearman_undefined_reason(target: npt.ArrayLike, gap: npt.ArrayLike) -> str | None:
    """Why the rank correlation of target and gap cannot be computed, or None when it can.

    >>> spearman_undefined_reason([1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0])
    'no CCG forecasts a shortfall, so every forecast gap is 0'
    >>> spearman_undefined_reason([2.0, 2.0, 2.0, 2.0], [0.0, 1.0, 5.0, 0.0])
    'every CCG has the same target (2.00% of allocation)'
    >>> spearman_undefined_reason([1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 5.0, 0.0]) is None
    True
    """
    x, y = np.asarray(target, dtype=float), np.asarray(gap, dtype=float)
    if x.size < MIN_CCGS_FOR_CORRELATION:
        return (
            f"only {x.size} CCG{'' if x.size == 1 else 's'}: a rank correlation with a "
            f"confidence interval needs at least {MIN_CCGS_FOR_CORRELATION}"
        )
    if np.all(x == x[0]):
        return f"every CCG has the same target ({x[0]:.2f}% of allocation)"
    if np.all(y == y[0]):
        if y[0] == 0:
            return "no CCG forecasts a shortfall, so every forecast gap is 0"
        return f"every CCG forecasts the same gap ({y[0]:.1f}% of its plan)"
    return None


def logit_undefined_reason(panel: pd.DataFrame) -> str | None:
    """Why the logistic regression of forecasting a shortfall on target cannot be fitted.

    The same conditions :func:`qipp.stats.logit_shortfall_on_target` refuses, checked
    first so that a notebook can say so instead of failing.

    >>> toy = pd.DataFrame({TARGET: [1.0, 2.0, 3.0, 4.0], OUTCOME: [True] * 4})
    >>> logit_undefined_reason(toy)
    'every CCG forecasts a shortfall (4 of 4), so there is no contrast to model'
    >>> logit_undefined_reason(toy.assign(**{OUTCOME: [False, False, True, True]}))
    'target size separates the CCGs forecasting a shortfall from the rest perfectly, so the odds ratio is infinite'
    """
    x = panel[TARGET].to_numpy(dtype=float)
    y = panel[OUTCOME].to_numpy(dtype=bool)
    n_events = int(y.sum())
    if x.size < MIN_CCGS_FOR_CORRELATION:
        return f"only {x.size} CCG{'' if x.size == 1 else 's'}: too few to fit a regression"
    if n_events == 0:
        return "no CCG forecasts a shortfall, so there is no contrast to model"
    if n_events == y.size:
        return f"every CCG forecasts a shortfall ({n_events} of {y.size}), so there is no contrast to model"
    if np.all(x == x[0]):
        return f"every CCG has the same target ({x[0]:.2f}% of allocation)"
    x_no, x_yes = x[~y], x[y]
    if x_no.max() <= x_yes.min() or x_yes.max() <= x_no.min():
        return (
            "target size separates the CCGs forecasting a shortfall from the rest "
            "perfectly, so the odds ratio is infinite"
        )
    return None


def power_undefined_reason(n_ccgs: int) -> str | None:
    """Why no power figure exists for ``n_ccgs`` CCGs, or None.

    >>> power_undefined_reason(3)
    'only 3 CCGs: the power of a rank correlation test needs at least 4'
    """
    if n_ccgs < MIN_CCGS_FOR_CORRELATION:
        return (
            f"only {n_ccgs} CCG{'' if n_ccgs == 1 else 's'}: the power of a rank "
            f"correlation test needs at least {MIN_CCGS_FOR_CORRELATION}"
        )
    return None


@dataclass(frozen=True)
class TargetGapTests(ShownAsTable):
    """The declared test of the finding and its supporting test, on one panel.

    ``spearman`` (primary) and ``logit`` (supporting) are None when the panel
    cannot support them, with the reason in ``spearman_reason``/``logit_reason``.
    ``correlated`` is decided by the primary test alone (None when it is undefined).
    ``source`` names the panel in the table a notebook shows (:meth:`as_table`).
    """

    spearman: SpearmanResult | None
    spearman_reason: str | None
    logit: LogitResult | None
    logit_reason: str | None
    alpha: float
    source: str | None = None

    def as_table(self, caption: str | None = None) -> Table:
        """Both tests, one row each, with the reason where one could not run."""
        return results_table(self, caption)

    @property
    def deciding_test(self) -> str | None:
        """``"spearman"`` when the primary test ran, else None (nothing decided)."""
        return PRIMARY_TEST if self.spearman is not None else None

    @property
    def correlated(self) -> bool | None:
        """Whether the primary test detects a correlation at ``alpha``."""
        return None if self.spearman is None else bool(self.spearman.p_value < self.alpha)

    @property
    def supporting_agrees(self) -> bool | None:
        """Whether the logit reaches the same conclusion at ``alpha`` (None if either is missing)."""
        if self.spearman is None or self.logit is None:
            return None
        return bool(self.logit.p_value < self.alpha) == self.correlated


def run_target_gap_tests(
    panel: pd.DataFrame, alpha: float = 0.05, source: str | None = None
) -> TargetGapTests:
    """Run the primary (Spearman) and supporting (logit) tests where the panel supports them.

    Parameters
    ----------
    panel : pandas.DataFrame
        A validated panel with measures (``qipp.panel.add_measures``).
    alpha : float
        Significance level.
    source : str, optional
        The panel's file name, for the caption of the results' table.
    """
    spearman_reason = spearman_undefined_reason(panel[TARGET], panel[GAP])
    spearman = None if spearman_reason else spearman_with_ci(panel[TARGET], panel[GAP], alpha=alpha)
    logit_reason = logit_undefined_reason(panel)
    logit = None
    if logit_reason is None:
        try:
            logit = logit_shortfall_on_target(panel, alpha=alpha)
        except SeparationError:
            # Quasi-separation and near-constant targets show only in the fit itself.
            logit_reason = (
                "target size nearly separates the outcomes or barely varies, "
                "so the odds ratio cannot be estimated"
            )
    return TargetGapTests(spearman, spearman_reason, logit, logit_reason, alpha, source)


def injected_rhos(rho_max: float, rho_step: float) -> list[float]:
    """The correlations the simulation injects: 0 to ``rho_max`` in steps of ``rho_step``.

    >>> injected_rhos(0.5, 0.1)
    [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    >>> injected_rhos(0.2, 0.15)
    [0.0, 0.15]
    """
    if rho_step <= 0 or not 0 <= rho_max < 1:
        raise ValueError(f"need 0 <= rho_max < 1 and rho_step > 0, got {rho_max} and {rho_step}")
    # Half a step of slack, so that float steps (0.1 * 3) still reach rho_max.
    return [round(float(r), 3) for r in np.arange(0.0, rho_max + rho_step / 2, rho_step)]


@dataclass(frozen=True)
class PowerAnalysis(ShownAsTable):
    """What a panel of ``n_ccgs`` CCGs can detect (None with ``reason`` when nothing can be said).

    ``power`` and ``seed`` are the chosen power and the simulation's seed, named
    in the table a notebook shows (:meth:`as_table`).
    """

    n_ccgs: int
    min_detectable_abs_r: float | None
    detection: pd.DataFrame | None
    reason: str | None
    power: float | None = None
    seed: int | None = None

    def as_table(self, caption: str | None = None) -> Table:
        """The detection rate at each injected correlation, or why there is none."""
        return power_table(self, caption)


def power_analysis(
    n_ccgs: int, *, alpha: float, power: float, rhos: Sequence[float], n_sims: int, seed: int
) -> PowerAnalysis:
    """Minimum detectable |rho| and simulated detection rates for a panel of ``n_ccgs``.

    The simulated panels have the panel's own size (:func:`draw_measured_panel`),
    so the figures describe the panel given, not HSJ's 143 CCGs. Each draw is
    read as its two tested measures alone (:func:`draw_target_and_gap`).
    """
    reason = power_undefined_reason(n_ccgs)
    if reason is not None:
        return PowerAnalysis(n_ccgs, None, None, reason, power, seed)
    min_r = min_detectable_abs_r(n_ccgs, alpha=alpha, power=power)

    targets, lists = published_targets(), register_lists()
    check_inputs(targets, lists)  # once, not at each of the thousand draws

    def draw(draw_seed: int, rho: float) -> dict[str, np.ndarray]:
        pct, gap = draw_target_and_gap(draw_seed, rho, n_ccgs, targets=targets, lists=lists)
        return {TARGET: pct, GAP: gap}

    detection = detection_rate_by_rho(draw, rhos, n_sims=n_sims, seed=seed, alpha=alpha)
    return PowerAnalysis(n_ccgs, min_r, detection, None, power, seed)
