"""One real batch: fixture findings, a failing notebook and three CCG profiles, then a browser.

The render runs once for the module (kernels are slow to start); each test
checks one property of its output. The profiles come from the committed
synthetic panel through the real ``notebooks/ccg_profile.ipynb`` template; the
rows handed to the index are built here, one with a name validation would
refuse, to show the index escapes what it is given.
"""

from __future__ import annotations

import html.parser
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from chart_pages import chart_problems
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from render_helpers import stand_in_project
from screenshots import CHROMIUM_ARGS, require_chromium

from qipp.cli import main
from qipp.ledger import claim
from qipp.paths import NOTEBOOKS_DIR, SYNTHETIC_PANEL_CSV
from qipp.reference import load_register
from qipp.reference.provenance import register_provenance
from qipp.render.plan.cache import CACHE_DIR_NAME
from qipp.render.plan.profiles import ProfileRow, load_profiles

FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"
CODES = ("11J", "07H", "S001")
ODD_NAME = "NHS <b>& Test CCG"


def failing_notebook() -> nbformat.NotebookNode:
    nb = new_notebook()
    params = new_code_cell('findings_path: str = ""  # unused: the notebook fails first')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        new_markdown_cell("# Gamma: made to fail"),
        params,
        new_code_cell("ready = 1"),
        new_code_cell("raise ValueError('fixture failure: the total does not add up')"),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Render the batch once through the CLI; return (out_dir, CliRunner result)."""
    root = tmp_path_factory.mktemp("render")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    for path in FIXTURES.glob("*.ipynb"):
        shutil.copy(path, notebooks / path.name)
    shutil.copy(NOTEBOOKS_DIR / "ccg_profile.ipynb", notebooks / "ccg_profile.ipynb")
    nbformat.write(failing_notebook(), notebooks / "03_gamma_fails.ipynb")

    rows, _ = load_profiles(SYNTHETIC_PANEL_CSV)
    chosen = [row for row in rows if row.ccg_code in CODES]
    # Bypass validation: this name could never come out of load_panel.
    chosen[0] = ProfileRow(**{**chosen[0].figures(), "ccg_name": ODD_NAME})
    out = root / "reports"
    with pytest.MonkeyPatch.context() as patch, stand_in_project(root):
        patch.setattr("qipp.render.pipeline.load_profiles", lambda path: (chosen, True))
        result = CliRunner().invoke(
            main,
            ["render", "--notebooks-dir", str(notebooks), "--out-dir", str(out), "--jobs", "1"],
        )
    return out, result


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.refs.append((name, value))


def links(page: Path) -> list[tuple[str, str]]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.refs


def test_a_failing_notebook_gives_exit_1_and_is_named(rendered):
    out, result = rendered
    assert result.exit_code == 1, result.output
    assert re.search(
        r"FAILED finding 03_gamma_fails: cell 4 \(In \[4\]\): ValueError: "
        r"fixture failure: the total does not add up -> failed/03_gamma_fails.ipynb",
        result.output,
    )
    assert "5 rendered, 0 reused, 1 failed." in result.output
    assert f"Open {out / 'index.html'}" in result.output


def test_every_expected_file_exists_and_nothing_half_written(rendered):
    out, _ = rendered
    expected = [
        "index.html",
        "manifest.json",
        "01_alpha.html",
        "02_beta.html",
        "executed/01_alpha.ipynb",
        "executed/02_beta.ipynb",
        "findings/01_alpha.json",
        "failed/03_gamma_fails.ipynb",
        "failed/03_gamma_fails.html",
    ]
    expected += [f"ccg/{c}.html" for c in CODES] + [f"executed/ccg/{c}.ipynb" for c in CODES]
    missing = [name for name in expected if not (out / name).is_file()]
    assert missing == []
    assert not (out / "03_gamma_fails.html").exists()
    assert not (out / "findings/02_beta.json").exists()  # 02 declares no findings_path
    leftovers = [p for p in out.rglob("*") if ".qipp-tmp-" in p.name]
    assert leftovers == []


def test_index_links_resolve(rendered):
    out, _ = rendered
    hrefs = [value for name, value in links(out / "index.html") if name == "href"]
    local = [h for h in hrefs if not h.startswith("#")]
    assert len(local) >= 2 + len(CODES) + 2
    assert [h for h in local if not (out / urlsplit(h).path).is_file()] == []
    for code in CODES:  # and each profile links back to the index
        back = [v for n, v in links(out / f"ccg/{code}.html") if n == "href"]
        assert "../index.html" in back


def test_no_page_refers_to_the_web(rendered):
    out, _ = rendered
    pages = sorted(p for p in out.rglob("*.html") if CACHE_DIR_NAME not in p.parts)
    assert len(pages) == 1 + 2 + len(CODES) + 1
    offending = [
        (page.name, value)
        for page in pages
        for _, value in links(page)
        if re.match(r"\s*(https?:)?//", value, re.IGNORECASE)
    ]
    assert offending == []


def test_text_from_data_is_escaped_in_the_index(rendered):
    out, _ = rendered
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "NHS &lt;b&gt;&amp; Test CCG" in page
    assert ODD_NAME not in page


def test_the_index_marks_the_failure_and_shows_verdicts(rendered):
    out, _ = rendered
    page = (out / "index.html").read_text(encoding="utf-8")
    failures = page[page.index('id="failures"') : page.index('id="claims"')]
    assert "03_gamma_fails" in failures and "ValueError: fixture failure" in failures
    assert 'href="failed/03_gamma_fails.ipynb"' in failures
    assert "The fixture total is 4.0% &lt;as built&gt;." in page  # verdict from findings JSON
    assert "no findings file" in page  # 02_beta declares no findings_path
    assert "SYNTHETIC DATA" in page
    manifest = json.loads((out / "manifest.json").read_text())
    statuses = {e["key"]: e["status"] for e in manifest["entries"]}
    assert statuses["finding:03_gamma_fails"] == "failed"
    assert [statuses[f"profile:{c}"] for c in CODES] == ["ok"] * 3


def test_profiles_show_the_ccg_figures_with_code_hidden(rendered):
    out, _ = rendered
    page = (out / "ccg/07H.html").read_text(encoding="utf-8")
    assert "<title>NHS West Essex CCG (07H): QIPP profile, Q1 2013-14</title>" in page
    assert "SYNTHETIC DATA" in page
    assert "Peers in the region" in page and "Position to date and year-end forecast" in page
    assert page.count('src="data:image/png;base64,') == 2
    assert "load_panel(" not in page  # code cells hidden by default


def test_a_profile_opens_with_its_summary_line_from_the_data(rendered):
    out, _ = rendered
    page = (out / "ccg/07H.html").read_text(encoding="utf-8")
    largest = claim("ccg_q1_west_essex_target_pct")["value"]
    n_ccgs = len(load_profiles(SYNTHETIC_PANEL_CSV)[0])
    summary = (
        f"QIPP target <strong>{largest:.2f}%</strong> of allocation, "
        f"the largest of the panel's {n_ccgs} CCGs; <strong>on plan</strong> at Q1;"
    )
    assert summary in page
    assert page.index("QIPP target <strong>") < page.index("Target as a share of allocation")
    smallest = (out / "ccg/11J.html").read_text(encoding="utf-8")
    assert f"the smallest of the panel's {n_ccgs} CCGs" in smallest


def test_a_profiles_tables_are_formatted_with_this_ccg_highlighted(rendered):
    out, _ = rendered
    page = (out / "ccg/07H.html").read_text(encoding="utf-8")
    assert 'class="dataframe"' not in page and "&lt;- this CCG" not in page
    peers = page[page.index("Peers in the region") :]  # the charts' tables highlight too
    highlighted = re.findall(r'<td class="[^"]*qipp-highlight[^"]*">([^<]*)</td>', peers)
    assert highlighted[:3] == ["1", "07H", "NHS West Essex CCG"]  # the peers table's top row
    assert "<th" in page and "Target (% of allocation)" in page
    assert page.count("<caption>Source") >= 2 and "<caption>Sources: this panel" in page
    text = re.sub(r'src="data:[^"]*"', "", page)
    assert not re.search(r">\s*(nan|NaN|None)\s*<|\bnan%", text)


def test_profiles_and_index_show_the_registered_population(rendered):
    out, _ = rendered
    patients = load_register().set_index("ccg_code")["registered_patients"]
    west_essex = f"{patients['07H']:,}"
    page = (out / "ccg/07H.html").read_text(encoding="utf-8")
    assert f"<strong>{west_essex}</strong> patients were registered" in page
    assert "per registered patient" in page and "Open Government Licence v3.0" in page
    invented = (out / "ccg/S001.html").read_text(encoding="utf-8")
    assert "S001 is an invented code of a synthetic panel" in invented
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f">{west_essex}<" in index and register_provenance() in index
    assert not re.search(r">\s*(nan|None)\s*<", index, re.IGNORECASE)


def test_every_profile_chart_describes_itself_from_its_own_table(rendered):
    out, _ = rendered
    for code in CODES:
        images, problems = chart_problems((out / "ccg" / f"{code}.html").read_text("utf-8"))
        assert images == 2 and problems == [], code


# ----------------------------------------------------------------------------- browser


def test_a_real_browser_loads_every_image_offline(rendered, tmp_path):
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    out, _ = rendered
    pages = {
        "index": out / "index.html",
        "profile": out / "ccg" / "11J.html",
        "finding": out / "01_alpha.html",
    }
    requests: list[str] = []
    images: dict[str, list] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(offline=True, viewport={"width": 1100, "height": 900})
            context.on("request", lambda request: requests.append(request.url))
            page = context.new_page()
            for name, path in pages.items():
                page.goto(path.as_uri(), wait_until="load")
                images[name] = page.eval_on_selector_all(
                    "img", "els => els.map(e => [e.complete, e.naturalWidth])"
                )
                page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
        finally:
            browser.close()
    assert len(images["profile"]) == 2 and len(images["finding"]) == 1
    assert all(
        done and width > 0
        for done, width in images["index"] + images["profile"] + images["finding"]
    )
    left_machine = [url for url in requests if not url.startswith(("file:", "data:", "about:"))]
    assert left_machine == []
    assert all((tmp_path / f"{name}.png").stat().st_size > 10_000 for name in pages)
