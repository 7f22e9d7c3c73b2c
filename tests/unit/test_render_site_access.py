"""The pages' accessible frame, the index's regional summary and CCG table, and ``--pdf``.

No browser here: the markup is read as text. The browser checks (axe-core, keyboard,
sorting, print) are in tests/integration/test_report_pages.py.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from nbformat.v4 import new_markdown_cell, new_notebook

from qipp.cli import main
from qipp.render.errors import EXIT_ENVIRONMENT, RenderInfrastructureError
from qipp.render.plan.runinfo import RunInfo
from qipp.render.site import pdf
from qipp.render.site.export import external_references, notebook_to_html
from qipp.render.site.index import ScorecardSummary, index_html, pdf_link

RUN = RunInfo("2026-11-30T10:00Z", None, False, (("data/x.csv", "0" * 64),), "p.csv", True)


def _profile(code: str, region: str, target: float, behind: float = 0.0, gap: bool = False):
    return {
        "key": f"profile:{code}",
        "kind": "profile",
        "name": code,
        "status": "ok",
        "html": f"ccg/{code}.html",
        "files": [f"ccg/{code}.html", f"ccg/{code}.pdf"] if code == "07H" else [],
        "rendered_at": RUN.rendered_at,
        "error": None,
        "uses_panel": True,
        "profile": {
            "ccg_name": f"NHS {code} CCG",
            "region": region,
            "plan_pct_of_allocation": target,
            "ytd_shortfall_pct": behind,
            "forecast_gap_pct": 10.0 if gap else 0.0,
            "forecasts_shortfall": gap,
        },
    }


@pytest.fixture(scope="module")
def index() -> str:
    north = [_profile(f"N{i:02d}", "North of England", float(i), behind=i % 2) for i in range(6)]
    entries = [*north, _profile("07H", "London", 6.44, gap=True), _profile("S001", "London", 2.0)]
    return index_html(entries, RUN, ScorecardSummary({"stated": 1}, [{"id": "c1", "source": "s"}]))


def _section(page: str, start: str, end: str) -> str:
    return page[page.index(start) : page.index(end)]


def test_the_index_has_a_skip_link_to_its_main_and_one_h1(index):
    assert re.search(r'<body[^>]*>\s*<a class="skip-link" href="#content">', index)
    assert '<main id="content"' in index and index.count("<h1") == 1
    assert '<html lang="en">' in index


def test_every_index_table_has_a_caption_and_every_header_a_scope(index):
    tables = re.findall(r"<table[^>]*>(.*?)</table>", index, re.DOTALL)
    assert len(tables) == 4  # claims, regional summary, CCGs, data checksums
    assert all(re.match(r"\s*<caption>", table) for table in tables)
    assert all("scope=" in th for th in re.findall(r"<th\b[^>]*>", index))


def test_the_regional_summary_withholds_what_fewer_than_five_ccgs_would_show(index):
    summary = _section(index, 'id="regional-summary"', 'id="ccg-list"')
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", summary, re.DOTALL)
    assert [name for name, _ in rows] == ["North of England", "London", "All regions"]
    north, london, every = (re.findall(r"<td[^>]*>(.*?)</td>", cells) for _, cells in rows)
    assert north == ["6", "2.50", "50.0", "0.0"]  # targets 0 to 5; 1, 3 and 5 behind
    assert london[0] == "2" and london[1:] == ['<span class="small-n">fewer than 5 CCGs</span>'] * 3
    assert every == ["8", "2.50", "37.5", "12.5"]  # targets 0 to 5, 6.44 and 2
    assert "synthetic data" in summary and "fewer than 5 CCGs is not shown" in summary


def test_the_ccg_table_carries_sort_keys_and_hidden_controls_for_its_inline_script(index):
    table = _section(index, 'id="ccg-list"', 'id="provenance"')
    assert '<div class="table-controls" id="ccg-controls" hidden>' in table
    assert 'data-region="London" data-search="07h nhs 07h ccg"' in table
    assert '<td class="num" data-value="6.44">6.44</td>' in table
    script = re.search(r"<script>(.*?)</script>", table, re.DOTALL).group(1)
    assert "aria-sort" in script and "ccg-search" in script
    assert "<script src" not in index and external_references(index) == []


def test_the_index_links_a_pdf_only_where_one_was_printed(index):
    assert 'href="ccg/07H.pdf"' in index and 'href="ccg/S001.pdf"' not in index
    assert pdf_link({"html": None, "files": ["x.pdf"]}) is None


def test_a_report_page_has_a_skip_link_named_navigation_and_scoped_headers():
    notebook = new_notebook(cells=[new_markdown_cell("# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |")])
    page = notebook_to_html(notebook, title="Title")
    assert re.search(r'<body[^>]*>\s*<a class="skip-link" href="#content">', page)
    assert re.search(r'<nav [^>]*aria-label="Reports"', page)
    assert re.search(r'<main [^>]*id="content"', page)
    assert re.findall(r"<th\b[^>]*>", page) == ['<th scope="col">', '<th scope="col">']


def test_the_stylesheet_prints_on_a4_without_navigation_and_with_the_banner():
    from qipp.render.site.export import STYLESHEET

    css = STYLESHEET.read_text(encoding="utf-8")
    assert "@page { size: A4;" in css
    printed = css[css.index("@media print") :]
    assert ".qipp-nav" in printed and "display: none" in printed
    assert "print-color-adjust: exact" in printed and ".qipp-synthetic-banner" in printed
    assert "break-inside: avoid" in printed


# ----------------------------------------------------------------------------- --pdf


def test_pdf_without_chromium_says_how_to_install_it_exits_3_and_changes_nothing(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        main, ["render", "--pdf", "--ccg", "07H", "--out-dir", str(out), "--no-progress"]
    )
    assert result.exit_code == EXIT_ENVIRONMENT == 3
    assert result.output.strip().splitlines() == [f"qipp render: {pdf.INSTALL_HINT}"]
    assert "apt-get install chromium" in result.output
    assert not out.exists()


def test_pdf_is_not_for_in_place_runs():
    result = CliRunner().invoke(main, ["render", "--in-place", "--pdf", "--no-progress"])
    assert result.exit_code == 2 and "--pdf" in result.output


def test_chromium_is_found_by_the_environment_variable_first(monkeypatch, tmp_path):
    browser = tmp_path / "my-chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(browser))
    assert pdf.find_chromium() == str(browser)
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(tmp_path / "none"))
    assert pdf.find_chromium() is None


def _fake_chromium(writes: bytes, code: int = 0):
    def run(command, **kwargs):
        target = next(a.split("=", 1)[1] for a in command if a.startswith("--print-to-pdf="))
        Path(target).write_bytes(writes)
        assert "--no-sandbox" in command and command[-1].startswith("file://")
        return subprocess.CompletedProcess(command, code, "", "ERROR: could not print\n")

    return run


def test_each_page_is_printed_beside_itself(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf.subprocess, "run", _fake_chromium(b"%PDF-1.7 page"))
    (tmp_path / "ccg").mkdir()
    for page in ("01_x.html", "ccg/07H.html"):
        (tmp_path / page).write_text("<html></html>")
    assert pdf.print_pdfs("chromium", tmp_path, ["01_x.html", "ccg/07H.html"], workers=2) == [
        "01_x.pdf",
        "ccg/07H.pdf",
    ]
    assert (tmp_path / "ccg" / "07H.pdf").read_bytes() == b"%PDF-1.7 page"


@pytest.mark.parametrize(("writes", "code"), [(b"", 0), (b"%PDF-1.7", 1)])
def test_a_failed_print_is_the_machines_failure_and_leaves_no_file(
    tmp_path, monkeypatch, writes, code
):
    monkeypatch.setattr(pdf.subprocess, "run", _fake_chromium(writes, code))
    (tmp_path / "a.html").write_text("<html></html>")
    with pytest.raises(RenderInfrastructureError, match=r"^a\.pdf: Chromium .*could not print"):
        pdf.print_pdfs("chromium", tmp_path, ["a.html"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html"]
