"""normalise_cells: exact case/space variants fixed, one note per column, nothing else touched."""

from __future__ import annotations

import pandas as pd

from qipp.panel.intake.normalise import did_you_mean, normalise_cells
from qipp.panel.schema import DATA_STATUSES, REGIONS


def frame(**columns: list) -> pd.DataFrame:
    # Spreadsheet row numbers as the index, as locate_table gives them.
    length = len(next(iter(columns.values())))
    return pd.DataFrame(columns, index=range(4, 4 + length), dtype=object)


def test_codes_are_upper_cased_and_trimmed_with_one_note():
    fixed, notes = normalise_cells(frame(ccg_code=["00c", " 11j", "07H ", "s002", "07H"]))
    assert fixed["ccg_code"].tolist() == ["00C", "11J", "07H", "S002", "07H"]
    assert notes == ("ccg_code: 3 values upper-cased, 1 trimmed of spaces ('00c' -> '00C')",)
    assert list(fixed.index) == [4, 5, 6, 7, 8]


def test_a_code_that_no_case_makes_valid_is_left_as_written():
    cells = ["../x", "abc", "1 1J", "", None, 11]
    fixed, notes = normalise_cells(frame(ccg_code=cells))
    assert fixed["ccg_code"].tolist() == cells
    assert notes == ()


def test_regions_fold_to_their_canonical_names():
    fixed, notes = normalise_cells(
        frame(region=["london", "MIDLANDS AND EAST OF ENGLAND", " North  of England", "London"])
    )
    assert fixed["region"].tolist() == [
        "London",
        "Midlands and East of England",
        "North of England",
        "London",
    ]
    assert notes == ("region: 3 values matched to a canonical name ('london' -> 'London')",)


def test_a_misspelt_region_is_never_mapped():
    fixed, notes = normalise_cells(frame(region=["Londn", "Wales", "South England"]))
    assert fixed["region"].tolist() == ["Londn", "Wales", "South England"]
    assert notes == ()


def test_status_words_are_lower_cased_and_fund_words_read_as_true_or_false():
    fixed, notes = normalise_cells(
        frame(
            data_status=["Reported", "REPORTED ", "reported", "Estimated"],
            uses_non_recurrent_fund=["Yes", "TRUE", "n", "Maybe"],
        )
    )
    assert fixed["data_status"].tolist() == ["reported", "reported", "reported", "Estimated"]
    assert fixed["uses_non_recurrent_fund"].tolist() == ["true", "true", "false", "Maybe"]
    assert notes == (
        "data_status: 2 values lower-cased ('Reported' -> 'reported')",
        "uses_non_recurrent_fund: 1 value 'Yes' read as true, 1 'TRUE' read as true, "
        "1 'n' read as false",
    )


def test_spreadsheet_booleans_numbers_and_other_columns_are_untouched():
    original = frame(
        uses_non_recurrent_fund=[True, False],
        allocation_gbp_m=["  300 ", "£400"],
        ccg_name=["nhs dorset ccg", " x "],
    )
    fixed, notes = normalise_cells(original)
    pd.testing.assert_frame_equal(fixed, original)
    assert notes == ()


def test_the_input_frame_is_not_changed():
    original = frame(ccg_code=["00c"])
    normalise_cells(original)
    assert original["ccg_code"].tolist() == ["00c"]


def test_a_long_value_is_quoted_short_in_the_note():
    long_region = "LONDON" + " " * 200
    _, notes = normalise_cells(frame(region=[long_region]))
    assert notes[0].startswith("region: 1 value matched to a canonical name ('LONDON")
    assert notes[0].endswith("... (206 characters) -> 'London')")


def test_did_you_mean_offers_a_close_choice_only():
    assert did_you_mean("Londn", REGIONS) == "London"
    assert did_you_mean("midlands & east of england", REGIONS) == "Midlands and East of England"
    assert did_you_mean("Wales", REGIONS) is None
    assert did_you_mean("synth", DATA_STATUSES) == "synthetic"
    assert did_you_mean("estimated", DATA_STATUSES) is None
    assert did_you_mean(None, DATA_STATUSES) is None
