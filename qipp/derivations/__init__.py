"""The registry of derivations: how each derivable claim is recomputed from others.

One :class:`Derivation` per claim, in one module per source article (named by its id in
``data/sources.csv``); :data:`CONTEXTS`, figures the published ones imply but none states.
:mod:`qipp.derive` scores them.

>>> gap = DERIVATIONS["nhse_q1_forecast_gap_pct"]
>>> round(gap.central({"nhse_q1_forecast_gap_gbp_m": 48.1, "nhse_q1_plan_gbp_m": 374}), 3)
12.861
"""

from qipp.derivations import (
    hsj_ccg_variation_q1_1314,
    hsj_dh_tracker_q1_1213,
    hsj_nhse_nisfe_q1_1314,
    hsj_pct_progress_2010,
    hsj_q2_1314,
)
from qipp.derivations.arithmetic import M_PER_BN, bn_to_m, pct_of_range, ratio, share_pct, total
from qipp.derivations.contexts import CONTEXTS
from qipp.derivations.model import Derivation

# In this order: the scorecard lists the claims each input feeds in registry order.
_REGISTRY: tuple[Derivation, ...] = (
    *hsj_q2_1314.REGISTRY,
    *hsj_nhse_nisfe_q1_1314.REGISTRY,
    *hsj_ccg_variation_q1_1314.REGISTRY,
    *hsj_dh_tracker_q1_1213.REGISTRY,
    *hsj_pct_progress_2010.REGISTRY,
)

DERIVATIONS: dict[str, Derivation] = {d.claim_id: d for d in _REGISTRY}
if len(DERIVATIONS) != len(_REGISTRY):  # a second derivation would silently replace one
    raise RuntimeError("a claim has more than one derivation in qipp.derive")

__all__ = [
    "CONTEXTS",
    "DERIVATIONS",
    "M_PER_BN",
    "Derivation",
    "bn_to_m",
    "pct_of_range",
    "ratio",
    "share_pct",
    "total",
]
