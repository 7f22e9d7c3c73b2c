"""Re-derive published claims from other published claims, and score every claim.

Each :class:`Derivation` recomputes one claim from other ledger values (a total
from its parts, a share from numerator and denominator, a change between
quarters, a fold, the same figure in another source, an extrapolation the
article makes). :func:`scorecard` gives every claim a status:

``reproduced``
    the derived value agrees with the published one under :func:`tolerance`;
``inconsistent``
    it does not; the note says by how much and the likely cause;
``stated``
    no other published figure lets it be recomputed.

Figures the published ones imply but nothing states (an implied denominator, a
remainder) are :data:`CONTEXTS`: shown in a claim's note, never scored.

The tolerance rule (docs/decisions/0003-tolerance-rule.md): a published
figure stands for the band it could have been rounded from (or the inequality
its qualifier states); the derived value is recomputed at every corner of its
inputs' own rounding intervals; the claim is reproduced when that derived
interval meets the published band. Published figures are never adjusted.

Examples
--------
>>> band = tolerance(12.9, 0.1)
>>> (round(band.lo, 2), round(band.hi, 2))
(12.85, 12.95)
>>> gap = DERIVATIONS["nhse_q1_forecast_gap_pct"]
>>> round(gap.central({"nhse_q1_forecast_gap_gbp_m": 48.1, "nhse_q1_plan_gbp_m": 374}), 3)
12.861
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import pandas as pd

from qipp.atomic import atomic_write_text
from qipp.ledger import load_claims
from qipp.validation import DataError, Problem

REPRODUCED, INCONSISTENT, STATED = "reproduced", "inconsistent", "stated"
STATUSES: tuple[str, ...] = (REPRODUCED, INCONSISTENT, STATED)
SCORECARD_COLUMNS: tuple[str, ...] = (
    "id", "source", "quote", "quantity", "value", "unit", "status", "derived_value", "note",
)
M_PER_BN = 1000.0
# "just under X" is read as within 10 per cent below X, and "around X" as within
# 10 per cent either side (or half a step, if wider): decision 0003.
JUST_UNDER_FRACTION = 0.10
AROUND_FRACTION = 0.10
# Derived values are printed to this many significant figures.
SIGNIFICANT_FIGURES = 6
_EPS = 1e-9  # float noise in sums such as 3.8 + 3.6 + 2.9 + 2.6


# --------------------------------------------------------------------------- arithmetic

def share_pct(part: float, whole: float) -> float:
    """Return ``part`` as a percentage of ``whole``.

    >>> round(share_pct(17, 38.3), 2)
    44.39
    """
    return 100.0 * part / whole


def total(*parts: float) -> float:
    """Return the sum of ``parts``.

    >>> round(total(3.8, 3.6, 2.9, 2.6), 1)
    12.9
    """
    return float(sum(parts))


def ratio(numerator: float, denominator: float) -> float:
    """Return ``numerator / denominator`` (a fold or a multiple).

    >>> round(ratio(6.44, 0.28), 2)
    23.0
    """
    return numerator / denominator


def bn_to_m(gbp_bn: float) -> float:
    """Convert £bn to £m.

    >>> bn_to_m(1.6)
    1600.0
    """
    return gbp_bn * M_PER_BN


def pct_of_range(rate_pct: float, low: float, high: float) -> tuple[float, float]:
    """Apply a percentage to both ends of a range; return the derived range.

    >>> tuple(round(x, 2) for x in pct_of_range(24, 15, 20))
    (3.6, 4.8)
    """
    return rate_pct / 100.0 * low, rate_pct / 100.0 * high


# --------------------------------------------------------------------------- tolerance

@dataclass(frozen=True)
class Band:
    """The values a published figure admits: ``lo`` to ``hi``, each end open or closed."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def meets(self, lo: float, hi: float) -> bool:
        """Return True if the closed interval ``[lo, hi]`` shares a value with the band.

        >>> Band(2, math.inf, lo_open=True).meets(1.5, 2.0)
        False
        >>> Band(3.5, 4.5).meets(4.33, 4.62)
        True
        """
        slack_lo = _EPS * max(1.0, abs(self.lo)) if math.isfinite(self.lo) else 0.0
        slack_hi = _EPS * max(1.0, abs(self.hi)) if math.isfinite(self.hi) else 0.0
        above_lo = hi > self.lo + slack_lo if self.lo_open else hi >= self.lo - slack_lo
        below_hi = lo < self.hi - slack_hi if self.hi_open else lo <= self.hi + slack_hi
        return above_lo and below_hi

    def gap(self, x: float) -> float:
        """Signed distance from ``x`` to the band: 0 inside, > 0 above, < 0 below.

        >>> round(Band(28.5, 29.5).gap(26.15), 2)
        -2.35
        """
        if x < self.lo:
            return x - self.lo
        if x > self.hi:
            return x - self.hi
        return 0.0

    def describe(self) -> str:
        """Say the band in words.

        >>> Band(12.85, 12.95).describe()
        '12.85 to 12.95'
        >>> Band(2, math.inf, lo_open=True).describe()
        'more than 2'
        """
        if math.isinf(self.hi):
            return f"{'more than' if self.lo_open else 'at least'} {_num(self.lo)}"
        if math.isinf(self.lo):
            return f"{'less than' if self.hi_open else 'at most'} {_num(self.hi)}"
        upper = f"under {_num(self.hi)}" if self.hi_open else _num(self.hi)
        return f"{_num(self.lo)} to {upper}"


