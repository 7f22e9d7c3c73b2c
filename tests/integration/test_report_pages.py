"""Every kind of page in a browser: what it shows, WCAG 2.2 AA by axe-core, keyboard, sort
and filter, print, PDF; and the data behind each page, which reads back to its tables.

One render (every finding and three profiles) and one headless Chromium serve the
module; axe-core comes with ``axe-playwright-python``. Screenshots go to pytest's
temporary folder (never committed); ``tests/screenshots.py`` takes the same shots of any
report folder by hand. Under CI a missing Chromium fails these tests
(``screenshots.require_chromium``).

Last, a full default render (code hidden) of real returns, every page it writes read.
``qipp render --panel`` with no ``--only`` or ``--ccg`` writes every finding, a profile for
every CCG in the panel and the index. The panel is an edge panel of reported real
codes (ten CCGs of ``real_codes_reported``: 11J and 07H under their own names, the others as
a return writes them, one year-end forecast below its Q1 delivery), so the render is whole in
well under a minute; the committed 143-CCG panel gives the same pages from the same
sources 143 times over (``tests/unit/test_page_words.py`` scans every source of page text).
It writes into a folder of its own holding only the render cache of the module's first
render: the four findings that do not read the panel (00, 03, 04, 05) have the same cache key
in both, so they are reused, byte for byte the pages a fresh run writes apart from the
rendered-at line (``test_render_cache``), and the render pays for the panel's pages alone.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from edge_panels import write_edge_panel

from qipp.cli import main
from qipp.findings import read_findings
from qipp.paths import NOTEBOOKS_DIR
from qipp.render.plan.cache import CACHE_DIR_NAME
from qipp.render.site.export import external_references

sys.path.insert(0, str(Path(__file__).parents[1]))
from render_helpers import (  # noqa: E402
    ENGINEERING,
    agrees,
    from_csv,
    page_tables,
    read_table_sheet,
    visible_text,
)
from screenshots import CHROMIUM_ARGS, require_chromium, take_screenshots  # noqa: E402

FINDINGS = sorted(p.stem for p in NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
PROFILES = ("07H", "11J", "S001")
PAGES = ["index.html", *(f"{stem}.html" for stem in FINDINGS), *(f"ccg/{c}.html" for c in PROFILES)]
SHOT_PAGES = ["02_target_size_vs_gap.html", "ccg/07H.html"]
READS_PANEL = "02_target_size_vs_gap"
# The findings built on the panel (finding 1 reads it for its CCG-by-CCG section).
ON_PANEL = ("01_shortfall_doubling", READS_PANEL)
BARE = r"[+\-−]?[0-9][0-9,]*(?:\.[0-9]+)?"  # a figure without a unit
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Each page's outline, landmarks, tables and skip link, read from the page as a browser has it.
STRUCTURE_JS = """() => ({
  lang: document.documentElement.lang,
  headings: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]),
  main: document.querySelectorAll('main').length,
  skip: (a => a && a.hash && !!document.querySelector(a.hash))(document.querySelector('body a')),
  skipFirst: document.querySelector('body a')?.classList.contains('skip-link'),
  tables: [...document.querySelectorAll('table')].map(t => ({
    caption: (t.caption?.textContent || '').trim().length > 0,
    unscoped: [...t.querySelectorAll('th')].filter(th => !th.getAttribute('scope')).length,
  })),
})"""


def _render(out: Path, *extra: str) -> str:
    result = CliRunner().invoke(
        main, ["render", "--out-dir", str(out), "--no-progress", *extra], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Every finding and three profiles, rendered once for the module (no browser needed)."""
    out = tmp_path_factory.mktemp("reports")
    assert len(FINDINGS) == 6, FINDINGS
    _render(out, "--only", "[0-9][0-9]_*", *(arg for c in PROFILES for arg in ("--ccg", c)))
    return out


@pytest.fixture(scope="module")
def site(rendered):
    return rendered, require_chromium()


@pytest.fixture(scope="module")
def browser(site):
    from playwright.sync_api import sync_playwright

    _, chromium = site
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(site, browser, tmp_path_factory):
    out, _ = site
    return take_screenshots(out, tmp_path_factory.mktemp("shots"), SHOT_PAGES, browser)


