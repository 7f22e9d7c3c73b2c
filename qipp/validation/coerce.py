"""Coerce raw cells to a :class:`TableSpec` and enforce it, collecting every problem first.

>>> from qipp.validation.spec import Field
>>> spec = TableSpec("toy", (Field("flag", "bool", "yes or no"),))
>>> coerce_and_validate(pd.DataFrame({"flag": ["yes", "0"]}), spec, "toy.csv")["flag"].tolist()
[True, False]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from pandera.errors import SchemaErrors

from qipp.validation.numbers import NumberError, column_has_decimals, quote, read_number
from qipp.validation.problems import FIRST_DATA_ROW, DataError, Problem
from qipp.validation.read import read_raw_table
from qipp.validation.spec import Field, TableSpec

_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def is_missing(cell: object) -> bool:
    """Whether a raw cell holds nothing: None, NaN or only spaces."""
    if isinstance(cell, float):
        return math.isnan(cell)
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _coerce_cell(value: object, field: Field, has_decimals: bool = False) -> object:
    """Convert one raw cell; raise ValueError with the reason when it cannot be."""
    dtype = field.dtype
    if is_missing(value):
        return None
    if dtype == "str":
        return str(value).strip()
    if dtype == "bool":
        if isinstance(value, bool):
            return value
        token = str(value).strip().lower()
        if token in _TRUE:
            return True
        if token in _FALSE:
            return False
        raise ValueError(f"{quote(value)} is not true or false")
    try:
        number = read_number(
            value,
            negatives=field.negatives,
            column_has_decimals=has_decimals and dtype == "float",
            ceiling=field.ceiling,
        )
    except NumberError as exc:
        if dtype == "int":
            raise NumberError(
                str(exc).replace("is not a number", "is not a whole number")
            ) from None
        raise
    if dtype == "int":
        if not number.is_integer():
            raise ValueError(f"{quote(value)} is not a whole number")
        return int(number)
    return number


def _check_columns(raw: pd.DataFrame, spec: TableSpec, file: str) -> list[Problem]:
    problems = []
    expected = ", ".join(spec.columns)
    for name in spec.columns:
        if name not in raw.columns:
            problems.append(Problem(file, 1, name, "missing column", f"the columns {expected}"))
    for name in raw.columns:
        if name not in spec.columns:
            problems.append(
                Problem(file, 1, str(name), "unexpected column", f"only the columns {expected}")
            )
    duplicated = raw.columns[raw.columns.duplicated()]
    for name in dict.fromkeys(duplicated):
        problems.append(Problem(file, 1, str(name), "column appears twice", "each column once"))
    return problems


def _coerce(
    raw: pd.DataFrame, spec: TableSpec, file: str, rows: list[int]
) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    out = {}
    for f in spec.fields:
        values = []
        cells = raw[f.name].tolist()
        has_decimals = f.dtype == "float" and column_has_decimals(cells)
        expected = f.expected_words()
        for position, value in enumerate(cells):
            try:
                cell = _coerce_cell(value, f, has_decimals)
            except ValueError as exc:
                problems.append(Problem(file, rows[position], f.name, str(exc), expected))
                cell = None
            # A cell not of its type was reported above; only an empty one is missing.
            if cell is None and not f.nullable and is_missing(value):
                problems.append(Problem(file, rows[position], f.name, "missing value", expected))
            values.append(cell)
        pandas_dtype = {"str": "object", "float": "float64", "int": "Int64", "bool": "object"}
        series = pd.Series(values, index=raw.index, dtype=pandas_dtype[f.dtype], name=f.name)
        if f.dtype == "str":
            series = series.astype("str").where(series.notna(), None)
        elif f.dtype == "bool" and not f.nullable:
            # A missing or bad cell is reported above: False only stands in for the schema.
            series = series.where(series.notna(), False).astype(bool)
        out[f.name] = series
    return pd.DataFrame(out, index=raw.index), problems


def _schema_problems(
    exc: SchemaErrors, spec: TableSpec, file: str, rows: list[int]
) -> list[Problem]:
    """Translate pandera's failure cases into :class:`Problem` records."""
    by_name = {f.name: f for f in spec.fields}
    row_rule_columns = {rule.expected: rule.column for rule in spec.row_rules}
    problems = []
    for case in exc.failure_cases.itertuples(index=False):
        index = case.index
        row = None if index is None or pd.isna(index) else rows[int(index)]
        check = str(case.check)
        column = None if pd.isna(case.column) else str(case.column)
        if check in row_rule_columns:
            problems.append(Problem(file, row, row_rule_columns[check], "fails a row rule", check))
            continue
        f = by_name.get(column) if column else None
        value = case.failure_case
        if hasattr(value, "item"):
            value = value.item()  # show 5, not np.int64(5)
        if check == "field_uniqueness":
            problems.append(
                Problem(file, row, column, f"duplicate value {quote(value)}", "a unique value")
            )
        elif check == "not_nullable":
            pass  # reported during coercion with the column's full description
        elif f is not None and check in {r.expected for r in f.checks}:
            problems.append(Problem(file, row, column, f"{quote(value)} is not allowed", check))
        else:
            expected = f.expected_words() if f else "a valid table"
            problems.append(Problem(file, row, column, f"{quote(value)} fails {check}", expected))
    # pandera reports a failed row rule once per column of the row; say it once.
    return list(dict.fromkeys(problems))


def coerce_and_validate(
    raw: pd.DataFrame, spec: TableSpec, file: str, row_numbers: Sequence[int] | None = None
) -> pd.DataFrame:
    """Coerce raw cells to ``spec``'s types and enforce its schema; columns in spec order.

    ``row_numbers`` gives each record's spreadsheet row for messages (default: the header
    is row 1). Raises DataError listing every missing or unexpected column, every cell not
    of its type, and every rule broken.
    """
    raw = raw.reset_index(drop=True)
    first = FIRST_DATA_ROW
    rows = list(row_numbers) if row_numbers is not None else list(range(first, first + len(raw)))
    if len(rows) != len(raw):
        raise ValueError(f"row_numbers has {len(rows)} entries for {len(raw)} rows")
    problems = _check_columns(raw, spec, file)
    if problems:
        raise DataError(problems)
    typed, problems = _coerce(raw[spec.columns], spec, file, rows)
    try:
        spec.schema().validate(typed, lazy=True)
    except SchemaErrors as exc:
        # A cell that is not of its type fails its rules too; say so once.
        reported = {(p.row, p.column) for p in problems}
        bad_rows = {p.row for p in problems}
        row_rule_words = {rule.expected for rule in spec.row_rules}
        problems += [
            p
            for p in _schema_problems(exc, spec, file, rows)
            if (p.row, p.column) not in reported
            and not (p.row in bad_rows and p.expected in row_rule_words)
        ]
    if problems:
        order: dict[str | None, int] = {column: i for i, column in enumerate(spec.columns)}
        problems.sort(key=lambda p: (p.row or 0, order.get(p.column, -1)))
        raise DataError(problems)
    return typed


def load_table(path: Path | str, spec: TableSpec) -> pd.DataFrame:
    """Read ``path`` and enforce ``spec``: the one way qipp loads a table."""
    raw = read_raw_table(path)
    return coerce_and_validate(raw, spec, str(path))
