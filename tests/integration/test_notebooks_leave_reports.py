"""A notebook run by hand never writes into reports/ (only qipp render does).

JupyterLab and ``jupyter nbconvert --execute`` run a notebook with its defaults,
where ``findings_path`` is blank; the notebook must then write no findings, so a
rendered report set is never mixed with another run's figures.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from qipp.paths import NOTEBOOKS_DIR, REPORTS_DIR

FINDING_NOTEBOOKS = sorted(p for p in NOTEBOOKS_DIR.glob("*.ipynb") if re.match(r"\d\d_", p.name))


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_nbconvert_execute_leaves_reports_untouched(tmp_path):
    # The ledger notebook is the quickest to execute; every finding notebook resolves
    # its path through the same function (test above).
    before = _snapshot(REPORTS_DIR)
    notebook = NOTEBOOKS_DIR / "00_claims_ledger.ipynb"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--output-dir",
            str(tmp_path),
            str(notebook),
        ],
        capture_output=True,
        text=True,
        cwd=NOTEBOOKS_DIR,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert _snapshot(REPORTS_DIR) == before
    executed = json.loads((tmp_path / notebook.name).read_text(encoding="utf-8"))
    printed = "".join(
        "".join(o.get("text", "")) for c in executed["cells"] for o in c.get("outputs", [])
    )
    assert "Key figures not written: findings_path is blank" in printed
