"""Bar charts shared by several findings: grouped bars by quarter, a few figures side by side.

>>> import matplotlib.pyplot as plt
>>> fig = bar_compare(["a", "b"], [1.0, 2.5], "£m", "Two figures", source="HSJ")
>>> [t.get_text() for t in fig.axes[0].texts] + [fig.axes[0].get_xlabel()]
['2.5', '1.0', '£m']
>>> plt.close(fig)
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from qipp.plotting.figure import finite_column, house, new_figure
from qipp.plotting.style import GREY, NAVY, ORANGE, PALETTE, finish_figure


def shortfall_by_quarter_chart(
    table: pd.DataFrame,
    *,
    source: str,
    synthetic: bool = False,
    quarter_column: str = "quarter",
    group_column: str = "organisation",
    value_column: str = "shortfall_gbp_m",
    value_label: str = "Forecast year-end QIPP shortfall (£m)",
    value_format: str = "{:,.1f}",
    title: str | None = None,
) -> Figure:
    """Grouped bars: one group per quarter, one bar per organisation (long-format ``table``).

    Both keep their order of first appearance; a missing pair draws no bar, a repeated one
    raises ValueError.
    """
    for column in (quarter_column, group_column):
        if column not in table.columns:
            raise KeyError(f"column {column!r} not in table")
    finite_column(table, value_column)
    if table.duplicated([quarter_column, group_column]).any():
        raise ValueError(f"each ({quarter_column}, {group_column}) pair must appear once")
    quarters = list(pd.unique(table[quarter_column]))
    groups = list(pd.unique(table[group_column]))
    wide = table.pivot(index=quarter_column, columns=group_column, values=value_column).loc[
        quarters, groups
    ]
    width = 0.8 / len(groups)
    with house():
        fig, ax = new_figure()
        positions = np.arange(len(quarters))
        for i, group in enumerate(groups):
            heights = wide[group].to_numpy(dtype=float)
            keep = np.isfinite(heights)
            bars = ax.bar(
                positions[keep] + (i - (len(groups) - 1) / 2) * width,
                heights[keep],
                width,
                label=str(group),
                color=PALETTE[i % len(PALETTE)],
            )
            ax.bar_label(
                bars, labels=[value_format.format(v) for v in heights[keep]], padding=2, fontsize=8
            )
        ax.set_xticks(positions, [str(q) for q in quarters])
        ax.set_title(title or "Forecast year-end QIPP shortfall by quarter")
        ax.set_xlabel("Quarter of report")
        ax.set_ylabel(value_label)
        ax.legend(loc="upper left")
        return finish_figure(fig, source, synthetic)


def bar_compare(
    labels: Iterable[str],
    values: Iterable[float],
    unit: str,
    title: str,
    *,
    source: str,
    synthetic: bool = False,
    highlight: Iterable[str] = (),
    value_format: str = "{:,.1f}",
    category_label: str | None = None,
) -> Figure:
    """Horizontal bars comparing a few values; ``unit`` labels the value axis.

    Bars run top to bottom in the order given; labels in ``highlight`` are orange.
    """
    names = [str(label) for label in labels]
    vals = np.asarray(list(values), dtype=float)
    if len(names) != vals.size or not np.isfinite(vals).all():
        raise ValueError(
            f"need one finite value per label, got {len(names)} labels and values {vals.tolist()}"
        )
    marked = set(highlight)
    with house():
        fig, ax = new_figure()
        bars = ax.barh(
            names[::-1],
            vals[::-1],
            height=0.6,
            color=[ORANGE if n in marked else NAVY for n in names[::-1]],
        )
        ax.bar_label(
            bars, labels=[value_format.format(v) for v in vals[::-1]], padding=3, fontsize=9
        )
        ax.axvline(0, color=GREY, linewidth=0.8)
        ax.margins(x=0.12)
        ax.set_title(title)
        ax.set_xlabel(unit)
        if category_label:
            ax.set_ylabel(category_label)
        return finish_figure(fig, source, synthetic)
