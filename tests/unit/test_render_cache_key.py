"""What the render cache's key sees, and what it ignores (decision 0032).

Each input the issue lists changes the key; what cannot change a report (outputs,
execution counts, the run's staging folder) does not. Small hand-built files.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qipp.render import cache
from qipp.render.cache import (
    PACKAGE_DIR,
    RenderCache,
    code_digest,
    data_digest,
    notebook_digest,
)
from qipp.render.jobs import RenderJob


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
    shutil.copytree(PACKAGE_DIR / "render" / "templates", package / "render" / "templates")
    lock = tmp_path / "requirements.lock"
    lock.write_text("pandas==2.2.3\n", "utf-8")
    before = code_digest(package, lock)
    lock.write_text("pandas==2.2.2\n", "utf-8")
    new_lock = code_digest(package, lock)
    css = package / "render" / "templates" / "report.css"
    css.write_text(css.read_text("utf-8") + "\n/* edited */\n", "utf-8")
    new_template = code_digest(package, lock)
    assert len({before, new_lock, new_template}) == 3


def test_the_html_template_is_inside_the_hashed_package():
    template = PACKAGE_DIR / "render" / "templates" / "report.css"
    assert template.is_file() and PACKAGE_DIR in template.parents


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
