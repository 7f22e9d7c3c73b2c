"""A reported panel checked against the CCG register of April 2013 (decision 0029).

A code the register lacks warns (naming the closest register CCGs), a register code
under another region is an error, a name other than the register's warns; synthetic
panels and S-codes are not checked. ``qipp panel validate`` exits 0 on warnings and 2
on errors, or on warnings with ``--strict``.
"""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner
from edge_panels import edge_panel

from qipp.cli import main
from qipp.panel import DataError, load_panel, write_panel_csv
from qipp.panel.intake.pipeline import read_panel
from qipp.panel.intake.register_check import (
    EXPECTED_CODE,
    EXPECTED_NAME,
    EXPECTED_REGION,
    register_problems,
)
from qipp.panel.schema import REGIONS
from qipp.paths import SYNTHETIC_PANEL_CSV
from qipp.reference import load_register

# A hand-built register: the checks' logic, apart from the real one's contents.
TOY_REGISTER = pd.DataFrame(
    {
        "ccg_code": ["01A", "01B", "02C"],
        "ccg_name": ["NHS Ashby & Hale", "NHS Brackenford", "NHS Calder Vale"],
        "region": ["North of England", "North of England", "London"],
    }
)


def toy_panel(**columns: list[str]) -> pd.DataFrame:
    rows = {
        "ccg_code": ["01A", "01B", "02C"],
        "ccg_name": ["Ashby and Hale CCG", "NHS BRACKENFORD", "NHS Calder Vale CCG"],
        "region": ["North of England", "North of England", "London"],
        "data_status": ["reported"] * 3,
    }
    rows.update(columns)
    return pd.DataFrame(rows)


def check(panel: pd.DataFrame):
    return register_problems(panel, "p.csv", list(range(2, len(panel) + 2)), TOY_REGISTER)


# --- the rules, on a toy register -----------------------------------------------------


def test_names_differing_only_in_nhs_ccg_ampersand_and_case_pass():
    assert check(toy_panel()) == ((), ())


def test_a_register_code_under_another_region_is_an_error_naming_row_and_region():
    [error] = check(toy_panel(region=["North of England", "London", "London"])).errors
    assert (error.file, error.row, error.column, error.expected) == (
        "p.csv",
        3,
        "region",
        EXPECTED_REGION,
    )
    assert error.message == (
        "the CCG register of April 2013 puts 01B ('NHS Brackenford') in 'North of England', "
        "not 'London': correct the region, or the code if the row is another CCG's"
    )


def test_a_code_not_in_the_register_warns_naming_the_closest():
    found = check(toy_panel(ccg_code=["01A", "01X", "02C"]))
    assert found.errors == ()
    [warning] = found.warnings
    assert (warning.row, warning.column, warning.expected) == (3, "ccg_code", EXPECTED_CODE)
    # The name it carries is 01B's, so 01B comes first among the closest.
    assert warning.message.startswith(
        "'01X' is not in the CCG register of April 2013; the closest there: 01B ('NHS Brackenford')"
    )
    assert "keep it if 'NHS BRACKENFORD' is a CCG formed after April 2013" in warning.message


def test_another_name_warns_and_says_whose_name_it_is():
    [warning] = check(
        toy_panel(ccg_name=["Ashby & Hale", "NHS Calder Vale", "NHS Calder Vale"])
    ).warnings
    assert (warning.row, warning.column, warning.expected) == (3, "ccg_name", EXPECTED_NAME)
    assert warning.message == (
        "'NHS Calder Vale' is not the register's name for 01B, 'NHS Brackenford'; the register "
        "gives that name to 02C: correct the name, or the code if the row is another CCG's"
    )
    # 'Ashby CCG' is nobody's name (a part of 01A's is not enough): it is not 01A's, and no more.
    first = check(toy_panel(ccg_name=["Ashby CCG", "NHS Brackenford", "NHS Calder Vale"]))
    assert "gives that name" not in first.warnings[0].message


def test_a_wrong_region_and_a_wrong_name_on_one_row_are_both_said():
    found = check(
        toy_panel(ccg_name=["Ashby & Hale", "Hale", "Calder Vale"], region=["London"] * 3)
    )
    assert [(p.row, p.column) for p in found.errors] == [(2, "region"), (3, "region")]
    assert [(p.row, p.column) for p in found.warnings] == [(3, "ccg_name")]


