"""Derivations of the claims of HSJ, "PCTs make slow progress with QIPP" (2010)."""

from __future__ import annotations

from qipp.derivations.arithmetic import pct_of_range, share_pct
from qipp.derivations.model import Derivation

REGISTRY: tuple[Derivation, ...] = (
    Derivation(
        "pct_qipp_challenge_high_gbp_bn",
        ("nao_savings_sought_to_2014_15_gbp_bn",),
        lambda x: x,
        "NAO: up to {nao_savings_sought_to_2014_15_gbp_bn}",
        "cross-source: NAO HC 686 gives up to £20bn over the four years to 2014-15",
    ),
    Derivation(
        "pct_norfolk_unidentified_pct",
        ("pct_norfolk_unidentified_gbp_m", "pct_norfolk_plan_2010_11_gbp_m"),
        share_pct,
        "100 x {pct_norfolk_unidentified_gbp_m} / {pct_norfolk_plan_2010_11_gbp_m}",
    ),
    Derivation(
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
    Derivation(
        "pct_tameside_nonrecurrent_share_pct",
        ("pct_tameside_nonrecurrent_gbp_m", "pct_tameside_plan_gbp_m"),
        share_pct,
        "100 x {pct_tameside_nonrecurrent_gbp_m} / {pct_tameside_plan_gbp_m}",
    ),
    Derivation(
        "pct_cec_prescribing_share_pct",
        ("pct_cec_prescribing_saving_gbp_m", "pct_cec_plan_gbp_m"),
        share_pct,
        "100 x {pct_cec_prescribing_saving_gbp_m} / {pct_cec_plan_gbp_m}",
        "prescribing savings and the 2010-11 target are the PCT's figures in the same article",
        "the share was probably taken on a different target (an earlier or recurrent-only "
        "figure) or on a wider prescribing line than the £8.5m quoted",
    ),
)
