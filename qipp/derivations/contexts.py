"""Figures the published ones imply but none states: shown in a claim's note, never scored.

>>> budget = next(c for c in CONTEXTS if c.claim_id == "nhse_plan_pct_of_budget")
>>> budget.working({"nhse_q1_plan_gbp_m": 374, "nhse_plan_pct_of_budget": 1.4})
'374 / 1.4 x 100 / 1000 = 26.71'
"""

from __future__ import annotations

from collections.abc import Callable

from qipp.derivations.arithmetic import M_PER_BN, share_pct
from qipp.derivations.model import Derivation


def _c(
    claim_id: str, label: str, inputs: tuple[str, ...], func: Callable, formula: str
) -> Derivation:
    return Derivation(claim_id, inputs, func, formula, assumption=label)


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
