"""A panel's cells typed and checked against its rules; the panel written as CSV with its sidecar.

Reading a file is :func:`qipp.panel.load_panel` (:mod:`qipp.panel.intake.pipeline`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from qipp.atomic import atomic_write_text
from qipp.csvsafe import frame_to_csv
from qipp.panel.schema import (
    FORECAST_SPLIT_COLUMN,
    FORECAST_SPLIT_RULE,
    PANEL_COLUMNS,
    PANEL_SPEC,
    ROW_RULES,
    SPLIT_SPEC,
    WRITTEN_COLUMNS,
    majority_status,
)
from qipp.validation import DataError, Problem, coerce_and_validate
from qipp.validation.numbers import NumberError, column_has_decimals, read_number

# Money is written to three decimals of £m: to the nearest £1,000.
MONEY_DECIMALS = 3


def _compared(first: str, a: str, verb: str, second: str, b: str) -> Callable[..., str]:
    """Words for a row whose money ``a`` (the ``first``) ``verb`` its ``b`` (the ``second``)."""
    return lambda r, f: f"the {first} £{r[a]:,.3f}m {verb} the {second} £{r[b]:,.3f}m"


# One sentence per cross-column rule, naming the values that break it.
_ROW_MESSAGES: dict[str, Callable[[pd.Series, pd.DataFrame], str]] = {
    ROW_RULES[0].expected: lambda r, f: f"reported row has the synthetic code {r.ccg_code!r}",
    ROW_RULES[1].expected: lambda r, f: (
        f"data_status is 'synthetic' with the real ODS code {r.ccg_code!r}: "
        "set it to 'reported' if this is a real return"
    ),
    ROW_RULES[2].expected: lambda r, f: f"synthetic row {r.ccg_code} is named {r.ccg_name!r}",
    ROW_RULES[3].expected: _compared(
        "plan", "qipp_plan_gbp_m", "is not below", "allocation", "allocation_gbp_m"
    ),
    ROW_RULES[4].expected: _compared(
        "transformational plan", "transformational_plan_gbp_m", "exceeds", "plan", "qipp_plan_gbp_m"
    ),
    ROW_RULES[5].expected: _compared(
        "year-to-date plan", "ytd_plan_gbp_m", "exceeds", "full-year plan", "qipp_plan_gbp_m"
    ),
    ROW_RULES[6].expected: lambda r, f: (
        f"data_status {r.data_status!r} in a panel whose other rows are {majority_status(f)!r}"
    ),
    ROW_RULES[7].expected: _compared(
        "forecast outturn", "forecast_outturn_gbp_m", "exceeds", "allocation", "allocation_gbp_m"
    ),
    ROW_RULES[8].expected: _compared(
        "Q1 savings delivered", "ytd_actual_gbp_m", "exceed", "full-year plan", "qipp_plan_gbp_m"
    ),
    FORECAST_SPLIT_RULE.expected: _compared(
        "transformational forecast",
        FORECAST_SPLIT_COLUMN,
        "exceeds",
        "forecast outturn",
        "forecast_outturn_gbp_m",
    ),
}


def _reword(problems: list[Problem], typed: pd.DataFrame | None, rows: list[int]) -> list[Problem]:
    """Drop repeats and replace 'fails a row rule' with what the row holds."""
    position = {row: i for i, row in enumerate(rows)}
    out: list[Problem] = []
    seen: set[Problem] = set()
    for problem in problems:
        words = _ROW_MESSAGES.get(problem.expected)
        if (
            words is not None
            and problem.message == "fails a row rule"
            and typed is not None
            and problem.row in position
        ):
            record = typed.iloc[position[problem.row]]
            problem = Problem(
                problem.file, problem.row, problem.column, words(record, typed), problem.expected
            )
        if problem not in seen:
            seen.add(problem)
            out.append(problem)
    return out


def validate_panel_frame(
    raw: pd.DataFrame, file: str, row_numbers: Sequence[int] | None = None
) -> pd.DataFrame:
    """Coerce raw cells (one row per CCG) to the panel's types and enforce every panel rule.

    ``row_numbers`` gives each record's spreadsheet row (default: the header is row 1).
    Raises DataError listing every problem found.
    """
    if len(raw.columns) == 1:
        header = str(raw.columns[0])
        for separator, word in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if header.count(separator) >= len(PANEL_COLUMNS) // 2:
                why = f"the cells are separated by {word}"
                raise DataError([Problem(file, 1, None, why, "a comma-separated file (CSV)")])
    if len(raw.columns) and raw.empty:
        missing = [c for c in PANEL_COLUMNS if c not in raw.columns]
        if not missing:
            raise DataError(
                [Problem(file, None, None, "the table has a header but no rows", "one row per CCG")]
            )
    rows = list(row_numbers) if row_numbers is not None else list(range(2, len(raw) + 2))
    spec = SPLIT_SPEC if FORECAST_SPLIT_COLUMN in raw.columns else PANEL_SPEC
    try:
        typed = coerce_and_validate(raw, spec, file, rows)
    except DataError as exc:
        partial = None
        if all(c in raw.columns for c in spec.columns):
            partial = _best_effort_typed(raw, spec.columns)
        raise DataError(_reword(exc.problems, partial, rows)) from None
    typed["uses_non_recurrent_fund"] = typed["uses_non_recurrent_fund"].astype(bool)
    return typed


def _best_effort_typed(raw: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Numbers where cells read unambiguously, NaN elsewhere: enough to word row-rule messages."""
    frame = raw.reset_index(drop=True)[columns].copy()
    for column in [c for c in columns if c.endswith("_gbp_m")]:
        cells = frame[column].tolist()
        decimals = column_has_decimals(cells)
        frame[column] = [_number_or_nan(cell, decimals) for cell in cells]
    return frame


