"""Edge-case CCG panels: valid panels of awkward shapes, drawn in code from a seed.

Each shape is a panel that :func:`qipp.panel.load_panel` accepts but that pushes
a notebook to a corner: no CCG forecasting a gap, every target equal, three
CCGs, zero plans, and so on. They are test fixtures, not data: every figure is
invented. By default rows are ``reported``: real CCGs of the register of April 2013
(:func:`qipp.reference.load_register`) under their own codes, names and regions, so
the notebooks take their reported-data path and the loader's register checks pass;
``status="synthetic"`` gives S-codes and "Synthetic CCG NNN" names instead.

The shapes (:data:`EDGE_SHAPES`), 30 CCGs with mixed outcomes unless named otherwise:

- outcomes: ``all_forecast_gap``, ``none_forecast_gap`` (forecast == plan),
  ``all_ahead`` (forecast and Q1 both ahead), ``all_on_plan_q1``, ``perfect_separation``
  (every CCG forecasting a gap has a larger target than every CCG that does not);
- plans: ``zero_q1_plans``, ``some_zero_plans`` (three CCGs plan nothing at all),
  ``equal_targets``, ``heavy_ties`` (40 CCGs, 3 target values, 4 gap values);
- size and spread: ``single_region``, ``one_ccg``, ``three_ccgs``, ``twelve_ccgs``,
  ``fifty_six_ccgs``, ``full_211`` (the April 2013 regional counts);
- flags and labels: ``no_nr_fund``, ``all_nr_fund``, ``real_codes_reported`` (24 CCGs with
  11J and 07H under their own names and published targets, and register CCGs whose
  names, as a return writes them, use every punctuation mark in :data:`AWKWARD_MARKS`, and
  one CCG whose year-end forecast is below its Q1 delivery, a warning on load),
  ``synthetic_small`` (12 synthetic CCGs).

Money is drawn in whole £ thousands and stored as £m to three decimals, so a
CSV or .xlsx round trip gives back the same floats. Shapes that promise equal
or tied measures (``equal_targets``, ``heavy_ties``) keep only draws whose
derived percentages come out exactly equal in floating point, because the
analysis tests constancy with ``==``.

Examples
--------
>>> panel = edge_panel("three_ccgs")
>>> len(panel), panel["data_status"].unique().tolist()
(3, ['reported'])
>>> edge_panel("twelve_ccgs", status="synthetic")["ccg_code"].tolist()[:2]
['S001', 'S002']
>>> sorted(EDGE_SHAPES) == sorted(set(EDGE_SHAPES))
True
"""

from __future__ import annotations

import functools
import math
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from qipp.panel.io import validate_panel_frame, write_panel_csv
from qipp.panel.schema import (
    NAMED_CCGS,
    PANEL_COLUMNS,
    REGION_CCG_COUNTS_APRIL_2013,
    REGIONS,
    STATUS_REPORTED,
    STATUS_SYNTHETIC,
    SYNTHETIC_NAME_PREFIX,
)
from qipp.reference import load_register

# Shape name -> number of CCGs. The order is the order tests run them in.
SHAPE_SIZES: dict[str, int] = {
    "all_forecast_gap": 30,
    "none_forecast_gap": 30,
    "all_ahead": 30,
    "all_on_plan_q1": 30,
    "zero_q1_plans": 30,
    "some_zero_plans": 30,
    "equal_targets": 30,
    "heavy_ties": 40,
    "perfect_separation": 30,
    "single_region": 30,
    "one_ccg": 1,
    "three_ccgs": 3,
    "twelve_ccgs": 12,
    "fifty_six_ccgs": 56,
    "full_211": 211,
    "no_nr_fund": 30,
    "all_nr_fund": 30,
    "real_codes_reported": 24,
    "synthetic_small": 12,
}
EDGE_SHAPES: tuple[str, ...] = tuple(SHAPE_SIZES)

ALLOCATION_RANGE_GBP_K = (100_000, 900_000)
TARGET_PCT_RANGE = (0.3, 6.5)
# Mixed outcomes: shares of CCGs forecasting a gap / ahead (rest on plan), and
# behind / ahead at Q1 (rest on plan). Counts are fixed, so small panels keep both kinds.
FORECAST_MIX = (0.3, 0.2)
Q1_MIX = (0.4, 0.3)
NR_FUND_RATE = 0.25
# Punctuation the name rule allows that real_codes_reported's names must use between them
# (the register spells one name with a curly apostrophe, written here as a straight one).
AWKWARD_MARKS = ",.'&()-"
_ST = re.compile(r"\bSt ")
# Published targets of the two CCGs the articles name (real_codes_reported keeps them).
NAMED_TARGET_PCT = {"11J": 0.28, "07H": 6.44}


