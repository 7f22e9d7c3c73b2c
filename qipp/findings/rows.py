"""Ledger figures as table rows: published values, their rounding ranges, derived rows.

A published input stands for the interval it could have been rounded from
(:func:`qipp.derive.input_interval`); a derived range is taken over every corner of
those intervals (decision 0003).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import pandas as pd

from qipp.derivations import CONTEXTS, Derivation, bn_to_m
from qipp.derive import input_interval, tolerance
from qipp.derive.tolerance import qualifier_or_none

VALUE_COLUMNS = ("value", "low", "high", "unit", "basis")
ORGANISATIONS: dict[str, str] = {"ccg": "CCGs", "nhs_england": "NHS England", "sector": "Sector"}


def claims_by_id(
    claims: pd.DataFrame, ids: Sequence[str] = ()
) -> dict[str, Mapping[Hashable, Any]]:
    """Ledger rows by claim id, checking that ``ids`` are all there."""
    by_id: dict[str, Mapping[Hashable, Any]] = {row["id"]: row for row in claims.to_dict("records")}
    missing = [name for name in ids if name not in by_id]
    if missing:
        raise KeyError(f"claims not in the ledger: {', '.join(missing)}")
    return by_id


def published_values(claims: pd.DataFrame, ids: Sequence[str]) -> dict[str, float]:
    """Published values of ``ids`` as floats."""
    by_id = claims_by_id(claims, ids)
    return {name: float(by_id[name]["value"]) for name in ids}


def rounding_intervals(
    claims: pd.DataFrame, ids: Sequence[str], exact: Sequence[str] = ()
) -> dict[str, tuple[float, float]]:
    """Per claim id, the interval its published value could be rounded from.

    ``exact`` claims are rules ("2 per cent"), not measurements: no interval.

    >>> claims = pd.DataFrame({"id": ["a"], "value": [12.2], "unit": ["pct"], "precision": [0.1]})
    >>> tuple(round(x, 2) for x in rounding_intervals(claims, ["a"])["a"])
    (12.15, 12.25)
    >>> rounding_intervals(claims, ["a"], exact=["a"])["a"]
    (12.2, 12.2)
    """
    by_id = claims_by_id(claims, ids)
    return {
        name: (
            (float(by_id[name]["value"]),) * 2
            if name in exact
            else input_interval(
                float(by_id[name]["value"]), float(by_id[name]["precision"]), by_id[name]["unit"]
            )
        )
        for name in ids
    }


def derived_row(
    label: str,
    derivation: Derivation,
    claims: pd.DataFrame,
    unit: str,
    basis: str,
    exact: Sequence[str] = (),
) -> dict:
    """One table row: the derivation's value at the published inputs and its rounding range."""
    low, high = derivation.interval(rounding_intervals(claims, derivation.inputs, exact))
    central = derivation.central(published_values(claims, derivation.inputs))
    return _row(label, central, low, high, unit, basis)


def published_row(
    label: str, claims: pd.DataFrame, claim_id: str, basis: str = "published"
) -> dict:
    """One table row: a published figure and the band it stands for."""
    row = claims_by_id(claims)[claim_id]
    band = tolerance(
        float(row["value"]), float(row["precision"]), qualifier_or_none(row["qualifier"])
    )
    return _row(label, float(row["value"]), band.lo, band.hi, row["unit"], basis)


def _row(label: str, *values: Any) -> dict:
    """A row of :func:`value_table`: ``label``, then the :data:`VALUE_COLUMNS` in order."""
    return dict(zip(("measure", *VALUE_COLUMNS), (label, *values), strict=True))


def adhoc_derivation(
    inputs: tuple[str, ...], func: Callable[..., float], formula: str
) -> Derivation:
    """A derivation of a figure no article states, to reuse derive's corner arithmetic."""
    return Derivation("", inputs, func, formula)


def single_value(derivation: Derivation, *inputs: float) -> float:
    """``derivation.func`` at ``inputs``; a TypeError if it gives a ``(low, high)`` range.

    >>> single_value(adhoc_derivation(("a", "b"), lambda a, b: a / b, "a / b"), 3.0, 4.0)
    0.75
    """
    value = derivation.func(*inputs)
    if isinstance(value, tuple):
        raise TypeError(
            f"{derivation.claim_id or derivation.formula!r} gives a range, not a single value"
        )
    return value


def context(claim_id: str, inputs: tuple[str, ...]) -> Derivation:
    """The :data:`qipp.derive.CONTEXTS` entry for ``claim_id`` with these inputs (LookupError if none).

    >>> context("nhse_plan_pct_of_budget", ("nhse_q1_plan_gbp_m", "nhse_plan_pct_of_budget")).assumption
    'implied NHS England budget, £bn'
    """
    for candidate in CONTEXTS:
        if candidate.claim_id == claim_id and candidate.inputs == inputs:
            return candidate
    raise LookupError(f"qipp.derive has no context figure for {claim_id!r} from {inputs}")


def value_table(rows: list[dict]) -> pd.DataFrame:
    """Rows as a table indexed by measure, in the standard column order."""
    return pd.DataFrame(rows).set_index("measure").loc[:, list(VALUE_COLUMNS)]


def gbp_m(value: float, unit: str) -> float:
    """A money figure in £m, from £m or £bn."""
    if unit == "GBP_m":
        return float(value)
    if unit == "GBP_bn":
        return bn_to_m(float(value))
    raise ValueError(f"expected a money figure in GBP_m or GBP_bn, got unit {unit!r}")
