"""Statistics behind the finding notebooks: correlation, logit, power, cumulative share.

Pure functions over arrays and frames; nothing here reads files, draws charts
or knows where a panel came from. The detection-rate simulation takes the
panel generator as an argument, so it runs on the calibrated synthetic
generator in a notebook and on a toy generator in the tests.

Results are frozen dataclasses of plain Python numbers; ``to_dict(digits)``
gives a rounded copy for a findings JSON.

Examples
--------
>>> result = spearman_with_ci([1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5])
>>> round(result.rho, 3), result.n
(0.829, 6)
>>> round(min_detectable_abs_r(143, alpha=0.05, power=0.8), 3)
0.233
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

# Strength words for |rho| (Cohen's conventional cut-offs for r). They only
# colour the verdict sentence; the numbers beside them carry the finding.
_STRENGTH_WORDS = ((0.5, "strong"), (0.3, "moderate"), (0.1, "weak"), (0.0, "negligible"))


# exp() of a log-odds beyond this overflows a float; no real effect per point of target is near it.
_MAX_LOG_ODDS = 700.0


class SeparationError(ValueError):
    """The outcome is perfectly predicted by the predictor, so no logit MLE exists."""


class _Rounded:
    """Mixin: ``to_dict(digits)`` rounds every float field for a findings JSON."""

    def to_dict(self, digits: int | None = 4) -> dict:
        """Return the fields as a dict, floats rounded to ``digits`` (None: as is)."""
        out = asdict(self)  # type: ignore[call-overload]
        if digits is None:
            return out
        return {k: round(v, digits) if isinstance(v, float) else v for k, v in out.items()}


@dataclass(frozen=True)
class SpearmanResult(_Rounded):
    """Spearman rank correlation with a ``1 - alpha`` confidence interval."""

    rho: float
    p_value: float
    ci_low: float
    ci_high: float
    n: int
    alpha: float


@dataclass(frozen=True)
class LogitResult(_Rounded):
    """Logistic regression of a 0/1 outcome on one predictor (plus a constant).

    ``coef``, ``std_err`` and ``p_value`` are on the log-odds scale, per one
    unit of the predictor; ``odds_ratio``, ``ci_low`` and ``ci_high`` are the
    same effect as an odds ratio with its ``1 - alpha`` interval.
    """

    coef: float
    std_err: float
    p_value: float
    odds_ratio: float
    ci_low: float
    ci_high: float
    n: int
    n_events: int
    converged: bool
    predictor: str
    outcome: str
    alpha: float


def _paired_arrays(x: Iterable[float], y: Iterable[float]) -> tuple[np.ndarray, np.ndarray]:
    """Return x and y as float arrays, refusing unequal lengths and missing values."""
    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    if xa.ndim != 1 or xa.shape != ya.shape:
        raise ValueError(f"x and y must be 1-d and of equal length, got {xa.shape} and {ya.shape}")
    missing = int((~np.isfinite(xa) | ~np.isfinite(ya)).sum())
    if missing:
        # Silently dropping rows would change n behind the reader's back.
        raise ValueError(
            f"{missing} pair(s) have a missing or infinite value; "
            "drop or impute them before calling"
        )
    return xa, ya


def _fisher_ci(rho: float, n: int, alpha: float) -> tuple[float, float]:
    """Fisher-z interval for Spearman's rho with the Bonett-Wright standard error."""
    if abs(rho) > 1.0 - 1e-12:  # atanh diverges; perfect rank agreement has no spread
        return rho, rho
    se = math.sqrt((1.0 + rho**2 / 2.0) / (n - 3))
    z = math.atanh(rho)
    half = stats.norm.ppf(1.0 - alpha / 2.0) * se
    return math.tanh(z - half), math.tanh(z + half)


