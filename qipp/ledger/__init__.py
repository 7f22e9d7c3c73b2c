"""The claims ledger: its sources, every published figure, and tidy views of them.

``data/sources.csv`` holds one row per publication, ``data/claims.csv`` one row per
published figure (its clause, unit, rounding step and hedge), and each
``data/tables/*.csv`` dimensions and a claim id: values are filled in from the ledger on
load, so no figure is typed twice. A bad file raises DataError naming file, row and column.

>>> claim("nhse_q1_plan_gbp_m")["unit"]
'GBP_m'
"""

from qipp.ledger.load import list_tidy_tables, load_claims, load_sources, load_tidy_table
from qipp.ledger.lookup import cite, claim, claim_values
from qipp.ledger.specs import (
    CLAIMS_SPEC,
    ID_RULE,
    MAX_QUOTE_CHARS,
    QUALIFIERS,
    SOURCE_ROLES,
    SOURCES_SPEC,
    UNITS,
)
from qipp.ledger.tables import LEDGER_COLUMNS, TABLE_SPECS

__all__ = [
    "CLAIMS_SPEC",
    "ID_RULE",
    "LEDGER_COLUMNS",
    "MAX_QUOTE_CHARS",
    "QUALIFIERS",
    "SOURCES_SPEC",
    "SOURCE_ROLES",
    "TABLE_SPECS",
    "UNITS",
    "cite",
    "claim",
    "claim_values",
    "list_tidy_tables",
    "load_claims",
    "load_sources",
    "load_tidy_table",
]
