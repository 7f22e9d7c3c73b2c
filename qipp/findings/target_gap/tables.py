"""Tables of notebook 02 (target size against forecast gap), for a reader to cite.

Every table goes through :func:`qipp.display.table` or :func:`qipp.display.facts`:
human headers with units, rounded figures, "–" where a figure is undefined,
yes/no for a decision, and a caption naming the source. The result objects of
:mod:`qipp.findings.target_gap.calc` show themselves through these functions.

Examples
--------
>>> spread = {"n_ccgs": 4, "median_target_pct": 2.5, "min_target_pct": 0.5,
...           "min_target_ccg": "A", "max_target_pct": 6.0, "max_target_ccg": "D",
...           "fold_variation": 12.0, "n_zero_targets": 0, "n_under_1pct": 1, "n_over_4pct": 1}
>>> print(spread_table(spread, source="toy.csv"))  # doctest: +NORMALIZE_WHITESPACE
                                   Measure       Value
                                      CCGs           4
     The panel's median target (% of allocation)  2.50
            Smallest target (% of allocation) 0.50 (A)
             Largest target (% of allocation) 6.00 (D)
             Largest / smallest target (fold)     12.0
                        CCGs with a 0% target        0
                   CCGs with a target under 1%       1
                    CCGs with a target over 4%       1
Source: toy.csv; qipp.findings.target_gap.calc.target_summary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from qipp.display import Table, facts, table
from qipp.ledger import cite
from qipp.ledger.wording import as_published, decimals_for
from qipp.stats import format_r, p_value_text, percent_level

if TYPE_CHECKING:
    from qipp.findings.target_gap.calc import PowerAnalysis, TargetGapTests

DECISION_RECORD = "decision 0025"


def _ccgs(n: int) -> str:
    return f"{n:,} CCG{'' if n == 1 else 's'}"


def spread_table(spread: dict[str, Any], *, source: str) -> Table:
    """The spread of targets (:func:`qipp.findings.target_gap.calc.target_summary`) as a table.

    The fold variation reads "undefined" with the reason when a CCG plans nothing.
    """
    zero = int(spread["n_zero_targets"])
    fold = spread["fold_variation"]
    return facts(
        {
            "CCGs": spread["n_ccgs"],
            "The panel's median target (% of allocation)": spread["median_target_pct"],
            "Smallest target (% of allocation)": (
                f"{spread['min_target_pct']:.2f} ({spread['min_target_ccg']})"
            ),
            "Largest target (% of allocation)": (
                f"{spread['max_target_pct']:.2f} ({spread['max_target_ccg']})"
            ),
            "Largest / smallest target (fold)": (
                f"{fold:,.1f}"
                if fold is not None
                else f"undefined: {_ccgs(zero)} plan{'s' if zero == 1 else ''} no savings"
            ),
            "CCGs with a 0% target": zero,
            "CCGs with a target under 1%": spread["n_under_1pct"],
            "CCGs with a target over 4%": spread["n_over_4pct"],
        },
        caption=f"Source: {source}; qipp.findings.target_gap.calc.target_summary.",
    )


def _panel_value(value: float, unit: str, precision: float) -> str | None:
    """The panel's figure to two more decimals than the published one (counts whole)."""
    if pd.isna(value):
        return None
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.{decimals_for(precision) + 2}f}"


def check_table(check: pd.DataFrame, claims: pd.DataFrame, *, source: str) -> Table:
    """The published aggregates beside the panel's own (:func:`qipp.panel.check_panel`).

    Each published figure reads as the article states it (qualifier, unit,
    precision: :func:`qipp.ledger.wording.as_published`); the panel's figure
    shows two more decimals, so that a near miss is visible.

    Parameters
    ----------
    check : pandas.DataFrame
        :func:`qipp.panel.check_panel`'s table.
    claims : pandas.DataFrame
        The ledger (:func:`qipp.ledger.load_claims`), for each claim's unit and precision.
    source : str
        The panel's file, named in the caption.
    """
    rows = check.merge(
        claims[["id", "unit", "precision", "qualifier", "source"]],
        left_on="claim_id",
        right_on="id",
        how="left",
        validate="one_to_one",
    )
    shown = pd.DataFrame(
        {
            "aggregate": rows["aggregate"],
            "published": [
                as_published(v, u, p, q)
                for v, u, p, q in zip(
                    rows["published"],
                    rows["unit"],
                    rows["precision"],
                    rows["qualifier"],
                    strict=True,
                )
            ],
            "panel": [
                _panel_value(v, u, p)
                for v, u, p in zip(rows["panel"], rows["unit"], rows["precision"], strict=True)
            ],
            "rule": rows["rule"],
            "status": rows["status"],
        }
    )
    sources = "; ".join(cite(s) for s in dict.fromkeys(rows["source"].dropna()))
    return table(
        shown,
        labels={
            "aggregate": "Published aggregate",
            "published": "As published",
            "panel": "This panel",
            "rule": "Agreement needed",
            "status": "Status",
        },
        caption=(
            f"Source: the claims ledger (data/claims.csv: {sources}) and {source}; "
            "qipp.panel.check_panel."
        ),
    )


