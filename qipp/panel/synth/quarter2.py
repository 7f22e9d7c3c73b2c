"""A synthetic second quarter (July to September 2013) grown from the synthetic Q1 panel.

Same CCGs, allocations and full-year plans; year-to-date figures carried on to the end of
September; a new forecast. The published Q2 figures describe all 211 CCGs or the whole
sector, so they are used only as ratios (decision 0045).

>>> long = generate_two_quarters(seed=7)
>>> long.groupby("quarter").size().to_dict()
{'2013-14 Q1': 143, '2013-14 Q2': 143}
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from qipp import ledger
from qipp.panel.check import MATCH, QUARTER_CLAIM_IDS, check_panel
from qipp.panel.schema import FORECAST_SPLIT_COLUMN, MONEY_COLUMNS, WRITTEN_COLUMNS
from qipp.panel.synth.draw import DEFAULT_RHO, _normal_scores, generate_panel
from qipp.panel.synth.outcomes import _fit_weighted_mean

# Bump when the second quarter drawn for a given (seed, rho) changes.
Q2_GENERATOR_VERSION = "1.0.0"
QUARTERS = ("2013-14 Q1", "2013-14 Q2")
# The ratios the generator takes from the ledger (decision 0045 says how each is used).
Q2_CLAIM_IDS: dict[str, str] = {
    "ccg_q1_shortfall": "ccg_q1_forecast_gap_gbp_m",
    "ccg_q2_shortfall": "ccg_q2_forecast_shortfall_gbp_m",
    "ccg_increase": "ccg_q2_shortfall_increase_gbp_m",
    "sector_q2_shortfall": "sector_q2_forecast_shortfall_gbp_m",
    "transformational_shortfall": "sector_q2_transformational_shortfall_gbp_m",
}

Q2_NOTE = (
    "Q2 (to the end of September 2013) is grown from Q1 to meet HSJ's Q2 figures as ratios; "
    "the plans do not change between quarters."
)

# --- Assumptions no article publishes (decision 0045). ----------------------------
Q2_PHASE = (0.22, 0.30)  # share of the full-year plan planned for July to September
# The quarter's own net slippage: the region's Q1 year-to-date shortfall % plus this.
Q2_SLIPPAGE_CHANGE = {"North of England": -6.0}
Q2_SLIPPAGE_CHANGE_ELSEWHERE = 6.0
Q2_SLIP_SHARE = 0.5  # CCGs short in the quarter, by a latent score, in each region
Q2_SLIP_BAND = (0.5, 90.0)  # their shortfall, % of the quarter's plan
Q2_AHEAD = (0.5, 15.0, 30.0)  # the others: share ahead, how far (drawn, at most), %
PERSISTENCE = 0.6  # correlation of latent scores: Q1 slippage -> Q2 slippage -> forecast cut
WORSEN_SHARE = 0.4  # CCGs whose forecast falls (the rest hold or recover part of the gap)
WORSEN_STEP = (1.2, 4.0, 0.5)  # beta(a, b) x this share of the plan: the drawn cut
RECOVER = (0.5, 1.0)  # share of the Q1 gap the others keep
GAP_CAP = 0.7  # no gap over 70% of the plan, and no forecast below the savings delivered


def published_ratios(values: dict[str, float] | None = None) -> dict[str, float]:
    """The CCG shortfall's Q2/Q1 ratio and the transformational share of the Q2 shortfall.

    >>> {k: round(v, 4) for k, v in published_ratios().items()}
    {'ccg_shortfall_growth': 2.4741, 'transformational_share': 0.6894}
    """
    values = ledger.claim_values() if values is None else values
    v = {k: float(values[c]) for k, c in Q2_CLAIM_IDS.items()}
    if not v["ccg_q2_shortfall"] - v["ccg_q1_shortfall"] > v["ccg_increase"]:
        raise ValueError("the ledger's CCG shortfalls at Q1 and Q2 contradict its increase")
    return {
        "ccg_shortfall_growth": v["ccg_q2_shortfall"] / v["ccg_q1_shortfall"],
        "transformational_share": v["transformational_shortfall"] / v["sector_q2_shortfall"],
    }


def _k(frame: pd.DataFrame, column: str) -> np.ndarray:
    return np.rint(frame[column].to_numpy(float) * 1000).astype(np.int64)


def _follows(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A latent score correlated :data:`PERSISTENCE` with the ranks of ``values``."""
    noise = rng.standard_normal(len(values))
    return PERSISTENCE * _normal_scores(values) + np.sqrt(1 - PERSISTENCE**2) * noise


