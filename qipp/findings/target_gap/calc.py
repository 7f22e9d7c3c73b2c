"""Finding 2's computation: the spread of targets and the declared test of target against gap.

Every statistic a panel cannot support is None with the reason, never a crash or a NaN.

>>> panel = pd.DataFrame({"ccg_code": ["A", "B", "C", "D"],
...                       "plan_pct_of_allocation": [0.5, 2.0, 3.0, 6.0]})
>>> spread = target_summary(panel)
>>> spread.median_target_pct, spread.fold_variation, spread.n_under_1pct
(2.5, 12.0, 1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from qipp import stats
from qipp.display import ShownAsTable, Table, facts, table
from qipp.panel.summary import MIN_CCGS as MIN_FOR_MEDIAN
from qipp.stats import LogitResult, SpearmanResult, format_r, p_value_text, percent_level

TARGET, GAP, OUTCOME = "plan_pct_of_allocation", "forecast_gap_pct", "forecasts_shortfall"
METHODS = ("spearman", "kendall")
SYMBOL = {"spearman": "rho", "kendall": "tau"}
# Pairs each test's Fisher-z interval needs: its standard error divides by n - 3 or n - 4.
MIN_CCGS = {"spearman": 4, "kendall": 5}
MIN_CCGS_FOR_LOGIT = 4
# A panel whose test cannot see a moderate correlation with the chosen power is inconclusive.
MODERATE_RHO = 0.3


def on_test_scale(rho: float, method: str) -> float:
    """A correlation on Spearman's scale put on ``method``'s: Kendall's tau = (2/pi) asin(rho)."""
    return rho if method == "spearman" else 2 / math.pi * math.asin(rho)


def _ccgs(n: int) -> str:
    return f"{n:,} CCG{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class TargetSpread(ShownAsTable):
    """The spread of targets; ``fold_variation`` is None when a CCG plans nothing (a 0% target)."""

    n_ccgs: int
    median_target_pct: float
    min_target_pct: float
    min_target_ccg: str
    max_target_pct: float
    max_target_ccg: str
    fold_variation: float | None
    n_zero_targets: int
    n_under_1pct: int
    n_over_4pct: int
    source: str | None = None

    def as_table(self, caption: str | None = None) -> Table:
        """One measure a row; the fold variation says why it is undefined."""
        zero, fold = self.n_zero_targets, self.fold_variation
        return facts(
            {
                "CCGs": self.n_ccgs,
                "The panel's median target (% of allocation)": self.median_target_pct
                if self.n_ccgs >= MIN_FOR_MEDIAN
                else f"not given: {_ccgs(self.n_ccgs)} are too few for a median",
                "Smallest target (% of allocation)": (
                    f"{self.min_target_pct:.2f} ({self.min_target_ccg})"
                ),
                "Largest target (% of allocation)": (
                    f"{self.max_target_pct:.2f} ({self.max_target_ccg})"
                ),
                "Largest / smallest target (fold)": f"{fold:,.1f}"
                if fold is not None
                else f"undefined: {_ccgs(zero)} plan{'s' if zero == 1 else ''} no savings",
                "CCGs with a 0% target": zero,
                "CCGs with a target under 1%": self.n_under_1pct,
                "CCGs with a target over 4%": self.n_over_4pct,
            },
            caption=caption or f"Source: {self.source}.",
            title="The spread of CCGs' QIPP targets, Q1 2013-14",
        )


def target_summary(panel: pd.DataFrame, source: str | None = None) -> TargetSpread:
    """Summarise the targets (plan as % of allocation) of a panel with measures."""
    pct, codes = panel[TARGET], panel["ccg_code"]
    # Positions rather than labels, so the codes are right whatever the panel's index.
    smallest, largest = pct.argmin(), pct.argmax()
    return TargetSpread(
        int(len(panel)),
        float(pct.median()),
        float(pct.min()),
        str(codes.iloc[smallest]),
        float(pct.max()),
        str(codes.iloc[largest]),
        float(pct.max() / pct.min()) if pct.min() > 0 else None,
        int((pct == 0).sum()),
        int((pct < 1).sum()),
        int((pct > 4).sum()),
        source,
    )


def too_few(
    n: int, method: str, what: str = "a rank correlation with a confidence interval"
) -> str | None:
    """Why ``n`` CCGs are too few for ``method``'s test, or None."""
    need = MIN_CCGS[method]
    return f"only {_ccgs(n)}: {what} needs at least {need}" if n < need else None


def correlation_undefined_reason(
    target: npt.ArrayLike, gap: npt.ArrayLike, method: str = "spearman", whose: str = "CCG"
) -> str | None:
    """Why the rank correlation of target and gap cannot be computed, or None when it can.

    >>> correlation_undefined_reason([1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0])
    'no CCG forecasts a shortfall, so every forecast gap is 0'
    """
    x, y = np.asarray(target, dtype=float), np.asarray(gap, dtype=float)
    if reason := too_few(x.size, method):
        return reason
    if np.all(x == x[0]):
        return f"every {whose} has the same target ({x[0]:.2f}% of allocation)"
    if np.all(y == y[0]):
        if y[0] == 0:
            return f"no {whose} forecasts a shortfall, so every forecast gap is 0"
        return f"every {whose} forecasts the same gap ({y[0]:.1f}% of its plan)"
    return None


def logit_undefined_reason(panel: pd.DataFrame) -> str | None:
    """Why the logistic regression of forecasting a shortfall on target cannot be fitted."""
    x = panel[TARGET].to_numpy(dtype=float)
    y = panel[OUTCOME].to_numpy(dtype=bool)
    n_events = int(y.sum())
    if x.size < MIN_CCGS_FOR_LOGIT:
        return f"only {_ccgs(x.size)}: too few to fit a regression"
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


