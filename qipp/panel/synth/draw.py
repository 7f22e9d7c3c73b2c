"""Draw a synthetic panel: regions, allocations, targets, outcomes, fund use, names.

>>> generate_panel(seed=7)["ccg_code"].head(2).tolist()
['07H', '11J']
"""

from __future__ import annotations

import math
from dataclasses import asdict

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from qipp.panel.check import CHECKS, panel_aggregates
from qipp.panel.schema import (
    DORSET_CODE,
    NAMED_CCGS,
    PANEL_COLUMNS,
    REGION_CCG_COUNTS_APRIL_2013,
    STATUS_SYNTHETIC,
    SYNTHETIC_NAME_PREFIX,
    WEST_ESSEX_CODE,
)
from qipp.panel.synth.allocations import (
    RegisterLists,
    check_per_head,
    draw_allocations_gbp_k,
    register_lists,
)
from qipp.panel.synth.outcomes import draw_outcomes
from qipp.panel.synth.targets import (
    BAND_1_TO_MEDIAN,
    BAND_MEDIAN_TO_4,
    BAND_OVER_4,
    BAND_UNDER_1,
    BIG_FORECAST_GAP,
    BIG_YTD_SHORTFALL,
    DORSET_REGION,
    FORECAST_AHEAD,
    N_SMALL_FORECAST_GAP,
    NR_FUND_RATE_OUTSIDE_TOP,
    TARGET_CLAIM_IDS,
    TARGET_LOG_SD,
    TRANSFORMATIONAL_SHARE,
    WEST_ESSEX_REGION,
    YTD_AHEAD,
    YTD_LATENT_CORR_WITH_GAP,
    YTD_SHARE_OF_PLAN,
    PublishedTargets,
    check_bands,
    published_targets,
)

# Bump when the panel drawn for a given (seed, rho) changes.
GENERATOR_VERSION = "2.0.0"
# The end of the quarter the returns describe: 30 June 2013.
DEFAULT_SEED = 20130630
DEFAULT_RHO = 0.0
# The money columns of draw_panel_columns, in whole £ thousands.
MONEY_K = (
    "allocation_gbp_k",
    "qipp_plan_gbp_k",
    "transformational_plan_gbp_k",
    "ytd_plan_gbp_k",
    "ytd_actual_gbp_k",
    "forecast_outturn_gbp_k",
)