def spearman_with_ci(x: Iterable[float], y: Iterable[float], alpha: float = 0.05) -> SpearmanResult:
    """Spearman rank correlation, its p-value and a Fisher-z confidence interval.

    Parameters
    ----------
    x, y : array-like of float
        Paired observations, no missing values.
    alpha : float
        The interval is ``1 - alpha`` (0.05 gives 95%).

    Returns
    -------
    SpearmanResult
        ``rho`` and ``p_value`` from :func:`scipy.stats.spearmanr` (t
        approximation, two-sided); ``ci_low``/``ci_high`` from Fisher's z with
        the Bonett-Wright standard error ``sqrt((1 + rho**2 / 2) / (n - 3))``
        (docs/decisions/0013).

    Raises
    ------
    ValueError
        Unequal lengths, missing values, fewer than 4 pairs, or a constant series.

    Examples
    --------
    >>> r = spearman_with_ci([1, 2, 3, 4, 5, 6, 7, 8], [1, 3, 2, 5, 4, 7, 6, 8])
    >>> round(r.rho, 3), round(r.ci_low, 3), round(r.ci_high, 3)
    (0.929, 0.537, 0.991)
    """
    xa, ya = _paired_arrays(x, y)
    n = xa.size
    if n < 4:
        raise ValueError(f"need at least 4 pairs for a confidence interval, got {n}")
    for name, arr in (("x", xa), ("y", ya)):
        if np.all(arr == arr[0]):
            raise ValueError(f"{name} is constant, so its rank correlation is undefined")
    res = stats.spearmanr(xa, ya)
    rho = float(res.statistic)
    low, high = _fisher_ci(rho, n, alpha)
    return SpearmanResult(rho, float(res.pvalue), low, high, n, alpha)


