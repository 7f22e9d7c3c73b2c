"""How reports name the CCG register and credit its sources (Open Government Licence).

>>> register_provenance().startswith("Registered populations: " + REGISTER_DESCRIPTION)
True
"""

from __future__ import annotations

from qipp.paths import REFERENCE_DIR, relative_to_root

# Sentences put "the" before it: "not in the CCG register of April 2013".
REGISTER_NAME = "CCG register of April 2013"
REGISTER_DESCRIPTION = (
    f"{REGISTER_NAME} built from ONS codes and QOF 2013-14 list sizes "
    f"({relative_to_root(REFERENCE_DIR)})"
)
OGL_CREDIT = (
    "Contains public sector information licensed under the Open Government Licence v3.0; "
    "ONS (c) Crown copyright and database right."
)


def register_provenance() -> str:
    """One line naming the register, where it comes from and its licence credit.

    >>> print(register_provenance())  # doctest: +NORMALIZE_WHITESPACE
    Registered populations: CCG register of April 2013 built from ONS codes and QOF 2013-14
    list sizes (data/reference). Contains public sector information licensed under the Open
    Government Licence v3.0; ONS (c) Crown copyright and database right.
    """
    return f"Registered populations: {REGISTER_DESCRIPTION}. {OGL_CREDIT}"
