"""House style: figure size, colours, rcParams, the source line and the synthetic-data banner.

>>> from matplotlib.figure import Figure
>>> fig = Figure(figsize=FIGSIZE_IN, dpi=DPI)
>>> _ = fig.subplots()
>>> [t.get_text() for t in finish_figure(fig, "HSJ", synthetic=True).texts]  # doctest: +ELLIPSIS
['Source: HSJ | SYNTHETIC DATA ...', 'SYNTHETIC DATA: invented CCGs ...']
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.typing import RcKeyType

from qipp.banner import SYNTHETIC_BANNER

FIGSIZE_IN: tuple[float, float] = (8.0, 4.5)
DPI: int = 100

# Told apart under simulated deuteranopia, protanopia and tritanopia (tests/unit/test_plotting);
# GREEN is Okabe and Ito's bluish green, which red-green colour-blind readers tell from RED.
NAVY, ORANGE, GREY, RED, GREEN, AMBER, BROWN = (
    "#1f4e79",
    "#c55a11",
    "#6e6e6e",
    "#b2182b",
    "#009e73",
    "#d9a21b",
    "#7f3b08",
)
PALETTE: tuple[str, ...] = (NAVY, ORANGE, GREEN, AMBER, BROWN, GREY)
# Bars that colour tells apart are also patterned, so no chart relies on colour alone;
# a highlighted bar is orange and hatched.
HATCHES: tuple[str, ...] = ("", "//", "..", "xx", "\\\\", "++")
HIGHLIGHT_HATCH = "//"

SYNTHETIC_SUFFIX = " | SYNTHETIC DATA (calibrated to published aggregates, not real CCG returns)"
BANNER_TEXT = SYNTHETIC_BANNER
SOURCE_GID, BANNER_GID = "qipp-source-line", "qipp-synthetic-banner"
_SOURCE_PT, _BANNER_PT = 7.5, 9.0

_HOUSE_RC: dict[RcKeyType, Any] = {
    "figure.figsize": FIGSIZE_IN,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.facecolor": "white",
    "font.family": "DejaVu Sans",  # ships with matplotlib, so every machine draws the same glyphs
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": plt.cycler(color=PALETTE),
    "legend.frameon": False,
    "legend.fontsize": 9,
    "svg.hashsalt": "qipp",  # stable ids in SVG output
}


def ink_on(colour: str) -> str:
    """White or black, whichever reads at 4.5:1 or better on ``colour`` (white if both do).

    >>> ink_on(NAVY), ink_on(GREEN)
    ('white', 'black')
    """
    red, green, blue = (
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)
    )
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return "white" if 1.05 / (luminance + 0.05) >= 4.5 else "black"


def apply_house_style() -> None:
    """Set the seaborn theme and qipp's rcParams globally (idempotent); in Jupyter, show figures as PNG.

    A figure shown as a cell's value then leaves pyplot, so it is not shown twice.
    """
    sns.set_theme(style="whitegrid", context="notebook", palette=list(PALETTE), rc=_HOUSE_RC)
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to display to
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("png")
    png = shell.display_formatter.formatters["image/png"]
    png.for_type(Figure, _shown_once(png.lookup_by_type(Figure)))


def _shown_once(print_png: Any) -> Any:
    """Wrap the PNG printer of figures so that a figure it prints leaves pyplot."""
    if getattr(print_png, "qipp_shown_once", False):
        return print_png

    def print_and_close(fig: Figure, *args: Any, **kwargs: Any) -> Any:
        try:
            return print_png(fig, *args, **kwargs)
        finally:
            plt.close(fig)

    print_and_close.qipp_shown_once = True  # type: ignore[attr-defined]
    return print_and_close


def caption(source: str, synthetic: bool = False) -> str:
    """The source line's words, synthetic data labelled; also a chart's data table's caption."""
    text = source if source.startswith("Source:") else f"Source: {source}"
    return text + (SYNTHETIC_SUFFIX if synthetic else "")


def _replace_text(fig: Figure, gid: str) -> None:
    for text in [t for t in fig.texts if t.get_gid() == gid]:
        text.remove()


