"""Power of a test of zero correlation: analytic (Fisher z) and by simulating panels.

>>> round(min_detectable_abs_r(143, alpha=0.05, power=0.8), 3)
0.233
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import optimize, stats

from qipp.stats._common import _paired_arrays
from qipp.stats.correlation import _KENDALL_Z_VARIANCE


def power_for_r(
    r: float, n: int, alpha: float = 0.05, spearman: bool = True, kendall: bool = False
) -> float:
    """Power of a two-sided test of zero correlation when the true value is ``r`` (Fisher z).

    The alternative's standard error is Bonett-Wright's for Spearman (the default),
    ``1 / sqrt(n - 3)`` for Pearson (``spearman=False``), ``sqrt(0.437 / (n - 4))`` for
    Kendall's tau (``kendall=True``, ``r`` then being tau).

    >>> round(power_for_r(0.0, 143), 3), round(power_for_r(0.3, 143), 3)
    (0.05, 0.952)

    Parameters
    ----------
    r : float
        The true correlation.
    n : int
        Pairs.
    alpha : float
        The test's level.
    spearman, kendall : bool
        The standard error used, as above.

    Returns
    -------
    float
        The power, 0 to 1.
    """
    if n < (5 if kendall else 4):
        raise ValueError(f"need n >= {5 if kendall else 4}, got {n}")
    if not -1.0 < r < 1.0:
        raise ValueError(f"r must lie strictly between -1 and 1, got {r}")
    z_crit = stats.norm.ppf(1.0 - alpha / 2.0) / math.sqrt(n - 3)
    se_alt = math.sqrt(((1.0 + r**2 / 2.0) if spearman else 1.0) / (n - 3))
    if kendall:  # r is Kendall's tau: one variance under the null and the alternative
        se_alt = math.sqrt(_KENDALL_Z_VARIANCE / (n - 4))
        z_crit = stats.norm.ppf(1.0 - alpha / 2.0) * se_alt
    z = math.atanh(r)
    return float(stats.norm.sf((z_crit - z) / se_alt) + stats.norm.cdf((-z_crit - z) / se_alt))


def min_detectable_abs_r(
    n: int, alpha: float = 0.05, power: float = 0.8, spearman: bool = True, kendall: bool = False
) -> float:
    """Smallest ``|r|`` that ``n`` pairs detect with the given power: :func:`power_for_r` solved for r.

    Parameters
    ----------
    n : int
        Pairs.
    alpha, power : float
        The test's level and the power wanted.
    spearman, kendall : bool
        The standard error used, as :func:`power_for_r`.

    Returns
    -------
    float
        The smallest ``|r|``.
    """
    if not alpha < power < 1.0:
        raise ValueError(f"power must lie between alpha ({alpha}) and 1, got {power}")
    return float(
        optimize.brentq(
            lambda r: power_for_r(r, n, alpha, spearman, kendall) - power,
            0.0,
            1.0 - 1e-12,
            xtol=1e-10,
        )
    )


def _spearman_rows(x2d: np.ndarray, y2d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise Spearman rho and two-sided p (scipy's t approximation), vectorised."""
    rx = stats.rankdata(x2d, axis=1)
    ry = stats.rankdata(y2d, axis=1)
    rx -= rx.mean(axis=1, keepdims=True)
    ry -= ry.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (rx * ry).sum(axis=1) / np.sqrt((rx**2).sum(axis=1) * (ry**2).sum(axis=1))
        rho = np.clip(rho, -1.0, 1.0)
        df = x2d.shape[1] - 2
        t = rho * np.sqrt(df / ((1.0 - rho) * (1.0 + rho)))
    p = 2.0 * stats.t.sf(np.abs(t), df)
    return rho, p


