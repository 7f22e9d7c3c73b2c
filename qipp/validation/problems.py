"""What went wrong in a table, said so a person can act on it.

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
    """One thing wrong with one cell, row (spreadsheet row, header 1), column or file (None: not one)."""

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
    """A table failed to load; ``problems`` lists every reason found, one per line of its text."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
