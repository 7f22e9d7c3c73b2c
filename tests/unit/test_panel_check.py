"""Published aggregates beside the panel's own values."""

from __future__ import annotations

import pandas as pd
import pytest

from qipp.panel import check_panel, generate_panel, load_panel
from qipp.panel.check import (
    CHECKS,
    CLAIM_IDS,
    MATCH,
    MISMATCH,
    NOT_IN_PANEL,
    QUARTER_CHECKS,
    QUARTER_CLAIM_IDS,
    hard_mismatches,
    published_values,
)
from qipp.paths import SYNTHETIC_PANEL_CSV, SYNTHETIC_QUARTERS_CSV

PUBLISHED = {
    "ccg_q1_n_ccgs": 143,
    "ccg_q1_target_fold_variation": 23,
    "ccg_q1_median_target_pct": 2.47,
    "ccg_q1_n_target_under_1pct": 11,
    "ccg_q1_dorset_plan_gbp_m": 2.4,
    "ccg_q1_dorset_target_pct": 0.28,
    "ccg_q1_west_essex_target_pct": 6.44,
    "ccg_q1_n_target_over_4pct_excl_west_essex": 17,
    "ccg_q1_n_top15": 15,
    "ccg_q1_n_top15_using_nr_fund": 7,
    "ccg_q1_n_ytd_shortfall_20pct": 34,
    "ccg_q1_n_ytd_any_slippage": 59,
    "ccg_q1_forecast_delivery_pct": 96,
    "ccg_q1_n_forecast_gap_20pct": 11,
    "ccg_q1_ytd_shortfall_pct": 11,
    "ccg_plan_pct_of_allocation": 2.6,
}


def test_the_checks_cover_exactly_the_published_ccg_aggregates():
    assert sorted(CLAIM_IDS) == sorted(PUBLISHED)


def test_every_aggregate_matches_on_the_committed_synthetic_panel():
    table = check_panel(load_panel(SYNTHETIC_PANEL_CSV), PUBLISHED)
    exact = table[~table["rule"].str.contains("soft")]
    assert (exact["status"] == MATCH).all(), exact
    assert table.loc[table["rule"].str.contains("soft"), "status"].eq("near (soft target)").all()


def test_a_changed_panel_shows_mismatches():
    panel = generate_panel(11)
    on_plan = panel["ytd_actual_gbp_m"] >= panel["ytd_plan_gbp_m"]
    first_on_plan = on_plan.idxmax()
    panel.loc[first_on_plan, "ytd_actual_gbp_m"] = 0.0  # now 20%+ behind
    table = check_panel(panel, PUBLISHED).set_index("claim_id")["status"]
    assert hard_mismatches(table.reset_index()) == [
        "ccg_q1_n_ytd_shortfall_20pct",
        "ccg_q1_n_ytd_any_slippage",
    ]

    without_dorset = check_panel(panel[panel["ccg_code"] != "11J"], PUBLISHED)
    status = without_dorset.set_index("claim_id")["status"]
    assert status["ccg_q1_n_ccgs"] == MISMATCH
    assert status["ccg_q1_dorset_plan_gbp_m"] == NOT_IN_PANEL


def test_missing_published_values_are_said_so():
    table = check_panel(generate_panel(11), {"ccg_q1_n_ccgs": 143})
    assert (
        table.set_index("claim_id")["status"].drop("ccg_q1_n_ccgs") == "no published value"
    ).all()


def test_ledger_holds_every_claim_the_check_needs():
    published = published_values()
    assert sorted(published) == sorted(CLAIM_IDS + QUARTER_CLAIM_IDS)
    for claim_id, value in (PUBLISHED | Q2_PUBLISHED).items():
        assert published[claim_id] == pytest.approx(value), claim_id


def test_matching_precision_agrees_with_the_ledger():
    from qipp.ledger import load_claims

    precision = load_claims().set_index("id")["precision"]
    for check in CHECKS:
        if check.soft_tolerance is None and check.decimals is not None:
            assert precision[check.claim_id] == pytest.approx(10.0**-check.decimals), check.claim_id
        elif check.soft_tolerance is None:
            assert precision[check.claim_id] == 1, check.claim_id


def test_default_check_reads_the_ledger():
    table = check_panel(load_panel(SYNTHETIC_PANEL_CSV))
    assert isinstance(table, pd.DataFrame) and hard_mismatches(table) == []


Q2_PUBLISHED = {
    "sector_q2_vs_q1_shortfall_ratio": 2,
    "ccg_q2_n_regions_worsened": 3,
    "ccg_q2_n_regions_improved": 1,
    "sector_q2_transformational_share_of_shortfall_pct": 50,
}


def _long() -> pd.DataFrame:
    # Read with pandas: the panel reader takes a quarter column once helper A's intake lands.
    return pd.read_csv(SYNTHETIC_QUARTERS_CSV, dtype={"ccg_code": str}, keep_default_na=False)


def test_a_single_quarter_table_is_unchanged_with_or_without_a_quarter_column():
    panel = load_panel(SYNTHETIC_PANEL_CSV)
    table = check_panel(panel, PUBLISHED)
    assert table["claim_id"].tolist() == list(CLAIM_IDS)
    labelled = panel.assign(quarter="2013-14 Q1")[["quarter", *panel.columns]]
    pd.testing.assert_frame_equal(check_panel(labelled, PUBLISHED), table)


def test_two_quarters_check_the_first_and_then_the_q1_to_q2_changes():
    table = check_panel(_long(), PUBLISHED | Q2_PUBLISHED)
    q1_table = check_panel(load_panel(SYNTHETIC_PANEL_CSV), PUBLISHED)
    pd.testing.assert_frame_equal(table.head(len(CHECKS)), q1_table)
    changes = table.tail(len(QUARTER_CHECKS)).set_index("claim_id")
    assert changes.index.tolist() == list(QUARTER_CLAIM_IDS)
    assert (changes["status"] == MATCH).all(), changes
    assert changes.loc["sector_q2_vs_q1_shortfall_ratio", "panel"] == pytest.approx(2.474, abs=1e-3)
    assert changes.loc["sector_q2_vs_q1_shortfall_ratio", "rule"] == "more than"


def test_a_second_quarter_that_repeats_the_first_fails_the_changes():
    long = _long()
    first = long[long["quarter"] == "2013-14 Q1"]
    same = pd.concat([first, first.assign(quarter="2013-14 Q2")], ignore_index=True)
    status = check_panel(same, Q2_PUBLISHED).set_index("claim_id")["status"]
    assert status[list(QUARTER_CLAIM_IDS[:3])].eq(MISMATCH).all()  # ratio 1; no region moved
    # The transformational share needs its column; without it the row says so.
    bare = check_panel(same.drop(columns="transformational_forecast_gbp_m"), Q2_PUBLISHED)
    assert bare.set_index("claim_id").loc[QUARTER_CLAIM_IDS[3], "status"] == NOT_IN_PANEL


def test_more_than_means_strictly_more():
    ratio = QUARTER_CHECKS[0]
    assert [ratio.status(2.0, v) for v in (2.0, 2.01)] == [MISMATCH, MATCH]
