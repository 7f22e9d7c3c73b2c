"""Every CCG-level aggregate the articles publish, beside a panel's own value.

A count must be equal; a share or amount must round to the value as printed. Two figures
describe all CCGs, not the panel's 143, so they are soft targets: the panel need only come near.
A panel of two quarters or more also meets the Q1-to-Q2 figures (:data:`QUARTER_CHECKS`).

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
    QUARTER_CHECKS,
    QUARTER_CLAIM_IDS,
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
    "QUARTER_CHECKS",
    "QUARTER_CLAIM_IDS",
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
