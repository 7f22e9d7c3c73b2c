"""Fix the spelling variants a person cannot see as wrong (``london``, ``True``), saying so.

Only an exact case or space variant of a valid value is replaced, never a guess:
``'Londn'`` is left for the validator, whose message can offer :func:`did_you_mean`.

>>> import pandas as pd
>>> frame = pd.DataFrame({"ccg_code": ["00c", "11J"], "region": ["london", "Londn"]})
>>> fixed, notes = normalise_cells(frame)
>>> fixed["ccg_code"].tolist(), fixed["region"].tolist()
(['00C', '11J'], ['London', 'Londn'])
>>> notes
("ccg_code: 1 value upper-cased ('00c' -> '00C')", "region: 1 value matched to a canonical name ('london' -> 'London')")
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

import pandas as pd

from qipp.panel.schema import DATA_STATUSES, REGIONS, is_ods_code, is_synthetic_code

# The validator's true/false words, imported so the two cannot drift apart.
from qipp.validation.coerce import _FALSE, _TRUE
from qipp.validation.numbers import quote

# A fix: the new value and what was done ("upper-cased"), or None to leave the cell.
Fix = Callable[[str], tuple[str, str] | None]


def _fold(text: str) -> str:
    """Case and spacing set aside: ``' North  of england'`` -> ``'north of england'``."""
    return " ".join(text.split()).casefold()


def _case_or_space(original: str, new: str, case_word: str) -> str:
    return case_word if original.strip() != new else "trimmed of spaces"


def _fix_code(value: str) -> tuple[str, str] | None:
    new = value.strip().upper()
    # Only when the result is a code: an invalid code is quoted back as written.
    if new == value or not (is_ods_code(new) or is_synthetic_code(new)):
        return None
    return new, _case_or_space(value, new, "upper-cased")


def _fix_from(choices: Iterable[str], word: str) -> Fix:
    canonical = {_fold(c): c for c in choices}

    def fix(value: str) -> tuple[str, str] | None:
        new = canonical.get(_fold(value))
        if new is None or new == value:
            return None
        return new, word

    return fix


def _fix_bool(value: str) -> tuple[str, str] | None:
    folded = value.strip().casefold()
    new = "true" if folded in _TRUE else "false" if folded in _FALSE else value
    return None if new == value else (new, f"{quote(value)} read as {new}")


def _fix_lower(words: Iterable[str]) -> Fix:
    allowed = set(words)

    def fix(value: str) -> tuple[str, str] | None:
        new = value.strip().casefold()
        if new == value or new not in allowed:
            return None
        return new, _case_or_space(value, new, "lower-cased")

    return fix


# Column -> its fix. Other columns are never touched.
_FIXES: dict[str, Fix] = {
    "ccg_code": _fix_code,
    "region": _fix_from(REGIONS, "matched to a canonical name"),
    "data_status": _fix_lower(DATA_STATUSES),
    "uses_non_recurrent_fund": _fix_bool,
}


def _note(column: str, counts: dict[str, int], example: tuple[str, str]) -> str:
    """``'region: 3 values matched to a canonical name ('london' -> 'London')'``, or ``42 values 'True' read as true``."""
    parts = []
    for i, (word, n) in enumerate(counts.items()):
        noun = ("value" if n == 1 else "values") if i == 0 else ""
        parts.append(" ".join(x for x in (str(n), noun, word) if x))
    before, after = example
    shown = "" if quote(before) in parts[0] else f" ({quote(before)} -> {quote(after)})"
    return f"{column}: {', '.join(parts)}{shown}"


def normalise_cells(frame: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Replace exact case/space variants of valid values; one note per column changed.

    Cells that are not text, or that no fix makes valid, are left as they were. Each note
    counts each kind of change, with the first as an example.

    >>> frame = pd.DataFrame({"data_status": ["Reported", " reported", "reported"],
    ...                       "uses_non_recurrent_fund": ["Yes", "N", "maybe"]})
    >>> fixed, notes = normalise_cells(frame)
    >>> fixed["uses_non_recurrent_fund"].tolist()
    ['true', 'false', 'maybe']
    >>> for note in notes:
    ...     print(note)
    data_status: 1 value lower-cased, 1 trimmed of spaces ('Reported' -> 'reported')
    uses_non_recurrent_fund: 1 value 'Yes' read as true, 1 'N' read as false
    """
    out = frame.copy()
    notes: list[str] = []
    for column, fix in _FIXES.items():
        if column not in out.columns:
            continue
        counts: dict[str, int] = {}
        example: tuple[str, str] | None = None
        values = out[column].tolist()
        for i, value in enumerate(values):
            result = fix(value) if isinstance(value, str) else None
            if result is None:
                continue
            new, word = result
            values[i] = new
            counts[word] = counts.get(word, 0) + 1
            example = example or (value, new)
        if example is not None:
            out[column] = pd.Series(values, index=out.index, dtype=object)
            notes.append(_note(column, counts, example))
    return out, tuple(notes)


def did_you_mean(value: object, choices: Iterable[str]) -> str | None:
    """The choice ``value`` is closest to (case and spacing aside) when close enough to be a typo.

    >>> did_you_mean("south england", REGIONS)
    'South of England'
    """
    folded = {_fold(c): c for c in choices}
    match = difflib.get_close_matches(_fold(str(value)), list(folded), n=1, cutoff=0.6)
    return folded[match[0]] if match else None
