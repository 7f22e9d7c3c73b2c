"""What the generator reproduces, read from the claims ledger, and what it has to assume.

:func:`published_targets` reads the CCG-level aggregates the articles publish
from the claims ledger (``data/claims.csv``), the one place each figure is
typed, so the generator and the ledger cannot disagree. The constants below
are the assumptions the articles do not publish (decision 0006), including the
target bands, which stop short of every published threshold;
:func:`check_bands` says so plainly if the ledger's targets ever leave them.

Examples
--------
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
    """The CCG-level aggregates the generator reproduces, as the articles print them.

    From HSJ, "Exclusive: Huge variation emerges in CCGs' efficiency ambition"
    (Q1 2013-14), except ``ytd_shortfall_pct`` (HSJ, NHS England internal
    NISFE report, Q1 2013-14), which describes all CCGs and is a soft target.
    Each field is the ledger value of the claim :data:`TARGET_CLAIM_IDS` names;
    build one with :func:`published_targets`, not by typing the figures.
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

# Claim ids (data/claims.csv) of the targets above.
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
    """Return the targets as the claims ledger states them.

    Parameters
    ----------
    values : mapping of str to float, optional
        Claim id to published value; :func:`qipp.ledger.claim_values` by default.

    Returns
    -------
    PublishedTargets
        Counts as ``int``, the rest as ``float``.

    Raises
    ------
    KeyError
        If a claim in :data:`TARGET_CLAIM_IDS` is not in ``values``.
    ValueError
        If a count is not a whole number.

    Examples
    --------
    >>> published_targets({**ledger.claim_values(), "ccg_q1_n_top15_using_nr_fund": 8.0}).n_top_using_nr_fund
    8
    """
    # Looked up on qipp.ledger at each call, so the ledger of the moment is read (and a
    # test can stand in another one); a copy taken at import could go stale.
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


DORSET_CODE, WEST_ESSEX_CODE = "11J", "07H"
DORSET_REGION, WEST_ESSEX_REGION = "South of England", "Midlands and East of England"


def dorset_allocation_gbp_k(targets: PublishedTargets) -> int:
    """Dorset's allocation (£k) as its published plan and target imply: plan / share.

    >>> dorset_allocation_gbp_k(published_targets())
    857143
    """
    return round(targets.dorset_plan_gbp_m * 1000 / (targets.dorset_target_pct / 100))


# --- Assumptions the articles do not publish (decision 0006). -------------------
# Allocations are registered patients x £ per head (decision 0030): list sizes are
# drawn from the register's real spread, the £ per head from the figures below.
# CCG allocations 2013-14 came to about £64bn; over the register's ~56m registered
# patients that is the national mean per head (about £1,136), the draws' median.
SECTOR_ALLOCATION_GBP_M = 64_000
# The spread per head: the PCT formula's weighting for age, need and local costs, and
# each area's distance from its target; log-sd 0.10, cut at 2 sd (-18% to +22%).
PER_HEAD_LOG_SD = 0.10
PER_HEAD_TRUNCATION_SD = 2.0
# Target shape inside each band: lognormal about the published median.
TARGET_LOG_SD = 0.5
# Target bands (% of allocation), kept clear of the published thresholds so
# that rounding money to £k cannot move a CCG across one. No article publishes
# them, so they stay typed here; their edges sit either side of the published
# median (2.47%) and inside Dorset's and West Essex's targets, which check_bands
# enforces against the ledger.
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
    """Refuse targets the fixed bands above cannot reproduce, saying which and why.

    The bands are typed numbers, not ledger values: they are where the generator
    puts the CCGs the articles do not name. They only work while the published
    thresholds and named CCGs fall between them.

    Raises
    ------
    ValueError
        If a published target no longer sits where the bands assume.

    Examples
    --------
    >>> check_bands(published_targets())
    """
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
