"""Unit tests for qipp.render: pure pieces, no kernel started."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from qipp.banner import SYNTHETIC_BANNER
from qipp.cli import main
from qipp.render.errors import RenderBusyError, RenderInputError
from qipp.render.options import RenderOptions
from qipp.render.pipeline import _select
from qipp.render.plan.jobs import (
    CellError,
    JobError,
    JobResult,
    RenderJob,
    checked_ccg_code,
    checked_stem,
    finding_job,
    matches_only,
    profile_job,
)
from qipp.render.plan.parameters import source_cell_number
from qipp.render.plan.profiles import ProfileRow
from qipp.render.plan.runinfo import RunInfo, data_checksums
from qipp.render.site.export import (
    OfflineError,
    external_references,
    notebook_title,
    notebook_to_html,
)
from qipp.render.site.index import ScorecardSummary, index_html
from qipp.render.site.manifest import entry_from_result, merge_entries, read_manifest
from qipp.render.site.outputs import strip_volatile_metadata
from qipp.render.site.stage import STAGE_PREFIX, RunLock, Stage

FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"
PNG_1PX = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJ"
    "RU5ErkJggg=="
)
RUN = RunInfo(
    "2026-11-23T14:05Z",
    "0123456789abcdef0123",
    True,
    (("data/claims.csv", "ab" * 32),),
    "data/synthetic/panel.csv",
    True,
)


def executed_notebook(markdown: str = "# A <title> & more\n\nSome text.") -> nbformat.NotebookNode:
    """A notebook as papermill returns it, outputs included, built by hand."""
    nb = new_notebook()
    code = new_code_cell("secret_source_line = 1\nfig", execution_count=1)
    code.outputs = [
        new_output("display_data", data={"image/png": PNG_1PX, "text/plain": "<Figure>"})
    ]
    printed = new_code_cell("print('hello')", execution_count=2)
    printed.outputs = [new_output("stream", name="stdout", text="hello\n")]
    nb.cells = [new_markdown_cell(markdown), code, printed]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize("code", ["11J", "07H", "S001", "S999"])
def test_valid_ccg_codes_become_file_names(code):
    assert checked_ccg_code(code) == code


@pytest.mark.parametrize("code", ["", "11j", "1J", "S01", "11J ", "../11J", "11J/x", "<b>&", None])
def test_anything_else_is_refused_as_a_file_name(code):
    with pytest.raises(JobError, match="is not an ODS code"):
        checked_ccg_code(code)


def test_notebook_stems_with_path_characters_are_refused():
    with pytest.raises(JobError, match="not usable as a report name"):
        checked_stem(".hidden")
    assert checked_stem("05_pct_progress_2010") == "05_pct_progress_2010"


def test_profile_job_needs_the_template_parameters(tmp_path):
    with pytest.raises(JobError, match=r"does not declare the parameters \['panel_path'\]"):
        profile_job(tmp_path / "ccg_profile.ipynb", "11J", {"ccg_code"}, tmp_path / "p.csv")


def test_finding_job_passes_only_declared_parameters(tmp_path):
    plain = finding_job(tmp_path / "02_b.ipynb", {"scale"}, tmp_path / "stage", tmp_path / "p.csv")
    assert plain.parameters == {} and plain.findings is None
    full = finding_job(
        tmp_path / "02_b.ipynb",
        {"findings_path", "panel_path"},
        tmp_path / "stage",
        tmp_path / "p.csv",
    )
    assert full.parameters == {
        "findings_path": str(tmp_path / "stage/findings/02_b.json"),
        "panel_path": str(tmp_path / "p.csv"),
    }


def test_only_patterns_are_globs_or_substrings():
    assert matches_only("03_front_loaded_savings", ["front"])
    assert matches_only("03_front_loaded_savings", ["0[23]_*"])
    assert not matches_only("03_front_loaded_savings", ["04*", "target"])


def _notebooks(tmp_path: Path, names: list[str]) -> Path:
    folder = tmp_path / "nb"
    folder.mkdir()
    for name in names:
        nbformat.write(new_notebook(), folder / name)
    return folder


def test_selection_only_ccg_and_both(tmp_path):
    folder = _notebooks(
        tmp_path, ["01_a.ipynb", "02_b.ipynb", "ccg_profile.ipynb", ".hidden.ipynb"]
    )
    findings, template = _select(RenderOptions(notebooks_dir=folder))
    assert [p.name for p in findings] == ["01_a.ipynb", "02_b.ipynb"]
    assert template.name == "ccg_profile.ipynb"
    findings, template = _select(RenderOptions(notebooks_dir=folder, only=("02",)))
    assert [p.name for p in findings] == ["02_b.ipynb"] and template is None
    findings, template = _select(RenderOptions(notebooks_dir=folder, ccg_codes=("11J",)))
    assert findings == [] and template is not None
    findings, template = _select(
        RenderOptions(notebooks_dir=folder, only=("01*",), ccg_codes=("11J",))
    )
    assert [p.name for p in findings] == ["01_a.ipynb"] and template is not None


def test_ccg_selection_without_a_template_is_bad_input(tmp_path):
    folder = _notebooks(tmp_path, ["01_a.ipynb"])
    with pytest.raises(RenderInputError, match="--ccg needs .*ccg_profile.ipynb"):
        _select(RenderOptions(notebooks_dir=folder, ccg_codes=("11J",)))


# ----------------------------------------------------------------------------- export


def test_page_is_offline_hides_code_and_embeds_the_figure():
    html = notebook_to_html(executed_notebook(), title="A <title> & more", stamp="Rendered today")
    assert external_references(html) == []
    assert "<script" not in html and "<link" not in html
    assert "secret_source_line" not in html  # code hidden by default
    assert 'src="data:image/png;base64,' in html
    assert "<title>A &lt;title&gt; &amp; more</title>" in html
    assert "hello" in html and "Rendered today" in html


def test_show_code_includes_the_code_cells():
    html = notebook_to_html(executed_notebook(), title="t", show_code=True)
    assert "secret_source_line" in html
    assert external_references(html) == []


def test_a_page_that_would_reach_the_network_is_refused():
    nb = executed_notebook("# Title\n\nSee [the article](https://example.org/qipp).")
    with pytest.raises(
        OfflineError,
        match=r"reach the network \(1 reference\(s\): "
        r'href="https://example.org/qipp"',
    ):
        notebook_to_html(nb, title="t")


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="http://cdn.example/x.js"></script>',
        "<link rel='stylesheet' href='https://fonts.example/css'>",
        "<img src=//cdn.example/a.png>",
        "<style>@font-face { src: url(https://fonts.example/f.woff) }</style>",
        '<style>@import "https://cdn.example/a.css";</style>',
    ],
)
def test_external_references_are_found(snippet):
    assert external_references(snippet)


def test_title_comes_from_the_first_heading_cell_or_output():
    assert notebook_title(executed_notebook(), "x") == "A <title> & more"
    assert notebook_title(new_notebook(), "fallback") == "fallback"


# ----------------------------------------------------------------------------- outputs


def test_volatile_metadata_is_stripped_and_counts_kept():
    nb = executed_notebook()
    nb.metadata["papermill"] = {"duration": 3.1}
    nb.metadata["widgets"] = {"state": {}}
    nb.cells[1].metadata.update(
        {
            "papermill": {"status": "completed"},
            "execution": {"iopub.status.busy": "2026-11-23T14:05:00Z"},
            "tags": [],
        }
    )
    cleaned = strip_volatile_metadata(nb)
    assert "papermill" not in cleaned.metadata and "widgets" not in cleaned.metadata
    assert cleaned.cells[1].metadata == {} and cleaned.cells[1].execution_count == 1
    assert "papermill" in nb.metadata  # the input is left alone


# ----------------------------------------------------------------------------- manifest


def _result(kind: str, name: str, ok: bool, files: list[str]) -> JobResult:
    job = RenderJob(
        kind,
        name,
        Path(f"{name}.ipynb"),
        html=f"{name}.html",
        failed=f"failed/{name}.ipynb",
        failed_html=f"failed/{name}.html",
    )
    error = None if ok else CellError("ValueError", "boom", 4, 3)
    return JobResult(job, ok, f"Title {name}", files, error)


def test_entry_records_the_failing_cell():
    entry = entry_from_result(
        _result("finding", "03_x", False, ["failed/03_x.ipynb"]), RUN.rendered_at
    )
    assert entry["status"] == "failed" and entry["html"] is None
    assert entry["failed_notebook"] == "failed/03_x.ipynb" and entry["failed_html"] is None
    assert entry["error"]["summary"] == "cell 4 (In [3]): ValueError: boom"


def test_stale_files_are_only_those_an_earlier_manifest_recorded(tmp_path):
    (tmp_path / "manifest.json").write_text(
        json.dumps({"version": 1, "entries": [{"key": "finding:a", "files": ["a.html"]}]})
    )
    previous = read_manifest(tmp_path)
    merged, stale = merge_entries(previous, {"finding:b": {"files": ["b.html"]}}, full_run=True)
    assert list(merged) == ["finding:b"] and stale == ["a.html"]
    (tmp_path / "manifest.json").write_text("{not json")
    assert read_manifest(tmp_path) == {}


# ----------------------------------------------------------------------------- index


def test_index_escapes_text_from_data_and_marks_failures():
    row = ProfileRow("S001", "<b>& Co", "London", 2.5, 10.0, 3.25, True)
    ok = entry_from_result(
        _result("profile", "S001", True, ["ccg/S001.html"]), RUN.rendered_at, row
    )
    ok["html"] = "ccg/S001.html"
    failed = entry_from_result(
        _result("finding", "03_x", False, ["failed/03_x.ipynb"]), RUN.rendered_at
    )
    earlier = dict(ok, key="profile:S002", name="S002", rendered_at="2026-01-01T00:00Z")
    claim = {"id": "c1", "source": "<i>src</i>", "as_published": "<5%", "status": "stated"}
    page = index_html(
        [ok, failed, earlier], RUN, ScorecardSummary({"stated": 1}, [dict(claim, note="a & b")])
    )
    assert "&lt;b&gt;&amp; Co" in page and "<b>& Co" not in page
    assert "&lt;i&gt;src&lt;/i&gt;" in page and "<i>src" not in page
    assert "&lt;5%" in page and "a &amp; b" in page
    assert SYNTHETIC_BANNER in page  # a synthetic panel, and profiles read it
    assert 'href="ccg/S001.html"' in page and 'href="failed/03_x.ipynb"' in page
    assert "cell 4 (In [3]): ValueError: boom" in page
    assert "Failures (1)" in page and "(rendered 2026-01-01T00:00Z)" in page
    assert "0123456789abcdef0123" in page and "ab" * 32 in page
    assert external_references(page) == []


def test_the_synthetic_banner_shows_only_when_a_report_reads_the_synthetic_panel():
    finding = entry_from_result(_result("finding", "03_x", True, ["03_x.html"]), RUN.rendered_at)
    assert finding["uses_panel"] is False
    assert SYNTHETIC_BANNER not in index_html([finding], RUN, ScorecardSummary())
    reads_it = dict(finding, uses_panel=True)
    assert SYNTHETIC_BANNER in index_html([reads_it], RUN, ScorecardSummary())
    real = RunInfo(RUN.rendered_at, None, False, (), "panel.csv", False)
    assert SYNTHETIC_BANNER not in index_html([reads_it], real, ScorecardSummary())


def test_index_says_when_the_scorecard_is_missing():
    page = index_html([], RUN, ScorecardSummary(error="DataError: ledger broken"))
    assert "The scorecard could not be built: DataError: ledger broken" in page


def test_checksums_cover_data_files_and_the_panel(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text("x\n1\n")
    (data / "notes.txt").write_text("ignored")
    panel = tmp_path / "panel.csv"
    panel.write_text("y\n")
    sums = dict(data_checksums(data, extra=(panel,)))
    assert sorted(sums) == [str(data / "a.csv"), str(panel)]
    assert sums[str(panel)] == hashlib.sha256(b"y\n").hexdigest()


# ----------------------------------------------------------------------------- stage


def test_commit_moves_files_and_removes_stale_ones_inside_only(tmp_path):
    out = tmp_path / "out"
    (out / "ccg").mkdir(parents=True)
    (out / "ccg/old.html").write_text("old")
    outside = tmp_path / "keep.txt"
    outside.write_text("keep")
    stage = Stage.create(out)
    (stage.root / "ccg").mkdir()
    (stage.root / "ccg/new.html").write_text("new")
    stage.commit(["ccg/new.html"], remove=["ccg/old.html", "../keep.txt"])
    assert (out / "ccg/new.html").read_text() == "new"
    assert not (out / "ccg/old.html").exists() and outside.exists()
    assert not stage.root.exists()
    assert oct((out / "ccg/new.html").stat().st_mode & 0o777) != oct(0o600)


def test_a_second_render_into_the_same_folder_is_refused(tmp_path):
    with RunLock(tmp_path):
        with pytest.raises(RenderBusyError, match="another qipp render is writing to"):
            with RunLock(tmp_path):
                pass


def test_the_lock_removes_every_stage_a_killed_run_left_and_nothing_else(tmp_path):
    leftover = Stage.create(tmp_path)
    (leftover.root / "half.html").write_text("<html")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.html").write_text("keep")
    (tmp_path / f"{STAGE_PREFIX}link").symlink_to(elsewhere)
    (tmp_path / f"{STAGE_PREFIX}file").write_text("not a stage")
    (tmp_path / "report.html").write_text("kept")
    with RunLock(tmp_path):
        assert not leftover.root.exists()
        assert (elsewhere / "keep.html").exists() and (tmp_path / f"{STAGE_PREFIX}link").exists()
        assert (tmp_path / f"{STAGE_PREFIX}file").exists() and (tmp_path / "report.html").exists()
        # Only the lock clears stages: creating one (as this run does) removes no other.
        first, second = Stage.create(tmp_path), Stage.create(tmp_path)
        assert first.root.is_dir() and second.root.is_dir()


# ----------------------------------------------------------------------------- CLI


def test_cli_unknown_ccg_code_is_bad_input(tmp_path):
    folder = tmp_path / "nb"
    folder.mkdir()
    (folder / "ccg_profile.ipynb").write_bytes(
        (Path(__file__).parents[2] / "notebooks" / "ccg_profile.ipynb").read_bytes()
    )
    result = CliRunner().invoke(
        main,
        [
            "render",
            "--notebooks-dir",
            str(folder),
            "--out-dir",
            str(tmp_path / "out"),
            "--ccg",
            "99Z",
            "--no-progress",
        ],
    )
    assert result.exit_code == 2
    assert "CCG code(s) not in the panel ccg_panel_q1_2013_14.csv: 99Z" in result.output
    assert not (tmp_path / "out").exists()


def test_cli_invalid_panel_lists_its_problems(tmp_path):
    folder = tmp_path / "nb"
    folder.mkdir()
    (folder / "ccg_profile.ipynb").write_bytes(
        (Path(__file__).parents[2] / "notebooks" / "ccg_profile.ipynb").read_bytes()
    )
    panel = tmp_path / "panel.csv"
    panel.write_text("ccg_code,ccg_name\n11J,NHS Dorset CCG\n")
    result = CliRunner().invoke(
        main,
        [
            "render",
            "--notebooks-dir",
            str(folder),
            "--out-dir",
            str(tmp_path / "out"),
            "--panel",
            str(panel),
        ],
    )
    assert result.exit_code == 2
    assert re.search(r"panel\.csv:.*region", result.output)


def test_cli_nothing_selected_is_bad_input(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "render",
            "--notebooks-dir",
            str(FIXTURES),
            "--out-dir",
            str(tmp_path / "out"),
            "--only",
            "no_such_notebook",
        ],
    )
    assert result.exit_code == 2
    assert "nothing to render: no notebook matches the selection" in result.output


def test_failing_cell_is_numbered_as_in_the_source_notebook(tmp_path):
    nb = new_notebook()
    params = new_code_cell("x: int = 1  # a parameter")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        new_markdown_cell("# T"),
        params,
        new_code_cell("y = x"),
        new_code_cell("raise ValueError"),
    ]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    # Executed with parameters: [md, params, injected, y, raise] -> the raise is index 4.
    assert source_cell_number(path, 4, injected=True) == 4
    assert source_cell_number(path, 2, injected=True) == 2  # the injected cell -> parameters
    assert source_cell_number(path, 0, injected=True) == 1
    assert source_cell_number(path, 3, injected=False) == 4


def test_index_links_the_scorecard_files_it_is_given():
    page = index_html([], RUN, ScorecardSummary({"reproduced": 1}, [], downloads=["claims.csv"]))
    assert '<a href="claims.csv">claims.csv</a>' in page
    assert "claims.json" not in page
