"""``qipp claims``: text, JSON, files and exit codes."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import CLAIMS_HEADER

from qipp.cli import main
from qipp.derive import SCORECARD_COLUMNS
from qipp.ledger import load_claims

KEYS = [
    "id",
    "source",
    "quote",
    "quantity",
    "value",
    "unit",
    "precision",
    "qualifier",
    "as_published",
    "status",
    "derived_value",
    "note",
]


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def test_text_lists_counts_then_one_line_per_claim(runner):
    result = runner.invoke(main, ["claims"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    n_claims = len(load_claims())
    assert lines[0] == f"{n_claims} claims: 20 reproduced, 2 inconsistent, 79 stated"
    assert len(lines) == 1 + n_claims
    fold = next(line for line in lines if " ccg_q1_target_fold_variation " in line)
    assert fold.split()[0] == "reproduced"
    assert fold.endswith("23x  derived 23")
    # A hedged figure keeps its hedge: "less than 50 per cent" is never shown as a bare 50.
    share = next(line for line in lines if " ccg_q1_share_falling_behind_pct " in line)
    assert "less than 50%" in share


def test_json_is_an_array_with_exactly_the_agreed_keys(runner):
    result = runner.invoke(main, ["claims", "--json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert KEYS == list(SCORECARD_COLUMNS)
    assert all(list(record) == KEYS for record in records)
    by_id = {record["id"]: record for record in records}
    assert by_id["ccg_q1_n_ccgs"]["derived_value"] is None
    assert by_id["ccg_q1_n_ccgs"]["status"] == "stated"
    assert by_id["nhse_q1_forecast_gap_pct"]["derived_value"] == pytest.approx(12.861, abs=1e-3)


def test_write_dir_writes_json_and_csv_from_the_same_scorecard(runner, tmp_path):
    out = tmp_path / "reports"
    result = runner.invoke(main, ["claims", "--write-dir", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"wrote {out / 'claims.json'} ({len(load_claims())} claims)",
        f"wrote {out / 'claims.csv'} ({len(load_claims())} claims)",
    ]
    printed = json.loads(runner.invoke(main, ["claims", "--json"]).output)
    assert json.loads((out / "claims.json").read_text(encoding="utf-8")) == printed
    table = pd.read_csv(out / "claims.csv")
    assert list(table.columns) == KEYS
    assert table["status"].tolist() == [r["status"] for r in printed]


def test_bad_ledger_exits_2_naming_the_cell(runner, write_csv, toy_sources_csv):
    claims = write_csv("claims.csv", f"{CLAIMS_HEADER}\na_pct,src_a,q,toy,lots,pct,p,s,1,\n")
    result = runner.invoke(
        main, ["claims", "--claims", str(claims), "--sources", str(toy_sources_csv)]
    )
    assert result.exit_code == 2
    assert f"{claims}:2:value: 'lots' is not a number (expected a number)" in result.output


def test_json_and_write_dir_together_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(main, ["claims", "--json", "--write-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "use --json or --write-dir, not both" in result.output
    assert list(tmp_path.iterdir()) == []
