"""The data behind a report: every table it showed, as one workbook and a CSV per table.

A table shown through :mod:`qipp.display` is remembered with its values at full
precision. A report's last cell calls :func:`write_shown` with ``tables_path``
(``<stem>.xlsx``): the workbook goes there, ``<stem>-<n>.csv`` beside it for the
``n``-th table shown, and the cell shows links to them. ``qipp render`` sets
``tables_path`` beside the page; run by hand with it blank, a notebook writes nothing
and says so, as with ``findings_path`` (:mod:`qipp.findings.record`).

The workbook follows the Analysis Function's spreadsheet guidance, written with
XlsxWriter (decision 0039): a cover sheet (title, what the tables are, the synthetic-data notice
where it applies, when and from which commit they were written), a contents sheet, a
notes sheet, and one table per sheet under its title, headers carrying units, numbers
as numbers. The CSVs are formula-safe (:mod:`qipp.csvsafe`); every write is atomic.

>>> import tempfile, pathlib
>>> from qipp.display import table
>>> shown = table(pd.DataFrame({"ccg": ["=11J"], "plan_gbp_m": [2.0 / 3]}),
...               labels={"plan_gbp_m": "Plan (£m)"}, formats={"plan_gbp_m": ".1f"})
>>> book = pathlib.Path(tempfile.mkdtemp()) / "r.xlsx"
>>> [p.name for p in write_tables([shown], book, title="R", stamp="Rendered now")]
['r.xlsx', 'r-1.csv']
>>> print(book.with_name("r-1.csv").read_text(), end="")
ccg,Plan (£m)
'=11J,0.6666666666666666
>>> print(write_shown("", title="R"))
Tables not written: tables_path is blank. Pass -p tables_path FILE.xlsx to keep them; qipp render sets it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from qipp.atomic import atomic_path, atomic_write_text
from qipp.banner import SYNTHETIC_BANNER
from qipp.csvsafe import frame_to_csv
from qipp.display import Table, shown_tables
from qipp.render.plan.runinfo import RunInfo, git_commit

__all__ = ["SYNTHETIC_COLUMN", "WORKBOOK_SUFFIX", "Downloads", "write_shown"]

WORKBOOK_SUFFIX = ".xlsx"
# What a CSV of synthetic data carries on every row, since it has no cover to say so.
SYNTHETIC_COLUMN = ("Data", "synthetic")
# The Notes sheet: what every table sheet refers to.
NOTES = (
    "Figures are at full precision (16 significant digits, as Excel keeps them); the report "
    "rounds them for reading.",
    "A blank cell has no value: not published, not implied by what is, or not defined for "
    "that row. The report shows it as a dash.",
    "TRUE and FALSE are the report's yes and no.",
)


def csv_path(workbook: Path, number: int) -> Path:
    """The CSV of the ``number``-th table beside ``workbook``: ``<stem>-<number>.csv``.

    >>> csv_path(Path("ccg/11J.xlsx"), 2).as_posix()
    'ccg/11J-2.csv'
    """
    return workbook.with_name(f"{workbook.stem}-{number}.csv")


def current_stamp(now: datetime | None = None) -> str:
    """When and from which commit, in the words of a page's stamp (``Rendered ... from ...``)."""
    commit, dirty = git_commit()
    moment = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%MZ")
    return RunInfo(moment, commit, dirty, (), "", None).stamp()


def table_title(shown: Table, number: int) -> str:
    """``Table n: <title>``; a table without a title is named by its headers.

    >>> from qipp.display import table
    >>> table_title(table(pd.DataFrame({"a": [1], "b (%)": [2]})), 3)
    'Table 3: a, b (%)'
    """
    return f"Table {number}: {shown.title or ', '.join(shown.headers)}"


def _plain(value: Any) -> Any:
    if isinstance(value, str):  # text of symbols only (the page's dash for none) is blank
        return value if any(ch.isalnum() for ch in value) else None
    return value.item() if hasattr(value, "item") else value


