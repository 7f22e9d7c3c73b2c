"""Rank correlation (Spearman's rho or Kendall's tau) with a Fisher-z interval, and its verdict.

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

# Cohen's cut-offs for |r|: they colour the verdict; the numbers beside them carry it.
_STRENGTH_WORDS = ((0.5, "strong"), (0.3, "moderate"), (0.1, "weak"), (0.0, "negligible"))
_NAMES = {"spearman": ("Spearman's rho", "rho"), "kendall": ("Kendall's tau", "tau")}
# Fieller, Hartley and Pearson (1957): the variance of atanh(tau) is about 0.437 / (n - 4).
_KENDALL_Z_VARIANCE = 0.437


@dataclass(frozen=True)
class SpearmanResult(ShownAsTable, _Rounded):
    """A rank correlation with a ``1 - alpha`` interval; for ``method="kendall"``, ``rho`` is tau-b.

    >>> print(SpearmanResult(0.0764, 0.3666, -0.0899, 0.2371, 150, 0.05).as_table())
                                    Measure         Value
                             Spearman's rho          0.08
    95% confidence interval (Fisher z)       -0.09 to 0.24
                        p-value (two-sided)         0.367
                            Detected at 5%            no
                                  Pairs (n)           150
    Spearman rank correlation with a Fisher-z interval.
    """

    rho: float
    p_value: float
    ci_low: float
    ci_high: float
    n: int
    alpha: float
    method: str = "spearman"

    def _p_text(self, p: float) -> str:
        return p_value_text(p, self.alpha)

    def as_table(self, caption: str | None = None) -> Table:
        """Rho, its interval, the p-value, whether it is detected at ``alpha``, and n."""
        return facts(
            {
                _NAMES[self.method][0]: self.rho,
                f"{percent_level(1 - self.alpha)} confidence interval (Fisher z)": (
                    f"{format_r(self.ci_low)} to {format_r(self.ci_high)}"
                ),
                "p-value (two-sided)": self.p_value,
                f"Detected at {percent_level(self.alpha)}": bool(self.p_value < self.alpha),
                "Pairs (n)": self.n,
            },
            formats={_NAMES[self.method][0]: format_r, "p-value (two-sided)": self._p_text},
            caption=caption or f"{self.method.title()} rank correlation with a Fisher-z interval.",
        )


def _fisher_ci(r: float, se: float, alpha: float) -> tuple[float, float]:
    """The ``1 - alpha`` interval for ``r`` from Fisher's z with standard error ``se``."""
    if abs(r) > 1.0 - 1e-12:  # atanh diverges; perfect rank agreement has no spread
        return r, r
    z = math.atanh(r)
    half = stats.norm.ppf(1.0 - alpha / 2.0) * se
    return math.tanh(z - half), math.tanh(z + half)


def _ranked_pairs(x: Iterable[float], y: Iterable[float], least: int) -> tuple[np.ndarray, ...]:
    """Paired arrays of at least ``least`` pairs, neither constant."""
    xa, ya = _paired_arrays(x, y)
    if xa.size < least:
        raise ValueError(f"need at least {least} pairs for a confidence interval, got {xa.size}")
    for name, arr in (("x", xa), ("y", ya)):
        if np.all(arr == arr[0]):
            raise ValueError(f"{name} is constant, so its rank correlation is undefined")
    return xa, ya


