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

One concern per module:

- :mod:`qipp.validation.problems`: :class:`Problem`, :class:`DataError`;
- :mod:`qipp.validation.spec`: :class:`Field`, :class:`Rule`, :class:`RowRule`,
  :class:`TableSpec` and the rules :func:`ge`, :func:`gt`, :func:`matches`, :func:`one_of`;
- :mod:`qipp.validation.read`: a CSV or .xlsx file into raw cells;
- :mod:`qipp.validation.coerce`: raw cells typed and checked against a spec.

Examples
--------
>>> import pandas as pd
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

from qipp.validation.coerce import coerce_and_validate, load_table
from qipp.validation.problems import FIRST_DATA_ROW, DataError, Problem
from qipp.validation.read import read_raw_table
from qipp.validation.spec import (
    DType,
    Field,
    RowRule,
    Rule,
    TableSpec,
    ge,
    gt,
    matches,
    one_of,
)

__all__ = [
    "FIRST_DATA_ROW",
    "DType",
    "DataError",
    "Field",
    "Problem",
    "RowRule",
    "Rule",
    "TableSpec",
    "coerce_and_validate",
    "ge",
    "gt",
    "load_table",
    "matches",
    "one_of",
    "read_raw_table",
]
