"""``--notebooks-dir`` renders source notebooks, never papermill's executed copies of them."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from qipp.render.errors import RenderInputError
from qipp.render.options import RenderOptions
from qipp.render.pipeline import render_reports
from qipp.render.plan.jobs import discover_notebooks
from qipp.render.plan.parameters import executed_copy_of


def _write(path, *, papermill=None, injected=False):
    """A small notebook with a parameters cell; as papermill leaves it when asked."""
    params = new_code_cell('findings_path: str = ""  # where the record goes')
    params.metadata["tags"] = ["parameters"]
    cells = [new_markdown_cell(f"# {path.stem}"), params]
    if injected:
        cell = new_code_cell('findings_path = "out.json"\n')
        cell.metadata["tags"] = ["injected-parameters"]
        cells.append(cell)
    notebook = new_notebook(cells=[*cells, new_code_cell("x = 1")])
    if papermill is not None:
        notebook.metadata["papermill"] = papermill
    nbformat.write(notebook, path)
    return path


def test_papermill_outputs_are_left_out_with_a_line_each(tmp_path):
    source = _write(tmp_path / "mine.ipynb")
    meta = {"input_path": "mine.ipynb", "output_path": "mine_out.ipynb", "parameters": {}}
    _write(tmp_path / "mine_out.ipynb", papermill=meta, injected=True)
    _write(tmp_path / "run2.ipynb", injected=True)  # metadata stripped, injected cell kept
    _write(tmp_path / "_draft.ipynb")
    skipped: list[str] = []
    assert discover_notebooks(tmp_path, skipped) == [source]
    assert skipped == [
        "mine_out.ipynb: papermill's executed copy of mine.ipynb, not rendered",
        "run2.ipynb: papermill's executed copy of another notebook, not rendered",
    ]


def test_a_source_notebook_with_empty_papermill_metadata_or_bad_json_is_kept(tmp_path):
    # jupytext and some editors leave an empty papermill block; it names no run.
    kept = _write(tmp_path / "a.ipynb", papermill={"parameters": {}})
    broken = tmp_path / "b.ipynb"
    broken.write_text("{not json", encoding="utf-8")
    assert executed_copy_of(kept) is None and executed_copy_of(broken) is None
    assert discover_notebooks(tmp_path) == [kept, broken]


def test_a_folder_of_copies_only_says_why_nothing_rendered(tmp_path):
    _write(tmp_path / "out.ipynb", papermill={"input_path": "src.ipynb"})
    options = RenderOptions(
        out_dir=tmp_path / "reports", notebooks_dir=tmp_path, profiles=[], panel_synthetic=True
    )
    with pytest.raises(RenderInputError, match="skipped out.ipynb: papermill's executed copy"):
        render_reports(options)


def test_the_default_render_leaves_the_template_folder_out():
    from qipp.paths import NOTEBOOKS_DIR

    found = discover_notebooks(NOTEBOOKS_DIR)
    assert found and all(path.parent == NOTEBOOKS_DIR for path in found)
    assert discover_notebooks(NOTEBOOKS_DIR / "templates") == [
        NOTEBOOKS_DIR / "templates" / "own_finding.ipynb"
    ]
