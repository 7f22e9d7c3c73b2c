"""The CCG profile's figures: ranks with ties, whose CCGs a rank is over, its tables.

Hand-built panels (3 CCGs, ties, every CCG level, a panel holding exactly a
hand-built register) and the committed synthetic panel, whose largest and
smallest targets are the two CCGs HSJ named (read from the ledger here).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from qipp.findings.ccg_profile.calc import (
    COUNT_CLAIMS,
    PEER_LABELS,
    Rank,
    Scope,
    ccg_profile,
    panel_counts,
    rank_of,
    region_summary,
    scope_of,
)
from qipp.ledger import claim, load_claims
from qipp.ledger.wording import as_published
from qipp.panel import load_measured
from qipp.paths import SYNTHETIC_PANEL_CSV

sys.path.insert(0, str(Path(__file__).parents[1]))
from profile_panels import EMPTY_REGISTER, panel_of  # noqa: E402

# ----------------------------------------------------------------------------- ranks


def test_a_tie_is_a_shared_rank_and_the_next_skips():
    values = [5.0, 3.0, 3.0, 3.0, 1.0]
    assert rank_of(values, 3.0) == Rank(2, 5, 2)
    assert rank_of(values, 1.0) == Rank(5, 5, 0) and rank_of(values, 1.0).last
    assert rank_of(values, 5.0).first and not rank_of(values, 5.0).joint


def test_values_equal_as_shown_are_tied_and_unequal_ones_are_not():
    assert rank_of([2.004, 2.0], 2.0).joint  # both show 2.00
    assert not rank_of([2.01, 2.0], 2.0).joint


def test_every_ccg_level_is_all_tied_and_one_ccg_is_not():
    assert rank_of([2.0, 2.0, 2.0], 2.0).all_tied
    assert not rank_of([2.0], 2.0).all_tied


def test_a_value_not_ranked_is_refused():
    with pytest.raises(ValueError, match="not among the values"):
        rank_of([1.0, 2.0], 3.0)


def test_a_panel_is_englands_only_when_it_holds_exactly_the_registers_ccgs():
    register = pd.DataFrame({"ccg_code": ["01A", "02B", "03C"], "region": ["London"] * 3})
    assert scope_of(["01A", "02B", "03C"], register) == Scope(3, "England", True)
    assert not scope_of(["01A", "02B"], register).complete
    assert not scope_of(["01A", "02B", "03C", "S001"], register).complete
    assert scope_of(["01A", "02B", "03C"], register, "London").complete


# ----------------------------------------------------------------------------- profiles


def test_the_synthetic_panels_largest_and_smallest_are_hsjs():
    panel, synthetic, label, data_notes = load_measured("")
    assert synthetic and label.endswith(".csv") and "/work" not in label and data_notes == ()
    n = int(claim("ccg_q1_n_ccgs")["value"])
    largest, smallest = ccg_profile(panel, "07H"), ccg_profile(panel, "11J")
    published = claim("ccg_q1_west_essex_target_pct")
    assert round(largest.target_pct, 2) == published["value"]
    assert largest.rank == Rank(1, n, 0) and smallest.rank == Rank(n, n, 0)
    assert not largest.scope.complete  # the panel is not England's 211 CCGs
    assert largest.region_summary.rank.first and smallest.region_summary.rank.last


def test_a_panel_is_read_once_per_content_and_each_caller_gets_its_own_copy(tmp_path):
    path = tmp_path / "panel.csv"
    path.write_bytes(SYNTHETIC_PANEL_CSV.read_bytes())
    first, *_ = load_measured(str(path))
    first.loc[:, "qipp_plan_gbp_m"] = 0.0  # a notebook changing its panel changes no one else's
    second, *_ = load_measured(str(path))
    assert second["qipp_plan_gbp_m"].gt(0).all()
    frame = pd.read_csv(path)
    frame.loc[0, "qipp_plan_gbp_m"] += 1.0  # new bytes: read again, not served from before
    frame.to_csv(path, index=False)
    third, *_ = load_measured(str(path))
    assert third["qipp_plan_gbp_m"].iloc[0] == pytest.approx(
        second["qipp_plan_gbp_m"].iloc[0] + 1.0
    )


def test_an_unknown_code_is_a_key_error_naming_it():
    with pytest.raises(KeyError, match="99Z"):
        ccg_profile(panel_of([1.0, 2.0]), "99Z", register=EMPTY_REGISTER)


def test_a_three_ccg_panel_ranks_ties_and_region_counts():
    panel = panel_of([3.0, 2.0, 2.0], forecast=[3.0, 1.0, 2.0])
    found = ccg_profile(panel, "S002", register=EMPTY_REGISTER)
    assert found.rank == Rank(2, 3, 1) and found.median_target_pct == 2.0
    assert found.forecast_gap_pct == pytest.approx(50.0)
    summary = region_summary(panel, "S002", register=EMPTY_REGISTER)
    assert summary.n_forecast_shortfall == 1 and summary.scope == Scope(3, "London", False)


def test_the_region_summary_covers_only_the_ccgs_region():
    panel = panel_of([3.0, 2.0, 1.0], region=["London", "London", "North of England"])
    summary = region_summary(panel, "S002", register=EMPTY_REGISTER)
    assert summary.scope.n == 2 and summary.rank == Rank(2, 2, 0)


# ----------------------------------------------------------------------------- tables


def test_peers_are_sorted_ranked_with_ties_and_highlight_only_this_ccg():
    panel = panel_of([2.0, 3.0, 2.0, 1.0], region=["London"] * 3 + ["South of England"])
    summary = region_summary(panel, "S003", register=EMPTY_REGISTER)
    peers = summary.peers
    assert list(peers.columns) == list(PEER_LABELS)
    assert peers["ccg_code"].tolist() == ["S002", "S001", "S003"]
    assert peers["rank"].tolist() == ["1", "=2", "=2"]
    shown = summary.as_table(caption="Source: a panel.")
    # 3 peers: too few for a rank column on the page (tests/unit/test_small_counts.py).
    assert shown.highlight == (2,) and shown.headers == list(PEER_LABELS.values())[1:]
    assert "this CCG" not in str(shown)  # no marker column: the row itself is highlighted
    assert 'class="dataframe"' not in shown._repr_html_()


def test_the_position_table_has_both_periods_and_no_missing_value():
    found = ccg_profile(panel_of([4.0, 2.0]), "S001", register=EMPTY_REGISTER)
    shown = found.as_table()
    assert shown.cells["Planned (£m)"].tolist() == ["1.00", "4.00"]
    assert "–" not in shown.cells.to_numpy()  # no missing value


def test_counts_are_the_panels_beside_the_ledgers_as_published():
    panel = panel_of([2.0, 2.0, 2.0], ytd=[0.45, 0.3, 0.5], forecast=[2.0, 1.5, 2.0])
    claims = load_claims()
    frame = panel_counts(panel, claims).frame
    expected = [
        as_published(r["value"], r["unit"], r["precision"], r["qualifier"])
        for r in (claim(c, claims) for c in COUNT_CLAIMS.values())
    ]
    assert frame["published"].tolist() == expected
    assert frame["panel"].tolist() == [3, 1, 2, 1]  # 10% and 40% behind
    assert frame["measure"].tolist() == list(COUNT_CLAIMS)
