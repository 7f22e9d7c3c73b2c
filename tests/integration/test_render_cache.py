"""The render cache reuses a report only when nothing it depends on changed (issue 15).

A small set is rendered once through the CLI for the module; each test starts from a
copy of that project and its reports, at the same paths (so the cache's keys still
hold), changes one thing, renders again and reads the manifest's ``cached`` flags:
which reports were reused and which rendered again. The two tests of ``--force`` read one
forced run, made once for the module from such a copy.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from render_helpers import stand_in_project

from qipp.cli import main
from qipp.paths import DATA_DIR, NOTEBOOKS_DIR, SYNTHETIC_PANEL_CSV

FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"
CODES = ("07H", "S001")


def panel_notebook() -> nbformat.NotebookNode:
    """A finding that declares ``panel_path`` and prints the panel's size."""
    nb = new_notebook()
    params = new_code_cell('panel_path: str = ""  # the CCG panel to read')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        new_markdown_cell("# Panel reader"),
        params,
        new_code_cell(
            "from pathlib import Path\nprint(len(Path(panel_path).read_text().splitlines()))"
        ),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def _project(folder: Path) -> dict[str, Path]:
    return {
        "root": folder,
        "notebooks": folder / "notebooks",
        "out": folder / "reports",
        "a": folder / "panel_a.csv",
        "b": folder / "panel_b.csv",
    }


@pytest.fixture(scope="module")
def rendered_once(tmp_path_factory):
    """The project, rendered once, kept aside; and that first render's flags and summary."""
    root = tmp_path_factory.mktemp("cache")
    project = _build(root / "work")
    first = render(project)
    shutil.copytree(root / "work", root / "pristine", symlinks=True)
    return root, first


@pytest.fixture
def project(rendered_once):
    """The project and its reports as the first render left them, at the same paths."""
    return _restored(rendered_once[0])


def _restored(root: Path) -> dict[str, Path]:
    shutil.rmtree(root / "work")
    shutil.copytree(root / "pristine", root / "work", symlinks=True)
    return _project(root / "work")


@pytest.fixture(scope="module")
def reused_then_forced(rendered_once):
    """From the first render's state: a run that reuses every report, then ``--force``.

    Two tests read the forced run (one its flags, one its pages against the reused ones),
    so it runs once for the module: a forced run renders all five reports again. Returns
    (the reused run's pages, the forced run's pages, the forced run's flags and summary).
    """
    project = _restored(rendered_once[0])
    out = project["out"]
    render(project)  # reused
    reused = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.html")}
    flags, summary = render(project, "--force")
    forced = {page: (out / page).read_bytes() for page in reused}
    return reused, forced, flags, summary


def _build(folder: Path) -> dict[str, Path]:
    """Notebooks (two fixtures, a panel reader, the profile template) and two panels, in a
    stand-in project (its data/ the project's), so they run in warm kernels as the project's do."""
    tmp_path = folder
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir(parents=True)
    for path in FIXTURES.glob("*.ipynb"):
        shutil.copy(path, notebooks / path.name)
    nbformat.write(panel_notebook(), notebooks / "03_panel.ipynb")
    shutil.copy(NOTEBOOKS_DIR / "ccg_profile.ipynb", notebooks / "ccg_profile.ipynb")
    first = tmp_path / "panel_a.csv"
    shutil.copy(SYNTHETIC_PANEL_CSV, first)
    lines = first.read_text(encoding="utf-8").splitlines(keepends=True)
    second = tmp_path / "panel_b.csv"
    row = next(i for i, line in enumerate(lines) if line.startswith("S002,"))
    fields = lines[row].split(",")
    fields[3] = f"{float(fields[3]) + 0.001:.3f}"  # S002's allocation, one £1,000 more
    lines[row] = ",".join(fields)
    second.write_text("".join(lines), encoding="utf-8")
    return _project(folder)


