"""A synthetic CCG panel that matches every CCG-level aggregate the articles publish.

The 143 real Q1 2013-14 NISFE returns behind HSJ, "Exclusive: Huge variation
emerges in CCGs' efficiency ambition" (Q1 2013-14) are not public. This module
invents a panel of the same shape whose published aggregates hold exactly, for
every seed, by construction rather than by trial and rejection (decision 0006):

- target percentages are drawn per band (under 1%, 1% to the median, the
  median itself, the median to 4%, over 4%) so the counts and the median are
  fixed before any value is drawn;
- Q1 and year-end outcomes are drawn as categories with fixed counts (20% or
  more short, some slippage, none), then as values inside each category's band;
- the aggregate forecast (96%) and year-to-date shortfall (11%) are hit by
  moving every CCG's value the same fraction of the way towards its band's
  edge, which keeps every CCG inside its band and every ordering intact;
- money is held in whole £ thousands, so the bands are enforced in integer
  arithmetic and survive the trip through CSV unchanged.

``rho`` pairs target size with the year-end forecast gap through a Gaussian
copula on ranks; at 0 they are drawn independently, and the realised rank
correlation is whatever the draw gives.

Every row is ``data_status == "synthetic"``. Only NHS Dorset CCG and NHS West
Essex CCG appear under their own names, carrying their published targets; the
rest of their rows, and every other CCG, is invented (decision 0005).

Examples
--------
>>> panel = generate_panel(seed=7)
>>> len(panel), panel["data_status"].unique().tolist()
(143, ['synthetic'])
>>> largest_remainder({"a": 68, "b": 61, "c": 50, "d": 32}, 143)
{'a': 46, 'b': 41, 'c': 34, 'd': 22}
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from qipp.atomic import atomic_write_text
from qipp.panel.io import panel_to_csv_text, write_sidecar
from qipp.panel.schema import (
    NAMED_CCGS,
    PANEL_COLUMNS,
    REGION_CCG_COUNTS_APRIL_2013,
    STATUS_SYNTHETIC,
    SYNTHETIC_NAME_PREFIX,
)

# Bump when the panel drawn for a given (seed, rho) changes.
GENERATOR_VERSION = "1.0.0"
# The end of the quarter the returns describe: 30 June 2013.
DEFAULT_SEED = 20130630
DEFAULT_RHO = 0.0


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


def largest_remainder(counts: dict[str, int], total: int) -> dict[str, int]:
    """Share ``total`` in proportion to ``counts`` by the largest-remainder method.

    Parameters
    ----------
    counts : dict of str to int
        The population counts.
    total : int
        The number to share out.

    Returns
    -------
    dict of str to int
        Same keys, values summing to ``total``.

    Examples
    --------
    >>> largest_remainder({"x": 1, "y": 1, "z": 1}, 4)
    {'x': 2, 'y': 1, 'z': 1}
    """
    population = sum(counts.values())
    quotas = {k: total * v / population for k, v in counts.items()}
    shares = {k: math.floor(q) for k, q in quotas.items()}
    by_remainder = sorted(counts, key=lambda k: (-(quotas[k] - shares[k]), list(counts).index(k)))
    for key in by_remainder[: total - sum(shares.values())]:
        shares[key] += 1
    return shares


def _band_draws(rng: np.random.Generator, n: int, band: tuple[float, float]) -> np.ndarray:
    """``n`` target percentages inside ``band``, one per equal-probability stratum.

    Strata keep neighbouring values apart, so the 15th and 16th largest
    targets can never tie.
    """
    lo, hi = (ndtr(np.log(b / TARGETS.median_target_pct) / TARGET_LOG_SD) for b in band)
    position = (np.arange(n) + 0.1 + 0.8 * rng.random(n)) / n
    return TARGETS.median_target_pct * np.exp(TARGET_LOG_SD * ndtri(lo + (hi - lo) * position))


def _allocations_gbp_k(rng: np.random.Generator, n: int) -> np.ndarray:
    """Allocations from a lognormal truncated to :data:`ALLOCATION_RANGE_GBP_K`."""
    lo, hi = (
        ndtr(np.log(b / ALLOCATION_MEDIAN_GBP_K) / ALLOCATION_LOG_SD)
        for b in ALLOCATION_RANGE_GBP_K
    )
    u = lo + (hi - lo) * rng.random(n)
    return np.rint(ALLOCATION_MEDIAN_GBP_K * np.exp(ALLOCATION_LOG_SD * ndtri(u))).astype(np.int64)


def _normal_scores(values: np.ndarray) -> np.ndarray:
    """Ranks of ``values`` mapped to standard normal quantiles (the copula's margin)."""
    ranks = np.empty(len(values))
    ranks[np.argsort(values, kind="stable")] = np.arange(1, len(values) + 1)
    return ndtri((ranks - 0.5) / len(values))


def _sorted_into(order: np.ndarray, draws: np.ndarray, out: np.ndarray) -> None:
    """Give the largest draw to ``order[0]``, the next to ``order[1]``, and so on."""
    out[order] = np.sort(draws)[::-1]


def _fit_weighted_mean(
    weights: np.ndarray, low: np.ndarray, base: np.ndarray, high: np.ndarray, target: float
) -> np.ndarray:
    """Move every value the same fraction towards ``low`` or ``high`` to hit ``target``.

    The weighted mean is linear in that fraction, so it is solved exactly;
    each value stays inside [low, high] and no two values swap places.

    >>> w = np.ones(2)
    >>> _fit_weighted_mean(w, np.zeros(2), np.array([1.0, 2.0]), np.array([4.0, 4.0]), 2.5)
    array([2.2, 2.8])
    """
    mean = lambda values: float(np.dot(weights, values) / weights.sum())  # noqa: E731
    at_low, at_base, at_high = mean(low), mean(base), mean(high)
    if not at_low <= target <= at_high:
        raise RuntimeError(
            f"cannot reach {target} within the bands ({at_low:.2f} to "
            f"{at_high:.2f}); widen the bands"
        )
    if target >= at_base:
        step = 0.0 if at_high == at_base else (target - at_base) / (at_high - at_base)
        return base + step * (high - base)
    step = (at_base - target) / (at_base - at_low)
    return base + step * (low - base)


def _outcomes(
    rng: np.random.Generator,
    planned_k: np.ndarray,
    latent: np.ndarray,
    n_big: int,
    n_small: int,
    big_band: tuple[float, float],
    ahead: tuple[float, float, float],
    target_pct: float,
    flexible_n_small: bool = False,
) -> np.ndarray:
    """Delivered amounts (£k) with exact counts short by 20%+, short at all, and not short.

    CCGs are ranked by ``latent``: the top ``n_big`` fall 20% or more short,
    the next ``n_small`` fall short by less, the rest meet or beat the plan.
    Values inside each category follow the same ranking, and the plan-weighted
    shortfall of all CCGs is ``target_pct``.

    With ``flexible_n_small`` (the number is not published), ``n_small`` moves
    one CCG at a time until ``target_pct`` is reachable: needed only when the
    copula puts the 20%+ gaps on the smallest or the largest plans.
    """
    n = len(planned_k)
    weights = planned_k.astype(float)
    # Every draw is made up front, at full length, so the random stream (and so
    # every other column) does not depend on how many CCGs fall in each category.
    big_draws = big_band[0] + (big_band[1] - big_band[0]) * rng.beta(1.3, 3.0, n)[:n_big]
    small_draws = SMALL_GAP[0] + (SMALL_GAP[1] - SMALL_GAP[0]) * rng.beta(1.5, 2.5, n)
    is_ahead = rng.random(n) < ahead[0]
    ahead_by = rng.uniform(0.0, ahead[1], n)
    order = np.argsort(-latent, kind="stable")

    def bands(k: int) -> tuple[np.ndarray, ...]:
        big, small, on_track = order[:n_big], order[n_big : n_big + k], order[n_big + k :]
        low, base, high = np.zeros(n), np.zeros(n), np.zeros(n)
        _sorted_into(big, big_draws, base)
        low[big], high[big] = big_band
        _sorted_into(small, small_draws[:k], base)
        low[small], high[small] = SMALL_GAP
        track_ahead = on_track[is_ahead[on_track]]
        base[track_ahead] = -ahead_by[track_ahead]
        low[track_ahead] = -ahead[2]
        return big, small, on_track, low, base, high

    def reach(k: int) -> tuple[float, float]:
        _, _, _, low, _, high = bands(k)
        return float(weights @ low / weights.sum()), float(weights @ high / weights.sum())

    if flexible_n_small:
        while reach(n_small)[1] < target_pct and n_small < n - n_big:
            n_small += 1
        while reach(n_small)[0] > target_pct and n_small > 0:
            n_small -= 1
    big, small, on_track, low, base, high = bands(n_small)
    shortfall_pct = _fit_weighted_mean(weights, low, base, high, target_pct)

    delivered = np.rint(planned_k * (1.0 - shortfall_pct / 100.0)).astype(np.int64)
    # Integer bounds for each category: strictly 20% or more short, strictly
    # short, or not short at all, whatever the rounding did.
    twenty_pct_short = (4 * planned_k - 1) // 5
    delivered[big] = np.clip(delivered[big], 0, twenty_pct_short[big])
    delivered[small] = np.clip(
        delivered[small], (4 * planned_k[small]) // 5 + 1, planned_k[small] - 1
    )
    delivered[on_track] = np.maximum(delivered[on_track], planned_k[on_track])
    return delivered


def _target_pcts(rng: np.random.Generator) -> np.ndarray:
    """The targets (% of allocation) of the CCGs other than Dorset and West Essex."""
    n_over_4 = TARGETS.n_target_over_4pct_excl_west_essex
    n_under_1 = TARGETS.n_target_under_1pct - 1  # Dorset is one of them
    n_below_median = (TARGETS.n_ccgs - 1) // 2 - TARGETS.n_target_under_1pct
    n_above_median = TARGETS.n_ccgs - 1 - (TARGETS.n_ccgs - 1) // 2 - n_over_4 - 1
    return np.concatenate(
        [
            _band_draws(rng, n_under_1, BAND_UNDER_1),
            _band_draws(rng, n_below_median, BAND_1_TO_MEDIAN),
            [TARGETS.median_target_pct],
            _band_draws(rng, n_above_median, BAND_MEDIAN_TO_4),
            _band_draws(rng, n_over_4, BAND_OVER_4),
        ]
    )


def generate_panel(seed: int, rho: float = DEFAULT_RHO) -> pd.DataFrame:
    """Draw a synthetic panel of 143 CCGs that matches every published aggregate.

    Parameters
    ----------
    seed : int
        Seed for :func:`numpy.random.default_rng`; the same (seed, rho, and
        :data:`GENERATOR_VERSION`) always gives the same panel.
    rho : float, default 0.0
        Correlation of the Gaussian copula pairing the rank of a CCG's target
        (% of allocation) with the rank of its year-end forecast gap; in
        [-1, 1]. At 0 the two are drawn independently.

    Returns
    -------
    pandas.DataFrame
        The panel's columns in schema order, one row per CCG, sorted by
        ``ccg_code``; money in £m to three decimals; every row synthetic.

    Raises
    ------
    ValueError
        If ``rho`` is outside [-1, 1].
    """
    if not -1.0 <= rho <= 1.0:
        raise ValueError(f"rho must lie in [-1, 1], not {rho}")
    rng = np.random.default_rng(seed)
    n, t = TARGETS.n_ccgs, TARGETS
    # Row 0 is NHS Dorset CCG, row 1 NHS West Essex CCG, rows 2.. the pseudonymous CCGs.
    others = np.arange(2, n)

    regions = largest_remainder(REGION_CCG_COUNTS_APRIL_2013, n)
    regions[DORSET_REGION] -= 1
    regions[WEST_ESSEX_REGION] -= 1
    region = np.array(
        [DORSET_REGION, WEST_ESSEX_REGION]
        + list(rng.permutation([r for r, k in regions.items() for _ in range(k)])),
        dtype=object,
    )

    allocation_k = np.concatenate([[DORSET_ALLOCATION_GBP_K], _allocations_gbp_k(rng, n - 1)])
    target_pct = np.empty(n)
    target_pct[0], target_pct[1] = t.dorset_target_pct, t.west_essex_target_pct
    target_pct[others] = rng.permutation(_target_pcts(rng))
    plan_k = np.rint(allocation_k * target_pct / 100.0).astype(np.int64)
    plan_k[0] = round(t.dorset_plan_gbp_m * 1000)
    transformational_k = np.rint(plan_k * rng.uniform(*TRANSFORMATIONAL_SHARE, n)).astype(np.int64)
    ytd_plan_k = np.rint(plan_k * rng.uniform(*YTD_SHARE_OF_PLAN, n)).astype(np.int64)

    # The copula: a latent forecast-gap score correlated rho with the target's rank.
    realised_pct = 100.0 * plan_k / allocation_k
    gap_latent = rho * _normal_scores(realised_pct) + math.sqrt(1.0 - rho**2) * rng.standard_normal(
        n
    )
    ytd_latent = YTD_LATENT_CORR_WITH_GAP * gap_latent + math.sqrt(
        1.0 - YTD_LATENT_CORR_WITH_GAP**2
    ) * rng.standard_normal(n)
    n_small_gap = int(rng.integers(N_SMALL_FORECAST_GAP[0], N_SMALL_FORECAST_GAP[1] + 1))
    forecast_k = _outcomes(
        rng,
        plan_k,
        gap_latent,
        t.n_forecast_gap_20pct,
        n_small_gap,
        BIG_FORECAST_GAP,
        FORECAST_AHEAD,
        100.0 - t.forecast_delivery_pct,
        flexible_n_small=True,
    )
    ytd_actual_k = _outcomes(
        rng,
        ytd_plan_k,
        ytd_latent,
        t.n_ytd_shortfall_20pct,
        t.n_ytd_any_slippage - t.n_ytd_shortfall_20pct,
        BIG_YTD_SHORTFALL,
        YTD_AHEAD,
        t.ytd_shortfall_pct,
    )

    # Seven of the fifteen largest targets use the non-recurrent fund.
    top = np.argsort(-realised_pct, kind="stable")[: t.n_top]
    uses_fund = rng.random(n) < NR_FUND_RATE_OUTSIDE_TOP
    uses_fund[top] = False
    uses_fund[rng.choice(top, t.n_top_using_nr_fund, replace=False)] = True

    numbers = rng.permutation(len(others)) + 1
    code = np.array([DORSET_CODE, WEST_ESSEX_CODE] + [f"S{k:03d}" for k in numbers], dtype=object)
    name = np.array(
        [NAMED_CCGS[DORSET_CODE], NAMED_CCGS[WEST_ESSEX_CODE]]
        + [f"{SYNTHETIC_NAME_PREFIX} {k:03d}" for k in numbers],
        dtype=object,
    )
    panel = pd.DataFrame(
        {
            "ccg_code": code,
            "ccg_name": name,
            "region": region,
            "allocation_gbp_m": allocation_k / 1000.0,
            "qipp_plan_gbp_m": plan_k / 1000.0,
            "transformational_plan_gbp_m": transformational_k / 1000.0,
            "ytd_plan_gbp_m": ytd_plan_k / 1000.0,
            "ytd_actual_gbp_m": ytd_actual_k / 1000.0,
            "forecast_outturn_gbp_m": forecast_k / 1000.0,
            "uses_non_recurrent_fund": uses_fund,
            "data_status": STATUS_SYNTHETIC,
        }
    )[PANEL_COLUMNS]
    panel = panel.sort_values("ccg_code", kind="stable").reset_index(drop=True)
    _assert_targets_hold(panel)
    return panel


def _assert_targets_hold(panel: pd.DataFrame) -> None:
    """Fail loudly if a construction step ever let a published aggregate slip."""
    from qipp.panel.check import CHECKS, panel_aggregates

    published = {TARGET_CLAIM_IDS[k]: float(v) for k, v in asdict(TARGETS).items()}
    values = panel_aggregates(panel)
    wrong = [
        f"{c.claim_id}: {values[c.claim_id]} vs {published[c.claim_id]}"
        for c in CHECKS
        if c.soft_tolerance is None
        and c.status(published[c.claim_id], values[c.claim_id]) != "match"
    ]
    if wrong:
        raise RuntimeError("synthetic panel misses published aggregates: " + "; ".join(wrong))


def panel_metadata(seed: int, rho: float) -> dict[str, Any]:
    """The sidecar record for a panel drawn with ``seed`` and ``rho``.

    >>> panel_metadata(1, 0.0)["generator_version"] == GENERATOR_VERSION
    True
    """
    return {
        "data_status": STATUS_SYNTHETIC,
        "generator": "qipp.panel.synth.generate_panel",
        "generator_version": GENERATOR_VERSION,
        "seed": int(seed),
        "rho": float(rho),
        "n_ccgs": TARGETS.n_ccgs,
        "note": (
            "SYNTHETIC DATA: invented CCGs whose aggregates match those HSJ published "
            "for Q1 2013-14. Only the targets of NHS Dorset CCG and NHS West Essex "
            "CCG are real; every other figure is invented."
        ),
    }


def write_synthetic_panel(
    path: Path | str, seed: int = DEFAULT_SEED, rho: float = DEFAULT_RHO
) -> pd.DataFrame:
    """Draw a panel, write it as CSV with its sidecar (``.meta.json``), return it.

    The sidecar records the generator version, seed and rho, and the SHA-256
    of the CSV text so that an edited file can be told from a generated one.

    Parameters
    ----------
    path : Path or str
        Where to write the CSV; the sidecar goes beside it.
    seed : int, default DEFAULT_SEED
        Seed for :func:`generate_panel`.
    rho : float, default 0.0
        Copula correlation for :func:`generate_panel`.

    Returns
    -------
    pandas.DataFrame
        The panel as written.
    """
    panel = generate_panel(seed, rho)
    text = panel_to_csv_text(panel)
    atomic_write_text(path, text)
    metadata = panel_metadata(seed, rho)
    metadata["csv_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    write_sidecar(path, metadata)
    return panel
