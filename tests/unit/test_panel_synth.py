"""The synthetic panel holds every published CCG-level aggregate exactly, for every seed.

Constraints are checked on the values as written to CSV and read back, with
plain pandas here rather than qipp's own aggregate code, so that a slip in
either is caught.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from qipp import ledger
from qipp.panel import (
    DEFAULT_SEED,
    GENERATOR_VERSION,
    generate_panel,
    load_panel,
    read_sidecar,
    write_panel_csv,
)
from qipp.panel.io import panel_to_csv_text
from qipp.panel.synth import largest_remainder, published_targets
from qipp.panel.synth.allocations import per_head_bounds_gbp, register_lists
from qipp.paths import SYNTHETIC_PANEL_CSV

SEEDS = range(101, 121)  # 20 seeds besides the committed panel's
RHOS = (0.0, 0.3, 0.6)


def _measures(panel: pd.DataFrame) -> pd.DataFrame:
    out = panel.copy()
    out["pct"] = 100 * panel["qipp_plan_gbp_m"] / panel["allocation_gbp_m"]
    ytd_short = (panel["ytd_plan_gbp_m"] - panel["ytd_actual_gbp_m"]).clip(lower=0)
    out["ytd_short_pct"] = 100 * ytd_short / panel["ytd_plan_gbp_m"]
    gap = (panel["qipp_plan_gbp_m"] - panel["forecast_outturn_gbp_m"]).clip(lower=0)
    out["gap_pct"] = 100 * gap / panel["qipp_plan_gbp_m"]
    return out


def assert_published_constraints(panel: pd.DataFrame) -> None:
    """Every constraint of the issue, stated directly."""
    m = _measures(panel)
    assert len(m) == 143 and m["ccg_code"].is_unique
    assert (m["data_status"] == "synthetic").all()
    assert m["region"].value_counts().to_dict() == {
        "North of England": 46,
        "Midlands and East of England": 41,
        "South of England": 34,
        "London": 22,
    }

    dorset = m.set_index("ccg_code").loc["11J"]
    essex = m.set_index("ccg_code").loc["07H"]
    assert (dorset["ccg_name"], dorset["region"]) == ("NHS Dorset CCG", "South of England")
    assert (essex["ccg_name"], essex["region"]) == (
        "NHS West Essex CCG",
        "Midlands and East of England",
    )
    assert round(dorset["qipp_plan_gbp_m"], 1) == 2.4
    assert round(dorset["pct"], 2) == 0.28 and round(essex["pct"], 2) == 6.44
    others = m[~m["ccg_code"].isin(["11J", "07H"])]
    assert others["ccg_code"].str.fullmatch(r"S\d{3}").all()
    assert (others["ccg_name"] == "Synthetic CCG " + others["ccg_code"].str[1:]).all()
    assert (m["pct"] > dorset["pct"]).sum() == 142  # Dorset the smallest
    assert (m["pct"] < essex["pct"]).sum() == 142  # West Essex the largest

    assert round(m["pct"].median(), 2) == 2.47
    assert (m["pct"] < 1).sum() == 11
    assert ((m["pct"] > 4) & (m["ccg_code"] != "07H")).sum() == 17
    assert round(m["pct"].max() / m["pct"].min()) == 23

    assert (m["ytd_short_pct"] >= 20).sum() == 34
    assert (m["ytd_short_pct"] > 0).sum() == 59
    assert round(100 * m["forecast_outturn_gbp_m"].sum() / m["qipp_plan_gbp_m"].sum()) == 96
    assert (m["gap_pct"] >= 20).sum() == 11

    top15 = m.sort_values("pct", ascending=False).head(16)
    assert top15["pct"].iloc[14] > top15["pct"].iloc[15]  # the top 15 is well defined
    assert top15.head(15)["uses_non_recurrent_fund"].sum() == 7

    # Soft targets and realism.
    ytd_total = 100 * (1 - m["ytd_actual_gbp_m"].sum() / m["ytd_plan_gbp_m"].sum())
    assert abs(ytd_total - 11) <= 1.0
    sector_pct = 100 * m["qipp_plan_gbp_m"].sum() / m["allocation_gbp_m"].sum()
    assert abs(sector_pct - 2.6) <= 0.3
    # Allocations: real list sizes at the assumed £ per head (decision 0030), the bounds
    # read from the register and the generator's stated per-head range.
    lists = register_lists()
    _, low, high = per_head_bounds_gbp(lists)
    lowest, highest = lists.real.min() * low / 1e6, lists.real.max() * high / 1e6
    assert m["allocation_gbp_m"].between(lowest - 0.001, highest + 0.001).all()
    assert (m["transformational_plan_gbp_m"] <= m["qipp_plan_gbp_m"]).all()
    assert (m["ytd_plan_gbp_m"] <= m["qipp_plan_gbp_m"]).all()
    assert (m["forecast_outturn_gbp_m"] >= m["ytd_actual_gbp_m"]).all()


def _round_trip(panel: pd.DataFrame, tmp_path, name: str) -> pd.DataFrame:
    path = tmp_path / f"{name}.csv"
    write_panel_csv(panel, path)
    return load_panel(path)


def test_committed_panel_holds_every_constraint():
    assert_published_constraints(load_panel(SYNTHETIC_PANEL_CSV))


def test_committed_panel_is_what_its_sidecar_says():
    meta = read_sidecar(SYNTHETIC_PANEL_CSV)
    assert meta["data_status"] == "synthetic" and "SYNTHETIC DATA" in meta["note"]
    assert (meta["generator_version"], meta["seed"], meta["rho"]) == (
        GENERATOR_VERSION,
        DEFAULT_SEED,
        0.0,
    )
    text = SYNTHETIC_PANEL_CSV.read_text(encoding="utf-8")
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == meta["csv_sha256"]
    # Regenerating reproduces the committed file byte for byte.
    assert panel_to_csv_text(generate_panel(meta["seed"], meta["rho"])) == text


def test_committed_panel_is_small_and_readable():
    lines = SYNTHETIC_PANEL_CSV.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 144
    assert lines[1].startswith("07H,NHS West Essex CCG,Midlands and East of England,")
    assert all(
        re.fullmatch(r"[^,]+,[^,]+,[^,]+,(\d+\.\d{3},){6}(true|false),synthetic", line)
        for line in lines[1:]
    )


@pytest.mark.parametrize("rho", RHOS)
@pytest.mark.parametrize("seed", SEEDS)
def test_every_seed_holds_every_constraint_after_a_csv_round_trip(seed, rho, tmp_path):
    assert_published_constraints(_round_trip(generate_panel(seed, rho), tmp_path, "p"))


def test_realised_rank_correlation_rises_with_rho():
    def realised(seed: int, rho: float) -> float:
        m = _measures(generate_panel(seed, rho))
        return spearmanr(m["pct"], m["gap_pct"]).statistic

    means = [np.mean([realised(s, rho) for s in SEEDS]) for rho in RHOS]
    assert means[0] < means[1] < means[2]
    assert abs(means[0]) < 0.1 and means[2] > 0.3


def test_rho_zero_does_not_force_the_realised_correlation_to_zero():
    values = [
        spearmanr(*_measures(generate_panel(s))[["pct", "gap_pct"]].T.values).statistic
        for s in SEEDS
    ]
    assert max(abs(v) for v in values) > 0.1
    assert np.std(values) > 0.03


def test_generation_is_deterministic_and_seed_dependent():
    pd.testing.assert_frame_equal(generate_panel(5, 0.3), generate_panel(5, 0.3))
    assert not generate_panel(5).equals(generate_panel(6))
    assert not generate_panel(5, 0.0).equals(generate_panel(5, 0.6))


def test_extreme_rho_still_holds_every_constraint(tmp_path):
    for rho in (-1.0, -0.6, 1.0):
        assert_published_constraints(_round_trip(generate_panel(7, rho), tmp_path, "x"))


def test_rho_outside_minus_one_to_one_is_refused():
    with pytest.raises(ValueError, match=r"rho must lie in \[-1, 1\], not 1.5"):
        generate_panel(1, 1.5)


def test_regions_follow_the_211_ccgs_of_april_2013_by_largest_remainder():
    counts = {
        "North of England": 68,
        "Midlands and East of England": 61,
        "South of England": 50,
        "London": 32,
    }
    assert largest_remainder(counts, 143) == {
        "North of England": 46,
        "Midlands and East of England": 41,
        "South of England": 34,
        "London": 22,
    }
    assert largest_remainder(counts, 211) == counts


def _ledger_with(monkeypatch, claim_id: str, value: float) -> None:
    """Stand in a ledger that states ``claim_id`` as ``value`` (the file is untouched)."""
    real = ledger.claim_values
    monkeypatch.setattr(
        ledger, "claim_values", lambda claims=None: {**real(claims), claim_id: value}
    )


def test_the_generator_takes_its_targets_from_the_ledger(monkeypatch):
    # A ledger stating one CCG fewer among the top 15 using the fund gives a panel
    # with one fewer: the figure is read from the ledger, not from a copy.
    stated = published_targets().n_top_using_nr_fund
    _ledger_with(monkeypatch, "ccg_q1_n_top15_using_nr_fund", stated - 1.0)
    assert published_targets().n_top_using_nr_fund == stated - 1
    m = _measures(generate_panel(DEFAULT_SEED))
    top15 = m.sort_values("pct", ascending=False).head(15)
    assert top15["uses_non_recurrent_fund"].sum() == stated - 1


def test_a_count_that_is_not_whole_is_refused(monkeypatch):
    _ledger_with(monkeypatch, "ccg_q1_n_ccgs", 143.5)
    with pytest.raises(ValueError, match="'ccg_q1_n_ccgs' is 143.5, but n_ccgs is a count"):
        published_targets()


def test_targets_outside_the_generators_bands_are_refused_before_drawing(monkeypatch):
    _ledger_with(monkeypatch, "ccg_q1_median_target_pct", 2.9)
    with pytest.raises(ValueError, match="the median target lies between 2.46% and 2.48%"):
        generate_panel(1)
