"""The findings record of notebook 02: every figure, or null with the reason.

One function builds the record so that the notebook's last cell is one call
and the JSON can never hold a NaN, an infinity, or a verdict the data cannot
support (decision 0025):

- ``reproduced`` is None with ``reproduced_note`` "synthetic data" on a synthetic
  panel, and "cannot be tested: ..." when the primary test is undefined;
- ``deciding_test`` names the test that decided (``"spearman"``) or is None;
- ``power_n`` is the number of CCGs the power figures describe, the panel's own;
- ``per_head_*`` are the sensitivity check with target per head (decision 0031),
  reported beside the verdict and never part of it; ``per_head_n`` counts the
  CCGs of the panel in the register, the only ones it can use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qipp.findings.target_gap.calc import PowerAnalysis, TargetGapTests
from qipp.findings.target_gap.per_head import PerHeadSensitivity
from qipp.findings.target_gap.text import full_verdict, null_note

SYNTHETIC_NOTE = "synthetic data"
NOTEBOOK = "02_target_size_vs_gap"
# The notebook's parameters, in the order of its parameters cell (a unit test checks both agree).
PARAMETERS = (
    "panel_path",
    "alpha",
    "power",
    "seed",
    "n_sims",
    "rho_max",
    "rho_step",
    "findings_path",
)


def run_parameters(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The values the notebook ran with, picked from its namespace by :data:`PARAMETERS`.

    >>> run_parameters({"panel_path": "", "alpha": 0.05, "power": 0.8, "seed": 1, "n_sims": 2,
    ...                 "rho_max": 0.5, "rho_step": 0.1, "findings_path": "", "panel": None})
    {'panel_path': '', 'alpha': 0.05, 'power': 0.8, 'seed': 1, 'n_sims': 2, 'rho_max': 0.5, 'rho_step': 0.1, 'findings_path': ''}

    Raises
    ------
    KeyError
        A parameter is missing from ``namespace``; the message names it.
    """
    missing = [name for name in PARAMETERS if name not in namespace]
    if missing:
        raise KeyError(f"parameters not set: {', '.join(missing)}")
    return {name: namespace[name] for name in PARAMETERS}


def reproduced_state(tests: TargetGapTests, synthetic: bool) -> tuple[bool | None, str | None]:
    """Whether HSJ's "no correlation" is reproduced, or None with the reason.

    >>> from qipp.findings.target_gap.calc import TargetGapTests
    >>> reproduced_state(TargetGapTests(None, "only 3 CCGs", None, "x", 0.05), synthetic=False)
    (None, 'cannot be tested: only 3 CCGs')
    """
    if synthetic:
        return None, SYNTHETIC_NOTE
    if tests.correlated is None:
        return None, f"cannot be tested: {tests.spearman_reason}"
    return not tests.correlated, None


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


PER_HEAD_FIELDS = (
    "per_head_spearman_rho",
    "per_head_spearman_p",
    "per_head_spearman_ci",
    "per_head_correlated",
)


def _notes(
    spread: dict, tests: TargetGapTests, power_result: PowerAnalysis, per_head: PerHeadSensitivity
) -> list[str]:
    notes = []
    if tests.spearman is None:
        notes.append(
            null_note(
                "spearman_rho, spearman_p, spearman_ci, correlated", str(tests.spearman_reason)
            )
        )
    if tests.logit is None:
        notes.append(null_note("logit_coef, logit_p, logit_odds_ratio", str(tests.logit_reason)))
    elif not tests.logit.converged:
        notes.append("logit: the fit did not converge; its estimates are unreliable.")
    if spread["fold_variation"] is None:
        count = spread["n_zero_targets"]
        notes.append(
            null_note(
                "fold_variation",
                f"{count} CCG{'' if count == 1 else 's'} "
                "plan no savings (a 0% target), so largest / smallest is undefined",
            )
        )
    if power_result.reason is not None:
        notes.append(null_note("min_detectable_abs_r, detection_rate", power_result.reason))
    elif power_result.detection is not None and power_result.detection["n_undefined"].sum():
        undefined = int(power_result.detection["n_undefined"].sum())
        notes.append(
            f"detection_rate: {undefined} simulated panels had a constant target or "
            "gap, where rho is undefined; they count as not detected."
        )
    if per_head.spearman is None:
        notes.append(null_note(", ".join(PER_HEAD_FIELDS), str(per_head.reason)))
    return notes


