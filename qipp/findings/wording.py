"""Words every finding uses: sums of money, how a figure moved, counts of CCGs, ranks."""

from __future__ import annotations


def money(value: float, decimals: int = 1) -> str:
    """A sum in £m, sign first.

    >>> money(1586.66, 0), money(-3.74), money(21.6)
    ('£1,587m', '-£3.7m', '£21.6m')
    """
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.{decimals}f}m"


def moved(change: float) -> str:
    """How a figure moved: "rose by £xm", "fell by £xm" or "did not change".

    >>> moved(105.4), moved(-2.0), moved(0.0)
    ('rose by £105.4m', 'fell by £2.0m', 'did not change')
    """
    if change == 0:
        return "did not change"
    return f"{'rose' if change > 0 else 'fell'} by {money(abs(change))}"


def pounds(value: float) -> str:
    """Pounds and pence with thousands separators.

    >>> pounds(29.23939), pounds(1234.5)
    ('£29.24', '£1,234.50')
    """
    return f"£{value:,.2f}"


def ccgs(n: int) -> str:
    """``"1 CCG"``, ``"2 CCGs"``.

    >>> ccgs(1), ccgs(0), ccgs(143)
    ('1 CCG', '0 CCGs', '143 CCGs')
    """
    return f"{n} CCG{'' if n == 1 else 's'}"


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``12th``, ``13th``, ``21st`` ...

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111, 143)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '111th', '143rd']
    """
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"
