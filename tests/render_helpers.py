"""Helpers the render tests share: a folder's contents by checksum, waiting for a condition, a
stand-in project whose notebooks run in warm kernels, a notebook run in this process's warm
kernel, the index's entries for profiles, and a page's tables against its downloads."""

from __future__ import annotations

import contextlib
import hashlib
import html.parser
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from qipp.paths import DATA_DIR, NOTEBOOKS_DIR
from qipp.render.plan.cache import CACHE_DIR_NAME


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (the render cache aside) by relative path, as SHA-256."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and CACHE_DIR_NAME not in p.relative_to(folder).parts
    }


def wait_for(
    condition: Callable[[], object],
    timeout_s: float,
    what: str,
    process: subprocess.Popen | None = None,
    interval_s: float = 0.1,
) -> None:
    """Poll ``condition`` until true; fail after ``timeout_s``, or once ``process`` has ended."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if process is not None and process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"render ended before {what}: {out}{err}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(interval_s)


@contextlib.contextmanager
def stand_in_project(root: Path) -> Iterator[None]:
    """Treat ``root`` as the project (``QIPP_ROOT``, its ``data/`` the project's) for the render
    workers and kernels started in the block, so notebooks under it run in warm kernels."""
    if not (root / "data").exists():
        (root / "data").symlink_to(DATA_DIR, target_is_directory=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QIPP_ROOT", str(root))
        yield


def run_warm(source: Path, output: Path, **parameters: object) -> None:
    """Run ``source`` by papermill in this process's warm kernel (the ``qipp_warm`` engine)."""
    import papermill  # only the tests that run notebooks pay its import

    papermill.execute_notebook(
        str(source),
        str(output),
        parameters=parameters,
        engine_name="qipp_warm",
        kernel_name="python3",
        cwd=str(NOTEBOOKS_DIR),
        progress_bar=False,
        log_output=False,
        execution_timeout=300,
    )


def profile_entries(rows: list, rendered_at: str) -> list[dict]:
    """The manifest's entries for rendered profiles of ``rows`` (ProfileRow), as the index reads them."""
    return [
        {
            "key": f"profile:{row.ccg_code}",
            "kind": "profile",
            "name": row.ccg_code,
            "status": "ok",
            "html": f"ccg/{row.ccg_code}.html",
            "rendered_at": rendered_at,
            "error": None,
            "profile": row.figures(),
        }
        for row in rows
    ]


def read_table_sheet(workbook: Path, sheet: str) -> pd.DataFrame:
    """A table sheet of a report's workbook read back with pandas, from its Excel table's header."""
    import openpyxl

    (excel_table,) = openpyxl.load_workbook(workbook)[sheet].tables.values()
    header_row = int("".join(ch for ch in excel_table.ref.split(":")[0] if ch.isdigit()))
    return pd.read_excel(workbook, sheet_name=sheet, skiprows=header_row - 1)


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


def page_tables(page: Path) -> tuple[list[pd.DataFrame], list[str]]:
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


def agrees(shown: str, value: object) -> bool:
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


def from_csv(raw: str) -> object:
    """A CSV cell as pandas would read it alone: blank, a number, or the text."""
    if raw == "":
        return None
    if re.fullmatch(r"[+-]?[0-9]+", raw):
        return int(raw)
    if re.fullmatch(r"[+-]?[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?", raw):
        return float(raw)
    return raw


# Words for the documentation, not a page's readers: module paths, decision records and
# render mechanics (tests/unit/test_page_words.py scans their sources with it too).
ENGINEERING = re.compile(
    r"qipp\.[A-Za-z_]|docs/decisions|decisions? 0\d{3}|\(0\d{3}\)|runs this template"
)


def visible_text(page_html: str) -> str:
    """What a reader of ``page_html`` can read: its text (collapsed details too) and images' alt."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page_html, "html.parser")
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    alts = [str(img.get("alt", "")) for img in soup.find_all("img")]
    return " ".join([soup.get_text(" "), *alts])
