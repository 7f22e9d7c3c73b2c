"""Sensitivity check of notebook 02: target in pounds per registered patient (decision 0031).

The declared test (:mod:`qipp.findings.target_gap.calc`, decision 0025) measures a
target as a share of the CCG's allocation. Allocations per head vary with the
funding formula and each CCG's distance from its target allocation, so the same
plan can rank differently as a share of allocation and in pounds per registered
patient. This module runs the same rank correlation with target per head, over
the CCGs of the panel in the CCG register of April 2013 (the only ones with a
registered population). It is a sensitivity check: it never decides or changes
the verdict, so the verdict is not tested twice.

A panel on which the check cannot run (fewer than 4 CCGs in the register, equal
targets per head, equal gaps) gets None with the reason, as the primary test does.

Examples
--------
>>> panel = pd.DataFrame({"ccg_code": ["07H", "11J", "S001", "S002"],
...                       "plan_gbp_per_head": pd.array([30.0, 3.0, None, None], "Float64"),
...                       "forecast_gap_pct": [0.0, 5.0, 1.0, 0.0]})
>>> print(per_head_undefined_reason(panel))
only 2 of the panel's 4 CCGs are in the CCG register of April 2013 (2 have invented S-codes), so target per head is known for 2: a rank correlation with a confidence interval needs at least 4
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from qipp.findings.target_gap.calc import GAP, MIN_CCGS_FOR_CORRELATION, TargetGapTests
from qipp.panel.schema import is_synthetic_code
from qipp.reference.provenance import REGISTER_NAME
from qipp.stats import SpearmanResult, spearman_with_ci

PER_HEAD = "plan_gbp_per_head"


def in_register(panel: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``panel`` with a target per head (their code is in the register)."""
    return panel[panel[PER_HEAD].notna()]


def per_head_undefined_reason(panel: pd.DataFrame) -> str | None:
    """Why the rank correlation of target per head and gap cannot be computed, or None.

    Parameters
    ----------
    panel : pandas.DataFrame
        A panel with the measures of :func:`qipp.panel.add_measures`.

    Examples
    --------
    >>> toy = pd.DataFrame({"ccg_code": ["01A", "02B", "03C", "04D"],
    ...                     "plan_gbp_per_head": [12.0, 12.0, 12.0, 12.0],
    ...                     "forecast_gap_pct": [0.0, 1.0, 5.0, 0.0]})
    >>> per_head_undefined_reason(toy)
    'every CCG in the register has the same target per head (£12.00)'
    >>> per_head_undefined_reason(toy.assign(plan_gbp_per_head=[3.0, 9.0, 12.0, 30.0])) is None
    True
    """
    known = in_register(panel)
    n, total = len(known), len(panel)
    if 0 < n == total < MIN_CCGS_FOR_CORRELATION:
        # Every CCG is in the register: the panel itself is too small, as for the primary test.
        return (
            f"only {n} CCG{'' if n == 1 else 's'}, all in the {REGISTER_NAME}: a rank "
            f"correlation with a confidence interval needs at least {MIN_CCGS_FOR_CORRELATION}"
        )
    if n < MIN_CCGS_FOR_CORRELATION:
        invented = int(panel["ccg_code"].map(is_synthetic_code).sum())
        whose = f" ({invented} {'has' if invented == 1 else 'have'} invented S-codes)"
        count = "none" if n == 0 else f"only {n}"
        verb = "is" if n == 1 else "are"
        return (
            f"{count} of the panel's {total} CCG{'' if total == 1 else 's'} {verb} in the "
            f"{REGISTER_NAME}{whose if invented else ''}, so target per head is known for {n}: "
            f"a rank correlation with a confidence interval needs at least "
            f"{MIN_CCGS_FOR_CORRELATION}"
        )
    x = known[PER_HEAD].to_numpy(dtype=float)
    y = known[GAP].to_numpy(dtype=float)
    if np.all(x == x[0]):
        return f"every CCG in the register has the same target per head (£{x[0]:,.2f})"
    if np.all(y == y[0]):
        if y[0] == 0:
            return "no CCG in the register forecasts a shortfall, so every forecast gap is 0"
        return f"every CCG in the register forecasts the same gap ({y[0]:.1f}% of its plan)"
    return None


@dataclass(frozen=True)
class PerHeadSensitivity:
    """The rank correlation of target per head with forecast gap, or None with ``reason``."""

    spearman: SpearmanResult | None
    reason: str | None
    n_in_register: int
    n_ccgs: int
    alpha: float

    @property
    def correlated(self) -> bool | None:
        """Whether the check detects a correlation at ``alpha`` (None when undefined)."""
        return None if self.spearman is None else bool(self.spearman.p_value < self.alpha)

    def agrees_with(self, tests: TargetGapTests) -> bool | None:
        """Whether the check reaches the primary test's conclusion (None if either is missing).

        >>> from qipp.findings.target_gap.calc import TargetGapTests
        >>> PerHeadSensitivity(None, "x", 2, 143, 0.05).agrees_with(
        ...     TargetGapTests(None, "y", None, "z", 0.05)) is None
        True
        """
        if self.correlated is None or tests.correlated is None:
            return None
        return self.correlated == tests.correlated


def run_per_head_sensitivity(panel: pd.DataFrame, alpha: float = 0.05) -> PerHeadSensitivity:
    """Run the sensitivity check on the CCGs of ``panel`` in the register, where it can run.

    Parameters
    ----------
    panel : pandas.DataFrame
        A validated panel with measures (:func:`qipp.panel.add_measures`).
    alpha : float
        Significance level (the primary test's).
    """
    known = in_register(panel)
    reason = per_head_undefined_reason(panel)
    spearman = None
    if reason is None:
        spearman = spearman_with_ci(
            known[PER_HEAD].to_numpy(dtype=float), known[GAP].to_numpy(dtype=float), alpha=alpha
        )
    return PerHeadSensitivity(spearman, reason, int(len(known)), int(len(panel)), alpha)