@pytest.fixture
def tab(browser):
    context = browser.new_context(offline=True, viewport={"width": 1100, "height": 900})
    yield context.new_page()
    context.close()


def test_each_page_is_screenshotted_with_content(shots):
    assert [s.page for s in shots] == SHOT_PAGES
    assert all(s.png.stat().st_size > 20_000 for s in shots)


def test_the_tables_are_the_formatted_ones_never_a_raw_dataframe(shots):
    for shot in shots:
        assert shot.raw_dataframes == 0, shot.page
        assert shot.table_ids, shot.page
        formatted = [t for t in shot.table_ids if t.startswith("T_qipp-")]
        assert formatted, (shot.page, shot.table_ids)


def test_no_page_shows_nan_or_an_object_address(shots):
    for shot in shots:
        assert not re.search(r"\bNaN\b|\bnan%|\bnan\b", shot.visible_text), shot.page
        assert " at 0x" not in shot.visible_text, shot.page


def test_axe_core_finds_no_wcag_22_aa_violation_on_any_kind_of_page(site, tab):
    from axe_playwright_python.sync_playwright import Axe

    out, _ = site
    axe, found = Axe(), {}
    for page in PAGES:
        tab.goto((out / page).as_uri(), wait_until="load")
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        response = axe.run(tab, options=options).response
        assert response["testEngine"]["name"] == "axe-core"
        found[page] = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}, e.g. {v['nodes'][0]['target']})"
            for v in response["violations"]
        ]
    assert found == {page: [] for page in PAGES}


def test_each_page_has_one_h1_headings_in_order_landmarks_captions_and_scopes(site, tab):
    out, _ = site
    for page in PAGES:
        tab.goto((out / page).as_uri(), wait_until="load")
        shown = tab.evaluate(STRUCTURE_JS)
        levels = shown["headings"]
        assert shown["lang"] == "en" and shown["main"] == 1, page
        assert levels.count(1) == 1 and levels[0] == 1, (page, levels)
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (page, levels)
        assert shown["skip"] and shown["skipFirst"], page
        assert shown["tables"] and all(t["caption"] for t in shown["tables"]), page
        assert sum(t["unscoped"] for t in shown["tables"]) == 0, page
        assert external_references((out / page).read_text(encoding="utf-8")) == [], page


def test_the_keyboard_reaches_a_visible_skip_link_first_and_it_moves_focus_to_the_content(
    site, tab
):
    out, _ = site
    for page in ("index.html", "ccg/07H.html"):
        tab.goto((out / page).as_uri(), wait_until="load")
        tab.keyboard.press("Tab")
        focused = tab.evaluate(
            "() => { const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();"
            " return {cls: e.className, outline: s.outlineStyle, width: parseFloat(s.outlineWidth),"
            " onScreen: r.width > 0 && r.left >= 0 && r.top >= 0}; }"
        )
        assert focused == {"cls": "skip-link", "outline": "solid", "width": 3, "onScreen": True}
        tab.keyboard.press("Enter")
        assert tab.evaluate("() => document.activeElement.id") == "content", page


def test_the_ccg_table_sorts_by_any_column_and_filters_by_region_or_code_or_name(site, tab):
    out, _ = site
    tab.goto((out / "index.html").as_uri(), wait_until="load")
    table = tab.locator("#ccg-table")

    def codes() -> list[str]:
        return table.locator(
            "tbody tr:not([hidden]) td:first-child a:first-child"
        ).all_inner_texts()

    assert codes() == ["07H", "S001", "11J"]  # by region, then code, as written
    target = table.locator("thead th").nth(3)
    target.locator("button").click()
    assert target.get_attribute("aria-sort") == "ascending"
    figures = [float(v) for v in table.locator("tbody tr td:nth-child(4)").all_inner_texts()]
    assert figures == sorted(figures)
    target.locator("button").click()
    assert target.get_attribute("aria-sort") == "descending" and codes()[0] == "07H"
    table.locator("thead th").first.locator("button").click()
    assert codes() == ["07H", "11J", "S001"]
    tab.select_option("#ccg-region", "South of England")
    assert codes() == ["11J"] and tab.inner_text("#ccg-count") == "Showing 1 of 3 CCGs."
    tab.select_option("#ccg-region", "")
    tab.fill("#ccg-search", "west essex")
    assert codes() == ["07H"]
    tab.fill("#ccg-search", "s00")
    assert codes() == ["S001"]