def spearman_with_ci(x: Iterable[float], y: Iterable[float], alpha: float = 0.05) -> SpearmanResult:
    """Spearman's rho, its p-value (scipy) and a Fisher-z interval (Bonett-Wright; decision 0013).

    Raises ValueError for unequal lengths, missing values, fewer than 4 pairs or a constant.

    >>> r = spearman_with_ci([1, 2, 3, 4, 5, 6, 7, 8], [1, 3, 2, 5, 4, 7, 6, 8])
    >>> round(r.rho, 3), round(r.ci_low, 3), round(r.ci_high, 3)
    (0.929, 0.537, 0.991)

    Parameters
    ----------
    x, y : iterable of float
        Paired values.
    alpha : float
        One minus the interval's confidence, and the test's level.

    Returns
    -------
    SpearmanResult
        Rho, p-value and interval.
    """
    xa, ya = _ranked_pairs(x, y, 4)
    n = xa.size
    res = stats.spearmanr(xa, ya)
    rho = float(res.statistic)
    low, high = _fisher_ci(rho, math.sqrt((1.0 + rho**2 / 2.0) / (n - 3)), alpha)
    return SpearmanResult(rho, float(res.pvalue), low, high, n, alpha)


def correlation_verdict(result: SpearmanResult, alpha: float | None = None) -> str:
    """One sentence on whether a rank correlation was detected at ``alpha`` (default: the result's).

    >>> correlation_verdict(SpearmanResult(0.04, 0.62, -0.12, 0.2, 143, 0.05))
    'No rank correlation detected at the 5% level: rho = 0.04 (95% CI -0.12 to 0.20), p = 0.620, n = 143; the interval does not rule out |rho| up to 0.20.'
    >>> correlation_verdict(SpearmanResult(-0.31, 0.0002, -0.45, -0.15, 143, 0.05))
    'A moderate negative rank correlation at the 5% level: rho = -0.31 (95% CI -0.45 to -0.15), p < 0.001, n = 143.'

    Parameters
    ----------
    result : SpearmanResult
        A rank correlation.
    alpha : float, optional
        The significance level.

    Returns
    -------
    str
        The sentence.
    """
    alpha = result.alpha if alpha is None else alpha
    level = f"{100 * (1 - result.alpha):g}% CI"
    symbol = _NAMES[result.method][1]
    numbers = (
        f"{symbol} = {format_r(result.rho)} ({level} {format_r(result.ci_low)} to "
        f"{format_r(result.ci_high)}), {format_p(result.p_value, alpha)}, n = {result.n}"
    )
    at_level = f"at the {100 * alpha:g}% level"
    if result.p_value >= alpha:
        bound = max(abs(result.ci_low), abs(result.ci_high))
        return (
            f"No rank correlation detected {at_level}: {numbers}; "
            f"the interval does not rule out |{symbol}| up to {format_r(bound)}."
        )
    # Cohen's cut-offs are for rho; tau = (2 / pi) asin(rho) puts tau on the same footing.
    size = abs(result.rho if result.method == "spearman" else math.sin(math.pi * result.rho / 2))
    strength = next(word for cut, word in _STRENGTH_WORDS if size >= cut)
    sign = "positive" if result.rho > 0 else "negative"
    return f"A {strength} {sign} rank correlation {at_level}: {numbers}."


def kendall_with_ci(x: Iterable[float], y: Iterable[float], alpha: float = 0.05) -> SpearmanResult:
    """Kendall's tau-b (scipy) with a Fisher-z interval, standard error ``sqrt(0.437 / (n - 4))``.

    >>> r = kendall_with_ci([1, 2, 3, 4, 5, 6, 7, 8], [1, 3, 2, 5, 4, 7, 6, 8])
    >>> round(r.rho, 3), round(r.ci_low, 3), round(r.ci_high, 3), r.method
    (0.786, 0.39, 0.936, 'kendall')

    Parameters
    ----------
    x, y : iterable of float
        Paired values.
    alpha : float
        One minus the interval's confidence, and the test's level.

    Returns
    -------
    SpearmanResult
        Tau, p-value and interval (``method`` is ``kendall``).
    """
    xa, ya = _ranked_pairs(x, y, 5)
    n = xa.size
    res = stats.kendalltau(xa, ya)
    tau = float(res.statistic)
    low, high = _fisher_ci(tau, math.sqrt(_KENDALL_Z_VARIANCE / (n - 4)), alpha)
    return SpearmanResult(tau, float(res.pvalue), low, high, n, alpha, "kendall")
