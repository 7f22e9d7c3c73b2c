"""Sentences about the target-size test (notebook 02), kept apart from the calculations.

Every sentence is built from a result object of :mod:`qipp.findings.target_gap.calc`,
so the words can never disagree with the numbers beside them.

Examples
--------
>>> from qipp.findings.target_gap.calc import TargetGapTests
>>> untestable = TargetGapTests(None, "every CCG has the same target (2.00% of allocation)",
...                             None, "every CCG has the same target (2.00% of allocation)", 0.05)
>>> verdict_sentence(untestable)
'Whether target size predicts a forecast shortfall cannot be tested on this panel: every CCG has the same target (2.00% of allocation).'
"""

from __future__ import annotations

from qipp.findings.target_gap.calc import PowerAnalysis, TargetGapTests
from qipp.findings.target_gap.per_head import PerHeadSensitivity
from qipp.reference.provenance import REGISTER_NAME
from qipp.stats import _format_p, correlation_verdict

DECISION_RECORD = "docs/decisions/0025"
PER_HEAD_RECORD = "docs/decisions/0031"


def untestable_sentence(reason: str) -> str:
    """The verdict when the primary test is undefined on the panel."""
    return (
        "Whether target size predicts a forecast shortfall cannot be tested on this "
        f"panel: {reason}."
    )


def supporting_sentence(tests: TargetGapTests) -> str:
    """One sentence on the supporting logistic regression, or why it could not be fitted.

    >>> from qipp.findings.target_gap.calc import TargetGapTests
    >>> supporting_sentence(TargetGapTests(None, "x", None, "no CCG forecasts a shortfall, "
    ...                                    "so there is no contrast to model", 0.05))
    'The supporting logistic regression cannot be fitted: no CCG forecasts a shortfall, so there is no contrast to model.'
    """
    if tests.logit is None:
        return f"The supporting logistic regression cannot be fitted: {tests.logit_reason}."
    logit = tests.logit
    text = (
        f"Supporting test, a logistic regression of forecasting any shortfall: odds ratio "
        f"{logit.odds_ratio:.2f} per point of target, {_format_p(logit.p_value, tests.alpha)}"
    )
    if not logit.converged:
        text += " (the fit did not converge, so treat it as unreliable)"
    if tests.supporting_agrees is False:
        text += (
            f"; it disagrees with the primary rank correlation, which decides the verdict "
            f"({DECISION_RECORD})"
        )
    return text + "."


def verdict_sentence(tests: TargetGapTests) -> str:
    """The verdict: the primary test's sentence, or why the finding cannot be tested."""
    if tests.spearman is None:
        return untestable_sentence(str(tests.spearman_reason))
    return correlation_verdict(tests.spearman, tests.alpha)


def full_verdict(tests: TargetGapTests) -> str:
    """The verdict and, when the primary test ran, the supporting test's sentence after it.

    >>> from qipp.findings.target_gap.calc import TargetGapTests
    >>> full_verdict(TargetGapTests(None, "only 3 CCGs", None, "only 3 CCGs", 0.05))
    'Whether target size predicts a forecast shortfall cannot be tested on this panel: only 3 CCGs.'
    """
    verdict = verdict_sentence(tests)
    return verdict if tests.spearman is None else f"{verdict} {supporting_sentence(tests)}"


def verdict_paragraph(tests: TargetGapTests, synthetic: bool) -> str:
    """The verdict as the notebook shows it: in bold, the supporting test after it (Markdown).

    On a synthetic panel it says that the result only illustrates the method.

    >>> from qipp.findings.target_gap.calc import TargetGapTests
    >>> print(verdict_paragraph(TargetGapTests(None, "only 3 CCGs", None, "x", 0.05), True))
    **Whether target size predicts a forecast shortfall cannot be tested on this panel: only 3 CCGs.** *(Synthetic panel: illustrates the method only.)*
    """
    text = f"**{verdict_sentence(tests)}**"
    if tests.spearman is not None:
        text += f" {supporting_sentence(tests)}"
    return text + (" *(Synthetic panel: illustrates the method only.)*" if synthetic else "")


