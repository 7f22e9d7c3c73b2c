"""Panels of several quarters: a ``quarter`` column (``2013-14 Q2``), one row per CCG and quarter.

Stand-in of helper D's branch for helper A's module (same names and behaviour as the
contract); the lead keeps A's.

>>> long = pd.DataFrame({"quarter": ["2013-14 Q2", "2013-14 Q1"], "ccg_code": ["07H", "07H"]})
>>> quarters(long), latest(long)["quarter"].tolist(), quarters(long.drop(columns="quarter"))
(['2013-14 Q1', '2013-14 Q2'], ['2013-14 Q2'], [])
"""

from __future__ import annotations

import re

import pandas as pd

QUARTER_FORM = "2013-14 Q2"
_LABEL = re.compile(r"(\d{4})-(\d{2}) Q([1-4])")


def quarter_key(label: str) -> tuple[int, int]:
    """The sort key (first year, quarter) of a label like :data:`QUARTER_FORM`.

    Parameters
    ----------
    label : str
        A quarter label.

    Returns
    -------
    tuple of int
        The first year and the quarter; ValueError naming the accepted form otherwise.
    """
    match = _LABEL.fullmatch(str(label))
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"quarter {label!r} is not of the form {QUARTER_FORM!r}")
    return int(match[1]), int(match[3])


def quarters(panel: pd.DataFrame) -> list[str]:
    """The panel's quarters in order; ``[]`` when it has no ``quarter`` column.

    Parameters
    ----------
    panel : DataFrame
        A panel.

    Returns
    -------
    list of str
        Its quarter labels, earliest first.
    """
    if "quarter" not in panel.columns:
        return []
    return sorted(map(str, pd.unique(panel["quarter"])), key=quarter_key)


def at_quarter(panel: pd.DataFrame, quarter: str) -> pd.DataFrame:
    """That quarter's rows (index reset), one per CCG.

    Parameters
    ----------
    panel : DataFrame
        A panel with a ``quarter`` column.
    quarter : str
        One of its quarters.

    Returns
    -------
    DataFrame
        The rows of ``quarter``.
    """
    return panel[panel["quarter"] == quarter].reset_index(drop=True)


def latest(panel: pd.DataFrame) -> pd.DataFrame:
    """The last quarter's rows, or the panel itself when it has no ``quarter`` column.

    Parameters
    ----------
    panel : DataFrame
        A panel.

    Returns
    -------
    DataFrame
        The rows of its latest quarter.
    """
    found = quarters(panel)
    return at_quarter(panel, found[-1]) if found else panel
