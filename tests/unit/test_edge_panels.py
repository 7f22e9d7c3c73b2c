"""The edge panels (tests/edge_panels.py): valid, deterministic, and what their names promise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from edge_panels import (
    AWKWARD_MARKS,
    EDGE_SHAPES,
    SHAPE_SIZES,
    awkward_names,
    edge_panel,
    write_edge_panel,
)

from qipp.panel import add_measures, load_panel
from qipp.panel.intake.pipeline import read_panel
from qipp.panel.schema import (
    MONEY_COLUMNS,
    NAMED_CCGS,
    REGION_CCG_COUNTS_APRIL_2013,
    is_ods_code,
    is_synthetic_code,
)
from qipp.reference import load_register, names_match


def measured(shape: str) -> pd.DataFrame:
    return add_measures(edge_panel(shape))


@pytest.mark.parametrize("shape", EDGE_SHAPES)
def test_every_shape_loads_through_the_real_loader(shape, tmp_path):
    path = write_edge_panel(shape, tmp_path / f"{shape}.csv")
    read = read_panel(path)
    pd.testing.assert_frame_equal(read.panel, edge_panel(shape))
    assert len(read.panel) == SHAPE_SIZES[shape]
    # Real codes carry the register's regions and names: no register warning, no error;
    # one shape has a forecast below its Q1 delivery, its one warning.
    expected = ["forecast_outturn_gbp_m"] if shape == "real_codes_reported" else []
    assert [w.column for w in read.warnings] == expected


@pytest.mark.parametrize("shape", [s for s in EDGE_SHAPES if s != "synthetic_small"])
def test_reported_shapes_are_register_ccgs_with_their_regions_and_names(shape):
    panel = edge_panel(shape).set_index("ccg_code")
    register = load_register().set_index("ccg_code")
    assert set(panel.index) <= set(register.index)
    entries = register.loc[panel.index]
    assert (panel["region"] == entries["region"]).all()
    pairs = zip(panel["ccg_name"], entries["ccg_name"], strict=True)
    assert all(names_match(name, official) for name, official in pairs)


@pytest.mark.parametrize("shape", EDGE_SHAPES)
def test_every_shape_also_loads_as_synthetic(shape, tmp_path):
    path = write_edge_panel(shape, tmp_path / f"{shape}.csv", status="synthetic")
    loaded = load_panel(path)
    assert (loaded["data_status"] == "synthetic").all()
    s_coded = loaded[loaded["ccg_code"].map(is_synthetic_code)]
    assert (s_coded["ccg_name"] == "Synthetic CCG " + s_coded["ccg_code"].str[1:]).all()
    # Only the two CCGs the articles name may keep a real code in a synthetic panel.
    assert set(loaded["ccg_code"]) - set(s_coded["ccg_code"]) <= set(NAMED_CCGS)


@pytest.mark.parametrize("shape", EDGE_SHAPES)
def test_xlsx_round_trip_equals_the_csv_load(shape, tmp_path):
    from_csv = load_panel(write_edge_panel(shape, tmp_path / "p.csv"))
    from_xlsx = load_panel(write_edge_panel(shape, tmp_path / "p.xlsx"))
    pd.testing.assert_frame_equal(from_xlsx, from_csv)


@pytest.mark.parametrize("shape", EDGE_SHAPES)
def test_same_seed_same_panel_other_seed_other_panel(shape):
    pd.testing.assert_frame_equal(edge_panel(shape, seed=5), edge_panel(shape, seed=5))
    assert not edge_panel(shape, seed=5).equals(edge_panel(shape, seed=6))


@pytest.mark.parametrize("shape", EDGE_SHAPES)
def test_realistic_magnitudes_in_whole_thousands(shape):
    panel = measured(shape)
    assert panel["allocation_gbp_m"].between(100, 900).all()
    # 0.28% is NHS Dorset CCG's published target, kept in real_codes_reported.
    assert panel["plan_pct_of_allocation"].between(0.28, 6.5).all() or shape == "some_zero_plans"
    for column in MONEY_COLUMNS:
        thousands = panel[column] * 1000
        assert np.allclose(thousands, thousands.round(), rtol=0, atol=1e-6), column


@pytest.mark.parametrize("shape", [s for s in EDGE_SHAPES if s != "synthetic_small"])
def test_reported_by_default_with_ods_codes(shape):
    panel = edge_panel(shape)
    assert (panel["data_status"] == "reported").all()
    assert panel["ccg_code"].map(is_ods_code).all()
    assert panel["ccg_code"].is_monotonic_increasing


def test_synthetic_small_is_synthetic_with_s_codes():
    panel = edge_panel("synthetic_small")
    assert len(panel) == 12 and (panel["data_status"] == "synthetic").all()
    assert panel["ccg_code"].tolist() == [f"S{i:03d}" for i in range(1, 13)]
    assert panel["ccg_name"].tolist() == [f"Synthetic CCG {i:03d}" for i in range(1, 13)]


def test_all_forecast_gap():
    assert measured("all_forecast_gap")["forecasts_shortfall"].all()


def test_none_forecast_gap():
    panel = measured("none_forecast_gap")
    assert (panel["forecast_outturn_gbp_m"] == panel["qipp_plan_gbp_m"]).all()
    assert (panel["forecast_gap_pct"] == 0).all()


def test_all_ahead():
    panel = measured("all_ahead")
    assert (panel["forecast_outturn_gbp_m"] > panel["qipp_plan_gbp_m"]).all()
    assert (panel["ytd_actual_gbp_m"] > panel["ytd_plan_gbp_m"]).all()


def test_all_on_plan_q1_with_mixed_forecasts():
    panel = measured("all_on_plan_q1")
    assert (panel["ytd_actual_gbp_m"] == panel["ytd_plan_gbp_m"]).all()
    assert panel["forecasts_shortfall"].nunique() == 2


def test_zero_q1_plans():
    panel = measured("zero_q1_plans")
    assert (panel["ytd_plan_gbp_m"] == 0).all()
    assert (panel["ytd_shortfall_pct"] == 0).all()


def test_some_zero_plans_are_zero_throughout():
    panel = measured("some_zero_plans")
    zero = panel[panel["qipp_plan_gbp_m"] == 0]
    assert 1 <= len(zero) <= 5 and len(zero) < len(panel)
    assert (zero[MONEY_COLUMNS[1:]] == 0).all().all()


def test_equal_targets_are_exactly_equal():
    panel = measured("equal_targets")
    assert panel["plan_pct_of_allocation"].nunique() == 1
    assert panel["allocation_gbp_m"].nunique() > 1  # equal shares of different allocations


def test_heavy_ties():
    panel = measured("heavy_ties")
    assert 3 <= panel["plan_pct_of_allocation"].nunique() <= 4
    assert 3 <= panel["forecast_gap_pct"].nunique() <= 4


def test_perfect_separation():
    panel = measured("perfect_separation")
    short = panel["forecasts_shortfall"]
    assert 0 < short.sum() < len(panel)
    targets = panel["plan_pct_of_allocation"]
    assert targets[~short].max() < targets[short].min()


def test_single_region():
    assert edge_panel("single_region")["region"].nunique() == 1


@pytest.mark.parametrize(
    "shape, n",
    [
        ("one_ccg", 1),
        ("three_ccgs", 3),
        ("twelve_ccgs", 12),
        ("fifty_six_ccgs", 56),
        ("full_211", 211),
    ],
)
def test_sizes(shape, n):
    assert len(edge_panel(shape)) == n


@pytest.mark.parametrize("shape", ["twelve_ccgs", "fifty_six_ccgs", "full_211"])
def test_sized_panels_have_mixed_outcomes(shape):
    panel = measured(shape)
    assert panel["forecasts_shortfall"].nunique() == 2
    assert (panel["forecast_outturn_gbp_m"] > panel["qipp_plan_gbp_m"]).any()
    assert (panel["ytd_actual_gbp_m"] < panel["ytd_plan_gbp_m"]).any()
    assert (panel["ytd_actual_gbp_m"] > panel["ytd_plan_gbp_m"]).any()
    assert panel["region"].nunique() == 4
    assert panel["uses_non_recurrent_fund"].nunique() == 2


def test_full_211_has_the_april_2013_regions():
    counts = edge_panel("full_211")["region"].value_counts().to_dict()
    assert counts == REGION_CCG_COUNTS_APRIL_2013


@pytest.mark.parametrize("shape, expected", [("no_nr_fund", False), ("all_nr_fund", True)])
def test_non_recurrent_fund(shape, expected):
    assert (edge_panel(shape)["uses_non_recurrent_fund"] == expected).all()


def test_real_codes_reported_keeps_the_named_ccgs_and_awkward_names():
    panel = edge_panel("real_codes_reported")
    names = dict(zip(panel["ccg_code"], panel["ccg_name"], strict=True))
    assert {code: names[code] for code in NAMED_CCGS} == NAMED_CCGS
    assert set(awkward_names()) <= set(panel["ccg_name"])
    assert set(AWKWARD_MARKS) <= set("".join(awkward_names()))
    targets = measured("real_codes_reported").set_index("ccg_code")["plan_pct_of_allocation"]
    assert targets.round(2).loc[["11J", "07H"]].tolist() == [0.28, 6.44]


def test_unknown_shape_and_suffix_are_refused(tmp_path: Path):
    with pytest.raises(KeyError):
        edge_panel("no_such_shape")
    with pytest.raises(ValueError, match="csv or .xlsx"):
        write_edge_panel("three_ccgs", tmp_path / "p.json")
