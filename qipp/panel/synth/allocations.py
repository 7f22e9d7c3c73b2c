"""Allocations as registered patients times pounds per head (decision 0030).

Invented CCGs' list sizes are a smoothed bootstrap of the real lists (QOF 2013-14), never
equal to a real one; the £ per head a truncated lognormal about the national mean. NHS
Dorset CCG keeps the allocation its published plan and target imply.

>>> lists = register_lists()
>>> low, high = per_head_bounds_gbp(lists)[1:]
>>> 900 < low < high < 1400
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

from qipp.panel.schema import DORSET_CODE, WEST_ESSEX_CODE
from qipp.panel.synth.targets import (
    PER_HEAD_LOG_SD,
    PER_HEAD_TRUNCATION_SD,
    SECTOR_ALLOCATION_GBP_M,
    PublishedTargets,
    dorset_allocation_gbp_k,
)
from qipp.reference import load_register

DECISION = "docs/decisions/0030-synthetic-allocations-per-head.md"


@dataclass(frozen=True)
class RegisterLists:
    """Every real CCG's list size (sorted), the ``pool`` of those the panel does not name, and the two named."""

    real: np.ndarray
    pool: np.ndarray
    named: dict[str, int]


@lru_cache(maxsize=1)
def register_lists() -> RegisterLists:
    """The project's register's list sizes, read once per process, as read-only arrays."""
    register = load_register()
    sizes = register.set_index("ccg_code")["registered_patients"].astype(np.int64)
    named = {code: int(sizes.loc[code]) for code in (DORSET_CODE, WEST_ESSEX_CODE)}
    real, pool = np.sort(sizes.to_numpy()), np.sort(sizes.drop(list(named)).to_numpy())
    real.flags.writeable = pool.flags.writeable = False
    return RegisterLists(real, pool, named)


def silverman_bandwidth(values: np.ndarray) -> float:
    """Silverman's rule-of-thumb kernel bandwidth: 0.9 min(sd, IQR / 1.349) n^(-1/5).

    >>> round(silverman_bandwidth(np.arange(100.0)), 3)
    10.395
    """
    spread = min(np.std(values, ddof=1), np.subtract(*np.percentile(values, [75, 25])) / 1.349)
    return float(0.9 * spread * len(values) ** -0.2)


def draw_list_sizes(
    rng: np.random.Generator, n: int, pool: np.ndarray, real: np.ndarray
) -> np.ndarray:
    """``n`` invented list sizes: a shrunk, smoothed bootstrap of ``pool`` on the log scale.

    Each is a random member of ``pool`` moved towards the mean log and jittered by a normal
    kernel, scaled to keep the pool's variance (Silverman 1986, 6.4.1), cut to the range of
    ``real`` and moved off any size in ``real``. Two random draws per size, whatever the values.

    >>> pool = np.array([100_000, 150_000, 200_000, 300_000, 400_000])
    >>> sizes = draw_list_sizes(np.random.default_rng(1), 1000, pool, pool)
    >>> bool(sizes.min() >= 100_000 and sizes.max() <= 400_000), bool(np.isin(sizes, pool).any())
    (True, False)
    """
    logs, mean, sd, h, scale = _log_kernel(pool.tobytes(), pool.dtype.str)
    source = logs[rng.integers(0, len(logs), n)]
    u = rng.random(n)
    # The kernel's cut, in its own units: y = mean + (source - mean + h e) / scale.
    edge_lo, edge_hi = (
        ndtr(((np.log(float(b)) - mean) * scale - (source - mean)) / h)
        for b in (real.min(), real.max())
    )
    jitter = ndtri(edge_lo + (edge_hi - edge_lo) * u)
    y = mean + (source - mean + h * jitter) / scale
    sizes = np.clip(np.rint(np.exp(y)), real.min(), real.max()).astype(np.int64)
    return avoid_real_sizes(sizes, real)


@lru_cache(maxsize=8)
def _log_kernel(pool_bytes: bytes, dtype: str) -> tuple[np.ndarray, float, float, float, float]:
    """The pool's logs, their mean and sd, the bandwidth and the variance-keeping scale (cached)."""
    logs = np.log(np.frombuffer(pool_bytes, dtype=dtype).astype(float))
    logs.flags.writeable = False
    mean, sd = logs.mean(), logs.std(ddof=1)
    h = silverman_bandwidth(logs)
    return logs, float(mean), float(sd), h, float(np.sqrt(1.0 + h**2 / sd**2))


def avoid_real_sizes(sizes: np.ndarray, real: np.ndarray) -> np.ndarray:
    """Move each of ``sizes`` equal to one in ``real`` to the nearest that is not, within range.

    Of two equally near, the one towards the median of ``real`` wins. A real CCG's list size
    identifies it, so no invented CCG may carry one.

    >>> avoid_real_sizes(np.array([10, 15, 20]), np.array([10, 11, 12, 20]))
    array([13, 15, 19])
    """
    low, high = int(real.min()), int(real.max())
    taken = set(real.tolist())
    if len(taken) >= high - low + 1:
        raise ValueError(f"every list size from {low} to {high} is a real one")
    out = sizes.copy()
    hits = np.flatnonzero(np.isin(sizes, real))
    if not hits.size:  # the usual case: nothing to move
        return out
    middle = float(np.median(real))
    for i in hits:
        size = int(sizes[i])
        inward = 1 if size < middle else -1
        candidates = (
            size + d * step for d in range(1, high - low + 1) for step in (inward, -inward)
        )
        out[i] = next(c for c in candidates if low <= c <= high and c not in taken)
    return out