def render(project, *extra: str, panel: str = "a") -> tuple[dict[str, bool], str]:
    """Run qipp render; return each report's ``cached`` flag and the summary line."""
    args = [
        "render",
        "--notebooks-dir",
        str(project["notebooks"]),
        "--out-dir",
        str(project["out"]),
    ]
    args += ["--panel", str(project[panel]), "--jobs", "1", "--no-progress"]
    args += [arg for code in CODES for arg in ("--ccg", code)] + ["--only", "0", *extra]
    with stand_in_project(project["root"]):
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    manifest = json.loads((project["out"] / "manifest.json").read_text(encoding="utf-8"))
    summary = next(line for line in result.output.splitlines() if "rendered," in line)
    return {entry["key"]: entry["cached"] for entry in manifest["entries"]}, summary


def test_a_second_run_with_nothing_changed_starts_no_worker_and_reuses_everything(
    project, rendered_once
):
    _, (first, summary) = rendered_once
    assert not any(first.values()) and summary.startswith(f"{len(first)} rendered, 0 reused")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "qipp.render.pipeline.LocalExecutor",
            lambda *a, **k: pytest.fail("a worker (and its kernel) started"),
        )
        again, summary = render(project)
    assert again == {key: True for key in first}
    assert summary.startswith(f"0 rendered, {len(first)} reused, 0 failed")


def test_a_reused_report_is_the_fresh_one_apart_from_the_rendered_at_line(reused_then_forced):
    reused, forced, _, _ = reused_then_forced
    stamp = re.compile(rb"[Rr]endered [^<\n]*")
    for page, body in reused.items():
        if page.name == "index.html":
            continue
        assert stamp.sub(b"", body) == stamp.sub(b"", forced[page]), page


def test_force_renders_everything_again(reused_then_forced):
    _, _, flags, summary = reused_then_forced
    assert not any(flags.values()) and ", 0 reused" in summary


def test_a_markdown_edit_re_renders_that_notebook_alone(project):
    path = project["notebooks"] / "01_alpha.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[0].source += "\n\nOne more sentence."
    nbformat.write(notebook, path)
    flags, _ = render(project)
    assert [key for key, cached in flags.items() if not cached] == ["finding:01_alpha"]


def test_another_panel_re_renders_the_profiles_and_what_reads_the_panel(project):
    flags, _ = render(project, "--replace", panel="b")
    rendered = sorted(key for key, cached in flags.items() if not cached)
    assert rendered == ["finding:03_panel", *(f"profile:{code}" for code in CODES)]


def test_one_byte_changed_in_a_data_table_re_renders_every_report_that_can_read_it(
    project, tmp_path
):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    table = next((data / "tables").glob("*.csv"))
    table.write_bytes(table.read_bytes() + b"\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("qipp.render.plan.cache.DATA_DIR", data)
        flags, _ = render(project)
    assert not any(flags.values())  # every notebook can read data/: all rendered again


def test_a_change_to_the_qipp_source_re_renders_everything(project):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("qipp.render.plan.cache.code_digest", lambda *a, **k: "changed")
        flags, _ = render(project)
    assert not any(flags.values())


def test_a_corrupt_or_partial_cache_entry_is_a_miss_not_an_error(project, rendered_once):
    _, (first, _) = rendered_once
    entries = sorted((project["out"] / ".cache").iterdir())
    (entries[0] / "entry.json").write_text("{not json", encoding="utf-8")
    shutil.rmtree(entries[1] / "files")
    flags, _ = render(project)
    assert sum(not cached for cached in flags.values()) == 2
    assert len(flags) == len(first)


def test_a_reused_report_brings_its_workbook_and_csvs_and_the_manifest_lists_them(project):
    render(project)  # every report reused from the cache
    out = project["out"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = {entry["key"]: entry["files"] for entry in manifest["entries"]}
    for code in CODES:
        assert {f"ccg/{code}.xlsx", f"ccg/{code}-1.csv"} <= set(files[f"profile:{code}"])
        assert all((out / name).is_file() for name in files[f"profile:{code}"])
