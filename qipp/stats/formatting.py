"""Numbers in a verdict sentence: a p-value that never contradicts its test, an r to 2 dp.

>>> format_p(0.0499, 0.05), format_p(0.0004, 0.05), format_r(-0.004)
('p = 0.0499', 'p < 0.001', '0.00')
>>> p_value_text(0.0004, 0.05), percent_level(0.05)
('< 0.001', '5%')
"""

from __future__ import annotations


def format_p(p: float, alpha: float) -> str:
    """A p-value to three decimals, or four significant figures where three would round across ``alpha``.

    >>> format_p(0.62, 0.05), format_p(0.04996, 0.05)
    ('p = 0.620', 'p = 0.04996')

    Parameters
    ----------
    p, alpha : float
        The p-value and the test's level.

    Returns
    -------
    str
        ``p = ...`` or ``p < 0.001``.
    """
    if p < 0.001:
        return "p < 0.001"
    text = f"{p:.3f}"
    if (p < alpha) != (float(text) < alpha):
        text = f"{p:.4g}"
    return f"p = {text}"


def p_value_text(p: float, alpha: float) -> str:
    """A p-value for a table cell: :func:`format_p` without the ``p =``.

    Parameters
    ----------
    p, alpha : float
        The p-value and the test's level.

    Returns
    -------
    str
        The text.
    """
    return format_p(p, alpha).removeprefix("p = ").replace("p < ", "< ")


def percent_level(alpha: float) -> str:
    """A significance level or its interval's confidence as a percentage (0.95: '95%').

    Parameters
    ----------
    alpha : float
        A level, or a confidence.

    Returns
    -------
    str
        The percentage.
    """
    return f"{100 * alpha:.10g}%"


def format_r(value: float) -> str:
    """Two decimals, never '-0.00'.

    Parameters
    ----------
    value : float
        A correlation.

    Returns
    -------
    str
        The text.
    """
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text
