"""What the generator reproduces, and what it has to assume.

:class:`PublishedTargets` holds the CCG-level aggregates the articles publish;
the constants below it are the assumptions the articles do not publish
(decision 0006), including the target bands, which stop short of every
published threshold.

Examples
--------
>>> TARGETS.n_ccgs, TARGET_CLAIM_IDS["n_ccgs"]
(143, 'ccg_q1_n_ccgs')
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PublishedTargets:
    """The CCG-level aggregates the generator reproduces, as the articles print them.

    From HSJ, "Exclusive: Huge variation emerges in CCGs' efficiency ambition"
    (Q1 2013-14), except ``ytd_shortfall_pct`` (HSJ, NHS England internal
    NISFE report, Q1 2013-14), which describes all CCGs and is a soft target.
    A test holds these equal to the claims ledger.
    """

    n_ccgs: int = 143
    target_fold_variation: int = 23
    dorset_plan_gbp_m: float = 2.4
    dorset_target_pct: float = 0.28
    west_essex_target_pct: float = 6.44
    median_target_pct: float = 2.47
    n_target_under_1pct: int = 11
    n_target_over_4pct_excl_west_essex: int = 17
    n_top: int = 15
    n_top_using_nr_fund: int = 7
    n_ytd_shortfall_20pct: int = 34
    n_ytd_any_slippage: int = 59
    forecast_delivery_pct: float = 96.0
    n_forecast_gap_20pct: int = 11
    ytd_shortfall_pct: float = 11.0


TARGETS = PublishedTargets()

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

DORSET_CODE, WEST_ESSEX_CODE = "11J", "07H"
DORSET_REGION, WEST_ESSEX_REGION = "South of England", "Midlands and East of England"
# Dorset's allocation as its published plan and share imply: £2.4m / 0.28%.
DORSET_ALLOCATION_GBP_K = round(2400 / 0.0028)

# --- Assumptions the articles do not publish (decision 0006). -------------------
# CCG allocations 2013-14: about £64bn over 211 CCGs, tens of £m to over £1bn.
ALLOCATION_MEDIAN_GBP_K = 250_000
ALLOCATION_LOG_SD = 0.6
ALLOCATION_RANGE_GBP_K = (60_000, 1_300_000)
# Target shape inside each band: lognormal about the published median.
TARGET_LOG_SD = 0.5
# Target bands (% of allocation), kept clear of the published thresholds so
# that rounding money to £k cannot move a CCG across one.
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