def _kendall_rows(x2d: np.ndarray, y2d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row by row Kendall tau-b and two-sided p (scipy)."""
    results = [stats.kendalltau(a, b) for a, b in zip(x2d, y2d, strict=True)]
    return (
        np.array([r.statistic for r in results], dtype=float),
        np.array([r.pvalue for r in results], dtype=float),
    )


def _wilson(k: np.ndarray, n: int, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for k successes out of n."""
    z = stats.norm.ppf(1.0 - alpha / 2.0)
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def simulation_seeds(seed: int, n_sims: int) -> list[int]:
    """Per-draw seeds spawned from ``np.random.SeedSequence(seed)``: the first k never change.

    Parameters
    ----------
    seed : int
        The seed of the seeds.
    n_sims : int
        How many.

    Returns
    -------
    list of int
        The seeds.
    """
    return [int(child.generate_state(1)[0]) for child in np.random.SeedSequence(seed).spawn(n_sims)]


def detection_rate_by_rho(
    draw_panel: Callable[[int, float], pd.DataFrame | Mapping[str, np.ndarray]],
    rhos: Sequence[float],
    n_sims: int,
    seed: int,
    alpha: float = 0.05,
    x: str = "plan_pct_of_allocation",
    y: str = "forecast_gap_pct",
    method: str = "spearman",
) -> pd.DataFrame:
    """How often a Spearman (or Kendall) test at ``alpha`` detects each injected correlation.

    ``draw_panel(seed, rho)`` returns a frame (or mapping) holding columns ``x`` and ``y``.
    Draw k uses the k-th seed of :func:`simulation_seeds` at every rho (common random
    numbers), so a rho's row depends only on ``(seed, rho, n_sims)``. One row per rho:
    ``rho_injected``, ``n_sims``, ``alpha``, ``n_ccgs`` (mean panel size), ``n_detected``,
    ``detection_rate`` with its Wilson interval ``rate_ci_low``/``rate_ci_high``,
    ``mean_realised_rho`` (NaN when defined in no panel) and ``n_undefined`` (panels with a
    constant column, counted as not detected).

    Parameters
    ----------
    draw_panel : callable
        ``draw_panel(seed, rho)`` gives a panel.
    rhos : sequence of float
        The injected correlations.
    n_sims, seed : int
        Panels per rho; the seed of their seeds.
    alpha : float
        The test's level.
    x, y : str
        The columns correlated.
    method : str
        ``spearman`` or ``kendall``.

    Returns
    -------
    DataFrame
        One row per rho, as above.
    """
    if n_sims < 1:
        raise ValueError(f"n_sims must be at least 1, got {n_sims}")
    seeds = simulation_seeds(seed, n_sims)
    test_rows = _kendall_rows if method == "kendall" else _spearman_rows
    rows = []
    for rho_injected in rhos:
        xs, ys = [], []
        for draw_seed in seeds:
            panel = draw_panel(draw_seed, float(rho_injected))
            for column in (x, y):
                if column not in panel:
                    raise KeyError(
                        f"panel drawn with seed {draw_seed}, rho {rho_injected} lacks column {column!r}"
                    )
            try:
                xa, ya = _paired_arrays(panel[x], panel[y])
            except ValueError as err:
                raise ValueError(
                    f"panel drawn with seed {draw_seed}, rho {rho_injected}: {err}"
                ) from None
            xs.append(xa)
            ys.append(ya)
        sizes = {a.size for a in xs}
        if len(sizes) == 1:
            rho_hat, p = test_rows(np.vstack(xs), np.vstack(ys))
        else:  # panels of differing size cannot be stacked; test them one by one
            pairs = [test_rows(a[None, :], b[None, :]) for a, b in zip(xs, ys, strict=True)]
            rho_hat = np.concatenate([r for r, _ in pairs])
            p = np.concatenate([q for _, q in pairs])
        undefined = np.isnan(rho_hat)
        detected = int((p[~undefined] < alpha).sum())
        low, high = _wilson(np.array(detected), n_sims, alpha)
        rows.append(
            {
                "rho_injected": float(rho_injected),
                "n_sims": n_sims,
                "alpha": alpha,
                "n_ccgs": float(np.mean([a.size for a in xs])),
                "n_detected": detected,
                "detection_rate": detected / n_sims,
                "rate_ci_low": float(low),
                "rate_ci_high": float(high),
                "mean_realised_rho": float(rho_hat[~undefined].mean())
                if (~undefined).any()
                else math.nan,
                "n_undefined": int(undefined.sum()),
            }
        )
    return pd.DataFrame(rows)
