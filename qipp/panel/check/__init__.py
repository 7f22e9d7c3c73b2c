"""Every CCG-level aggregate the articles publish, beside a panel's own value.

HSJ, "Exclusive: Huge variation emerges in CCGs' efficiency ambition" (Q1
2013-14) publishes counts and shares computed over 143 CCGs' NISFE returns;
HSJ, NHS England internal NISFE report (Q1 2013-14) gives two sector figures.
On the synthetic panel every exact aggregate matches by construction; on real
returns the table checks the articles themselves.

Matching rule: a count must be equal; a share or amount must round to the
value as printed (``decimals``). Two figures are soft targets: they describe
all CCGs, not the 143 in the panel, so the panel need only come near
(``soft_tolerance``, in the figure's own unit).

- :mod:`qipp.panel.check.table`: the aggregates, their rules, and :func:`check_panel`;
- :mod:`qipp.panel.check.text`: the table for a notebook or a terminal.

Examples
--------
>>> from qipp.panel.synth import generate_panel
>>> table = check_panel(generate_panel(seed=3), {"ccg_q1_n_ccgs": 143.0})
>>> table.set_index("claim_id").loc["ccg_q1_n_ccgs", "status"]
'match'
"""

from qipp.panel.check.table import (
    CHECKS,
    CLAIM_IDS,
    DORSET_CODE,
    MATCH,
    MISMATCH,
    NEAR,
    NO_PUBLISHED,
    NOT_IN_PANEL,
    OFF,
    TOP_N,
    WEST_ESSEX_CODE,
    AggregateCheck,
    check_panel,
    panel_aggregates,
    published_values,
)
from qipp.panel.check.text import (
    check_display_frame,
    format_check_table,
    hard_mismatches,
    match_summary,
)

__all__ = [
    "CHECKS",
    "CLAIM_IDS",
    "DORSET_CODE",
    "MATCH",
    "MISMATCH",
    "NEAR",
    "NOT_IN_PANEL",
    "NO_PUBLISHED",
    "OFF",
    "TOP_N",
    "WEST_ESSEX_CODE",
    "AggregateCheck",
    "check_display_frame",
    "check_panel",
    "format_check_table",
    "hard_mismatches",
    "match_summary",
    "panel_aggregates",
    "published_values",
]
