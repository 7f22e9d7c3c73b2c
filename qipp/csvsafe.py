"""Formula-safe CSV: a text cell a spreadsheet would run as a formula is written as text.

Excel, LibreOffice Calc and Google Sheets read a cell that starts with ``=``,
``+``, ``-`` or ``@`` as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``),
and some strip a leading tab or carriage return first. A claims ledger or a panel
is a user's file, and what qipp writes from it is opened in those programs. So,
as OWASP advises (CSV Injection), every CSV qipp writes goes through this module,
which puts a single quote ``'`` before such a text cell. The quote is shown, and
nothing runs.

Only text cells change. Numbers stay numbers, and so does text that is exactly a
plain number (``-1.5``, ``+2``, ``-3.000``: a panel's money is written as text to
three decimals), which a spreadsheet reads as that number. A cell that already
starts with ``'`` is left alone, so writing twice changes nothing more.

:func:`frame_to_csv` writes a DataFrame, :func:`safe_writer` wraps ``csv.writer``,
:func:`safe_frame` makes the copy both use (also for ``DataFrame.to_excel``:
openpyxl turns a string starting with ``=`` into a formula).

Examples
--------
>>> neutralise('=HYPERLINK("http://evil.example","click")')
'\\'=HYPERLINK("http://evil.example","click")'
>>> neutralise("-1.5"), neutralise(-1.5), neutralise("-2+3")
('-1.5', -1.5, "'-2+3")
>>> print(frame_to_csv(pd.DataFrame({"name": ["@SUM(A1)", "ok"], "value": [-1.5, 2.0]})), end="")
name,value
'@SUM(A1),-1.5
ok,2.0
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

import pandas as pd

# What a spreadsheet may take for the start of a formula (OWASP's list).
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
# Text that is exactly a number a spreadsheet reads as such (not a formula).
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def neutralise(value: Any) -> Any:
    """``value`` with a ``'`` in front when it is text a spreadsheet would run; else unchanged.

    >>> [neutralise(v) for v in ["@cmd", "\\t=1", "plain", "", "'=already", None]]
    ["'@cmd", "'\\t=1", 'plain', '', "'=already", None]
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if not _PLAIN_NUMBER.fullmatch(value):
            return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and column name passed through :func:`neutralise`."""
    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            safe[column] = series.map(neutralise)
    safe.columns = [neutralise(name) for name in safe.columns]
    return safe


def frame_to_csv(frame: pd.DataFrame, **options: Any) -> str:
    """``frame`` as formula-safe CSV text; no index and ``\\n`` line ends unless ``options`` say."""
    options = {"index": False, "lineterminator": "\n", **options}
    text = safe_frame(frame).to_csv(**options)
    assert isinstance(text, str)  # no path given: pandas returns the text
    return text


def safe_row(row: Iterable[Any]) -> list[Any]:
    """``row`` with every cell passed through :func:`neutralise`."""
    return [neutralise(cell) for cell in row]


class _SafeWriter:
    """``csv.writer`` whose rows are made formula-safe first."""

    def __init__(self, out: TextIO, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(out: TextIO, **options: Any) -> _SafeWriter:
    """A ``csv.writer`` on ``out`` (same ``options``) that neutralises every cell it writes.

    >>> import io
    >>> out = io.StringIO()
    >>> safe_writer(out, lineterminator="\\n").writerow(["=1+1", "-0.5", 3])
    13
    >>> out.getvalue()
    "'=1+1,-0.5,3\\n"
    """
    return _SafeWriter(out, **options)
