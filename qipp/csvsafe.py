"""Formula-safe CSV: text a spreadsheet would run as a formula gets a leading ``'``.

Numbers, and text that is exactly a plain number, are left alone (OWASP, CSV Injection).

>>> neutralise('=HYPERLINK("http://evil.example","click")')
'\\'=HYPERLINK("http://evil.example","click")'
>>> neutralise("-1.5"), neutralise(-1.5), neutralise("-2+3")
('-1.5', -1.5, "'-2+3")
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

import pandas as pd

__all__ = ["FORMULA_STARTS", "frame_to_csv", "neutralise", "safe_frame", "safe_row", "safe_writer"]

# What a spreadsheet may take for the start of a formula (OWASP's list).
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
# Text that is exactly a number a spreadsheet reads as such (not a formula).
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def neutralise(value: Any) -> Any:
    """``value`` with a ``'`` in front when it is text a spreadsheet would run; else unchanged."""
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
    """A ``csv.writer`` on ``out`` (same ``options``) that neutralises every cell it writes."""
    return _SafeWriter(out, **options)