def realised_rho_sentence(result: PowerAnalysis) -> str | None:
    """How the simulated panels' own rank correlation stands to the injected one, or None.

    Ties damp a rank correlation, and most CCGs tie at a zero gap, so the panels'
    realised rho usually falls short of the generator's; the sentence says by
    how much at the largest injected value, from the simulation itself.

    >>> import pandas as pd
    >>> table = pd.DataFrame({"rho_injected": [0.0, 0.5], "mean_realised_rho": [0.01, 0.388]})
    >>> print(realised_rho_sentence(PowerAnalysis(143, 0.23, table, None)))
    At an injected rho of 0.50 the simulated panels' own rank correlation averages 0.388: lower, as ties at a zero gap damp a rank correlation.
    """
    detection = result.detection
    if detection is None:
        return None
    rows = detection[detection["rho_injected"] > 0].dropna(subset=["mean_realised_rho"])
    if rows.empty:
        return None
    last = rows.iloc[-1]
    injected, realised = float(last["rho_injected"]), float(last["mean_realised_rho"])
    if realised < injected:
        relation = "lower, as ties at a zero gap damp a rank correlation"
    else:
        relation = "no lower than the injected value"
    return (
        f"At an injected rho of {injected:.2f} the simulated panels' own rank correlation "
        f"averages {realised:.3f}: {relation}."
    )


def null_note(fields: str, reason: str) -> str:
    """A findings note saying which figures are null and why.

    >>> null_note("fold_variation", "a CCG plans no savings")
    'fold_variation: null because a CCG plans no savings.'
    """
    return f"{fields}: null because {reason}."


def power_sentence(result: PowerAnalysis, alpha: float, power: float) -> str:
    """What the panel's size can detect, in one sentence.

    >>> print(power_sentence(PowerAnalysis(3, None, None, "only 3 CCGs: the power of a rank "
    ...       "correlation test needs at least 4"), 0.05, 0.8))
    No power figure for this panel: only 3 CCGs: the power of a rank correlation test needs at least 4.
    """
    if result.min_detectable_abs_r is None:
        return f"No power figure for this panel: {result.reason}."
    return (
        f"Smallest |rho| detectable with {power:.0%} power at alpha = {alpha:g}, "
        f"n = {result.n_ccgs}: {result.min_detectable_abs_r:.3f}."
    )


def per_head_sentence(sensitivity: PerHeadSensitivity, tests: TargetGapTests) -> str:
    """The sensitivity check with target per head, and how it stands to the primary test.

    It never overturns the verdict (decision 0031), and says so when it disagrees.

    >>> from qipp.findings.target_gap.calc import TargetGapTests
    >>> from qipp.findings.target_gap.per_head import PerHeadSensitivity
    >>> print(per_head_sentence(PerHeadSensitivity(None, "only 2 of the panel's 143 CCGs are "
    ...       "in the register", 2, 143, 0.05), TargetGapTests(None, "x", None, "y", 0.05)))
    The sensitivity check with target in pounds per registered patient cannot be computed on this panel: only 2 of the panel's 143 CCGs are in the register.
    """
    if sensitivity.spearman is None:
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
        f"{correlation_verdict(sensitivity.spearman, sensitivity.alpha)}"
    )
    agrees = sensitivity.agrees_with(tests)
    if agrees is None:
        return (
            f"{text} The primary test cannot be run on this panel, and this check does not "
            f"stand in for it ({PER_HEAD_RECORD})."
        )
    if agrees:
        return f"{text} It reaches the same conclusion as the primary test."
    return (
        f"{text} It differs from the primary test, which alone decides the verdict "
        f"({PER_HEAD_RECORD})."
    )
