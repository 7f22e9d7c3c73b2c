"""The raw reference files and the CCG register built from them."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from qipp.ledger import load_sources
from qipp.paths import REFERENCE_RAW_DIR
from qipp.reference import (
    RAW_FILES,
    REGISTER_COLUMNS,
    build_register,
    checksum_mismatches,
    closest_entries,
    load_register,
    names_match,
    read_raw,
)
from qipp.reference.codes import REGION_CCG_COUNTS_APRIL_2013
from qipp.validation import DataError


def test_the_raw_files_are_byte_for_byte_those_of_sha256sums():
    assert checksum_mismatches() == []


def test_a_changed_byte_is_caught(tmp_path):
    copy = tmp_path / "raw"
    shutil.copytree(REFERENCE_RAW_DIR, copy)
    target = copy / RAW_FILES["shas"].file_name
    target.chmod(0o644)
    target.write_bytes(target.read_bytes().replace(b"North East", b"North Eats"))
    assert checksum_mismatches(copy) == ["SHA_2012.csv: its SHA-256 differs from SHA256SUMS"]


def test_every_registered_file_is_committed_and_listed():
    listed = {p.name for p in REFERENCE_RAW_DIR.iterdir()} - {"SHA256SUMS"}
    assert {entry.file_name for entry in RAW_FILES.values()} <= listed


def test_the_register_holds_every_ccg_of_april_2013_by_region():
    register = load_register()
    assert len(register) == 211
    assert register["region"].value_counts().to_dict() == REGION_CCG_COUNTS_APRIL_2013
    assert list(register.columns) == REGISTER_COLUMNS
    assert register["ccg_code"].is_unique and register["ons_code"].is_unique


def test_the_register_agrees_with_each_raw_file_row_for_row():
    register = load_register().set_index("ons_code")
    codes = read_raw("ccg_codes").set_index("CCG13CD")
    assert register.loc[codes.index, "ccg_code"].tolist() == codes["CCG13CDH"].tolist()
    # Two names carry a trailing space in the ONS file; the register strips it.
    assert register.loc[codes.index, "ccg_name"].tolist() == codes["CCG13NM"].str.strip().tolist()
    lookup = read_raw("ccg_area_team_region").set_index("CCG13CD")
    assert register.loc[lookup.index, "region"].tolist() == lookup["NHSCR13NM"].tolist()
    qof = read_raw("qof_list_sizes").drop_duplicates("ccgcode").set_index("ccgcode")
    by_code = register.set_index("ccg_code")["registered_patients"]
    assert by_code.loc[qof.index].tolist() == qof["ccg_listsize"].astype(int).tolist()


def test_names_are_decoded_from_windows_1252():
    name = load_register().set_index("ccg_code").loc["08Y", "ccg_name"]
    assert "Queen’s Park" in name  # byte 0x92 is a right single quotation mark in cp1252
    assert "\ufffd" not in "".join(load_register()["ccg_name"])


def test_area_teams_carry_ods_codes_and_london_is_one_area_team():
    register = load_register()
    assert register["area_team_code"].str.fullmatch(r"Q[0-9]{2}").all()
    assert register.groupby("area_team_code")["area_team_name"].nunique().eq(1).all()
    assert register.loc[register["region"] == "London", "area_team_code"].nunique() == 1


def test_a_missing_list_size_is_an_error_naming_the_file(tmp_path):
    copy = tmp_path / "raw"
    shutil.copytree(REFERENCE_RAW_DIR, copy)
    qof = copy / RAW_FILES["qof_list_sizes"].file_name
    qof.chmod(0o644)
    kept = [line for line in qof.read_text("cp1252").splitlines() if not line.startswith("07H,")]
    qof.write_text("\n".join(kept) + "\n", encoding="cp1252")
    with pytest.raises(DataError) as caught:
        build_register(copy)
    assert "CCG_APR_2013.csv" in str(caught.value)
    assert "registered_patients" in str(caught.value)


def test_a_missing_raw_file_says_which(tmp_path):
    with pytest.raises(DataError, match="CCG_APR_2013.csv: the file is missing"):
        build_register(tmp_path)


def test_each_reference_file_is_registered_as_a_source():
    sources = load_sources()
    reference = sources[sources["role"] == "reference"]
    assert len(reference) == 4
    for entry in RAW_FILES.values():
        assert reference["documents"].str.contains(entry.file_name, regex=False).any(), entry


@pytest.mark.parametrize(
    ("panel_name", "register_name", "same"),
    [
        ("NHS West Essex CCG", "NHS West Essex", True),
        ("west essex ccg", "NHS West Essex", True),
        ("NHS Bath & North East Somerset CCG", "NHS Bath and North East Somerset", True),
        (
            "NHS West London (Kensington and Chelsea, Queen's Park and Paddington) CCG",
            "NHS West London (Kensington and Chelsea, Queen’s Park and Paddington)",
            True,
        ),
        ("NHS West Essex Clinical Commissioning Group", "NHS West Essex", True),
        ("NHS East Essex CCG", "NHS West Essex", False),
        ("NHS Dorset CCG", "NHS West Essex", False),
    ],
)
def test_names_match_ignoring_nhs_ccg_ampersands_and_case(panel_name, register_name, same):
    assert names_match(panel_name, register_name) is same


def test_closest_entries_put_a_similar_name_first():
    register = load_register()
    closest = closest_entries("99Z", "NHS Dorset CCG", register)
    assert closest[0] == ("11J", "NHS Dorset")
    assert len(closest) == 3 and len(set(closest)) == 3


def test_closest_entries_fall_back_to_similar_codes():
    register = pd.DataFrame(
        {"ccg_code": ["07H", "11J"], "ccg_name": ["NHS West Essex", "NHS Dorset"]}
    )
    assert closest_entries("07J", None, register, n=1) == [("07H", "NHS West Essex")]
