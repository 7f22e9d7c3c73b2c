"""Tables written as data, read strictly, and errors a person can act on.

Each table qipp reads is described once as a :class:`TableSpec`; from it come the pandera
schema, the cell-by-cell coercion and the data dictionary. A failed load raises
:class:`DataError` listing every :class:`Problem` as ``file:row:column: what is wrong
(expected ...)``, rows counted as a spreadsheet counts them (the header is row 1).

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