def transformational_forecast_k(
    plan: np.ndarray, tplan: np.ndarray, forecast: np.ndarray, share: float | None = None
) -> np.ndarray:
    """Transformational forecasts (£k): a CCG's gap split so ``share`` of the total falls on them.

    Without ``share`` each part is forecast at the CCG's overall rate (the gap split in
    proportion to the plan). Each part's gap stays within its own plan.

    >>> plan, tplan = np.array([100, 100, 100]), np.array([50, 50, 50])
    >>> transformational_forecast_k(plan, tplan, np.array([80, 120, 60])).tolist()
    [40, 60, 30]
    >>> transformational_forecast_k(plan, tplan, np.array([80, 120, 60]), 0.8).tolist()
    [34, 60, 18]
    """
    proportional = np.rint(tplan * forecast / np.maximum(plan, 1)).astype(np.int64)
    gap = np.clip(plan - forecast, 0, None)
    short = np.flatnonzero(gap > 0)
    if share is None or not short.size:
        return proportional
    g, t = gap[short].astype(float), tplan[short].astype(float)
    low, high = np.clip(1 - (plan[short] - t) / g, 0, 1), np.minimum(1.0, t / g)
    fitted = _fit_weighted_mean(g, low, np.clip(t / plan[short], low, high), high, share)
    out = proportional.copy()
    out[short] = tplan[short] - np.rint(g * fitted).astype(np.int64)
    return out


def _second_quarter(q1: pd.DataFrame, seed: int) -> dict[str, np.ndarray]:
    """Q2's year-to-date figures and forecasts (£k) from Q1's, and both quarters' split."""
    rng = np.random.default_rng([seed, 2])  # a stream of its own: Q1's draws stay as they were
    ratios = published_ratios()
    plan, tplan, yp1, ya1, f1 = (_k(q1, c) for c in MONEY_COLUMNS[1:])
    n = len(q1)
    quarter_plan = np.minimum(
        np.rint(plan * rng.uniform(*Q2_PHASE, n)).astype(np.int64), plan - yp1
    )

    # Slippage in the quarter: half of each region's CCGs fall short (those behind at Q1 more
    # often), the rest deliver or beat the quarter's plan; the region's net shortfall is its
    # Q1 year-to-date shortfall moved a set step.
    q1_short = np.clip(yp1 - ya1, 0, None) / np.maximum(yp1, 1)
    latent = _follows(q1_short, rng)
    slippers = np.zeros(n, dtype=bool)
    drawn_slip = Q2_SLIP_BAND[0] + (Q2_SLIP_BAND[1] - Q2_SLIP_BAND[0]) * rng.beta(1.3, 3.0, n)
    ahead = np.where(rng.random(n) < Q2_AHEAD[0], -rng.uniform(0, Q2_AHEAD[1], n), 0.0)
    slip = np.empty(n)
    for region, rows in q1.groupby("region").indices.items():
        region_pct = 100 * (yp1[rows].sum() - ya1[rows].sum()) / yp1[rows].sum()
        change = Q2_SLIPPAGE_CHANGE.get(str(region), Q2_SLIPPAGE_CHANGE_ELSEWHERE)
        behind = rows[np.argsort(-latent[rows], kind="stable")[: round(Q2_SLIP_SHARE * len(rows))]]
        slippers[behind] = True
        s = slippers[rows]
        low = np.where(s, Q2_SLIP_BAND[0], -Q2_AHEAD[2])
        base, high = np.where(s, drawn_slip[rows], ahead[rows]), np.where(s, Q2_SLIP_BAND[1], 0.0)
        # Every CCG moved the same fraction within its band: the region's mean is exact.
        slip[rows] = _fit_weighted_mean(
            quarter_plan[rows].astype(float), low, base, high, region_pct + change
        )
    ya2 = ya1 + np.rint(quarter_plan * (1 - slip / 100)).astype(np.int64)

    # Forecasts: those slipping most in the quarter tend to cut theirs; the total gap grows
    # by the published CCG ratio, to the £k.
    gap1 = np.clip(plan - f1, 0, None)
    score = _follows(slip, rng)
    worse = np.zeros(n, dtype=bool)
    worse[np.argsort(-score, kind="stable")[: round(WORSEN_SHARE * n)]] = True
    step = plan * WORSEN_STEP[2] * rng.beta(*WORSEN_STEP[:2], n)
    cap = np.minimum(np.floor(GAP_CAP * plan), plan - ya2)
    gap2 = np.where(gap1 > 0, np.minimum(np.rint(gap1 * rng.uniform(*RECOVER, n)), cap), 0)
    target = round(gap1.sum() * ratios["ccg_shortfall_growth"])
    low = np.minimum(gap1, cap)[worse].astype(float)
    base = np.clip(gap1[worse] + step[worse], low, cap[worse])
    wanted = (target - gap2[~worse].sum()) / worse.sum()
    gap2[worse] = np.rint(_fit_weighted_mean(np.ones(worse.sum()), low, base, cap[worse], wanted))
    roomiest = np.flatnonzero(worse)[np.argmax((cap - gap2)[worse])]
    gap2[roomiest] += target - gap2.sum()  # the rounding's few £k, where there is room
    f2 = np.where(worse | (gap1 > 0), plan - gap2, f1).astype(np.int64)
    return {
        "ytd_plan_gbp_k": yp1 + quarter_plan,
        "ytd_actual_gbp_k": ya2,
        "forecast_outturn_gbp_k": f2,
        "tf1": transformational_forecast_k(plan, tplan, f1),
        "tf2": transformational_forecast_k(plan, tplan, f2, ratios["transformational_share"]),
    }


