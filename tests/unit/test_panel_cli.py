"""``qipp panel``: validate, synth, check and dictionary as a user runs them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from qipp.cli import main
from qipp.panel import SYNTHETIC_BANNER, generate_panel, write_panel_csv
from qipp.panel.io import panel_to_csv_text
from qipp.paths import SYNTHETIC_PANEL_CSV
from qipp.reference import load_register


def _run(*args: str):
    return CliRunner().invoke(main, ["panel", *args])


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()
    }


def test_validate_prints_banner_and_summary_and_writes_nothing(tmp_path):
    path = tmp_path / "panel.csv"
    write_panel_csv(generate_panel(3), path)
    before = _tree(tmp_path)
    result = _run("validate", str(path))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == SYNTHETIC_BANNER
    summary = " ".join(lines[1:])
    assert summary.startswith(
        f"{path}: a valid CCG panel of 143 CCGs (North of England 46, "
        "Midlands and East of England 41, South of England 34, "
        "London 22), all synthetic."
    )
    assert "median CCG 2.47%, range 0.28% to 6.44%" in summary
    assert "59 CCGs were behind their year-to-date plan (34 by 20% or more)" in summary
    assert "delivering 96.0% of its planned savings, with 11 CCGs" in summary
    assert _tree(tmp_path) == before
    assert result.stderr == ""


def test_validate_shows_no_banner_for_reported_returns(tmp_path):
    panel = generate_panel(3).head(3).copy()
    # Real CCGs as the register of April 2013 has them, so the register check is silent.
    register = load_register().set_index("ccg_code").loc[["02N", "11J", "08H"]]
    panel["ccg_code"] = list(register.index)
    panel["ccg_name"] = [f"{name} CCG" for name in register["ccg_name"]]
    panel["region"] = list(register["region"])
    panel["data_status"] = "reported"
    path = tmp_path / "returns.csv"
    write_panel_csv(panel, path)
    result = _run("validate", str(path))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "SYNTHETIC" not in result.stdout
    summary = " ".join(result.stdout.split())
    assert "a valid CCG panel of 3 CCGs" in summary and "all reported" in summary


def test_validate_collapses_a_repeated_problem_into_one_line(tmp_path):
    panel = generate_panel(3)
    text = panel_to_csv_text(panel).replace(",synthetic\n", ",unknown\n")
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    result = _run("validate", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:2:data_status: 'unknown' is not allowed on 143 rows (rows 2-144) "
        "(expected one of: synthetic, reported)"
    ]


def test_bad_input_prints_at_most_the_cap_and_counts_the_rest(capsys):
    from qipp.cli._base import MAX_PROBLEMS_SHOWN, exit_bad_input
    from qipp.validation import DataError, Problem

    # Every problem of a different kind, so none collapses: only the cap applies.
    problems = [Problem("p.csv", 2, f"c{i}", f"odd value {i}", "even") for i in range(60)]
    with pytest.raises(SystemExit) as leaving:
        exit_bad_input(DataError(problems))
    assert leaving.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == MAX_PROBLEMS_SHOWN + 1
    assert lines[-1] == "... and 10 more problems (60 in all)"


def test_synth_writes_panel_and_sidecar(tmp_path):
    out = tmp_path / "nested" / "p.csv"
    result = _run("synth", "--seed", "42", "--rho", "0.3", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == SYNTHETIC_BANNER
    assert out.read_text(encoding="utf-8") == panel_to_csv_text(generate_panel(42, 0.3))
    meta = json.loads((tmp_path / "nested" / "p.meta.json").read_text())
    assert (meta["seed"], meta["rho"], meta["data_status"]) == (42, 0.3, "synthetic")
    assert sorted(os.listdir(out.parent)) == ["p.csv", "p.meta.json"]  # no temporaries left


def test_synth_refuses_rho_outside_minus_one_to_one(tmp_path):
    result = _run("synth", "--rho", "1.5", "--out", str(tmp_path / "p.csv"))
    assert result.exit_code == 2
    assert "1.5 is not in the range -1.0<=x<=1.0" in result.stderr
    assert not (tmp_path / "p.csv").exists()


def test_check_tables_every_aggregate_with_the_banner():
    result = _run("check", str(SYNTHETIC_PANEL_CSV), "--strict")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == SYNTHETIC_BANNER
    assert lines[1].split() == ["claim_id", "published", "panel", "rule", "status"]
    assert lines[4].split() == [
        "ccg_q1_median_target_pct",
        "2.470",
        "2.470",
        "rounds",
        "to",
        "2",
        "dp",
        "match",
    ]
    assert lines[-1] == ("14 of 14 exact published aggregates match; 2 of 2 soft targets near.")


def test_check_strict_fails_when_an_aggregate_does_not_match(tmp_path):
    panel = generate_panel(3)
    panel.loc[panel["uses_non_recurrent_fund"], "uses_non_recurrent_fund"] = False
    path = tmp_path / "p.csv"
    write_panel_csv(panel, path)
    assert _run("check", str(path)).exit_code == 0
    result = _run("check", str(path), "--strict")
    assert result.exit_code == 1
    row = [line for line in result.stdout.splitlines() if "top15_using_nr_fund" in line][0]
    assert row.split()[1:3] == ["7", "0"] and row.endswith("MISMATCH")


def test_dictionary_prints_the_generated_section():
    from qipp.panel.dictionary import render_dictionary

    result = _run("dictionary")
    assert result.exit_code == 0
    assert result.stdout == render_dictionary() + "\n"


def test_panel_help_lists_the_commands():
    result = _run("--help")
    assert result.exit_code == 0
    for command in ("validate", "synth", "check", "dictionary"):
        assert command in result.stdout
