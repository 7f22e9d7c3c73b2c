"""How finding 2 is reported: the panel's check, sentences whose words depend on the figures, the record.

>>> from qipp.findings.target_gap.calc import TargetGapTests
>>> untestable = TargetGapTests("spearman", None, "only 3 CCGs", None, "only 3 CCGs", 0.05)
>>> verdict_sentence(untestable)
'Whether target size predicts a forecast shortfall cannot be tested on this panel: only 3 CCGs.'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from qipp.display import ShownAsTable, Table, table
from qipp.findings.target_gap.calc import SYMBOL, TargetGapTests, TargetSpread, on_test_scale
from qipp.findings.target_gap.checks import PerHeadSensitivity, PowerAnalysis
from qipp.ledger import cite, load_claims
from qipp.ledger.wording import as_published, decimals_for
from qipp.panel import check_panel
from qipp.reference.provenance import REGISTER_NAME
from qipp.stats import correlation_verdict, format_p

SYNTHETIC_NOTE = "synthetic data"
# The notebook's parameters, in the order of its parameters cell (a unit test checks both agree).
PARAMETERS = "panel_path method alpha power seed n_sims rho_max rho_step".split()
PARAMETERS += ["findings_path", "tables_path"]


def _panel_value(value: float, unit: str, precision: float) -> str | None:
    """The panel's figure to two more decimals than the published one (counts whole)."""
    if pd.isna(value):
        return None
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.{decimals_for(precision) + 2}f}"


@dataclass(frozen=True, eq=False)
class PanelCheck(ShownAsTable):
    """:func:`qipp.panel.check_panel`'s table (``frame``) shown with the ledger's wording."""

    frame: pd.DataFrame
    claims: pd.DataFrame
    source: str

    def as_table(self, caption: str | None = None) -> Table:
        """Each published aggregate as published, the panel's figure, the rule and the status."""
        claims = self.claims[["id", "unit", "precision", "qualifier", "source"]]
        rows = self.frame.merge(claims, left_on="claim_id", right_on="id", how="left")
        published = rows[["published", "unit", "precision", "qualifier"]].itertuples(index=False)
        shown = pd.DataFrame(
            {
                "Published aggregate": rows["aggregate"],
                "As published": [as_published(*row) for row in published],
                "This panel": [
                    _panel_value(*row) for row in rows[["panel", "unit", "precision"]].to_numpy()
                ],
                "Agreement needed": rows["rule"],
                "Status": rows["status"],
            }
        )
        sources = "; ".join(cite(s) for s in dict.fromkeys(rows["source"].dropna()))
        return table(
            shown,
            caption=caption
            or f"Source: the claims ledger (data/claims.csv: {sources}) and {self.source}; "
            "each held to the agreement shown beside it.",
            title="The panel against every published aggregate it can be checked on",
        )


def check_against_claims(panel: pd.DataFrame, source: str) -> PanelCheck:
    """Every CCG-level aggregate the articles publish beside the panel's own value."""
    return PanelCheck(check_panel(panel), load_claims(), source)


def verdict_sentence(tests: TargetGapTests) -> str:
    """The verdict: the primary test's sentence, inconclusive when it could miss a moderate correlation."""
    if tests.correlation is None:
        return (
            "Whether target size predicts a forecast shortfall cannot be tested on this "
            f"panel: {tests.correlation_reason}."
        )
    text = correlation_verdict(tests.correlation, tests.alpha)
    if tests.could_miss is None:
        return text
    return (
        f"{text} Inconclusive: it could miss a correlation below {tests.could_miss:.2f}, as the "
        f"smallest |{SYMBOL[tests.method]}| that {tests.correlation.n} CCGs detect with "
        f"{tests.power:.0%} power is above a moderate {tests.moderate:.2f}."
    )


def supporting_sentence(tests: TargetGapTests) -> str:
    """One sentence on the supporting logistic regression, or why it could not be fitted."""
    if tests.logit is None:
        return f"The supporting logistic regression cannot be fitted: {tests.logit_reason}."
    logit = tests.logit
    text = (
        f"Supporting test, a logistic regression of forecasting any shortfall: odds ratio "
        f"{logit.odds_ratio:.2f} per point of target, {format_p(logit.p_value, tests.alpha)}"
    )
    if not logit.converged:
        text += " (the fit did not converge, so treat it as unreliable)"
    if tests.supporting_agrees is False:
        text += (
            "; it disagrees with the primary rank correlation, which decides the verdict "
            "under the declared rule"
        )
    return text + "."