def _counts(n: int, shares: tuple[float, float]) -> tuple[int, int, int]:
    """(first, second, rest) counts for ``n`` CCGs; each kind present when n >= 3."""
    first = max(1, round(shares[0] * n)) if n else 0
    second = min(max(1, round(shares[1] * n)), n - first) if n >= 2 else 0
    return first, second, n - first - second


def _categories(rng: np.random.Generator, n: int, shares: tuple[float, float]) -> np.ndarray:
    """Shuffled labels -1 (short), +1 (ahead), 0 (on plan) in the counts of :func:`_counts`."""
    short, ahead, on = _counts(n, shares)
    return rng.permutation(np.repeat([-1, 1, 0], [short, ahead, on]))


def _move(
    rng: np.random.Generator,
    planned_k: np.ndarray,
    category: np.ndarray,
    short: tuple[float, float],
    ahead: tuple[float, float],
) -> np.ndarray:
    """Delivered £k: below, equal to or above ``planned_k`` by a drawn share of it.

    At least £1k away from plan, so 'short' and 'ahead' survive rounding to £k.
    """
    frac = np.where(
        category < 0, rng.uniform(*short, planned_k.size), rng.uniform(*ahead, planned_k.size)
    )
    step = np.maximum(1, np.rint(frac * planned_k)).astype(np.int64)
    # Money is never negative: a "short" move on a zero plan stays at 0.
    return np.clip(planned_k + category * step, 0, None)


@functools.cache
def _register() -> pd.DataFrame:
    return load_register()


def written_name(register_name: str) -> str:
    """A register name as a return writes it: "CCG" after it, "St." and a straight apostrophe.

    The loader's register check takes both spellings as the same CCG's (names_match).

    >>> written_name("NHS St Helens")
    'NHS St. Helens CCG'
    """
    return _ST.sub("St. ", register_name).replace("\u2019", "'") + " CCG"


@functools.cache
def awkward_codes() -> tuple[str, ...]:
    """Register CCGs whose written names use every mark of :data:`AWKWARD_MARKS` between them.

    For each mark in turn, the first CCG (by code) whose written name holds it, unless a
    CCG already picked does.
    """
    register = _register()
    written = dict(zip(register["ccg_code"], register["ccg_name"].map(written_name), strict=True))
    picked: list[str] = []
    for mark in AWKWARD_MARKS:
        if not any(mark in written[code] for code in picked):
            picked.append(next(code for code, name in written.items() if mark in name))
    return tuple(picked)


def awkward_names() -> list[str]:
    """The written names of :func:`awkward_codes`."""
    names = _register().set_index("ccg_code")["ccg_name"]
    return [written_name(names[code]) for code in awkward_codes()]


def _register_rows(
    rng: np.random.Generator, n: int, shape: str, keep_named: bool
) -> tuple[list[str], list[str], list[str]]:
    """Codes, names and regions of ``n`` register CCGs, sorted by code.

    Regions are drawn as :func:`_regions` draws them, then CCGs of each region
    without replacement; ``keep_named`` adds 11J, 07H and :func:`awkward_codes` first.
    """
    register = _register().set_index("ccg_code")
    fixed = [*NAMED_CCGS, *awkward_codes()] if keep_named else []
    codes = list(fixed)
    drawn_regions = _regions(rng, n - len(fixed), shape)
    for region in REGIONS:
        pool = [c for c in register.index[register["region"] == region] if c not in fixed]
        wanted = int((drawn_regions == region).sum())
        codes += [pool[i] for i in sorted(rng.choice(len(pool), size=wanted, replace=False))]
    codes.sort()
    names = [NAMED_CCGS.get(c) or written_name(register.at[c, "ccg_name"]) for c in codes]
    return codes, names, [register.at[c, "region"] for c in codes]


def _synthetic_rows(
    rng: np.random.Generator, n: int, shape: str, keep_named: bool
) -> tuple[list[str], list[str], list[str]]:
    """S-codes and 'Synthetic CCG NNN' names, after 11J and 07H when ``keep_named``."""
    named = sorted(NAMED_CCGS) if keep_named else []
    codes = named + [f"S{i:03d}" for i in range(1, n - len(named) + 1)]
    names = [NAMED_CCGS.get(c) or f"{SYNTHETIC_NAME_PREFIX} {c[1:]}" for c in codes]
    regions = list(_regions(rng, n, shape))
    # The two named CCGs keep their real region, so the panel stays true where it is real.
    register = _register().set_index("ccg_code")
    regions[: len(named)] = [register.at[c, "region"] for c in named]
    return codes, names, regions


