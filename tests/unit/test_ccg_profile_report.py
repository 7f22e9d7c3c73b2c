"""The CCG profile's phrases: agreement, ties (all tied too), small and partial panels.

Built from hand-made panels and registers, from the committed synthetic panel
(an S-code and the real codes HSJ named), and from a panel holding exactly the
real register's 211 CCGs, the one case where a median is England's.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from qipp.findings.ccg_profile.calc import (
    Rank,
    Scope,
    ccg_profile,
    region_summary,
)
from qipp.findings.ccg_profile.per_head import ccg_population
from qipp.findings.ccg_profile.report import (
    forecast_phrase,
    median_phrase,
    median_sentence,
    panel_source,
    q1_phrase,
    rank_phrase,
    region_sentence,
    spread_sentence,
)
from qipp.findings.wording import ccgs, ordinal
from qipp.ledger import cite, claim
from qipp.ledger.wording import as_published
from qipp.panel import load_measured
from qipp.reference import load_register

sys.path.insert(0, str(Path(__file__).parents[1]))
from profile_panels import EMPTY_REGISTER, panel_of  # noqa: E402

SYNTHETIC_PANEL = load_measured("")


def _shown(claim_id: str) -> str:
    row = claim(claim_id)
    return as_published(row["value"], row["unit"], row["precision"], row["qualifier"])


# ----------------------------------------------------------------------------- words


@pytest.mark.parametrize(("n", "words"), [(0, "0 CCGs"), (1, "1 CCG"), (2, "2 CCGs")])
def test_ccg_counts_agree(n, words):
    assert ccgs(n) == words


@pytest.mark.parametrize(
    ("n", "words"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (23, "23rd"), (112, "112th")]
)
def test_ordinals(n, words):
    assert ordinal(n) == words


def test_a_tie_is_stated_as_a_tie_with_one_other_or_several():
    scope = Scope(143)
    assert rank_phrase(Rank(3, 143, 2), scope) == (
        "joint 3rd largest of the panel's 143 CCGs, with 2 others"
    )
    assert rank_phrase(Rank(3, 143, 1), scope).endswith("with 1 other")
    assert rank_phrase(Rank(1, 143, 1), scope) == (
        "joint largest of the panel's 143 CCGs, with 1 other"
    )
    assert rank_phrase(Rank(3, 143, 0), scope) == "the 3rd largest of the panel's 143 CCGs"


def test_the_ends_are_named_never_a_percentile_of_nought():
    scope = Scope(143)
    assert rank_phrase(Rank(143, 143, 0), scope) == "the smallest of the panel's 143 CCGs"
    assert rank_phrase(Rank(1, 143, 0), scope) == "the largest of the panel's 143 CCGs"
    assert "0%" not in rank_phrase(Rank(143, 143, 0), scope)


def test_every_ccg_tied_is_said_so():
    assert rank_phrase(Rank(1, 3, 2), Scope(3)) == "shared by all of the panel's 3 CCGs"
    assert rank_phrase(Rank(1, 2, 1), Scope(2)) == "shared by both of the panel's 2 CCGs"


def test_a_panel_of_one_has_no_rank():
    assert rank_phrase(Rank(1, 1, 0), Scope(1)) == "the only one in the panel"


def test_the_median_is_the_panels_unless_the_panel_is_englands():
    assert median_phrase(Scope(143)) == "the panel's median"
    assert median_phrase(Scope(211, complete=True)) == "the national median"
    assert median_phrase(Scope(32, "London", complete=True)) == "the region's median"


# ----------------------------------------------------------------------------- a small panel


def test_a_three_ccg_panel_all_tied_reads_naturally():
    panel = panel_of([2.0, 2.0, 2.0], forecast=[2.0, 1.0, 2.0])
    found = ccg_profile(panel, "S002", register=EMPTY_REGISTER)
    assert rank_phrase(found.rank, found.scope) == "shared by all of the panel's 3 CCGs"
    assert "forecast to fall **50.0% short** of its plan" in forecast_phrase(found)
    assert median_phrase(found.scope) == "the panel's median" and found.median_target_pct == 2.0
    region = region_sentence(found.region_summary)
    # 3 CCGs: counted, not given a median or a rank (tests/unit/test_small_counts.py).
    assert region.startswith("The panel's 3 CCGs in London are too few for medians or a rank")
    assert "1 of them forecasts a year-end shortfall" in region


def test_region_counts_agree_in_number_and_none_is_none():
    panel = panel_of([3.0, 2.0, 1.0], forecast=[1.0, 1.0, 0.5])
    text = region_sentence(region_summary(panel, "S001", register=EMPTY_REGISTER))
    assert "3 of them forecast a year-end shortfall" in text
    quiet = region_sentence(region_summary(panel_of([3.0, 2.0]), "S001", register=EMPTY_REGISTER))
    assert "none of them forecasts" in quiet


def test_the_only_ccg_of_its_region_has_no_peers_to_rank_against():
    panel = panel_of([3.0, 2.0], region=["London", "North of England"])
    text = region_sentence(region_summary(panel, "S001", register=EMPTY_REGISTER))
    assert text == "It is the panel's only CCG in London: it has no peers there to rank against."


@pytest.mark.parametrize(
    ("ytd", "forecast", "q1", "year_end"),
    [
        ([0.5], [2.0], "**on plan** at Q1", "**its full plan**"),
        ([0.6], [2.5], "**ahead of plan** at Q1", "**more than its plan**"),
        ([0.25], [1.5], "**50.0% behind** its plan at Q1", "**25.0% short**"),
        ([0.4999], [2.0001], "**under 0.1% behind**", "**its full plan**"),
    ],
)
def test_q1_position_and_forecast_words(ytd, forecast, q1, year_end):
    found = ccg_profile(panel_of([2.0], ytd=ytd, forecast=forecast), "S001", EMPTY_REGISTER)
    assert q1 in q1_phrase(found) and year_end in forecast_phrase(found)
    assert rank_phrase(found.rank, found.scope) == "the only one in the panel"


# ----------------------------------------------------------------------------- real panels


def test_a_real_code_and_an_s_code_on_the_synthetic_panel():
    panel = SYNTHETIC_PANEL[0]
    west_essex, invented = ccg_profile(panel, "07H"), ccg_profile(panel, "S001")
    n = ccgs(len(panel))
    assert west_essex.ccg_name == claim("ccg_q1_west_essex_target_pct")["scope"]
    assert f"{west_essex.target_pct:.2f}%" == _shown("ccg_q1_west_essex_target_pct")
    assert rank_phrase(west_essex.rank, west_essex.scope) == f"the largest of the panel's {n}"
    invented_rank = rank_phrase(invented.rank, invented.scope)
    assert re.fullmatch(rf"the \d+(st|nd|rd|th) largest of the panel's {n}", invented_rank)
    words = [q1_phrase(invented), forecast_phrase(invented), median_phrase(invented.scope)]
    assert "NaN" not in " ".join(words)


def test_the_smallest_target_on_the_synthetic_panel():
    found = ccg_profile(SYNTHETIC_PANEL[0], "11J")
    assert (
        rank_phrase(found.rank, found.scope) == f"the smallest of the panel's {ccgs(found.rank.n)}"
    )


def test_a_panel_of_exactly_englands_ccgs_has_national_figures():
    register = load_register()
    codes = register["ccg_code"].tolist()
    panel = panel_of(
        [1.0 + (i % 7) for i in range(len(codes))],
        region=register["region"].tolist(),
        codes=codes,
        register=register,
    )
    found = ccg_profile(panel, codes[0], register=register)
    assert f"of England's {ccgs(len(register))}" in rank_phrase(found.rank, found.scope)
    assert median_phrase(found.scope) == "the national median"
    region = found.region
    n_region = int((register["region"] == region).sum())
    assert region_sentence(found.region_summary).startswith(f"{region}'s {ccgs(n_region)}:")
    per_head = median_sentence(ccg_population(panel, codes[0]).panel, True)
    assert per_head.startswith(f"The national median, over England's {ccgs(len(register))}")


# ----------------------------------------------------------------------------- the ledger


def test_the_published_spread_comes_from_the_ledger_with_its_citation():
    text = spread_sentence()
    for claim_id in (
        "ccg_q1_dorset_target_pct",
        "ccg_q1_west_essex_target_pct",
        "ccg_q1_median_target_pct",
        "ccg_q1_n_ccgs",
    ):
        assert _shown(claim_id) in text
    fold = claim("ccg_q1_target_fold_variation")
    assert f"a {fold['value']:.0f}-fold variation" in text
    assert text.startswith(cite("hsj_ccg_variation_q1_1314"))
    assert claim("ccg_q1_dorset_target_pct")["scope"] in text


def test_sources_are_cited_not_typed():
    assert panel_source(True, "p.csv") == (
        f"synthetic panel calibrated to {cite('hsj_ccg_variation_q1_1314')}"
    )
    assert panel_source(False, "mine.xlsx").endswith("(mine.xlsx)")
