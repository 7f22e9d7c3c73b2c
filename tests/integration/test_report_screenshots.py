"""A finding report and a CCG profile as a browser shows them: formatted tables, no NaN; and
the data behind each, which reads back to the tables on the page (downloads at the end).

Screenshots go to pytest's temporary folder (never committed);
``tests/screenshots.py`` takes the same shots of any report folder by hand.
"""

from __future__ import annotations

import html.parser
import re
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from qipp.cli import main

sys.path.insert(0, str(Path(__file__).parents[1]))
from render_helpers import read_table_sheet  # noqa: E402
from screenshots import chromium_path, take_screenshots  # noqa: E402

FINDING, PROFILE = "02_target_size_vs_gap", "07H"
PAGES = [f"{FINDING}.html", f"ccg/{PROFILE}.html"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The finding and the profile, rendered once for the module."""
    out = tmp_path_factory.mktemp("reports")
    args = ["render", "--only", FINDING, "--ccg", PROFILE, "--out-dir", str(out), "--no-progress"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def shots(rendered, tmp_path_factory):
    if chromium_path() is None:
        pytest.skip("no Chromium binary: install Debian's chromium (.ci/run installs it)")
    return take_screenshots(rendered, tmp_path_factory.mktemp("shots"), PAGES)


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


class _PageTables(html.parser.HTMLParser):
    """Each qipp table of a page as rows of (tag, text) by id and part, and the download links."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: dict[str, list[list[list[tuple[str, str]]]]] = {}
        self.links: list[str] = []
        self._rows: list | None = None
        self._cell: list | None = None
        self._in_downloads = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if tag == "table" and (found.get("id") or "").startswith("T_qipp-"):
            self._rows = []
            self.parts.setdefault(found["id"].removeprefix("T_").rpartition("-")[0], [])
            self.parts[next(reversed(self.parts))].append(self._rows)
        elif tag == "section" and "qipp-downloads" in (found.get("class") or ""):
            self._in_downloads = True
        elif tag == "a" and self._in_downloads:
            self.links.append(found["href"])
        elif self._rows is not None and tag == "tr":
            self._rows.append([])
        elif self._rows is not None and tag in ("th", "td"):
            self._cell = [tag, ""]

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._in_downloads = False
        elif tag == "table":
            self._rows = None
        elif self._cell is not None and tag in ("th", "td") and self._rows:
            self._rows[-1].append((self._cell[0], self._cell[1].strip()))
            self._cell = None


def _page_tables(page: Path) -> tuple[list[pd.DataFrame], list[str]]:
    """The page's tables as text frames (a wide table's parts joined), in order, and its links."""
    parser = _PageTables()
    parser.feed(page.read_text(encoding="utf-8"))
    tables = []
    for parts in parser.parts.values():
        headers: list[str] = []
        body: list[list[str]] = []
        for number, rows in enumerate(parts):
            skip = 1 if number else 0  # later parts repeat the first column
            heads = [[t for _, t in r][skip:] for r in rows if r and all(k == "th" for k, _ in r)]
            cells = [[t for _, t in r][skip:] for r in rows if r and any(k == "td" for k, _ in r)]
            headers += heads[0]
            body = cells if not number else [a + b for a, b in zip(body, cells, strict=True)]
        tables.append(pd.DataFrame(body, columns=headers, dtype=object))
    return tables, parser.links


NUMBER = re.compile(r"([+\-−]?)£?([0-9][0-9,]*(?:\.([0-9]+))?)(?:bn|m|%|x)?")


def _agrees(shown: str, value: object) -> bool:
    """A page cell against the file's value: the same text, or the number rounded as shown."""
    if shown == "–":
        return value is None or pd.isna(value)
    if shown in ("yes", "no"):
        return value in (shown == "yes", str(shown == "yes"))
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in "=+-@\t\r":
        value = value[1:]  # the CSV's guard against a spreadsheet formula
    match = NUMBER.fullmatch(shown)
    if match and isinstance(value, (int, float)) and not isinstance(value, bool):
        sign, digits, decimals = match.groups()
        places = len(decimals or "")
        number = float(("-" if sign in "-−" and sign else "") + digits.replace(",", ""))
        return float(f"{value:.{places}f}") == number
    return str(value) == shown


def _from_csv(raw: str) -> object:
    """A CSV cell as pandas would read it alone: blank, a number, or the text."""
    if raw == "":
        return None
    if re.fullmatch(r"[+-]?[0-9]+", raw):
        return int(raw)
    if re.fullmatch(r"[+-]?[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?", raw):
        return float(raw)
    return raw


@pytest.mark.parametrize("page", PAGES)
def test_the_tables_on_the_page_download_at_full_precision(rendered, page):
    tables, links = _page_tables(rendered / page)
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
            for text, raw, cell in zip(shown[column], csv[column], book[column], strict=True):
                value = _from_csv(raw)
                assert _agrees(text, value), (page, number, column, text, raw)
                assert _agrees(text, None if pd.isna(cell) else cell), (page, column, text, cell)
                finer += isinstance(value, float) and str(value) != text.replace(",", "")
    assert finer, "no figure in the files is finer than the page shows"
