"""The tidy tables' specs: dimensions and a claim id, never a value.

>>> sorted(TABLE_SPECS)[:2]
['ccg_q1_1314_threshold_counts', 'commissioner_position_1314']
"""

from __future__ import annotations

from qipp.ledger.specs import ID_RULE
from qipp.validation import Field, Rule, TableSpec, matches, one_of


def _between(lo: int, hi: int) -> Rule:
    return Rule(lambda s: (s >= lo) & (s <= hi), f"a value from {lo} to {hi}")


def _choice(name: str, description: str, *choices: str) -> Field:
    return Field(name, "str", description, checks=(one_of(choices),))


def _measures(*choices: str) -> Field:
    return _choice("measure", "what the figure measures", *choices)


_CLAIM_ID = Field(
    "claim_id", "str", "the ledger claim holding the value", checks=(ID_RULE,), unique=True
)


TABLE_SPECS: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "commissioner_position_1314",
            (
                _choice("quarter", "quarter of 2013-14 reported", "Q1", "Q2"),
                _choice("org_type", "which commissioners", "ccg", "nhs_england", "sector"),
                _measures(
                    "plan",
                    "plan_pct_of_resources",
                    "ytd_shortfall_pct",
                    "forecast_shortfall",
                    "forecast_shortfall_pct",
                    "forecast_delivery_pct",
                    "transformational_plan",
                    "transformational_forecast_shortfall",
                ),
                _CLAIM_ID,
            ),
        ),
        TableSpec(
            "tracker_savings_profile",
            (
                Field(
                    "year",
                    "str",
                    "financial year",
                    checks=(matches(r"20\d\d-\d\d", "a year such as 2011-12"),),
                ),
                Field(
                    "programme_year",
                    "int",
                    "year of the four-year QIPP programme",
                    checks=(_between(1, 4),),
                ),
                _CLAIM_ID,
            ),
        ),
        TableSpec(
            "savings_2011_12_estimates",
            (
                Field("estimate", "str", "whose figure for 2011-12 savings", unique=True),
                _CLAIM_ID,
            ),
        ),
        TableSpec(
            "nhse_q1_1314_by_service_area",
            (
                _choice(
                    "service_area",
                    "NHS England service area, or all",
                    "all",
                    "primary_care",
                    "public_health",
                    "specialised_services",
                ),
                _measures(
                    "plan", "ytd_shortfall_pct", "forecast_shortfall", "forecast_shortfall_pct"
                ),
                _CLAIM_ID,
            ),
        ),
        TableSpec(
            "ccg_q1_1314_threshold_counts",
            (
                _choice(
                    "measure",
                    "the CCG-level measure counted",
                    "target_pct_of_allocation",
                    "ytd_shortfall_pct",
                    "forecast_gap_pct",
                ),
                _choice(
                    "comparison", "how CCGs are compared with the threshold", "<", "<=", ">", ">="
                ),
                Field("threshold_pct", "float", "the threshold, per cent"),
                Field("excludes", "str", "a CCG the published count leaves out", nullable=True),
                _CLAIM_ID,
            ),
        ),
        TableSpec(
            "pct_plans_2010_11",
            (
                Field("organisation", "str", "the PCT (or PCT group)"),
                Field("period", "str", "the period of the figure"),
                _measures(
                    "plan",
                    "forecast_miss",
                    "forecast_miss_pct",
                    "ytd_shortfall_pct",
                    "unidentified",
                    "unidentified_pct",
                    "deficit",
                    "nonrecurrent_cuts",
                    "at_risk",
                    "prescribing_saving",
                    "prescribing_share_pct",
                    "urgent_care_over_75s_share_pct",
                    "elective_variation_share_pct",
                    "demand_management_share_pct",
                ),
                _CLAIM_ID,
            ),
        ),
    )
}

# The value columns a tidy table gains from the ledger on load.
LEDGER_COLUMNS: tuple[str, ...] = ("value", "unit", "precision", "qualifier", "source")
