"""One report set, one panel; verdicts that cannot overstate; findings where the run says.

The unit tests start no kernel. One module fixture renders a small set for real
through the CLI, four times into one folder:

1. a full run from a two-CCG synthetic panel A, code shown (so the injected
   parameters reach the pages), with a finding whose verdict is null and a
   notebook that fails;
2. ``--only 01_delta`` from A: a partial run without profiles;
3. ``--ccg 07H`` from a non-synthetic panel B: refused, exit 2;
4. the same with ``--replace``: B's one profile becomes the whole set.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from render_helpers import stand_in_project

from qipp.banner import SYNTHETIC_BANNER
from qipp.cli import main
from qipp.findings.record import write_findings
from qipp.paths import NOTEBOOKS_DIR, REPORTS_DIR, SYNTHETIC_PANEL_CSV
from qipp.render.plan.cache import CACHE_DIR_NAME
from qipp.render.plan.jobs import JobResult, RenderJob, RunSettings
from qipp.render.plan.runinfo import RunInfo
from qipp.render.site.export import STYLESHEET
from qipp.render.site.index import ScorecardSummary, index_html
from qipp.render.site.manifest import entry_from_result, manifest_text, read_manifest, verdict_of
from qipp.render.site.outputs import published_location, relocate_notebook, write_success
from qipp.render.site.publish import panel_mismatch, recorded_sha256
from qipp.render.site.stage import STAGE_PREFIX

FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"
RUN = RunInfo("2026-11-23T14:05Z", None, False, (), "data/synthetic/panel.csv", True, "a" * 64)
CODES = ("07H", "11J")


def _finding_entry(
    name: str, reproduced: bool | None, note: str | None = None, uses_panel: bool = False
) -> dict:
    job = RenderJob(
        "finding", name, Path(f"{name}.ipynb"), html=f"{name}.html", uses_panel=uses_panel
    )
    findings = {
        "notebook": name,
        "parameters": {},
        "verdict": f"Verdict of {name}.",
        "reproduced": reproduced,
        "reproduced_note": note,
        "notes": [],
    }
    return entry_from_result(
        JobResult(job, True, name, [f"{name}.html"], findings=findings), RUN.rendered_at
    )


def _reproduced_cells(page: str) -> dict[str, tuple[str, str]]:
    """Report name -> (class, text) of its Reproduced cell in the index."""
    rows = re.findall(
        r'<span class="muted">(\w+)</span></td>\n<td>[^<]*</td>'
        r'<td class="([\w-]+)">([^<]*)</td>',
        page,
    )
    return {name: (css, text) for name, css, text in rows}


# ----------------------------------------------------------------------------- verdicts


def test_a_null_verdict_shows_as_na_with_its_reason_distinct_from_yes_and_no():
    entries = [
        _finding_entry("01_yes", True),
        _finding_entry("02_no", False),
        _finding_entry("03_na", None, "synthetic data"),
    ]
    page = index_html(entries, RUN, ScorecardSummary({"reproduced": 1}, []))
    assert _reproduced_cells(page) == {
        "01_yes": ("status-yes", "yes"),
        "02_no": ("status-no", "no"),
        "03_na": ("status-na", "n/a (synthetic data)"),
    }
    css = STYLESHEET.read_text(encoding="utf-8")
    rules = {
        name: re.search(rf"\.{name} \{{([^}}]*)\}}", css).group(1)
        for name in ("status-yes", "status-no", "status-na")
    }
    assert len(set(rules.values())) == 3  # three different looks


def test_the_manifest_keeps_a_null_verdict_and_its_reason(tmp_path):
    entry = _finding_entry("03_na", None, "cannot be tested: no CCG forecasts a shortfall")
    assert entry["findings"] == {
        "verdict": "Verdict of 03_na.",
        "reproduced": None,
        "reproduced_note": "cannot be tested: no CCG forecasts a shortfall",
    }
    (tmp_path / "manifest.json").write_text(manifest_text({entry["key"]: entry}, RUN.as_dict()))
    assert read_manifest(tmp_path)["finding:03_na"]["findings"]["reproduced"] is None
    assert _finding_entry("02_no", False)["findings"]["reproduced"] is False


def test_the_index_lists_the_panels_data_notes_once_through_the_manifest(tmp_path):
    note = "panel.csv:21:forecast_outturn_gbp_m: the year-end forecast is below <Q1>"
    warned = [_finding_entry(name, None, "synthetic data", uses_panel=True) for name in "ab"]
    for entry in warned:
        entry["findings"] = verdict_of({**entry["findings"], "data_notes": [note]})
    (tmp_path / "manifest.json").write_text(
        manifest_text({e["key"]: e for e in warned}, RUN.as_dict())
    )
    entries = list(read_manifest(tmp_path).values())
    page = index_html(entries, RUN, ScorecardSummary())
    assert page.count("<h2>Notes on the data</h2>") == 1
    assert page.count(html.escape(note)) == 1 and "<Q1>" not in page
    assert "Notes on the data" not in index_html(
        [_finding_entry("c", True)], RUN, ScorecardSummary()
    )


# ----------------------------------------------------------------------------- panel set


def _manifest(out: Path, run: dict, keys: tuple[str, ...] = ("profile:00C",)) -> None:
    out.mkdir(parents=True, exist_ok=True)
    entries = {k: {"key": k, "kind": k.split(":")[0], "files": []} for k in keys}
    (out / "manifest.json").write_text(manifest_text(entries, run))


def test_a_partial_run_from_another_panel_is_refused_before_any_work(tmp_path):
    out = tmp_path / "out"
    _manifest(out, {"panel": "mine.xlsx", "panel_sha256": "f" * 64})
    before = (out / "manifest.json").read_text()
    result = CliRunner().invoke(
        main,
        [
            "render",
            "--notebooks-dir",
            str(FIXTURES),
            "--out-dir",
            str(out),
            "--only",
            "01",
            "--no-progress",
        ],
    )
    assert result.exit_code == 2, result.output
    synthetic_sha = hashlib.sha256(SYNTHETIC_PANEL_CSV.read_bytes()).hexdigest()
    assert (
        f"qipp render: {out} was built from the panel mine.xlsx (SHA-256 ffffffffffff), "
        "but this run uses data/synthetic/ccg_panel_q1_2013_14.csv "
        f"(SHA-256 {synthetic_sha[:12]}): one report set holds one panel. Re-run without "
        "--only/--ccg to rebuild the whole set from "
        "data/synthetic/ccg_panel_q1_2013_14.csv, or pass --replace"
    ) in result.output
    assert (out / "manifest.json").read_text() == before
    assert sorted(p.name for p in out.iterdir()) == [".qipp-render.lock", "manifest.json"]


def test_the_panel_check_passes_the_same_panel_full_runs_and_replace(tmp_path):
    run = RunInfo("t", None, False, (), "mine.xlsx", False, "f" * 64)
    other = RunInfo("t", None, False, (), "theirs.xlsx", False, "e" * 64)
    assert panel_mismatch(tmp_path, False, other) is None  # no set yet
    _manifest(tmp_path, run.as_dict())
    assert panel_mismatch(tmp_path, False, run) is None
    assert panel_mismatch(tmp_path, True, other) is None  # full run or --replace
    message = panel_mismatch(tmp_path, False, other)
    assert "mine.xlsx (SHA-256 ffffffffffff)" in message
    assert "theirs.xlsx (SHA-256 eeeeeeeeeeee)" in message


def test_a_manifest_from_before_panel_sha256_is_checked_by_its_data_checksums(tmp_path):
    earlier = {"panel": "p.csv", "checksums": [["data/a.csv", "1" * 64], ["p.csv", "2" * 64]]}
    assert recorded_sha256(earlier) == "2" * 64
    _manifest(tmp_path, earlier)
    same, other = (
        RunInfo("t", None, False, (), p, False, d)
        for p, d in [("p.csv", "2" * 64), ("q.csv", "3" * 64)]
    )
    assert panel_mismatch(tmp_path, False, same) is None
    assert "(SHA-256 222222222222)" in panel_mismatch(tmp_path, False, other)
    _manifest(tmp_path, {"panel": "p.csv"})
    assert "(SHA-256 not recorded)" in panel_mismatch(tmp_path, False, same)


def test_the_banner_belongs_to_the_set_not_to_this_runs_profiles():
    reads_panel = _finding_entry("02_gap", None, "synthetic data", uses_panel=True)
    ledger_only = _finding_entry("00_ledger", True)
    assert SYNTHETIC_BANNER in index_html([reads_panel], RUN, ScorecardSummary())
    assert SYNTHETIC_BANNER not in index_html([ledger_only], RUN, ScorecardSummary())
    real = dataclasses.replace(RUN, panel_synthetic=False)
    assert SYNTHETIC_BANNER not in index_html([reads_panel], real, ScorecardSummary())


# ----------------------------------------------------------------------------- relocation


def test_staged_paths_become_the_final_location_in_findings_and_notebook(tmp_path):
    stage = tmp_path / ".qipp-tmp-stage-x"
    staged = str(stage / "findings" / "01_d.json")
    write_findings(
        staged,
        notebook="01_d",
        parameters={"findings_path": staged, "alpha": 0.05},
        verdict="v",
        reproduced=True,
        source=staged + " (not a whole value)",
    )
    job = RenderJob(
        "finding",
        "01_d",
        Path("01_d.ipynb"),
        {"findings_path": staged},
        "01_d.html",
        "executed/01_d.ipynb",
        findings="findings/01_d.json",
    )
    result = JobResult(job, False, "D")
    settings = RunSettings(stage, tmp_path, tmp_path, out_dir=tmp_path)
    write_success(job, new_notebook(cells=[new_markdown_cell("# D")]), settings, result)
    on_disk = json.loads(Path(staged).read_text())
    assert result.ok and result.findings == on_disk
    assert on_disk["parameters"] == {"findings_path": "findings/01_d.json", "alpha": 0.05}
    assert on_disk["source"] == staged + " (not a whole value)"  # figures are data

    nb = new_notebook(cells=[new_code_cell(f'# Parameters\nfindings_path = "{staged}"\n')])
    nb.cells[0].metadata["tags"] = ["injected-parameters"]
    nb.metadata["papermill"] = {
        "parameters": {"findings_path": staged},
        "output_path": "/tmp/qipp-render-x/j0/executing.ipynb",
    }
    relocate_notebook(nb, {staged: "findings/01_d.json"}, "executed/01_d.ipynb")
    assert nb.cells[0].source == '# Parameters\nfindings_path = "findings/01_d.json"\n'
    assert nb.metadata["papermill"] == {
        "parameters": {"findings_path": "findings/01_d.json"},
        "output_path": "executed/01_d.ipynb",
    }
    assert published_location(REPORTS_DIR, "findings/01_d.json") == "reports/findings/01_d.json"


# ----------------------------------------------------------------------------- real render


def _delta_notebook() -> nbformat.NotebookNode:
    """A finding that reads a panel, records its parameters and cannot give a verdict."""
    params = new_code_cell('findings_path: str = ""\npanel_path: str = ""')
    params.metadata["tags"] = ["parameters"]
    write = new_code_cell(
        "from qipp.findings.record import write_findings\n"
        "if findings_path:\n"
        "    write_findings(\n"
        "        findings_path, notebook='01_delta',\n"
        "        parameters={'findings_path': findings_path, 'panel_path': panel_path},\n"
        "        verdict='The panel cannot test it.', reproduced=None,\n"
        "        reproduced_note='synthetic data')"
    )
    return _notebook([new_markdown_cell("# Delta: a verdict the data cannot give"), params, write])


def _failing_notebook() -> nbformat.NotebookNode:
    params = new_code_cell('findings_path: str = ""')
    params.metadata["tags"] = ["parameters"]
    return _notebook(
        [
            new_markdown_cell("# Epsilon: fails"),
            params,
            new_code_cell("raise ValueError('fixture failure')"),
        ]
    )


def _notebook(cells: list) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def _panel(path: Path, status: str) -> Path:
    lines = SYNTHETIC_PANEL_CSV.read_text().splitlines()
    rows = [
        line.rsplit(",", 1)[0] + f",{status}"
        for line in lines[1:]
        if line.split(",", 1)[0] in CODES
    ]
    path.write_text("\n".join([lines[0], *rows]) + "\n")
    return path


def _files(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file()
        and p.name != ".qipp-render.lock"
        and CACHE_DIR_NAME not in p.relative_to(out).parts
    }


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    """Run the four renders of the module doc; return what each left."""
    root = tmp_path_factory.mktemp("panelset")
    # The notebooks in a stand-in project (warm kernels), the reports outside it.
    notebooks, out = root / "project" / "notebooks", root / "reports"
    notebooks.mkdir(parents=True)
    nbformat.write(_delta_notebook(), notebooks / "01_delta.ipynb")
    nbformat.write(_failing_notebook(), notebooks / "03_epsilon_fails.ipynb")
    shutil.copy(NOTEBOOKS_DIR / "ccg_profile.ipynb", notebooks / "ccg_profile.ipynb")
    panel_a = _panel(root / "panel_a.csv", "synthetic")
    panel_b = _panel(root / "mine.csv", "reported")
    base = [
        "render",
        "--notebooks-dir",
        str(notebooks),
        "--out-dir",
        str(out),
        "--jobs",
        "1",
        "--no-progress",
    ]
    runs = {}
    for step, extra in [
        ("full", ["--panel", str(panel_a), "--show-code"]),
        ("partial", ["--panel", str(panel_a), "--only", "01_delta"]),
        ("mixed", ["--panel", str(panel_b), "--ccg", "07H"]),
        ("replaced", ["--panel", str(panel_b), "--ccg", "07H", "--replace"]),
    ]:
        with stand_in_project(root / "project"):
            result = CliRunner().invoke(main, base + extra)
        runs[step] = (result, _files(out))
    return {"out": out, "a": panel_a, "b": panel_b, "runs": runs}


def test_a_full_run_shows_the_null_verdict_and_records_the_panel(renders):
    result, files = renders["runs"]["full"]
    assert result.exit_code == 1, result.output  # 03_epsilon_fails fails, by design
    page = files["index.html"].decode()
    assert _reproduced_cells(page)["01_delta"] == ("status-na", "n/a (synthetic data)")
    run = json.loads(files["manifest.json"])["run"]
    sha_a = hashlib.sha256(renders["a"].read_bytes()).hexdigest()
    assert (run["panel"], run["panel_sha256"], run["panel_synthetic"]) == (
        str(renders["a"]),
        sha_a,
        True,
    )
    assert "SYNTHETIC DATA" in page and sha_a in page


def test_no_published_file_names_the_staging_folder(renders):
    _, files = renders["runs"]["full"]
    assert {
        "01_delta.html",
        "executed/01_delta.ipynb",
        "findings/01_delta.json",
        "failed/03_epsilon_fails.ipynb",
        "failed/03_epsilon_fails.html",
        "ccg/07H.html",
        "executed/ccg/11J.ipynb",
    } <= set(files)
    leaking = [name for name, data in files.items() if STAGE_PREFIX.encode() in data]
    assert leaking == []
    # The injected cell is on the page (--show-code) with the final location instead.
    assert "findings/01_delta.json" in files["01_delta.html"].decode()


def test_findings_path_is_recorded_as_the_final_location(renders):
    _, files = renders["runs"]["full"]
    findings = json.loads(files["findings/01_delta.json"])
    # The output folder lies outside the project, so locations are relative to it.
    assert findings["parameters"] == {
        "findings_path": "findings/01_delta.json",
        "panel_path": str(renders["a"]),
    }
    for name in ("executed/01_delta.ipynb", "failed/03_epsilon_fails.ipynb"):
        nb = nbformat.reads(files[name].decode(), as_version=4)
        injected = [
            c.source for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])
        ]
        assert len(injected) == 1 and injected[0].count('findings_path = "findings/') == 1
        assert nb.metadata["papermill"]["parameters"]["findings_path"].startswith("findings/")


def test_a_partial_run_of_findings_keeps_the_sets_banner(renders):
    result, files = renders["runs"]["partial"]
    assert result.exit_code == 0, result.output
    run = json.loads(files["manifest.json"])["run"]
    assert run["panel_synthetic"] is True and run["panel"] == str(renders["a"])
    page = files["index.html"].decode()
    assert "SYNTHETIC DATA" in page
    assert 'href="ccg/07H.html"' in page  # the profiles of the full run are kept


def test_mixing_a_second_panel_into_the_set_is_refused_with_exit_2(renders):
    result, files = renders["runs"]["mixed"]
    assert result.exit_code == 2, result.output
    sha_a = hashlib.sha256(renders["a"].read_bytes()).hexdigest()
    sha_b = hashlib.sha256(renders["b"].read_bytes()).hexdigest()
    assert (
        f"was built from the panel {renders['a']} (SHA-256 {sha_a[:12]}), but this run "
        f"uses {renders['b']} (SHA-256 {sha_b[:12]})"
    ) in result.output
    assert "Re-run without --only/--ccg" in result.output and "--replace" in result.output
    assert files == renders["runs"]["partial"][1]  # nothing changed


def test_replace_leaves_only_the_new_panels_reports(renders):
    result, files = renders["runs"]["replaced"]
    assert result.exit_code == 0, result.output
    manifest = json.loads(files["manifest.json"])
    assert [e["key"] for e in manifest["entries"]] == ["profile:07H"]
    sha_b = hashlib.sha256(renders["b"].read_bytes()).hexdigest()
    assert (
        manifest["run"]["panel"],
        manifest["run"]["panel_sha256"],
        manifest["run"]["panel_synthetic"],
    ) == (str(renders["b"]), sha_b, False)
    downloads = {f for f in files if re.fullmatch(r"ccg/07H(?:-[0-9]+\.csv|\.xlsx)", f)}
    assert {"ccg/07H.xlsx", "ccg/07H-1.csv"} <= downloads  # the data behind the page, with it
    assert sorted(set(files) - downloads) == [
        "ccg/07H.html",
        "executed/ccg/07H.ipynb",
        "index.html",
        "manifest.json",
    ]
    page = files["index.html"].decode()
    assert "SYNTHETIC DATA" not in page and sha_b in page
    assert recorded_sha256(json.loads(files["manifest.json"])["run"]) == sha_b
