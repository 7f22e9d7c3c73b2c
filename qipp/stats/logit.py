"""Logistic regression of a yes/no outcome on one predictor, refusing what has no estimate."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qipp.display import ShownAsTable, Table, facts
from qipp.stats._common import _paired_arrays, _Rounded
from qipp.stats.formatting import p_value_text, percent_level

# exp() of a log-odds beyond this overflows a float; no real effect is near it.
_MAX_LOG_ODDS = 700.0
_LABELS = {
    "forecasts_shortfall": "forecasts any year-end shortfall",
    "plan_pct_of_allocation": "percentage point of target (plan as % of allocation)",
}


class SeparationError(ValueError):
    """The outcome is perfectly predicted by the predictor, so no logit MLE exists."""


@dataclass(frozen=True)
class LogitResult(ShownAsTable, _Rounded):
    """Logistic regression of a 0/1 outcome on one predictor and a constant.

    ``coef``, ``std_err`` and ``p_value`` are per unit of the predictor on the log-odds
    scale; ``odds_ratio``, ``ci_low`` and ``ci_high`` the same as an odds ratio.

    >>> result = LogitResult(0.0789, 0.1621, 0.6276, 1.0821, 0.7875, 1.4869, 120, 30, True,
    ...                      "plan_pct_of_allocation", "forecasts_shortfall", 0.05)
    >>> print(result.as_table())  # doctest: +ELLIPSIS
                                                    Measure ...
                                                    Outcome forecasts any year-end shortfall
                                       Cases with the outcome                        30 of 120
    Odds ratio per percentage point of target (plan as % of allocation)                 1.08
    ...
    """

    coef: float
    std_err: float
    p_value: float
    odds_ratio: float
    ci_low: float
    ci_high: float
    n: int
    n_events: int
    converged: bool
    predictor: str
    outcome: str
    alpha: float

    def _p_text(self, p: float) -> str:
        return p_value_text(p, self.alpha)

    def as_table(self, caption: str | None = None) -> Table:
        """The odds ratio with its interval, the coefficient, the p-value and the counts."""
        per = _LABELS.get(self.predictor, f"unit of {self.predictor}")
        return facts(
            {
                "Outcome": _LABELS.get(self.outcome, self.outcome),
                "Cases with the outcome": f"{self.n_events:,} of {self.n:,}",
                f"Odds ratio per {per}": self.odds_ratio,
                f"{percent_level(1 - self.alpha)} confidence interval": (
                    f"{self.ci_low:.2f} to {self.ci_high:.2f}"
                ),
                "Coefficient (log-odds), standard error": f"{self.coef:.3f} ({self.std_err:.3f})",
                "p-value (two-sided)": self.p_value,
                f"Detected at {percent_level(self.alpha)}": bool(self.p_value < self.alpha),
                "Fit converged": self.converged,
            },
            formats={f"Odds ratio per {per}": ".2f", "p-value (two-sided)": self._p_text},
            caption=caption or "Logistic regression with a constant, fitted by maximum likelihood.",
        )


def logit_shortfall_on_target(
    frame: pd.DataFrame,
    outcome: str = "forecasts_shortfall",
    predictor: str = "plan_pct_of_allocation",
    alpha: float = 0.05,
) -> LogitResult:
    """Logistic regression of a yes/no ``outcome`` column on a ``predictor`` column, with a constant.

    ``converged`` is False when the optimiser did not converge: the estimates are then
    unreliable. Raises KeyError for a missing column, ValueError for missing values or one
    outcome class, SeparationError when the predictor splits the outcomes (nearly) perfectly.

    Parameters
    ----------
    frame : DataFrame
        The data.
    outcome, predictor : str
        The yes/no column and the column it is regressed on.
    alpha : float
        One minus the intervals' confidence.

    Returns
    -------
    LogitResult
        The odds ratio, its interval and p-value, and the fit.
    """
    # statsmodels is slow to import: only a fit pays for it.
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    for column in (outcome, predictor):
        if column not in frame.columns:
            raise KeyError(
                f"column {column!r} not in frame (columns: {', '.join(map(str, frame.columns))})"
            )
    xa, ya = _paired_arrays(frame[predictor], frame[outcome].astype(float))
    if not np.isin(ya, (0.0, 1.0)).all():
        raise ValueError(f"outcome {outcome!r} must be true/false or 0/1")
    n_events = int(ya.sum())
    if n_events in (0, ya.size):
        raise ValueError(f"outcome {outcome!r} has one class only ({n_events} of {ya.size} true)")
    if xa.max() == xa.min():
        raise ValueError(f"predictor {predictor!r} is constant")
    x_no, x_yes = xa[ya == 0], xa[ya == 1]
    if x_no.max() <= x_yes.min() or x_yes.max() <= x_no.min():
        raise SeparationError(
            f"{predictor!r} separates {outcome!r} perfectly: every CCG on one side of a "
            "threshold has the same outcome, so the odds ratio is infinite"
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = sm.Logit(ya, sm.add_constant(xa)).fit(disp=0)
    if any(issubclass(w.category, PerfectSeparationWarning) for w in caught):
        raise SeparationError(
            f"statsmodels reports perfect separation of {outcome!r} by {predictor!r}"
        )
    converged = bool(fit.mle_retvals.get("converged", False)) and not any(
        issubclass(w.category, ConvergenceWarning) for w in caught
    )
    coef = float(fit.params[1])
    low, high = (float(v) for v in fit.conf_int(alpha=alpha)[1])
    # Near-separation drives the estimate towards infinity without statsmodels saying so.
    if not all(
        math.isfinite(v) and abs(v) < _MAX_LOG_ODDS for v in (coef, low, high, float(fit.bse[1]))
    ):
        raise SeparationError(
            f"the estimated effect of {predictor!r} on {outcome!r} is not finite (log-odds "
            f"{coef:.3g}): the predictor barely varies or nearly separates the outcome"
        )
    return LogitResult(
        coef=coef,
        std_err=float(fit.bse[1]),
        p_value=float(fit.pvalues[1]),
        odds_ratio=math.exp(coef),
        ci_low=math.exp(low),
        ci_high=math.exp(high),
        n=int(ya.size),
        n_events=n_events,
        converged=converged,
        predictor=predictor,
        outcome=outcome,
        alpha=alpha,
    )
