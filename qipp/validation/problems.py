"""What went wrong in a table, said so a person can act on it.

A failed load raises :class:`DataError`, which carries every problem found as
a :class:`Problem` printed as ``file:row:column: what is wrong (expected ...)``.
Rows are counted as a spreadsheet counts them: the header is row 1, the first
record row 2.

Examples
--------
>>> print(Problem("a.csv", 3, "n", "'x' is not a whole number", "a whole number"))
a.csv:3:n: 'x' is not a whole number (expected a whole number)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# The first record in a file is spreadsheet row 2: row 1 is the header.
FIRST_DATA_ROW = 2


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