def verdict_paragraph(tests: TargetGapTests, bold: bool = True) -> str:
    """The verdict (bold in Markdown) and, when the primary test ran, the supporting test after it."""
    text = f"**{verdict_sentence(tests)}**" if bold else verdict_sentence(tests)
    return text if tests.correlation is None else f"{text} {supporting_sentence(tests)}"


def power_sentence(result: PowerAnalysis, alpha: float) -> str:
    """What the panel's size can detect, in one sentence, or why nothing can be said."""
    if result.min_detectable_abs_r is None:
        return f"No power figure for this panel: {result.reason}."
    return (
        f"Smallest |{SYMBOL[result.method]}| detectable with {result.power:.0%} power at "
        f"alpha = {alpha:g}, n = {result.n_ccgs}: {result.min_detectable_abs_r:.3f}."
    )


def realised_rho_sentence(result: PowerAnalysis) -> str | None:
    """How the simulated panels' own rank correlation stands to the largest injected one, or None.

    >>> table = pd.DataFrame({"rho_injected": [0.0, 0.5], "mean_realised_rho": [0.01, 0.388]})
    >>> print(realised_rho_sentence(PowerAnalysis(143, 0.23, table, None)))
    At an injected rho of 0.50 the simulated panels' own rank correlation averages 0.388: lower, as ties at a zero gap damp a rank correlation.
    """
    if (detection := result.detection) is None:
        return None
    rows = detection[detection["rho_injected"] > 0].dropna(subset=["mean_realised_rho"])
    if rows.empty:
        return None
    injected, realised = rows[["rho_injected", "mean_realised_rho"]].iloc[-1].astype(float)
    expected = on_test_scale(injected, result.method)
    relation = (
        "lower, as ties at a zero gap damp a rank correlation"
        if realised < expected
        else "no lower than the injected value"
    )
    scale = f" ({SYMBOL[result.method]} {expected:.2f})" if result.method != "spearman" else ""
    return (
        f"At an injected rho of {injected:.2f}{scale} the simulated panels' own rank "
        f"correlation averages {realised:.3f}: {relation}."
    )


def per_head_sentence(sensitivity: PerHeadSensitivity, tests: TargetGapTests) -> str:
    """The sensitivity check with target per head, and how it stands to the primary test."""
    if sensitivity.correlation is None:
        return (
            "The sensitivity check with target in pounds per registered patient cannot be "
            f"computed on this panel: {sensitivity.reason}."
        )
    n, total = sensitivity.n_in_register, sensitivity.n_ccgs
    over = (
        f"the panel's {total} CCGs, all in the {REGISTER_NAME}"
        if n == total
        else f"the {n} of the panel's {total} CCGs that are in the {REGISTER_NAME}"
    )
    text = (
        f"Sensitivity check, target in pounds per registered patient, over {over}. "
        f"{correlation_verdict(sensitivity.correlation, sensitivity.alpha)}"
    )
    agrees = sensitivity.agrees_with(tests)
    if agrees is None:
        return (
            f"{text} The primary test cannot be run on this panel, and this check does not "
            "stand in for it."
        )
    if agrees:
        return f"{text} It reaches the same conclusion as the primary test."
    return (
        f"{text} It differs from the primary test, which alone decides the verdict "
        "under the declared rule."
    )


# --- The findings record: every figure, or null with a note saying why.


def reproduced_state(tests: TargetGapTests, synthetic: bool) -> tuple[bool | None, str | None]:
    """Whether HSJ's "no correlation" is reproduced, or None with the reason."""
    if synthetic:
        return None, SYNTHETIC_NOTE
    if tests.correlated is None:
        return None, f"cannot be tested: {tests.correlation_reason}"
    if tests.could_miss is not None:
        return None, f"inconclusive: could miss a correlation below {tests.could_miss:.2f}"
    return not tests.correlated, None


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


