"""What the result types and tests share: rounding for a findings JSON, paired inputs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

import numpy as np


class _Rounded:
    """Mixin: ``to_dict(digits)`` rounds every float field for a findings JSON."""

    def to_dict(self, digits: int | None = 4) -> dict:
        """The fields as a dict, floats rounded to ``digits`` (None: as they are)."""
        # Only dataclasses mix this in, which mypy cannot see from the mixin itself.
        out = asdict(self)  # type: ignore[call-overload]
        if digits is None:
            return out
        return {k: round(v, digits) if isinstance(v, float) else v for k, v in out.items()}


def _paired_arrays(x: Iterable[float], y: Iterable[float]) -> tuple[np.ndarray, np.ndarray]:
    """x and y as float arrays, refusing unequal lengths and missing values."""
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
