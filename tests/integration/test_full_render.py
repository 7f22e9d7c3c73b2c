"""A full default render (code hidden) of real returns: every page it writes is read.

``qipp render --panel`` with no ``--only`` or ``--ccg`` writes every finding, a profile for
every CCG in the panel and the index. The panel is an edge panel of reported real
codes (ten CCGs of ``real_codes_reported``: 11J and 07H under their own names, the others as
a return writes them, one year-end forecast below its Q1 delivery), so the render is whole in
well under a minute; the committed 143-CCG panel gives the same pages from the same
sources 143 times over (``tests/unit/test_page_words.py`` scans every source of page text).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from edge_panels import write_edge_panel

from qipp.cli import main
from qipp.findings import read_findings
from qipp.paths import NOTEBOOKS_DIR

sys.path.insert(0, str(Path(__file__).parents[1]))
from render_helpers import ENGINEERING, visible_text  # noqa: E402

FINDINGS = sorted(p.stem for p in NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
READS_PANEL = "02_target_size_vs_gap"
# The findings built on the panel (finding 1 reads it for its CCG-by-CCG section).
ON_PANEL = ("01_shortfall_doubling", READS_PANEL)


@pytest.fixture(scope="module")
def full_render(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("full")
    panel = write_edge_panel("real_codes_reported", folder / "returns.csv")
    # Ten of its CCGs (the warned one, 11J and 07H among them) as the panel: every kind of
    # page, and a profile for every CCG, at under half the render.
    frame = pd.read_csv(panel, dtype=str, keep_default_na=False)
    money = frame[["forecast_outturn_gbp_m", "ytd_actual_gbp_m"]].astype(float)
    wanted = (money.iloc[:, 0] < money.iloc[:, 1]) | frame["ccg_code"].isin(["11J", "07H"])
    frame[wanted | (~wanted).cumsum().le(10 - wanted.sum())].to_csv(panel, index=False)
    out = folder / "reports"
    args = ["render", "--panel", str(panel), "--out-dir", str(out), "--no-progress"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return out, panel


def pages(out: Path) -> dict[str, str]:
    """Every page the render published (not its cache), by path, as a reader sees it."""
    found = [p for p in out.rglob("*.html") if not any(s.startswith(".") for s in p.parts)]
    return {p.relative_to(out).as_posix(): visible_text(p.read_text("utf-8")) for p in found}


def test_every_page_of_a_full_render_speaks_to_its_readers(full_render):
    out, panel = full_render
    texts = pages(out)
    codes = pd.read_csv(panel)["ccg_code"]
    expected = {"index.html", *(f"{s}.html" for s in FINDINGS), *(f"ccg/{c}.html" for c in codes)}
    assert set(texts) == expected
    leaks = {page: ENGINEERING.findall(text) for page, text in texts.items()}
    assert {page: found for page, found in leaks.items() if found} == {}


def test_the_panels_warning_reaches_every_page_built_on_it_and_the_index(full_render):
    out, _ = full_render
    [note] = read_findings(out / "findings" / f"{READS_PANEL}.json")["data_notes"]
    assert note.startswith("returns.csv:") and "forecast_outturn_gbp_m" in note
    for page, text in pages(out).items():
        built_on_panel = page in ("index.html", *(f"{s}.html" for s in ON_PANEL))
        built_on_panel |= page.startswith("ccg/")
        assert ("Notes on the data" in text and note in text) is built_on_panel, page
