"""Score every claim: reproduced, inconsistent or stated, with a note saying why.

>>> status_counts(scorecard())["inconsistent"]
2
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from qipp.derivations import CONTEXTS, DERIVATIONS, Derivation
from qipp.derivations.model import format_number
from qipp.derive.tolerance import input_interval, qualifier_or_none, tolerance
from qipp.ledger import load_claims
from qipp.ledger.wording import as_published
from qipp.validation import DataError, Problem

REPRODUCED, INCONSISTENT, STATED = "reproduced", "inconsistent", "stated"
STATUSES: tuple[str, ...] = (REPRODUCED, INCONSISTENT, STATED)
SCORECARD_COLUMNS: tuple[str, ...] = (
    "id",
    "source",
    "quote",
    "quantity",
    "value",
    "unit",
    "precision",
    "qualifier",
    "as_published",
    "status",
    "derived_value",
    "note",
)
# Derived values are printed to this many significant figures.
SIGNIFICANT_FIGURES = 6


@dataclass(frozen=True)
class Verdict:
    """A claim's status, the value derived for it (NaN when stated) and why."""

    status: str
    derived_value: float
    note: str


def assess(derivation: Derivation, claims_by_id: Mapping[str, Mapping]) -> Verdict:
    """Compare one derivation with the published figure it recomputes.

    ``claims_by_id`` maps a claim id to its ledger row; it holds the target and every input.
    """
    target = claims_by_id[derivation.claim_id]
    qualifier = qualifier_or_none(target["qualifier"])
    band = tolerance(float(target["value"]), float(target["precision"]), qualifier)
    values = {name: float(claims_by_id[name]["value"]) for name in derivation.inputs}
    intervals = {
        name: input_interval(
            values[name], float(claims_by_id[name]["precision"]), claims_by_id[name]["unit"]
        )
        for name in derivation.inputs
    }
    central = derivation.central(values)
    low, high = derivation.interval(intervals)
    published = f"published {qualifier + ' ' if qualifier else ''}{format_number(target['value'])}"
    parts = [derivation.working(values)]
    if derivation.assumption:
        parts.append(derivation.assumption)
    parts.append(f"{published} (band {band.describe()})")
    if band.meets(low, high):
        status = REPRODUCED
        if band.meets(central, central):
            parts.append("agrees")
        else:
            parts.append(
                f"agrees only at the edge of what the inputs allow (derived range "
                f"{format_number(low)} to {format_number(high)})"
            )
    else:
        status = INCONSISTENT
        unit = target["unit"]
        if qualifier in (None, "around"):
            off = central - float(target["value"])
            distance = f"off by {off:+.3g} {unit} ({off / float(target['value']):+.0%})"
        else:
            distance = f"misses the bound by {abs(band.gap(central)):.3g} {unit}"
        parts.append(
            f"{distance}, outside the band even allowing for the inputs' rounding "
            f"(derived range {format_number(low)} to {format_number(high)})"
        )
        parts.append(f"likely cause: {derivation.cause}")
    derived = float(f"{central:.{SIGNIFICANT_FIGURES}g}")
    return Verdict(status, derived, "; ".join(parts))


def _missing_inputs(ids: set[str]) -> list[Problem]:
    return [
        Problem(
            "claims ledger",
            None,
            "id",
            f"claim {name!r} is needed to derive {derivation.claim_id!r} but is not in the ledger",
            "every input of a derivation to be a claim",
        )
        for derivation in DERIVATIONS.values()
        if derivation.claim_id in ids
        for name in derivation.inputs
        if name not in ids
    ]


def _context_notes(by_id: Mapping[str, Mapping]) -> dict[str, list[str]]:
    """Per claim id, the context lines its note shows (see :data:`CONTEXTS`)."""
    notes: dict[str, list[str]] = {}
    for context in CONTEXTS:
        if context.claim_id in by_id and all(name in by_id for name in context.inputs):
            values = {name: float(by_id[name]["value"]) for name in context.inputs}
            notes.setdefault(context.claim_id, []).append(
                f"context, {context.assumption}: {context.working(values)}"
            )
    return notes


def scorecard(claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Score every claim (the project's ledger by default), one row per claim in ledger order.

    ``derived_value`` is NaN for stated claims. Raises DataError when a claim needs an
    input the ledger lacks.

    >>> scorecard().set_index("id").loc["ccg_q1_target_fold_variation", "status"]
    'reproduced'
    """
    claims = load_claims() if claims is None else claims
    records = claims.to_dict("records")
    by_id = {row["id"]: row for row in records}
    problems = _missing_inputs(set(by_id))
    if problems:
        raise DataError(problems)
    verdicts = {name: assess(d, by_id) for name, d in DERIVATIONS.items() if name in by_id}
    used_by: dict[str, list[str]] = {}
    for derivation in DERIVATIONS.values():
        if derivation.claim_id in by_id:
            for name in derivation.inputs:
                used_by.setdefault(name, []).append(derivation.claim_id)
    contexts = _context_notes(by_id)
    rows = []
    for row in records:
        verdict = verdicts.get(row["id"])
        notes = [verdict.note if verdict else "no other published figure recomputes it"]
        notes += contexts.get(row["id"], [])
        if row["id"] in used_by:
            notes.append(
                "it is an input to "
                + ", ".join(f"{name} ({verdicts[name].status})" for name in used_by[row["id"]])
            )
        if verdict is None:
            verdict = Verdict(STATED, math.nan, "")
        rows.append(
            {
                **{c: row[c] for c in SCORECARD_COLUMNS[:8]},
                "qualifier": qualifier_or_none(row["qualifier"]),
                "as_published": as_published(
                    float(row["value"]), row["unit"], float(row["precision"]), row["qualifier"]
                ),
                "status": verdict.status,
                "derived_value": verdict.derived_value,
                "note": "; ".join(notes),
            }
        )
    return pd.DataFrame(rows, columns=list(SCORECARD_COLUMNS))


def status_counts(card: pd.DataFrame) -> dict[str, int]:
    """``{status: number of claims}`` for every status, zeros included."""
    counts = card["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in STATUSES}
