"""Every finding notebook writes its findings only where the run says (blank: nowhere)."""

from __future__ import annotations

import json
import re

import pytest

from qipp.paths import NOTEBOOKS_DIR

FINDING_NOTEBOOKS = sorted(p for p in NOTEBOOKS_DIR.glob("*.ipynb") if re.match(r"\d\d_", p.name))


@pytest.mark.parametrize("path", FINDING_NOTEBOOKS, ids=lambda p: p.stem)
def test_findings_path_defaults_to_writing_nothing(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    assert re.search(r'^findings_path: str = ""', code[0], re.M), (
        "findings_path must default to blank"
    )
    assert "findings_destination(findings_path)" in "\n".join(code)
    assert "FINDINGS_DIR" not in "\n".join(code)
