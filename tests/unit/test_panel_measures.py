"""Derived measures on small hand-built panels."""

from __future__ import annotations

import pandas as pd
import pytest

from qipp.panel import add_measures, is_synthetic, load_panel
from qipp.panel.measures import (
    DERIVED_COLUMNS,
    aggregate_ytd_shortfall_pct,
    forecast_delivery_pct,
    largest_targets,
    sector_plan_pct,
)
from qipp.paths import SYNTHETIC_PANEL_CSV
from qipp.reference import load_register

# A hand-built register: 07H and one code the panel below does not use.
REGISTER = pd.DataFrame({"ccg_code": ["07H", "11J"], "registered_patients": [250_000, 800_000]})


def _panel(**columns) -> pd.DataFrame:
    base = {
        "ccg_code": ["07H", "S001", "99Z"],
        "allocation_gbp_m": [100.0, 200.0, 400.0],
        "qipp_plan_gbp_m": [1.0, 5.0, 0.0],
        "ytd_plan_gbp_m": [0.25, 1.0, 0.0],
        "ytd_actual_gbp_m": [0.20, 1.5, 0.0],
        "forecast_outturn_gbp_m": [0.7, 5.5, 0.0],
        "data_status": ["reported"] * 3,
    }
    base.update(columns)
    return pd.DataFrame(base)


def test_add_measures_appends_the_derived_columns_and_keeps_the_rest():
    panel = _panel()
    out = add_measures(panel)
    assert list(out.columns) == list(panel.columns) + list(DERIVED_COLUMNS)
    assert out["plan_pct_of_allocation"].tolist() == [1.0, 2.5, 0.0]
    pd.testing.assert_frame_equal(panel, _panel())  # input untouched


def test_shortfalls_are_shares_of_the_plan_and_zero_when_on_or_ahead():
    out = add_measures(_panel())
    assert out["ytd_shortfall_pct"].round(6).tolist() == [20.0, 0.0, 0.0]
    assert out["forecast_gap_pct"].round(6).tolist() == [30.0, 0.0, 0.0]
    assert out["forecasts_shortfall"].tolist() == [True, False, False]


def test_nothing_planned_means_no_shortfall_rather_than_division_by_zero():
    out = add_measures(_panel(ytd_actual_gbp_m=[0.2, 1.5, 0.3]))
    assert out.loc[2, ["ytd_shortfall_pct", "forecast_gap_pct"]].tolist() == [0.0, 0.0]


def test_panel_aggregates_are_ratios_of_sums():
    panel = _panel()
    assert sector_plan_pct(panel) == pytest.approx(100 * 6 / 700)
    assert forecast_delivery_pct(panel) == pytest.approx(100 * 6.2 / 6.0)
    # Ahead-of-plan CCGs offset those behind: 1.7 delivered against 1.25 planned.
    assert aggregate_ytd_shortfall_pct(panel) == pytest.approx(-36.0)


def test_largest_targets_keeps_ties():
    panel = _panel(qipp_plan_gbp_m=[2.0, 4.0, 1.0])
    assert largest_targets(panel, 1)["allocation_gbp_m"].tolist() == [100.0, 200.0]


def test_is_synthetic_when_any_row_is():
    assert not is_synthetic(_panel())
    assert is_synthetic(_panel(data_status=["reported", "synthetic", "reported"]))


def test_registered_patients_and_plan_per_head_where_the_code_is_in_the_register():
    out = add_measures(_panel(), register=REGISTER)
    assert out["registered_patients"].dtype == "Int64"
    assert out.loc[0, "registered_patients"] == 250_000
    # £1.0m over 250,000 patients is £4 a head.
    assert out.loc[0, "plan_gbp_per_head"] == pytest.approx(4.0)


def test_s_codes_and_unknown_codes_have_no_population_or_per_head():
    out = add_measures(_panel(), register=REGISTER)
    assert out.loc[1:, "registered_patients"].isna().all()  # S001 and 99Z
    assert out.loc[1:, "plan_gbp_per_head"].isna().all()
    assert not out["plan_gbp_per_head"].astype(str).str.contains("nan", case=False).any()


def test_a_zero_plan_is_zero_per_head_and_a_non_positive_list_is_unknown():
    register = REGISTER.assign(registered_patients=[0, 800_000])
    out = add_measures(_panel(qipp_plan_gbp_m=[0.0, 5.0, 0.0]), register=register)
    assert pd.isna(out.loc[0, "registered_patients"]) and pd.isna(out.loc[0, "plan_gbp_per_head"])
    out = add_measures(_panel(qipp_plan_gbp_m=[0.0, 5.0, 0.0]), register=REGISTER)
    assert out.loc[0, "plan_gbp_per_head"] == 0.0


def test_the_default_register_is_the_projects():
    register = load_register().set_index("ccg_code")["registered_patients"]
    out = add_measures(load_panel(SYNTHETIC_PANEL_CSV)).set_index("ccg_code")
    known = out["registered_patients"].dropna()
    assert set(known.index) == set(out.index) & set(register.index)
    assert (known == register.loc[known.index]).all()
    expected = 1e6 * out.loc[known.index, "qipp_plan_gbp_m"] / register.loc[known.index]
    assert out.loc[known.index, "plan_gbp_per_head"].to_numpy(dtype=float) == pytest.approx(
        expected.to_numpy(dtype=float)
    )
