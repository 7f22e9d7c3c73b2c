"""Re-derive published claims from other published claims, and score every claim.

:func:`scorecard` calls a claim ``reproduced`` when its derived interval meets the band
its published figure admits (:func:`tolerance`; decision 0003), ``inconsistent`` when it
does not, ``stated`` when nothing recomputes it. :data:`CONTEXTS` are shown, not scored.
"""

from qipp.derivations import (
    CONTEXTS,
    DERIVATIONS,
    Derivation,
    bn_to_m,
    pct_of_range,
    ratio,
    share_pct,
    total,
)
from qipp.derive.export import scorecard_csv, scorecard_json, scorecard_records, write_scorecard
from qipp.derive.scoring import (
    INCONSISTENT,
    REPRODUCED,
    SCORECARD_COLUMNS,
    SIGNIFICANT_FIGURES,
    STATED,
    STATUSES,
    Verdict,
    assess,
    scorecard,
    status_counts,
)
from qipp.derive.tolerance import (
    AROUND_FRACTION,
    JUST_UNDER_FRACTION,
    Band,
    input_interval,
    tolerance,
)

__all__ = [
    "AROUND_FRACTION",
    "CONTEXTS",
    "DERIVATIONS",
    "INCONSISTENT",
    "JUST_UNDER_FRACTION",
    "REPRODUCED",
    "SCORECARD_COLUMNS",
    "SIGNIFICANT_FIGURES",
    "STATED",
    "STATUSES",
    "Band",
    "Derivation",
    "Verdict",
    "assess",
    "bn_to_m",
    "input_interval",
    "pct_of_range",
    "ratio",
    "scorecard",
    "scorecard_csv",
    "scorecard_json",
    "scorecard_records",
    "share_pct",
    "status_counts",
    "tolerance",
    "total",
    "write_scorecard",
]
