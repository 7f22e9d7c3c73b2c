"""The synthetic second quarter: grown from the committed Q1, it meets the published Q1-to-Q2 changes.

Stated with plain pandas on the CSV as committed (not qipp's own aggregate code), so a slip
in either is caught. Until the panel reader takes a ``quarter`` column (helper A), each
quarter is checked through ``load_panel`` as a single-quarter file.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from qipp import ledger
from qipp.cli import main
from qipp.panel import PANEL_COLUMNS, load_panel, read_panel, read_sidecar, write_panel_csv
from qipp.panel.io import panel_to_csv_text
from qipp.panel.synth import generate_two_quarters
from qipp.panel.synth.quarter2 import (
    QUARTERS,
    published_ratios,
    transformational_forecast_k,
)
from qipp.paths import SYNTHETIC_PANEL_CSV, SYNTHETIC_QUARTERS_CSV

TF = "transformational_forecast_gbp_m"
OTHER_REGIONS = ("London", "Midlands and East of England", "South of England")


def _read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"ccg_code": str}, keep_default_na=False)


def _quarters(long: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    q1, q2 = (long[long["quarter"] == q].reset_index(drop=True) for q in QUARTERS)
    return q1, q2


def _shortfall(frame: pd.DataFrame, plan: str, forecast: str) -> pd.Series:
    return (frame[plan] - frame[forecast]).clip(lower=0)


def assert_second_quarter_holds(long: pd.DataFrame) -> None:
    """Every constraint of the issue and the contract, stated directly."""
    assert list(long.columns) == ["quarter", *PANEL_COLUMNS, TF]
    assert long["quarter"].tolist() == [QUARTERS[0]] * 143 + [QUARTERS[1]] * 143
    q1, q2 = _quarters(long)
    fixed = ["ccg_code", "ccg_name", "region", "allocation_gbp_m", "qipp_plan_gbp_m"]
    fixed += ["transformational_plan_gbp_m", "uses_non_recurrent_fund", "data_status"]
    pd.testing.assert_frame_equal(q1[fixed], q2[fixed])  # same CCGs, same plans
    assert (q2["ytd_plan_gbp_m"] >= q1["ytd_plan_gbp_m"]).all()
    assert (q2["ytd_actual_gbp_m"] >= q1["ytd_actual_gbp_m"]).all()
    assert (q2["ytd_plan_gbp_m"] <= q2["qipp_plan_gbp_m"]).all()
    for q in (q1, q2):
        assert (q["forecast_outturn_gbp_m"] >= q["ytd_actual_gbp_m"]).all()
        assert q[TF].between(0, q["forecast_outturn_gbp_m"]).all()
        # Each part's gap lies within its own plan and the parts add up to the CCG's gap.
        transformational = q["transformational_plan_gbp_m"] - q[TF]
        transactional = (q["qipp_plan_gbp_m"] - q["transformational_plan_gbp_m"]) - (
            q["forecast_outturn_gbp_m"] - q[TF]
        )
        behind = q["forecast_outturn_gbp_m"] < q["qipp_plan_gbp_m"]
        assert (transformational[behind] >= -5e-4).all() and (transactional[behind] >= -5e-4).all()
        assert (transformational[~behind] <= 5e-4).all()

    ratios = published_ratios()
    s1, s2 = (_shortfall(q, "qipp_plan_gbp_m", "forecast_outturn_gbp_m").sum() for q in (q1, q2))
    assert s2 > 2 * s1
    assert s2 / s1 == pytest.approx(ratios["ccg_shortfall_growth"], abs=1e-4)
    tf_short = _shortfall(q2, "transformational_plan_gbp_m", TF).sum()
    assert round(100 * tf_short / s2, 1) == round(100 * ratios["transformational_share"], 1)

    def ytd_pct(q: pd.DataFrame) -> pd.Series:
        sums = q.groupby("region")[["ytd_plan_gbp_m", "ytd_actual_gbp_m"]].sum()
        return 100 * (1 - sums["ytd_actual_gbp_m"] / sums["ytd_plan_gbp_m"])

    change = ytd_pct(q2) - ytd_pct(q1)
    assert (change[list(OTHER_REGIONS)] > 0).all() and change["North of England"] < 0


def test_the_committed_two_quarter_panel_meets_every_q2_aggregate():
    assert_second_quarter_holds(_read(SYNTHETIC_QUARTERS_CSV))


def test_its_first_quarter_is_the_committed_q1_panel():
    q1 = _read(SYNTHETIC_QUARTERS_CSV).query("quarter == '2013-14 Q1'")
    pd.testing.assert_frame_equal(
        q1[PANEL_COLUMNS].reset_index(drop=True), _read(SYNTHETIC_PANEL_CSV)
    )
    q1_meta = read_sidecar(SYNTHETIC_PANEL_CSV)
    text = SYNTHETIC_PANEL_CSV.read_text(encoding="utf-8")  # the Q1 file is untouched
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == q1_meta["csv_sha256"]


def test_the_committed_file_is_what_its_sidecar_says_and_regenerates_byte_for_byte():
    meta = read_sidecar(SYNTHETIC_QUARTERS_CSV)
    assert meta["data_status"] == "synthetic" and meta["note"].startswith("SYNTHETIC DATA")
    assert meta["generator"] == "qipp.panel.synth.generate_two_quarters"
    claims = ledger.claim_values()
    second = meta["second_quarter"]
    assert all(c in claims for c in [*second["claim_ids"].values(), *second["checked_claim_ids"]])
    assert second["decision"] == "docs/decisions/0045-synthetic-second-quarter.md"
    text = SYNTHETIC_QUARTERS_CSV.read_text(encoding="utf-8")
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == meta["csv_sha256"]
    assert panel_to_csv_text(generate_two_quarters(meta["seed"], meta["rho"])) == text


@pytest.mark.parametrize("quarter", QUARTERS)
def test_each_quarter_is_a_valid_panel_without_warnings(quarter, tmp_path):
    frame = _read(SYNTHETIC_QUARTERS_CSV).query("quarter == @quarter")
    path = tmp_path / "one.csv"
    write_panel_csv(frame[PANEL_COLUMNS], path)
    read = read_panel(path)
    assert not read.warnings and len(load_panel(path)) == 143


@pytest.mark.parametrize(("seed", "rho"), [(1, 0.0), (2, 0.3), (137, 0.6), (9, -0.5)])
def test_other_seeds_hold_every_q2_aggregate_after_a_csv_round_trip(seed, rho, tmp_path):
    path = tmp_path / "two.csv"
    path.write_text(panel_to_csv_text(generate_two_quarters(seed, rho)), encoding="utf-8")
    assert_second_quarter_holds(_read(path))


def test_the_split_keeps_each_part_within_its_plan_and_reaches_the_share():
    rng = np.random.default_rng(3)
    plan = rng.integers(1_000, 20_000, 200)
    tplan = np.rint(plan * rng.uniform(0.3, 0.8, 200)).astype(np.int64)
    forecast = np.rint(plan * rng.uniform(0.4, 1.1, 200)).astype(np.int64)
    for share in (None, 0.5, 0.75):
        tf = transformational_forecast_k(plan, tplan, forecast, share)
        assert (tf >= 0).all() and (tf <= forecast).all()
        gap = np.clip(plan - forecast, 0, None)
        part = np.clip(tplan - tf, 0, None)
        assert (part <= gap).all()
        if share is not None:
            assert part.sum() / gap.sum() == pytest.approx(share, abs=1e-3)


def test_a_ledger_whose_shortfalls_contradict_the_increase_is_refused():
    values = {**ledger.claim_values(), "ccg_q2_forecast_shortfall_gbp_m": 150.0}
    with pytest.raises(ValueError, match="contradict its increase"):
        published_ratios(values)


def test_synth_two_quarters_writes_the_committed_bytes(tmp_path):
    out = tmp_path / "two.csv"
    result = CliRunner().invoke(main, ["panel", "synth", "--quarters", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == ("2013-14 Q2: CCG forecast shortfall 2.47 times Q1's.")
    assert out.read_bytes() == SYNTHETIC_QUARTERS_CSV.read_bytes()
    committed = json.loads(SYNTHETIC_QUARTERS_CSV.with_suffix(".meta.json").read_text())
    assert json.loads(out.with_suffix(".meta.json").read_text()) == committed


def test_synth_refuses_three_quarters(tmp_path):
    result = CliRunner().invoke(
        main, ["panel", "synth", "--quarters", "3", "--out", str(tmp_path / "p.csv")]
    )
    assert result.exit_code == 2 and not (tmp_path / "p.csv").exists()
