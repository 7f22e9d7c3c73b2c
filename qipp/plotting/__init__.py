"""House style for qipp charts: one look, a source line, and a synthetic-data banner.

Every chart helper returns a :class:`matplotlib.figure.Figure` of fixed size and
resolution (so PNGs embedded in the HTML reports are stable), titled, with
axes labelled in their units and a grey source line underneath. A chart drawn
from synthetic data carries a red "SYNTHETIC DATA" banner on the figure itself
and says so in its source line. Nothing here calls ``plt.show``; in a notebook
the inline backend shows a figure at the end of its cell.

Helpers draw under the house rcParams whether or not :func:`apply_house_style`
was called, and nothing is random, so the same inputs give the same picture.

Each finding's own charts live in its package (``qipp.findings.<finding>.charts``);
this package holds the style (:mod:`qipp.plotting.style`) and the bar charts several
findings share (:mod:`qipp.plotting.bars`), re-exported here.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> fig = bar_compare(["CCGs", "NHS England"], [4.0, 12.9], unit="Forecast shortfall (% of plan)",
...                   title="Forecast QIPP shortfall, Q1 2013-14",
...                   source='HSJ, NHS England internal NISFE report, Q1 2013-14')
>>> [t.get_text() for t in fig.texts]
['Source: HSJ, NHS England internal NISFE report, Q1 2013-14']
>>> plt.close(fig)
"""

from __future__ import annotations

from qipp.plotting.bars import bar_compare, shortfall_by_quarter_chart
from qipp.plotting.style import (
    AMBER,
    BANNER_GID,
    BANNER_TEXT,
    DPI,
    FIGSIZE_IN,
    GREEN,
    GREY,
    NAVY,
    ORANGE,
    PALETTE,
    RED,
    SOURCE_GID,
    SYNTHETIC_SUFFIX,
    apply_house_style,
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
    "DPI",
    "FIGSIZE_IN",
    "GREEN",
    "GREY",
    "NAVY",
    "ORANGE",
    "PALETTE",
    "RED",
    "SOURCE_GID",
    "SYNTHETIC_SUFFIX",
    "apply_house_style",
    "bar_compare",
    "finish_figure",
    "shortfall_by_quarter_chart",
    "source_line",
    "synthetic_banner",
    "synthetic_banner_html",
    "synthetic_banner_markdown",
]