def largest_remainder(counts: dict[str, int], total: int) -> dict[str, int]:
    """Share ``total`` in proportion to ``counts`` by the largest-remainder method.

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


def _band_draws(
    rng: np.random.Generator, n: int, band: tuple[float, float], median: float
) -> np.ndarray:
    """``n`` target percentages inside ``band``, one per equal-probability stratum (so none tie)."""
    lo, hi = (ndtr(np.log(b / median) / TARGET_LOG_SD) for b in band)
    position = (np.arange(n) + 0.1 + 0.8 * rng.random(n)) / n
    return median * np.exp(TARGET_LOG_SD * ndtri(lo + (hi - lo) * position))


def _normal_scores(values: np.ndarray) -> np.ndarray:
    """Ranks of ``values`` mapped to standard normal quantiles (the copula's margin)."""
    ranks = np.empty(len(values))
    ranks[np.argsort(values, kind="stable")] = np.arange(1, len(values) + 1)
    return ndtri((ranks - 0.5) / len(values))


def _target_pcts(rng: np.random.Generator, t: PublishedTargets) -> np.ndarray:
    """The targets (% of allocation) of the CCGs other than Dorset and West Essex."""
    n_over_4 = t.n_target_over_4pct_excl_west_essex
    n_under_1 = t.n_target_under_1pct - 1  # Dorset is one of them
    n_below_median = (t.n_ccgs - 1) // 2 - t.n_target_under_1pct
    n_above_median = t.n_ccgs - 1 - (t.n_ccgs - 1) // 2 - n_over_4 - 1
    median = t.median_target_pct
    return np.concatenate(
        [
            _band_draws(rng, n_under_1, BAND_UNDER_1, median),
            _band_draws(rng, n_below_median, BAND_1_TO_MEDIAN, median),
            [median],
            _band_draws(rng, n_above_median, BAND_MEDIAN_TO_4, median),
            _band_draws(rng, n_over_4, BAND_OVER_4, median),
        ]
    )


def generate_panel(seed: int, rho: float = DEFAULT_RHO, *, verify: bool = True) -> pd.DataFrame:
    """Draw a synthetic panel of 143 CCGs that matches every published aggregate (decision 0006).

    The same ``seed``, ``rho``, :data:`GENERATOR_VERSION` and ledger give the same panel.
    ``rho`` is the Gaussian copula's correlation between the ranks of a CCG's target and
    of its year-end forecast gap. ``verify`` recomputes every published aggregate from the
    panel; power simulations skip it (two thirds of a draw's time). Raises ValueError when
    ``rho`` is outside [-1, 1] or the ledger or register leave the generator's assumptions.

    Parameters
    ----------
    seed : int
        The random seed.
    rho : float
        The copula's rank correlation, in [-1, 1].
    verify : bool
        Check every published aggregate on the result.

    Returns
    -------
    DataFrame
        The panel, one row per CCG.
    """
    if not -1.0 <= rho <= 1.0:
        raise ValueError(f"rho must lie in [-1, 1], not {rho}")
    t = published_targets()  # from the claims ledger, at every draw
    lists = register_lists()  # the register's real list sizes (QOF 2013-14)
    check_inputs(t, lists)
    columns = draw_panel_columns(seed, rho, t, lists)
    in_gbp_m = {name.removesuffix("_k") + "_m": columns.pop(name) / 1000.0 for name in MONEY_K}
    panel = pd.DataFrame({**columns, **in_gbp_m, "data_status": STATUS_SYNTHETIC})[PANEL_COLUMNS]
    if verify:
        _assert_targets_hold(panel, t)
    return panel


def check_inputs(targets: PublishedTargets, lists: RegisterLists) -> None:
    """Refuse a ledger or register the generator cannot honour (see :func:`generate_panel`)."""
    check_bands(targets)
    check_per_head(targets, lists)


def draw_panel_columns(
    seed: int, rho: float, t: PublishedTargets, lists: RegisterLists
) -> dict[str, np.ndarray]:
    """The columns of :func:`generate_panel`'s panel as arrays, rows sorted by code.

    Money in whole £ thousands (``*_gbp_k``); no ``data_status``. A power simulation reads
    these without building a frame. :func:`check_inputs` ``t`` and ``lists`` first.
    """
    rng = np.random.default_rng(seed)
    n = t.n_ccgs
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

    # Dorset's as its published plan and target imply; the rest from list sizes (decision 0030).
    allocation_k = draw_allocations_gbp_k(rng, t, n, lists)
    target_pct = np.empty(n)
    target_pct[0], target_pct[1] = t.dorset_target_pct, t.west_essex_target_pct
    target_pct[others] = rng.permutation(_target_pcts(rng, t))
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
    forecast_k = draw_outcomes(
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
    ytd_actual_k = draw_outcomes(
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
    order = np.argsort(code, kind="stable")  # as sort_values("ccg_code", kind="stable")
    columns = {
        "ccg_code": code,
        "ccg_name": name,
        "region": region,
        "allocation_gbp_k": allocation_k,
        "qipp_plan_gbp_k": plan_k,
        "transformational_plan_gbp_k": transformational_k,
        "ytd_plan_gbp_k": ytd_plan_k,
        "ytd_actual_gbp_k": ytd_actual_k,
        "forecast_outturn_gbp_k": forecast_k,
        "uses_non_recurrent_fund": uses_fund,
    }
    return {k: v[order] for k, v in columns.items()}


def _assert_targets_hold(panel: pd.DataFrame, targets: PublishedTargets) -> None:
    """Fail loudly if a construction step ever let a published aggregate slip."""
    published = {TARGET_CLAIM_IDS[k]: float(v) for k, v in asdict(targets).items()}
    values = panel_aggregates(panel)
    wrong = [
        f"{c.claim_id}: {values[c.claim_id]} vs {published[c.claim_id]}"
        for c in CHECKS
        if c.soft_tolerance is None
        and c.status(published[c.claim_id], values[c.claim_id]) != "match"
    ]
    if wrong:
        raise RuntimeError("synthetic panel misses published aggregates: " + "; ".join(wrong))
