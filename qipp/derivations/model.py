"""What a derivation is: a claim recomputed from other claims, with its working shown.

Examples
--------
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


def _num(x: float) -> str:
    """Format a number for a note: 4 significant figures, no trailing zeros.

    >>> _num(12.860962566844919), _num(1974.0), _num(0.4)
    ('12.86', '1974', '0.4')
    """
    return f"{x:.4g}"


@dataclass(frozen=True)
class Derivation:
    """How one claim is recomputed from others.

    ``func`` takes the input values in the order of ``inputs`` (in their
    ledger units) and returns the derived value, or a ``(low, high)`` range
    when the article's own inputs are a range. Every ``func`` here is a sum,
    difference, product or ratio of positive figures, so monotone in each
    input: its extremes over the inputs' rounding lie at the corners.
    ``formula`` shows the working, with ``{input_id}`` placeholders.
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
        """Return the derived value at the published inputs (a range's midpoint)."""
        low, high = self._range(values)
        return (low + high) / 2

    def interval(self, intervals: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
        """Return the derived range over every corner of the inputs' intervals."""
        results = [
            self._range(dict(zip(self.inputs, corner, strict=True)))
            for corner in itertools.product(*(intervals[name] for name in self.inputs))
        ]
        return min(r[0] for r in results), max(r[1] for r in results)

    def working(self, values: Mapping[str, float]) -> str:
        """Return the formula with the published inputs filled in, and its result."""
        shown = self.formula.format(**{name: _num(values[name]) for name in self.inputs})
        low, high = self._range(values)
        if len(self.inputs) == 1 and low == high == values[self.inputs[0]]:
            return shown  # the same figure, in another place
        if low == high:
            return f"{shown} = {_num(low)}"
        return f"{shown} = {_num(low)} to {_num(high)} (midpoint {_num((low + high) / 2)})"