def _regions(rng: np.random.Generator, n: int, shape: str) -> np.ndarray:
    if shape == "single_region":
        return np.array(["London"] * n)
    weights = np.array(list(REGION_CCG_COUNTS_APRIL_2013.values()), dtype=float)
    if n == sum(REGION_CCG_COUNTS_APRIL_2013.values()):
        return rng.permutation(np.repeat(REGIONS, weights.astype(int)))
    return rng.choice(REGIONS, size=n, p=weights / weights.sum())


def _exact_targets(
    rng: np.random.Generator, target_pcts: list[Fraction], gap_pcts: list[Fraction]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Allocation, plan and forecast (£k) whose target and gap % equal the given ones exactly.

    Draws are kept only when ``add_measures``' float arithmetic gives exactly the
    intended value, so equal targets and tied gaps compare equal with ``==``.
    """
    allocation, plan, forecast = [], [], []
    lo, hi = ALLOCATION_RANGE_GBP_K
    for target, gap in zip(target_pcts, gap_pcts, strict=True):
        # The smallest allocation step that makes plan and forecast whole £k.
        step = math.lcm((target / 100).denominator, (target / 100 * (1 - gap / 100)).denominator)
        for _ in range(1000):
            alloc_k = step * int(rng.integers(-(-lo // step), hi // step + 1))
            plan_k = int(alloc_k * target / 100)
            forecast_k = int(plan_k * (1 - gap / 100))
            a, p, f = alloc_k / 1000, plan_k / 1000, forecast_k / 1000
            # The same float operations as add_measures, in the same order.
            if 100.0 * p / a == float(target) and 100.0 * (p - f) / p == float(gap):
                allocation.append(alloc_k)
                plan.append(plan_k)
                forecast.append(forecast_k)
                break
        else:  # pragma: no cover - the ranges above always find a draw
            raise RuntimeError(f"no exact draw for target {target}% and gap {gap}%")
    return np.array(allocation), np.array(plan), np.array(forecast)


def edge_panel(shape: str, seed: int = 0, status: str = STATUS_REPORTED) -> pd.DataFrame:
    """Return the edge panel ``shape``, validated as :func:`qipp.panel.load_panel` would.

    Each (shape, seed, status) is drawn and validated once per process; callers get a
    copy, so a test that changes its panel cannot change another test's.

    Parameters
    ----------
    shape : str
        One of :data:`EDGE_SHAPES`. ``synthetic_small`` is ``twelve_ccgs`` drawn
        with synthetic status whatever ``status`` says.
    seed : int
        Seed of ``np.random.default_rng``: the same seed gives the same panel.
    status : {"reported", "synthetic"}
        Data status of every row; synthetic rows get S-codes and synthetic names.

    Returns
    -------
    pandas.DataFrame
        Columns in schema order, one row per CCG, codes sorted.

    Raises
    ------
    KeyError
        If ``shape`` is not an edge shape.
    """
    return _edge_panel(shape, seed, status).copy()


@functools.cache
def _edge_panel(shape: str, seed: int, status: str) -> pd.DataFrame:
    n = SHAPE_SIZES[shape]
    if shape == "synthetic_small":
        status = STATUS_SYNTHETIC
    rng = np.random.default_rng(seed)
    keep_named = shape == "real_codes_reported"
    rows = _synthetic_rows if status == STATUS_SYNTHETIC else _register_rows
    codes, names, regions = rows(rng, n, shape, keep_named)

    # Forecast category per CCG: -1 short of plan, 0 on plan, +1 ahead.
    forecast_cat = {
        "all_forecast_gap": np.full(n, -1),
        "none_forecast_gap": np.zeros(n, int),
        "all_ahead": np.ones(n, int),
    }.get(shape)
    if forecast_cat is None:
        forecast_cat = _categories(rng, n, FORECAST_MIX)

    if shape in ("equal_targets", "heavy_ties"):
        if shape == "equal_targets":
            targets = [Fraction(5, 2)] * n
            gaps = [Fraction(0)] * n
        else:
            targets = [Fraction(v) for v in rng.choice(["5/4", "5/2", "5"], size=n)]
            gaps = [Fraction(v) for v in rng.choice(["0", "10", "25", "50"], size=n)]
        allocation, plan, forecast = _exact_targets(rng, targets, gaps)
        if shape == "equal_targets":  # gaps free here: only targets must be equal
            forecast = _move(rng, plan, _categories(rng, n, FORECAST_MIX), (0.05, 0.5), (0.01, 0.1))
    else:
        log_lo, log_hi = np.log(ALLOCATION_RANGE_GBP_K)
        allocation = np.rint(np.exp(rng.uniform(log_lo, log_hi, n))).astype(np.int64)
        target_pct = rng.uniform(*TARGET_PCT_RANGE, n)
        if shape == "perfect_separation":
            # Every CCG forecasting a gap has a bigger target than every CCG that is not.
            target_pct = np.sort(target_pct)
            forecast_cat = np.where(
                np.arange(n) >= n - _counts(n, FORECAST_MIX)[0], -1, rng.choice([0, 1], size=n)
            )
        for code, pct in NAMED_TARGET_PCT.items():
            # Only the shape that promises them: other shapes may draw 11J or 07H too.
            if keep_named and code in codes:
                target_pct[codes.index(code)] = pct
        plan = np.rint(allocation * target_pct / 100).astype(np.int64)
        if shape == "some_zero_plans":
            plan[rng.choice(n, size=3, replace=False)] = 0
        forecast = _move(rng, plan, forecast_cat, (0.005, 0.6), (0.005, 0.15))
        forecast[plan == 0] = 0  # nothing planned, nothing forecast

    transformational = np.rint(plan * rng.uniform(0.3, 0.8, n)).astype(np.int64)
    ytd_plan = (
        np.zeros(n, np.int64)
        if shape == "zero_q1_plans"
        else np.rint(plan * rng.uniform(0.18, 0.28, n)).astype(np.int64)
    )
    q1_cat = {"all_on_plan_q1": np.zeros(n, int), "all_ahead": np.ones(n, int)}.get(shape)
    if q1_cat is None:
        q1_cat = _categories(rng, n, Q1_MIX)
    if shape == "zero_q1_plans":
        # Nothing was due by June; some CCGs delivered early all the same.
        ytd_actual = np.where(
            rng.random(n) < 0.4, np.rint(plan * rng.uniform(0.01, 0.1, n)), 0
        ).astype(np.int64)
    else:
        ytd_actual = _move(rng, ytd_plan, q1_cat, (0.02, 0.9), (0.01, 0.3))
        ytd_actual[plan == 0] = 0
    if keep_named:
        # One return forecasting less for the year than it had delivered by June: possible,
        # so it loads, with a warning the reports must pass on to their readers.
        others = np.where(np.isin(codes, list(NAMED_CCGS)), -1, ytd_actual)
        below = int(np.argmax(others))
        forecast[below] = ytd_actual[below] - 1

    nr_fund = {"no_nr_fund": np.zeros(n, bool), "all_nr_fund": np.ones(n, bool)}.get(shape)
    if nr_fund is None:
        nr_fund = rng.random(n) < NR_FUND_RATE
    frame = pd.DataFrame(
        {
            "ccg_code": codes,
            "ccg_name": names,
            "region": regions,
            "allocation_gbp_m": allocation / 1000,
            "qipp_plan_gbp_m": plan / 1000,
            "transformational_plan_gbp_m": transformational / 1000,
            "ytd_plan_gbp_m": ytd_plan / 1000,
            "ytd_actual_gbp_m": ytd_actual / 1000,
            "forecast_outturn_gbp_m": forecast / 1000,
            "uses_non_recurrent_fund": nr_fund,
            "data_status": status,
        }
    )[PANEL_COLUMNS]
    return validate_panel_frame(frame, f"edge panel {shape!r}").reset_index(drop=True)


def write_edge_panel(
    shape: str, path: Path | str, seed: int = 0, status: str = STATUS_REPORTED
) -> Path:
    """Write the edge panel ``shape`` to ``path``: CSV or .xlsx by the suffix.

    Parameters
    ----------
    shape, seed, status
        As for :func:`edge_panel`.
    path : Path or str
        ``.csv`` (written as qipp writes panels) or ``.xlsx`` (one sheet, numbers
        as numbers, ``uses_non_recurrent_fund`` as booleans).

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    panel = edge_panel(shape, seed, status)
    if path.suffix.lower() == ".xlsx":
        panel.to_excel(path, index=False, sheet_name="panel", engine="openpyxl")
    elif path.suffix.lower() == ".csv":
        write_panel_csv(panel, path)
    else:
        raise ValueError(f"write a panel as .csv or .xlsx, not {path.suffix!r}")
    return path
