"""Re-derive published claims from other published claims, and score every claim.

Each :class:`Derivation` recomputes one claim from other ledger values (a total
from its parts, a share from numerator and denominator, a change between
quarters, a fold, the same figure in another source, an extrapolation the
article makes). :func:`scorecard` gives every claim a status:

``reproduced``
    the derived value agrees with the published one under :func:`tolerance`;
``inconsistent``
    it does not; the note says by how much and the likely cause;
``stated``
    no other published figure lets it be recomputed.

Figures the published ones imply but nothing states (an implied denominator, a
remainder) are :data:`CONTEXTS`: shown in a claim's note, never scored.

The tolerance rule (docs/decisions/0003-tolerance-rule.md): a published
figure stands for the band it could have been rounded from (or the inequality
its qualifier states); the derived value is recomputed at every corner of its
inputs' own rounding intervals; the claim is reproduced when that derived
interval meets the published band. Published figures are never adjusted.

One concern per module, every name re-exported here (with the registry and its
arithmetic from :mod:`qipp.derivations`):

- :mod:`qipp.derive.tolerance`: :class:`Band`, :func:`tolerance`, :func:`input_interval`;
- :mod:`qipp.derive.scoring`: :func:`assess`, :func:`scorecard`, :func:`status_counts`;
- :mod:`qipp.derive.export`: the scorecard as JSON and CSV files.

Examples
--------
>>> band = tolerance(12.9, 0.1)
>>> (round(band.lo, 2), round(band.hi, 2))
(12.85, 12.95)
>>> gap = DERIVATIONS["nhse_q1_forecast_gap_pct"]
>>> round(gap.central({"nhse_q1_forecast_gap_gbp_m": 48.1, "nhse_q1_plan_gbp_m": 374}), 3)
12.861
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
from qipp.derivations.model import _num as _num  # re-exported, as it always was
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
