"""Tables written as data, read strictly, and errors a person can act on.

Every table qipp reads (the claims ledger, its tidy tables, a CCG panel) is
described once as a :class:`TableSpec`: its columns, their types and rules,
and its key. From that one description come the pandera schema enforced on
load, the cell-by-cell type coercion, and the data dictionary in
``data/README.md``.

A failed load raises :class:`DataError`, which carries every problem found as
a :class:`Problem` printed as ``file:row:column: what is wrong (expected ...)``.
Rows are counted as a spreadsheet counts them: the header is row 1, the first
record row 2.

Examples
--------
>>> spec = TableSpec("toy", (Field("id", "str", "identifier", unique=True),
...                          Field("n", "int", "a count", checks=(ge(0),))))
>>> frame = coerce_and_validate(pd.DataFrame({"id": ["a", "b"], "n": ["1", "2"]}),
...                             spec, "toy.csv")
>>> frame["n"].tolist()
[1, 2]
>>> try:
...     coerce_and_validate(pd.DataFrame({"id": ["a", "a"], "n": ["1", "x"]}), spec, "toy.csv")
... except DataError as err:
...     print(err)
toy.csv:2:id: duplicate value 'a' (expected a unique value)
toy.csv:3:id: duplicate value 'a' (expected a unique value)
toy.csv:3:n: 'x' is not a whole number (expected a whole number; a value >= 0)
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

# The first record in a file is spreadsheet row 2: row 1 is the header.
FIRST_DATA_ROW = 2

DType = Literal["str", "float", "int", "bool"]

_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}

_TYPE_WORDS = {
    "str": "text",
    "float": "a number",
    "int": "a whole number",
    "bool": "true or false",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell, row, column or file.

    Parameters
    ----------
    file : str
        The file as the user named it.
    row : int or None
        Spreadsheet row (header is 1), or None when the problem is not a row's.
    column : str or None
        Column name, or None when the problem is not a column's.
    message : str
        What is wrong.
    expected : str
        What was expected instead.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    expected: str

    def __str__(self) -> str:
        if self.row is None and self.column is None:
            # A problem with the whole file: no empty row and column fields.
            return f"{self.file}: {self.message} (expected {self.expected})"
        row = "" if self.row is None else str(self.row)
        column = "" if self.column is None else self.column
        return f"{self.file}:{row}:{column}: {self.message} (expected {self.expected})"


class DataError(ValueError):
    """A table failed to load; ``problems`` lists every reason found.

    Examples
    --------
    >>> err = DataError([Problem("a.csv", 2, "x", "missing value", "a number")])
    >>> str(err)
    'a.csv:2:x: missing value (expected a number)'
    """

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Rule:
    """A named, element-wise rule on one column, with the words for a failure.

    ``test`` maps a Series to a boolean Series (True where the value passes);
    ``expected`` says what a passing value looks like.
    """

    test: Callable[[pd.Series], pd.Series]
    expected: str

    def to_check(self) -> pa.Check:
        """Return this rule as a pandera check whose error text is ``expected``."""
        return pa.Check(self.test, element_wise=False, error=self.expected)


def ge(bound: float) -> Rule:
    """Rule: value >= ``bound``.

    >>> ge(0).expected
    'a value >= 0'
    """
    return Rule(lambda s: s >= bound, f"a value >= {bound:g}")


def gt(bound: float) -> Rule:
    """Rule: value > ``bound``.

    >>> gt(0).expected
    'a value > 0'
    """
    return Rule(lambda s: s > bound, f"a value > {bound:g}")


def one_of(values: Iterable[str]) -> Rule:
    """Rule: value is one of ``values``.

    >>> one_of(["a", "b"]).expected
    'one of: a, b'
    """
    allowed = tuple(values)
    return Rule(lambda s: s.isin(allowed), "one of: " + ", ".join(allowed))


def matches(pattern: str, expected: str) -> Rule:
    """Rule: the whole value matches the regular expression ``pattern``.

    >>> matches(r"[0-9]{2}[A-Z]", "an ODS code").test(pd.Series(["11J", "x"])).tolist()
    [True, False]
    """
    compiled = re.compile(pattern)
    return Rule(lambda s: s.map(lambda v: bool(compiled.fullmatch(str(v)))).astype(bool), expected)


@dataclass(frozen=True)
class Field:
    """One column of a table: name, type, meaning and rules."""

    name: str
    dtype: DType
    description: str
    checks: tuple[Rule, ...] = ()
    unique: bool = False
    nullable: bool = False

    def expected_words(self) -> str:
        """Describe what a valid value of this column is, in words."""
        words = [_TYPE_WORDS[self.dtype]]
        words += [rule.expected for rule in self.checks]
        if self.unique:
            words.append("unique")
        if self.nullable:
            words.append("may be empty")
        return "; ".join(words)


@dataclass(frozen=True)
class RowRule:
    """A rule across columns of one row, reported against ``column``."""

    column: str
    test: Callable[[pd.DataFrame], pd.Series]
    expected: str


@dataclass(frozen=True)
class TableSpec:
    """A table written as data: its fields, key and cross-column rules."""

    name: str
    fields: tuple[Field, ...]
    row_rules: tuple[RowRule, ...] = field(default=())

    @property
    def columns(self) -> list[str]:
        """The column names in their canonical order."""
        return [f.name for f in self.fields]

    def schema(self) -> pa.DataFrameSchema:
        """Build the pandera schema enforced on load."""
        pandas_types = {"str": str, "float": float, "int": "Int64", "bool": bool}
        columns = {
            f.name: pa.Column(
                pandas_types[f.dtype],
                checks=[rule.to_check() for rule in f.checks],
                unique=f.unique,
                nullable=f.nullable,
            )
            for f in self.fields
        }
        checks = [pa.Check(rule.test, error=rule.expected) for rule in self.row_rules]
        return pa.DataFrameSchema(columns, checks=checks, strict=True, ordered=False)

    def dictionary_markdown(self) -> str:
        """Render the fields as a Markdown table (the data dictionary)."""
        lines = ["| column | type | meaning | rule |", "|---|---|---|---|"]
        for f in self.fields:
            rule = "; ".join(r.expected for r in f.checks) or "-"
            if f.unique:
                rule += "; unique"
            if f.nullable:
                rule += "; may be empty"
            lines.append(f"| `{f.name}` | {f.dtype} | {f.description} | {rule} |")
        for rule in self.row_rules:
            lines.append(f"| `{rule.column}` (row rule) | - | - | {rule.expected} |")
        return "\n".join(lines)


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _coerce_cell(value: object, dtype: DType) -> object:
    """Convert one raw cell; raise ValueError with the reason when it cannot be."""
    if _is_missing(value):
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
        raise ValueError(f"{value!r} is not true or false")
    try:
        number = (
            float(str(value).strip().replace(",", ""))
            if not isinstance(value, (int, float))
            else float(value)
        )
    except ValueError:
        word = "a number" if dtype == "float" else "a whole number"
        raise ValueError(f"{value!r} is not {word}") from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"{value!r} is not a finite number")
    if dtype == "int":
        if not number.is_integer():
            raise ValueError(f"{value!r} is not a whole number")
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


def _coerce(raw: pd.DataFrame, spec: TableSpec, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    out = {}
    for f in spec.fields:
        values = []
        for position, value in enumerate(raw[f.name].tolist()):
            try:
                cell = _coerce_cell(value, f.dtype)
            except ValueError as exc:
                problems.append(
                    Problem(file, position + FIRST_DATA_ROW, f.name, str(exc), f.expected_words())
                )
                cell = None
            if cell is None and not f.nullable and not _is_missing(value):
                pass  # already reported as a type problem above
            elif cell is None and not f.nullable:
                problems.append(
                    Problem(
                        file, position + FIRST_DATA_ROW, f.name, "missing value", f.expected_words()
                    )
                )
            values.append(cell)
        pandas_dtype = {"str": "object", "float": "float64", "int": "Int64", "bool": "object"}
        series = pd.Series(values, index=raw.index, dtype=pandas_dtype[f.dtype], name=f.name)
        if f.dtype == "str":
            series = series.astype("str").where(series.notna(), None)
        elif f.dtype == "bool" and not f.nullable:
            # The schema wants a bool column; a missing or bad cell is already
            # reported above, so False only stands in for it during the schema check.
            series = series.where(series.notna(), False).astype(bool)
        out[f.name] = series
    return pd.DataFrame(out, index=raw.index), problems


def _schema_problems(exc: SchemaErrors, spec: TableSpec, file: str) -> list[Problem]:
    """Translate pandera's failure cases into :class:`Problem` records."""
    by_name = {f.name: f for f in spec.fields}
    row_rule_columns = {rule.expected: rule.column for rule in spec.row_rules}
    problems = []
    for case in exc.failure_cases.itertuples(index=False):
        index = case.index
        row = None if index is None or pd.isna(index) else int(index) + FIRST_DATA_ROW
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
                Problem(file, row, column, f"duplicate value {value!r}", "a unique value")
            )
        elif check == "not_nullable":
            pass  # reported during coercion with the column's full description
        elif f is not None and check in {r.expected for r in f.checks}:
            problems.append(Problem(file, row, column, f"{value!r} is not allowed", check))
        else:
            problems.append(
                Problem(
                    file,
                    row,
                    column,
                    f"{value!r} fails {check}",
                    f.expected_words() if f else "a valid table",
                )
            )
    # pandera reports a failed row rule once per column of the row; say it once.
    return list(dict.fromkeys(problems))


