"""Committed notebooks follow the house rules that keep papermill and nbval honest."""

from __future__ import annotations

import ast
import copy
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from nbval.plugin import get_sanitize_patterns

from qipp.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from qipp.render.site.outputs import strip_volatile_metadata

# The committed notebooks and the template for a notebook of one's own.
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb")) + sorted(NOTEBOOKS_DIR.glob("templates/*.ipynb"))
SANITIZE_CFG = PROJECT_ROOT / "tests" / "nbval_sanitize.cfg"
PRE_COMMIT_CONFIG = PROJECT_ROOT / ".pre-commit-config.yaml"
FINDING_NOTEBOOKS = [p for p in NOTEBOOKS if re.match(r"\d\d_", p.name)]
ABSOLUTE_PATH = re.compile(r"(/home/|/root/|/tmp/|/work/|[A-Z]:\\\\)")
TIMESTAMP = re.compile(r"\b20\d\d-\d\d-\d\d[T ]\d\d:\d\d")


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def _output_texts(nb: dict) -> list[str]:
    """Every string nbval compares in a notebook's outputs: stream text and each data value."""
    return [
        _text(text)
        for cell in nb["cells"]
        for output in cell.get("outputs", [])
        for text in [output.get("text", ""), *output.get("data", {}).values()]
        if isinstance(text, str | list)
    ]


def test_the_six_finding_notebooks_and_the_profile_template_exist():
    stems = {p.stem for p in NOTEBOOKS}
    expected = {
        "00_claims_ledger",
        "01_shortfall_doubling",
        "02_target_size_vs_gap",
        "03_front_loaded_savings",
        "04_nhs_england_vs_ccgs",
        "05_pct_progress_2010",
    }
    assert expected <= stems, f"missing notebooks: {sorted(expected - stems)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_kernelspec_and_one_parameters_cell(path):
    nb = _load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: expected one cell tagged 'parameters'"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_are_annotated_literals_with_a_comment_each(path):
    nb = _load(path)
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    source = _source(cell)
    tree = ast.parse(source)
    lines = source.splitlines()
    assert tree.body, f"{path.name}: empty parameters cell"
    for node in tree.body:
        assert isinstance(node, ast.AnnAssign), (
            f"{path.name}: line {node.lineno} of the parameters cell is not `name: type = value`"
        )
        assert isinstance(node.value, ast.Constant), (
            f"{path.name}: parameter {ast.unparse(node.target)} is not a plain literal"
        )
        assert "#" in lines[node.lineno - 1], (
            f"{path.name}: parameter {ast.unparse(node.target)} has no trailing comment"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_volatile_metadata_and_every_output_has_an_execution_count(path):
    nb = _load(path)
    assert "papermill" not in nb["metadata"], f"{path.name}: notebook-level papermill metadata"
    for index, cell in enumerate(nb["cells"]):
        meta = cell.get("metadata", {})
        assert "execution" not in meta and "papermill" not in meta, (
            f"{path.name}: cell {index} carries timing metadata"
        )
        if cell["cell_type"] == "code":
            assert cell.get("outputs") is not None
            if cell["outputs"]:
                assert cell["execution_count"] is not None, (
                    f"{path.name}: cell {index} has outputs but no execution_count"
                )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_trailing_semicolons_absolute_paths_or_timestamps(path):
    nb = _load(path)
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        code = [
            line
            for line in _source(cell).rstrip().splitlines()
            if line.strip() and not line.strip().startswith("#")
        ]
        assert not (code and code[-1].rstrip().endswith(";")), (
            f"{path.name}: cell {index} ends with ';' (nbval shows the output anyway)"
        )
        for output in cell.get("outputs", []):
            texts = [output.get("text", "")]
            texts += [v for k, v in output.get("data", {}).items() if k.startswith("text/")]
            text = "".join("".join(t) if isinstance(t, list) else t for t in texts)
            assert not ABSOLUTE_PATH.search(text), f"{path.name}: absolute path in cell {index}"
            assert not TIMESTAMP.search(text), f"{path.name}: timestamp in cell {index}"
            assert output.get("output_type") != "error", f"{path.name}: error in cell {index}"


@pytest.mark.parametrize("path", FINDING_NOTEBOOKS, ids=lambda p: p.name)
def test_finding_notebooks_write_findings_and_import_qipp(path):
    nb = _load(path)
    code = "\n".join(_source(c) for c in nb["cells"] if c["cell_type"] == "code")
    assert "import qipp" in code or "from qipp" in code
    parameters = _source(
        next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    )
    assert "findings_path" in parameters


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_empty_tags_list(path):
    # papermill leaves "tags": [] behind; strip_volatile_metadata drops it, nbstripout does not.
    nb = _load(path)
    assert [i for i, c in enumerate(nb["cells"]) if c["metadata"].get("tags") == []] == []


# --------------------------------------------------------------------------- nbval sanitiser


def test_sanitiser_rules_are_all_read_by_nbval():
    text = SANITIZE_CFG.read_text(encoding="utf-8")
    assert text.startswith("# The one sanitiser file for nbval")
    rules = get_sanitize_patterns(text)
    written = [line for line in text.splitlines() if line.startswith(("regex:", "replace:"))]
    # nbval reads only a "regex: " line directly followed by a "replace: " line, silently.
    assert len(written) == 2 * len(rules), "a regex/replace pair nbval would skip"
    for regex, _ in rules:
        re.compile(regex)


def test_every_sanitiser_rule_masks_something_in_a_committed_output():
    texts = [text for path in NOTEBOOKS for text in _output_texts(_load(path))]
    assert len(texts) > len(NOTEBOOKS)
    rules = get_sanitize_patterns(SANITIZE_CFG.read_text(encoding="utf-8"))
    unused = [regex for regex, _ in rules if not any(re.search(regex, t) for t in texts)]
    assert unused == [], "a rule that matches no committed output masks nothing: remove it"


# --------------------------------------------------------------------------- nbstripout


def _nbstripout_hook() -> dict:
    config = yaml.safe_load(PRE_COMMIT_CONFIG.read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    return next(hook for hook in hooks if hook["id"] == "nbstripout")


def _run_nbstripout(paths: list[Path]) -> None:
    """Run nbstripout in place on ``paths`` exactly as the pre-commit hook runs it."""
    hook = _nbstripout_hook()
    command = shlex.split(hook["entry"]) + hook.get("args", [])
    assert command[0] == "nbstripout"
    subprocess.run(
        [sys.executable, "-m", "nbstripout", *command[1:], *map(str, paths)],
        check=True,
        capture_output=True,
        text=True,
    )


def _stamp_run_metadata(nb: dict) -> dict:
    """``nb`` as papermill and nbclient leave it: timings and statuses everywhere."""
    stamped = copy.deepcopy(nb)
    stamped["metadata"]["papermill"] = {"duration": 1.25, "start_time": "2026-01-01T00:00:00"}
    stamped["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    for cell in stamped["cells"]:
        cell["metadata"]["papermill"] = {"status": "completed", "duration": 0.5}
        cell["metadata"]["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00.1Z"}
        cell["metadata"]["ExecuteTime"] = {"end_time": "2026-01-01T00:00:01"}
    return stamped


def test_the_nbstripout_hook_covers_every_committed_notebook():
    pattern = re.compile(_nbstripout_hook()["files"])
    for path in NOTEBOOKS:
        assert pattern.search(path.relative_to(PROJECT_ROOT).as_posix()), path.name


@pytest.mark.integration  # runs a subprocess
def test_committed_notebooks_are_clean_by_nbstripout_and_by_strip_volatile_metadata(tmp_path):
    copies = [Path(shutil.copy(path, tmp_path / path.name)) for path in NOTEBOOKS]
    _run_nbstripout(copies)
    for path, stripped in zip(NOTEBOOKS, copies, strict=True):
        assert stripped.read_bytes() == path.read_bytes(), f"nbstripout changes {path.name}"
        nb = _load(path)
        assert strip_volatile_metadata(nb) == nb, f"strip_volatile_metadata changes {path.name}"


@pytest.mark.integration  # runs a subprocess
def test_nbstripout_and_strip_volatile_metadata_strip_the_same_run_metadata(tmp_path):
    # Each committed notebook stamped as a run leaves it: both strippers restore it, and
    # nbstripout writes the bytes qipp render --in-place wrote.
    copies = []
    for path in NOTEBOOKS:
        stamped = _stamp_run_metadata(_load(path))
        assert strip_volatile_metadata(stamped) == _load(path), path.name
        copy_path = tmp_path / path.name
        copy_path.write_text(json.dumps(stamped, indent=1) + "\n", encoding="utf-8")
        copies.append(copy_path)
    _run_nbstripout(copies)
    for path, stripped in zip(NOTEBOOKS, copies, strict=True):
        assert stripped.read_bytes() == path.read_bytes(), path.name


# Thin cells (issue 14): a notebook loads, calls, shows and explains; logic lives in qipp.
MAX_CELL_LINES = 12
# Names that hide what is called (`P.chart(...)`): modules are imported under their own names.
CRYPTIC_ALIAS = re.compile(r"^\s*(?:import [\w.]+|from [\w.]+ import \w+) as [A-Z]{1,2}\b", re.M)


# The parameters cell and the cell checking them grow with the parameters, a line or two each.
GROWS_WITH_PARAMETERS = {"parameters", "check-parameters"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_code_cell_is_over_twelve_lines_but_the_parameters_and_their_checks(path):
    long_cells = [
        (index, len(_source(cell).splitlines()))
        for index, cell in enumerate(_load(path)["cells"])
        if cell["cell_type"] == "code"
        and not GROWS_WITH_PARAMETERS & set(cell["metadata"].get("tags", []))
        and len(_source(cell).splitlines()) > MAX_CELL_LINES
    ]
    assert long_cells == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_modules_are_imported_under_names_a_reader_understands(path):
    code = "\n".join(_source(c) for c in _load(path)["cells"] if c["cell_type"] == "code")
    assert CRYPTIC_ALIAS.findall(code) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_table_is_a_raw_dataframe_in_the_outputs(path):
    html = [t for t in _output_texts(_load(path)) if "<table" in t]
    assert not any('class="dataframe"' in t for t in html)
    assert not any(re.search(r">\s*NaN\s*<", t) for t in html)