def _figures(prefix: str, result: Any, method: str) -> dict[str, Any]:
    """``<prefix><method>_<rho|tau>``, ``_p`` and ``_ci`` of a rank correlation, None when it is."""
    name = f"{prefix}{method}"
    return {
        f"{name}_{SYMBOL[method]}": _rounded(None if result is None else result.rho),
        f"{name}_p": _rounded(None if result is None else result.p_value),
        f"{name}_ci": None
        if result is None
        else [round(result.ci_low, 4), round(result.ci_high, 4)],
    }


def _notes(
    spread: TargetSpread, tests: TargetGapTests, power: PowerAnalysis, per_head: PerHeadSensitivity
) -> list[str]:
    def null(fields: Any, reason: Any) -> str:
        return f"{', '.join(fields)}: null because {reason}."

    notes = []
    if tests.correlation is None:
        notes.append(
            null([*_figures("", None, tests.method), "correlated"], tests.correlation_reason)
        )
    if tests.logit is None:
        notes.append(null(["logit_coef", "logit_p", "logit_odds_ratio"], tests.logit_reason))
    elif not tests.logit.converged:
        notes.append("logit: the fit did not converge; its estimates are unreliable.")
    if spread.fold_variation is None:
        count = spread.n_zero_targets
        reason = f"{count} CCG{'' if count == 1 else 's'} plan no savings (a 0% target), so largest / smallest is undefined"
        notes.append(null(["fold_variation"], reason))
    if power.reason is not None:
        notes.append(null(["min_detectable_abs_r", "detection_rate"], power.reason))
    elif power.detection is not None and power.detection["n_undefined"].sum():
        undefined = int(power.detection["n_undefined"].sum())
        notes.append(
            f"detection_rate: {undefined} simulated panels had a constant target or "
            f"gap, where {SYMBOL[tests.method]} is undefined; they count as not detected."
        )
    if per_head.correlation is None:
        fields = [*_figures("per_head_", None, tests.method), "per_head_correlated"]
        notes.append(null(fields, per_head.reason))
    return notes


def findings(
    spread: TargetSpread,
    tests: TargetGapTests,
    power: PowerAnalysis,
    per_head: PerHeadSensitivity,
    *,
    synthetic: bool,
    parameters: Mapping[str, Any],
) -> dict[str, Any]:
    """The whole record of notebook 02, keywords for :func:`qipp.findings.record.write_findings`.

    Statistic keys are named by the test (``spearman_rho`` or ``kendall_tau``); so is ``method``.
    """
    if list(parameters) != PARAMETERS:
        raise KeyError(f"parameters must be {', '.join(PARAMETERS)}, got {', '.join(parameters)}")
    reproduced, note = reproduced_state(tests, synthetic)
    logit, detection = tests.logit, power.detection
    return {
        "notebook": "02_target_size_vs_gap",
        "parameters": dict(parameters),
        "verdict": verdict_paragraph(tests, bold=False),
        "reproduced": reproduced,
        "reproduced_note": note,
        "notes": _notes(spread, tests, power, per_head),
        "n_ccgs": spread.n_ccgs,
        "synthetic": synthetic,
        "method": tests.method,
        "deciding_test": tests.deciding_test,
        "correlated": tests.correlated,
        **_figures("", tests.correlation, tests.method),
        "logit_coef": _rounded(None if logit is None else logit.coef),
        "logit_p": _rounded(None if logit is None else logit.p_value),
        "logit_odds_ratio": _rounded(None if logit is None else logit.odds_ratio),
        "power_n": power.n_ccgs,
        "min_detectable_abs_r": _rounded(power.min_detectable_abs_r),
        "detection_rate": None
        if detection is None
        else {
            f"{r:g}": round(v, 3)
            for r, v in zip(detection["rho_injected"], detection["detection_rate"], strict=True)
        },
        "median_target_pct": round(spread.median_target_pct, 2),
        "fold_variation": _rounded(spread.fold_variation, 1),
        "per_head_n": per_head.n_in_register,
        **_figures("per_head_", per_head.correlation, tests.method),
        "per_head_correlated": per_head.correlated,
    }
