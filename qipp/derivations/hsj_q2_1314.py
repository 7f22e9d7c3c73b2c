"""Derivations of the claims of HSJ, commissioners' QIPP at Q2 2013-14."""

from __future__ import annotations

from qipp.derivations.arithmetic import bn_to_m, ratio, share_pct
from qipp.derivations.model import Derivation

REGISTRY: tuple[Derivation, ...] = (
    Derivation(
        "sector_q2_forecast_shortfall_pct",
        ("sector_q2_forecast_shortfall_gbp_m", "ccg_q1_plan_gbp_bn", "nhse_q1_plan_gbp_m"),
        lambda gap, ccg_bn, nhse_m: share_pct(gap, bn_to_m(ccg_bn) + nhse_m),
        "100 x {sector_q2_forecast_shortfall_gbp_m} / ({ccg_q1_plan_gbp_bn} x 1000 + "
        "{nhse_q1_plan_gbp_m})",
        "the sector's plan taken as the CCGs' plus NHS England's plans at Q1 (the Q2 article "
        "gives none); the match needs a CCG plan near the top of what rounds to £1.6bn",
        "the sector's plan at Q2 differs from the Q1 plans",
    ),
    Derivation(
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
    Derivation(
        "ccg_q2_shortfall_increase_gbp_m",
        ("ccg_q2_forecast_shortfall_gbp_m", "ccg_q1_forecast_gap_gbp_m"),
        lambda q2, q1: q2 - q1,
        "{ccg_q2_forecast_shortfall_gbp_m} - {ccg_q1_forecast_gap_gbp_m}",
        "cross-source: the Q1 gap is from NHS England's NISFE report",
    ),
    Derivation(
        "ccg_q2_n_regions_improved",
        ("nhse_n_regions", "ccg_q2_n_regions_worsened"),
        lambda regions, worsened: regions - worsened,
        "{nhse_n_regions} - {ccg_q2_n_regions_worsened}",
        "every region is read as having either worsened or improved",
    ),
    Derivation(
        "sector_q2_transformational_share_of_shortfall_pct",
        ("sector_q2_transformational_shortfall_gbp_m", "sector_q2_forecast_shortfall_gbp_m"),
        share_pct,
        "100 x {sector_q2_transformational_shortfall_gbp_m} / {sector_q2_forecast_shortfall_gbp_m}",
        "'the bulk' read as more than half",
    ),
)
