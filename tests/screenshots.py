"""Screenshots of rendered reports in headless Chromium, offline: what a reader sees.

Run it on a report folder (``make reports`` writes ``reports/``) to look at the
pages as a reader's browser shows them; nothing is committed::

    .venv/bin/python tests/screenshots.py reports /tmp/shots 02_target_size_vs_gap.html ccg/07H.html

``tests/integration/test_report_pages.py`` renders every finding and three profiles,
takes these screenshots of a finding and a profile and checks what the pages show:
formatted tables, no raw DataFrame, no ``NaN``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qipp.render.site.pdf import PRINT_ARGS, find_chromium

# The flags --pdf prints with (headless, no sandbox, nothing Chromium itself would fetch):
# the pages are checked offline.
CHROMIUM_ARGS = list(PRINT_ARGS)


@dataclass(frozen=True)
class Shot:
    """One page: where its screenshot went, the text it shows, its tables' ids."""

    page: str
    png: Path
    visible_text: str
    table_ids: list[str]
    raw_dataframes: int


def chromium_path() -> str | None:
    """The Chromium ``--pdf`` would use (``.ci/run`` installs Debian's when missing)."""
    return find_chromium()


def require_chromium() -> str:
    """Chromium's path for a browser test; without it the test skips, or fails under CI.

    CI (``CI=true``) installs Chromium, so a missing one there is a broken CI, never a
    reason to pass without looking at a page.
    """
    import pytest

    chromium = chromium_path()
    if chromium is None:
        why = "no Chromium binary: install Debian's chromium (.ci/run installs it)"
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"{why}; under CI the browser tests must run", pytrace=False)
        pytest.skip(why)
    return chromium


def take_screenshots(
    report_dir: Path, out_dir: Path, pages: list[str], browser: Any = None
) -> list[Shot]:
    """Open each page of ``report_dir`` offline in headless Chromium and screenshot it.

    Parameters
    ----------
    report_dir : Path
        A rendered report folder.
    out_dir : Path
        Where the PNGs go (one per page, named after it).
    pages : list of str
        Pages relative to ``report_dir`` (``"ccg/07H.html"``).
    browser : playwright Browser, optional
        A Chromium already launched (a test module's); else one is launched and closed.

    Returns
    -------
    list of Shot
    """
    if browser is not None:
        return _shoot(browser, report_dir, out_dir, pages)
    from playwright.sync_api import sync_playwright

    chromium = chromium_path()
    if chromium is None:
        raise RuntimeError("no Chromium: install Debian's chromium package")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            return _shoot(launched, report_dir, out_dir, pages)
        finally:
            launched.close()


def _shoot(browser: Any, report_dir: Path, out_dir: Path, pages: list[str]) -> list[Shot]:
    out_dir.mkdir(parents=True, exist_ok=True)
    shots = []
    context = browser.new_context(offline=True, viewport={"width": 1000, "height": 1200})
    try:
        tab = context.new_page()
        for page in pages:
            tab.goto((report_dir / page).as_uri(), wait_until="load")
            png = out_dir / (page.replace("/", "_").removesuffix(".html") + ".png")
            tab.screenshot(path=str(png), full_page=True)
            shots.append(
                Shot(
                    page,
                    png,
                    tab.inner_text("body"),
                    tab.eval_on_selector_all("table", "els => els.map(e => e.id)"),
                    tab.eval_on_selector_all("table.dataframe", "els => els.length"),
                )
            )
    finally:
        context.close()
    return shots


if __name__ == "__main__":
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    for shot in take_screenshots(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]):
        print(f"{shot.page}: {shot.png} ({len(shot.table_ids)} tables)")