def test_without_javascript_the_ccg_table_is_a_plain_table(site, browser):
    out, _ = site
    context = browser.new_context(offline=True, java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto((out / "index.html").as_uri(), wait_until="load")
        assert not tab.locator("#ccg-controls").is_visible()
        assert tab.locator("#ccg-table button").count() == 0
        assert tab.locator("#ccg-table tbody tr").count() == len(PROFILES)
    finally:
        context.close()


def test_the_regional_summary_withholds_figures_over_fewer_than_five_ccgs(site, tab):
    out, _ = site
    tab.goto((out / "index.html").as_uri(), wait_until="load")
    rows = tab.locator("#regional-summary + table tbody tr").all_inner_texts()
    assert rows[-1].split("\t")[:2] == ["All regions", "3"]
    assert all(row.count("fewer than 5 CCGs") == 3 for row in rows), rows
    assert "synthetic data" in tab.inner_text("#regional-summary + table caption")


@pytest.mark.parametrize("page", PAGES)
def test_no_page_names_modules_decision_records_or_render_mechanics(rendered, page):
    """Every finding, one profile of each kind (real code on a synthetic panel, S-code) and the
    index; every profile has the template's sentences, whose sources test_page_words scans."""
    text = visible_text((rendered / page).read_text(encoding="utf-8"))
    assert ENGINEERING.findall(text) == [], page


def test_printed_pages_drop_the_navigation_and_keep_the_banner(site, tab):
    out, _ = site
    tab.goto((out / "ccg/07H.html").as_uri(), wait_until="load")
    tab.emulate_media(media="print")
    assert not tab.locator("nav").is_visible()
    banner = tab.locator(".qipp-synthetic-banner").first
    assert banner.is_visible()
    assert banner.evaluate("e => getComputedStyle(e).printColorAdjust") == "exact"


def _text(pdf_page) -> str:
    """A PDF page's text, ligatures unfolded and whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", pdf_page.extract_text()).split())


def test_render_pdf_prints_the_profile_beside_its_page_and_the_index_links_it(site):
    from pypdf import PdfReader

    out, _ = site
    summary = _render(out, "--pdf", "--ccg", "07H")
    assert "0 rendered, 1 reused" in summary  # the page came from the cache; only printed
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["entries"]
    profile = next(e for e in entries if e["key"] == "profile:07H")
    assert "ccg/07H.pdf" in profile["files"]
    pdf = PdfReader(out / "ccg" / "07H.pdf")
    first = _text(pdf.pages[0])
    assert profile["title"] == "NHS West Essex CCG (07H): QIPP profile, Q1 2013-14"
    assert profile["title"] in first and "SYNTHETIC DATA" in first
    assert [round(float(v)) for v in pdf.pages[0].mediabox[2:]] == [595, 842]  # A4
    assert 'href="ccg/07H.pdf"' in (out / "index.html").read_text(encoding="utf-8")
    # The cache keeps the PDF with its page: the next --pdf run prints nothing.
    printed = (out / "ccg" / "07H.pdf").read_bytes()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "qipp.render.pipeline.print_pdfs",
            lambda c, r, pages, j: [] if not pages else pytest.fail(f"printed {pages}"),
        )
        assert "0 rendered, 1 reused" in _render(out, "--pdf", "--ccg", "07H")
    assert (out / "ccg" / "07H.pdf").read_bytes() == printed


@pytest.mark.parametrize("page", PAGES[1:])
def test_the_tables_on_the_page_download_at_full_precision(rendered, page):
    tables, links = page_tables(rendered / page)
    stem = Path(page).stem
    assert links == [f"{stem}.xlsx", *(f"{stem}-{n}.csv" for n in range(1, len(tables) + 1))]
    folder = (rendered / page).parent
    assert all((folder / link).is_file() for link in links)
    sheets = openpyxl.load_workbook(folder / f"{stem}.xlsx").sheetnames
    assert sheets == [
        "Cover",
        "Contents",
        "Notes",
        *(f"Table_{n}" for n in range(1, 1 + len(tables))),
    ]
    finer = 0
    for number, shown in enumerate(tables, start=1):
        csv = pd.read_csv(folder / f"{stem}-{number}.csv", dtype=object, keep_default_na=False)
        book = read_table_sheet(folder / f"{stem}.xlsx", f"Table_{number}")
        assert list(book.columns) == list(shown.columns), (page, number)
        assert list(csv.columns)[: shown.shape[1]] == list(shown.columns)
        assert len(csv) == len(book) == len(shown), (page, number)
        for column in shown.columns:
            # A column of bare figures is numbers in the workbook (a unit per row keeps a
            # column text, decision 0039; a dash is a blank).
            figures = all(re.fullmatch(BARE, t) for t in shown[column] if t != "–")
            for text, raw, cell in zip(shown[column], csv[column], book[column], strict=True):
                value = from_csv(raw)
                assert agrees(text, value), (page, number, column, text, raw)
                assert agrees(text, None if pd.isna(cell) else cell), (page, column, text, cell)
                assert not (figures and isinstance(cell, str)), (page, number, column, text)
                finer += isinstance(value, float) and str(value) != text.replace(",", "")
    if page != "00_claims_ledger.html":  # the ledger shows published figures as published
        assert finer, "no figure in the files is finer than the page shows"


# ----------------------------------------------------------------------------- full render


@pytest.fixture(scope="module")
def full_render(rendered, tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("full")
    panel = write_edge_panel("real_codes_reported", folder / "returns.csv")
    # Ten of its CCGs (the warned one, 11J and 07H among them) as the panel: every kind of
    # page, and a profile for every CCG, at under half the render.
    frame = pd.read_csv(panel, dtype=str, keep_default_na=False)
    money = frame[["forecast_outturn_gbp_m", "ytd_actual_gbp_m"]].astype(float)
    wanted = (money.iloc[:, 0] < money.iloc[:, 1]) | frame["ccg_code"].isin(["11J", "07H"])
    frame[wanted | (~wanted).cumsum().le(10 - wanted.sum())].to_csv(panel, index=False)
    out = folder / "reports"
    # The first render's cache alone (no page, no manifest): a new report folder whose
    # findings that do not read the panel are reused rather than run again (module doc).
    shutil.copytree(rendered / CACHE_DIR_NAME, out / CACHE_DIR_NAME)
    args = ["render", "--panel", str(panel), "--out-dir", str(out), "--no-progress"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return out, panel


def published_pages(out: Path) -> dict[str, str]:
    """Every page the render published (not its cache), by path, as a reader sees it."""
    found = [p for p in out.rglob("*.html") if not any(s.startswith(".") for s in p.parts)]
    return {p.relative_to(out).as_posix(): visible_text(p.read_text("utf-8")) for p in found}


def test_every_page_of_a_full_render_speaks_to_its_readers(full_render):
    out, panel = full_render
    texts = published_pages(out)
    codes = pd.read_csv(panel)["ccg_code"]
    expected = {"index.html", *(f"{s}.html" for s in FINDINGS), *(f"ccg/{c}.html" for c in codes)}
    assert set(texts) == expected
    leaks = {page: ENGINEERING.findall(text) for page, text in texts.items()}
    assert {page: found for page, found in leaks.items() if found} == {}


def test_the_panels_warning_reaches_every_page_built_on_it_and_the_index(full_render):
    out, _ = full_render
    [note] = read_findings(out / "findings" / f"{READS_PANEL}.json")["data_notes"]
    assert note.startswith("returns.csv:") and "forecast_outturn_gbp_m" in note
    for page, text in published_pages(out).items():
        built_on_panel = page in ("index.html", *(f"{s}.html" for s in ON_PANEL))
        built_on_panel |= page.startswith("ccg/")
        assert ("Notes on the data" in text and note in text) is built_on_panel, page
