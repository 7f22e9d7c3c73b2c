"""The panel schema on small hand-built frames, and the CSV / .xlsx loaders."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pandera.pandas as pa
import pytest

from qipp.panel import PANEL_COLUMNS, DataError, load_panel, panel_schema
from qipp.panel.io import validate_panel_frame

ROWS = [
    [
        "S001",
        "Synthetic CCG 001",
        "London",
        "300.000",
        "7.500",
        "3.000",
        "1.500",
        "1.200",
        "7.000",
        "false",
        "synthetic",
    ],
    [
        "11J",
        "NHS Dorset CCG",
        "South of England",
        "857.143",
        "2.400",
        "1.000",
        "0.600",
        "0.600",
        "2.400",
        "true",
        "synthetic",
    ],
]
HEADER = ",".join(PANEL_COLUMNS)


def _raw(rows=ROWS, **changes) -> pd.DataFrame:
    frame = pd.DataFrame([list(r) for r in rows], columns=PANEL_COLUMNS)
    for key, value in changes.items():
        row, column = key.rsplit("__", 1)[0], key.rsplit("__", 1)[1]
        frame.loc[int(row[1:]), column] = value
    return frame


def _problems(raw: pd.DataFrame) -> list[str]:
    with pytest.raises(DataError) as caught:
        validate_panel_frame(raw, "t.csv")
    return [str(p) for p in caught.value.problems]


def _reported(rows):
    return [[c.replace("synthetic", "reported") for c in r] for r in rows]


def test_a_valid_frame_is_typed_in_canonical_order():
    panel = validate_panel_frame(_raw()[PANEL_COLUMNS[::-1]], "t.csv")
    assert list(panel.columns) == PANEL_COLUMNS
    assert panel["allocation_gbp_m"].tolist() == [300.0, 857.143]
    assert panel["uses_non_recurrent_fund"].dtype == bool
    assert panel["uses_non_recurrent_fund"].tolist() == [False, True]
    panel_schema().validate(panel)


def test_the_schema_is_a_strict_pandera_schema():
    schema = panel_schema()
    assert isinstance(schema, pa.DataFrameSchema) and schema.strict
    assert sorted(schema.columns) == sorted(PANEL_COLUMNS)


def test_reported_rows_need_ods_codes():
    rows = _reported(ROWS)
    rows[0][0], rows[0][1] = "02N", "NHS Airedale, Wharfedale and Craven CCG"
    assert len(validate_panel_frame(_raw(rows), "t.csv")) == 2
    rows[1][0] = "S002"
    assert _problems(_raw(rows)) == [
        (
            "t.csv:3:ccg_code: reported row has the synthetic code 'S002' (expected a reported "
            "row to carry the CCG's ODS code (S-codes are for synthetic rows))"
        )
    ]


def test_a_reported_panel_may_show_any_real_ccg_by_name():
    rows = _reported(ROWS)
    rows[0][0], rows[0][1] = "02N", "NHS Airedale, Wharfedale and Craven CCG"
    panel = validate_panel_frame(_raw(rows), "t.csv")
    assert panel["ccg_name"].iloc[0] == "NHS Airedale, Wharfedale and Craven CCG"


def test_named_ccgs_must_keep_their_own_names_in_a_synthetic_panel():
    assert _problems(_raw(**{"r1__ccg_name": "NHS Dorset"})) == [
        "t.csv:3:ccg_name: synthetic row 11J is named 'NHS Dorset' (expected a synthetic row "
        "with an S-code to be named 'Synthetic CCG NNN', and 11J and 07H to carry their own "
        "names (NHS Dorset CCG, NHS West Essex CCG))"
    ]


def test_names_starting_like_a_formula_are_refused():
    for start in ("+", "-", "@"):
        problems = _problems(_raw(**{"r0__ccg_name": f"{start}Synthetic CCG 001"}))
        assert problems[-1].startswith(
            f"t.csv:2:ccg_name: '{start}Synthetic CCG 001' is not "
            "allowed (expected text not starting with =, +, - or @"
        )


def test_names_with_allowed_punctuation_pass():
    rows = _reported(ROWS)
    rows[0][0], rows[0][1] = "99Q", "NHS St. Helen's (North) & Co - Test, Ltd"
    assert validate_panel_frame(_raw(rows), "t.csv")["ccg_name"].iloc[0].startswith("NHS St.")


def test_every_problem_is_reported_at_once_in_row_order():
    problems = _problems(
        _raw(
            **{
                "r0__region": "Wales",
                "r1__forecast_outturn_gbp_m": "-1",
                "r1__ytd_plan_gbp_m": "3.0",
            }
        )
    )
    assert problems == [
        "t.csv:2:region: 'Wales' is not allowed (expected one of: North of England, Midlands "
        "and East of England, South of England, London)",
        # A row with a cell that cannot be read gets no row-rule verdict until it is fixed.
        "t.csv:3:forecast_outturn_gbp_m: '-1' is negative; this column cannot be negative "
        "(expected a number; a value >= 0)",
    ]


def test_csv_with_and_without_byte_order_mark(tmp_path):
    text = HEADER + "\n" + "\n".join(",".join(r) for r in ROWS) + "\n"
    plain, bom = tmp_path / "plain.csv", tmp_path / "bom.csv"
    plain.write_text(text, encoding="utf-8")
    bom.write_text(text, encoding="utf-8-sig")
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    pd.testing.assert_frame_equal(load_panel(plain), load_panel(bom))


def test_xlsx_with_typed_cells_loads_like_the_csv(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(PANEL_COLUMNS)
    for row in ROWS:
        sheet.append(row[:3] + [float(v) for v in row[3:9]] + [row[9] == "true", row[10]])
    path = tmp_path / "returns.xlsx"
    book.save(path)
    csv = tmp_path / "returns.csv"
    csv.write_text(HEADER + "\n" + "\n".join(",".join(r) for r in ROWS) + "\n", encoding="utf-8")
    pd.testing.assert_frame_equal(load_panel(path), load_panel(csv))


def test_xlsx_problems_name_spreadsheet_rows(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(PANEL_COLUMNS)
    sheet.append(ROWS[0][:3] + [300.0, 7.5, 3.0, 1.5, 1.2, 7.0, "yes", "synthetic"])
    sheet.append(ROWS[1][:3] + [857.143, 2.4, 1.0, 0.6, 0.6, 2.4, "perhaps", "synthetic"])
    path = tmp_path / "returns.xlsx"
    book.save(path)
    with pytest.raises(DataError) as caught:
        load_panel(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:3:uses_non_recurrent_fund: 'perhaps' is not true or false (expected true or false)"
    ]


def test_a_missing_file_is_one_clear_problem(tmp_path):
    with pytest.raises(DataError) as caught:
        load_panel(tmp_path / "nope.csv")
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'nope.csv'}: no such file (expected a CSV (UTF-8) or .xlsx table "
        "with a header row)"
    ]
