"""The arithmetic of the derivations: shares, totals, ratios, units.

Examples
--------
>>> round(share_pct(48.1, 374), 2), bn_to_m(1.6)
(12.86, 1600.0)
"""

from __future__ import annotations

M_PER_BN = 1000.0


def share_pct(part: float, whole: float) -> float:
    """Return ``part`` as a percentage of ``whole``.

    >>> round(share_pct(17, 38.3), 2)
    44.39
    """
    return 100.0 * part / whole


def total(*parts: float) -> float:
    """Return the sum of ``parts``.

    >>> round(total(3.8, 3.6, 2.9, 2.6), 1)
    12.9
    """
    return float(sum(parts))


def ratio(numerator: float, denominator: float) -> float:
    """Return ``numerator / denominator`` (a fold or a multiple).

    >>> round(ratio(6.44, 0.28), 2)
    23.0
    """
    return numerator / denominator


def bn_to_m(gbp_bn: float) -> float:
    """Convert £bn to £m.

    >>> bn_to_m(1.6)
    1600.0
    """
    return gbp_bn * M_PER_BN


def pct_of_range(rate_pct: float, low: float, high: float) -> tuple[float, float]:
    """Apply a percentage to both ends of a range; return the derived range.

    >>> tuple(round(x, 2) for x in pct_of_range(24, 15, 20))
    (3.6, 4.8)
    """
    return rate_pct / 100.0 * low, rate_pct / 100.0 * high
