"""What a derivation is: a claim recomputed from other claims, with its working shown.

>>> d = Derivation("c", ("a", "b"), lambda a, b: a + b, "{a} + {b}")
>>> d.working({"a": 1.5, "b": 2})
'1.5 + 2 = 3.5'
>>> d.interval({"a": (1.45, 1.55), "b": (2, 2)})
(3.45, 3.55)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass


def format_number(x: float) -> str:
    """A number for a note: 4 significant figures, no trailing zeros.

    >>> format_number(12.860962566844919), format_number(1974.0), format_number(0.4)
    ('12.86', '1974', '0.4')
    """
    return f"{x:.4g}"


@dataclass(frozen=True)
class Derivation:
    """How one claim is recomputed from others.

    ``func`` takes the inputs' values in order (ledger units) and returns the value, or
    ``(low, high)`` when the article's inputs are a range. Each is monotone in every input,
    so its extremes over the inputs' rounding lie at the corners. ``formula`` shows the
    working, with ``{input_id}`` placeholders.
    """

    claim_id: str
    inputs: tuple[str, ...]
    func: Callable[..., float | tuple[float, float]]
    formula: str
    assumption: str = ""
    cause: str = "not identified from the published figures"

    def _range(self, values: Mapping[str, float]) -> tuple[float, float]:
        result = self.func(*(float(values[name]) for name in self.inputs))
        return result if isinstance(result, tuple) else (result, result)

    def central(self, values: Mapping[str, float]) -> float:
        """The derived value at the published inputs (a range's midpoint)."""
        low, high = self._range(values)
        return (low + high) / 2

    def interval(self, intervals: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
        """The derived range over every corner of the inputs' intervals."""
        results = [
            self._range(dict(zip(self.inputs, corner, strict=True)))
            for corner in itertools.product(*(intervals[name] for name in self.inputs))
        ]
        return min(r[0] for r in results), max(r[1] for r in results)

    def working(self, values: Mapping[str, float]) -> str:
        """The formula with the published inputs filled in, and its result."""
        shown = self.formula.format(**{name: format_number(values[name]) for name in self.inputs})
        low, high = self._range(values)
        if len(self.inputs) == 1 and low == high == values[self.inputs[0]]:
            return shown  # the same figure, in another place
        if low == high:
            return f"{shown} = {format_number(low)}"
        return f"{shown} = {format_number(low)} to {format_number(high)} (midpoint {format_number((low + high) / 2)})"
