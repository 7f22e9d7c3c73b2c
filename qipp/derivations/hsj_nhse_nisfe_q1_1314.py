"""Derivations of the claims of HSJ, NHS England internal NISFE report, Q1 2013-14."""

from __future__ import annotations

from qipp.derivations.arithmetic import bn_to_m, share_pct
from qipp.derivations.model import Derivation

REGISTRY: tuple[Derivation, ...] = (
    Derivation(
        "nhse_q1_forecast_gap_pct",
        ("nhse_q1_forecast_gap_gbp_m", "nhse_q1_plan_gbp_m"),
        share_pct,
        "100 x {nhse_q1_forecast_gap_gbp_m} / {nhse_q1_plan_gbp_m}",
    ),
    Derivation(
        "nhse_q1_forecast_gap_pct_headline",
        ("nhse_q1_forecast_gap_gbp_m", "nhse_q1_plan_gbp_m"),
        share_pct,
        "100 x {nhse_q1_forecast_gap_gbp_m} / {nhse_q1_plan_gbp_m}",
        "the headline rounds 12.9 per cent to a whole number",
    ),
    Derivation(
        "ccg_q1_forecast_gap_pct",
        ("ccg_q1_forecast_gap_gbp_m", "ccg_q1_plan_gbp_bn"),
        lambda gap, plan_bn: share_pct(gap, bn_to_m(plan_bn)),
        "100 x {ccg_q1_forecast_gap_gbp_m} / ({ccg_q1_plan_gbp_bn} x 1000)",
        "it rounds to 4, close to the band's upper edge",
    ),
)
