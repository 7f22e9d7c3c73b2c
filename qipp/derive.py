"""Re-derive published claims from other published claims, and score every claim.

Each :class:`Derivation` recomputes one claim from other ledger values (a total
from its parts, a share from numerator and denominator, a change between
quarters, a fold, the same figure in another source, an extrapolation the
article makes). :func:`scorecard` gives every claim a status:

``reproduced``
    the derived value agrees with the published one under :func:`tolerance`;
``inconsistent``
    it does not; the note says by how much and the likely cause;
``stated``
    no other published figure lets it be recomputed.

Figures the published ones imply but nothing states (an implied denominator, a
remainder) are :data:`CONTEXTS`: shown in a claim's note, never scored.

The tolerance rule (docs/decisions/0003-tolerance-rule.md): a published
figure stands for the band it could have been rounded from (or the inequality
its qualifier states); the derived value is recomputed at every corner of its
inputs' own rounding intervals; the claim is reproduced when that derived
interval meets the published band. Published figures are never adjusted.

Examples
--------
>>> band = tolerance(12.9, 0.1)
>>> (round(band.lo, 2), round(band.hi, 2))
(12.85, 12.95)
>>> gap = DERIVATIONS["nhse_q1_forecast_gap_pct"]
>>> round(gap.central({"nhse_q1_forecast_gap_gbp_m": 48.1, "nhse_q1_plan_gbp_m": 374}), 3)
12.861
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qipp.atomic import atomic_write_text
from qipp.derivations import (  # noqa: F401  (re-exported: the registry and its arithmetic)
    CONTEXTS,
    DERIVATIONS,
    Derivation,
    _num,
    bn_to_m,
    pct_of_range,
    ratio,
    share_pct,
    total,
)
from qipp.ledger import load_claims
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
    "status",
    "derived_value",
    "note",
)
# "just under X" is read as within 10 per cent below X, and "around X" as within
# 10 per cent either side (or half a step, if wider): decision 0003.
JUST_UNDER_FRACTION = 0.10
AROUND_FRACTION = 0.10
# Derived values are printed to this many significant figures.
SIGNIFICANT_FIGURES = 6
_EPS = 1e-9  # float noise in sums such as 3.8 + 3.6 + 2.9 + 2.6


# --------------------------------------------------------------------------- tolerance


@dataclass(frozen=True)
class Band:
    """The values a published figure admits: ``lo`` to ``hi``, each end open or closed."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def meets(self, lo: float, hi: float) -> bool:
        """Return True if the closed interval ``[lo, hi]`` shares a value with the band.

        >>> Band(2, math.inf, lo_open=True).meets(1.5, 2.0)
        False
        >>> Band(3.5, 4.5).meets(4.33, 4.62)
        True
        """
        slack_lo = _EPS * max(1.0, abs(self.lo)) if math.isfinite(self.lo) else 0.0
        slack_hi = _EPS * max(1.0, abs(self.hi)) if math.isfinite(self.hi) else 0.0
        above_lo = hi > self.lo + slack_lo if self.lo_open else hi >= self.lo - slack_lo
        below_hi = lo < self.hi - slack_hi if self.hi_open else lo <= self.hi + slack_hi
        return above_lo and below_hi

    def gap(self, x: float) -> float:
        """Signed distance from ``x`` to the band: 0 inside, > 0 above, < 0 below.

        >>> round(Band(28.5, 29.5).gap(26.15), 2)
        -2.35
        """
        if x < self.lo:
            return x - self.lo
        if x > self.hi:
            return x - self.hi
        return 0.0

    def describe(self) -> str:
        """Say the band in words.

        >>> Band(12.85, 12.95).describe()
        '12.85 to 12.95'
        >>> Band(2, math.inf, lo_open=True).describe()
        'more than 2'
        """
        if math.isinf(self.hi):
            return f"{'more than' if self.lo_open else 'at least'} {_num(self.lo)}"
        if math.isinf(self.lo):
            return f"{'less than' if self.hi_open else 'at most'} {_num(self.hi)}"
        upper = f"under {_num(self.hi)}" if self.hi_open else _num(self.hi)
        return f"{_num(self.lo)} to {upper}"


def tolerance(value: float, precision: float, qualifier: str | None = None) -> Band:
    """Return the band of values a published figure admits.

    Parameters
    ----------
    value : float
        The figure as published.
    precision : float
        The step it was stated to (0.1 for "12.9 per cent", 1 for "13").
    qualifier : str, optional
        A hedge from :data:`qipp.ledger.QUALIFIERS`, or None.

    Returns
    -------
    Band
        No qualifier: ``value`` +/- half a step. "around": +/- 10 per cent
        of ``value`` or half a step, whichever is wider.
        "more than"/"less than": the open half-line; "at least"/"up to": the
        closed one. "just under": from 10 per cent below ``value`` up to,
        not including, ``value``.

    Examples
    --------
    >>> tolerance(5, 1, "around").describe()
    '4.5 to 5.5'
    >>> tolerance(20, 1, "around").describe()
    '18 to 22'
    >>> tolerance(50, 1, "just under").describe()
    '45 to under 50'
    >>> tolerance(100, 1, "more than").describe()
    'more than 100'
    """
    if qualifier is None:
        return Band(value - precision / 2, value + precision / 2)
    if qualifier == "around":
        half_width = max(precision / 2, AROUND_FRACTION * abs(value))
        return Band(value - half_width, value + half_width)
    if qualifier == "more than":
        return Band(value, math.inf, lo_open=True)
    if qualifier == "at least":
        return Band(value, math.inf)
    if qualifier == "less than":
        return Band(-math.inf, value, hi_open=True)
    if qualifier == "up to":
        return Band(-math.inf, value)
    if qualifier == "just under":
        return Band(value - JUST_UNDER_FRACTION * abs(value), value, hi_open=True)
    raise ValueError(f"unknown qualifier {qualifier!r}")


