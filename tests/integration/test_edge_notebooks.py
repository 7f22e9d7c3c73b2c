"""Notebook 02 and the CCG profile template on every edge panel: no crash, no leak, strict findings.

Each edge panel (tests/edge_panels.py) is written to a temporary folder, then
notebook 02 runs on it (a short simulation: 20 panels at rho 0, 0.1 and 0.2) and the
profile template runs for the CCG with the largest target and, where the bottom of the
panel is a case of its own (nothing planned, ties, all England's CCGs, three or fewer
CCGs), the one with the smallest plan. All runs go through papermill's
``qipp_warm`` engine, which keeps one kernel for this
process and resets it between notebooks, so the kernel start and imports are
paid once instead of per notebook. Each notebook runs once; the tests read the
executed notebook and its findings JSON.

The findings contract (what notebook 02 writes whatever the panel) is checked
against each shape's known property: Spearman undefined on a constant target
or gap or under 4 CCGs, the logit undefined on one outcome class or perfect
separation, power undefined under 4 CCGs, the fold variation undefined when a
CCG plans nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
from edge_panels import EDGE_SHAPES, SHAPE_SIZES, write_edge_panel
from papermill.exceptions import PapermillExecutionError
from render_helpers import run_warm

from qipp.paths import NOTEBOOKS_DIR

NOTEBOOK_02 = NOTEBOOKS_DIR / "02_target_size_vs_gap.ipynb"
PROFILE = NOTEBOOKS_DIR / "ccg_profile.ipynb"
# Small enough to keep the whole file to about a minute; the figures are not judged here.
FAST_02 = {"n_sims": 20, "rho_max": 0.2, "rho_step": 0.1}

FINDINGS_KEYS = {
    "notebook",
    "parameters",
    "verdict",
    "reproduced",
    "reproduced_note",
    "notes",
    "data_notes",
    "n_ccgs",
    "synthetic",
    "deciding_test",
    "correlated",
    "spearman_rho",
    "spearman_p",
    "spearman_ci",
    "logit_coef",
    "logit_p",
    "logit_odds_ratio",
    "power_n",
    "min_detectable_abs_r",
    "detection_rate",
    "median_target_pct",
    "fold_variation",
    "per_head_n",
    "per_head_spearman_rho",
    "per_head_spearman_p",
    "per_head_spearman_ci",
    "per_head_correlated",
}
# What each shape makes undefined (tests/edge_panels.py says why each holds).
SPEARMAN_UNDEFINED = {"none_forecast_gap", "all_ahead", "equal_targets", "three_ccgs", "one_ccg"}
LOGIT_UNDEFINED = {
    "all_forecast_gap",
    "none_forecast_gap",
    "all_ahead",
    "equal_targets",
    "perfect_separation",
    "one_ccg",
}
LOGIT_DEFINED = {"fifty_six_ccgs", "full_211"}
POWER_UNDEFINED = {"one_ccg", "three_ccgs"}
FOLD_UNDEFINED = {"some_zero_plans"}
SYNTHETIC_SHAPES = {"synthetic_small"}
# Shapes whose smallest plan is a case of its own, profiled as well as the largest target.
BOTTOM_SHAPES = {"some_zero_plans", "zero_q1_plans", "equal_targets", "heavy_ties", "full_211"}
# The shape that loads with a warning (a forecast below Q1 delivery) the pages must pass on.
WARNED_SHAPES = {"real_codes_reported"}

TEXT_TYPES = ("text/plain", "text/markdown", "text/html")
NAN = re.compile(r"\bnan\b", re.IGNORECASE)
INF_PCT = re.compile(r"inf%", re.IGNORECASE)


@dataclass
class Run:
    """One executed notebook: the notebook as saved, and the error papermill raised, if any."""

    notebook: Any
    error: str | None


def execute(source: Path, output: Path, parameters: dict[str, Any]) -> Run:
    """Run ``source`` in this process's warm kernel; never raises for a failing cell."""
    error = None
    try:
        run_warm(source, output, **parameters)
    except PapermillExecutionError as exc:
        error = f"{exc.ename}: {exc.evalue}"
    notebook = nbformat.read(output, as_version=4) if output.exists() else None
    return Run(notebook, error)


def strict_json(text: str) -> dict[str, Any]:
    """Parse ``text`` as strict JSON: NaN and Infinity are refused."""

    def refuse(constant: str) -> None:
        raise ValueError(f"findings hold {constant}, which strict JSON does not allow")

    return json.loads(text, parse_constant=refuse)


def output_texts(notebook: Any) -> Iterator[tuple[int, str, str]]:
    """(cell index, kind, text) of every stream and text output of ``notebook``."""
    for index, cell in enumerate(notebook.cells):
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                yield index, f"stream:{out['name']}", out["text"]
            for mime in TEXT_TYPES:
                value = out.get("data", {}).get(mime)
                if value is not None:
                    yield index, mime, value if isinstance(value, str) else "".join(value)


