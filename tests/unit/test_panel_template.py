"""The panel templates in data/templates/: generated, reproducible, and what they promise."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pandas as pd
import pytest

from qipp.panel import DataError, load_panel
from qipp.panel.io import validate_panel_frame
from qipp.panel.schema import (
    DATA_STATUSES,
    MONEY_COLUMNS,
    NAMED_CCGS,
    PANEL_COLUMNS,
    PANEL_SPEC,
    REGIONS,
    STATUS_REPORTED,
    is_ods_code,
)
from qipp.panel.template import (
    DATA_SHEET,
    EXAMPLE_CODES,
    EXAMPLE_CSV_NAME,
    EXAMPLE_NOTE,
    FIXED_TIME,
    INSTRUCTIONS,
    MONEY_FORMAT,
    README_SHEET,
    TEMPLATE_ROWS,
    TEMPLATE_XLSX_NAME,
    example_csv_text,
    write_templates,
)
from qipp.paths import TEMPLATES_DIR
from qipp.reference import load_register, names_match

TEMPLATE = TEMPLATES_DIR / TEMPLATE_XLSX_NAME
EXAMPLE = TEMPLATES_DIR / EXAMPLE_CSV_NAME
REGENERATE = "regenerate with qipp.panel.template.write_templates() (qipp panel template --write)"


def _letter(column: str) -> str:
    return openpyxl.utils.get_column_letter(PANEL_COLUMNS.index(column) + 1)


def _example_frame() -> pd.DataFrame:
    return pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)


# --- reproducible, and committed as generated ---------------------------------------------


def test_writing_twice_gives_the_same_bytes_as_the_committed_files(tmp_path):
    first = write_templates(tmp_path / "a")
    second = write_templates(tmp_path / "b")
    assert [p.name for p in first] == [TEMPLATE_XLSX_NAME, EXAMPLE_CSV_NAME]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
        assert (TEMPLATES_DIR / a.name).read_bytes() == a.read_bytes(), (
            f"stale {a.name}; {REGENERATE}"
        )


def test_the_workbook_carries_fixed_times():
    props = openpyxl.load_workbook(TEMPLATE).properties
    assert props.created == FIXED_TIME
    assert props.modified == FIXED_TIME


# --- the Data sheet -------------------------------------------------------------------------


def test_the_data_sheet_has_the_header_frozen_and_nothing_else():
    wb = openpyxl.load_workbook(TEMPLATE)
    assert wb.sheetnames == [DATA_SHEET, README_SHEET]  # Data first: readers take sheet 1
    ws = wb[DATA_SHEET]
    assert [c.value for c in ws[1]] == PANEL_COLUMNS
    assert ws.max_row == 1
    assert ws.freeze_panes == "A2"
    for column in PANEL_COLUMNS:
        assert ws.column_dimensions[_letter(column)].width >= len(column)


def test_drop_down_lists_cover_rows_2_to_1000():
    ws = openpyxl.load_workbook(TEMPLATE)[DATA_SHEET]
    lists = {
        str(dv.sqref): dv.formula1.strip('"').split(",")
        for dv in ws.data_validations.dataValidation
        if dv.type == "list"
    }
    rows = f"2:{{}}{TEMPLATE_ROWS}"
    assert lists == {
        f"{_letter('region')}{rows.format(_letter('region'))}": list(REGIONS),
        f"{_letter('data_status')}{rows.format(_letter('data_status'))}": ["reported", "synthetic"],
        f"{_letter('uses_non_recurrent_fund')}{rows.format(_letter('uses_non_recurrent_fund'))}": [
            "true",
            "false",
        ],
    }
    assert sorted(["reported", "synthetic"]) == sorted(DATA_STATUSES)
    for dv in ws.data_validations.dataValidation:
        assert dv.showErrorMessage and dv.allow_blank


def test_money_columns_show_three_decimals():
    ws = openpyxl.load_workbook(TEMPLATE)[DATA_SHEET]
    for column in PANEL_COLUMNS:
        fmt = ws.column_dimensions[_letter(column)].number_format
        assert (fmt == MONEY_FORMAT) == (column in MONEY_COLUMNS), column


def test_a_filled_in_template_loads(tmp_path):
    # A user types rows under the header and saves: the loader reads the Data sheet.
    wb = openpyxl.load_workbook(TEMPLATE)
    ws = wb[DATA_SHEET]
    example = _example_frame()
    for record in example.to_dict("records"):
        ws.append(
            [
                float(record[c])
                if c in MONEY_COLUMNS
                else record[c] == "true"
                if c == "uses_non_recurrent_fund"
                else record[c]
                for c in PANEL_COLUMNS
            ]
        )
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    expected = validate_panel_frame(example[PANEL_COLUMNS], str(EXAMPLE))
    pd.testing.assert_frame_equal(load_panel(path), expected)


# --- the Read me sheet ------------------------------------------------------------------------


def test_read_me_holds_the_instructions_and_the_data_dictionary():
    ws = openpyxl.load_workbook(TEMPLATE)[README_SHEET]
    rows = [tuple(c for c in row) for row in ws.iter_rows(values_only=True)]
    text = "\n".join(" | ".join(str(c) for c in row if c is not None) for row in rows)
    for line in INSTRUCTIONS:
        assert line in text
    for needle in ("£ million", "3 decimals", "one row per CCG", "qipp panel validate"):
        assert needle in text
    table = {row[0]: row[1:4] for row in rows if row[0] in PANEL_COLUMNS}
    assert list(table) == PANEL_COLUMNS
    for f in PANEL_SPEC.fields:
        _type, meaning, rule = table[f.name]
        assert meaning == f.description
        for check in f.checks:
            assert check.expected in rule
    for row_rule in PANEL_SPEC.row_rules:
        assert row_rule.expected in text


# --- the example with real codes ----------------------------------------------------------------


def test_the_example_has_real_codes_and_says_its_figures_are_invented():
    assert EXAMPLE.read_text(encoding="utf-8") == example_csv_text()
    rows = list(csv.DictReader(io.StringIO(example_csv_text())))
    assert list(rows[0]) == [*PANEL_COLUMNS, "notes"]
    assert [r["ccg_code"] for r in rows] == list(EXAMPLE_CODES)
    register = load_register().set_index("ccg_code")
    for row in rows:
        assert is_ods_code(row["ccg_code"])
        # The register's region and name (so the register check passes), never typed again.
        assert row["region"] == register.at[row["ccg_code"], "region"]
        assert names_match(row["ccg_name"], register.at[row["ccg_code"], "ccg_name"])
        assert row["data_status"] == STATUS_REPORTED
        assert row["notes"] == EXAMPLE_NOTE
        for column in MONEY_COLUMNS:
            assert re.fullmatch(r"\d+\.\d{3}", row[column]), (column, row[column])
        if row["ccg_code"] in NAMED_CCGS:
            assert row["ccg_name"] == NAMED_CCGS[row["ccg_code"]]
    assert {r["region"] for r in rows} == set(REGIONS)  # one CCG from each region


def test_the_example_is_valid_once_its_notes_are_set_aside():
    example = _example_frame()
    panel = validate_panel_frame(example.drop(columns="notes"), str(EXAMPLE))
    assert panel["ccg_code"].tolist() == list(EXAMPLE_CODES)


def test_the_example_loads_with_its_notes_column_set_aside():
    try:
        panel = load_panel(EXAMPLE)
    except DataError as error:
        if all("notes" in str(p) and "unexpected column" in str(p) for p in error.problems):
            pytest.skip("the loader in use still rejects extra columns (issue 11 sets them aside)")
        raise
    expected = validate_panel_frame(_example_frame()[PANEL_COLUMNS], str(EXAMPLE))
    pd.testing.assert_frame_equal(panel.reset_index(drop=True), expected)
    from qipp.panel.intake.pipeline import read_panel

    warnings = [str(w) for w in read_panel(EXAMPLE).warnings]
    assert len(warnings) == 1 and "'notes'" in warnings[0], warnings
