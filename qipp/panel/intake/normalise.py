"""Fix the spelling variants a person cannot see as wrong, and say so per column.

A return that writes ``london`` or ``Reported`` means exactly ``London`` and
``reported``; refusing it would only teach people to distrust the checker.
:func:`normalise_cells` replaces a cell only when the replacement is an exact
case or space variant of a valid value (``'00c'`` -> ``'00C'``, ``'MIDLANDS
AND EAST OF ENGLAND'``), never a guess: ``'Londn'`` is left for the validator,
whose message can offer :func:`did_you_mean`. Every change is counted in one
note per column, so nothing is changed silently.

Examples
--------
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

# The words the validator reads as true or false (after strip and lower-case);
# private there, imported so the two cannot drift apart.
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
    "uses_non_recurrent_fund": _fix_lower(_TRUE | _FALSE),
}


def _note(column: str, counts: dict[str, int], example: tuple[str, str]) -> str:
    """``'region: 3 values matched to a canonical name ('london' -> 'London')'``."""
    parts = []
    for i, (word, n) in enumerate(counts.items()):
        noun = ("value" if n == 1 else "values") if i == 0 else ""
        parts.append(" ".join(x for x in (str(n), noun, word) if x))
    before, after = example
    return f"{column}: {', '.join(parts)} ({quote(before)} -> {quote(after)})"


def normalise_cells(frame: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Replace exact case/space variants of valid values; one note per column changed.

    Parameters
    ----------
    frame : pandas.DataFrame
        Raw cells with canonical column names (as :func:`~.locate.locate_table` gives).

    Returns
    -------
    frame : pandas.DataFrame
        A copy, same index: ``ccg_code`` stripped and upper-cased where that makes
        a code; ``region`` folded to the name in :data:`~qipp.panel.schema.REGIONS`;
        ``data_status`` and ``uses_non_recurrent_fund`` stripped and lower-cased
        where that makes a word the validator reads. Cells that are not text, or
        that no fix makes valid, are left exactly as they were.
    notes : tuple of str
        One per column changed, counting each kind of change, with the first
        change as an example.

    Examples
    --------
    >>> frame = pd.DataFrame({"data_status": ["Reported", " reported", "reported"],
    ...                       "uses_non_recurrent_fund": ["Yes", "N", "maybe"]})
    >>> fixed, notes = normalise_cells(frame)
    >>> fixed["uses_non_recurrent_fund"].tolist()
    ['yes', 'n', 'maybe']
    >>> for note in notes:
    ...     print(note)
    data_status: 1 value lower-cased, 1 trimmed of spaces ('Reported' -> 'reported')
    uses_non_recurrent_fund: 2 values lower-cased ('Yes' -> 'yes')
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
    """The choice ``value`` is closest to, when close enough to be a typo; else None.

    Case and spacing are set aside (difflib ratio of at least 0.6 on folded text),
    so a message can say "did you mean 'London'?" without qipp guessing for the user.

    >>> did_you_mean("Londn", REGIONS), did_you_mean("south england", REGIONS)
    ('London', 'South of England')
    >>> did_you_mean("Wales", REGIONS) is None, did_you_mean("synth", DATA_STATUSES)
    (True, 'synthetic')
    """
    folded = {_fold(c): c for c in choices}
    match = difflib.get_close_matches(_fold(str(value)), list(folded), n=1, cutoff=0.6)
    return folded[match[0]] if match else None
