"""Primary care trusts of 2012 with their strategic health authorities, and naming an article's PCTs.

A name matches a PCT only when it identifies exactly one (decision 0029).

>>> pcts = pd.DataFrame({"pct_code": ["5MV", "5PQ"],
...                      "pct_name": ["Wolverhampton City", "Norfolk"],
...                      "sha_codes": ["Q34", "Q35"],
...                      "sha_names": ["West Midlands", "East of England"]})
>>> found = match_pcts(["NHS Wolverhampton", "Leeds PCT"], pcts)
>>> found[["status", "pct_code", "why"]].fillna("-").values.tolist()
[['matched', '5MV', ''], ['no match', '-', 'no PCT of 2012 has this name']]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from qipp.paths import REFERENCE_RAW_DIR
from qipp.reference.match import plain_words
from qipp.reference.raw import RAW_FILES, raw_path, read_raw
from qipp.validation import DataError, Problem

SHA_SEPARATOR = " / "
PCT_COLUMNS = ["pct_code", "ons_code", "pct_name", "sha_codes", "sha_names", "cross_border"]
MATCH_COLUMNS = ["organisation", "status", "pct_code", "pct_name", "sha_codes", "sha_names", "why"]
MATCHED, NO_MATCH, SEVERAL = "matched", "no match", "several candidates"

_NOISE = re.compile(r"\b(nhs|national health service|primary care trust|care trust|pct)\b")
# ONS writes "Wolverhampton City" where HSJ writes "NHS Wolverhampton"; only at the end,
# so "City and Hackney" and "County Durham" keep the word that names the place.
_DESIGNATION = re.compile(r"(?: (?:teaching|city|county|district))+$")
# A plural names several trusts ("Manchester PCTs"): never one PCT of the list.
_GROUP = re.compile(r"\b(pcts|primary care trusts|care trusts)\b")


def normalised_pct_name(name: str) -> str:
    """A PCT's name reduced to the place it names.

    >>> normalised_pct_name("Isle of Wight National Health Service")
    'isle of wight'
    >>> normalised_pct_name("City and Hackney Teaching"), normalised_pct_name("County Durham")
    ('city and hackney', 'county durham')
    """
    text = plain_words(name, _NOISE)
    bare = _DESIGNATION.sub("", text)
    return bare or text  # a name that is only a designation keeps it


def _repeats(
    key: str, column: str, frames: dict[str, pd.DataFrame], raw_dir: Path | str
) -> list[Problem]:
    """Rows of raw file ``key`` repeating a code its ``column`` should hold once."""
    seen: set[str] = set()
    problems = []
    for row, code in enumerate(frames[key][column], start=2):
        if code in seen:
            path = str(raw_path(key, raw_dir))
            problems.append(Problem(path, row, column, f"{code!r} appears twice", "one row"))
        seen.add(code)
    return problems


def _unknown(
    key: str, other: str, column: str, frames: dict[str, pd.DataFrame], raw_dir: Path | str
) -> list[Problem]:
    """Rows of raw file ``key`` whose ``column`` holds a code raw file ``other`` lacks."""
    codes = set(frames[other][column])
    name = RAW_FILES[other].file_name
    return [
        Problem(
            str(raw_path(key, raw_dir)),
            row,
            column,
            f"{code!r} is not in {name}",
            f"a code {name} holds",
        )
        for row, code in enumerate(frames[key][column], start=2)
        if code not in codes
    ]


def load_pcts(raw_dir: Path | str = REFERENCE_RAW_DIR) -> pd.DataFrame:
    """The PCTs and care trusts of 2012, one row each, with their SHA, sorted by code.

    ONS does not say which SHA led a cross-border PCT, so it lists both, in code order,
    joined by :data:`SHA_SEPARATOR`, and is marked ``cross_border``. Raises DataError when
    the lookup and the lists disagree or a list repeats a code.

    >>> pcts = load_pcts()
    >>> pcts.loc[pcts["pct_name"] == "Norfolk", ["pct_code", "sha_names"]].values.tolist()
    [['5PQ', 'East of England']]
    """
    frames = {key: read_raw(key, raw_dir) for key in ("pcts", "pct_sha", "shas")}
    problems = [
        *_repeats("pcts", "PCO12CDO", frames, raw_dir),
        *_repeats("shas", "SHA12CDO", frames, raw_dir),
        *_unknown("pct_sha", "pcts", "PCO12CDO", frames, raw_dir),
        *_unknown("pct_sha", "shas", "SHA12CDO", frames, raw_dir),
        *_unknown("pcts", "pct_sha", "PCO12CDO", frames, raw_dir),  # a PCT with no SHA
    ]
    if problems:
        raise DataError(problems)
    pcts, lookup, shas = frames["pcts"], frames["pct_sha"], frames["shas"]
    sha_names = dict(zip(shas["SHA12CDO"], shas["SHA12NM"], strict=True))
    # A cross-border PCT has a lookup row per SHA: all are kept, in code order.
    codes = lookup.groupby("PCO12CDO")["SHA12CDO"].agg(lambda s: sorted(set(s)))
    shas_of = [codes[code] for code in pcts["PCO12CDO"]]
    frame = pd.DataFrame(
        {
            "pct_code": pcts["PCO12CDO"],
            "ons_code": pcts["PCO12CD"],
            "pct_name": pcts["PCO12NM"],
            "sha_codes": [SHA_SEPARATOR.join(c) for c in shas_of],
            "sha_names": [SHA_SEPARATOR.join(sha_names[s] for s in c) for c in shas_of],
            "cross_border": [len(c) > 1 for c in shas_of],
        }
    )
    return frame[PCT_COLUMNS].sort_values("pct_code", ignore_index=True)


def match_pcts(names: Iterable[str], pcts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Attach a PCT of 2012 and its SHA to each distinct name that identifies exactly one.

    ``status`` is ``matched``, ``no match`` or ``several candidates``; ``why`` says why a
    name is unmatched, listing the candidates when there are several.

    >>> pcts = pd.DataFrame({"pct_code": ["5AA", "5BB"], "pct_name": ["Ashby", "Ashby Teaching"],
    ...                      "sha_codes": ["Q30", "Q31"], "sha_names": ["North East", "North West"]})
    >>> print(match_pcts(["NHS Ashby"], pcts).loc[0, "why"])
    2 PCTs of 2012 have this name: 5AA (Ashby), 5BB (Ashby Teaching)
    """
    pcts = load_pcts() if pcts is None else pcts
    by_name: dict[str, list[int]] = {}
    for position, name in enumerate(pcts["pct_name"]):
        by_name.setdefault(normalised_pct_name(name), []).append(position)
    rows = []
    for name in dict.fromkeys(str(n) for n in names):
        group = bool(_GROUP.search(name.casefold()))
        found = [] if group else by_name.get(normalised_pct_name(name), [])
        row: dict[str, object] = dict.fromkeys(MATCH_COLUMNS, None)
        row.update(organisation=name, status=NO_MATCH, why="")
        if len(found) == 1:
            pct = pcts.iloc[found[0]]
            row.update(status=MATCHED, **{c: pct[c] for c in MATCH_COLUMNS[2:6]})
        elif found:
            listed = ", ".join(
                f"{pcts['pct_code'].iloc[i]} ({pcts['pct_name'].iloc[i]})" for i in found
            )
            row.update(status=SEVERAL, why=f"{len(found)} PCTs of 2012 have this name: {listed}")
        elif group:
            row.update(why="names a group of PCTs, not one trust")
        else:
            row.update(why="no PCT of 2012 has this name")
        rows.append(row)
    return pd.DataFrame(rows, columns=MATCH_COLUMNS)
