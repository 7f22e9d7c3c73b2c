"""Matching a panel's CCG codes and names to the register, case, "NHS", "CCG", "&" aside.

>>> normalised_name("NHS West Essex CCG") == normalised_name("west essex")
True
>>> names_match("NHS Bath & North East Somerset CCG", "NHS Bath and North East Somerset")
True
>>> names_match("NHS West Essex CCG", "NHS Dorset")
False
"""

from __future__ import annotations

import difflib
import re

import pandas as pd

_NOISE = re.compile(r"\b(nhs|ccg|clinical commissioning group)\b")
_APOSTROPHES = re.compile(r"['’‘`]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalised_name(name: str) -> str:
    """A CCG name reduced to what identifies it.

    >>> normalised_name("NHS West London (Kensington and Chelsea, Queen’s Park and Paddington)")
    'west london kensington and chelsea queens park and paddington'
    """
    return plain_words(name, _NOISE)


def plain_words(name: str, noise: re.Pattern[str]) -> str:
    """``name`` in lower-case words, "&" as "and", without apostrophes or ``noise``."""
    text = _APOSTROPHES.sub("", str(name).casefold().replace("&", " and "))
    return " ".join(_NOT_WORD.sub(" ", noise.sub(" ", text)).split())


def names_match(name: str, register_name: str) -> bool:
    """Whether a panel's name and the register's name are the same CCG's."""
    return normalised_name(name) == normalised_name(register_name)


def closest_entries(
    code: str, name: str | None, register: pd.DataFrame, n: int = 3
) -> list[tuple[str, str]]:
    """Up to ``n`` of the register's CCGs closest to an unknown ``code`` (and ``name``).

    Similar names come first (a merged or renamed CCG keeps most of its name), then codes.

    >>> register = pd.DataFrame({"ccg_code": ["07H", "11J", "07G"],
    ...                          "ccg_name": ["NHS West Essex", "NHS Dorset", "NHS Thurrock"]})
    >>> closest_entries("07X", "NHS West Essex CCG", register, n=2)
    [('07H', 'NHS West Essex'), ('07G', 'NHS Thurrock')]
    """
    names = dict(zip(register["ccg_code"], register["ccg_name"], strict=True))
    by_normal = {normalised_name(v): k for k, v in names.items()}
    picked: list[str] = []
    if name:
        similar = difflib.get_close_matches(normalised_name(name), list(by_normal), n=n, cutoff=0.6)
        picked += [by_normal[match] for match in similar]
    for match in difflib.get_close_matches(str(code).upper(), list(names), n=n, cutoff=0.3):
        if match not in picked:
            picked.append(match)
    return [(c, names[c]) for c in picked[:n]]
