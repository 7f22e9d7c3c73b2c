"""A notebook of one's own: the template renders with ``--notebooks-dir``, its record on the index.

One render of a copy of ``notebooks/templates`` with a papermill output of the template
beside it, which is skipped with a line saying why rather than rendered twice.
"""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from qipp.cli import main
from qipp.findings import read_findings
from qipp.paths import NOTEBOOKS_DIR

TEMPLATE = NOTEBOOKS_DIR / "templates" / "own_finding.ipynb"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("own")
    folder = root / "mine"
    folder.mkdir()
    shutil.copy(TEMPLATE, folder / TEMPLATE.name)
    copy = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    copy["metadata"]["papermill"] = {"input_path": TEMPLATE.name, "output_path": "run.ipynb"}
    (folder / "run.ipynb").write_text(json.dumps(copy), encoding="utf-8")
    out = root / "reports"
    args = ["render", "--notebooks-dir", str(folder), "--out-dir", str(out), "--no-progress"]
    return out, CliRunner().invoke(main, [*args, "--jobs", "1"])


def test_the_template_renders_once_and_its_copy_is_skipped_with_a_line(rendered):
    out, result = rendered
    assert result.exit_code == 0, result.output
    assert "SKIPPED run.ipynb: papermill's executed copy of own_finding.ipynb" in result.output
    assert "1 rendered, 0 reused, 0 failed." in result.output
    assert (out / "own_finding.html").is_file() and not (out / "run.html").exists()


def test_its_findings_record_shows_on_the_index(rendered):
    out, _ = rendered
    record = read_findings(out / "findings" / "own_finding.json")
    assert record["notebook"] == "own_finding" and record["reproduced"] is None
    assert record["lowest_region"] in record["verdict"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert record["verdict"] in index and "no findings file" not in index
    assert "n/a (not a published finding)" in index
