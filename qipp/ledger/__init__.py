"""The claims ledger: its sources, every published figure, and tidy views of them.

Three kinds of table live under ``data/``:

* ``sources.csv``: one row per publication (the five HSJ analyses and the NAO
  report used as an external check).
* ``claims.csv``: one row per quantitative statement in those publications,
  with the clause that states it, its unit, the step it was rounded to
  (``precision``) and any hedge (``qualifier``: "more than", "around", ...).
  Each published value is typed here and nowhere else.
* ``tables/*.csv``: tidy views for analysis. They hold dimensions (quarter,
  organisation, measure) and a ``claim_id``; the value, unit and precision are
  filled in from the ledger on load, so no figure is typed twice.

Every load goes through :func:`qipp.validation.load_table`; a bad file raises
:class:`~qipp.validation.DataError` naming file, row and column.

One concern per module, every name re-exported here:

- :mod:`qipp.ledger.specs`: the sources and claims tables as specs, units, qualifiers;
- :mod:`qipp.ledger.tables`: the tidy tables' specs;
- :mod:`qipp.ledger.load`: loading (validated, cached by content);
- :mod:`qipp.ledger.lookup`: one claim, every value, a citation.

Examples
--------
>>> claims = load_claims()
>>> claim_values(claims)["ccg_q1_median_target_pct"]
2.47
>>> claim("nhse_q1_plan_gbp_m", claims)["unit"]
'GBP_m'
>>> "tracker_savings_profile" in list_tidy_tables()
True
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
