"""A table written as data: fields, types and rules, giving its schema, messages and dictionary.

>>> spec = TableSpec("toy", (Field("n", "int", "a count", checks=(ge(0),)),))
>>> spec.columns, spec.fields[0].expected_words()
(['n'], 'a whole number; a value >= 0')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
import pandera.pandas as pa

DType = Literal["str", "float", "int", "bool"]

_TYPE_WORDS = {
    "str": "text",
    "float": "a number",
    "int": "a whole number",
    "bool": "true or false",
}


@dataclass(frozen=True)
class Rule:
    """A rule on one column: ``test`` maps a Series to True where a value passes; ``expected`` says what passes."""

    test: Callable[[pd.Series], pd.Series]
    expected: str

    def to_check(self) -> pa.Check:
        """This rule as a pandera check whose error text is ``expected``."""
        return pa.Check(self.test, element_wise=False, error=self.expected)


def ge(bound: float) -> Rule:
    """Rule: value >= ``bound``."""
    return Rule(lambda s: s >= bound, f"a value >= {bound:g}")


def gt(bound: float) -> Rule:
    """Rule: value > ``bound``."""
    return Rule(lambda s: s > bound, f"a value > {bound:g}")


def one_of(values: Iterable[str]) -> Rule:
    """Rule: value is one of ``values``."""
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
    # For numbers: may "-1.2" or "(1.2)" be written, and the largest plausible magnitude.
    negatives: bool = True
    ceiling: float | None = None

    def rule_words(self) -> str:
        """The data dictionary's rule column for this field."""
        rules = "; ".join(r.expected for r in self.checks) or "-"
        if self.unique:
            rules += "; unique"
        if self.nullable:
            rules += "; may be empty"
        return rules

    def expected_words(self) -> str:
        """What a valid value of this column is, in words."""
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
        """The pandera schema enforced on load."""
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
        """The fields as a Markdown table (the data dictionary)."""
        lines = ["| column | type | meaning | rule |", "|---|---|---|---|"]
        for f in self.fields:
            lines.append(f"| `{f.name}` | {f.dtype} | {f.description} | {f.rule_words()} |")
        for row_rule in self.row_rules:
            lines.append(f"| `{row_rule.column}` (row rule) | - | - | {row_rule.expected} |")
        return "\n".join(lines)
