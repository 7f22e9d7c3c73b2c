"""What the generator reproduces, read from the claims ledger, and what it has to assume.

The constants are the assumptions the articles do not publish (decision 0006).

>>> targets = published_targets()
>>> targets.n_ccgs, targets.median_target_pct, TARGET_CLAIM_IDS["n_ccgs"]
(143, 2.47, 'ccg_q1_n_ccgs')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, get_type_hints

from qipp import ledger


@dataclass(frozen=True)
class PublishedTargets:
    """The CCG-level aggregates the generator reproduces: the ledger values :data:`TARGET_CLAIM_IDS` names.

    ``ytd_shortfall_pct`` describes all CCGs (NHS England's NISFE report) and is a soft target.
    """

    n_ccgs: int
    target_fold_variation: int
    dorset_plan_gbp_m: float
    dorset_target_pct: float
    west_essex_target_pct: float
    median_target_pct: float
    n_target_under_1pct: int
    n_target_over_4pct_excl_west_essex: int
    n_top: int
    n_top_using_nr_fund: int
    n_ytd_shortfall_20pct: int
    n_ytd_any_slippage: int
    forecast_delivery_pct: float
    n_forecast_gap_20pct: int
    ytd_shortfall_pct: float


# int or float per field, worked out once: published_targets runs at every draw.
_FIELD_TYPES: dict[str, type] = get_type_hints(PublishedTargets)

TARGET_CLAIM_IDS: dict[str, str] = {
    "n_ccgs": "ccg_q1_n_ccgs",
    "target_fold_variation": "ccg_q1_target_fold_variation",
    "dorset_plan_gbp_m": "ccg_q1_dorset_plan_gbp_m",
    "dorset_target_pct": "ccg_q1_dorset_target_pct",
    "west_essex_target_pct": "ccg_q1_west_essex_target_pct",
    "median_target_pct": "ccg_q1_median_target_pct",
    "n_target_under_1pct": "ccg_q1_n_target_under_1pct",
    "n_target_over_4pct_excl_west_essex": "ccg_q1_n_target_over_4pct_excl_west_essex",
    "n_top": "ccg_q1_n_top15",
    "n_top_using_nr_fund": "ccg_q1_n_top15_using_nr_fund",
    "n_ytd_shortfall_20pct": "ccg_q1_n_ytd_shortfall_20pct",
    "n_ytd_any_slippage": "ccg_q1_n_ytd_any_slippage",
    "forecast_delivery_pct": "ccg_q1_forecast_delivery_pct",
    "n_forecast_gap_20pct": "ccg_q1_n_forecast_gap_20pct",
    "ytd_shortfall_pct": "ccg_q1_ytd_shortfall_pct",
}


def published_targets(values: Mapping[str, float] | None = None) -> PublishedTargets:
    """The targets as the claims ledger (or ``values``, claim id to value) states them.

    Counts are ``int``. Raises KeyError for a missing claim, ValueError for a count that
    is not whole.

    >>> published_targets({**ledger.claim_values(), "ccg_q1_n_top15_using_nr_fund": 8.0}).n_top_using_nr_fund
    8
    """
    # Read at each call: a copy taken at import could go stale.
    values = ledger.claim_values() if values is None else values
    fields: dict[str, Any] = {}
    for field, claim_id in TARGET_CLAIM_IDS.items():
        if claim_id not in values:
            raise KeyError(
                f"the claims ledger has no claim {claim_id!r}, which the generator reads as {field}"
            )
        value = float(values[claim_id])
        if _FIELD_TYPES[field] is int:
            if not value.is_integer():
                raise ValueError(
                    f"claim {claim_id!r} is {value:g}, but {field} is a count, so a whole number"
                )
            fields[field] = int(value)
        else:
            fields[field] = value
    return PublishedTargets(**fields)


DORSET_REGION, WEST_ESSEX_REGION = "South of England", "Midlands and East of England"


def dorset_allocation_gbp_k(targets: PublishedTargets) -> int:
    """Dorset's allocation (£k) as its published plan and target imply: plan / share.

    >>> dorset_allocation_gbp_k(published_targets())
    857143
    """
    return round(targets.dorset_plan_gbp_m * 1000 / (targets.dorset_target_pct / 100))


# --- Assumptions the articles do not publish (decisions 0006 and 0030). ---------
# CCG allocations 2013-14 came to about £64bn: over the register's ~56m patients, ~£1,136 a head.
SECTOR_ALLOCATION_GBP_M = 64_000
# The spread a head (weighting for age, need and costs; distance from target): -18% to +22%.
PER_HEAD_LOG_SD = 0.10
PER_HEAD_TRUNCATION_SD = 2.0
# Target shape inside each band: lognormal about the published median.
TARGET_LOG_SD = 0.5
# Target bands (% of allocation), clear of the published thresholds so that rounding to
# £k cannot move a CCG across one; check_bands holds them against the ledger.
BAND_UNDER_1 = (0.30, 0.98)
BAND_1_TO_MEDIAN = (1.01, 2.46)
BAND_MEDIAN_TO_4 = (2.48, 3.99)
BAND_OVER_4 = (4.01, 6.40)
TRANSFORMATIONAL_SHARE = (0.3, 0.8)
YTD_SHARE_OF_PLAN = (0.18, 0.28)  # QIPP plans were phased towards the later quarters
N_SMALL_FORECAST_GAP = (20, 40)  # CCGs forecasting a gap under 20% (inclusive range)
YTD_LATENT_CORR_WITH_GAP = 0.5  # CCGs behind at Q1 tend to forecast a gap
NR_FUND_RATE_OUTSIDE_TOP = 0.2
# Shortfall bands, % of plan: (lowest, highest) for "20% or more" and "some".
BIG_FORECAST_GAP, SMALL_GAP = (20.5, 60.0), (0.5, 19.5)
BIG_YTD_SHORTFALL = (20.5, 90.0)
# On-track CCGs: share that are ahead, how far ahead (drawn, and at most).
FORECAST_AHEAD = (0.25, 8.0, 15.0)
YTD_AHEAD = (0.5, 15.0, 30.0)


def check_bands(targets: PublishedTargets) -> None:
    """Refuse (ValueError) published targets that no longer sit where the typed bands assume."""
    t = targets
    assumed = (
        (t.dorset_target_pct < BAND_UNDER_1[0], "Dorset's target is the smallest, under 1%"),
        (
            BAND_1_TO_MEDIAN[1] < t.median_target_pct < BAND_MEDIAN_TO_4[0],
            f"the median target lies between {BAND_1_TO_MEDIAN[1]}% and {BAND_MEDIAN_TO_4[0]}%",
        ),
        (t.west_essex_target_pct > BAND_OVER_4[1], "West Essex's target is the largest, over 4%"),
    )
    broken = [words for holds, words in assumed if not holds]
    if broken:
        raise ValueError(
            "the published targets leave the generator's bands (qipp.panel.synth.targets): "
            "they assume " + "; ".join(broken)
        )