def coerce_and_validate(raw: pd.DataFrame, spec: TableSpec, file: str) -> pd.DataFrame:
    """Coerce a frame of raw cells to ``spec`` and enforce its schema.

    Parameters
    ----------
    raw : pandas.DataFrame
        Cells as read (strings, numbers or empty), one row per record.
    spec : TableSpec
        The table's description.
    file : str
        The file name to put in error messages.

    Returns
    -------
    pandas.DataFrame
        Typed columns in the spec's order, index 0..n-1.

    Raises
    ------
    DataError
        Listing every missing or unexpected column, every cell that is not of
        its type, and every rule broken.
    """
    raw = raw.reset_index(drop=True)
    problems = _check_columns(raw, spec, file)
    if problems:
        raise DataError(problems)
    typed, problems = _coerce(raw[spec.columns], spec, file)
    try:
        spec.schema().validate(typed, lazy=True)
    except SchemaErrors as exc:
        # A cell that is not of its type fails its rules too; say so once.
        reported = {(p.row, p.column) for p in problems}
        bad_rows = {p.row for p in problems}
        row_rule_words = {rule.expected for rule in spec.row_rules}
        problems += [
            p
            for p in _schema_problems(exc, spec, file)
            if (p.row, p.column) not in reported
            and not (p.row in bad_rows and p.expected in row_rule_words)
        ]
    if problems:
        problems.sort(
            key=lambda p: (
                p.row or 0,
                spec.columns.index(p.column) if p.column in spec.columns else -1,
            )
        )
        raise DataError(problems)
    return typed


