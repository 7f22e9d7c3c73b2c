"""PCTs of 2012 with their SHAs, and the article's PCT names matched only when unambiguous."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from qipp.ledger import load_claims, load_tidy_table
from qipp.reference import read_raw
from qipp.reference.pcts import (
    MATCH_COLUMNS,
    MATCHED,
    NO_MATCH,
    PCT_COLUMNS,
    SEVERAL,
    SHA_SEPARATOR,
    load_pcts,
    match_pcts,
    normalised_pct_name,
)
from qipp.reference.raw import RAW_FILES
from qipp.validation import DataError

# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, listed",
    [
        ("NHS Heywood, Middleton & Rochdale", "Heywood, Middleton and Rochdale"),
        ("Tameside and Glossop PCT", "TAMESIDE & GLOSSOP"),
        ("Bassetlaw Primary Care Trust", "Bassetlaw"),
        ("NHS Wolverhampton", "Wolverhampton City"),
        ("NHS Sunderland", "Sunderland Teaching"),
        ("Portsmouth PCT", "Portsmouth City Teaching"),
        ("Northumberland Care Trust", "Northumberland"),
        ("NHS Isle of Wight", "Isle of Wight National Health Service"),
        ("NHS Stoke-on-Trent", "Stoke on Trent"),
    ],
)
def test_names_that_differ_only_in_what_lists_vary_normalise_alike(written, listed):
    assert normalised_pct_name(written) == normalised_pct_name(listed)


@pytest.mark.parametrize(
    "one, other",
    [
        ("City and Hackney Teaching", "Hackney"),  # a leading "City" names the place
        ("County Durham", "Durham"),
        ("Nottingham City", "Nottinghamshire County Teaching"),
        ("West Kent", "Kent"),
    ],
)
def test_names_of_different_places_stay_different(one, other):
    assert normalised_pct_name(one) != normalised_pct_name(other)


# --- matching, on a hand-built list -----------------------------------------------------------

TOY = pd.DataFrame(
    {
        "pct_code": ["5AA", "5BB", "5CC", "5DD"],
        "pct_name": ["Ashby", "Ashby Teaching", "Brackenford City", "Calder & Vale"],
        "sha_codes": ["Q30", "Q31", "Q32", f"Q33{SHA_SEPARATOR}Q34"],
        "sha_names": [
            "North East",
            "North West",
            "Yorkshire and the Humber",
            f"East Midlands{SHA_SEPARATOR}West Midlands",
        ],
    }
)


def test_a_name_one_pct_has_is_matched_with_its_code_and_sha():
    found = match_pcts(["NHS Brackenford PCT", "Calder and Vale Primary Care Trust"], TOY)
    assert list(found.columns) == MATCH_COLUMNS
    assert found["status"].tolist() == [MATCHED, MATCHED]
    assert found["pct_code"].tolist() == ["5CC", "5DD"]
    assert found["sha_codes"].tolist() == ["Q32", f"Q33{SHA_SEPARATOR}Q34"]
    assert found["why"].tolist() == ["", ""]


def test_a_name_several_pcts_have_is_not_matched_and_lists_them():
    [row] = match_pcts(["NHS Ashby"], TOY).to_dict("records")
    assert row["status"] == SEVERAL and pd.isna(row["pct_code"]) and pd.isna(row["sha_codes"])
    assert "5AA (Ashby)" in row["why"] and "5BB (Ashby Teaching)" in row["why"]


def test_a_name_no_pct_has_is_not_matched_and_nothing_close_is_offered_as_one():
    found = match_pcts(["NHS Ashbey", "Brackenford North"], TOY)
    assert found["status"].tolist() == [NO_MATCH, NO_MATCH]
    assert found["pct_code"].isna().all()
    assert found["why"].tolist() == ["no PCT of 2012 has this name"] * 2


def test_a_group_of_pcts_is_never_matched_to_one():
    [row] = match_pcts(["Brackenford PCTs"], TOY).to_dict("records")
    assert row["status"] == NO_MATCH and row["why"] == "names a group of PCTs, not one trust"


def test_each_name_once_in_the_order_given():
    found = match_pcts(["NHS Calder & Vale", "Ashby", "NHS Calder & Vale"], TOY)
    assert found["organisation"].tolist() == ["NHS Calder & Vale", "Ashby"]


# --- loading, on hand-built raw files ---------------------------------------------------------


def write_raw(folder: Path, key: str, rows: list[list[str]]) -> None:
    with open(folder / RAW_FILES[key].file_name, "w", encoding="cp1252", newline="") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL).writerows(rows)


def toy_raw(folder: Path, lookup_rows: list[list[str]] | None = None) -> Path:
    write_raw(
        folder,
        "pcts",
        [
            ["PCO12CD", "PCO12CDO", "PCO12NM"],
            ["E16000001", "5AA", "Ashby"],
            ["E16000002", "5BB", "Brackenford"],
        ],
    )
    lookup = [["PCO12CD", "PCO12CDO", "PCO12NM", "SHA12CD", "SHA12CDO", "SHA12NM"]]
    lookup += lookup_rows or [
        ["E16000001", "5AA", "Ashby", "E18000002", "Q31", "North West"],
        ["E16000002", "5BB", "Brackenford", "E18000004", "Q33", "East Midlands"],
        ["E16000002", "5BB", "Brackenford", "E18000002", "Q31", "North West"],
    ]
    write_raw(folder, "pct_sha", lookup)
    write_raw(
        folder,
        "shas",
        [
            ["SHA12CD", "SHA12CDO", "SHA12NM"],
            ["E18000002", "Q31", "North West"],
            ["E18000004", "Q33", "East Midlands"],
        ],
    )
    return folder


def test_a_cross_border_pct_lists_both_shas_in_code_order(tmp_path):
    pcts = load_pcts(toy_raw(tmp_path))
    assert list(pcts.columns) == PCT_COLUMNS
    assert pcts.to_dict("records") == [
        {
            "pct_code": "5AA",
            "ons_code": "E16000001",
            "pct_name": "Ashby",
            "sha_codes": "Q31",
            "sha_names": "North West",
            "cross_border": False,
        },
        {
            "pct_code": "5BB",
            "ons_code": "E16000002",
            "pct_name": "Brackenford",
            "sha_codes": f"Q31{SHA_SEPARATOR}Q33",
            "sha_names": f"North West{SHA_SEPARATOR}East Midlands",
            "cross_border": True,
        },
    ]


def test_a_pct_without_an_sha_or_an_unknown_sha_is_refused_naming_file_and_row(tmp_path):
    rows = [
        ["E16000001", "5AA", "Ashby", "E18000009", "Q38", "South Central"],
    ]
    with pytest.raises(DataError) as caught:
        load_pcts(toy_raw(tmp_path, rows))
    lines = [str(p) for p in caught.value.problems]
    lookup = RAW_FILES["pct_sha"].file_name
    shas = RAW_FILES["shas"].file_name
    assert any(
        line.startswith(f"{tmp_path / lookup}:2:SHA12CDO: 'Q38' is not in {shas}") for line in lines
    )
    assert any(
        line.startswith(f"{tmp_path / RAW_FILES['pcts'].file_name}:3:PCO12CDO: '5BB' is not in")
        for line in lines
    )


def test_a_pct_listed_twice_is_refused(tmp_path):
    toy_raw(tmp_path)
    path = tmp_path / RAW_FILES["pcts"].file_name
    with open(path, "a", encoding="cp1252", newline="") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL).writerow(["E16000003", "5AA", "Ashby Again"])
    with pytest.raises(DataError) as caught:
        load_pcts(tmp_path)
    assert f"{path}:4:PCO12CDO: '5AA' appears twice (expected one row)" in str(caught.value)


# --- the real files ------------------------------------------------------------------------------


def test_the_real_list_has_every_pct_once_and_keeps_both_shas_of_the_cross_border_ones():
    pcts = load_pcts()
    listed = read_raw("pcts")
    lookup = read_raw("pct_sha")
    assert sorted(pcts["pct_code"]) == sorted(listed["PCO12CDO"]) and pcts["pct_code"].is_unique
    twice = set(lookup.loc[lookup["PCO12CDO"].duplicated(), "PCO12CDO"])
    assert twice and set(pcts.loc[pcts["cross_border"], "pct_code"]) == twice
    shas = set(read_raw("shas")["SHA12CDO"])
    for codes in pcts["sha_codes"]:
        assert set(codes.split(SHA_SEPARATOR)) <= shas
    for code in twice:
        expected = sorted(lookup.loc[lookup["PCO12CDO"] == code, "SHA12CDO"])
        assert pcts.set_index("pct_code").at[code, "sha_codes"] == SHA_SEPARATOR.join(expected)


def test_no_two_real_pcts_share_a_normalised_name():
    # So a name equal to one PCT's normalised name can never be another's too.
    names = load_pcts()["pct_name"].map(normalised_pct_name)
    assert names.is_unique


def test_the_articles_pcts_are_matched_or_say_why():
    names = load_tidy_table("pct_plans_2010_11", load_claims())["organisation"].unique()
    found = match_pcts(names)
    assert found["organisation"].tolist() == list(names)
    matched = found[found["status"] == MATCHED]
    assert len(matched) > len(found) / 2
    for row in matched.itertuples():
        assert normalised_pct_name(row.organisation) == normalised_pct_name(row.pct_name)
        assert row.sha_codes and row.why == ""
    unmatched = found[found["status"] != MATCHED]
    assert (unmatched["why"] != "").all() and unmatched["pct_code"].isna().all()
    groups = found["organisation"].str.contains(r"\bPCTs\b")
    assert (found.loc[groups, "status"] == NO_MATCH).all()
