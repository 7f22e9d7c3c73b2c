"""A reported panel's codes, regions and names checked against the CCG register of April 2013.

The register (:func:`qipp.reference.load_register`, built from ``data/reference/raw``)
holds the 211 CCGs of April 2013 with their names and NHS England regions. Each row of
a panel that is not synthetic is compared with it (decision 0029):

- a code the register lacks is a **warning** naming the closest register CCGs: the
  return may come from a CCG formed by a later merger, which the register of April 2013
  cannot know, so the row is not refused;
- a code the register holds under another region is an **error**: a CCG's region
  follows from its code, so one of the two cells is wrong, and every regional figure
  built on the row would be too;
- a name other than the register's is a **warning**: names are compared by
  :func:`qipp.reference.names_match`, which sets aside "NHS", "CCG", "&" for "and",
  case and punctuation, so only a different CCG's name (or a typo) is flagged.

Synthetic panels and S-codes are not checked: their codes are pseudonyms, and the two
real CCGs a synthetic panel may show carry their published names by a row rule.

Examples
--------
>>> register = pd.DataFrame({"ccg_code": ["07H", "11J"],
...                          "ccg_name": ["NHS West Essex", "NHS Dorset"],
...                          "region": ["Midlands and East of England", "South of England"]})
>>> panel = pd.DataFrame({"ccg_code": ["07H", "11J"], "ccg_name": ["West Essex CCG", "Dorset"],
...                       "region": ["London", "South of England"],
...                       "data_status": ["reported", "reported"]})
>>> found = register_problems(panel, "p.csv", [2, 3], register)
>>> print(found.errors[0].message)
the CCG register of April 2013 puts 07H ('NHS West Essex') in 'Midlands and East of England', not 'London': correct the region, or the code if the row is another CCG's
>>> found.warnings
()
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd

from qipp.panel.schema import STATUS_SYNTHETIC, is_synthetic_code
from qipp.reference import closest_entries, load_register, names_match, normalised_name
from qipp.reference.provenance import REGISTER_NAME
from qipp.validation import Problem

REGISTER = f"the {REGISTER_NAME}"
# Constant per kind of problem, so repeats collapse into one line (qipp.panel.intake.report).
EXPECTED_CODE = f"an ODS code of a CCG in {REGISTER} (data/reference/raw)"
EXPECTED_REGION = f"the CCG's region in {REGISTER}"
EXPECTED_NAME = (
    f"the CCG's name in {REGISTER}, 'NHS', 'CCG', '&' for 'and', case and punctuation aside"
)
# Closest register CCGs named for an unknown code: enough to spot a typo or a merger.
CLOSEST_SHOWN = 3


class RegisterFindings(NamedTuple):
    """What comparing a panel with the register found: errors refuse it, warnings do not."""

    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


def _entries(pairs: Sequence[tuple[str, str]]) -> str:
    """``07H ('NHS West Essex'), 07G ('NHS Thurrock')``: codes with their quoted names.

    >>> _entries([("07H", "NHS West Essex"), ("07G", "NHS Thurrock"), ("11J", "NHS Dorset")])
    "07H ('NHS West Essex'), 07G ('NHS Thurrock') or 11J ('NHS Dorset')"
    """
    words = [f"{code} ({name!r})" for code, name in pairs]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _unknown_code(code: str, name: str, file: str, row: int, register: pd.DataFrame) -> Problem:
    closest = closest_entries(code, name, register, n=CLOSEST_SHOWN)
    nearest = f"; the closest there: {_entries(closest)}" if closest else ""
    return Problem(
        file,
        row,
        "ccg_code",
        f"{code!r} is not in {REGISTER}{nearest}: correct the code, or keep it if "
        f"{name!r} is a CCG formed after April 2013 (by a merger)",
        EXPECTED_CODE,
    )


def _wrong_region(
    code: str, region: str, official: tuple[str, str], file: str, row: int
) -> Problem:
    name, register_region = official
    return Problem(
        file,
        row,
        "region",
        f"{REGISTER} puts {code} ({name!r}) in {register_region!r}, not {region!r}: "
        "correct the region, or the code if the row is another CCG's",
        EXPECTED_REGION,
    )


def _other_name(
    code: str, name: str, official: str, owner: str | None, file: str, row: int
) -> Problem:
    whose = f"; the register gives that name to {owner}" if owner else ""
    return Problem(
        file,
        row,
        "ccg_name",
        f"{name!r} is not the register's name for {code}, {official!r}{whose}: "
        "correct the name, or the code if the row is another CCG's",
        EXPECTED_NAME,
    )


def register_problems(
    panel: pd.DataFrame,
    file: str,
    row_numbers: Sequence[int],
    register: pd.DataFrame | None = None,
) -> RegisterFindings:
    """Compare each reported row's code, region and name with the register.

    Parameters
    ----------
    panel : pandas.DataFrame
        A validated panel, in file order.
    file : str
        The file name for messages.
    row_numbers : sequence of int
        The spreadsheet row of each panel row.
    register : pandas.DataFrame, optional
        Columns ``ccg_code``, ``ccg_name``, ``region``; by default
        :func:`qipp.reference.load_register`.

    Returns
    -------
    RegisterFindings
        Errors (a register code under another region) and warnings (a code not in
        the register, a name not the register's), in row order; both empty for a
        synthetic panel.

    Raises
    ------
    DataError
        If the register cannot be built from ``data/reference/raw``.
    """
    checked = [
        i
        for i, (code, status) in enumerate(
            zip(panel["ccg_code"], panel["data_status"], strict=True)
        )
        if status != STATUS_SYNTHETIC and not is_synthetic_code(code)
    ]
    if not checked:
        return RegisterFindings((), ())  # the register is not even built for a synthetic panel
    register = load_register() if register is None else register
    codes = register["ccg_code"].astype(str).tolist()
    official = dict(
        zip(codes, zip(register["ccg_name"], register["region"], strict=True), strict=True)
    )
    owners = {normalised_name(name): code for code, (name, _) in official.items()}
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for i in checked:
        code, name, region = (str(panel[c].iloc[i]) for c in ("ccg_code", "ccg_name", "region"))
        row = row_numbers[i]
        if code not in official:
            warnings.append(_unknown_code(code, name, file, row, register))
            continue
        if region != official[code][1]:
            errors.append(_wrong_region(code, region, official[code], file, row))
        if not names_match(name, official[code][0]):
            owner = owners.get(normalised_name(name))
            warnings.append(_other_name(code, name, official[code][0], owner, file, row))
    return RegisterFindings(tuple(errors), tuple(warnings))