def _per_head_figures(per_head: PerHeadSensitivity) -> dict[str, Any]:
    """The sensitivity check's figures, every one None when it could not run."""
    result = per_head.spearman
    return {
        "per_head_n": per_head.n_in_register,
        "per_head_spearman_rho": _rounded(None if result is None else result.rho, 4),
        "per_head_spearman_p": _rounded(None if result is None else result.p_value, 4),
        "per_head_spearman_ci": None
        if result is None
        else [round(result.ci_low, 4), round(result.ci_high, 4)],
        "per_head_correlated": per_head.correlated,
    }


def target_gap_findings(
    spread: dict,
    tests: TargetGapTests,
    power_result: PowerAnalysis,
    synthetic: bool,
    *,
    per_head: PerHeadSensitivity,
) -> dict[str, Any]:
    """Everything notebook 02 records, ready for :func:`qipp.findings.record.write_findings`.

    The verdict, ``reproduced`` and ``deciding_test`` come from the primary test
    alone; ``per_head`` adds the sensitivity check's figures beside them.

    Returns
    -------
    dict
        ``verdict``, ``reproduced``, ``reproduced_note``, ``notes`` and the figures.
    """
    reproduced, note = reproduced_state(tests, synthetic)
    spearman, logit = tests.spearman, tests.logit
    detection = power_result.detection
    return {
        "verdict": full_verdict(tests),
        "reproduced": reproduced,
        "reproduced_note": note,
        "notes": _notes(spread, tests, power_result, per_head),
        "n_ccgs": spread["n_ccgs"],
        "synthetic": synthetic,
        "deciding_test": tests.deciding_test,
        "correlated": tests.correlated,
        "spearman_rho": _rounded(None if spearman is None else spearman.rho, 4),
        "spearman_p": _rounded(None if spearman is None else spearman.p_value, 4),
        "spearman_ci": None
        if spearman is None
        else [round(spearman.ci_low, 4), round(spearman.ci_high, 4)],
        "logit_coef": _rounded(None if logit is None else logit.coef, 4),
        "logit_p": _rounded(None if logit is None else logit.p_value, 4),
        "logit_odds_ratio": _rounded(None if logit is None else logit.odds_ratio, 4),
        "power_n": power_result.n_ccgs,
        "min_detectable_abs_r": _rounded(power_result.min_detectable_abs_r, 4),
        "detection_rate": None
        if detection is None
        else {
            f"{r:g}": round(v, 3)
            for r, v in zip(detection["rho_injected"], detection["detection_rate"], strict=True)
        },
        "median_target_pct": round(spread["median_target_pct"], 2),
        "fold_variation": _rounded(spread["fold_variation"], 1),
        **_per_head_figures(per_head),
    }


def findings(
    spread: dict,
    tests: TargetGapTests,
    power_result: PowerAnalysis,
    per_head: PerHeadSensitivity,
    *,
    synthetic: bool,
    parameters: Mapping[str, Any],
) -> dict[str, Any]:
    """The whole record of notebook 02, as keywords for :func:`qipp.findings.record.write_findings`.

    Parameters
    ----------
    spread, tests, power_result, per_head
        The notebook's results (:mod:`qipp.findings.target_gap.calc`,
        :mod:`qipp.findings.target_gap.per_head`).
    synthetic : bool
        Whether the panel is synthetic (``reproduced`` is then None).
    parameters : mapping
        The notebook's namespace, or any mapping holding its :data:`PARAMETERS`.
    """
    return {
        "notebook": NOTEBOOK,
        "parameters": run_parameters(parameters),
        **target_gap_findings(spread, tests, power_result, synthetic, per_head=per_head),
    }
