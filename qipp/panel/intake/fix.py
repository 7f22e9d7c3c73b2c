"""``qipp panel fix``: a cleaned copy of a panel file, and exactly what changed.

The copy applies only what reading the file already did and said, so it never holds a
guess; columns set aside are kept, after the panel's. What reading said once per column (a
case fixed, £000 converted) is listed once, as its note; other cells are listed one by one.

Examples
--------
>>> header_changes(("CCG Code", "region", "Notes"), ["ccg_code", "region"])
["column A: 'CCG Code' -> ccg_code"]
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from qipp.atomic import atomic_write_bytes, atomic_write_text
from qipp.csvsafe import frame_to_csv, safe_frame
from qipp.panel.intake.locate import match_header
from qipp.panel.intake.pipeline import PanelRead
from qipp.panel.intake.text import column_letter
from qipp.panel.schema import FORECAST_SPLIT_COLUMN, PANEL_COLUMNS, WRITTEN_COLUMNS

# Enough lines to review a change by eye; the count of the rest is printed.
MAX_CHANGE_LINES = 50


def header_changes(header: Sequence[object], columns: Sequence[str]) -> list[str]:
    """One line per header cell renamed to its canonical column."""
    lines = []
    for position, cell in enumerate(header):
        column = match_header(cell, columns)
        if column is not None and str(cell) != column:
            lines.append(f"column {column_letter(position + 1)}: {str(cell)!r} -> {column}")
    return lines


def plain_number(value: float) -> str:
    """Money as the committed panel writes it (£m to 3 decimals), never rounding a value away.

    >>> plain_number(2.4), plain_number(1.23456)
    ('2.400', '1.23456')
    """
    return f"{value:.3f}" if round(value, 3) == value else repr(float(value))


def fixed_frame(read: PanelRead) -> pd.DataFrame:
    """The table to write, in the file's row order: the panel's columns as qipp writes them
    (a ``quarter`` first, the forecast's split last, when present), then those set aside."""
    frame = read.panel[[c for c in WRITTEN_COLUMNS if c in read.panel.columns]].copy()
    # A long panel is in quarter order; the copy keeps the file's (its extra cells are so).
    frame.index = pd.Index(read.row_numbers or range(len(frame)))
    frame = frame.sort_index().reset_index(drop=True)
    for column in [c for c in frame.columns if c.endswith("_gbp_m")]:
        frame[column] = frame[column].map(plain_number)
    frame["uses_non_recurrent_fund"] = frame["uses_non_recurrent_fund"].map(
        {True: "true", False: "false"}
    )
    frame = frame.astype(str)
    for name, values in read.extra.items():
        frame[name] = ["" if v is None else str(v) for v in values]
    return frame


def cell_changes(read: PanelRead, fixed: pd.DataFrame) -> list[str]:
    """``row N column: 'before' -> 'after'`` for each panel cell changed after reading."""
    lines: list[str] = []
    if read.raw is None:
        return lines
    for position, row in enumerate(sorted(read.row_numbers)):
        for column in [c for c in fixed.columns if c in read.panel.columns]:
            if column not in read.raw.columns:
                continue
            before = read.raw.iloc[position][column]
            before_text = "" if before is None else str(before)
            after = fixed.iloc[position][column]
            if before_text != after and not _same_number(before, after):
                lines.append(f"row {row} {column}: {before_text!r} -> {after!r}")
    return lines


def _same_number(before: object, after: str) -> bool:
    """The same value written otherwise (2.4 as '2.400', an .xlsx True as 'true') is no change."""
    if isinstance(before, bool):
        return after == str(before).lower()  # a spreadsheet's TRUE, written as true
    if not isinstance(before, int | float):
        return False
    try:
        return float(after) == float(before)
    except ValueError:
        return False


def write_fixed(fixed: pd.DataFrame, out: Path) -> None:
    """Write the cleaned table atomically, formula-safe, as CSV (UTF-8) or .xlsx by ``out``'s suffix."""
    if out.suffix.lower() in {".xlsx", ".xlsm"}:
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            safe_frame(fixed).to_excel(writer, index=False, sheet_name="Data")
        atomic_write_bytes(out, buffer.getvalue())
    else:
        atomic_write_text(out, frame_to_csv(fixed))


def fix_report(read: PanelRead, fixed: pd.DataFrame) -> list[str]:
    """Every change, diff-like: headers renamed, rows dropped, cells rewritten."""
    changes = header_changes(read.header, [*PANEL_COLUMNS, FORECAST_SPLIT_COLUMN])
    changes += [f"note: {note}" for note in read.notes]
    cells = cell_changes(read, fixed)
    shown = cells[:MAX_CHANGE_LINES]
    changes += shown
    if len(cells) > len(shown):
        changes.append(
            f"... and {len(cells) - len(shown)} more cells rewritten ({len(cells)} in all)"
        )
    return changes
