"""The scorecard chart: published claims per source, split by whether they were reproduced."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd

from qipp.display import table
from qipp.plotting.chart import Chart, attach, listing
from qipp.plotting.figure import house, new_figure
from qipp.plotting.style import (
    AMBER,
    FIGSIZE_IN,
    GREEN,
    GREY,
    HATCHES,
    NAVY,
    RED,
    caption,
    finish_figure,
    ink_on,
)

ALL_SOURCES, ALL_STATUSES = "All sources", "All"


def _status_colour(status: str, index: int) -> str:
    word = status.lower()
    if any(k in word for k in ("derivab", "unchecked", "undetermin", "pending", "n/a")):
        return GREY
    if any(k in word for k in ("not ", "contradict", "mismatch", "fail", "differ")):
        return RED
    if any(k in word for k in ("approx", "within", "partial", "close")):
        return AMBER
    if any(k in word for k in ("reproduc", "match", "consistent", "confirm", "agree")):
        return GREEN
    return ("#9db7d5", "#7030a0", NAVY, "#a6a6a6")[index % 4]


def scorecard_chart(
    counts_by_source_status: pd.DataFrame,
    *,
    source: str,
    synthetic: bool = False,
    colours: Mapping[str, str] | None = None,
    title: str | None = None,
) -> Chart:
    """Stacked bars: claims per source (rows of the frame) split by status (its columns).

    Colours follow the status words (reproduced green, not reproduced red) unless
    ``colours`` maps a status to one; each status also has its own hatch.
    """
    counts = counts_by_source_status.fillna(0)
    if counts.empty:
        raise ValueError("the scorecard has no rows")
    title = title or "Published claims re-derived, by source and status"
    height = max(3.2, 1.8 + 0.45 * len(counts))
    with house():
        fig, ax = new_figure((FIGSIZE_IN[0], height))
        labels = [textwrap.fill(str(s), 38) for s in counts.index][::-1]
        left = np.zeros(len(counts))
        for i, status in enumerate(counts.columns):
            widths = counts[status].to_numpy(dtype=float)[::-1]
            colour = (colours or {}).get(status, _status_colour(str(status), i))
            bars = ax.barh(
                labels,
                widths,
                left=left,
                color=colour,
                label=str(status),
                edgecolor="white",
                hatch=HATCHES[i % len(HATCHES)] or None,
            )
            ax.bar_label(
                bars,
                labels=[f"{w:g}" if w else "" for w in widths],
                label_type="center",
                color=ink_on(colour),
                fontsize=8,
                # A box of the bar's colour keeps the count clear of the hatch.
                bbox={"facecolor": colour, "edgecolor": "none", "pad": 1.0},
            )
            left += widths
        ax.set_xlabel("Claims (count)")
        ax.set_ylabel("Source")
        ax.legend(
            loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=min(2, counts.shape[1]), fontsize=8
        )
        legend_rows = -(-counts.shape[1] // 2)
        ax.set_title(title, pad=8 + 15 * legend_rows)
        finish_figure(fig, source, synthetic)
    return attach(fig, *_scorecard_text(counts, title, source, synthetic))


def _scorecard_text(counts: pd.DataFrame, title: str, source: str, synthetic: bool) -> tuple:
    """The text alternative and the table: counts per source and status, with totals."""
    whole = counts.astype(int)
    whole.loc[ALL_SOURCES] = whole.sum()
    whole[ALL_STATUSES] = whole.sum(axis=1)
    whole.index.name = "Source"
    totals = whole.loc[ALL_SOURCES]
    per_source = whole[ALL_STATUSES].drop(ALL_SOURCES)
    most = per_source[per_source == per_source.max()].index
    alt = (
        f"Stacked horizontal bar chart: {title}, in claims (count), one bar per source split "
        f"by status. {totals[ALL_STATUSES]} claims in all: "
        f"{listing(f'{totals[s]} {s}' for s in counts.columns)}. "
        + (
            f"The most, {per_source.max()}, are from {most[0]}."
            if len(most) == 1
            else f"{listing(map(str, most))} have the most, {per_source.max()} each."
        )
    )
    return alt, table(whole.reset_index(), caption=caption(source, synthetic))
