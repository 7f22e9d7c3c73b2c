"""House style for qipp charts: one look, a source line, and a synthetic-data banner.

Every chart helper returns a :class:`matplotlib.figure.Figure` of fixed size and
resolution (so PNGs embedded in the HTML reports are stable), titled, with
axes labelled in their units and a grey source line underneath. A chart drawn
from synthetic data carries a red "SYNTHETIC DATA" banner on the figure itself
and says so in its source line. Nothing here calls ``plt.show``; in a notebook
the inline backend shows a figure at the end of its cell.

Helpers draw under the house rcParams whether or not :func:`apply_house_style`
was called, and nothing is random, so the same inputs give the same picture.

The package is split by concern, and every public name is re-exported here, so
``from qipp import plotting`` reaches them all:

- :mod:`qipp.plotting.style`: size, colours, rcParams, source line, banners,
  :func:`finish_figure`;
- :mod:`qipp.plotting.panel`: charts of a CCG panel (notebook 02, the CCG profile);
- :mod:`qipp.plotting.savings`: savings per year, shortfall per quarter,
  :func:`bar_compare`;
- :mod:`qipp.plotting.scorecard`: claims reproduced per source (notebook 00);
- :mod:`qipp.plotting.shortfall`: the rise in shortfall by commissioner and the
  split by scheme type (notebook 01).

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

from qipp.plotting.nhse import commissioner_stages_chart, service_area_gap_chart
from qipp.plotting.panel import detection_rate_chart, target_distribution, target_vs_gap_scatter
from qipp.plotting.pct_progress import (
    extrapolation_chart,
    forecast_misses_chart,
    savings_mix_chart,
)
from qipp.plotting.savings import (
    annual_profile_chart,
    bar_compare,
    profile_trend_chart,
    shortfall_by_quarter_chart,
)
from qipp.plotting.scorecard import scorecard_chart
from qipp.plotting.shortfall import scheme_split_chart, shortfall_change_chart
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
    "annual_profile_chart",
    "apply_house_style",
    "bar_compare",
    "commissioner_stages_chart",
    "detection_rate_chart",
    "extrapolation_chart",
    "finish_figure",
    "forecast_misses_chart",
    "profile_trend_chart",
    "savings_mix_chart",
    "scheme_split_chart",
    "scorecard_chart",
    "service_area_gap_chart",
    "shortfall_by_quarter_chart",
    "shortfall_change_chart",
    "source_line",
    "synthetic_banner",
    "synthetic_banner_html",
    "synthetic_banner_markdown",
    "target_distribution",
    "target_vs_gap_scatter",
]
