"""Charts of finding 2 (and the CCG profile): the spread of targets, target against gap, power."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from qipp.findings.target_gap.calc import GAP, TARGET
from qipp.findings.target_gap.checks import PowerAnalysis
from qipp.plotting.figure import finite_column, house, integer_counts, new_figure, subtitle
from qipp.plotting.style import GREY, NAVY, ORANGE, finish_figure

BIN_WIDTH_PCT = 0.25


def target_distribution(
    panel: pd.DataFrame,
    highlight_code: str | None = None,
    *,
    source: str,
    synthetic: bool = False,
) -> Figure:
    """Histogram of CCG QIPP targets (% of allocation), median marked, one CCG optionally highlighted."""
    values, width = finite_column(panel, TARGET), BIN_WIDTH_PCT
    with house():
        fig, ax = new_figure()
        low = np.floor(values.min() / width) * width
        high = np.ceil(values.max() / width) * width + width
        ax.hist(
            values,
            # The stub allows only a Sequence[float]; hist takes any array of edges.
            bins=np.arange(low, high + width / 2, width),  # type: ignore[arg-type]
            color=NAVY,
            edgecolor="white",
            label=f"{values.size} CCGs",
        )
        median = float(np.median(values))
        ax.axvline(median, color=GREY, linestyle="--", linewidth=1.5, label=f"Median {median:.2f}%")
        if highlight_code is not None:
            match = panel[panel["ccg_code"] == highlight_code]
            if match.empty:
                raise ValueError(f"CCG code {highlight_code!r} not found in column 'ccg_code'")
            row = match.iloc[0]
            name = row["ccg_name"] if "ccg_name" in panel.columns else highlight_code
            label = f"{name} ({highlight_code}) {float(row[TARGET]):.2f}%"
            ax.axvline(float(row[TARGET]), color=ORANGE, linewidth=2.5, label=label)
        ax.set_title(f"QIPP targets of {values.size} CCGs as a share of allocation")
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
    annotation: str | None = None,
) -> Figure:
    """Scatter of target against forecast gap, ``annotation`` (e.g. the verdict) under the title."""
    xs, ys = finite_column(panel, TARGET), finite_column(panel, GAP)
    with house():
        fig, ax = new_figure()
        ax.scatter(xs, ys, s=22, color=NAVY, alpha=0.6, edgecolor="none")
        ax.set_title("QIPP target size and forecast year-end gap")
        ax.set_xlabel("QIPP plan (% of resource allocation)")
        ax.set_ylabel("Forecast year-end gap (% of full-year plan)")
        # Overlapping points on zero would hide how many CCGs forecast no gap at all.
        note = f"{int((ys == 0).sum())} of {ys.size} CCGs forecast no gap (the points on zero)."
        subtitle(ax, f"{annotation} {note}" if annotation else note)
        return finish_figure(fig, source, synthetic)


def detection_rate_chart(
    result: PowerAnalysis, *, source: str, synthetic: bool = False, x: str | None = None
) -> Figure:
    """Simulated detection rate against correlation, with the chosen power and the Fisher-z minimum.

    ``x`` is ``"mean_realised_rho"`` (the test's statistic in the simulated panels, the scale
    of the minimum) or ``"rho_injected"`` (the generator's); by default the realised one where
    every row has it (a small panel can draw constant columns, where it is undefined).
    """
    table = result.detection
    if table is None:
        raise ValueError(f"no simulation to chart: {result.reason}")
    statistic = "Kendall tau" if result.method == "kendall" else "Spearman rho"
    x_labels = {
        "mean_realised_rho": f"{statistic} of the simulated panels (mean)",
        "rho_injected": "Correlation injected into the generator (rho)",
    }
    if x is None:
        usable = np.isfinite(table["mean_realised_rho"].to_numpy(dtype=float)).all()
        x = "mean_realised_rho" if usable else "rho_injected"
    if x not in x_labels:
        raise ValueError(f"x must be one of {', '.join(x_labels)}, got {x!r}")
    rho, rate = finite_column(table, x), 100 * finite_column(table, "detection_rate")
    alpha, power = float(table["alpha"].iloc[0]), result.power or 0.8
    with house():
        fig, ax = new_figure()
        ax.fill_between(
            rho,
            100 * table["rate_ci_low"],
            100 * table["rate_ci_high"],
            color=NAVY,
            alpha=0.15,
            linewidth=0,
            label=f"{100 * (1 - alpha):g}% interval (Wilson)",
        )
        ax.plot(rho, rate, marker="o", color=NAVY, label="Simulated detection rate")
        label = f"{100 * power:g}% power"
        ax.axhline(100 * power, color=GREY, linestyle="--", linewidth=1, label=label)
        if (least := result.min_detectable_abs_r) is not None:
            label = f"Fisher-z minimum detectable |r| = {least:.2f}"
            ax.axvline(least, color=ORANGE, linestyle=":", linewidth=1.5, label=label)
        ax.set_ylim(0, 102)
        ax.set_title(f"How often {result.n_ccgs:,} CCGs would detect a correlation")
        ax.set_xlabel(x_labels[x])
        ax.set_ylabel(f"Panels with p < {alpha:g} (%)")
        ax.legend(loc="lower right")
        return finish_figure(fig, source, synthetic)