def _not_a_table(file: str, why: str) -> DataError:
    return DataError(
        [Problem(file, None, None, why, "a CSV (UTF-8) or .xlsx table with a header row")]
    )


def read_raw_table(path: Path | str) -> pd.DataFrame:
    """Read a CSV or .xlsx file into a frame of raw cells, or explain why not.

    CSV is read as UTF-8 (a byte-order mark is accepted) with every cell kept
    as text; .xlsx is read with openpyxl, first sheet.

    Parameters
    ----------
    path : Path or str
        The file to read.

    Returns
    -------
    pandas.DataFrame
        One column per header cell, raw values.

    Raises
    ------
    DataError
        With a single file-level problem when the file does not exist, is
        empty, binary, in another encoding, or a spreadsheet under a .csv name.
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise _not_a_table(file, "no such file")
    head = path.read_bytes()[:8]
    if path.stat().st_size == 0:
        raise _not_a_table(file, "the file is empty")
    is_zip = head.startswith(b"PK\x03\x04")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"} or is_zip:
        if suffix == ".csv":
            raise _not_a_table(file, "this is a spreadsheet (.xlsx) saved under a .csv name")
        return _read_xlsx(path, file)
    if suffix not in {".csv", ".txt", ""}:
        raise _not_a_table(file, f"unsupported file type {suffix!r}")
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise _not_a_table(file, "the file is binary, not text")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_a_table(
            file, f"the file is not UTF-8 text (byte {exc.start + 1} cannot be decoded)"
        ) from None
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise _not_a_table(file, "the file has no header row") from None
    except pd.errors.ParserError as exc:
        raise _not_a_table(
            file, f"the file is not a well-formed CSV ({str(exc).strip()})"
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _read_xlsx(path: Path, file: str) -> pd.DataFrame:
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise _not_a_table(file, f"the spreadsheet cannot be read ({exc})") from None
    if frame.shape[1] == 0:
        raise _not_a_table(file, "the spreadsheet's first sheet is empty")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def load_table(path: Path | str, spec: TableSpec) -> pd.DataFrame:
    """Read ``path`` and enforce ``spec``: the one way qipp loads a table.

    Raises
    ------
    DataError
        If the file cannot be read as a table or breaks the spec; every
        problem is listed.
    """
    raw = read_raw_table(path)
    return coerce_and_validate(raw, spec, str(path))