def _number_or_nan(cell: object, decimals: bool) -> float:
    try:
        return read_number(cell, negatives=True, column_has_decimals=decimals)
    except NumberError:
        return math.nan


def panel_to_csv_text(panel: pd.DataFrame) -> str:
    """The CSV text qipp commits for a panel: its columns only, money to £1,000, true/false.

    >>> row = {c: 0.0 for c in PANEL_COLUMNS if c.endswith("_gbp_m")}
    >>> row.update(ccg_code="S001", ccg_name="Synthetic CCG 001", region="London",
    ...            allocation_gbp_m=300.0, uses_non_recurrent_fund=False,
    ...            data_status="synthetic")
    >>> print(panel_to_csv_text(pd.DataFrame([row])).splitlines()[1])
    S001,Synthetic CCG 001,London,300.000,0.000,0.000,0.000,0.000,0.000,false,synthetic
    """
    frame = panel[[c for c in WRITTEN_COLUMNS if c in panel.columns]].copy()  # decision 0044
    frame["uses_non_recurrent_fund"] = frame["uses_non_recurrent_fund"].map(
        {True: "true", False: "false"}
    )
    for column in [c for c in frame.columns if c.endswith("_gbp_m")]:
        frame[column] = frame[column].map(lambda v: f"{v:.{MONEY_DECIMALS}f}")
    return frame_to_csv(frame)  # formula-safe: a name starting with = is written as text


def write_panel_csv(panel: pd.DataFrame, path: Path | str) -> None:
    """Write ``panel`` to ``path`` atomically as :func:`panel_to_csv_text` renders it.

    Parameters
    ----------
    panel : DataFrame
        A validated panel.
    path : Path or str
        The CSV to write.
    """
    atomic_write_text(path, panel_to_csv_text(panel))


def sidecar_path(csv_path: Path | str) -> Path:
    """The metadata file beside a panel CSV (``NAME.meta.json``).

    >>> sidecar_path("data/synthetic/p.csv").as_posix()
    'data/synthetic/p.meta.json'

    Parameters
    ----------
    csv_path : Path or str
        The panel CSV.

    Returns
    -------
    Path
        ``NAME.meta.json`` beside it.
    """
    return Path(csv_path).with_suffix(".meta.json")


def write_sidecar(csv_path: Path | str, metadata: dict[str, Any]) -> Path:
    """Write ``metadata`` as sorted, indented JSON beside ``csv_path``; return its path."""
    path = sidecar_path(csv_path)
    atomic_write_text(path, json.dumps(metadata, indent=2, sort_keys=True) + "\n")
    return path


def read_sidecar(csv_path: Path | str) -> dict[str, Any]:
    """Read the metadata beside ``csv_path`` (FileNotFoundError if there is none).

    Parameters
    ----------
    csv_path : Path or str
        The panel CSV.

    Returns
    -------
    dict
        The sidecar's JSON.
    """
    return json.loads(sidecar_path(csv_path).read_text(encoding="utf-8"))