def results_table(tests: TargetGapTests, caption: str | None = None) -> Table:
    """The declared test and its supporting test, one row each, or why one could not run."""
    level = percent_level(tests.alpha)
    rows = []
    spearman, logit = tests.spearman, tests.logit
    rows.append(
        {
            "test": "Spearman's rank correlation of target and forecast gap",
            "role": "primary: decides the verdict",
            "estimate": f"rho {format_r(spearman.rho)}"
            if spearman is not None
            else f"cannot be computed: {tests.spearman_reason}",
            "interval": None
            if spearman is None
            else f"{format_r(spearman.ci_low)} to {format_r(spearman.ci_high)}",
            "p": None if spearman is None else p_value_text(spearman.p_value, tests.alpha),
            "n": None if spearman is None else spearman.n,
            "detected": tests.correlated,
        }
    )
    rows.append(
        {
            "test": "Logistic regression of forecasting any shortfall on target",
            "role": "supporting",
            "estimate": f"odds ratio {logit.odds_ratio:.2f} per point of target"
            + ("" if logit.converged else " (fit did not converge)")
            if logit is not None
            else f"cannot be fitted: {tests.logit_reason}",
            "interval": None if logit is None else f"{logit.ci_low:.2f} to {logit.ci_high:.2f}",
            "p": None if logit is None else p_value_text(logit.p_value, tests.alpha),
            "n": None if logit is None else logit.n,
            "detected": None if logit is None else bool(logit.p_value < tests.alpha),
        }
    )
    where = f"Source: {tests.source}. " if tests.source else ""
    return table(
        pd.DataFrame(rows),
        labels={
            "test": "Test",
            "role": "Role",
            "estimate": "Estimate",
            "interval": f"{percent_level(1 - tests.alpha)} interval",
            "p": "p-value",
            "n": "CCGs",
            "detected": f"Detected at {level}",
        },
        # A test that could not run leaves its count empty, which makes the column float.
        formats={"n": lambda v: f"{int(v):,}"},
        caption=caption
        or (
            f"{where}The rank correlation alone decides the verdict; the regression is "
            f"reported beside it ({DECISION_RECORD}). qipp.findings.target_gap.calc.run_target_gap_tests."
        ),
    )


def power_table(result: PowerAnalysis, caption: str | None = None) -> Table:
    """The simulated detection rate at each injected correlation, or why there is none."""
    if result.detection is None:
        return facts(
            {
                "CCGs in the panel": result.n_ccgs,
                "Smallest detectable |rho|": result.min_detectable_abs_r,
                "Simulation": f"not run: {result.reason}",
            },
            caption=caption or "qipp.findings.target_gap.calc.power_analysis.",
        )
    detection = result.detection
    frame = detection.assign(
        rate_pct=100 * detection["detection_rate"],
        interval=[
            f"{100 * low:.1f} to {100 * high:.1f}"
            for low, high in zip(detection["rate_ci_low"], detection["rate_ci_high"], strict=True)
        ],
    )
    columns = ["rho_injected", "mean_realised_rho", "n_sims", "n_detected", "rate_pct", "interval"]
    if frame["n_undefined"].sum():
        columns.append("n_undefined")
    alpha = float(detection["alpha"].iloc[0])
    return table(
        frame,
        columns=columns,
        labels={
            "rho_injected": "Injected rho",
            "mean_realised_rho": "Realised rho (mean)",
            "n_sims": "Panels simulated",
            "n_detected": "Panels detecting it",
            "rate_pct": "Detection rate (%)",
            "interval": f"{percent_level(1 - alpha)} interval (Wilson, %)",
            "n_undefined": "Panels with rho undefined",
        },
        formats={"rho_injected": ".2f", "mean_realised_rho": ".3f", "rate_pct": ".1f"},
        caption=caption or _power_caption(result, alpha),
    )


def _power_caption(result: PowerAnalysis, alpha: float) -> str:
    size = (
        f"{float(result.detection['n_ccgs'].iloc[0]):,.0f}" if result.detection is not None else ""
    )
    seed = f" (seed {result.seed})" if result.seed is not None else ""
    text = (
        f"Source: simulated panels of {size} CCGs from qipp's calibrated generator{seed}; a "
        f"panel detects the correlation when the rank-correlation test gives p < {alpha:g}."
    )
    if result.min_detectable_abs_r is not None and result.power is not None:
        text += (
            f" Smallest |rho| detectable with {percent_level(result.power)} power (Fisher z): "
            f"{result.min_detectable_abs_r:.3f}."
        )
    return text + " qipp.findings.target_gap.calc.power_analysis."
