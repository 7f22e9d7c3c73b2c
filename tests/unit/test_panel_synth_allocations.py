"""Allocations of the synthetic panel: real list sizes, an assumed figure per head (decision 0030).

Every real figure here (list sizes, names, the published targets) is read from
``data/`` through the register and the ledger; none is typed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qipp import ledger
from qipp.panel import DEFAULT_SEED, generate_panel, load_panel, read_sidecar
from qipp.panel.schema import DORSET_CODE, WEST_ESSEX_CODE
from qipp.panel.synth import panel_metadata, published_targets
from qipp.panel.synth.allocations import (
    avoid_real_sizes,
    check_per_head,
    dorset_per_head_gbp,
    draw_allocations_gbp_k,
    draw_list_sizes,
    draw_per_head_gbp,
    per_head_bounds_gbp,
    register_lists,
)
from qipp.panel.synth.targets import (
    PER_HEAD_LOG_SD,
    SECTOR_ALLOCATION_GBP_M,
    dorset_allocation_gbp_k,
)
from qipp.paths import SYNTHETIC_PANEL_CSV
from qipp.reference import load_register, normalised_name

SEEDS = (1, 2, 3, 101, 2024)
NAMED = (DORSET_CODE, WEST_ESSEX_CODE)
# The acceptance range of issue 13: £0.9k to £1.4k per registered patient.
PER_HEAD_ACCEPTED_GBP = (900.0, 1400.0)


@pytest.fixture(scope="module")
def lists():
    return register_lists()


@pytest.fixture(scope="module")
def register():
    return load_register()


def _per_head_of_named(panel: pd.DataFrame, register: pd.DataFrame) -> dict[str, float]:
    """Allocation per registered patient (£) of 11J and 07H: the panel over the register."""
    patients = register.set_index("ccg_code")["registered_patients"]
    allocation = panel.set_index("ccg_code")["allocation_gbp_m"]
    return {code: 1e6 * float(allocation[code]) / int(patients[code]) for code in NAMED}


# --- The register as the generator reads it -------------------------------------


def test_the_lists_are_the_registers_with_the_named_ccgs_set_apart(lists, register):
    sizes = register.set_index("ccg_code")["registered_patients"]
    assert len(lists.real) == len(register) and int(lists.real.sum()) == int(sizes.sum())
    assert lists.named == {code: int(sizes[code]) for code in NAMED}
    assert sorted(lists.pool.tolist()) == sorted(sizes.drop(list(NAMED)).astype(int).tolist())


def test_the_per_head_median_is_the_assumed_sector_total_over_the_registers_patients(
    lists, register
):
    centre, low, high = per_head_bounds_gbp(lists)
    assert centre == pytest.approx(
        SECTOR_ALLOCATION_GBP_M * 1e6 / int(register["registered_patients"].sum())
    )
    assert 1100 <= centre <= 1150  # £64bn over ~56m registered patients
    assert low < centre < high
    assert np.log(high / centre) == pytest.approx(np.log(centre / low))


# --- List sizes -----------------------------------------------------------------


def test_list_sizes_are_reproducible_from_the_seed(lists):
    def draw(seed):
        return draw_list_sizes(np.random.default_rng(seed), 141, lists.pool, lists.real)

    np.testing.assert_array_equal(draw(7), draw(7))
    assert not np.array_equal(draw(7), draw(8))


def test_no_list_size_is_a_real_ccgs_and_all_lie_in_the_real_range(lists):
    sizes = draw_list_sizes(np.random.default_rng(3), 20_000, lists.pool, lists.real)
    assert sizes.dtype == np.int64
    assert not np.isin(sizes, lists.real).any()
    assert lists.real.min() <= sizes.min() and sizes.max() <= lists.real.max()


def test_list_sizes_follow_the_real_spread(lists):
    sizes = draw_list_sizes(np.random.default_rng(4), 20_000, lists.pool, lists.real)
    real_logs, drawn_logs = np.log(lists.pool.astype(float)), np.log(sizes.astype(float))
    # The smoothed bootstrap keeps the real lists' centre and spread (variance-preserving).
    assert drawn_logs.mean() == pytest.approx(real_logs.mean(), abs=0.02)
    assert drawn_logs.std() == pytest.approx(real_logs.std(ddof=1), rel=0.05)
    for q in (10, 25, 50, 75, 90):
        assert np.percentile(sizes, q) == pytest.approx(np.percentile(lists.pool, q), rel=0.06)


def test_a_draw_landing_on_a_real_size_moves_to_the_nearest_free_one_inside_the_range():
    real = np.array([100, 101, 102, 103, 110, 111])
    sizes = draw_list_sizes(np.random.default_rng(0), 500, real, real)
    assert not np.isin(sizes, real).any() and sizes.min() >= 100 and sizes.max() <= 111
    np.testing.assert_array_equal(
        avoid_real_sizes(np.array([100, 105, 111]), real), np.array([104, 105, 109])
    )


def test_a_range_with_no_free_size_is_refused():
    with pytest.raises(ValueError, match="every list size from 5 to 7 is a real one"):
        avoid_real_sizes(np.array([5]), np.array([5, 6, 7]))


# --- Figures per head -----------------------------------------------------------


def test_per_head_figures_are_reproducible_and_within_the_stated_bounds(lists):
    centre, low, high = per_head_bounds_gbp(lists)
    per_head = draw_per_head_gbp(np.random.default_rng(5), 20_000, centre)
    np.testing.assert_array_equal(
        per_head, draw_per_head_gbp(np.random.default_rng(5), 20_000, centre)
    )
    assert low <= per_head.min() and per_head.max() <= high
    assert PER_HEAD_ACCEPTED_GBP[0] < low and high < PER_HEAD_ACCEPTED_GBP[1]
    # A lognormal about the centre, its log-sd shrunk a little by the cut at 2 sd.
    assert np.median(per_head) == pytest.approx(centre, rel=0.01)
    assert 0.85 * PER_HEAD_LOG_SD < np.log(per_head).std() < PER_HEAD_LOG_SD
    # It reaches both ends: the spread is the stated one, not a narrower one.
    assert per_head.min() < 0.85 * centre and per_head.max() > 1.18 * centre


def test_dorsets_implied_figure_per_head_is_within_the_bounds(lists):
    _, low, high = per_head_bounds_gbp(lists)
    assert low <= dorset_per_head_gbp(published_targets(), lists) <= high
    check_per_head(published_targets(), lists)


def test_a_dorset_plan_implying_an_implausible_figure_per_head_is_refused(monkeypatch):
    real = ledger.claim_values
    plan = published_targets().dorset_plan_gbp_m
    monkeypatch.setattr(
        ledger,
        "claim_values",
        lambda claims=None: {**real(claims), "ccg_q1_dorset_plan_gbp_m": 2 * plan},
    )
    with pytest.raises(ValueError, match="NHS Dorset CCG's published plan and target imply"):
        generate_panel(1)


# --- Allocations ----------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_allocations_put_dorset_first_and_every_figure_per_head_in_bounds(seed, lists):
    targets = published_targets()
    _, low, high = per_head_bounds_gbp(lists)
    allocation = draw_allocations_gbp_k(np.random.default_rng(seed), targets, 143, lists)
    assert allocation.dtype == np.int64 and len(allocation) == 143
    assert allocation[0] == dorset_allocation_gbp_k(targets)
    west_essex = 1000 * allocation[1] / lists.named[WEST_ESSEX_CODE]
    assert low - 0.01 <= west_essex <= high + 0.01  # £k rounding
    invented = allocation[2:]
    assert (invented >= lists.real.min() * low / 1000 - 1).all()
    assert (invented <= lists.real.max() * high / 1000 + 1).all()


def test_allocations_are_reproducible_from_the_seed(lists):
    targets = published_targets()

    def draw(seed):
        return draw_allocations_gbp_k(np.random.default_rng(seed), targets, 143, lists)

    np.testing.assert_array_equal(draw(11), draw(11))
    assert not np.array_equal(draw(11), draw(12))


@pytest.mark.parametrize("seed", SEEDS)
def test_the_named_ccgs_get_a_plausible_allocation_per_head_for_every_seed(seed, register):
    panel = generate_panel(seed)
    for code, per_head in _per_head_of_named(panel, register).items():
        assert PER_HEAD_ACCEPTED_GBP[0] <= per_head <= PER_HEAD_ACCEPTED_GBP[1], code
    essex = panel.set_index("ccg_code").loc[WEST_ESSEX_CODE]
    target = published_targets().west_essex_target_pct
    assert round(100 * essex["qipp_plan_gbp_m"] / essex["allocation_gbp_m"], 2) == target


def test_the_committed_panel_gives_07h_and_11j_0_9k_to_1_4k_per_registered_patient(register):
    per_head = _per_head_of_named(load_panel(SYNTHETIC_PANEL_CSV), register)
    assert set(per_head) == {"07H", "11J"}
    for code, value in per_head.items():
        assert PER_HEAD_ACCEPTED_GBP[0] <= value <= PER_HEAD_ACCEPTED_GBP[1], (code, value)


def test_dorsets_allocation_is_the_one_its_published_plan_and_target_imply():
    panel = load_panel(SYNTHETIC_PANEL_CSV).set_index("ccg_code")
    assert 1000 * panel.loc[DORSET_CODE, "allocation_gbp_m"] == pytest.approx(
        dorset_allocation_gbp_k(published_targets())
    )


# --- Identities -----------------------------------------------------------------


@pytest.mark.parametrize("seed", (DEFAULT_SEED, *SEEDS))
def test_no_invented_ccg_carries_a_real_ccgs_code_or_name(seed, register):
    panel = generate_panel(seed)
    invented = panel[~panel["ccg_code"].isin(NAMED)]
    real_names = {normalised_name(name) for name in register["ccg_name"]}
    assert not invented["ccg_code"].isin(register["ccg_code"]).any()
    assert not {normalised_name(name) for name in invented["ccg_name"]} & real_names


# --- The sidecar ----------------------------------------------------------------


def test_the_sidecar_records_the_allocation_assumptions(lists):
    record = panel_metadata(DEFAULT_SEED, 0.0)["allocations"]
    centre, low, high = per_head_bounds_gbp(lists)
    assert record["assumed_sector_allocation_gbp_m"] == SECTOR_ALLOCATION_GBP_M
    assert record["per_head_gbp_median"] == round(centre, 1)
    assert record["per_head_gbp_range"] == [round(low, 1), round(high, 1)]
    assert record["per_head_log_sd"] == PER_HEAD_LOG_SD
    assert record["register_patients"] == int(lists.real.sum())
    assert record["decision"].startswith("docs/decisions/0030-")


def test_the_committed_sidecar_is_the_one_the_generator_writes_today():
    meta = read_sidecar(SYNTHETIC_PANEL_CSV)
    meta.pop("csv_sha256")
    assert meta == panel_metadata(meta["seed"], meta["rho"])
