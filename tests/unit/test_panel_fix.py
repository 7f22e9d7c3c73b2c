"""``qipp panel fix``: a cleaned copy that applies exactly what reading did, or nothing."""

from __future__ import annotations

from click.testing import CliRunner
from edge_panels import edge_panel

from qipp.cli import main
from qipp.panel import load_panel, write_panel_csv


def _messy_copy(tmp_path):
    clean = tmp_path / "clean.csv"
    write_panel_csv(edge_panel("twelve_ccgs"), clean)
    lines = clean.read_text(encoding="utf-8").splitlines()
    header = lines[0].replace("ccg_code", "CCG Code").replace("region", "Region")
    first = lines[1].split(",")
    first[0] = first[0].lower()  # an ODS code typed in lower case
    first[3] = "£" + first[3]  # a pound sign on the allocation
    messy = tmp_path / "messy.csv"
    text = "\n".join(["QIPP returns, Q1 2013-14", "", header, ",".join(first), *lines[2:]])
    messy.write_text(text + "\n", encoding="utf-8")
    return clean, messy


def test_fix_writes_the_clean_panel_and_lists_every_change(tmp_path):
    clean, messy = _messy_copy(tmp_path)
    out = tmp_path / "fixed.csv"
    result = CliRunner().invoke(main, ["panel", "fix", str(messy), str(out)])
    assert result.exit_code == 0, result.output
    assert load_panel(out).equals(load_panel(clean))
    assert "column A: 'CCG Code' -> ccg_code" in result.stdout
    assert "note: header found on row 3" in result.stdout
    # A case fixed is said once, as the note reading gave, not again cell by cell.
    assert "note: ccg_code: 1 value upper-cased (" in result.stdout
    assert not any(line.startswith("row 4 ccg_code: ") for line in result.stdout.splitlines())
    assert any(line.startswith("row 4 allocation_gbp_m: '£") for line in result.stdout.splitlines())
    # The fixed copy reads with nothing left to do.
    again = CliRunner().invoke(main, ["panel", "validate", str(out)])
    assert again.exit_code == 0 and "note:" not in again.stdout


def test_fix_refuses_an_ambiguous_value_and_writes_nothing(tmp_path):
    clean, _ = _messy_copy(tmp_path)
    lines = clean.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[4] = '"3,362"'  # other plans carry decimals: a decimal comma, or 3362?
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    out = tmp_path / "fixed.csv"
    result = CliRunner().invoke(main, ["panel", "fix", str(bad), str(out)])
    assert result.exit_code == 2
    assert "'3,362' is ambiguous" in result.stderr and "write 3.362 or 3362" in result.stderr
    assert not out.exists()


def test_fix_writes_xlsx_when_asked(tmp_path):
    clean, messy = _messy_copy(tmp_path)
    out = tmp_path / "fixed.xlsx"
    result = CliRunner().invoke(main, ["panel", "fix", str(messy), str(out)])
    assert result.exit_code == 0, result.output
    assert load_panel(out).equals(load_panel(clean))