def logit_shortfall_on_target(
    frame: pd.DataFrame,
    outcome: str = "forecasts_shortfall",
    predictor: str = "plan_pct_of_allocation",
    alpha: float = 0.05,
) -> LogitResult:
    """Logistic regression of a yes/no outcome on one predictor, with a constant.

    Parameters
    ----------
    frame : DataFrame
        One row per CCG.
    outcome : str
        Column of booleans or 0/1: does the CCG forecast any year-end shortfall.
    predictor : str
        Column of numbers: QIPP plan as % of resource allocation.
    alpha : float
        The odds-ratio interval is ``1 - alpha``.

    Returns
    -------
    LogitResult
        ``converged`` is False when the optimiser stopped without converging;
        treat the estimates as unreliable then.

    Raises
    ------
    KeyError
        A named column is missing.
    ValueError
        Missing values, an outcome that is not 0/1, or only one outcome class.
    SeparationError
        The predictor splits the outcomes perfectly (complete or quasi-complete
        separation): the odds ratio is infinite and no estimate exists.
    """
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    for column in (outcome, predictor):
        if column not in frame.columns:
            raise KeyError(
                f"column {column!r} not in frame (columns: {', '.join(map(str, frame.columns))})"
            )
    xa, ya = _paired_arrays(frame[predictor], frame[outcome].astype(float))
    if not np.isin(ya, (0.0, 1.0)).all():
        raise ValueError(f"outcome {outcome!r} must be true/false or 0/1")
    n_events = int(ya.sum())
    if n_events in (0, ya.size):
        raise ValueError(f"outcome {outcome!r} has one class only ({n_events} of {ya.size} true)")
    if xa.max() == xa.min():
        raise ValueError(f"predictor {predictor!r} is constant")
    x_no, x_yes = xa[ya == 0], xa[ya == 1]
    if x_no.max() <= x_yes.min() or x_yes.max() <= x_no.min():
        raise SeparationError(
            f"{predictor!r} separates {outcome!r} perfectly: every CCG on one side of a "
            "threshold has the same outcome, so the odds ratio is infinite"
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = sm.Logit(ya, sm.add_constant(xa)).fit(disp=0)
    if any(issubclass(w.category, PerfectSeparationWarning) for w in caught):
        raise SeparationError(
            f"statsmodels reports perfect separation of {outcome!r} by {predictor!r}"
        )
    converged = bool(fit.mle_retvals.get("converged", False)) and not any(
        issubclass(w.category, ConvergenceWarning) for w in caught
    )
    coef = float(fit.params[1])
    low, high = (float(v) for v in fit.conf_int(alpha=alpha)[1])
    # A predictor that barely varies, or nearly separates the outcome, drives the
    # estimate towards infinity without statsmodels flagging it: refuse, not overflow.
    if not all(
        math.isfinite(v) and abs(v) < _MAX_LOG_ODDS for v in (coef, low, high, float(fit.bse[1]))
    ):
        raise SeparationError(
            f"the estimated effect of {predictor!r} on {outcome!r} is not finite (log-odds "
            f"{coef:.3g}): the predictor barely varies or nearly separates the outcome"
        )
    return LogitResult(
        coef=coef,
        std_err=float(fit.bse[1]),
        p_value=float(fit.pvalues[1]),
        odds_ratio=math.exp(coef),
        ci_low=math.exp(low),
        ci_high=math.exp(high),
        n=int(ya.size),
        n_events=n_events,
        converged=converged,
        predictor=predictor,
        outcome=outcome,
        alpha=alpha,
    )


def power_for_r(r: float, n: int, alpha: float = 0.05, spearman: bool = True) -> float:
    """Power of a two-sided test of zero correlation when the true value is ``r``.

    Fisher z approximation: under the null ``atanh(r_hat)`` has standard
    error ``1 / sqrt(n - 3)``; under the alternative its mean is ``atanh(r)``
    and, for Spearman (the default), its standard error is the Bonett-Wright
    ``sqrt((1 + r**2 / 2) / (n - 3))`` used for the confidence interval.
    ``spearman=False`` gives the textbook Pearson version.

    Parameters
    ----------
    r : float
        True correlation, ``-1 < r < 1``.
    n : int
        Number of pairs, at least 4.
    alpha : float
        Two-sided significance level.
    spearman : bool
        Use the Bonett-Wright variance for Spearman's rho.

    Returns
    -------
    float
        Probability of p < alpha.

    Examples
    --------
    >>> round(power_for_r(0.0, 143), 3)
    0.05
    >>> round(power_for_r(0.3, 143), 3)
    0.952
    """
    if n < 4:
        raise ValueError(f"need n >= 4, got {n}")
    if not -1.0 < r < 1.0:
        raise ValueError(f"r must lie strictly between -1 and 1, got {r}")
    z_crit = stats.norm.ppf(1.0 - alpha / 2.0) / math.sqrt(n - 3)
    se_alt = math.sqrt(((1.0 + r**2 / 2.0) if spearman else 1.0) / (n - 3))
    z = math.atanh(r)
    return float(stats.norm.sf((z_crit - z) / se_alt) + stats.norm.cdf((-z_crit - z) / se_alt))


def min_detectable_abs_r(
    n: int, alpha: float = 0.05, power: float = 0.8, spearman: bool = True
) -> float:
    """Smallest |r| that ``n`` pairs detect with the given power (two-sided test).

    Solves :func:`power_for_r` for r. With ``spearman=False`` this matches the
    closed form ``tanh((z_{1-alpha/2} + z_{power}) / sqrt(n - 3))``, which
    ignores the (negligible) chance of rejecting in the wrong tail.

    Examples
    --------
    >>> round(min_detectable_abs_r(143), 3)
    0.233
    >>> round(min_detectable_abs_r(143, spearman=False), 4)
    0.2324
    """
    if not alpha < power < 1.0:
        raise ValueError(f"power must lie between alpha ({alpha}) and 1, got {power}")
    return float(
        optimize.brentq(
            lambda r: power_for_r(r, n, alpha, spearman) - power, 0.0, 1.0 - 1e-12, xtol=1e-10
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


def _wilson(k: np.ndarray, n: int, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for k successes out of n."""
    z = stats.norm.ppf(1.0 - alpha / 2.0)
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def simulation_seeds(seed: int, n_sims: int) -> list[int]:
    """Per-draw seeds spawned from ``np.random.SeedSequence(seed)``.

    Examples
    --------
    >>> simulation_seeds(1, 3) == simulation_seeds(1, 5)[:3]
    True
    """
    return [int(child.generate_state(1)[0]) for child in np.random.SeedSequence(seed).spawn(n_sims)]


def detection_rate_by_rho(
    draw_panel: Callable[[int, float], pd.DataFrame],
    rhos: Sequence[float],
    n_sims: int,
    seed: int,
    alpha: float = 0.05,
    x: str = "plan_pct_of_allocation",
    y: str = "forecast_gap_pct",
) -> pd.DataFrame:
    """How often a Spearman test at ``alpha`` detects each injected correlation.

    Draws ``n_sims`` panels per injected rho, computes Spearman's rho between
    columns ``x`` and ``y`` of each, and counts p < ``alpha`` (two-sided).

    Parameters
    ----------
    draw_panel : callable (seed: int, rho: float) -> DataFrame
        Panel generator; its frame must hold columns ``x`` and ``y``.
    rhos : sequence of float
        Injected correlations, in the generator's own terms.
    n_sims : int
        Panels per rho.
    seed : int
        Root seed. Draw k uses the k-th seed of :func:`simulation_seeds` at
        every rho (common random numbers), so each rho's row depends only on
        ``(seed, rho, n_sims)``, not on the other rhos or their order.
    alpha : float
        Significance level of the test, and of the Wilson interval on the rate.
    x, y : str
        Column names.

    Returns
    -------
    DataFrame
        One row per rho: ``rho_injected``, ``n_sims``, ``alpha``, ``n_ccgs`` (mean panel
        size), ``n_detected``, ``detection_rate``, ``rate_ci_low``,
        ``rate_ci_high`` (Wilson), ``mean_realised_rho`` (over the panels where rho is
        defined; NaN when it is defined in none), ``n_undefined`` (panels with a constant
        ``x`` or ``y``, counted as not detected).

    Raises
    ------
    KeyError
        A panel lacks column ``x`` or ``y``.
    ValueError
        n_sims < 1, or a panel with missing values.
    """
    if n_sims < 1:
        raise ValueError(f"n_sims must be at least 1, got {n_sims}")
    seeds = simulation_seeds(seed, n_sims)
    rows = []
    for rho_injected in rhos:
        xs, ys = [], []
        for draw_seed in seeds:
            panel = draw_panel(draw_seed, float(rho_injected))
            for column in (x, y):
                if column not in panel.columns:
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
            rho_hat, p = _spearman_rows(np.vstack(xs), np.vstack(ys))
        else:  # panels of differing size cannot be stacked; test them one by one
            pairs = [_spearman_rows(a[None, :], b[None, :]) for a, b in zip(xs, ys, strict=True)]
            rho_hat = np.concatenate([r for r, _ in pairs])
            p = np.concatenate([q for _, q in pairs])
        # A small panel can draw a constant x or y, where rho is undefined: the test
        # cannot reject there, so it counts as not detected (and is counted apart).
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


def _format_p(p: float, alpha: float) -> str:
    """Format a p-value so that its printed value never contradicts ``p < alpha``."""
    if p < 0.001:
        return "p < 0.001"
    text = f"{p:.3f}"
    if (p < alpha) != (float(text) < alpha):
        text = f"{p:.4g}"
    return f"p = {text}"


def _format_r(value: float) -> str:
    """Two decimals, never '-0.00'."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def correlation_verdict(result: SpearmanResult, alpha: float | None = None) -> str:
    """One sentence on whether a rank correlation was detected, from the numbers.

    Parameters
    ----------
    result : SpearmanResult
        From :func:`spearman_with_ci`; its interval level is ``1 - result.alpha``.
    alpha : float, optional
        Significance level of the test; defaults to ``result.alpha``.

    Examples
    --------
    >>> correlation_verdict(SpearmanResult(0.04, 0.62, -0.12, 0.2, 143, 0.05))
    'No rank correlation detected at the 5% level: rho = 0.04 (95% CI -0.12 to 0.20), p = 0.620, n = 143; the interval does not rule out |rho| up to 0.20.'
    >>> correlation_verdict(SpearmanResult(-0.31, 0.0002, -0.45, -0.15, 143, 0.05))
    'A moderate negative rank correlation at the 5% level: rho = -0.31 (95% CI -0.45 to -0.15), p < 0.001, n = 143.'
    """
    alpha = result.alpha if alpha is None else alpha
    level = f"{100 * (1 - result.alpha):g}% CI"
    numbers = (
        f"rho = {_format_r(result.rho)} ({level} {_format_r(result.ci_low)} to "
        f"{_format_r(result.ci_high)}), {_format_p(result.p_value, alpha)}, n = {result.n}"
    )
    at_level = f"at the {100 * alpha:g}% level"
    if result.p_value >= alpha:
        bound = max(abs(result.ci_low), abs(result.ci_high))
        return (
            f"No rank correlation detected {at_level}: {numbers}; "
            f"the interval does not rule out |rho| up to {_format_r(bound)}."
        )
    strength = next(word for cut, word in _STRENGTH_WORDS if abs(result.rho) >= cut)
    sign = "positive" if result.rho > 0 else "negative"
    return f"A {strength} {sign} rank correlation {at_level}: {numbers}."


# The rest of the savings-profile toolkit (year-on-year change, front-loading index,
# linear trend) lives in qipp.analysis.savings_profile; cumulative_share stays here
# because qipp.plotting draws it and plotting sits below the analysis modules.
def _as_series(values: Iterable[float], name: str) -> pd.Series:
    """Return ``values`` as a float Series (keeping a Series' index), non-negative."""
    series = (
        values.astype(float)
        if isinstance(values, pd.Series)
        else pd.Series(list(values), dtype=float)
    )
    if series.empty or series.isna().any():
        raise ValueError(f"{name}: values must be non-empty with no missing entries")
    if (series < 0).any() or series.sum() <= 0:
        raise ValueError(f"{name}: values must be non-negative with a positive total")
    return series


def cumulative_share(values: Iterable[float]) -> pd.Series:
    """Running total as a share (0 to 1) of the grand total.

    Examples
    --------
    >>> cumulative_share([3.8, 3.6, 2.9, 2.6]).round(3).tolist()
    [0.295, 0.574, 0.798, 1.0]
    """
    series = _as_series(values, "cumulative_share")
    return (series.cumsum() / series.sum()).rename("cumulative_share")