def source_line(fig: Figure, source: str, synthetic: bool = False) -> Text:
    """Write a grey "Source: ..." line at the foot of ``fig``, replacing any; see :func:`finish_figure`.

    Parameters
    ----------
    fig : Figure
        The chart.
    source : str
        The source, after "Source: ".
    synthetic : bool
        Append the synthetic-data notice.

    Returns
    -------
    Text
        The line.
    """
    _replace_text(fig, SOURCE_GID)
    # About 0.55 em per character in DejaVu Sans at this size.
    width_chars = int(fig.get_figwidth() * 72 / (_SOURCE_PT * 0.55))
    wrapped = textwrap.fill(caption(source, synthetic), width=width_chars)
    return fig.text(
        0.01, 0.01, wrapped, ha="left", va="bottom", fontsize=_SOURCE_PT, color=GREY, gid=SOURCE_GID
    )


def synthetic_banner(fig: Figure) -> Text:
    """Put a red "SYNTHETIC DATA" banner across the top of ``fig`` (once); see :func:`finish_figure`.

    Parameters
    ----------
    fig : Figure
        The chart.

    Returns
    -------
    Text
        The banner.
    """
    _replace_text(fig, BANNER_GID)
    return fig.text(
        0.5,
        0.99,
        BANNER_TEXT,
        ha="center",
        va="top",
        fontsize=_BANNER_PT,
        fontweight="bold",
        color="white",
        gid=BANNER_GID,
        zorder=10,
        bbox={"boxstyle": "square,pad=0.35", "facecolor": RED, "edgecolor": "none"},
    )


def finish_figure(fig: Figure, source: str, synthetic: bool = False) -> Figure:
    """Lay out ``fig`` leaving room for the source line (and banner), then add them.

    Parameters
    ----------
    fig : Figure
        The chart.
    source : str
        The source line.
    synthetic : bool
        Add the synthetic-data banner.

    Returns
    -------
    Figure
        ``fig``.
    """
    height_pt = fig.get_figheight() * 72
    n_lines = source_line(fig, source, synthetic).get_text().count("\n") + 1
    bottom = (n_lines * _SOURCE_PT * 1.3 + 6) / height_pt
    top = 1 - (_BANNER_PT * 2.2 + 6) / height_pt if synthetic else 1.0
    fig.tight_layout(rect=(0, bottom, 1, top))
    if synthetic:
        synthetic_banner(fig)
    else:
        _replace_text(fig, BANNER_GID)
    return fig


def synthetic_banner_html(detail: str = BANNER_TEXT) -> str:
    """A self-contained HTML banner (inline style, no external resources) for notebook output.

    >>> "SYNTHETIC DATA" in synthetic_banner_html() and "<link" not in synthetic_banner_html()
    True

    Parameters
    ----------
    detail : str
        The banner's words.

    Returns
    -------
    str
        The HTML.
    """
    style = (
        f"background:{RED};color:#ffffff;font-weight:bold;padding:0.6em 1em;"
        "margin:0.5em 0;border-radius:3px;font-family:sans-serif"
    )
    return f'<div class="qipp-synthetic-banner" role="note" style="{style}">{html.escape(detail)}</div>'


def data_notes_html(notes: Sequence[str]) -> str:
    """A "Notes on the data" box listing a panel's warnings, for a page's reader.

    >>> print(data_notes_html(["p.csv:3:region: odd <value> (expected x)"]).count("<li>"))
    1

    Parameters
    ----------
    notes : sequence of str
        One line each (:attr:`qipp.panel.PanelRead.data_notes`).

    Returns
    -------
    str
        The HTML (self-contained: inline style, escaped text).
    """
    style = "border:2px solid #4c6272;padding:0.4em 1em;margin:0.5em 0;background:#f0f4f5"
    items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    return (
        f'<section class="qipp-data-notes" aria-label="Notes on the data" style="{style}">'
        "<h2>Notes on the data</h2><p>The panel loaded, but these figures look unusual; "
        f"every result below includes them as given.</p><ul>{items}</ul></section>"
    )


def synthetic_banner_markdown(detail: str = BANNER_TEXT) -> str:
    """The banner as Markdown, for ``IPython.display.Markdown`` or a printed report.

    >>> synthetic_banner_markdown().splitlines()[0]
    '> **SYNTHETIC DATA: invented CCGs calibrated to published totals, not real returns**'

    Parameters
    ----------
    detail : str
        The banner's words.

    Returns
    -------
    str
        The Markdown.
    """
    return (
        f"> **{detail}**\n>\n> Every figure below is computed from a synthetic panel; "
        "it shows what the method does, not what CCGs reported."
    )
