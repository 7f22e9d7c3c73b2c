"""A reported panel's codes, regions and names checked against the CCG register of April 2013.

Decision 0029: a code the register lacks is a warning (a CCG formed by a later merger);
a code under another region is an error; another CCG's name is a warning. Synthetic panels
and S-codes are not checked.

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
# Constant per kind of problem, so repeats collapse into one line.
EXPECTED_CODE = f"an ODS code of a CCG in {REGISTER} (data/reference/raw)"
EXPECTED_REGION = f"the CCG's region in {REGISTER}"
EXPECTED_NAME = (
    f"the CCG's name in {REGISTER}, 'NHS', 'CCG', '&' for 'and', case and punctuation aside"
)
CLOSEST_SHOWN = 3


class RegisterFindings(NamedTuple):
    """What comparing a panel with the register found: errors refuse it, warnings do not."""

    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


def _entries(pairs: Sequence[tuple[str, str]]) -> str:
    """Codes with their quoted names.

    >>> _entries([("07H", "NHS West Essex"), ("07G", "NHS Thurrock"), ("11J", "NHS Dorset")])
    "07H ('NHS West Essex'), 07G ('NHS Thurrock') or 11J ('NHS Dorset')"
    """
    words = [f"{code} ({name!r})" for code, name in pairs]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def register_problems(
    panel: pd.DataFrame,
    file: str,
    row_numbers: Sequence[int],
    register: pd.DataFrame | None = None,
) -> RegisterFindings:
    """Compare each reported row's code, region and name with the register (the project's by default).

    Errors and warnings come in row order; both are empty for a synthetic panel.
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
            closest = closest_entries(code, name, register, n=CLOSEST_SHOWN)
            nearest = f"; the closest there: {_entries(closest)}" if closest else ""
            message = (
                f"{code!r} is not in {REGISTER}{nearest}: correct the code, or keep it if "
                f"{name!r} is a CCG formed after April 2013 (by a merger)"
            )
            warnings.append(Problem(file, row, "ccg_code", message, EXPECTED_CODE))
            continue
        official_name, official_region = official[code]
        if region != official_region:
            message = (
                f"{REGISTER} puts {code} ({official_name!r}) in {official_region!r}, not "
                f"{region!r}: correct the region, or the code if the row is another CCG's"
            )
            errors.append(Problem(file, row, "region", message, EXPECTED_REGION))
        if not names_match(name, official_name):
            owner = owners.get(normalised_name(name))
            whose = f"; the register gives that name to {owner}" if owner else ""
            message = (
                f"{name!r} is not the register's name for {code}, {official_name!r}{whose}: "
                "correct the name, or the code if the row is another CCG's"
            )
            warnings.append(Problem(file, row, "ccg_name", message, EXPECTED_NAME))
    return RegisterFindings(tuple(errors), tuple(warnings))