def plain_values(shown: Table) -> pd.DataFrame:
    """The table's values as plain Python numbers, text, booleans and None (blank).

    >>> from qipp.display import facts
    >>> plain_values(facts({"n": 3, "share (%)": float("nan"), "p": "–"}))["Value"].tolist()
    [3, None, None]
    """
    frame = shown.values if shown.values is not None else shown.cells
    cells = frame.astype(object).where(frame.notna(), None).itertuples(index=False)
    rows = [[_plain(value) for value in row] for row in cells]
    return pd.DataFrame(rows, columns=[str(name) for name in frame.columns], dtype=object)


# The layout's type: Arial 12, titles 16 bold, headings 14 bold (the Analysis Function's).
_STYLES: dict[str, dict[str, Any]] = {
    "text": {"text_wrap": True, "valign": "top"},
    "title": {"bold": True, "font_size": 16},
    "heading": {"bold": True, "font_size": 14},
    "header": {"bold": True, "text_wrap": True, "valign": "top"},
    "number header": {"bold": True, "text_wrap": True, "valign": "top", "align": "right"},
    "link": {"font_color": "blue", "underline": 1},
}


def _sheet(
    book: Any, styles: dict[str, Any], name: str, lines: Sequence[str], values: pd.DataFrame
) -> Any:
    """A sheet: a title and lines, then ``values`` as an Excel table right below them."""
    sheet = book.add_worksheet(name)
    for row, line in enumerate(lines):
        sheet.write_string(row, 0, line, styles["title" if row == 0 else "text"])
    if values.empty:  # an Excel table needs a row: say there are none instead
        values = pd.DataFrame({"Note": ["The report shows this table with no rows."]})
    top, rows = len(lines), values.to_numpy(dtype=object).tolist()
    columns = []
    for number, header in enumerate(values.columns):
        column = values.iloc[:, number].dropna()
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in column)
        style = styles["number header" if numeric and rows else "header"]
        columns.append({"header": str(header), "header_format": style})
        width = max([len(str(header)), *(len(str(row[number])) for row in rows)])
        sheet.set_column(number, number, min(60, max(10, width + 2)))
    sheet.add_table(
        top,
        0,
        top + len(rows),
        len(columns) - 1,
        {"name": name.lower(), "columns": columns, "data": rows, "autofilter": False},
    )
    return sheet


def _write_workbook(
    path: Path,
    title: str,
    about: Sequence[str],
    tables: Sequence[tuple[str, str | None, pd.DataFrame]],
    synthetic: bool,
) -> None:
    """Cover (``title``, then ``about``), contents, notes, then each (title, source, values)."""
    import xlsxwriter  # imported by every warm kernel (WARM_MODULES); a hand run only to write

    options = {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}
    book = xlsxwriter.Workbook(str(path), options)
    book.set_properties({"title": title, "author": "qipp", "comments": about[-1]})
    base = {"font_name": "Arial", "font_size": 12}
    styles = {k: book.add_format(base | v) for k, v in _STYLES.items()}
    cover = book.add_worksheet("Cover")
    cover.set_column(0, 0, 90)
    for row, (line, style) in enumerate(_cover(title, about, synthetic)):
        cover.write_string(row, 0, line, styles[style])
    one = "This worksheet contains one table."
    names = [f"Table_{n}" for n in range(1, len(tables) + 1)]
    described = {"Sheet name": names, "Table description": [t for t, _, _ in tables]}
    contents = _sheet(book, styles, "Contents", ["Contents", one], pd.DataFrame(described))
    for row, name in enumerate(names, start=3):
        contents.write_url(row, 0, f"internal:'{name}'!A1", styles["link"], string=name)
    numbered = {"Note number": range(1, len(NOTES) + 1), "Note text": NOTES}
    _sheet(book, styles, "Notes", ["Notes", one], pd.DataFrame(numbered))
    refs = f"{one[:-1]}; notes 1 to {len(NOTES)} on the Notes sheet apply to it."
    notice = [SYNTHETIC_BANNER] if synthetic else []
    for name, (heading, source, values) in zip(names, tables, strict=True):
        _sheet(book, styles, name, [heading, *notice, refs, *([source] if source else [])], values)
    book.close()


