"""qipp.downloads: the tables a report showed, as a workbook and a CSV each, at full precision."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import numpy as np
import openpyxl
import pandas as pd
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook
from render_helpers import read_table_sheet

from qipp import downloads
from qipp.banner import SYNTHETIC_BANNER
from qipp.display import facts, forget_shown, shown_tables, table
from qipp.findings import claims, nhse_ccgs, pct_progress, savings_profile, shortfall, target_gap
from qipp.paths import NOTEBOOKS_DIR
from qipp.render.plan.jobs import JobResult, RunSettings, finding_job
from qipp.render.site.export import notebook_title
from qipp.render.site.outputs import write_failure, write_success

STAMP = "Rendered 2026-01-02T03:04Z from commit 0123456789ab"


@pytest.fixture
def shown():
    """Two tables as a report shows them: awkward values, formatted for reading."""
    frame = pd.DataFrame(
        {
            "ccg_code": ["=HYPERLINK(1)", "07H", "S001"],
            "plan_gbp_m": [2.0 / 3, np.nan, 1234.5678901234567],
            "patients": pd.array([777935, None, 12], dtype="Int64"),
            "behind": [True, False, np.bool_(True)],
        }
    )
    labels = {"ccg_code": "CCG", "plan_gbp_m": "Plan (£m)", "patients": "Patients"}
    first = table(frame, labels=labels, formats={"plan_gbp_m": ",.1f"}, caption="Source: x.")
    second = facts({"CCGs": np.int64(143), "Median target (%)": 2.471234567891}, title="Spread")
    return [first, second]


def _sheet(path, name) -> list[list]:
    return [list(row) for row in openpyxl.load_workbook(path)[name].iter_rows(values_only=True)]


def test_the_workbook_has_cover_contents_and_notes_then_one_table_a_sheet(shown, tmp_path):
    book = tmp_path / "r.xlsx"
    written = downloads.write_tables(shown, book, title="A report", stamp=STAMP, synthetic=True)
    assert [p.name for p in written] == ["r.xlsx", "r-1.csv", "r-2.csv"]
    names = openpyxl.load_workbook(book).sheetnames
    assert names == ["Cover", "Contents", "Notes", "Table_1", "Table_2"]
    cover = [row[0] for row in _sheet(book, "Cover")]
    assert cover[0] == "A report" and f"{STAMP}." in cover
    assert f"{SYNTHETIC_BANNER}." in cover
    contents = [row[:2] for row in _sheet(book, "Contents")]
    assert ["Table_2", "Table 2: Spread"] in contents
    assert ["Table_1", "Table 1: CCG, Plan (£m), Patients, behind"] in contents
    notes = " ".join(str(row[1]) for row in _sheet(book, "Notes"))
    assert "full precision" in notes and "blank cell" in notes
    assert _sheet(book, "Table_1")[1][0] == SYNTHETIC_BANNER


def test_numbers_are_numbers_and_read_back_to_full_precision(shown, tmp_path):
    book = tmp_path / "r.xlsx"
    downloads.write_tables(shown, book, title="A report", stamp=STAMP)
    cells = openpyxl.load_workbook(book)["Table_1"]
    kinds = {c.value: c.data_type for row in cells.iter_rows() for c in row if c.value is not None}
    assert kinds[777935] == "n" and kinds[True] == "b" and kinds["=HYPERLINK(1)"] == "s"
    back = read_table_sheet(book, "Table_1")
    assert list(back.columns) == ["CCG", "Plan (£m)", "Patients", "behind"]
    # Excel keeps 16 significant digits; the page showed one decimal.
    assert back["Plan (£m)"][0] == pytest.approx(2.0 / 3, rel=1e-15)
    assert back["Plan (£m)"][2] == pytest.approx(1234.5678901234567, rel=1e-15)
    assert pd.isna(back["Plan (£m)"][1]) and back["behind"].tolist() == [True, False, True]
    spread = read_table_sheet(book, "Table_2")
    assert spread["Value"].tolist() == [143, pytest.approx(2.471234567891, rel=1e-15)]


def test_csvs_are_exact_formula_safe_and_mark_synthetic_data(shown, tmp_path):
    book = tmp_path / "r.xlsx"
    downloads.write_tables(shown, book, title="A report", stamp=STAMP, synthetic=True)
    back = pd.read_csv(tmp_path / "r-1.csv")
    assert back["CCG"][0] == "'=HYPERLINK(1)"
    assert back["Plan (£m)"][0] == 2.0 / 3 and back["Plan (£m)"][2] == 1234.5678901234567
    assert back["Patients"].tolist()[::2] == [777935, 12] and pd.isna(back["Patients"][1])
    assert (back[downloads.SYNTHETIC_COLUMN[0]] == downloads.SYNTHETIC_COLUMN[1]).all()
    assert pd.read_csv(tmp_path / "r-2.csv")["Value"][1] == 2.471234567891


def test_a_dash_for_none_and_an_empty_table_still_give_a_workbook(tmp_path):
    empty = table(pd.DataFrame({"name": pd.Series([], dtype=object)}), title="None left")
    dashes = facts({"Recomputed": "–", "Published": "£3bn"})
    downloads.write_tables([empty, dashes], tmp_path / "r.xlsx", title="R", stamp=STAMP)
    assert pd.read_csv(tmp_path / "r-1.csv").empty
    assert pd.read_csv(tmp_path / "r-2.csv")["Value"].isna().tolist() == [True, False]
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames[-2:] == ["Table_1", "Table_2"]


def test_only_a_workbook_path_is_accepted(shown, tmp_path):
    with pytest.raises(ValueError, match="must end .xlsx"):
        downloads.write_tables(shown, tmp_path / "r.csv", title="R", stamp=STAMP)


def test_tables_shown_are_remembered_once_each_in_order_until_forgotten(shown):
    forget_shown()
    shown[1]._repr_html_()
    shown[0]._repr_html_()
    shown[1]._repr_html_()
    assert shown_tables() == [shown[1], shown[0]]
    forget_shown()
    assert shown_tables() == []


def test_write_shown_writes_what_was_shown_and_links_it(shown, tmp_path):
    forget_shown()
    for each in shown:
        each._repr_html_()
    result = downloads.write_shown(str(tmp_path / "p.xlsx"), title="P")
    page = result._repr_html_()
    assert 'href="p.xlsx"' in page and 'href="p-2.csv"' in page and "Table 2: Spread" in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p-1.csv", "p-2.csv", "p.xlsx"]
    forget_shown()


def test_a_blank_tables_path_writes_nothing_and_says_so(shown, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shown[0]._repr_html_()
    result = downloads.write_shown("", title="P")
    assert result._repr_html_() is None and "tables_path is blank" in repr(result)
    assert list(tmp_path.iterdir()) == []
    forget_shown()


@pytest.mark.parametrize(
    "stem, package",
    [
        ("00_claims_ledger", claims),
        ("01_shortfall_doubling", shortfall),
        ("02_target_size_vs_gap", target_gap),
        ("03_front_loaded_savings", savings_profile),
        ("04_nhs_england_vs_ccgs", nhse_ccgs),
        ("05_pct_progress_2010", pct_progress),
    ],
)
def test_each_findings_title_is_its_notebooks_first_heading(stem, package):
    notebook = json.loads((NOTEBOOKS_DIR / f"{stem}.ipynb").read_text(encoding="utf-8"))
    assert package.TITLE == notebook_title(notebook, stem)
    last = nbformat.reads(json.dumps(notebook), as_version=4).cells[-1].source
    assert last.startswith("downloads.write_shown(tables_path, title=TITLE")


def _staged_job(tmp_path):
    """A finding job declaring ``tables_path``, its stage, and a notebook as papermill returns it."""
    stage = tmp_path / "out" / ".qipp-tmp-stage-x"
    stage.mkdir(parents=True)
    settings = RunSettings(stage, tmp_path, tmp_path / "kernels", out_dir=tmp_path / "out")
    job = finding_job(Path("nb/01_x.ipynb"), {"tables_path"}, stage)
    executed = new_notebook(cells=[new_markdown_cell("# Finding 1: X")])
    return settings, job, executed


def test_the_worker_publishes_the_workbook_and_its_csvs_with_the_page(tmp_path):
    settings, job, executed = _staged_job(tmp_path)
    for name in ("01_x.xlsx", "01_x-2.csv", "01_x-1.csv", "01_x-1.csv.bak"):
        (settings.stage / name).write_text("x")
    result = JobResult(job, False, "Finding 1: X")
    write_success(job, executed, settings, result)
    assert result.ok and result.files[:3] == ["01_x.xlsx", "01_x-1.csv", "01_x-2.csv"]
    assert "01_x.html" in result.files


def test_a_notebook_declaring_tables_path_that_writes_no_workbook_fails(tmp_path):
    settings, job, executed = _staged_job(tmp_path)
    result = JobResult(job, False, "Finding 1: X")
    write_success(job, executed, settings, result)
    assert not result.ok and result.error.ename == "MissingTables"
    write_failure(job, executed, settings, result)
    assert not any(name.endswith((".xlsx", ".csv")) for name in result.files)


def test_a_failed_notebook_publishes_none_of_its_tables(tmp_path):
    settings, job, executed = _staged_job(tmp_path)
    for name in ("01_x.xlsx", "01_x-1.csv"):
        (settings.stage / name).write_text("x")
    result = JobResult(job, False, "Finding 1: X", files=["01_x.xlsx", "01_x-1.csv"])
    write_failure(job, executed, settings, result)
    assert result.files == ["failed/01_x.ipynb", "failed/01_x.html"]
    assert not (settings.stage / "01_x.xlsx").exists()
