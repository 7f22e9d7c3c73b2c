"""``qipp render --in-place``: committed notebooks re-executed, stable, failures left alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from qipp.cli import main
from qipp.render.options import RenderOptions
from qipp.render.pipeline import render_in_place

FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"


def test_in_place_strips_volatile_metadata_reproduces_itself_and_spares_failures(tmp_path):
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    for name in ("01_alpha.ipynb", "02_beta.ipynb"):
        shutil.copy(FIXTURES / name, notebooks / name)
    broken = new_notebook()
    broken.cells = [new_markdown_cell("# Broken"), new_code_cell("1 / 0")]
    broken.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(broken, notebooks / "03_broken.ipynb")
    broken_bytes = (notebooks / "03_broken.ipynb").read_bytes()

    result = CliRunner().invoke(
        main, ["render", "--in-place", "--notebooks-dir", str(notebooks), "--no-progress"]
    )
    assert result.exit_code == 1
    assert "2 notebook(s) re-executed in place, 1 failed." in result.output
    assert (
        "FAILED in-place 03_broken: cell 2 (In [1]): ZeroDivisionError: division by zero"
        in result.output
    )
    assert (notebooks / "03_broken.ipynb").read_bytes() == broken_bytes
    # The lock that keeps two runs out of one folder stays (git ignores it); nothing else.
    assert sorted(p.name for p in notebooks.iterdir()) == [
        ".qipp-render.lock",
        "01_alpha.ipynb",
        "02_beta.ipynb",
        "03_broken.ipynb",
    ]

    alpha = json.loads((notebooks / "01_alpha.ipynb").read_text())
    assert "papermill" not in alpha["metadata"]
    code = [c for c in alpha["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    assert all(
        "execution" not in c["metadata"] and "papermill" not in c["metadata"]
        for c in alpha["cells"]
    )
    assert any(o.get("data", {}).get("image/png") for c in code for o in c["outputs"])
    assert not any(
        c.get("metadata", {}).get("tags") == ["injected-parameters"] for c in alpha["cells"]
    )

    first = (notebooks / "01_alpha.ipynb").read_bytes()
    summary = render_in_place(
        RenderOptions(notebooks_dir=notebooks, only=("01_alpha",), jobs=1, progress=False)
    )
    assert summary.ok and [r.job.name for r in summary.results] == ["01_alpha"]
    assert (notebooks / "01_alpha.ipynb").read_bytes() == first
