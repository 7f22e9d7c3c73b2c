"""Charts of a CCG panel: the spread of targets, target against gap, and the power to detect a link.

Drawn for notebook 02 and the per-CCG profile from a panel with measures
(:func:`qipp.panel.add_measures`) or a table from
:func:`qipp.stats.detection_rate_by_rho`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from qipp.plotting._figure import finite_column, house, integer_counts, new_figure, subtitle
from qipp.plotting.style import GREY, NAVY, ORANGE, finish_figure


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
    values = finite_column(panel, column)
    with house():
        fig, ax = new_figure()
        low = np.floor(values.min() / bin_width_pct) * bin_width_pct
        high = np.ceil(values.max() / bin_width_pct) * bin_width_pct + bin_width_pct
        ax.hist(
            values,
            # The stub allows only a Sequence[float]; hist takes any array of edges.
            bins=np.arange(low, high + bin_width_pct / 2, bin_width_pct),  # type: ignore[arg-type]
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
        integer_counts(ax.yaxis)
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
    xs, ys = finite_column(panel, x), finite_column(panel, y)
    with house():
        fig, ax = new_figure()
        ax.scatter(xs, ys, s=22, color=NAVY, alpha=0.6, edgecolor="none")
        ax.set_title(title or "QIPP target size and forecast year-end gap")
        ax.set_xlabel("QIPP plan (% of resource allocation)")
        ax.set_ylabel("Forecast year-end gap (% of full-year plan)")
        # Overlapping points on zero would hide how many CCGs forecast no gap at all.
        note = f"{int((ys == 0).sum())} of {ys.size} CCGs forecast no gap (the points on zero)."
        subtitle(ax, f"{annotation} {note}" if annotation else note)
        return finish_figure(fig, source, synthetic)


def detection_rate_chart(
    table: pd.DataFrame,
    *,
    source: str,
    synthetic: bool = False,
    target_power: float = 0.8,
    min_detectable_r: float | None = None,
    x: str | None = None,
    title: str | None = None,
) -> Figure:
    """Detection rate against correlation, from :func:`qipp.stats.detection_rate_by_rho`.

    ``x`` is ``"mean_realised_rho"`` (the Spearman rho the simulated panels
    actually had, the same scale as ``min_detectable_r``) or ``"rho_injected"`` (the
    generator's parameter). By default it is the realised rho where every row has
    one, else the injected rho (a small panel can draw only constant targets or gaps,
    where rho is undefined). Draws the Wilson band when ``rate_ci_low``/``rate_ci_high``
    are present, the target power as a horizontal line and ``min_detectable_r`` as a
    vertical one.
    """
    x_labels = {
        "mean_realised_rho": "Spearman rho of the simulated panels (mean)",
        "rho_injected": "Correlation injected into the generator (rho)",
    }
    if x is None:
        realised = table.get("mean_realised_rho")
        usable = realised is not None and bool(np.isfinite(realised.to_numpy(dtype=float)).all())
        x = "mean_realised_rho" if usable else "rho_injected"
    if x not in x_labels:
        raise ValueError(f"x must be one of {', '.join(x_labels)}, got {x!r}")
    rho = finite_column(table, x)
    rate = 100 * finite_column(table, "detection_rate")
    alpha = float(table["alpha"].iloc[0]) if "alpha" in table.columns else None
    with house():
        fig, ax = new_figure()
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
