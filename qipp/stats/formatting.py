"""Numbers in a verdict sentence: a p-value that never contradicts its test, an r to 2 dp.

Examples
--------
>>> format_p(0.0499, 0.05), format_p(0.0004, 0.05), format_r(-0.004)
('p = 0.0499', 'p < 0.001', '0.00')
>>> p_value_text(0.0004, 0.05), percent_level(0.05)
('< 0.001', '5%')
"""

from __future__ import annotations


def format_p(p: float, alpha: float) -> str:
    """Format a p-value so that its printed value never contradicts ``p < alpha``.

    Three decimals, unless those would round across ``alpha``; then four
    significant figures.

    Examples
    --------
    >>> format_p(0.62, 0.05)
    'p = 0.620'
    >>> format_p(0.04996, 0.05)
    'p = 0.04996'
    """
    if p < 0.001:
        return "p < 0.001"
    text = f"{p:.3f}"
    if (p < alpha) != (float(text) < alpha):
        text = f"{p:.4g}"
    return f"p = {text}"


def p_value_text(p: float, alpha: float) -> str:
    """A p-value for a table cell: :func:`format_p` without the ``p =``.

    >>> p_value_text(0.367, 0.05), p_value_text(0.0002, 0.05), p_value_text(0.04996, 0.05)
    ('0.367', '< 0.001', '0.04996')
    """
    return format_p(p, alpha).removeprefix("p = ").replace("p < ", "< ")


def percent_level(alpha: float) -> str:
    """A significance level or its interval's confidence as a percentage.

    >>> percent_level(0.05), percent_level(1 - 0.05), percent_level(0.1)
    ('5%', '95%', '10%')
    """
    return f"{100 * alpha:.10g}%"


def format_r(value: float) -> str:
    """Two decimals, never '-0.00'.

    >>> format_r(0.125), format_r(-0.001)
    ('0.12', '0.00')
    """
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


# The names these had when they were private to qipp.stats; other modules import them.
_format_p = format_p
_format_r = format_r
