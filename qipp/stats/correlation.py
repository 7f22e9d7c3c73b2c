"""Spearman rank correlation with a Fisher-z interval, and the sentence that reports it.

Examples
--------
>>> result = spearman_with_ci([1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5])
>>> round(result.rho, 3), result.n
(0.829, 6)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import stats

from qipp.display import ShownAsTable, Table, facts
from qipp.stats._common import _paired_arrays, _Rounded
from qipp.stats.formatting import format_p, format_r, p_value_text, percent_level

# Strength words for |rho| (Cohen's conventional cut-offs for r). They only
# colour the verdict sentence; the numbers beside them carry the finding.
_STRENGTH_WORDS = ((0.5, "strong"), (0.3, "moderate"), (0.1, "weak"), (0.0, "negligible"))


@dataclass(frozen=True)
class SpearmanResult(ShownAsTable, _Rounded):
    """Spearman rank correlation with a ``1 - alpha`` confidence interval.

    A notebook shows it as a table (:meth:`as_table`):

    >>> print(SpearmanResult(0.0764, 0.3666, -0.0899, 0.2371, 150, 0.05).as_table())
                                    Measure         Value
                             Spearman's rho          0.08
    95% confidence interval (Fisher z)       -0.09 to 0.24
                        p-value (two-sided)         0.367
                            Detected at 5%            no
                                  Pairs (n)           150
    Spearman rank correlation (qipp.stats.spearman_with_ci).
    """

    rho: float
    p_value: float
    ci_low: float
    ci_high: float
    n: int
    alpha: float

    def as_table(self, caption: str | None = None) -> Table:
        """Rho, its interval, the p-value, whether it is detected at ``alpha``, and n."""
        return facts(
            {
                "Spearman's rho": format_r(self.rho),
                f"{percent_level(1 - self.alpha)} confidence interval (Fisher z)": (
                    f"{format_r(self.ci_low)} to {format_r(self.ci_high)}"
                ),
                "p-value (two-sided)": p_value_text(self.p_value, self.alpha),
                f"Detected at {percent_level(self.alpha)}": bool(self.p_value < self.alpha),
                "Pairs (n)": self.n,
            },
            caption=caption or "Spearman rank correlation (qipp.stats.spearman_with_ci).",
        )


def _fisher_ci(rho: float, n: int, alpha: float) -> tuple[float, float]:
    """Fisher-z interval for Spearman's rho with the Bonett-Wright standard error."""
    if abs(rho) > 1.0 - 1e-12:  # atanh diverges; perfect rank agreement has no spread
        return rho, rho
    se = math.sqrt((1.0 + rho**2 / 2.0) / (n - 3))
    z = math.atanh(rho)
    half = stats.norm.ppf(1.0 - alpha / 2.0) * se
    return math.tanh(z - half), math.tanh(z + half)


def spearman_with_ci(x: Iterable[float], y: Iterable[float], alpha: float = 0.05) -> SpearmanResult:
    """Spearman rank correlation, its p-value and a Fisher-z confidence interval.

    Parameters
    ----------
    x, y : array-like of float
        Paired observations, no missing values.
    alpha : float
        The interval is ``1 - alpha`` (0.05 gives 95%).

    Returns
    -------
    SpearmanResult
        ``rho`` and ``p_value`` from :func:`scipy.stats.spearmanr` (t
        approximation, two-sided); ``ci_low``/``ci_high`` from Fisher's z with
        the Bonett-Wright standard error ``sqrt((1 + rho**2 / 2) / (n - 3))``
        (docs/decisions/0013).

    Raises
    ------
    ValueError
        Unequal lengths, missing values, fewer than 4 pairs, or a constant series.

    Examples
    --------
    >>> r = spearman_with_ci([1, 2, 3, 4, 5, 6, 7, 8], [1, 3, 2, 5, 4, 7, 6, 8])
    >>> round(r.rho, 3), round(r.ci_low, 3), round(r.ci_high, 3)
    (0.929, 0.537, 0.991)
    """
    xa, ya = _paired_arrays(x, y)
    n = xa.size
    if n < 4:
        raise ValueError(f"need at least 4 pairs for a confidence interval, got {n}")
    for name, arr in (("x", xa), ("y", ya)):
        if np.all(arr == arr[0]):
            raise ValueError(f"{name} is constant, so its rank correlation is undefined")
    res = stats.spearmanr(xa, ya)
    rho = float(res.statistic)
    low, high = _fisher_ci(rho, n, alpha)
    return SpearmanResult(rho, float(res.pvalue), low, high, n, alpha)


def correlation_verdict(result: SpearmanResult, alpha: float | None = None) -> str:
    """One sentence on whether a rank correlation was detected, from the numbers.

    Parameters
    ----------
    result : SpearmanResult
        From :func:`spearman_with_ci`; its interval level is ``1 - result.alpha``.
    alpha : float, optional
        Significance level of the test; defaults to ``result.alpha``.

    Examples
    --------
    >>> correlation_verdict(SpearmanResult(0.04, 0.62, -0.12, 0.2, 143, 0.05))
    'No rank correlation detected at the 5% level: rho = 0.04 (95% CI -0.12 to 0.20), p = 0.620, n = 143; the interval does not rule out |rho| up to 0.20.'
    >>> correlation_verdict(SpearmanResult(-0.31, 0.0002, -0.45, -0.15, 143, 0.05))
    'A moderate negative rank correlation at the 5% level: rho = -0.31 (95% CI -0.45 to -0.15), p < 0.001, n = 143.'
    """
    alpha = result.alpha if alpha is None else alpha
    level = f"{100 * (1 - result.alpha):g}% CI"
    numbers = (
        f"rho = {format_r(result.rho)} ({level} {format_r(result.ci_low)} to "
        f"{format_r(result.ci_high)}), {format_p(result.p_value, alpha)}, n = {result.n}"
    )
    at_level = f"at the {100 * alpha:g}% level"
    if result.p_value >= alpha:
        bound = max(abs(result.ci_low), abs(result.ci_high))
        return (
            f"No rank correlation detected {at_level}: {numbers}; "
            f"the interval does not rule out |rho| up to {format_r(bound)}."
        )
    strength = next(word for cut, word in _STRENGTH_WORDS if abs(result.rho) >= cut)
    sign = "positive" if result.rho > 0 else "negative"
    return f"A {strength} {sign} rank correlation {at_level}: {numbers}."