def tolerance(value: float, precision: float, qualifier: str | None = None) -> Band:
    """Return the band of values a published figure admits.

    Parameters
    ----------
    value : float
        The figure as published.
    precision : float
        The step it was stated to (0.1 for "12.9 per cent", 1 for "13").
    qualifier : str, optional
        A hedge from :data:`qipp.ledger.QUALIFIERS`, or None.

    Returns
    -------
    Band
        No qualifier: ``value`` +/- half a step. "around": +/- 10 per cent
        of ``value`` or half a step, whichever is wider.
        "more than"/"less than": the open half-line; "at least"/"up to": the
        closed one. "just under": from 10 per cent below ``value`` up to,
        not including, ``value``.

    Examples
    --------
    >>> tolerance(5, 1, "around").describe()
    '4.5 to 5.5'
    >>> tolerance(20, 1, "around").describe()
    '18 to 22'
    >>> tolerance(50, 1, "just under").describe()
    '45 to under 50'
    >>> tolerance(100, 1, "more than").describe()
    'more than 100'
    """
    if qualifier is None:
        return Band(value - precision / 2, value + precision / 2)
    if qualifier == "around":
        half_width = max(precision / 2, AROUND_FRACTION * abs(value))
        return Band(value - half_width, value + half_width)
    if qualifier == "more than":
        return Band(value, math.inf, lo_open=True)
    if qualifier == "at least":
        return Band(value, math.inf)
    if qualifier == "less than":
        return Band(-math.inf, value, hi_open=True)
    if qualifier == "up to":
        return Band(-math.inf, value)
    if qualifier == "just under":
        return Band(value - JUST_UNDER_FRACTION * abs(value), value, hi_open=True)
    raise ValueError(f"unknown qualifier {qualifier!r}")


def input_interval(value: float, precision: float, unit: str) -> tuple[float, float]:
    """Return the values an input figure could have been rounded from.

    Counts are exact; every other figure is +/- half its stated step.

    >>> input_interval(1.6, 0.1, "GBP_bn")
    (1.55, 1.6500000000000001)
    >>> input_interval(143, 1, "count")
    (143, 143)
    """
    if unit == "count":
        return value, value
    return value - precision / 2, value + precision / 2


# --------------------------------------------------------------------------- derivations

