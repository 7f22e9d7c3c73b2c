"""read_grids: bytes to raw cells, each file written here by code; one-line refusals.

The hostile files (bombs, damaged parts, huge cells) are in
tests/integration/test_hostile_files.py, read under a memory cap.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference

from qipp.panel.intake import grid as grid_module
from qipp.panel.intake.grid import Grid, read_grids
from qipp.panel.intake.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS
from qipp.panel.intake.text import WINDOWS_1252_NOTE
from qipp.validation.problems import DataError, Problem

HEADER = "ccg_code,ccg_name,allocation_gbp_m"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refusal(path: Path, sheet: str | int | None = None) -> Problem:
    """The one problem read_grids raises for ``path``."""
    with pytest.raises(DataError) as caught:
        read_grids(path, sheet)
    assert len(caught.value.problems) == 1
    problem = caught.value.problems[0]
    assert problem.file == str(path)
    return problem


def only(grids: list[Grid]) -> Grid:
    assert len(grids) == 1
    return grids[0]


# --- text: encodings ---------------------------------------------------------------------


def test_utf8_with_a_byte_order_mark_reads_without_a_note(tmp_path):
    path = write(tmp_path, "bom.csv", f"\ufeff{HEADER}\n00C,NHS Darlington CCG,120.5\n".encode())
    grid = only(read_grids(path))
    assert grid == Grid(
        "",
        None,
        (("ccg_code", "ccg_name", "allocation_gbp_m"), ("00C", "NHS Darlington CCG", "120.5")),
        (),
    )


def test_windows_1252_is_read_correctly_with_a_note(tmp_path):
    text = f"{HEADER}\n99X,St Helen\u2019s CCG \u00a35m,1\n"
    grid = only(read_grids(write(tmp_path, "cp1252.csv", text.encode("cp1252"))))
    assert grid.rows[1][1] == "St Helen\u2019s CCG \u00a35m"
    assert grid.notes == (WINDOWS_1252_NOTE,)
    assert "save as CSV UTF-8" in WINDOWS_1252_NOTE


def test_undecodable_bytes_are_named_by_row_and_column(tmp_path):
    # 0x81 is undefined in Windows-1252 and not UTF-8: no reading is right.
    data = f"{HEADER}\n00C,NHS Darlington CCG,1\n01A,Bad \x81 name,2\n".encode("latin-1")
    problem = refusal(write(tmp_path, "bad.csv", data))
    assert (problem.row, problem.column) == (3, "B")
    assert "byte 0x81 in cell B3" in problem.message
    assert "CSV UTF-8" in problem.expected


def test_a_bad_byte_after_a_quoted_line_break_is_on_the_spreadsheet_row(tmp_path):
    data = b'a;b;c\n"two\nlines";x;y\n1;2;\x81\n'
    problem = refusal(write(tmp_path, "quoted.csv", data))
    assert (problem.row, problem.column) == (3, "C")


def test_utf16_unicode_text_is_read_with_a_note(tmp_path):
    path = write(tmp_path, "unicode.txt", "a\tb\n1\t\u00a32\n".encode("utf-16"))
    grid = only(read_grids(path))
    assert grid.rows == (("a", "b"), ("1", "\u00a32"))
    assert any("UTF-16" in note for note in grid.notes)


# --- text: separators ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "note"),
    [
        ("semi.csv", b"a;b;c\n1,5;2;3\n", "semicolon-separated, not comma-separated"),
        ("tab.csv", b"a\tb\tc\n1,5\t2\t3\n", "tab-separated, not comma-separated"),
        ("bar.txt", b"a|b|c\n1,5|2|3\n", "bar (|)-separated, not comma-separated"),
    ],
)
def test_a_separator_other_than_a_comma_is_found_with_a_note(tmp_path, name, data, note):
    grid = only(read_grids(write(tmp_path, name, data)))
    assert grid.rows == (("a", "b", "c"), ("1,5", "2", "3"))
    assert grid.notes == (note,)


def test_a_tsv_is_tab_separated_without_a_note(tmp_path):
    grid = only(read_grids(write(tmp_path, "panel.tsv", b"a\tb\n1,2\t3\n")))
    assert grid.rows == (("a", "b"), ("1,2", "3"))
    assert grid.notes == ()


def test_ragged_and_blank_rows_are_kept_as_read_and_trailing_blanks_dropped(tmp_path):
    data = b"a,b,c\n1,2\n\n3,4,5,6\n\n\n"
    grid = only(read_grids(write(tmp_path, "ragged.csv", data)))
    assert grid.rows == (("a", "b", "c"), ("1", "2"), (), ("3", "4", "5", "6"))


# --- limits ------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [MAX_CELL_CHARS + 1, 5 * MAX_CELL_CHARS])
def test_a_csv_cell_over_the_limit_is_named_and_quoted_short(tmp_path, length):
    data = f"{HEADER}\n00C,{'y' * length},1\n".encode()
    problem = refusal(write(tmp_path, "long.csv", data))
    assert (problem.row, problem.column) == (2, "B")
    assert problem.message.startswith("cell B2 is too long: 'yyy")
    assert f"({length:,} characters)" in problem.message
    assert len(str(problem)) < 400
    assert csv.field_size_limit() == 131072  # the csv module's limit is put back


def test_a_cell_at_the_limit_reads(tmp_path):
    data = f"{HEADER}\n00C,{'y' * MAX_CELL_CHARS},1\n".encode()
    assert len(only(read_grids(write(tmp_path, "at_limit.csv", data))).rows[1][1]) == 1000


def test_a_row_too_wide_is_refused_but_trailing_empty_cells_are_not_counted(tmp_path):
    wide = ",".join(f"h{i}" for i in range(MAX_COLUMNS + 1)).encode()
    problem = refusal(write(tmp_path, "wide.csv", wide + b"\n"))
    assert (problem.row, problem.column) == (1, "CW")
    assert f"at most {MAX_COLUMNS} columns" in problem.expected
    padded = b"a,b" + b"," * 500 + b"\n1,2\n"
    assert only(read_grids(write(tmp_path, "padded.csv", padded))).rows == (("a", "b"), ("1", "2"))


def test_more_rows_than_a_panel_has_are_refused(tmp_path):
    rows = "".join(f"S{n},x,1\n" for n in range(MAX_ROWS))
    fits = write(tmp_path, "fits.csv", f"{HEADER}\n{rows}".encode())
    assert len(only(read_grids(fits)).rows) == MAX_ROWS + 1
    over = write(tmp_path, "over.csv", f"{HEADER}\n{rows}S,x,1\n".encode())
    problem = refusal(over)
    assert problem.row == MAX_ROWS + 2
    assert "more than 10,000 rows of data" in problem.message


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(grid_module, "MAX_FILE_BYTES", 1024)
    problem = refusal(write(tmp_path, "big.csv", b"a,b\n" + b"1,2\n" * 1000))
    assert problem.message == "the file is 0.0 MB"
    assert problem.expected.startswith("at most 0.0 MB")


# --- files that are not tables ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "the file is binary, not text"),
        ("renamed.csv", b"PK\x03\x04rest", "this is a spreadsheet (.xlsx) saved under a .csv name"),
        ("old.xls.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "this is an Excel 97-2003 .xls"),
        ("text.xlsx", b"a,b\n1,2\n", "this is not an .xlsx workbook (it is not a zip archive)"),
        ("panel.ods", b"a,b\n", "unsupported file type '.ods'"),
    ],
)
def test_a_file_that_is_not_a_table_gets_one_line(tmp_path, name, data, message):
    problem = refusal(write(tmp_path, name, data))
    assert (problem.row, problem.column) == (None, None)
    assert problem.message.startswith(message)


def test_a_missing_file_and_a_directory_are_refused(tmp_path):
    assert refusal(tmp_path / "nothing.csv").message == "no such file"
    assert refusal(tmp_path).message == "this is not a regular file"


def test_a_workbook_under_a_csv_name_is_refused(tmp_path):
    path = tmp_path / "book.csv"
    workbook = openpyxl.Workbook()
    workbook.save(path)
    assert "saved under a .csv name" in refusal(path).message


def test_a_text_file_has_only_sheet_one(tmp_path):
    path = write(tmp_path, "a.csv", b"a,b\n1,2\n")
    assert read_grids(path, 1) == read_grids(path, "1") == read_grids(path)
    assert "a text file has no sheets" in refusal(path, "Data").message


# --- workbooks -----------------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """A return with a cover sheet, then the data with typed cells."""
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Cover"
    cover["A1"] = "NHS England: QIPP return, Q1 2013-14"
    data = book.create_sheet("Data")
    data.append(["ccg_code", " ccg_name ", "allocation_gbp_m", "uses_fund", "as_at", "note"])
    data.append(["00C", "NHS Darlington CCG", 120.5, True, dt.datetime(2013, 6, 30), None])
    data.append(["01A", "NHS Knowsley CCG", 7, False, None, None])
    book.create_sheet("Notes")["B2"] = "figures in £m"
    path = tmp_path / "return.xlsx"
    book.save(path)
    return path


def test_every_sheet_is_a_grid_in_order_with_its_cells_typed(workbook):
    cover, data, notes = read_grids(workbook)
    assert [g.label for g in (cover, data, notes)] == [
        "sheet 'Cover'",
        "sheet 'Data'",
        "sheet 'Notes'",
    ]
    assert cover.rows == (("NHS England: QIPP return, Q1 2013-14",),)
    assert data.sheet == "Data"
    assert data.rows[0][1] == " ccg_name "  # not stripped here
    # Rows keep their own widths: openpyxl writes no cell for None.
    assert data.rows[1] == ("00C", "NHS Darlington CCG", 120.5, True, dt.datetime(2013, 6, 30))
    assert data.rows[2][2:4] == (7, False)
    assert notes.rows == ((), (None, "figures in £m"))  # a row with no cells is ()


@pytest.mark.parametrize("sheet", ["Data", " data ", 2, "2"])
def test_a_sheet_is_chosen_by_name_or_number(workbook, sheet):
    assert [g.sheet for g in read_grids(workbook, sheet)] == ["Data"]


@pytest.mark.parametrize("sheet", ["Summary", 4, "0"])
def test_an_unknown_sheet_lists_the_workbook_sheets(workbook, sheet):
    problem = refusal(workbook, sheet)
    assert "the workbook's sheets are 'Cover', 'Data', 'Notes'" in problem.message
    assert problem.expected == "a sheet name, or a number from 1 to 3"


def test_a_workbook_cell_over_the_limit_names_sheet_row_and_column(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Data"
    book.active.append(["ccg_code", "ccg_name"])
    book.active.append(["00C", "z" * (MAX_CELL_CHARS + 1)])
    book.save(tmp_path / "long.xlsx")
    problem = refusal(tmp_path / "long.xlsx")
    assert (problem.row, problem.column) == (2, "B")
    assert problem.message.startswith("sheet 'Data', cell B2 is too long: 'zzz")


def test_a_chart_sheet_is_an_empty_grid(tmp_path):
    book = openpyxl.Workbook()
    book.active.append([1, 2, 3])
    chart = BarChart()
    chart.add_data(Reference(book.active, min_col=1, max_col=3, min_row=1))
    book.create_chartsheet("Chart").add_chart(chart)
    book.save(tmp_path / "chart.xlsx")
    chart = read_grids(tmp_path / "chart.xlsx", "Chart")[0]
    assert (chart.rows, chart.notes) == ((), ("a chart sheet: no cells",))


def test_a_workbook_without_an_extension_reads_and_an_ods_is_refused(tmp_path, workbook):
    bare = write(tmp_path, "return", workbook.read_bytes())
    assert [g.sheet for g in read_grids(bare)] == ["Cover", "Data", "Notes"]
    ods = write(tmp_path, "return.ods", workbook.read_bytes())
    assert refusal(ods).message == "unsupported file type '.ods'"
