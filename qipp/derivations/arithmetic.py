"""The arithmetic of the derivations: shares, totals, ratios, units.

>>> round(share_pct(48.1, 374), 2), bn_to_m(1.6)
(12.86, 1600.0)
"""

from __future__ import annotations

M_PER_BN = 1000.0


def share_pct(part: float, whole: float) -> float:
    """``part`` as a percentage of ``whole``."""
    return 100.0 * part / whole


def total(*parts: float) -> float:
    """The sum of ``parts`` as a float."""
    return float(sum(parts))


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``: a fold or a multiple."""
    return numerator / denominator


def bn_to_m(gbp_bn: float) -> float:
    """£bn to £m."""
    return gbp_bn * M_PER_BN


def pct_of_range(rate_pct: float, low: float, high: float) -> tuple[float, float]:
    """A percentage of both ends of a range.

    >>> tuple(round(x, 2) for x in pct_of_range(24, 15, 20))
    (3.6, 4.8)
    """
    return rate_pct / 100.0 * low, rate_pct / 100.0 * high
