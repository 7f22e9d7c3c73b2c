"""Outcomes with exact counts per category and an exact plan-weighted mean (decision 0006)."""

from __future__ import annotations

import numpy as np

from qipp.panel.synth.targets import SMALL_GAP


def _sorted_into(order: np.ndarray, draws: np.ndarray, out: np.ndarray) -> None:
    """Give the largest draw to ``order[0]``, the next to ``order[1]``, and so on."""
    out[order] = np.sort(draws)[::-1]


def _fit_weighted_mean(
    weights: np.ndarray, low: np.ndarray, base: np.ndarray, high: np.ndarray, target: float
) -> np.ndarray:
    """Move every value the same fraction towards ``low`` or ``high`` so the weighted mean is ``target``.

    Linear in that fraction, so exact; each value stays in its band and in its place.

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


def draw_outcomes(
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
    """Delivered amounts (£k): by ``latent`` rank, ``n_big`` 20%+ short, ``n_small`` short, the rest not.

    The plan-weighted shortfall is exactly ``target_pct``. With ``flexible_n_small`` (the
    number is not published) ``n_small`` moves one at a time until the target is reachable.
    """
    n = len(planned_k)
    weights = planned_k.astype(float)
    # Drawn up front at full length: the random stream never depends on the category counts.
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
    # Integer bounds per category, whatever the rounding did.
    twenty_pct_short = (4 * planned_k - 1) // 5
    delivered[big] = np.clip(delivered[big], 0, twenty_pct_short[big])
    delivered[small] = np.clip(
        delivered[small], (4 * planned_k[small]) // 5 + 1, planned_k[small] - 1
    )
    delivered[on_track] = np.maximum(delivered[on_track], planned_k[on_track])
    return delivered
