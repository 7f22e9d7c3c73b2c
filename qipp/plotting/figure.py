"""What every chart shares: the house context, a new figure, a subtitle, count ticks, a checked column."""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Iterator

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from qipp.plotting.style import _HOUSE_RC, DPI, FIGSIZE_IN


@contextlib.contextmanager
def house() -> Iterator[None]:
    """Draw under the house style without touching the caller's global settings."""
    with sns.axes_style("whitegrid"), plt.rc_context(_HOUSE_RC):
        yield


def new_figure(figsize: tuple[float, float] = FIGSIZE_IN) -> tuple[Figure, Axes]:
    """A pyplot figure of the house size and resolution, with one set of axes; close it if not shown."""
    # pyplot's, so plt.show() shows and closes it: none lingers into a reused kernel.
    fig = plt.figure(figsize=figsize, dpi=DPI)
    return fig, fig.subplots()


def subtitle(ax: Axes, text: str) -> None:
    """Write ``text`` between the title and the axes, so it never covers data."""
    fig = ax.get_figure(root=True)
    if fig is None:
        raise ValueError("the axes belong to no figure")
    wrapped = textwrap.fill(text, width=int(fig.get_figwidth() * 72 / (9 * 0.6)))
    ax.text(
        0.0,
        1.02,
        wrapped,
        transform=ax.transAxes,
        ha="left",
        va="bottom",
        fontsize=9,
        color="#333333",
    )
    ax.set_title(ax.get_title(loc="left"), pad=10 + 12 * (wrapped.count("\n") + 1))


def integer_counts(axis: Axis) -> None:
    """Put ticks on whole numbers only: a count of CCGs is never 2.5."""
    axis.set_major_locator(MaxNLocator(integer=True))


def finite_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    """``frame[column]`` as floats; KeyError when it is missing, ValueError when not all finite."""
    if column not in frame.columns:
        raise KeyError(
            f"column {column!r} not in frame (columns: {', '.join(map(str, frame.columns))})"
        )
    values = frame[column].to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise ValueError(
            f"column {column!r} has {int((~np.isfinite(values)).sum())} missing value(s)"
        )
    return values