def rank_correlation(
    x: npt.ArrayLike, y: npt.ArrayLike, alpha: float, method: str
) -> SpearmanResult:
    """Spearman's rho or Kendall's tau-b (``method``) with its Fisher-z interval."""
    test = stats.kendall_with_ci if method == "kendall" else stats.spearman_with_ci
    return test(np.asarray(x, dtype=float), np.asarray(y, dtype=float), alpha=alpha)


def min_detectable(n_ccgs: int, alpha: float, power: float, method: str) -> float | None:
    """The smallest |correlation| ``n_ccgs`` CCGs detect with ``power``, on ``method``'s scale."""
    if too_few(n_ccgs, method):
        return None
    return stats.min_detectable_abs_r(n_ccgs, alpha, power, kendall=method == "kendall")


@dataclass(frozen=True)
class TargetGapTests(ShownAsTable):
    """The declared test (the rank correlation, which alone decides) and the supporting logit.

    A test the panel cannot support is None, with the reason beside it.
    """

    method: str
    correlation: SpearmanResult | None
    correlation_reason: str | None
    logit: LogitResult | None
    logit_reason: str | None
    alpha: float
    power: float = 0.8
    min_detectable: float | None = None  # the |correlation| the test sees with ``power``
    source: str | None = None

    @property
    def deciding_test(self) -> str | None:
        """The method when the primary test ran, else None (nothing decided)."""
        return self.method if self.correlation is not None else None

    @property
    def correlated(self) -> bool | None:
        """Whether the primary test detects a correlation at ``alpha``."""
        return None if self.correlation is None else bool(self.correlation.p_value < self.alpha)

    @property
    def supporting_agrees(self) -> bool | None:
        """Whether the logit reaches the primary test's conclusion (None if either is missing)."""
        if self.correlation is None or self.logit is None:
            return None
        return bool(self.logit.p_value < self.alpha) == self.correlated

    @property
    def moderate(self) -> float:
        """A moderate correlation (:data:`MODERATE_RHO`) on the test's scale."""
        return on_test_scale(MODERATE_RHO, self.method)

    @property
    def could_miss(self) -> float | None:
        """The smallest detectable correlation, when nothing was detected and it is above a moderate one."""
        if self.correlated is not False or self.min_detectable is None:
            return None
        return self.min_detectable if self.min_detectable > self.moderate else None

    def as_table(self, caption: str | None = None) -> Table:
        """Both tests, one row each, with the reason where one could not run."""
        r, logit, alpha = self.correlation, self.logit, self.alpha
        name = "Kendall's" if self.method == "kendall" else "Spearman's"
        estimates = [
            f"cannot be computed: {self.correlation_reason}"
            if r is None
            else f"{SYMBOL[self.method]} {format_r(r.rho)}",
            f"cannot be fitted: {self.logit_reason}"
            if logit is None
            else f"odds ratio {logit.odds_ratio:.2f} per point of target"
            + ("" if logit.converged else " (fit did not converge)"),
        ]
        intervals = [
            None if r is None else f"{format_r(r.ci_low)} to {format_r(r.ci_high)}",
            None if logit is None else f"{logit.ci_low:.2f} to {logit.ci_high:.2f}",
        ]
        both = (r, logit)
        frame = pd.DataFrame(
            {
                "Test": [
                    f"{name} rank correlation of target and forecast gap",
                    "Logistic regression of forecasting any shortfall on target",
                ],
                "Role": ["primary: decides the verdict", "supporting"],
                "Estimate": estimates,
                f"{percent_level(1 - alpha)} interval": intervals,
                "p-value": [None if t is None else t.p_value for t in both],
                "CCGs": [None if t is None else t.n for t in both],
                f"Detected at {percent_level(alpha)}": [
                    None if t is None else bool(t.p_value < alpha) for t in both
                ],
            }
        )
        where = f"Source: {self.source}. " if self.source else ""
        return table(
            frame,
            # A test that could not run leaves its count empty, which makes the column float.
            formats={"CCGs": lambda v: f"{int(v):,}", "p-value": lambda p: p_value_text(p, alpha)},
            caption=caption
            or f"{where}The rank correlation alone decides the verdict; the regression is "
            "reported beside it, as the declared rule says.",
            title="QIPP target against forecast gap: the declared test and the regression beside it",
        )


def run_target_gap_tests(
    panel: pd.DataFrame,
    alpha: float = 0.05,
    source: str | None = None,
    *,
    method: str = "spearman",
    power: float = 0.8,
) -> TargetGapTests:
    """Run the primary rank correlation (``method``) and the supporting logit where they can run."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    reason = correlation_undefined_reason(panel[TARGET], panel[GAP], method)
    correlation = None if reason else rank_correlation(panel[TARGET], panel[GAP], alpha, method)
    logit, logit_reason = None, logit_undefined_reason(panel)
    if logit_reason is None:
        try:
            logit = stats.logit_shortfall_on_target(panel, alpha=alpha)
        except stats.SeparationError:
            # Quasi-separation and near-constant targets show only in the fit itself.
            logit_reason = (
                "target size nearly separates the outcomes or barely varies, "
                "so the odds ratio cannot be estimated"
            )
    least = min_detectable(len(panel), alpha, power, method)
    return TargetGapTests(
        method, correlation, reason, logit, logit_reason, alpha, power, least, source
    )
