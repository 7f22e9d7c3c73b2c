"""The tolerance rule (decision 0003): the band a published figure admits, an input's rounding.

>>> band = tolerance(12.9, 0.1)
>>> (round(band.lo, 2), round(band.hi, 2))
(12.85, 12.95)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from qipp.derivations.model import format_number

# "just under X": within 10% below X; "around X": 10% either side, or half a step if wider.
JUST_UNDER_FRACTION = 0.10
AROUND_FRACTION = 0.10
_EPS = 1e-9  # float noise in sums such as 3.8 + 3.6 + 2.9 + 2.6


@dataclass(frozen=True)
class Band:
    """The values a published figure admits: ``lo`` to ``hi``, each end open or closed."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def meets(self, lo: float, hi: float) -> bool:
        """True if the closed interval ``[lo, hi]`` shares a value with the band.

        >>> Band(2, math.inf, lo_open=True).meets(1.5, 2.0)
        False
        >>> Band(3.5, 4.5).meets(4.33, 4.62)
        True
        """
        slack_lo = _EPS * max(1.0, abs(self.lo)) if math.isfinite(self.lo) else 0.0
        slack_hi = _EPS * max(1.0, abs(self.hi)) if math.isfinite(self.hi) else 0.0
        above_lo = hi > self.lo + slack_lo if self.lo_open else hi >= self.lo - slack_lo
        below_hi = lo < self.hi - slack_hi if self.hi_open else lo <= self.hi + slack_hi
        return above_lo and below_hi

    def gap(self, x: float) -> float:
        """Signed distance from ``x`` to the band: 0 inside, > 0 above, < 0 below.

        >>> round(Band(28.5, 29.5).gap(26.15), 2)
        -2.35
        """
        if x < self.lo:
            return x - self.lo
        if x > self.hi:
            return x - self.hi
        return 0.0

    def describe(self) -> str:
        """The band in words.

        >>> Band(2, math.inf, lo_open=True).describe()
        'more than 2'
        """
        if math.isinf(self.hi):
            return f"{'more than' if self.lo_open else 'at least'} {format_number(self.lo)}"
        if math.isinf(self.lo):
            return f"{'less than' if self.hi_open else 'at most'} {format_number(self.hi)}"
        upper = f"under {format_number(self.hi)}" if self.hi_open else format_number(self.hi)
        return f"{format_number(self.lo)} to {upper}"


def tolerance(value: float, precision: float, qualifier: str | None = None) -> Band:
    """The band of values a published figure admits, stated to step ``precision``.

    No qualifier: half a step either side; "around": 10% either side, or half a step if
    wider; "more than"/"less than": the open half-line, "at least"/"up to" the closed one;
    "just under": from 10% below up to, not including, ``value``.

    >>> tolerance(20, 1, "around").describe(), tolerance(50, 1, "just under").describe()
    ('18 to 22', '45 to under 50')
    """
    if qualifier is None:
        return Band(value - precision / 2, value + precision / 2)
    if qualifier == "around":
        half_width = max(precision / 2, AROUND_FRACTION * abs(value))
        return Band(value - half_width, value + half_width)
    if qualifier == "more than":
        return Band(value, math.inf, lo_open=True)
    if qualifier == "at least":
        return Band(value, math.inf)
    if qualifier == "less than":
        return Band(-math.inf, value, hi_open=True)
    if qualifier == "up to":
        return Band(-math.inf, value)
    if qualifier == "just under":
        return Band(value - JUST_UNDER_FRACTION * abs(value), value, hi_open=True)
    raise ValueError(f"unknown qualifier {qualifier!r}")


def input_interval(value: float, precision: float, unit: str) -> tuple[float, float]:
    """The values an input could have been rounded from: a count is exact, else +/- half a step.

    >>> input_interval(1.6, 0.1, "GBP_bn")
    (1.55, 1.6500000000000001)
    >>> input_interval(143, 1, "count")
    (143, 143)
    """
    if unit == "count":
        return value, value
    return value - precision / 2, value + precision / 2


def qualifier_or_none(value: str | float | None) -> str | None:
    """A ledger qualifier ("more than", "around", ...) or None when the cell is empty.

    >>> qualifier_or_none(" more than "), qualifier_or_none(float("nan")), qualifier_or_none("")
    ('more than', None, None)
    """
    if value is None or pd.isna(value):
        return None
    return str(value).strip() or None