def test_synthetic_panels_and_s_codes_are_not_checked():
    wrong = dict(ccg_name=["x", "y", "z"], region=["London", "London", "North of England"])
    assert check(toy_panel(data_status=["synthetic"] * 3, **wrong)) == ((), ())
    s_coded = toy_panel(ccg_code=["S001", "S002", "S003"], **wrong)
    assert check(s_coded) == ((), ())


def test_a_synthetic_panel_never_builds_the_register(monkeypatch):
    import qipp.panel.intake.register_check as module

    def refuse():
        raise AssertionError("the register was built for a synthetic panel")

    monkeypatch.setattr(module, "load_register", refuse)
    synthetic = toy_panel(data_status=["synthetic"] * 3)
    assert module.register_problems(synthetic, "p.csv", [2, 3, 4]) == ((), ())


# --- through the loader and the CLI, on the real register ---------------------------------


def real_panel() -> pd.DataFrame:
    """Twelve register CCGs with their own codes, names and regions (tests/edge_panels.py)."""
    return edge_panel("twelve_ccgs")


def an_unknown_code() -> str:
    """The first code of the ODS form that the register does not hold."""
    known = set(load_register()["ccg_code"])
    forms = (f"{d:02d}{chr(c)}" for d in range(100) for c in range(ord("A"), ord("Z") + 1))
    return next(code for code in forms if code not in known)


def test_a_real_panel_as_the_register_has_it_loads_without_a_warning(tmp_path):
    path = tmp_path / "returns.csv"
    write_panel_csv(real_panel(), path)
    assert read_panel(path).warnings == ()


def test_acceptance_one_region_changed_exits_2_naming_the_row_and_the_registers_region(
    tmp_path,
):
    panel = real_panel()
    code, region = panel.loc[4, ["ccg_code", "region"]]
    other = next(r for r in REGIONS if r != region)
    panel.loc[4, "region"] = other
    path = tmp_path / "returns.csv"
    write_panel_csv(panel, path)
    official = load_register().set_index("ccg_code").at[code, "ccg_name"]
    result = CliRunner().invoke(main, ["panel", "validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:6:region: the CCG register of April 2013 puts {code} ({official!r}) in "
        f"{region!r}, not {other!r}: correct the region, or the code if the row is another "
        f"CCG's (expected {EXPECTED_REGION})"
    ]
    # Every loader enforces it: load_panel (notebooks, qipp render --panel) refuses too.
    with pytest.raises(DataError, match=f"{path}:6:region"):
        load_panel(path)


def test_acceptance_an_unknown_code_warns_with_the_closest_and_strict_refuses(tmp_path):
    panel = real_panel()
    code, name = panel.loc[4, ["ccg_code", "ccg_name"]]
    unknown = an_unknown_code()
    panel.loc[4, "ccg_code"] = unknown
    path = tmp_path / "returns.csv"
    write_panel_csv(panel.sort_values("ccg_code"), path)
    row = 2 + panel.sort_values("ccg_code", ignore_index=True)["ccg_code"].tolist().index(unknown)
    official = load_register().set_index("ccg_code").at[code, "ccg_name"]

    result = CliRunner().invoke(main, ["panel", "validate", str(path)])
    assert result.exit_code == 0, result.output
    [warning] = result.stderr.splitlines()
    assert warning.startswith(
        f"warning: {path}:{row}:ccg_code: {unknown!r} is not in the CCG register of April 2013; "
        f"the closest there: {code} ({official!r})"
    )
    assert f"keep it if {name!r} is a CCG formed after April 2013" in warning
    assert "a valid CCG panel of 12 CCGs" in " ".join(result.stdout.split())

    strict = CliRunner().invoke(main, ["panel", "validate", "--strict", str(path)])
    assert strict.exit_code == 2
    assert strict.stderr.splitlines() == [
        warning,
        f"{path}: 1 warning(s) and --strict: not accepted",
    ]


def test_one_systematic_region_error_prints_as_one_line(tmp_path):
    panel = real_panel()
    wrong = panel["region"].map(lambda r: next(x for x in REGIONS if x != r))
    panel["region"] = wrong
    path = tmp_path / "returns.csv"
    write_panel_csv(panel, path)
    result = CliRunner().invoke(main, ["panel", "validate", str(path)])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert f"on {len(panel)} rows (rows 2-{len(panel) + 1}" in line


def test_the_committed_synthetic_panel_is_not_checked():
    register_kinds = {EXPECTED_CODE, EXPECTED_REGION, EXPECTED_NAME}
    assert not [w for w in read_panel(SYNTHETIC_PANEL_CSV).warnings if w.expected in register_kinds]
