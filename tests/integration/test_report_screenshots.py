"""A finding report and a CCG profile as a browser shows them: formatted tables, no NaN.

Screenshots go to pytest's temporary folder (never committed);
``tests/screenshots.py`` takes the same shots of any report folder by hand.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qipp.cli import main

sys.path.insert(0, str(Path(__file__).parents[1]))
from screenshots import require_chromium, take_screenshots  # noqa: E402

FINDING, PROFILE = "02_target_size_vs_gap", "07H"
PAGES = [f"{FINDING}.html", f"ccg/{PROFILE}.html"]


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    require_chromium()
    out = tmp_path_factory.mktemp("reports")
    args = ["render", "--only", FINDING, "--ccg", PROFILE, "--out-dir", str(out), "--no-progress"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return take_screenshots(out, tmp_path_factory.mktemp("shots"), PAGES)


def test_each_page_is_screenshotted_with_content(shots):
    assert [s.page for s in shots] == PAGES
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
