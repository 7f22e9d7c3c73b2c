"""House style for qipp charts: one look, a source line, and a synthetic-data banner.

Every chart is a fixed-size figure (stable PNGs), titled, with labelled axes and a source
line; one drawn from synthetic data carries a red banner. Every chart function returns a
:class:`Chart` (the figure, a text alternative from its data, the data as a table) that
:func:`show` puts in a notebook. Each finding's own charts live in
``qipp.findings.<finding>.charts``; the bar charts several share are here.
"""

from __future__ import annotations

from qipp.plotting.bars import bar_compare, shortfall_by_quarter_chart
from qipp.plotting.chart import Chart, show
from qipp.plotting.style import (
    AMBER,
    BANNER_GID,
    BANNER_TEXT,
    BROWN,
    DPI,
    FIGSIZE_IN,
    GREEN,
    GREY,
    HATCHES,
    NAVY,
    ORANGE,
    PALETTE,
    RED,
    SOURCE_GID,
    SYNTHETIC_SUFFIX,
    apply_house_style,
    data_notes_html,
    finish_figure,
    source_line,
    synthetic_banner,
    synthetic_banner_html,
    synthetic_banner_markdown,
)

__all__ = [
    "AMBER",
    "BANNER_GID",
    "BANNER_TEXT",
    "BROWN",
    "DPI",
    "FIGSIZE_IN",
    "GREEN",
    "GREY",
    "HATCHES",
    "NAVY",
    "ORANGE",
    "PALETTE",
    "RED",
    "SOURCE_GID",
    "SYNTHETIC_SUFFIX",
    "Chart",
    "apply_house_style",
    "bar_compare",
    "data_notes_html",
    "finish_figure",
    "show",
    "shortfall_by_quarter_chart",
    "source_line",
    "synthetic_banner",
    "synthetic_banner_html",
    "synthetic_banner_markdown",
]
