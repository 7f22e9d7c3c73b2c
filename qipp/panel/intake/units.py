"""Money in £000 where the panel wants £m: named by its header or its size, converted when asked.

A header saying £000 (``(£000)``, ``£000s``, ``£'000``), or a money column whose every value
is over :data:`~.limits.GBP_000_LOOK_ABOVE`, asks "entered in £000?" and names the fix,
``--units 000``, which divides every money column by 1,000 with one note per column.

>>> header_unit("Allocation (£000)"), header_unit("Q1 plan £'000s"), header_unit("Plan (£m)")
('000', '000', None)
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from qipp.panel.intake.limits import GBP_000_LOOK_ABOVE, MAX_MONEY_GBP_M
from qipp.panel.intake.locate import UNIT, header_key, match_header
from qipp.panel.intake.text import column_letter
from qipp.panel.schema import FORECAST_SPLIT_COLUMN, MONEY_COLUMNS
from qipp.validation import Problem
from qipp.validation.numbers import NumberError, column_has_decimals, quote, read_number

THOUSANDS = "000"
MONEY = [*MONEY_COLUMNS, FORECAST_SPLIT_COLUMN]  # the optional column is money too
HINT = "entered in £000? `qipp panel fix --units 000 IN OUT` converts it to £m"
EXPECTED = "£ million, e.g. 343.066 for £343,066,000"


def header_unit(text: object) -> str | None:
    """``'000'`` when a header cell says its figures are in £000, else None."""
    found = UNIT.search(header_key(text))
    return THOUSANDS if found and found.group(1) != "m" else None


def _number(cell: object, decimals: bool) -> float | None:
    try:
        return read_number(cell, column_has_decimals=decimals)
    except NumberError:
        return None  # the validator reports the cell


def read_units(
    frame: pd.DataFrame, header: Sequence[object], units: str, file: str, header_row: int
) -> tuple[pd.DataFrame, list[str], list[Problem], list[Problem]]:
    """The money columns of ``frame`` in £m: divided by 1,000 for ``units`` ``'000'``, else checked.

    Returns the frame, a note per column converted, errors (headers in £000; columns whose
    every value is over 1,000, one beyond MAX_MONEY_GBP_M; with ``'000'``, allocations under
    £1m) and warnings (columns whose every value is over 1,000, none impossible), one line each.
    """
    out = frame.copy()
    notes: list[str] = []
    problems: list[Problem] = []
    said = {match_header(c, MONEY): (i, c) for i, c in enumerate(header) if header_unit(c)}
    headers: list[str] = []  # money headers in £000
    over: list[str] = []  # money columns whose every value is over 1,000
    largest = 0.0
    for column in [c for c in MONEY if c in out.columns]:
        cells = out[column].tolist()
        decimals = column_has_decimals(cells)
        numbers = [_number(c, decimals) for c in cells]
        read = [
            (r, c, n) for r, c, n in zip(out.index, cells, numbers, strict=True) if n is not None
        ]
        if not read:
            continue
        (row, first, number), values = read[0], [n for *_, n in read]
        if units == THOUSANDS:
            out[column] = [
                c if n is None else n / 1000 for c, n in zip(cells, numbers, strict=True)
            ]
            said_as = f"({quote(first)} -> {number / 1000!r})"
            notes.append(f"{column}: {len(read)} values in £000 divided by 1,000 to £m {said_as}")
            if column == "allocation_gbp_m" and max(values) < GBP_000_LOOK_ABOVE:
                message = "--units 000, but no allocation is over 1,000 (£1m): they are in £m"
                problems.append(Problem(file, header_row, column, message, "allocations in £000"))
        elif column in said:
            i, cell = said[column]
            headers.append(f"{quote(cell)} (column {column_letter(i + 1)})")
        elif min(values) > GBP_000_LOOK_ABOVE:
            over.append(f"{column} ({quote(first)} on row {row})")
            largest = max(largest, *values)
    if headers:
        many = len(headers) > 1
        message = f"the header{'s' * many} {', '.join(headers)} say{'s' * (not many)} £000: {HINT}"
        problems.append(Problem(file, header_row, None, message, EXPECTED))
    warnings: list[Problem] = []
    if over:
        message = f"every value of {', '.join(over)} is over {GBP_000_LOOK_ABOVE:,g}: {HINT}"
        found = Problem(file, header_row, None, message, EXPECTED)
        (problems if largest > MAX_MONEY_GBP_M else warnings).append(found)
    return out, notes, problems, warnings
