"""Bar charts shared by several findings: grouped bars by quarter, a few figures side by side.

Each returns a :class:`~qipp.plotting.chart.Chart`: the figure, its text alternative and
the table of what it drew.

>>> import matplotlib.pyplot as plt
>>> chart = bar_compare(["a", "b"], [1.0, 2.5], "£m", "Two figures", source="HSJ")
>>> [t.get_text() for t in chart.figure.axes[0].texts] + [chart.figure.axes[0].get_xlabel()]
['2.5', '1.0', '£m']
>>> chart.alt
'Horizontal bar chart: Two figures. £m, one bar each: a 1.0; b 2.5.'
>>> plt.close(chart.figure)
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from qipp.display import table as data_table
from qipp.plotting.chart import Chart, attach, listing, one_line
from qipp.plotting.figure import finite_column, house, new_figure
from qipp.plotting.style import (
    GREY,
    HATCHES,
    HIGHLIGHT_HATCH,
    NAVY,
    ORANGE,
    PALETTE,
    caption,
    finish_figure,
)

# Beyond this many bars a text alternative names the highest and lowest, not every one.
MOST_BARS_NAMED = 8


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
    category_label: str | None = "Quarter of report",
) -> Chart:
    """Grouped bars: one group per quarter, one bar per organisation (long-format ``table``).

    Both keep their order of first appearance; a missing pair draws no bar, a repeated one
    raises ValueError. Each organisation has its own colour and hatch; ``category_label``
    (None: no label) is the axis under the groups.

    Parameters
    ----------
    table : DataFrame
        Long format: one row per quarter and organisation.
    source : str
        The source line.
    synthetic : bool
        Draw the synthetic-data banner.
    quarter_column, group_column, value_column : str
        The columns holding the quarter, the organisation and the value.
    value_label, value_format : str
        The value axis's label; the format of the values on the bars.
    title : str, optional
        The chart's title.
    category_label : str, optional
        The label under the groups.

    Returns
    -------
    Chart
        For :func:`show`.
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
    title = title or "Forecast year-end QIPP shortfall by quarter"
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
                hatch=HATCHES[i % len(HATCHES)] or None,
                edgecolor="white",
            )
            ax.bar_label(
                bars, labels=[value_format.format(v) for v in heights[keep]], padding=2, fontsize=8
            )
        ax.set_xticks(positions, [str(q) for q in quarters])
        ax.set_title(title)
        ax.set_xlabel(category_label or "")
        ax.set_ylabel(value_label)
        ax.legend(loc="upper left")
        finish_figure(fig, source, synthetic)
    key = category_label or str(quarter_column).capitalize()
    data = data_table(
        wide.set_axis([one_line(q) for q in quarters]).rename_axis(key).reset_index(),
        formats=dict.fromkeys(groups, value_format.format),
        caption=caption(source, synthetic),
    )
    per_group = [
        f"{one_line(q)}: "
        + ", ".join(
            f"{g} {value_format.format(wide.loc[q, g])}" for g in groups if pd.notna(wide.loc[q, g])
        )
        for q in quarters
    ]
    alt = (
        f"Grouped bar chart: {title}. {one_line(value_label)} for each "
        f"{key.lower()}, one bar each for {listing(map(str, groups))}: {'; '.join(per_group)}."
    )
    return attach(fig, alt, data)


def bar_compare(
    labels: Iterable[str],
    values: Iterable[float],
    unit: str,
    title: str,
    *,
    source: str,
    synthetic: bool = False,
    highlight: Iterable[str] = (),
    highlight_label: str | None = None,
    value_format: str = "{:,.1f}",
    category_label: str | None = None,
) -> Chart:
    """Horizontal bars comparing a few values; ``unit`` labels the value axis.

    Bars run top to bottom in the order given; labels in ``highlight`` are orange and
    hatched, and ``highlight_label`` says in the legend what marks them out.

    Parameters
    ----------
    labels, values : iterable
        The bars' names and values, top to bottom.
    unit, title : str
        The value axis's label; the chart's title.
    source : str
        The source line.
    synthetic : bool
        Draw the synthetic-data banner.
    highlight : iterable of str
        Labels drawn orange and hatched.
    highlight_label : str, optional
        What marks them out, for the legend.
    value_format : str
        Format of the values written on the bars.
    category_label : str, optional
        The axis label beside the bars' names.

    Returns
    -------
    Chart
        For :func:`show`.
    """
    names = [str(label) for label in labels]
    vals = np.asarray(list(values), dtype=float)
    if len(names) != vals.size or not np.isfinite(vals).all():
        raise ValueError(
            f"need one finite value per label, got {len(names)} labels and values {vals.tolist()}"
        )
    marked = [n in set(highlight) for n in names]
    with house():
        fig, ax = new_figure()
        bars = ax.barh(
            names[::-1],
            vals[::-1],
            height=0.6,
            color=[ORANGE if m else NAVY for m in marked[::-1]],
            hatch=[HIGHLIGHT_HATCH if m else None for m in marked[::-1]],
            edgecolor="white",
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
        if highlight_label and any(marked):
            # Between the title and the bars, where it never covers a bar or its value.
            swatch = Patch(facecolor=ORANGE, hatch=HIGHLIGHT_HATCH, edgecolor="white")
            ax.legend([swatch], [highlight_label], loc="lower left", bbox_to_anchor=(0.0, 1.0))
            ax.set_title(title, pad=24)
        finish_figure(fig, source, synthetic)
    shown = [value_format.format(v) for v in vals]
    key = category_label or "Bar"
    frame = pd.DataFrame({key: [one_line(n) for n in names], one_line(unit): vals})
    data = data_table(
        frame,
        formats={one_line(unit): value_format.format},
        highlight=marked,
        caption=caption(source, synthetic),
    )
    return attach(fig, _bars_alt(title, unit, names, vals, shown, marked, highlight_label), data)


def _bars_alt(
    title: str,
    unit: str,
    names: list[str],
    values: np.ndarray,
    shown: list[str],
    marked: list[bool],
    highlight_label: str | None,
) -> str:
    """Every bar with its value, or the highest and lowest of many; then the highlighted ones."""
    pairs = [f"{one_line(n)} {s}" for n, s in zip(names, shown, strict=True)]
    if len(pairs) <= MOST_BARS_NAMED:
        body = f"one bar each: {'; '.join(pairs)}"
    else:
        top, bottom = int(np.argmax(values)), int(np.argmin(values))
        body = f"highest {pairs[top]}, lowest {pairs[bottom]}, every bar in the table below"
    text = f"Horizontal bar chart: {one_line(title)}. {one_line(unit)}, {body}."
    chosen = [p for p, m in zip(pairs, marked, strict=True) if m]
    if chosen:
        what = (highlight_label or "highlighted").rstrip(".")
        text += f" Hatched orange bars ({what[0].lower() + what[1:]}): {'; '.join(chosen)}."
    return text
