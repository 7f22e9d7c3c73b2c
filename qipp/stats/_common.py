"""What the result types and tests share: rounding for a findings JSON, a table for a reader, paired inputs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

import numpy as np

from qipp.display import Table


class _Rounded:
    """Mixin: ``to_dict(digits)`` rounds every float field for a findings JSON."""

    def to_dict(self, digits: int | None = 4) -> dict:
        """Return the fields as a dict, floats rounded to ``digits`` (None: as is)."""
        # Only dataclasses mix this in, which mypy cannot see from the mixin itself.
        out = asdict(self)  # type: ignore[call-overload]
        if digits is None:
            return out
        return {k: round(v, digits) if isinstance(v, float) else v for k, v in out.items()}


class ShownAsTable:
    """Mixin: a notebook shows the result as a table a reader can cite.

    A subclass defines :meth:`as_table` (human labels with units, rounded
    figures, "–" for what is undefined, built with :func:`qipp.display.table`
    or :func:`qipp.display.facts`); a notebook then shows the result itself as
    a cell's value, as HTML in a report and as the same table in plain text.
    ``repr()`` stays the dataclass's, every field in full.
    """

    def as_table(self, caption: str | None = None) -> Table:
        """The result as a table, with ``caption`` (the source) under it."""
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return self.as_table()._repr_html_()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # IPython's text form of a cell's value: the formatted table, never the raw fields.
        printer.text(str(self.as_table()))

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # IPython prefers a class's own __repr__ (a dataclass writes one) to an inherited
        # _repr_pretty_; a copy on the class itself comes first.
        cls._repr_pretty_ = ShownAsTable._repr_pretty_  # type: ignore[method-assign]


def _paired_arrays(x: Iterable[float], y: Iterable[float]) -> tuple[np.ndarray, np.ndarray]:
    """Return x and y as float arrays, refusing unequal lengths and missing values."""
    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    if xa.ndim != 1 or xa.shape != ya.shape:
        raise ValueError(f"x and y must be 1-d and of equal length, got {xa.shape} and {ya.shape}")
    missing = int((~np.isfinite(xa) | ~np.isfinite(ya)).sum())
    if missing:
        # Silently dropping rows would change n behind the reader's back.
        raise ValueError(
            f"{missing} pair(s) have a missing or infinite value; "
            "drop or impute them before calling"
        )
    return xa, ya
