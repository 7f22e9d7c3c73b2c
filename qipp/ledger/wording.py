"""A published figure as the article states it: qualifier, unit, precision ("less than 50%").

>>> as_published(50.0, "pct", 1.0, "less than")
'less than 50%'
>>> as_published(2.0, "ratio", 1.0, "more than"), as_published(246.6, "GBP_m", 0.1, None)
('more than 2x', '£246.6m')
>>> as_published(5.8, "GBP_bn", 0.1, "around"), as_published(143.0, "count", 1.0, "")
('around £5.8bn', '143')
"""

from __future__ import annotations

import math

_UNIT_FORMS = {
    "GBP_m": "£{}m",
    "GBP_bn": "£{}bn",
    "pct": "{}%",
    "count": "{}",
    "ratio": "{}x",
}


def decimals_for(precision: float) -> int:
    """Decimal places that show a figure stated to ``precision`` (0.1 -> 1, 5 -> 0).

    >>> decimals_for(0.1), decimals_for(0.01), decimals_for(1.0), decimals_for(5.0)
    (1, 2, 0, 0)
    """
    if not precision or precision >= 1:
        return 0
    return max(0, math.ceil(-math.log10(precision) - 1e-9))


def as_published(
    value: float, unit: str, precision: float, qualifier: str | float | None = None
) -> str:
    """The figure with its qualifier and unit, to the precision it was stated to.

    ``qualifier`` is empty or NaN for none.
    """
    number = f"{value:,.{decimals_for(precision)}f}"
    text = _UNIT_FORMS.get(unit, "{} " + unit).format(number)
    hedge = qualifier.strip() if isinstance(qualifier, str) else ""
    return f"{hedge} {text}" if hedge else text
