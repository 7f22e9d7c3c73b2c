"""Real reference data on NHS organisations, 2012-2014, kept raw under ``data/reference/raw``.

The CCG register of April 2013, the PCTs of 2012 with their SHAs, and matching names to
them. Provenance, licence and checksums: ``data/reference/README.md``.
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