def per_head_bounds_gbp(lists: RegisterLists) -> tuple[float, float, float]:
    """The median (sector allocation over the register's patients), lowest and highest £ a head.

    >>> centre, low, high = per_head_bounds_gbp(register_lists())
    >>> round(high / centre, 3), round(low / centre, 3)
    (1.221, 0.819)
    """
    centre = SECTOR_ALLOCATION_GBP_M * 1e6 / float(lists.real.sum())
    spread = PER_HEAD_TRUNCATION_SD * PER_HEAD_LOG_SD
    return centre, centre * float(np.exp(-spread)), centre * float(np.exp(spread))


def draw_per_head_gbp(rng: np.random.Generator, n: int, centre: float) -> np.ndarray:
    """``n`` figures a head (£): lognormal about ``centre``, cut at the stated log-sds.

    >>> per_head = draw_per_head_gbp(np.random.default_rng(1), 1000, 1000.0)
    >>> bool(per_head.min() >= 1000 * np.exp(-0.2) and per_head.max() <= 1000 * np.exp(0.2))
    True
    """
    cut = ndtr(PER_HEAD_TRUNCATION_SD)
    u = (1.0 - cut) + (2.0 * cut - 1.0) * rng.random(n)
    return centre * np.exp(PER_HEAD_LOG_SD * ndtri(u))


def dorset_per_head_gbp(targets: PublishedTargets, lists: RegisterLists) -> float:
    """Dorset's implied allocation (plan / target) per registered patient, £.

    >>> from qipp.panel.synth.targets import published_targets
    >>> round(dorset_per_head_gbp(published_targets(), register_lists()))
    1102
    """
    return dorset_allocation_gbp_k(targets) * 1000 / lists.named[DORSET_CODE]


def check_per_head(targets: PublishedTargets, lists: RegisterLists) -> None:
    """Refuse (ValueError) a ledger or register that puts Dorset's implied figure a head out of bounds."""
    _, low, high = per_head_bounds_gbp(lists)
    implied = dorset_per_head_gbp(targets, lists)
    if not low <= implied <= high:
        raise ValueError(
            f"NHS Dorset CCG's published plan and target imply £{implied:,.0f} per registered "
            f"patient, outside the generator's £{low:,.0f} to £{high:,.0f} "
            "(qipp.panel.synth.targets, decision 0030)"
        )


def draw_allocations_gbp_k(
    rng: np.random.Generator, targets: PublishedTargets, n: int, lists: RegisterLists
) -> np.ndarray:
    """Allocations (whole £k) of Dorset, West Essex, then ``n - 2`` invented CCGs, in that order.

    >>> from qipp.panel.synth.targets import published_targets
    >>> alloc = draw_allocations_gbp_k(np.random.default_rng(1), published_targets(), 5, register_lists())
    >>> len(alloc), int(alloc[0])
    (5, 857143)
    """
    centre = per_head_bounds_gbp(lists)[0]
    sizes = np.concatenate(
        [[lists.named[WEST_ESSEX_CODE]], draw_list_sizes(rng, n - 2, lists.pool, lists.real)]
    )
    per_head = draw_per_head_gbp(rng, n - 1, centre)
    drawn = np.rint(sizes * per_head / 1000.0).astype(np.int64)
    return np.concatenate([[dorset_allocation_gbp_k(targets)], drawn])


def allocation_assumptions(targets: PublishedTargets, lists: RegisterLists) -> dict[str, Any]:
    """What the sidecar records about allocations: the rule and the figures it uses.

    >>> from qipp.panel.synth.targets import published_targets
    >>> record = allocation_assumptions(published_targets(), register_lists())
    >>> record["per_head_gbp_median"], record["register_ccgs"]
    (1136.3, 211)
    """
    centre, low, high = per_head_bounds_gbp(lists)
    return {
        "rule": (
            "allocation = registered patients x GBP per head, in GBP thousands; "
            "invented CCGs' list sizes are a smoothed bootstrap of the real lists of the "
            "CCGs the panel does not name (QOF 2013-14), within their range and never "
            "equal to a real one; per head is lognormal, its median the assumed sector total over "
            f"the register's patients, cut at {PER_HEAD_TRUNCATION_SD:g} log-sd"
        ),
        "assumed_sector_allocation_gbp_m": SECTOR_ALLOCATION_GBP_M,
        "register_ccgs": len(lists.real),
        "register_patients": int(lists.real.sum()),
        "per_head_gbp_median": round(centre, 1),
        "per_head_log_sd": PER_HEAD_LOG_SD,
        "per_head_gbp_range": [round(low, 1), round(high, 1)],
        "list_size_bandwidth_log": round(silverman_bandwidth(np.log(lists.pool.astype(float))), 4),
        DORSET_CODE: (
            "published plan / published target; "
            f"GBP {dorset_per_head_gbp(targets, lists):,.1f} per registered patient"
        ),
        WEST_ESSEX_CODE: "its registered patients x a drawn GBP per head; plan = published target x that",
        "decision": DECISION,
    }