def _cover(title: str, about: Sequence[str], synthetic: bool) -> list[tuple[str, str]]:
    """The cover's lines and their styles: title, introduction, about these data, contact."""
    intro = [
        "The tables of the report of the same name, in the order it shows them, one per "
        "sheet, at full precision; the Contents sheet lists them.",
        *([SYNTHETIC_BANNER + "."] if synthetic else []),
        f"{about[-1]}.",
    ]
    return [
        (title, "title"),
        ("Introductory information", "heading"),
        *((line, "text") for line in intro),
        ("About these data", "heading"),
        *((line, "text") for line in ["Each table's sheet names its source.", *about[:-1]]),
        ("Contact", "heading"),
        ("qipp: reproducible research notebooks on the NHS QIPP programme.", "text"),
    ]


def write_tables(
    tables: Sequence[Table],
    workbook: Path,
    *,
    title: str,
    stamp: str,
    synthetic: bool = False,
    notes: Sequence[str] = (),
) -> list[Path]:
    """Write ``tables`` as ``workbook`` and a formula-safe CSV each beside it; return the paths.

    ``stamp`` says when and from which commit; ``synthetic`` adds the notice to the cover
    and every sheet, and :data:`SYNTHETIC_COLUMN` to every CSV; ``notes`` go on the cover.
    """
    workbook = Path(workbook)
    if workbook.suffix != WORKBOOK_SUFFIX:
        raise ValueError(f"tables_path must end {WORKBOOK_SUFFIX}, got {workbook.name!r}")
    written, sheets = [workbook], []
    for number, shown in enumerate(tables, start=1):
        values = plain_values(shown)
        sheets.append((table_title(shown, number), shown.caption, values))
        if synthetic:
            values = values.assign(**{SYNTHETIC_COLUMN[0]: SYNTHETIC_COLUMN[1]})
        written.append(csv_path(workbook, number))
        atomic_write_text(written[-1], frame_to_csv(values))
    with atomic_path(workbook) as temporary:
        _write_workbook(temporary, title, [*notes, stamp], sheets, synthetic)
    return written


def _size(path: Path) -> str:
    return f"{max(1, round(path.stat().st_size / 1000))} kB"


@dataclass(frozen=True)
class Downloads:
    """What :func:`write_shown` wrote: shown as links to it, or a line saying nothing was."""

    workbook: Path | None
    titles: tuple[str, ...] = ()

    def _repr_html_(self) -> str | None:
        if self.workbook is None:
            return None  # the text below
        book = self.workbook
        items = [
            f'<li><a href="{html.escape(book.name)}">All {len(self.titles)} tables in one '
            f"workbook</a> (Excel, {_size(book)}): a cover, contents and notes, then one "
            "table per sheet.</li>"
        ]
        for number, name in enumerate(self.titles, start=1):
            csv = csv_path(book, number)
            items.append(
                f'<li><a href="{html.escape(csv.name)}">{html.escape(name)}</a> '
                f"(CSV, {_size(csv)})</li>"
            )
        return (
            '<section class="qipp-downloads" aria-labelledby="qipp-downloads">\n'
            '<h2 id="qipp-downloads">The data behind this report</h2>\n'
            "<p>The tables above at full precision (the page rounds them):</p>\n"
            f"<ul>\n{chr(10).join(items)}\n</ul>\n</section>"
        )

    def __repr__(self) -> str:
        if self.workbook is None:
            return (
                "Tables not written: tables_path is blank. Pass -p tables_path FILE.xlsx "
                "to keep them; qipp render sets it."
            )
        return f"Tables written to {self.workbook.name} and a CSV file each beside it."


def write_shown(
    tables_path: str, *, title: str, synthetic: bool = False, notes: Sequence[str] = ()
) -> Downloads:
    """Write every table shown so far (:func:`qipp.display.shown_tables`) to ``tables_path``.

    Parameters
    ----------
    tables_path : str
        The workbook to write (``.xlsx``); blank writes nothing (a run by hand).
    title : str
        The report's title, for the workbook's cover.
    synthetic : bool
        The tables are built on synthetic data: the notice goes on every sheet and CSV.
    notes : sequence of str
        Sentences for the cover's "About these data".

    Returns
    -------
    Downloads
        Shown as links to the files, or as a line saying none were written.
    """
    if not tables_path.strip():
        return Downloads(None)
    destination = Path(tables_path)
    tables = shown_tables()
    write_tables(
        tables, destination, title=title, stamp=current_stamp(), synthetic=synthetic, notes=notes
    )
    return Downloads(destination, tuple(table_title(t, n) for n, t in enumerate(tables, 1)))
