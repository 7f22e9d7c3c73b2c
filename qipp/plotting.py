"""House style for qipp charts: one look, a source line, and a synthetic-data banner.

Every chart helper returns a :class:`matplotlib.figure.Figure` of fixed size and
resolution (so PNGs embedded in the HTML reports are stable), titled, with
axes labelled in their units and a grey source line underneath. A chart drawn
from synthetic data carries a red "SYNTHETIC DATA" banner on the figure itself
and says so in its source line. Nothing here calls ``plt.show``; in a notebook
the inline backend shows a figure at the end of its cell.

Helpers draw under the house rcParams whether or not :func:`apply_house_style`
was called, and nothing is random, so the same inputs give the same picture.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> fig = bar_compare(["CCGs", "NHS England"], [4.0, 12.9], unit="Forecast shortfall (% of plan)",
...                   title="Forecast QIPP shortfall, Q1 2013-14",
...                   source='HSJ, NHS England internal NISFE report, Q1 2013-14')
>>> [t.get_text() for t in fig.texts]
['Source: HSJ, NHS England internal NISFE report, Q1 2013-14']
>>> plt.close(fig)
"""

from __future__ import annotations

import contextlib
import html
import textwrap
from collections.abc import Iterable, Iterator, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.text import Text

from qipp.stats import cumulative_share

FIGSIZE_IN: tuple[float, float] = (8.0, 4.5)
DPI: int = 100

NAVY, ORANGE, GREY, RED, GREEN, AMBER = (
    "#1f4e79",
    "#c55a11",
    "#6e6e6e",
    "#b2182b",
    "#3c7d3c",
    "#d9a21b",
)
PALETTE: tuple[str, ...] = (NAVY, ORANGE, GREEN, AMBER, "#7030a0", GREY)

SYNTHETIC_SUFFIX = " | SYNTHETIC DATA (calibrated to published aggregates, not real CCG returns)"
BANNER_TEXT = "SYNTHETIC DATA: invented CCGs calibrated to published totals, not real returns"
SOURCE_GID, BANNER_GID = "qipp-source-line", "qipp-synthetic-banner"
_SOURCE_PT, _BANNER_PT = 7.5, 9.0

