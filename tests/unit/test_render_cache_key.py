"""What the render cache's key sees, and what it ignores (decision 0032).

Each input the issue lists changes the key; what cannot change a report (outputs,
execution counts, the run's staging folder) does not. Small hand-built files.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qipp.render.plan import cache
from qipp.render.plan.cache import (
    PACKAGE_DIR,
    RenderCache,
    code_digest,
    data_digest,
    notebook_digest,
)
from qipp.render.plan.jobs import JobResult, RenderJob
from qipp.render.site.export import STYLESHEET, TEMPLATES_ROOT


def write_notebook(path: Path, markdown: str = "# Title", outputs: list | None = None) -> Path:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": [markdown]},
        {
            "cell_type": "code",
            "execution_count": 3 if outputs else None,
            "metadata": {"tags": ["parameters"], "papermill": {"duration": 1.5}},
            "outputs": outputs or [],
            "source": ["seed: int = 1  # seed"],
        },
    ]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}), "utf-8")
    return path


def test_notebook_digest_ignores_outputs_counts_and_timings(tmp_path):
    bare = notebook_digest(write_notebook(tmp_path / "a.ipynb"))
    output = [{"output_type": "stream", "name": "stdout", "text": ["42\n"]}]
    executed = notebook_digest(write_notebook(tmp_path / "b.ipynb", outputs=output))
    assert bare == executed


def test_notebook_digest_sees_a_markdown_edit_and_a_tag(tmp_path):
    bare = notebook_digest(write_notebook(tmp_path / "a.ipynb"))
    assert notebook_digest(write_notebook(tmp_path / "b.ipynb", markdown="# Title.")) != bare
    document = json.loads((tmp_path / "a.ipynb").read_text("utf-8"))
    document["cells"][1]["metadata"]["tags"] = []
    (tmp_path / "c.ipynb").write_text(json.dumps(document), "utf-8")
    assert notebook_digest(tmp_path / "c.ipynb") != bare


def test_data_digest_sees_one_byte_a_new_file_and_a_rename(tmp_path):
    (tmp_path / "sub").mkdir()
    table = tmp_path / "sub" / "table.csv"
    table.write_bytes(b"a,b\n1,2\n")
    before = data_digest(tmp_path)
    table.write_bytes(b"a,b\n1,3\n")
    one_byte = data_digest(tmp_path)
    (tmp_path / "extra.txt").write_bytes(b"")
    added = data_digest(tmp_path)
    table.rename(tmp_path / "sub" / "renamed.csv")
    renamed = data_digest(tmp_path)
    assert len({before, one_byte, added, renamed}) == 4


def test_code_digest_sees_the_lock_file_and_the_html_template(tmp_path):
    package = tmp_path / "qipp"
    templates = package / TEMPLATES_ROOT.relative_to(PACKAGE_DIR)
    shutil.copytree(TEMPLATES_ROOT, templates)
    lock = tmp_path / "requirements.lock"
    lock.write_text("pandas==2.2.3\n", "utf-8")
    before = code_digest(package, lock)
    lock.write_text("pandas==2.2.2\n", "utf-8")
    new_lock = code_digest(package, lock)
    css = templates / STYLESHEET.relative_to(TEMPLATES_ROOT)
    css.write_text(css.read_text("utf-8") + "\n/* edited */\n", "utf-8")
    new_template = code_digest(package, lock)
    assert len({before, new_lock, new_template}) == 3


def test_the_html_template_is_inside_the_hashed_package():
    assert STYLESHEET.is_file() and PACKAGE_DIR in STYLESHEET.parents
    assert (PACKAGE_DIR / "__init__.py").is_file() and PACKAGE_DIR.name == "qipp"


def key_of(job: RenderJob, stage: Path, *, show_code: bool = False, panel: str = "p1") -> str:
    inputs = {"data": "d", "code": "c", "show_code": show_code, "kernel": "python3"}
    return RenderCache(stage / "out", inputs, panel).key(job, stage)


@pytest.fixture
def notebook(tmp_path):
    return write_notebook(tmp_path / "01_x.ipynb")


def test_the_staging_folder_does_not_change_the_key(tmp_path, notebook):
    def job(stage: Path) -> RenderJob:
        return RenderJob("finding", "01_x", notebook, {"findings_path": f"{stage}/f/01_x.json"})

    first, second = tmp_path / "stage-1", tmp_path / "stage-2"
    assert key_of(job(first), first) == key_of(job(second), second)


def test_parameters_and_show_code_change_the_key(tmp_path, notebook):
    plain = RenderJob("finding", "01_x", notebook, {"seed": 1})
    assert key_of(plain, tmp_path) != key_of(plain, tmp_path, show_code=True)
    reseeded = RenderJob("finding", "01_x", notebook, {"seed": 2})
    assert key_of(plain, tmp_path) != key_of(reseeded, tmp_path)


def test_only_jobs_that_read_the_panel_see_its_digest(tmp_path, notebook):
    finding = RenderJob("finding", "01_x", notebook)
    profile = RenderJob("profile", "07H", notebook, {"ccg_code": "07H"}, uses_panel=True)
    assert key_of(finding, tmp_path, panel="p1") == key_of(finding, tmp_path, panel="p2")
    assert key_of(profile, tmp_path, panel="p1") != key_of(profile, tmp_path, panel="p2")


def test_run_inputs_name_data_code_and_the_options_that_show(monkeypatch):
    class Options:
        show_code = True
        kernel_name = "python3"

    monkeypatch.setattr(cache, "data_digest", lambda: "data-digest")
    monkeypatch.setattr(cache, "code_digest", lambda: "code-digest")
    assert cache.run_inputs(Options()) == {
        "data": "data-digest",
        "code": "code-digest",
        "show_code": True,
        "kernel": "python3",
    }


def test_reuse_copies_a_stored_report_into_the_stage_and_drops_a_damaged_entry(tmp_path, notebook):
    out = tmp_path / "out"
    (out / "findings").mkdir(parents=True)
    (out / "01_x.html").write_text("page", "utf-8")
    (out / "findings" / "01_x.json").write_text("{}", "utf-8")
    job = RenderJob("finding", "01_x", notebook, html="01_x.html", findings="findings/01_x.json")
    inputs = {"data": "d", "code": "c", "show_code": False, "kernel": "python3"}
    store = RenderCache(out, inputs, "p1")
    fresh = JobResult(job, True, "Title", files=["01_x.html", "findings/01_x.json"])
    store.store(fresh, tmp_path / "stage-1", out, "2026-11-30T10:00Z")

    stage = tmp_path / "stage-2"
    hits = RenderCache(out, inputs, "p1").reuse([job], stage)
    assert list(hits) == ["finding:01_x"]
    hit = hits["finding:01_x"]
    assert hit.cached and hit.ok and hit.title == "Title"
    assert hit.rendered_at == "2026-11-30T10:00Z"
    assert (stage / "01_x.html").read_text("utf-8") == "page"
    assert (stage / "findings" / "01_x.json").read_text("utf-8") == "{}"

    entry = out / cache.CACHE_DIR_NAME / store.key(job, stage)
    (entry / "files" / "01_x.html").unlink()
    assert RenderCache(out, inputs, "p1").reuse([job], tmp_path / "stage-3") == {}
    assert not entry.exists()