def input_interval(value: float, precision: float, unit: str) -> tuple[float, float]:
    """Return the values an input figure could have been rounded from.

    Counts are exact; every other figure is +/- half its stated step.

    >>> input_interval(1.6, 0.1, "GBP_bn")
    (1.55, 1.6500000000000001)
    >>> input_interval(143, 1, "count")
    (143, 143)
    """
    if unit == "count":
        return value, value
    return value - precision / 2, value + precision / 2


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Verdict:
    """A claim's status, the value derived for it (NaN when stated) and why."""

    status: str
    derived_value: float
    note: str


def _qualifier(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def assess(derivation: Derivation, claims_by_id: Mapping[str, Mapping]) -> Verdict:
    """Compare one derivation with the published figure it recomputes.

    Parameters
    ----------
    derivation : Derivation
        The derivation to run.
    claims_by_id : mapping
        Claim id to its ledger row (``value``, ``unit``, ``precision``,
        ``qualifier``); must hold the target and every input.

    Returns
    -------
    Verdict
        ``reproduced`` when the derived interval meets the published band,
        else ``inconsistent`` with the distance and the likely cause.
    """
    target = claims_by_id[derivation.claim_id]
    qualifier = _qualifier(target["qualifier"])
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
    published = f"published {qualifier + ' ' if qualifier else ''}{_num(target['value'])}"
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
                f"{_num(low)} to {_num(high)})"
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
            f"(derived range {_num(low)} to {_num(high)})"
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
    """Return, per claim id, the context lines its note shows (see :data:`CONTEXTS`)."""
    notes: dict[str, list[str]] = {}
    for context in CONTEXTS:
        if context.claim_id in by_id and all(name in by_id for name in context.inputs):
            values = {name: float(by_id[name]["value"]) for name in context.inputs}
            notes.setdefault(context.claim_id, []).append(
                f"context, {context.assumption}: {context.working(values)}"
            )
    return notes


def scorecard(claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Score every claim: reproduced, inconsistent or stated.

    Parameters
    ----------
    claims : pandas.DataFrame, optional
        The ledger (as :func:`qipp.ledger.load_claims` returns it); the
        project's ledger by default.

    Returns
    -------
    pandas.DataFrame
        One row per claim in ledger order, columns :data:`SCORECARD_COLUMNS`;
        ``derived_value`` is NaN for stated claims.

    Raises
    ------
    DataError
        If a claim the ledger holds needs an input the ledger lacks.

    Examples
    --------
    >>> card = scorecard()
    >>> card.set_index("id").loc["ccg_q1_target_fold_variation", "status"]
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
                **{c: row[c] for c in SCORECARD_COLUMNS[:6]},
                "status": verdict.status,
                "derived_value": verdict.derived_value,
                "note": "; ".join(notes),
            }
        )
    return pd.DataFrame(rows, columns=list(SCORECARD_COLUMNS))


def status_counts(card: pd.DataFrame) -> dict[str, int]:
    """Return ``{status: number of claims}`` for every status, zeros included."""
    counts = card["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in STATUSES}


def scorecard_records(card: pd.DataFrame) -> list[dict]:
    """Return the scorecard as JSON-ready dicts (NaN becomes None)."""
    records = []
    for row in card.to_dict("records"):
        record = {column: row[column] for column in SCORECARD_COLUMNS}
        record["value"] = float(record["value"])
        derived = record["derived_value"]
        record["derived_value"] = None if pd.isna(derived) else float(derived)
        records.append(record)
    return records


def scorecard_json(card: pd.DataFrame) -> str:
    """Return the scorecard as a JSON array, one object per claim."""
    return json.dumps(scorecard_records(card), indent=2, ensure_ascii=False) + "\n"


def scorecard_csv(card: pd.DataFrame) -> str:
    """Return the scorecard as CSV text (empty ``derived_value`` when stated)."""
    return card.loc[:, list(SCORECARD_COLUMNS)].to_csv(index=False, lineterminator="\n")


def write_scorecard(directory: Path | str, card: pd.DataFrame | None = None) -> list[Path]:
    """Write ``claims.json`` and ``claims.csv`` into ``directory``, each atomically.

    Returns
    -------
    list of Path
        The files written.
    """
    card = scorecard() if card is None else card
    directory = Path(directory)
    written = []
    for name, text in (("claims.json", scorecard_json(card)), ("claims.csv", scorecard_csv(card))):
        atomic_write_text(directory / name, text)
        written.append(directory / name)
    return written
