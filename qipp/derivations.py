"""The registry of derivations: how each derivable claim is recomputed from others.

One :class:`Derivation` per claim that other published figures let qipp recompute
(a total from its parts, a share from numerator and denominator, a change between
quarters, a fold, the same figure in another source, an extrapolation the article
makes), and :data:`CONTEXTS`, the figures the published ones imply but nothing
states. :mod:`qipp.derive` scores them under its tolerance rule.

Examples
--------
>>> gap = DERIVATIONS["nhse_q1_forecast_gap_pct"]
>>> round(gap.central({"nhse_q1_forecast_gap_gbp_m": 48.1, "nhse_q1_plan_gbp_m": 374}), 3)
12.861
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

M_PER_BN = 1000.0


def _num(x: float) -> str:
    """Format a number for a note: 4 significant figures, no trailing zeros.

    >>> _num(12.860962566844919), _num(1974.0), _num(0.4)
    ('12.86', '1974', '0.4')
    """
    return f"{x:.4g}"


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
            self._range(dict(zip(self.inputs, corner, strict=True)))
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


def _d(
    claim_id: str,
    inputs: tuple[str, ...],
    func: Callable,
    formula: str,
    assumption: str = "",
    cause: str = Derivation.cause,
) -> Derivation:
    return Derivation(claim_id, inputs, func, formula, assumption, cause)


_REGISTRY: tuple[Derivation, ...] = (
    # HSJ, commissioners' QIPP at Q2 2013-14
    _d(
        "sector_q2_forecast_shortfall_pct",
        ("sector_q2_forecast_shortfall_gbp_m", "ccg_q1_plan_gbp_bn", "nhse_q1_plan_gbp_m"),
        lambda gap, ccg_bn, nhse_m: share_pct(gap, bn_to_m(ccg_bn) + nhse_m),
        "100 x {sector_q2_forecast_shortfall_gbp_m} / ({ccg_q1_plan_gbp_bn} x 1000 + "
        "{nhse_q1_plan_gbp_m})",
        "the sector's plan taken as the CCGs' plus NHS England's plans at Q1 (the Q2 article "
        "gives none); the match needs a CCG plan near the top of what rounds to £1.6bn",
        "the sector's plan at Q2 differs from the Q1 plans",
    ),
    _d(
        "sector_q2_vs_q1_shortfall_ratio",
        (
            "sector_q2_forecast_shortfall_gbp_m",
            "ccg_q1_forecast_gap_gbp_m",
            "nhse_q1_forecast_gap_gbp_m",
        ),
        lambda q2, ccg_q1, nhse_q1: ratio(q2, ccg_q1 + nhse_q1),
        "{sector_q2_forecast_shortfall_gbp_m} / ({ccg_q1_forecast_gap_gbp_m} + "
        "{nhse_q1_forecast_gap_gbp_m})",
        "the Q1 sector shortfall is CCGs' plus NHS England's forecast gaps (£119.6m)",
    ),
    _d(
        "ccg_q2_shortfall_increase_gbp_m",
        ("ccg_q2_forecast_shortfall_gbp_m", "ccg_q1_forecast_gap_gbp_m"),
        lambda q2, q1: q2 - q1,
        "{ccg_q2_forecast_shortfall_gbp_m} - {ccg_q1_forecast_gap_gbp_m}",
        "cross-source: the Q1 gap is from NHS England's NISFE report",
    ),
    _d(
        "ccg_q2_n_regions_improved",
        ("nhse_n_regions", "ccg_q2_n_regions_worsened"),
        lambda regions, worsened: regions - worsened,
        "{nhse_n_regions} - {ccg_q2_n_regions_worsened}",
        "every region is read as having either worsened or improved",
    ),
    _d(
        "sector_q2_transformational_share_of_shortfall_pct",
        ("sector_q2_transformational_shortfall_gbp_m", "sector_q2_forecast_shortfall_gbp_m"),
        share_pct,
        "100 x {sector_q2_transformational_shortfall_gbp_m} / {sector_q2_forecast_shortfall_gbp_m}",
        "'the bulk' read as more than half",
    ),
    # HSJ, NHS England internal NISFE report, Q1 2013-14
    _d(
        "nhse_q1_forecast_gap_pct",
        ("nhse_q1_forecast_gap_gbp_m", "nhse_q1_plan_gbp_m"),
        share_pct,
        "100 x {nhse_q1_forecast_gap_gbp_m} / {nhse_q1_plan_gbp_m}",
    ),
    _d(
        "nhse_q1_forecast_gap_pct_headline",
        ("nhse_q1_forecast_gap_gbp_m", "nhse_q1_plan_gbp_m"),
        share_pct,
        "100 x {nhse_q1_forecast_gap_gbp_m} / {nhse_q1_plan_gbp_m}",
        "the headline rounds 12.9 per cent to a whole number",
    ),
    _d(
        "ccg_q1_forecast_gap_pct",
        ("ccg_q1_forecast_gap_gbp_m", "ccg_q1_plan_gbp_bn"),
        lambda gap, plan_bn: share_pct(gap, bn_to_m(plan_bn)),
        "100 x {ccg_q1_forecast_gap_gbp_m} / ({ccg_q1_plan_gbp_bn} x 1000)",
        "it rounds to 4, close to the band's upper edge",
    ),
    # HSJ, "Exclusive: Huge variation emerges in CCGs' efficiency ambition"
    _d(
        "ccg_q1_forecast_delivery_pct",
        ("ccg_q1_forecast_gap_gbp_m", "ccg_q1_plan_gbp_bn"),
        lambda gap, plan_bn: 100.0 - share_pct(gap, bn_to_m(plan_bn)),
        "100 - 100 x {ccg_q1_forecast_gap_gbp_m} / ({ccg_q1_plan_gbp_bn} x 1000)",
        "cross-source: gap and plan are from NHS England's NISFE report; 100 - 4 = 96 also agrees",
    ),
    _d(
        "ccg_q1_target_fold_variation",
        ("ccg_q1_west_essex_target_pct", "ccg_q1_dorset_target_pct"),
        ratio,
        "{ccg_q1_west_essex_target_pct} / {ccg_q1_dorset_target_pct}",
        "largest target (West Essex) over smallest (Dorset)",
    ),
    _d(
        "ccg_nr_fund_pct_of_budget",
        ("nr_fund_pct_of_budget",),
        lambda x: x,
        "NHS England's report: {nr_fund_pct_of_budget}",
        "cross-source: NHS England's NISFE report states the same national rule",
    ),
    _d(
        "ccg_q1_share_falling_behind_pct",
        ("ccg_q1_n_ytd_any_slippage", "ccg_q1_n_ccgs"),
        share_pct,
        "100 x {ccg_q1_n_ytd_any_slippage} / {ccg_q1_n_ccgs}",
        "'falling behind' read as the CCGs reporting any slippage",
    ),
    # HSJ, DH QIPP tracker, Q1 2012-13
    _d(
        "tracker_total_1115_gbp_bn",
        (
            "tracker_2011_12_gbp_bn",
            "tracker_2012_13_gbp_bn",
            "tracker_2013_14_gbp_bn",
            "tracker_2014_15_gbp_bn",
        ),
        total,
        "{tracker_2011_12_gbp_bn} + {tracker_2012_13_gbp_bn} + "
        "{tracker_2013_14_gbp_bn} + {tracker_2014_15_gbp_bn}",
    ),
    _d(
        "tracker_local_share_yrs2_4_pct",
        (
            "tracker_local_yrs2_4_gbp_bn",
            "tracker_2012_13_gbp_bn",
            "tracker_2013_14_gbp_bn",
            "tracker_2014_15_gbp_bn",
        ),
        lambda local, y2, y3, y4: share_pct(local, total(y2, y3, y4)),
        "100 x {tracker_local_yrs2_4_gbp_bn} / ({tracker_2012_13_gbp_bn} + "
        "{tracker_2013_14_gbp_bn} + {tracker_2014_15_gbp_bn})",
        "the saving required in years two to four is the tracker's annual totals for 2012-13 "
        "to 2014-15; six areas gave no local figure and two only part of one",
    ),
    _d(
        "tracker_local_share_headline_pct",
        ("tracker_local_share_yrs2_4_pct",),
        lambda x: x,
        "local share of years two to four: {tracker_local_share_yrs2_4_pct}",
        "'all savings' read as years two to four, the only period given a local share",
    ),
    _d(
        "tracker_2011_12_gbp_bn",
        ("dh_savings_2011_12_gbp_bn",),
        lambda x: x,
        "DH's announced {dh_savings_2011_12_gbp_bn} for the same year",
        "",
        "the article itself says the tracker's totals 'do not match' DH's £5.8bn. The tracker "
        "holds PCTs' own QIPP figures gathered for plan monitoring, while the £5.8bn is DH's "
        "NHS-wide total announced after the year; the NAO could substantiate only £3.4bn of "
        "it, nearer the tracker's £3.8bn",
    ),
    _d(
        "dh_savings_2011_12_gbp_bn",
        ("nao_dh_reported_savings_2011_12_gbp_bn",),
        lambda x: x,
        "NAO: DH reported {nao_dh_reported_savings_2011_12_gbp_bn}",
        "cross-source: NAO HC 686 gives the same reported figure (forecast £5.9bn; "
        "£3.4bn substantiated)",
    ),
    # HSJ, "PCTs make slow progress with QIPP"
    _d(
        "pct_qipp_challenge_high_gbp_bn",
        ("nao_savings_sought_to_2014_15_gbp_bn",),
        lambda x: x,
        "NAO: up to {nao_savings_sought_to_2014_15_gbp_bn}",
        "cross-source: NAO HC 686 gives up to £20bn over the four years to 2014-15",
    ),
    _d(
        "pct_norfolk_unidentified_pct",
        ("pct_norfolk_unidentified_gbp_m", "pct_norfolk_plan_2010_11_gbp_m"),
        share_pct,
        "100 x {pct_norfolk_unidentified_gbp_m} / {pct_norfolk_plan_2010_11_gbp_m}",
    ),
    _d(
        "pct_extrapolated_shortfall_gbp_bn",
        (
            "pct_mean_forecast_miss_pct",
            "pct_qipp_challenge_low_gbp_bn",
            "pct_qipp_challenge_high_gbp_bn",
        ),
        pct_of_range,
        "{pct_mean_forecast_miss_pct}% of {pct_qipp_challenge_low_gbp_bn} to "
        "{pct_qipp_challenge_high_gbp_bn}",
        "the article applies 20-odd PCTs' average 2010-11 miss to the whole £15bn-£20bn; "
        "'around £5bn' is met only near the top of that range, and the midpoint would "
        "read 'around £4bn'",
    ),
    _d(
        "pct_tameside_nonrecurrent_share_pct",
        ("pct_tameside_nonrecurrent_gbp_m", "pct_tameside_plan_gbp_m"),
        share_pct,
        "100 x {pct_tameside_nonrecurrent_gbp_m} / {pct_tameside_plan_gbp_m}",
    ),
    _d(
        "pct_cec_prescribing_share_pct",
        ("pct_cec_prescribing_saving_gbp_m", "pct_cec_plan_gbp_m"),
        share_pct,
        "100 x {pct_cec_prescribing_saving_gbp_m} / {pct_cec_plan_gbp_m}",
        "prescribing savings and the 2010-11 target are the PCT's figures in the same article",
        "the share was probably taken on a different target (an earlier or recurrent-only "
        "figure) or on a wider prescribing line than the £8.5m quoted",
    ),
)

DERIVATIONS: dict[str, Derivation] = {d.claim_id: d for d in _REGISTRY}
if len(DERIVATIONS) != len(_REGISTRY):  # a second derivation would silently replace one
    raise RuntimeError("a claim has more than one derivation in qipp.derive")


def _c(
    claim_id: str, label: str, inputs: tuple[str, ...], func: Callable, formula: str
) -> Derivation:
    return Derivation(claim_id, inputs, func, formula, assumption=label)


# Figures the published ones imply (a denominator, a share, a remainder) that no
# other publication states, so nothing to score them against: each is shown in
# the note of ``claim_id`` as context, labelled by ``assumption``.
CONTEXTS: tuple[Derivation, ...] = (
    _c(
        "sector_q2_forecast_shortfall_pct",
        "the plan 12.2 per cent implies, £m",
        ("sector_q2_forecast_shortfall_gbp_m", "sector_q2_forecast_shortfall_pct"),
        lambda gap, gap_pct: gap / gap_pct * 100,
        "{sector_q2_forecast_shortfall_gbp_m} / {sector_q2_forecast_shortfall_pct} x 100",
    ),
    _c(
        "sector_q2_forecast_shortfall_pct",
        "the CCG plan it implies, £bn",
        (
            "sector_q2_forecast_shortfall_gbp_m",
            "sector_q2_forecast_shortfall_pct",
            "nhse_q1_plan_gbp_m",
        ),
        lambda gap, gap_pct, nhse_m: (gap / gap_pct * 100 - nhse_m) / M_PER_BN,
        "({sector_q2_forecast_shortfall_gbp_m} / {sector_q2_forecast_shortfall_pct} x 100 - "
        "{nhse_q1_plan_gbp_m}) / 1000",
    ),
    _c(
        "sector_q2_transformational_share_of_shortfall_pct",
        "transformational schemes' forecast miss, per cent",
        ("sector_q2_transformational_shortfall_gbp_m", "sector_q2_transformational_plan_gbp_m"),
        share_pct,
        "100 x {sector_q2_transformational_shortfall_gbp_m} / "
        "{sector_q2_transformational_plan_gbp_m}",
    ),
    _c(
        "ccg_q2_forecast_shortfall_gbp_m",
        "NHS England's implied Q2 shortfall, £m (compare its Q1 forecast gap)",
        ("sector_q2_forecast_shortfall_gbp_m", "ccg_q2_forecast_shortfall_gbp_m"),
        lambda sector, ccg: sector - ccg,
        "{sector_q2_forecast_shortfall_gbp_m} - {ccg_q2_forecast_shortfall_gbp_m}",
    ),
    _c(
        "nhse_q1_primary_care_forecast_gap_gbp_m",
        "primary care's share of NHS England's forecast gap, per cent",
        ("nhse_q1_primary_care_forecast_gap_gbp_m", "nhse_q1_forecast_gap_gbp_m"),
        share_pct,
        "100 x {nhse_q1_primary_care_forecast_gap_gbp_m} / {nhse_q1_forecast_gap_gbp_m}",
    ),
    _c(
        "nhse_q1_primary_care_forecast_gap_pct",
        "implied primary care QIPP target, £m",
        ("nhse_q1_primary_care_forecast_gap_gbp_m", "nhse_q1_primary_care_forecast_gap_pct"),
        lambda gap, gap_pct: gap / gap_pct * 100,
        "{nhse_q1_primary_care_forecast_gap_gbp_m} / {nhse_q1_primary_care_forecast_gap_pct} x 100",
    ),
    _c(
        "nhse_plan_pct_of_budget",
        "implied NHS England budget, £bn",
        ("nhse_q1_plan_gbp_m", "nhse_plan_pct_of_budget"),
        lambda plan_m, plan_pct: plan_m / plan_pct * 100 / M_PER_BN,
        "{nhse_q1_plan_gbp_m} / {nhse_plan_pct_of_budget} x 100 / 1000",
    ),
    _c(
        "ccg_plan_pct_of_allocation",
        "implied total CCG allocations, £bn",
        ("ccg_q1_plan_gbp_bn", "ccg_plan_pct_of_allocation"),
        lambda plan_bn, plan_pct: plan_bn / plan_pct * 100,
        "{ccg_q1_plan_gbp_bn} / {ccg_plan_pct_of_allocation} x 100",
    ),
    _c(
        "ccg_q1_dorset_plan_gbp_m",
        "implied Dorset CCG allocation, £m",
        ("ccg_q1_dorset_plan_gbp_m", "ccg_q1_dorset_target_pct"),
        lambda plan_m, plan_pct: plan_m / plan_pct * 100,
        "{ccg_q1_dorset_plan_gbp_m} / {ccg_q1_dorset_target_pct} x 100",
    ),
    _c(
        "ccg_q1_n_forecast_gap_20pct",
        "at least this many CCGs 20 per cent behind at Q1 do not forecast a 20 per cent gap",
        ("ccg_q1_n_ytd_shortfall_20pct", "ccg_q1_n_forecast_gap_20pct"),
        lambda behind, forecast: behind - forecast,
        "{ccg_q1_n_ytd_shortfall_20pct} - {ccg_q1_n_forecast_gap_20pct}",
    ),
    _c(
        "tracker_n_plans_on_course",
        "local plans with a workstream behind schedule",
        ("tracker_n_local_plans", "tracker_n_plans_on_course"),
        lambda plans, on_course: plans - on_course,
        "{tracker_n_local_plans} - {tracker_n_plans_on_course}",
    ),
    _c(
        "tracker_on_track_yrs2_4_gbp_bn",
        "share of local schemes' savings fully on track, per cent",
        ("tracker_on_track_yrs2_4_gbp_bn", "tracker_local_yrs2_4_gbp_bn"),
        share_pct,
        "100 x {tracker_on_track_yrs2_4_gbp_bn} / {tracker_local_yrs2_4_gbp_bn}",
    ),
    _c(
        "nao_substantiated_savings_2011_12_gbp_bn",
        "share of DH's reported savings the NAO substantiated, per cent",
        ("nao_substantiated_savings_2011_12_gbp_bn", "nao_dh_reported_savings_2011_12_gbp_bn"),
        share_pct,
        "100 x {nao_substantiated_savings_2011_12_gbp_bn} / "
        "{nao_dh_reported_savings_2011_12_gbp_bn}",
    ),
    _c(
        "pct_mean_forecast_miss_pct",
        "Central and Eastern Cheshire's possible miss, per cent (inside the 10-48 range)",
        ("pct_cec_forecast_miss_gbp_m", "pct_cec_plan_gbp_m"),
        share_pct,
        "100 x {pct_cec_forecast_miss_gbp_m} / {pct_cec_plan_gbp_m}",
    ),
    _c(
        "pct_cec_deficit_gbp_m",
        "implied position before the miss (surplus), £m",
        ("pct_cec_forecast_miss_gbp_m", "pct_cec_deficit_gbp_m"),
        lambda miss, deficit: miss - deficit,
        "{pct_cec_forecast_miss_gbp_m} - {pct_cec_deficit_gbp_m}",
    ),
    _c(
        "pct_tameside_regional_achieved_gbp_m",
        "share of regional-reform savings achieved by mid-August, per cent",
        ("pct_tameside_regional_achieved_gbp_m", "pct_tameside_regional_reforms_gbp_m"),
        share_pct,
        "100 x {pct_tameside_regional_achieved_gbp_m} / {pct_tameside_regional_reforms_gbp_m}",
    ),
    _c(
        "pct_cec_prescribing_share_pct",
        "the prescribing saving 29 per cent implies, £m",
        ("pct_cec_prescribing_share_pct", "pct_cec_plan_gbp_m"),
        lambda share, plan: share / 100 * plan,
        "{pct_cec_prescribing_share_pct} / 100 x {pct_cec_plan_gbp_m}",
    ),
    _c(
        "pct_cec_prescribing_share_pct",
        "the target 29 per cent of £8.5m implies, £m",
        ("pct_cec_prescribing_saving_gbp_m", "pct_cec_prescribing_share_pct"),
        lambda saving, share: saving / share * 100,
        "{pct_cec_prescribing_saving_gbp_m} / {pct_cec_prescribing_share_pct} x 100",
    ),
)