def leaks(run: Run) -> list[str]:
    """Everything a clean run must not show: errors, warnings, nan and inf% in outputs."""
    if run.error is not None:
        return [f"raised {run.error}"]
    found = [
        f"cell {i}: error output {o.get('ename')}: {o.get('evalue')}"
        for i, cell in enumerate(run.notebook.cells)
        for o in cell.get("outputs", [])
        if o["output_type"] == "error"
    ]
    for index, kind, text in output_texts(run.notebook):
        if kind == "stream:stderr" and "Warning" in text:
            found.append(f"cell {index}: warning on stderr: {text.strip()[:200]}")
        for pattern in (NAN, INF_PCT):
            match = pattern.search(text)
            if match:
                context = text[max(match.start() - 60, 0) : match.end() + 60]
                found.append(f"cell {index} ({kind}): {match.group()!r} in ...{context!r}...")
    return found


@pytest.fixture(scope="module")
def runner(tmp_path_factory) -> Iterator[Callable[..., Any]]:
    """``run(kind, shape, suffix)``: each notebook runs once per module, then is remembered.

    ``kind`` is ``"02"`` or ``"02-kendall"`` (returns the :class:`Run` and the findings text,
    or None)
    or ``"profiles"`` (returns {code: Run} for the largest target, and the smallest plan
    where :data:`BOTTOM_SHAPES` says).
    """
    from qipp.render.run import kernel

    cache: dict[tuple[str, str, str], Any] = {}

    def run(kind: str, shape: str, suffix: str = ".csv") -> Any:
        key = (kind, shape, suffix)
        if key in cache:
            return cache[key]
        folder = tmp_path_factory.mktemp(f"{shape}{suffix.replace('.', '_')}_{kind}")
        panel = write_edge_panel(shape, folder / f"{shape}{suffix}")
        if kind in ("02", "02-kendall"):
            findings = folder / "02.json"
            method = {"method": "kendall"} if kind == "02-kendall" else {}
            result = execute(
                NOTEBOOK_02,
                folder / "02.ipynb",
                {"panel_path": str(panel), "findings_path": str(findings), **FAST_02, **method},
            )
            cache[key] = (
                result,
                findings.read_text(encoding="utf-8") if findings.exists() else None,
            )
        else:
            import pandas as pd

            frame = pd.read_csv(panel) if suffix == ".csv" else pd.read_excel(panel)
            codes = frame["ccg_code"].astype(str)
            target = frame["qipp_plan_gbp_m"] / frame["allocation_gbp_m"]
            # The shape's edges: the largest target (ranked first) on every shape; the
            # smallest plan too where the bottom differs in kind (nothing planned, ties,
            # last of all England's CCGs), or another CCG where the two coincide.
            chosen = [codes[target.idxmax()]]
            if shape in BOTTOM_SHAPES or len(codes) <= 3:
                smallest = codes[frame["qipp_plan_gbp_m"].idxmin()]
                other = codes.iloc[-1] if codes.iloc[-1] != chosen[0] else codes.iloc[0]
                chosen = list(
                    dict.fromkeys([*chosen, smallest if smallest != chosen[0] else other])
                )
            cache[key] = {
                code: execute(
                    PROFILE,
                    folder / f"profile_{code}.ipynb",
                    {"ccg_code": code, "panel_path": str(panel)},
                )
                for code in chosen
            }
        return cache[key]

    yield run
    # The kernel is this module's; later modules start their own when they need one.
    kernel.close()


def findings_of(runner: Callable[..., Any], shape: str, suffix: str = ".csv") -> dict[str, Any]:
    result, text = runner("02", shape, suffix)
    assert text is not None, f"notebook 02 wrote no findings ({result.error})"
    return strict_json(text)


@pytest.mark.parametrize("shape", EDGE_SHAPES)
def test_notebook_02_runs_clean(runner, shape):
    result, _ = runner("02", shape)
    assert leaks(result) == []


@pytest.mark.parametrize("shape", EDGE_SHAPES)
def test_profiles_run_clean(runner, shape):
    problems = {code: leaks(result) for code, result in runner("profiles", shape).items()}
    assert {code: found for code, found in problems.items() if found} == {}


