"""Derivations, the tolerance rule and the scorecard."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from qipp import derive, ledger
from qipp.derive import DERIVATIONS, Band, tolerance
from qipp.validation import DataError

# --------------------------------------------------------------------------- tolerance


@pytest.mark.parametrize(
    "value, precision, qualifier, inside, outside",
    [
        (12.9, 0.1, None, [12.85, 12.9, 12.95], [12.84, 12.96]),
        (4, 1, None, [3.5, 4.47], [4.51, 3.49]),
        (5, 1, "around", [4.5, 5.5], [4.2, 5.6]),
        (20, 1, "around", [18, 22], [17.9, 22.1]),
        (2, 1, "more than", [2.0001, 9], [2, 1.9]),
        (11, 1, "at least", [11, 30], [10.9]),
        (50, 1, "less than", [41.3, 49.99], [50, 51]),
        (20, 1, "up to", [20, 3], [20.01]),
        (50, 1, "just under", [45, 49.5], [50, 44.9]),
    ],
)
def test_tolerance_bands(value, precision, qualifier, inside, outside):
    band = tolerance(value, precision, qualifier)
    assert all(band.meets(x, x) for x in inside)
    assert not any(band.meets(x, x) for x in outside)


def test_unknown_qualifier_is_refused():
    with pytest.raises(ValueError, match="unknown qualifier 'roughly'"):
        tolerance(1, 1, "roughly")


def test_band_meets_an_interval_that_straddles_it():
    assert Band(12.15, 12.25).meets(12.18, 12.82)
    assert not Band(28.5, 29.5).meets(25.96, 26.35)
    assert Band(3.5, 4.5).gap(4.6) == pytest.approx(0.1)


def test_counts_are_exact_inputs_and_other_figures_carry_rounding():
    assert derive.input_interval(59, 1, "count") == (59, 59)
    low, high = derive.input_interval(71.5, 0.1, "GBP_m")
    assert (low, high) == pytest.approx((71.45, 71.55))


# --------------------------------------------------------------------------- each derivation

# Hand-built inputs (not the published ones) and the value each derivation must give.
HAND_BUILT = {
    "sector_q2_forecast_shortfall_pct": (
        {
            "sector_q2_forecast_shortfall_gbp_m": 300,
            "ccg_q1_plan_gbp_bn": 2.5,
            "nhse_q1_plan_gbp_m": 500,
        },
        10.0,
    ),
    "sector_q2_vs_q1_shortfall_ratio": (
        {
            "sector_q2_forecast_shortfall_gbp_m": 90,
            "ccg_q1_forecast_gap_gbp_m": 20,
            "nhse_q1_forecast_gap_gbp_m": 10,
        },
        3.0,
    ),
    "ccg_q2_shortfall_increase_gbp_m": (
        {"ccg_q2_forecast_shortfall_gbp_m": 150, "ccg_q1_forecast_gap_gbp_m": 40},
        110.0,
    ),
    "ccg_q2_n_regions_improved": ({"nhse_n_regions": 4, "ccg_q2_n_regions_worsened": 1}, 3.0),
    "sector_q2_transformational_share_of_shortfall_pct": (
        {
            "sector_q2_transformational_shortfall_gbp_m": 30,
            "sector_q2_forecast_shortfall_gbp_m": 120,
        },
        25.0,
    ),
    "nhse_q1_forecast_gap_pct": (
        {"nhse_q1_forecast_gap_gbp_m": 10, "nhse_q1_plan_gbp_m": 200},
        5.0,
    ),
    "nhse_q1_forecast_gap_pct_headline": (
        {"nhse_q1_forecast_gap_gbp_m": 30, "nhse_q1_plan_gbp_m": 120},
        25.0,
    ),
    "ccg_q1_forecast_gap_pct": ({"ccg_q1_forecast_gap_gbp_m": 50, "ccg_q1_plan_gbp_bn": 2.0}, 2.5),
    "ccg_q1_forecast_delivery_pct": (
        {"ccg_q1_forecast_gap_gbp_m": 50, "ccg_q1_plan_gbp_bn": 2.0},
        97.5,
    ),
    "ccg_q1_target_fold_variation": (
        {"ccg_q1_west_essex_target_pct": 5.0, "ccg_q1_dorset_target_pct": 0.5},
        10.0,
    ),
    "ccg_nr_fund_pct_of_budget": ({"nr_fund_pct_of_budget": 3}, 3.0),
    "ccg_q1_share_falling_behind_pct": (
        {"ccg_q1_n_ytd_any_slippage": 50, "ccg_q1_n_ccgs": 200},
        25.0,
    ),
    "tracker_total_1115_gbp_bn": (
        {
            "tracker_2011_12_gbp_bn": 1,
            "tracker_2012_13_gbp_bn": 2,
            "tracker_2013_14_gbp_bn": 3,
            "tracker_2014_15_gbp_bn": 4,
        },
        10.0,
    ),
    "tracker_local_share_yrs2_4_pct": (
        {
            "tracker_local_yrs2_4_gbp_bn": 3,
            "tracker_2012_13_gbp_bn": 5,
            "tracker_2013_14_gbp_bn": 4,
            "tracker_2014_15_gbp_bn": 3,
        },
        25.0,
    ),
    "tracker_local_share_headline_pct": ({"tracker_local_share_yrs2_4_pct": 47.0}, 47.0),
    "tracker_2011_12_gbp_bn": ({"dh_savings_2011_12_gbp_bn": 4.2}, 4.2),
    "dh_savings_2011_12_gbp_bn": ({"nao_dh_reported_savings_2011_12_gbp_bn": 6.1}, 6.1),
    "pct_qipp_challenge_high_gbp_bn": ({"nao_savings_sought_to_2014_15_gbp_bn": 18}, 18.0),
    "pct_norfolk_unidentified_pct": (
        {"pct_norfolk_unidentified_gbp_m": 5, "pct_norfolk_plan_2010_11_gbp_m": 40},
        12.5,
    ),
    "pct_extrapolated_shortfall_gbp_bn": (
        {
            "pct_mean_forecast_miss_pct": 10,
            "pct_qipp_challenge_low_gbp_bn": 10,
            "pct_qipp_challenge_high_gbp_bn": 30,
        },
        2.0,
    ),
    "pct_tameside_nonrecurrent_share_pct": (
        {"pct_tameside_nonrecurrent_gbp_m": 6, "pct_tameside_plan_gbp_m": 8},
        75.0,
    ),
    "pct_cec_prescribing_share_pct": (
        {"pct_cec_prescribing_saving_gbp_m": 4, "pct_cec_plan_gbp_m": 16},
        25.0,
    ),
}


def test_every_derivation_has_a_hand_built_case():
    assert set(HAND_BUILT) == set(DERIVATIONS)


@pytest.mark.parametrize("claim_id", sorted(HAND_BUILT))
def test_derivation_on_hand_built_values(claim_id):
    values, expected = HAND_BUILT[claim_id]
    derivation = DERIVATIONS[claim_id]
    assert set(values) == set(derivation.inputs)
    assert derivation.central(values) == pytest.approx(expected)
    assert derivation.working(values)  # the note can show its working


# Context figures (not scored): hand-built inputs in the order of each entry's
# inputs, and the value expected, in the order of CONTEXTS.
CONTEXT_CASES = [
    ((300, 10), 3000.0),  # plan implied by a 10% shortfall of 300
    ((300, 10, 500), 2.5),  # CCG plan: (3000 - 500) / 1000
    ((50, 200), 25.0),  # transformational miss, per cent
    ((300, 180), 120.0),  # NHS England = sector - CCGs
    ((20, 80), 25.0),  # primary care's share of the gap
    ((20, 10), 200.0),  # primary care target from gap and gap %
    ((300, 1.5), 20.0),  # budget £bn from £m plan and %
    ((2.0, 4.0), 50.0),  # allocations £bn from £bn plan and %
    ((3.0, 0.5), 600.0),  # allocation £m from £m plan and %
    ((30, 12), 18.0),  # counts: behind at Q1 minus forecasting a gap
    ((50, 8), 42.0),  # plans behind = plans - on course
    ((1, 4), 25.0),  # on-track share
    ((3, 6), 50.0),  # substantiated share
    ((10, 40), 25.0),  # one PCT's miss rate
    ((10, 4), 6.0),  # surplus before the miss
    ((1, 5), 20.0),  # achieved share
    ((20, 30), 6.0),  # saving implied by a share
    ((6, 20), 30.0),  # target implied by a share
]


def test_every_context_has_a_hand_built_case_and_refers_to_ledger_claims():
    assert len(CONTEXT_CASES) == len(derive.CONTEXTS)
    ids = set(ledger.load_claims()["id"])
    for context in derive.CONTEXTS:
        assert {context.claim_id, *context.inputs} <= ids
        assert context.assumption  # its label


@pytest.mark.parametrize("index", range(len(CONTEXT_CASES)))
def test_context_on_hand_built_values(index):
    context = derive.CONTEXTS[index]
    inputs, expected = CONTEXT_CASES[index]
    assert context.central(dict(zip(context.inputs, inputs, strict=True))) == pytest.approx(
        expected
    )


def test_context_lines_join_the_note(card):
    note = card.set_index("id").loc["pct_cec_prescribing_share_pct", "note"]
    assert (
        "context, the prescribing saving 29 per cent implies, £m: 29 / 100 x 32.5 = 9.425" in note
    )


def test_range_derivation_spans_both_ends():
    derivation = DERIVATIONS["pct_extrapolated_shortfall_gbp_bn"]
    intervals = {
        "pct_mean_forecast_miss_pct": (24, 24),
        "pct_qipp_challenge_low_gbp_bn": (15, 15),
        "pct_qipp_challenge_high_gbp_bn": (20, 20),
    }
    assert derivation.interval(intervals) == pytest.approx((3.6, 4.8))


def test_interval_takes_the_extremes_over_the_inputs_rounding():
    derivation = DERIVATIONS["tracker_local_share_yrs2_4_pct"]
    intervals = {
        "tracker_local_yrs2_4_gbp_bn": (4.45, 4.55),
        "tracker_2012_13_gbp_bn": (3.55, 3.65),
        "tracker_2013_14_gbp_bn": (2.85, 2.95),
        "tracker_2014_15_gbp_bn": (2.55, 2.65),
    }
    low, high = derivation.interval(intervals)
    assert low == pytest.approx(100 * 4.45 / 9.25)
    assert high == pytest.approx(100 * 4.55 / 8.95)


# --------------------------------------------------------------------------- scoring


def test_assess_reproduced_inconsistent_and_edge(make_claims):
    claims = make_claims(
        [
            ("nhse_q1_forecast_gap_gbp_m", 48.1, "GBP_m", 0.1, None),
            ("nhse_q1_plan_gbp_m", 374, "GBP_m", 1, None),
            ("nhse_q1_forecast_gap_pct", 12.9, "pct", 0.1, None),
            ("nhse_q1_forecast_gap_pct_headline", 15, "pct", 1, None),
        ]
    )
    card = derive.scorecard(claims).set_index("id")
    assert card.loc["nhse_q1_forecast_gap_pct", "status"] == "reproduced"
    assert card.loc["nhse_q1_forecast_gap_pct", "derived_value"] == pytest.approx(12.861)
    assert card.loc["nhse_q1_forecast_gap_pct_headline", "status"] == "inconsistent"
    assert "off by -2.14 pct (-14%)" in card.loc["nhse_q1_forecast_gap_pct_headline", "note"]
    assert card.loc["nhse_q1_plan_gbp_m", "status"] == "stated"
    assert math.isnan(card.loc["nhse_q1_plan_gbp_m", "derived_value"])
    assert (
        "input to nhse_q1_forecast_gap_pct (reproduced)" in card.loc["nhse_q1_plan_gbp_m", "note"]
    )


def test_inequality_claim_that_fails_its_bound(make_claims):
    claims = make_claims(
        [
            ("ccg_q2_forecast_shortfall_gbp_m", 150, "GBP_m", 0.1, None),
            ("ccg_q1_forecast_gap_gbp_m", 71.5, "GBP_m", 0.1, None),
            ("ccg_q2_shortfall_increase_gbp_m", 100, "GBP_m", 1, "more than"),
        ]
    )
    row = derive.scorecard(claims).set_index("id").loc["ccg_q2_shortfall_increase_gbp_m"]
    assert row["status"] == "inconsistent"
    assert "misses the bound by 21.5 GBP_m" in row["note"]


def test_edge_agreement_is_reported_as_such(make_claims):
    claims = make_claims(
        [
            ("sector_q2_forecast_shortfall_gbp_m", 246.6, "GBP_m", 0.1, None),
            ("ccg_q1_plan_gbp_bn", 1.6, "GBP_bn", 0.1, None),
            ("nhse_q1_plan_gbp_m", 374, "GBP_m", 1, None),
            ("sector_q2_forecast_shortfall_pct", 12.2, "pct", 0.1, None),
        ]
    )
    row = derive.scorecard(claims).set_index("id").loc["sector_q2_forecast_shortfall_pct"]
    assert row["status"] == "reproduced"
    assert "agrees only at the edge of what the inputs allow" in row["note"]


def test_missing_input_is_a_data_error(make_claims):
    claims = make_claims(
        [
            ("nhse_q1_forecast_gap_pct", 12.9, "pct", 0.1, None),
            ("nhse_q1_plan_gbp_m", 374, "GBP_m", 1, None),
        ]
    )
    with pytest.raises(DataError) as info:
        derive.scorecard(claims)
    assert str(info.value) == (
        "claims ledger::id: claim 'nhse_q1_forecast_gap_gbp_m' is needed to derive "
        "'nhse_q1_forecast_gap_pct' but is not in the ledger "
        "(expected every input of a derivation to be a claim)"
    )


# --------------------------------------------------------------------------- the committed ledger


@pytest.fixture(scope="module")
def card() -> pd.DataFrame:
    return derive.scorecard()


def test_every_derivation_refers_to_ledger_claims():
    ids = set(ledger.load_claims()["id"])
    for derivation in DERIVATIONS.values():
        assert derivation.claim_id in ids
        assert set(derivation.inputs) <= ids
        assert derivation.claim_id not in derivation.inputs


def test_scorecard_has_exactly_the_agreed_columns(card):
    assert list(card.columns) == list(derive.SCORECARD_COLUMNS)
    assert len(card) == len(ledger.load_claims())
    assert set(card["status"]) <= set(derive.STATUSES)
    assert card["note"].str.len().min() > 0


def test_statuses_of_the_committed_ledger(card):
    statuses = card.set_index("id")["status"]
    assert derive.status_counts(card) == {"reproduced": 20, "inconsistent": 2, "stated": 79}
    assert sorted(statuses[statuses == "inconsistent"].index) == [
        "pct_cec_prescribing_share_pct",
        "tracker_2011_12_gbp_bn",
    ]
    derived = card.set_index("id")["derived_value"]
    assert derived.isna().tolist() == (statuses == "stated").tolist()
    assert derived["sector_q2_vs_q1_shortfall_ratio"] == pytest.approx(246.6 / 119.6, rel=1e-5)
    assert derived["tracker_total_1115_gbp_bn"] == pytest.approx(12.9)


def test_scorecard_json_and_csv_agree(card, tmp_path):
    records = json.loads(derive.scorecard_json(card))
    assert [list(r) for r in records[:1]] == [list(derive.SCORECARD_COLUMNS)]
    assert all(r["derived_value"] is None for r in records if r["status"] == "stated")
    written = derive.write_scorecard(tmp_path, card)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv", "claims.json"]
    assert json.loads(written[0].read_text(encoding="utf-8")) == records
    frame = pd.read_csv(written[1])
    assert frame["id"].tolist() == [r["id"] for r in records]
