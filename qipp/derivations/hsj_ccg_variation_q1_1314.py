"""Derivations of the claims of HSJ, "Exclusive: Huge variation emerges in CCGs' efficiency ambition" (Q1 2013-14)."""

from __future__ import annotations

from qipp.derivations.arithmetic import bn_to_m, ratio, share_pct
from qipp.derivations.model import Derivation

REGISTRY: tuple[Derivation, ...] = (
    Derivation(
        "ccg_q1_forecast_delivery_pct",
        ("ccg_q1_forecast_gap_gbp_m", "ccg_q1_plan_gbp_bn"),
        lambda gap, plan_bn: 100.0 - share_pct(gap, bn_to_m(plan_bn)),
        "100 - 100 x {ccg_q1_forecast_gap_gbp_m} / ({ccg_q1_plan_gbp_bn} x 1000)",
        "cross-source: gap and plan are from NHS England's NISFE report; 100 - 4 = 96 also agrees",
    ),
    Derivation(
        "ccg_q1_target_fold_variation",
        ("ccg_q1_west_essex_target_pct", "ccg_q1_dorset_target_pct"),
        ratio,
        "{ccg_q1_west_essex_target_pct} / {ccg_q1_dorset_target_pct}",
        "largest target (West Essex) over smallest (Dorset)",
    ),
    Derivation(
        "ccg_nr_fund_pct_of_budget",
        ("nr_fund_pct_of_budget",),
        lambda x: x,
        "NHS England's report: {nr_fund_pct_of_budget}",
        "cross-source: NHS England's NISFE report states the same national rule",
    ),
    Derivation(
        "ccg_q1_share_falling_behind_pct",
        ("ccg_q1_n_ytd_any_slippage", "ccg_q1_n_ccgs"),
        share_pct,
        "100 x {ccg_q1_n_ytd_any_slippage} / {ccg_q1_n_ccgs}",
        "'falling behind' read as the CCGs reporting any slippage",
    ),
)