def generate_two_quarters(seed: int, rho: float = DEFAULT_RHO) -> pd.DataFrame:
    """Q1 as :func:`generate_panel` draws it (Q2 from the seed sequence ``[seed, 2]``), in long form.

    One row per CCG and quarter: ``quarter``, the panel's columns, then
    ``transformational_forecast_gbp_m``. RuntimeError should a Q2 aggregate slip (decision 0045).
    """
    q1 = generate_panel(seed, rho)
    drawn = _second_quarter(q1, seed)
    q2 = q1.assign(**{c.removesuffix("_k") + "_m": drawn[c] / 1000.0 for c in drawn if "_gbp" in c})
    frames = [
        frame.assign(**{FORECAST_SPLIT_COLUMN: drawn[key] / 1000.0}).assign(quarter=label)
        for frame, key, label in zip((q1, q2), ("tf1", "tf2"), QUARTERS, strict=True)
    ]
    long = pd.concat(frames, ignore_index=True)[WRITTEN_COLUMNS]
    table = check_panel(long)
    slipped = table[table["claim_id"].isin(QUARTER_CLAIM_IDS)]
    if (slipped["status"] != MATCH).any():
        raise RuntimeError(f"synthetic Q2 misses published aggregates:\n{slipped.to_string()}")
    return long


def two_quarter_assumptions() -> dict[str, Any]:
    """What the sidecar records about Q2: the ratios used, the claims, the assumptions."""
    return {
        "generator_version": Q2_GENERATOR_VERSION,
        "quarters": list(QUARTERS),
        "claim_ids": dict(Q2_CLAIM_IDS),
        "checked_claim_ids": list(QUARTER_CLAIM_IDS),
        "ratios": {k: round(v, 6) for k, v in published_ratios().items()},
        "q2_phase_of_plan": list(Q2_PHASE),
        "q2_slippage_change_pp": Q2_SLIPPAGE_CHANGE | {"elsewhere": Q2_SLIPPAGE_CHANGE_ELSEWHERE},
        "q2_slip_share": Q2_SLIP_SHARE,
        "worsen_share": WORSEN_SHARE,
        "decision": "docs/decisions/0045-synthetic-second-quarter.md",
    }
