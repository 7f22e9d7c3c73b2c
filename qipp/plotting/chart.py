"""A chart that describes itself: its figure, a text alternative from its data, and that data.

Every chart function returns a :class:`Chart`; :func:`show` puts it in a notebook: the
figure as a PNG whose output metadata carries the text alternative (the report template
writes it as the image's ``alt``; decision 0038), then "The data behind this chart" as a
collapsed table. A figure named in the text is a number as :func:`figures` reads it, and
each one is in the chart's own table, rounded as shown there.

>>> figures("Histogram of 143 CCGs, 0.28% to 6.44%, median 2.47%; NHS West Essex CCG (07H)")
['143', '0.28', '6.44', '2.47']
>>> figures("Q1 2013-14: £1,217.1m, -0.43 £bn a year, R² 0.96")
['1217.1', '-0.43', '0.96']
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from qipp.display import Formatter, Table, facts

SUMMARY = "The data behind this chart"
# A number standing alone: not part of a code (07H, Q1, S001) or a year span (2013-14);
# an optional sign and £ before it, a unit after it.
_FIGURE = re.compile(
    r"(?<![\w.,\-–])(-?)£?((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?:%|bn|m|x)?(?![\w\-–]|\.\d)"
)


def figures(text: str) -> list[str]:
    """The figures ``text`` names, in order: sign and digits, without £, commas or unit."""
    return [sign + digits.replace(",", "") for sign, digits in _FIGURE.findall(text)]


def table_figures(table: Table) -> set[str]:
    """Every figure in ``table``'s headers and cells (not its caption)."""
    texts = [*table.headers, *(str(v) for v in table.cells.to_numpy().ravel())]
    if table.index_label is not None:
        texts += [table.index_label, *(str(i) for i in table.cells.index)]
    return {figure for text in texts for figure in figures(text)}


def summary(
    items: Mapping[str, Any],
    formats: Mapping[str, Formatter],
    note: str,
    headers: tuple[str, str] = ("Measure", "Value"),
) -> tuple[Table, dict[str, str]]:
    """The figures a chart marks as a table of numbers, and each as the table shows it.

    The text alternative quotes the second, so it names exactly what the table shows.

    >>> shown, text = summary({"CCGs": 143, "Median (%)": 2.4712}, {"Median (%)": ".2f"}, "x")
    >>> text, shown.values["Value"].tolist()
    ({'CCGs': '143', 'Median (%)': '2.47'}, [143, 2.4712])
    """
    shown = facts(items, formats=formats, headers=headers, caption=note)
    return shown, dict(zip(shown.cells[headers[0]], shown.cells[headers[1]], strict=True))


def listing(items: Iterable[str]) -> str:
    """``a, b and c``."""
    names = list(items)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def one_line(text: str) -> str:
    """A label as one line of text (axis labels wrap with newlines)."""
    return " ".join(str(text).split())


@dataclass(frozen=True)
class Chart:
    """A finished figure, its text alternative (``alt``) and the tables it was drawn from."""

    figure: Figure
    alt: str
    data: tuple[Table, ...]

    def unbacked(self) -> list[str]:
        """Figures the text names that none of the chart's tables holds (should be none)."""
        held = set().union(*(table_figures(t) for t in self.data))
        return [f for f in figures(self.alt) if f not in held]

    def data_html(self) -> str:
        """The tables in a collapsed ``<details>`` block, "The data behind this chart"."""
        tables = "\n".join(t._repr_html_() for t in self.data)
        return (
            f'<details class="qipp-chart-data">\n<summary>{html.escape(SUMMARY)}</summary>\n'
            f"{tables}\n</details>"
        )

    def _ipython_display_(self) -> None:
        show(self)


def show(chart: Chart) -> None:
    """Show ``chart`` in a notebook: PNG with its text alternative, then its data, collapsed.

    The PNG is the notebook's own (the house formatter), so images are unchanged; its
    ``text/plain`` is the text alternative too. Outside IPython the text is printed.

    Parameters
    ----------
    chart : Chart
        What a chart function returns.
    """
    from IPython import get_ipython
    from IPython.display import display

    shell = get_ipython()
    try:
        if shell is None:
            print("\n".join([chart.alt, *(str(t) for t in chart.data)]))
            return
        data, metadata = shell.display_formatter.format(chart.figure, include={"image/png"})
        if "image/png" not in data:  # no PNG formatter registered: draw it as the inline one would
            from IPython.core.pylabtools import print_figure

            data = {"image/png": print_figure(chart.figure, "png", base64=True)}
        metadata = {**metadata, "image/png": {**metadata.get("image/png", {}), "alt": chart.alt}}
        display(
            {"image/png": data["image/png"], "text/plain": chart.alt}, raw=True, metadata=metadata
        )
        text = "\n".join([SUMMARY, *(str(t) for t in chart.data)])
        display({"text/html": chart.data_html(), "text/plain": text}, raw=True)
    finally:
        plt.close(chart.figure)  # shown once: never again by the end-of-cell flush


def attach(figure: Figure, alt: str, *tables: Table) -> Chart:
    """A :class:`Chart` of ``figure``, ``alt`` (on one line) and ``tables``; ``alt`` cannot be blank."""
    if not alt.strip():
        raise ValueError("a chart needs a text alternative")
    return Chart(figure, one_line(alt), tuple(tables))