@dataclass(frozen=True)
class Derivation:
    """How one claim is recomputed from others.

    ``func`` takes the input values in the order of ``inputs`` (in their
    ledger units) and returns the derived value, or a ``(low, high)`` range
    when the article's own inputs are a range. Every ``func`` here is a sum,
    difference, product or ratio of positive figures, so monotone in each
    input: its extremes over the inputs' rounding lie at the corners.
    ``formula`` shows the working, with ``{input_id}`` placeholders.
    """

    claim_id: str
    inputs: tuple[str, ...]
    func: Callable[..., float | tuple[float, float]]
    formula: str
    assumption: str = ""
    cause: str = "not identified from the published figures"

    def _range(self, values: Mapping[str, float]) -> tuple[float, float]:
        result = self.func(*(float(values[name]) for name in self.inputs))
        return result if isinstance(result, tuple) else (result, result)

    def central(self, values: Mapping[str, float]) -> float:
        """Return the derived value at the published inputs (a range's midpoint)."""
        low, high = self._range(values)
        return (low + high) / 2

    def interval(self, intervals: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
        """Return the derived range over every corner of the inputs' intervals."""
        results = [
            self._range(dict(zip(self.inputs, corner)))
            for corner in itertools.product(*(intervals[name] for name in self.inputs))
        ]
        return min(r[0] for r in results), max(r[1] for r in results)

    def working(self, values: Mapping[str, float]) -> str:
        """Return the formula with the published inputs filled in, and its result."""
        shown = self.formula.format(**{name: _num(values[name]) for name in self.inputs})
        low, high = self._range(values)
        if len(self.inputs) == 1 and low == high == values[self.inputs[0]]:
            return shown  # the same figure, in another place
        if low == high:
            return f"{shown} = {_num(low)}"
        return f"{shown} = {_num(low)} to {_num(high)} (midpoint {_num((low + high) / 2)})"


def _d(claim_id: str, inputs: tuple[str, ...], func: Callable, formula: str,
       assumption: str = "", cause: str = Derivation.cause) -> Derivation:
    return Derivation(claim_id, inputs, func, formula, assumption, cause)


_REGISTRY: tuple[Derivation, ...] = (
    # HSJ, commissioners' QIPP at Q2 2013-14
    _d("sector_q2_forecast_shortfall_pct",
       ("sector_q2_forecast_shortfall_gbp_m", "ccg_q1_plan_gbp_bn", "nhse_q1_plan_gbp_m"),
       lambda gap, ccg_bn, nhse_m: share_pct(gap, bn_to_m(ccg_bn) + nhse_m),
       "100 x {sector_q2_forecast_shortfall_gbp_m} / ({ccg_q1_plan_gbp_bn} x 1000 + "
       "{nhse_q1_plan_gbp_m})",
       "the sector's plan taken as the CCGs' plus NHS England's plans at Q1 (the Q2 article "
       "gives none); the match needs a CCG plan near the top of what rounds to £1.6bn",
       "the sector's plan at Q2 differs from the Q1 plans"),
    _d("sector_q2_vs_q1_shortfall_ratio",
       ("sector_q2_forecast_shortfall_gbp_m", "ccg_q1_forecast_gap_gbp_m",
        "nhse_q1_forecast_gap_gbp_m"),
       lambda q2, ccg_q1, nhse_q1: ratio(q2, ccg_q1 + nhse_q1),
       "{sector_q2_forecast_shortfall_gbp_m} / ({ccg_q1_forecast_gap_gbp_m} + "
       "{nhse_q1_forecast_gap_gbp_m})",
       "the Q1 sector shortfall is CCGs' plus NHS England's forecast gaps (£119.6m)"),
    _d("ccg_q2_shortfall_increase_gbp_m",
       ("ccg_q2_forecast_shortfall_gbp_m", "ccg_q1_forecast_gap_gbp_m"),
       lambda q2, q1: q2 - q1,
       "{ccg_q2_forecast_shortfall_gbp_m} - {ccg_q1_forecast_gap_gbp_m}",
       "cross-source: the Q1 gap is from NHS England's NISFE report"),
    _d("ccg_q2_n_regions_improved", ("nhse_n_regions", "ccg_q2_n_regions_worsened"),
       lambda regions, worsened: regions - worsened,
       "{nhse_n_regions} - {ccg_q2_n_regions_worsened}",
       "every region is read as having either worsened or improved"),
    _d("sector_q2_transformational_share_of_shortfall_pct",
       ("sector_q2_transformational_shortfall_gbp_m", "sector_q2_forecast_shortfall_gbp_m"),
       share_pct,
       "100 x {sector_q2_transformational_shortfall_gbp_m} / "
       "{sector_q2_forecast_shortfall_gbp_m}",
       "'the bulk' read as more than half"),
    # HSJ, NHS England internal NISFE report, Q1 2013-14
    _d("nhse_q1_forecast_gap_pct", ("nhse_q1_forecast_gap_gbp_m", "nhse_q1_plan_gbp_m"),
       share_pct, "100 x {nhse_q1_forecast_gap_gbp_m} / {nhse_q1_plan_gbp_m}"),
    _d("nhse_q1_forecast_gap_pct_headline",
       ("nhse_q1_forecast_gap_gbp_m", "nhse_q1_plan_gbp_m"),
       share_pct, "100 x {nhse_q1_forecast_gap_gbp_m} / {nhse_q1_plan_gbp_m}",
       "the headline rounds 12.9 per cent to a whole number"),
    _d("ccg_q1_forecast_gap_pct", ("ccg_q1_forecast_gap_gbp_m", "ccg_q1_plan_gbp_bn"),
       lambda gap, plan_bn: share_pct(gap, bn_to_m(plan_bn)),
       "100 x {ccg_q1_forecast_gap_gbp_m} / ({ccg_q1_plan_gbp_bn} x 1000)",
       "it rounds to 4, close to the band's upper edge"),
    # HSJ, "Exclusive: Huge variation emerges in CCGs' efficiency ambition"
    _d("ccg_q1_forecast_delivery_pct", ("ccg_q1_forecast_gap_gbp_m", "ccg_q1_plan_gbp_bn"),
       lambda gap, plan_bn: 100.0 - share_pct(gap, bn_to_m(plan_bn)),
       "100 - 100 x {ccg_q1_forecast_gap_gbp_m} / ({ccg_q1_plan_gbp_bn} x 1000)",
       "cross-source: gap and plan are from NHS England's NISFE report; 100 - 4 = 96 also "
       "agrees"),
    _d("ccg_q1_target_fold_variation",
       ("ccg_q1_west_essex_target_pct", "ccg_q1_dorset_target_pct"),
       ratio, "{ccg_q1_west_essex_target_pct} / {ccg_q1_dorset_target_pct}",
       "largest target (West Essex) over smallest (Dorset)"),
    _d("ccg_nr_fund_pct_of_budget", ("nr_fund_pct_of_budget",), lambda x: x,
       "NHS England's report: {nr_fund_pct_of_budget}",
       "cross-source: NHS England's NISFE report states the same national rule"),
    _d("ccg_q1_share_falling_behind_pct", ("ccg_q1_n_ytd_any_slippage", "ccg_q1_n_ccgs"),
       share_pct, "100 x {ccg_q1_n_ytd_any_slippage} / {ccg_q1_n_ccgs}",
       "'falling behind' read as the CCGs reporting any slippage"),
    # HSJ, DH QIPP tracker, Q1 2012-13
    _d("tracker_total_1115_gbp_bn",
       ("tracker_2011_12_gbp_bn", "tracker_2012_13_gbp_bn", "tracker_2013_14_gbp_bn",
        "tracker_2014_15_gbp_bn"),
       total, "{tracker_2011_12_gbp_bn} + {tracker_2012_13_gbp_bn} + "
       "{tracker_2013_14_gbp_bn} + {tracker_2014_15_gbp_bn}"),
    _d("tracker_local_share_yrs2_4_pct",
       ("tracker_local_yrs2_4_gbp_bn", "tracker_2012_13_gbp_bn", "tracker_2013_14_gbp_bn",
        "tracker_2014_15_gbp_bn"),
       lambda local, y2, y3, y4: share_pct(local, total(y2, y3, y4)),
       "100 x {tracker_local_yrs2_4_gbp_bn} / ({tracker_2012_13_gbp_bn} + "
       "{tracker_2013_14_gbp_bn} + {tracker_2014_15_gbp_bn})",
       "the saving required in years two to four is the tracker's annual totals for 2012-13 "
       "to 2014-15; six areas gave no local figure and two only part of one"),
    _d("tracker_local_share_headline_pct", ("tracker_local_share_yrs2_4_pct",), lambda x: x,
       "local share of years two to four: {tracker_local_share_yrs2_4_pct}",
       "'all savings' read as years two to four, the only period given a local share"),
    _d("tracker_2011_12_gbp_bn", ("dh_savings_2011_12_gbp_bn",), lambda x: x,
       "DH's announced {dh_savings_2011_12_gbp_bn} for the same year", "",
       "the article itself says the tracker's totals 'do not match' DH's £5.8bn. The tracker "
       "holds PCTs' own QIPP figures gathered for plan monitoring, while the £5.8bn is DH's "
       "NHS-wide total announced after the year; the NAO could substantiate only £3.4bn of "
       "it, nearer the tracker's £3.8bn"),
    _d("dh_savings_2011_12_gbp_bn", ("nao_dh_reported_savings_2011_12_gbp_bn",), lambda x: x,
       "NAO: DH reported {nao_dh_reported_savings_2011_12_gbp_bn}",
       "cross-source: NAO HC 686 gives the same reported figure (forecast £5.9bn; "
       "£3.4bn substantiated)"),
    # HSJ, "PCTs make slow progress with QIPP"
    _d("pct_qipp_challenge_high_gbp_bn", ("nao_savings_sought_to_2014_15_gbp_bn",),
       lambda x: x, "NAO: up to {nao_savings_sought_to_2014_15_gbp_bn}",
       "cross-source: NAO HC 686 gives up to £20bn over the four years to 2014-15"),
    _d("pct_norfolk_unidentified_pct",
       ("pct_norfolk_unidentified_gbp_m", "pct_norfolk_plan_2010_11_gbp_m"),
       share_pct, "100 x {pct_norfolk_unidentified_gbp_m} / {pct_norfolk_plan_2010_11_gbp_m}"),
    _d("pct_extrapolated_shortfall_gbp_bn",
       ("pct_mean_forecast_miss_pct", "pct_qipp_challenge_low_gbp_bn",
        "pct_qipp_challenge_high_gbp_bn"),
       pct_of_range,
       "{pct_mean_forecast_miss_pct}% of {pct_qipp_challenge_low_gbp_bn} to "
       "{pct_qipp_challenge_high_gbp_bn}",
       "the article applies 20-odd PCTs' average 2010-11 miss to the whole £15bn-£20bn; "
       "'around £5bn' is met only near the top of that range, and the midpoint would "
       "read 'around £4bn'"),
    _d("pct_tameside_nonrecurrent_share_pct",
       ("pct_tameside_nonrecurrent_gbp_m", "pct_tameside_plan_gbp_m"),
       share_pct, "100 x {pct_tameside_nonrecurrent_gbp_m} / {pct_tameside_plan_gbp_m}"),
    _d("pct_cec_prescribing_share_pct",
       ("pct_cec_prescribing_saving_gbp_m", "pct_cec_plan_gbp_m"),
       share_pct, "100 x {pct_cec_prescribing_saving_gbp_m} / {pct_cec_plan_gbp_m}",
       "prescribing savings and the 2010-11 target are the PCT's figures in the same article",
       "the share was probably taken on a different target (an earlier or recurrent-only "
       "figure) or on a wider prescribing line than the £8.5m quoted"),
)

DERIVATIONS: dict[str, Derivation] = {d.claim_id: d for d in _REGISTRY}
if len(DERIVATIONS) != len(_REGISTRY):  # a second derivation would silently replace one
    raise RuntimeError("a claim has more than one derivation in qipp.derive")


def _c(claim_id: str, label: str, inputs: tuple[str, ...], func: Callable,
       formula: str) -> Derivation:
    return Derivation(claim_id, inputs, func, formula, assumption=label)


# Figures the published ones imply (a denominator, a share, a remainder) that no
# other publication states, so nothing to score them against: each is shown in
# the note of ``claim_id`` as context, labelled by ``assumption``.
CONTEXTS: tuple[Derivation, ...] = (
    _c("sector_q2_forecast_shortfall_pct", "the plan 12.2 per cent implies, £m",
       ("sector_q2_forecast_shortfall_gbp_m", "sector_q2_forecast_shortfall_pct"),
       lambda gap, gap_pct: gap / gap_pct * 100,
       "{sector_q2_forecast_shortfall_gbp_m} / {sector_q2_forecast_shortfall_pct} x 100"),
    _c("sector_q2_forecast_shortfall_pct", "the CCG plan it implies, £bn",
       ("sector_q2_forecast_shortfall_gbp_m", "sector_q2_forecast_shortfall_pct",
        "nhse_q1_plan_gbp_m"),
       lambda gap, gap_pct, nhse_m: (gap / gap_pct * 100 - nhse_m) / M_PER_BN,
       "({sector_q2_forecast_shortfall_gbp_m} / {sector_q2_forecast_shortfall_pct} x 100 - "
       "{nhse_q1_plan_gbp_m}) / 1000"),
    _c("sector_q2_transformational_share_of_shortfall_pct",
       "transformational schemes' forecast miss, per cent",
       ("sector_q2_transformational_shortfall_gbp_m", "sector_q2_transformational_plan_gbp_m"),
       share_pct, "100 x {sector_q2_transformational_shortfall_gbp_m} / "
       "{sector_q2_transformational_plan_gbp_m}"),
    _c("ccg_q2_forecast_shortfall_gbp_m",
       "NHS England's implied Q2 shortfall, £m (compare its Q1 forecast gap)",
       ("sector_q2_forecast_shortfall_gbp_m", "ccg_q2_forecast_shortfall_gbp_m"),
       lambda sector, ccg: sector - ccg,
       "{sector_q2_forecast_shortfall_gbp_m} - {ccg_q2_forecast_shortfall_gbp_m}"),
    _c("nhse_q1_primary_care_forecast_gap_gbp_m",
       "primary care's share of NHS England's forecast gap, per cent",
       ("nhse_q1_primary_care_forecast_gap_gbp_m", "nhse_q1_forecast_gap_gbp_m"),
       share_pct, "100 x {nhse_q1_primary_care_forecast_gap_gbp_m} / "
       "{nhse_q1_forecast_gap_gbp_m}"),
    _c("nhse_q1_primary_care_forecast_gap_pct", "implied primary care QIPP target, £m",
       ("nhse_q1_primary_care_forecast_gap_gbp_m", "nhse_q1_primary_care_forecast_gap_pct"),
       lambda gap, gap_pct: gap / gap_pct * 100,
       "{nhse_q1_primary_care_forecast_gap_gbp_m} / {nhse_q1_primary_care_forecast_gap_pct} "
       "x 100"),
    _c("nhse_plan_pct_of_budget", "implied NHS England budget, £bn",
       ("nhse_q1_plan_gbp_m", "nhse_plan_pct_of_budget"),
       lambda plan_m, plan_pct: plan_m / plan_pct * 100 / M_PER_BN,
       "{nhse_q1_plan_gbp_m} / {nhse_plan_pct_of_budget} x 100 / 1000"),
    _c("ccg_plan_pct_of_allocation", "implied total CCG allocations, £bn",
       ("ccg_q1_plan_gbp_bn", "ccg_plan_pct_of_allocation"),
       lambda plan_bn, plan_pct: plan_bn / plan_pct * 100,
       "{ccg_q1_plan_gbp_bn} / {ccg_plan_pct_of_allocation} x 100"),
    _c("ccg_q1_dorset_plan_gbp_m", "implied Dorset CCG allocation, £m",
       ("ccg_q1_dorset_plan_gbp_m", "ccg_q1_dorset_target_pct"),
       lambda plan_m, plan_pct: plan_m / plan_pct * 100,
       "{ccg_q1_dorset_plan_gbp_m} / {ccg_q1_dorset_target_pct} x 100"),
    _c("ccg_q1_n_forecast_gap_20pct",
       "at least this many CCGs 20 per cent behind at Q1 do not forecast a 20 per cent gap",
       ("ccg_q1_n_ytd_shortfall_20pct", "ccg_q1_n_forecast_gap_20pct"),
       lambda behind, forecast: behind - forecast,
       "{ccg_q1_n_ytd_shortfall_20pct} - {ccg_q1_n_forecast_gap_20pct}"),
    _c("tracker_n_plans_on_course", "local plans with a workstream behind schedule",
       ("tracker_n_local_plans", "tracker_n_plans_on_course"),
       lambda plans, on_course: plans - on_course,
       "{tracker_n_local_plans} - {tracker_n_plans_on_course}"),
    _c("tracker_on_track_yrs2_4_gbp_bn", "share of local schemes' savings fully on track, "
       "per cent", ("tracker_on_track_yrs2_4_gbp_bn", "tracker_local_yrs2_4_gbp_bn"),
       share_pct, "100 x {tracker_on_track_yrs2_4_gbp_bn} / {tracker_local_yrs2_4_gbp_bn}"),
    _c("nao_substantiated_savings_2011_12_gbp_bn",
       "share of DH's reported savings the NAO substantiated, per cent",
       ("nao_substantiated_savings_2011_12_gbp_bn", "nao_dh_reported_savings_2011_12_gbp_bn"),
       share_pct, "100 x {nao_substantiated_savings_2011_12_gbp_bn} / "
       "{nao_dh_reported_savings_2011_12_gbp_bn}"),
    _c("pct_mean_forecast_miss_pct",
       "Central and Eastern Cheshire's possible miss, per cent (inside the 10-48 range)",
       ("pct_cec_forecast_miss_gbp_m", "pct_cec_plan_gbp_m"),
       share_pct, "100 x {pct_cec_forecast_miss_gbp_m} / {pct_cec_plan_gbp_m}"),
    _c("pct_cec_deficit_gbp_m", "implied position before the miss (surplus), £m",
       ("pct_cec_forecast_miss_gbp_m", "pct_cec_deficit_gbp_m"),
       lambda miss, deficit: miss - deficit,
       "{pct_cec_forecast_miss_gbp_m} - {pct_cec_deficit_gbp_m}"),
    _c("pct_tameside_regional_achieved_gbp_m",
       "share of regional-reform savings achieved by mid-August, per cent",
       ("pct_tameside_regional_achieved_gbp_m", "pct_tameside_regional_reforms_gbp_m"),
       share_pct, "100 x {pct_tameside_regional_achieved_gbp_m} / "
       "{pct_tameside_regional_reforms_gbp_m}"),
    _c("pct_cec_prescribing_share_pct", "the prescribing saving 29 per cent implies, £m",
       ("pct_cec_prescribing_share_pct", "pct_cec_plan_gbp_m"),
       lambda share, plan: share / 100 * plan,
       "{pct_cec_prescribing_share_pct} / 100 x {pct_cec_plan_gbp_m}"),
    _c("pct_cec_prescribing_share_pct", "the target 29 per cent of £8.5m implies, £m",
       ("pct_cec_prescribing_saving_gbp_m", "pct_cec_prescribing_share_pct"),
       lambda saving, share: saving / share * 100,
       "{pct_cec_prescribing_saving_gbp_m} / {pct_cec_prescribing_share_pct} x 100"),
)


# --------------------------------------------------------------------------- scoring

@dataclass(frozen=True)
class Verdict:
    """A claim's status, the value derived for it (NaN when stated) and why."""

    status: str
    derived_value: float
    note: str


def _num(x: float) -> str:
    """Format a number for a note: 4 significant figures, no trailing zeros.

    >>> _num(12.860962566844919), _num(1974.0), _num(0.4)
    ('12.86', '1974', '0.4')
    """
    return f"{x:.4g}"


def _qualifier(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def assess(derivation: Derivation, claims_by_id: Mapping[str, Mapping]) -> Verdict:
    """Compare one derivation with the published figure it recomputes.

    Parameters
    ----------
    derivation : Derivation
        The derivation to run.
    claims_by_id : mapping
        Claim id to its ledger row (``value``, ``unit``, ``precision``,
        ``qualifier``); must hold the target and every input.

    Returns
    -------
    Verdict
        ``reproduced`` when the derived interval meets the published band,
        else ``inconsistent`` with the distance and the likely cause.
    """
    target = claims_by_id[derivation.claim_id]
    qualifier = _qualifier(target["qualifier"])
    band = tolerance(float(target["value"]), float(target["precision"]), qualifier)
    values = {name: float(claims_by_id[name]["value"]) for name in derivation.inputs}
    intervals = {
        name: input_interval(values[name], float(claims_by_id[name]["precision"]),
                             claims_by_id[name]["unit"])
        for name in derivation.inputs
    }
    central = derivation.central(values)
    low, high = derivation.interval(intervals)
    published = f"published {qualifier + ' ' if qualifier else ''}{_num(target['value'])}"
    parts = [derivation.working(values)]
    if derivation.assumption:
        parts.append(derivation.assumption)
    parts.append(f"{published} (band {band.describe()})")
    if band.meets(low, high):
        status = REPRODUCED
        if band.meets(central, central):
            parts.append("agrees")
        else:
            parts.append(f"agrees only at the edge of what the inputs allow (derived range "
                         f"{_num(low)} to {_num(high)})")
    else:
        status = INCONSISTENT
        unit = target["unit"]
        if qualifier in (None, "around"):
            off = central - float(target["value"])
            distance = f"off by {off:+.3g} {unit} ({off / float(target['value']):+.0%})"
        else:
            distance = f"misses the bound by {abs(band.gap(central)):.3g} {unit}"
        parts.append(f"{distance}, outside the band even allowing for the inputs' rounding "
                     f"(derived range {_num(low)} to {_num(high)})")
        parts.append(f"likely cause: {derivation.cause}")
    derived = float(f"{central:.{SIGNIFICANT_FIGURES}g}")
    return Verdict(status, derived, "; ".join(parts))


def _missing_inputs(ids: set[str]) -> list[Problem]:
    return [
        Problem("claims ledger", None, "id", f"claim {name!r} is needed to derive "
                f"{derivation.claim_id!r} but is not in the ledger",
                "every input of a derivation to be a claim")
        for derivation in DERIVATIONS.values() if derivation.claim_id in ids
        for name in derivation.inputs if name not in ids
    ]


def _context_notes(by_id: Mapping[str, Mapping]) -> dict[str, list[str]]:
    """Return, per claim id, the context lines its note shows (see :data:`CONTEXTS`)."""
    notes: dict[str, list[str]] = {}
    for context in CONTEXTS:
        if context.claim_id in by_id and all(name in by_id for name in context.inputs):
            values = {name: float(by_id[name]["value"]) for name in context.inputs}
            notes.setdefault(context.claim_id, []).append(
                f"context, {context.assumption}: {context.working(values)}")
    return notes


def scorecard(claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Score every claim: reproduced, inconsistent or stated.

    Parameters
    ----------
    claims : pandas.DataFrame, optional
        The ledger (as :func:`qipp.ledger.load_claims` returns it); the
        project's ledger by default.

    Returns
    -------
    pandas.DataFrame
        One row per claim in ledger order, columns :data:`SCORECARD_COLUMNS`;
        ``derived_value`` is NaN for stated claims.

    Raises
    ------
    DataError
        If a claim the ledger holds needs an input the ledger lacks.

    Examples
    --------
    >>> card = scorecard()
    >>> card.set_index("id").loc["ccg_q1_target_fold_variation", "status"]
    'reproduced'
    """
    claims = load_claims() if claims is None else claims
    records = claims.to_dict("records")
    by_id = {row["id"]: row for row in records}
    problems = _missing_inputs(set(by_id))
    if problems:
        raise DataError(problems)
    verdicts = {name: assess(d, by_id) for name, d in DERIVATIONS.items() if name in by_id}
    used_by: dict[str, list[str]] = {}
    for derivation in DERIVATIONS.values():
        if derivation.claim_id in by_id:
            for name in derivation.inputs:
                used_by.setdefault(name, []).append(derivation.claim_id)
    contexts = _context_notes(by_id)
    rows = []
    for row in records:
        verdict = verdicts.get(row["id"])
        notes = [verdict.note if verdict else "no other published figure recomputes it"]
        notes += contexts.get(row["id"], [])
        if row["id"] in used_by:
            notes.append("it is an input to " + ", ".join(
                f"{name} ({verdicts[name].status})" for name in used_by[row["id"]]))
        if verdict is None:
            verdict = Verdict(STATED, math.nan, "")
        rows.append({**{c: row[c] for c in SCORECARD_COLUMNS[:6]}, "status": verdict.status,
                     "derived_value": verdict.derived_value, "note": "; ".join(notes)})
    return pd.DataFrame(rows, columns=list(SCORECARD_COLUMNS))


def status_counts(card: pd.DataFrame) -> dict[str, int]:
    """Return ``{status: number of claims}`` for every status, zeros included."""
    counts = card["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in STATUSES}


def scorecard_records(card: pd.DataFrame) -> list[dict]:
    """Return the scorecard as JSON-ready dicts (NaN becomes None)."""
    records = []
    for row in card.to_dict("records"):
        record = {column: row[column] for column in SCORECARD_COLUMNS}
        record["value"] = float(record["value"])
        derived = record["derived_value"]
        record["derived_value"] = None if pd.isna(derived) else float(derived)
        records.append(record)
    return records


def scorecard_json(card: pd.DataFrame) -> str:
    """Return the scorecard as a JSON array, one object per claim."""
    return json.dumps(scorecard_records(card), indent=2, ensure_ascii=False) + "\n"


def scorecard_csv(card: pd.DataFrame) -> str:
    """Return the scorecard as CSV text (empty ``derived_value`` when stated)."""
    return card.loc[:, list(SCORECARD_COLUMNS)].to_csv(index=False, lineterminator="\n")


def write_scorecard(directory: Path | str, card: pd.DataFrame | None = None) -> list[Path]:
    """Write ``claims.json`` and ``claims.csv`` into ``directory``, each atomically.

    Returns
    -------
    list of Path
        The files written.
    """
    card = scorecard() if card is None else card
    directory = Path(directory)
    written = []
    for name, text in (("claims.json", scorecard_json(card)), ("claims.csv", scorecard_csv(card))):
        atomic_write_text(directory / name, text)
        written.append(directory / name)
    return written