_HOUSE_RC: dict[str, object] = {
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


def apply_house_style() -> None:
    """Set the seaborn theme and qipp's rcParams globally (idempotent).

    Notebooks call this once so their own ad-hoc charts match the helpers'. In a
    Jupyter kernel it also registers the PNG display of figures, since the chart
    helpers build figures outside pyplot (so each shows once, as the cell's value).
    """
    sns.set_theme(style="whitegrid", context="notebook", palette=list(PALETTE), rc=_HOUSE_RC)
    _enable_notebook_display()


def _enable_notebook_display() -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to display to
        return
    if get_ipython() is None:
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("png")


@contextlib.contextmanager
def _house() -> Iterator[None]:
    """Draw under the house style without touching the caller's global settings."""
    with sns.axes_style("whitegrid"), plt.rc_context(_HOUSE_RC):
        yield


def _source_text(source: str, synthetic: bool) -> str:
    text = source if source.startswith("Source:") else f"Source: {source}"
    return text + (SYNTHETIC_SUFFIX if synthetic else "")


def _replace_text(fig: Figure, gid: str) -> None:
    for text in [t for t in fig.texts if t.get_gid() == gid]:
        text.remove()


def source_line(fig: Figure, source: str, synthetic: bool = False) -> Text:
    """Write a small grey source line at the foot of ``fig`` (replacing any earlier one).

    Parameters
    ----------
    fig : Figure
    source : str
        The citation, e.g. ``'HSJ, "Exclusive: ...", Q1 2013-14'``; "Source: " is prefixed.
    synthetic : bool
        Append the synthetic-data notice.

    Returns
    -------
    Text
        The line, wrapped to the figure's width. Leave room for it at the
        bottom, or use :func:`finish_figure`, which does.
    """
    _replace_text(fig, SOURCE_GID)
    # About 0.55 em per character in DejaVu Sans at this size.
    width_chars = int(fig.get_figwidth() * 72 / (_SOURCE_PT * 0.55))
    wrapped = textwrap.fill(_source_text(source, synthetic), width=width_chars)
    return fig.text(
        0.01, 0.01, wrapped, ha="left", va="bottom", fontsize=_SOURCE_PT, color=GREY, gid=SOURCE_GID
    )


def synthetic_banner(fig: Figure) -> Text:
    """Put a red "SYNTHETIC DATA" banner across the top of ``fig`` (once).

    Returns
    -------
    Text
        The banner. Leave room for it at the top, or use :func:`finish_figure`.
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

    Use on a notebook's own figure to give it the house furniture.
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

    Show it with ``IPython.display.display(IPython.display.HTML(synthetic_banner_html()))``.

    Examples
    --------
    >>> "SYNTHETIC DATA" in synthetic_banner_html() and "<link" not in synthetic_banner_html()
    True
    """
    style = (
        f"background:{RED};color:#ffffff;font-weight:bold;padding:0.6em 1em;"
        "margin:0.5em 0;border-radius:3px;font-family:sans-serif"
    )
    return f'<div class="qipp-synthetic-banner" role="note" style="{style}">{html.escape(detail)}</div>'


def synthetic_banner_markdown(detail: str = BANNER_TEXT) -> str:
    """The banner as Markdown, for ``IPython.display.Markdown`` or a printed report.

    Examples
    --------
    >>> synthetic_banner_markdown().splitlines()[0]
    '> **SYNTHETIC DATA: invented CCGs calibrated to published totals, not real returns**'
    """
    return (
        f"> **{detail}**\n>\n> Every figure below is computed from a synthetic panel; "
        "it shows what the method does, not what CCGs reported."
    )


def _new_figure(figsize: tuple[float, float] = FIGSIZE_IN):
    # A Figure outside pyplot's registry: the notebook shows it once, as the cell's
    # value, and no figure lingers open for the next notebook in a reused kernel.
    fig = Figure(figsize=figsize, dpi=DPI)
    return fig, fig.subplots()


def _subtitle(ax, text: str) -> None:
    """Write ``text`` between the title and the axes, so it never covers data."""
    wrapped = textwrap.fill(text, width=int(ax.figure.get_figwidth() * 72 / (9 * 0.6)))
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


def _finite_column(frame: pd.DataFrame, column: str) -> np.ndarray:
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


def target_distribution(
    panel: pd.DataFrame,
    highlight_code: str | None = None,
    *,
    source: str,
    synthetic: bool = False,
    column: str = "plan_pct_of_allocation",
    code_column: str = "ccg_code",
    name_column: str = "ccg_name",
    bin_width_pct: float = 0.25,
    title: str | None = None,
) -> Figure:
    """Histogram of CCG QIPP targets (% of allocation), median marked, one CCG optionally highlighted.

    Raises
    ------
    ValueError
        ``highlight_code`` is not in ``code_column``, or the targets have missing values.
    """
    values = _finite_column(panel, column)
    with _house():
        fig, ax = _new_figure()
        low = np.floor(values.min() / bin_width_pct) * bin_width_pct
        high = np.ceil(values.max() / bin_width_pct) * bin_width_pct + bin_width_pct
        ax.hist(
            values,
            bins=np.arange(low, high + bin_width_pct / 2, bin_width_pct),
            color=NAVY,
            edgecolor="white",
            label=f"{values.size} CCGs",
        )
        median = float(np.median(values))
        ax.axvline(median, color=GREY, linestyle="--", linewidth=1.5, label=f"Median {median:.2f}%")
        if highlight_code is not None:
            match = panel[panel[code_column] == highlight_code]
            if match.empty:
                raise ValueError(f"CCG code {highlight_code!r} not found in column {code_column!r}")
            row = match.iloc[0]
            name = row[name_column] if name_column in panel.columns else highlight_code
            ax.axvline(
                float(row[column]),
                color=ORANGE,
                linewidth=2.5,
                label=f"{name} ({highlight_code}) {float(row[column]):.2f}%",
            )
        ax.set_title(title or f"QIPP targets of {values.size} CCGs as a share of allocation")
        ax.set_xlabel("QIPP plan (% of resource allocation)")
        ax.set_ylabel("CCGs (count)")
        ax.legend(loc="upper right")
        return finish_figure(fig, source, synthetic)


def target_vs_gap_scatter(
    panel: pd.DataFrame,
    *,
    source: str,
    synthetic: bool = False,
    x: str = "plan_pct_of_allocation",
    y: str = "forecast_gap_pct",
    annotation: str | None = None,
    title: str | None = None,
) -> Figure:
    """Scatter of target size against forecast year-end gap, one point per CCG.

    ``annotation`` (e.g. the sentence from :func:`qipp.stats.correlation_verdict`) is
    written under the title with the count of CCGs forecasting no gap.
    """
    xs, ys = _finite_column(panel, x), _finite_column(panel, y)
    with _house():
        fig, ax = _new_figure()
        ax.scatter(xs, ys, s=22, color=NAVY, alpha=0.6, edgecolor="none")
        ax.set_title(title or "QIPP target size and forecast year-end gap")
        ax.set_xlabel("QIPP plan (% of resource allocation)")
        ax.set_ylabel("Forecast year-end gap (% of full-year plan)")
        # Overlapping points on zero would hide how many CCGs forecast no gap at all.
        note = f"{int((ys == 0).sum())} of {ys.size} CCGs forecast no gap (the points on zero)."
        _subtitle(ax, f"{annotation} {note}" if annotation else note)
        return finish_figure(fig, source, synthetic)


def detection_rate_chart(
    table: pd.DataFrame,
    *,
    source: str,
    synthetic: bool = False,
    target_power: float = 0.8,
    min_detectable_r: float | None = None,
    x: str = "mean_realised_rho",
    title: str | None = None,
) -> Figure:
    """Detection rate against correlation, from :func:`qipp.stats.detection_rate_by_rho`.

    ``x`` is ``"mean_realised_rho"`` (default: the Spearman rho the simulated panels
    actually had, the same scale as ``min_detectable_r``) or ``"rho_injected"`` (the
    generator's parameter). Draws the Wilson band when ``rate_ci_low``/``rate_ci_high``
    are present, the target power as a horizontal line and ``min_detectable_r`` as a
    vertical one.
    """
    x_labels = {
        "mean_realised_rho": "Spearman rho of the simulated panels (mean)",
        "rho_injected": "Correlation injected into the generator (rho)",
    }
    if x not in x_labels:
        raise ValueError(f"x must be one of {', '.join(x_labels)}, got {x!r}")
    rho = _finite_column(table, x)
    rate = 100 * _finite_column(table, "detection_rate")
    alpha = float(table["alpha"].iloc[0]) if "alpha" in table.columns else None
    with _house():
        fig, ax = _new_figure()
        if {"rate_ci_low", "rate_ci_high"} <= set(table.columns):
            level = f"{100 * (1 - alpha):g}% " if alpha is not None else ""
            ax.fill_between(
                rho,
                100 * table["rate_ci_low"],
                100 * table["rate_ci_high"],
                color=NAVY,
                alpha=0.15,
                linewidth=0,
                label=f"{level}interval (Wilson)",
            )
        ax.plot(rho, rate, marker="o", color=NAVY, label="Simulated detection rate")
        ax.axhline(
            100 * target_power,
            color=GREY,
            linestyle="--",
            linewidth=1,
            label=f"{100 * target_power:g}% power",
        )
        if min_detectable_r is not None:
            ax.axvline(
                min_detectable_r,
                color=ORANGE,
                linestyle=":",
                linewidth=1.5,
                label=f"Fisher-z minimum detectable |r| = {min_detectable_r:.2f}",
            )
        ax.set_ylim(0, 102)
        n_text = f"{table['n_ccgs'].iloc[0]:g} CCGs" if "n_ccgs" in table.columns else "the panel"
        ax.set_title(title or f"How often {n_text} would detect a correlation")
        ax.set_xlabel(x_labels[x])
        ax.set_ylabel(
            f"Panels with p < {alpha:g} (%)" if alpha is not None else "Panels with p < alpha (%)"
        )
        ax.legend(loc="lower right")
        return finish_figure(fig, source, synthetic)


def annual_profile_chart(
    years: Sequence[str],
    values_gbp_bn: Sequence[float],
    *,
    source: str,
    synthetic: bool = False,
    title: str | None = None,
) -> Figure:
    """Bars of savings per financial year (£bn) with the cumulative share of the total as a line."""
    values = np.asarray(values_gbp_bn, dtype=float)
    if len(years) != values.size:
        raise ValueError(f"{len(years)} years but {values.size} values")
    share_pct = 100 * cumulative_share(values).to_numpy()
    labels = [str(y) for y in years]
    with _house():
        fig, ax = _new_figure()
        bars = ax.bar(labels, values, color=NAVY, label="Savings in the year (£bn)")
        ax.bar_label(bars, labels=[f"£{v:.1f}bn" for v in values], padding=2, fontsize=9)
        twin = ax.twinx()
        twin.plot(
            labels, share_pct, color=ORANGE, marker="o", label="Cumulative share of total (%)"
        )
        twin.set_ylim(0, 110)
        twin.grid(False)
        twin.spines["right"].set_visible(True)
        ax.set_ylim(0, values.max() * 1.2)
        ax.set_title(title or f"Savings by year: £{values.sum():.1f}bn in total")
        ax.set_xlabel("Financial year")
        ax.set_ylabel("Savings (£bn)")
        twin.set_ylabel("Cumulative share of total (%)")
        handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
        # Above the axes: falling bars and a rising line leave no free corner inside.
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2)
        ax.set_title(ax.get_title(loc="left"), pad=26)
        return finish_figure(fig, source, synthetic)


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

    Quarters and organisations keep their order of first appearance; a missing
    combination draws no bar.

    Raises
    ------
    ValueError
        A (quarter, organisation) pair appears twice.
    """
    for column in (quarter_column, group_column):
        if column not in table.columns:
            raise KeyError(f"column {column!r} not in table")
    _finite_column(table, value_column)
    if table.duplicated([quarter_column, group_column]).any():
        raise ValueError(f"each ({quarter_column}, {group_column}) pair must appear once")
    quarters = list(pd.unique(table[quarter_column]))
    groups = list(pd.unique(table[group_column]))
    wide = table.pivot(index=quarter_column, columns=group_column, values=value_column).loc[
        quarters, groups
    ]
    width = 0.8 / len(groups)
    with _house():
        fig, ax = _new_figure()
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
    """Stacked horizontal bars: claims per source (rows) split by status (columns).

    Colours follow the status words (reproduced green, approximate amber, not
    reproduced red) unless ``colours`` maps a status to a colour.
    """
    counts = counts_by_source_status.fillna(0)
    if counts.empty:
        raise ValueError("the scorecard has no rows")
    height = max(3.2, 1.8 + 0.45 * len(counts))
    with _house():
        fig, ax = _new_figure((FIGSIZE_IN[0], height))
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
    with _house():
        fig, ax = _new_figure()
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
