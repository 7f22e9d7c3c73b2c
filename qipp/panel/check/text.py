"""The check table as people read it: a notebook frame, a summary line, terminal text."""

from __future__ import annotations

import math

import pandas as pd

from qipp.panel.check.table import MATCH, MISMATCH, NEAR, OFF


def check_display_frame(table: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """:func:`check_panel`'s table for a notebook: rounded, and "–" where there is no value.

    >>> row = {"claim_id": "x", "aggregate": "a", "published": 11.0, "panel": None,
    ...        "rule": "equal", "status": "not in panel"}
    >>> check_display_frame(pd.DataFrame([row])).loc["x", "panel"]
    '–'
    """
    shown = table.set_index("claim_id")[["published", "panel", "rule", "status"]]
    numbers = shown[["published", "panel"]].astype(float).round(digits)
    shown = shown.assign(
        **{
            c: numbers[c].astype(object).where(numbers[c].notna(), "–")
            for c in ("published", "panel")
        }
    )
    return shown


def hard_mismatches(table: pd.DataFrame) -> list[str]:
    """Claim ids whose exact aggregate does not match (soft targets never count)."""
    return table.loc[table["status"] == MISMATCH, "claim_id"].tolist()


def match_summary(table: pd.DataFrame) -> str:
    """One line: how many exact aggregates match, and how the soft targets fare.

    >>> t = pd.DataFrame({"status": ["match", "MISMATCH", "near (soft target)"]})
    >>> match_summary(t)
    '1 of 2 exact published aggregates match; 1 of 1 soft targets near.'
    """
    exact = table["status"].isin([MATCH, MISMATCH])
    soft = table["status"].isin([NEAR, OFF])
    return (
        f"{int((table['status'] == MATCH).sum())} of {int(exact.sum())} exact published "
        f"aggregates match; {int((table['status'] == NEAR).sum())} of {int(soft.sum())} "
        "soft targets near."
    )


def format_check_table(table: pd.DataFrame) -> str:
    """:func:`check_panel`'s table as fixed-width text for a terminal.

    >>> row = {"claim_id": "ccg_q1_n_ccgs", "aggregate": "CCGs in the panel",
    ...        "published": 143.0, "panel": 143.0, "rule": "equal", "status": "match"}
    >>> print(format_check_table(pd.DataFrame([row])))
    claim_id       published  panel  rule   status
    ccg_q1_n_ccgs        143    143  equal  match

    Parameters
    ----------
    table : DataFrame
        What :func:`check_panel` returns.

    Returns
    -------
    str
        The table as aligned text.
    """

    def number(value: float | None) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "-"
        return f"{value:.0f}" if float(value).is_integer() else f"{value:.3f}"

    header = ["claim_id", "published", "panel", "rule", "status"]
    cells = [header]
    # Plain tuples: pandas' stubs type a named row's fields as any scalar.
    for claim_id, published, panel, rule, status in table[header].itertuples(
        index=False, name=None
    ):
        cells.append([claim_id, number(published), number(panel), rule, status])
    widths = [max(len(line[i]) for line in cells) for i in range(5)]
    lines = []
    for line in cells:
        parts = [
            line[0].ljust(widths[0]),
            line[1].rjust(widths[1]),
            line[2].rjust(widths[2]),
            line[3].ljust(widths[3]),
            line[4],
        ]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)
