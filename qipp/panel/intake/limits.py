"""Every threshold the panel intake applies, defined once and listed in :data:`THRESHOLDS`.

>>> [t.name for t in THRESHOLDS][:3]
['MAX_FILE_BYTES', 'MAX_UNCOMPRESSED_XLSX_BYTES', 'MAX_WHOLE_PART_BYTES']
>>> names = {n for n in globals() if n.isupper() and n != "THRESHOLDS"}
>>> names == {t.name for t in THRESHOLDS}
True
"""

from __future__ import annotations

from dataclasses import dataclass

from qipp.validation.numbers import QUOTE_CHARS

MAX_FILE_BYTES = 20 * 1024 * 1024  # a 143-CCG return is ~20 kB
MAX_UNCOMPRESSED_XLSX_BYTES = 100 * 1024 * 1024
# openpyxl parses these whole: 90 MB of styles once took over 1.5 GB; a panel's are a few kB.
MAX_WHOLE_PART_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000  # England had 211 CCGs at most
MAX_COLUMNS = 100
MAX_CELL_CHARS = 1_000
MAX_NAME_CHARS = 200  # the longest real CCG name is under 80 characters
HEADER_SEARCH_ROWS = 20
MAX_MONEY_GBP_M = 10_000.0  # the largest CCG allocation in 2013-14 was about £1.3bn
GBP_000_LOOK_ABOVE = 1_000.0  # a £m column with every value above this looks like £000
MAX_PROBLEM_LINES = 50
Q1_ACTUAL_OVER_FULL_YEAR_PLAN_FACTOR = 1.0  # Q1 cannot beat the year
Q1_ACTUAL_OVER_Q1_PLAN_WARN_FACTOR = 2.0


@dataclass(frozen=True)
class Threshold:
    """One limit or plausibility factor (a constant of this module), described for the data dictionary."""

    name: str
    value: float
    unit: str
    guards: str


THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(
        "MAX_FILE_BYTES",
        MAX_FILE_BYTES,
        "bytes",
        "size of the file as given, checked before it is read",
    ),
    Threshold(
        "MAX_UNCOMPRESSED_XLSX_BYTES",
        MAX_UNCOMPRESSED_XLSX_BYTES,
        "bytes",
        "sum of a workbook's declared uncompressed parts (zip bomb)",
    ),
    Threshold(
        "MAX_WHOLE_PART_BYTES",
        MAX_WHOLE_PART_BYTES,
        "bytes",
        "a workbook part parsed whole (styles, shared strings), uncompressed",
    ),
    Threshold("MAX_ROWS", MAX_ROWS, "rows", "data rows per sheet (memory and time)"),
    Threshold("MAX_COLUMNS", MAX_COLUMNS, "columns", "columns per sheet (memory and time)"),
    Threshold("MAX_CELL_CHARS", MAX_CELL_CHARS, "characters", "length of any cell"),
    Threshold("MAX_NAME_CHARS", MAX_NAME_CHARS, "characters", "length of ccg_name"),
    Threshold(
        "HEADER_SEARCH_ROWS",
        HEADER_SEARCH_ROWS,
        "rows",
        "rows searched for the header at the top of each sheet",
    ),
    Threshold("QUOTE_CHARS", QUOTE_CHARS, "characters", "cell text quoted in a message"),
    Threshold(
        "MAX_MONEY_GBP_M",
        MAX_MONEY_GBP_M,
        "£m",
        "any money figure (above every CCG allocation)",
    ),
    Threshold(
        "GBP_000_LOOK_ABOVE",
        GBP_000_LOOK_ABOVE,
        "£m",
        "every value of a money column above it: 'entered in £000?' (an error if one is "
        "above MAX_MONEY_GBP_M, else a warning); --units 000 converts",
    ),
    Threshold("MAX_PROBLEM_LINES", MAX_PROBLEM_LINES, "lines", "problem lines printed"),
    Threshold(
        "Q1_ACTUAL_OVER_FULL_YEAR_PLAN_FACTOR",
        Q1_ACTUAL_OVER_FULL_YEAR_PLAN_FACTOR,
        "times",
        "error: ytd_actual above this times qipp_plan",
    ),
    Threshold(
        "Q1_ACTUAL_OVER_Q1_PLAN_WARN_FACTOR",
        Q1_ACTUAL_OVER_Q1_PLAN_WARN_FACTOR,
        "times",
        "warning: ytd_actual above this times ytd_plan (ytd_plan > 0)",
    ),
)
