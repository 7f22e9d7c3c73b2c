"""Real reference data on NHS organisations, 2012-2014, kept raw under ``data/reference/raw``.

- :mod:`qipp.reference.raw`: the files, their checksums, reading them (Windows-1252).
- :mod:`qipp.reference.register`: the CCG register of April 2013 (codes, names, area
  teams, regions, registered populations).
- :mod:`qipp.reference.match`: matching a panel's codes and names to the register.
- :mod:`qipp.reference.pcts`: the PCTs of 2012 with their SHAs, and matching the PCT
  names an article gives to them (only where a name identifies one PCT).

Provenance, licence and checksums: ``data/reference/README.md`` and ``data/sources.csv``.
"""

from __future__ import annotations

from qipp.reference.match import closest_entries, names_match, normalised_name
from qipp.reference.pcts import load_pcts, match_pcts
from qipp.reference.raw import RAW_FILES, checksum_mismatches, read_raw
from qipp.reference.register import (
    REGISTER_COLUMNS,
    REGISTER_SPEC,
    build_register,
    load_register,
)

__all__ = [
    "RAW_FILES",
    "REGISTER_COLUMNS",
    "REGISTER_SPEC",
    "build_register",
    "checksum_mismatches",
    "closest_entries",
    "load_pcts",
    "load_register",
    "match_pcts",
    "names_match",
    "normalised_name",
    "read_raw",
]
