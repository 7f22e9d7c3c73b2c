"""The specs of ``sources.csv`` and ``claims.csv``, their units and hedges.

>>> CLAIMS_SPEC.columns[:5]
['id', 'source', 'quote', 'quantity', 'value']
>>> "around" in QUALIFIERS
True
"""

from __future__ import annotations

import pandas as pd

from qipp.validation import Field, RowRule, Rule, TableSpec, gt, matches, one_of

UNITS: tuple[str, ...] = ("GBP_m", "GBP_bn", "pct", "count", "ratio")
QUALIFIERS: tuple[str, ...] = (
    "more than",
    "less than",
    "at least",
    "up to",
    "around",
    "just under",
)
SOURCE_ROLES: tuple[str, ...] = ("article", "external_check", "reference")
# Quotes are a clause, never a passage: the articles are not ours to reproduce.
MAX_QUOTE_CHARS = 160

# Every id in the ledger (a source, a claim, a claim_id in a tidy table) has this form.
ID_RULE = matches(r"[a-z][a-z0-9_]*", "a lower-case id (letters, digits, _)")


def _short_text(limit: int) -> Rule:
    return Rule(lambda s: s.str.len() <= limit, f"a short clause (at most {limit} characters)")


def _count_is_whole(frame: pd.DataFrame) -> pd.Series:
    is_count = frame["unit"] == "count"
    return ~is_count | ((frame["value"] % 1 == 0) & (frame["value"] >= 0))


SOURCES_SPEC = TableSpec(
    "sources",
    (
        Field("id", "str", "source id, cited by claims.csv", checks=(ID_RULE,), unique=True),
        Field("publisher", "str", "who published it"),
        Field("short_name", "str", "the short name to cite it by", unique=True),
        Field("period", "str", "the period its figures cover"),
        Field("documents", "str", "the NHS documents it is built on"),
        Field(
            "role",
            "str",
            "article reproduced, external check, or reference data (data/reference)",
            checks=(one_of(SOURCE_ROLES),),
        ),
    ),
)

CLAIMS_SPEC = TableSpec(
    "claims",
    (
        Field("id", "str", "stable, readable claim id", checks=(ID_RULE,), unique=True),
        Field("source", "str", "id of the publication stating it (sources.csv)", checks=(ID_RULE,)),
        Field("quote", "str", "the clause that states it", checks=(_short_text(MAX_QUOTE_CHARS),)),
        Field("quantity", "str", "what it measures, plainly"),
        Field("value", "float", "the figure as published"),
        Field("unit", "str", "unit of value", checks=(one_of(UNITS),)),
        Field("period", "str", "the period it refers to"),
        Field("scope", "str", "the organisations it covers"),
        Field("precision", "float", "the step it was stated to (0.1 for 12.9)", checks=(gt(0),)),
        Field(
            "qualifier",
            "str",
            "a hedge on the figure, if any",
            checks=(one_of(QUALIFIERS),),
            nullable=True,
        ),
    ),
    row_rules=(RowRule("value", _count_is_whole, "a whole number >= 0 when unit is count"),),
)