@pytest.mark.parametrize("shape", EDGE_SHAPES)
def test_notebook_02_findings_contract(runner, shape):
    f = findings_of(runner, shape)
    n = SHAPE_SIZES[shape]
    notes = " ".join(f.get("notes") or []).lower()
    assert FINDINGS_KEYS <= set(f), f"missing keys: {sorted(FINDINGS_KEYS - set(f))}"
    assert f["notebook"] == "02_target_size_vs_gap"
    assert isinstance(f["verdict"], str) and f["verdict"]
    assert isinstance(f["notes"], list) and all(isinstance(x, str) for x in f["notes"])
    assert f["n_ccgs"] == n and f["power_n"] == n
    assert f["synthetic"] is (shape in SYNTHETIC_SHAPES)
    assert isinstance(f["median_target_pct"], float)
    assert bool(f["data_notes"]) is (shape in WARNED_SHAPES)

    if shape in SYNTHETIC_SHAPES:
        assert f["reproduced"] is None and f["reproduced_note"] == "synthetic data"
    if shape in SPEARMAN_UNDEFINED:
        assert f["spearman_rho"] is None and f["deciding_test"] is None
        assert f["correlated"] is None and f["reproduced"] is None
        assert str(f["reproduced_note"]).startswith("cannot be tested")
        assert f["notes"], "a null Spearman needs a note saying why"
    else:
        assert f["deciding_test"] == "spearman"
        assert isinstance(f["spearman_rho"], float) and -1 <= f["spearman_rho"] <= 1
        assert isinstance(f["spearman_p"], float) and 0 <= f["spearman_p"] <= 1
        low, high = f["spearman_ci"]
        assert low <= f["spearman_rho"] <= high
        assert isinstance(f["correlated"], bool)
        if shape not in SYNTHETIC_SHAPES:
            # A detected correlation is "no" on any panel; no detection is "yes" only where
            # the test could see a moderate one (rho 0.3), else inconclusive (decision 0036).
            blind = f["min_detectable_abs_r"] is None or f["min_detectable_abs_r"] > 0.3
            if blind and not f["correlated"]:
                assert f["reproduced"] is None
                assert f["reproduced_note"].startswith("inconclusive: could miss a correlation")
            else:
                assert f["reproduced"] is (not f["correlated"]) and f["reproduced_note"] is None

    if shape in LOGIT_UNDEFINED:
        assert f["logit_coef"] is None and f["logit_odds_ratio"] is None
        assert re.search(r"logit|logistic|regression", notes), f["notes"]
    if shape in LOGIT_DEFINED:
        assert all(isinstance(f[k], float) for k in ("logit_coef", "logit_p", "logit_odds_ratio"))

    if shape in POWER_UNDEFINED:
        assert f["min_detectable_abs_r"] is None and f["detection_rate"] is None
    else:
        assert isinstance(f["min_detectable_abs_r"], float) and 0 < f["min_detectable_abs_r"] <= 1
        assert isinstance(f["detection_rate"], dict)
        assert set(f["detection_rate"]) == {"0", "0.1", "0.2"}
        assert all(0 <= v <= 1 for v in f["detection_rate"].values())

    if shape in FOLD_UNDEFINED:
        assert f["fold_variation"] is None and "fold" in notes, f["notes"]
    else:
        assert isinstance(f["fold_variation"], float) and f["fold_variation"] >= 1

    # The sensitivity check with target per head (decision 0031): figures or null with a note.
    assert isinstance(f["per_head_n"], int) and 0 <= f["per_head_n"] <= n
    if f["per_head_spearman_rho"] is None:
        assert f["per_head_correlated"] is None and "per_head_spearman_rho" in notes, f["notes"]
    else:
        assert f["per_head_n"] >= 4 and isinstance(f["per_head_correlated"], bool)
        low, high = f["per_head_spearman_ci"]
        assert low <= f["per_head_spearman_rho"] <= high


def test_reported_56_ccgs_is_not_labelled_synthetic_and_counts_its_ccgs(runner):
    result, _ = runner("02", "fifty_six_ccgs")
    assert result.notebook is not None, result.error
    texts = [text for _, _, text in output_texts(result.notebook)]
    assert not [t for t in texts if "SYNTHETIC DATA" in t.upper()]
    assert any(re.search(r"\b56\b", t) for t in texts)


def test_synthetic_panel_is_labelled(runner):
    result, _ = runner("02", "synthetic_small")
    assert result.notebook is not None, result.error
    assert any("SYNTHETIC DATA" in t for _, _, t in output_texts(result.notebook))


def test_xlsx_panel_gives_the_csv_findings(runner):
    from_csv, from_xlsx = (
        findings_of(runner, "fifty_six_ccgs"),
        findings_of(runner, "fifty_six_ccgs", ".xlsx"),
    )
    for record in (from_csv, from_xlsx):
        record.pop("parameters")
    assert from_xlsx == from_csv
    result, _ = runner("02", "fifty_six_ccgs", ".xlsx")
    assert leaks(result) == []
    problems = {code: leaks(r) for code, r in runner("profiles", "fifty_six_ccgs", ".xlsx").items()}
    assert {code: found for code, found in problems.items() if found} == {}


def test_kendall_runs_to_the_end_with_one_verdict(runner):
    result, text = runner("02-kendall", "fifty_six_ccgs")
    assert leaks(result) == [] and text is not None
    f = strict_json(text)
    assert f["method"] == f["deciding_test"] == "kendall"
    assert isinstance(f["kendall_tau"], float) and "spearman_rho" not in f
    # 56 CCGs cannot see a moderate tau: the record, and the page's verdict, say so alike.
    assert f["reproduced"] is None and f["reproduced_note"].startswith("inconclusive")
    # The page shows the record's verdict (its primary test in bold), not another one.
    texts = [t.replace("**", "") for _, _, t in output_texts(result.notebook)]
    assert any(f["verdict"] in t for t in texts) and "Inconclusive" in f["verdict"]
    assert not [t for t in texts if "Reproduced" in t or "rho =" in t]
