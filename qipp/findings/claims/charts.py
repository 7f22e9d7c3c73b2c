"""The scorecard chart: published claims per source, split by whether they were reproduced."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from qipp.plotting.figure import house, new_figure
from qipp.plotting.style import AMBER, FIGSIZE_IN, GREEN, GREY, NAVY, RED, finish_figure


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
) -> Figure:
    """Stacked bars: claims per source (rows of the frame) split by status (its columns).

    Colours follow the status words (reproduced green, not reproduced red) unless
    ``colours`` maps a status to one.
    """
    counts = counts_by_source_status.fillna(0)
    if counts.empty:
        raise ValueError("the scorecard has no rows")
    height = max(3.2, 1.8 + 0.45 * len(counts))
    with house():
        fig, ax = new_figure((FIGSIZE_IN[0], height))
        labels = [textwrap.fill(str(s), 38) for s in counts.index][::-1]
        left = np.zeros(len(counts))
        for i, status in enumerate(counts.columns):
            widths = counts[status].to_numpy(dtype=float)[::-1]
            colour = (colours or {}).get(status, _status_colour(str(status), i))
            bars = ax.barh(
                labels, widths, left=left, color=colour, label=str(status), edgecolor="white"
            )
            ax.bar_label(
                bars,
                labels=[f"{w:g}" if w else "" for w in widths],
                label_type="center",
                color="white",
                fontsize=8,
            )
            left += widths
        ax.set_xlabel("Claims (count)")
        ax.set_ylabel("Source")
        ax.legend(
            loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=min(2, counts.shape[1]), fontsize=8
        )
        legend_rows = -(-counts.shape[1] // 2)
        ax.set_title(
            title or "Published claims re-derived, by source and status", pad=8 + 15 * legend_rows
        )
        return finish_figure(fig, source, synthetic)
