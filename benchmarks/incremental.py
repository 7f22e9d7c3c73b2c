"""``render_batch.py --incremental``: what the render cache saves, in one run.

Three builds of the full report set in a scratch copy of the project (its
files as they stand in the working tree, git-ignored ones left out, so nothing
of the user's is touched): a full build into an empty report folder, a no-op rebuild, and a
rebuild after a markdown edit in one finding notebook. Prints each build's time,
reports rendered and reused and kernels started, and the lines::

    ratio noop/full: 0.0xx
    ratio one-changed/full: 0.0xx
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from qipp.paths import PROJECT_ROOT

BIN = Path(sys.executable).parent
# The finding notebook the third build edits (a markdown cell: no code changes).
EDITED_NOTEBOOK = "notebooks/01_shortfall_doubling.ipynb"


def scratch_copy(into: Path) -> Path:
    """Copy the project's files (tracked, or new and not ignored), as they are now, into ``into``."""
    listed = subprocess.run(
        [
            "git",
            "-C",
            str(PROJECT_ROOT),
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = PROJECT_ROOT / name
        if source.is_file():
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return into


def edit_markdown(notebook: Path) -> None:
    """Append a sentence to the notebook's first markdown cell."""
    document = json.loads(notebook.read_text(encoding="utf-8"))
    cell = next(c for c in document["cells"] if c["cell_type"] == "markdown")
    source = cell["source"] if isinstance(cell["source"], list) else [cell["source"]]
    cell["source"] = [*source, "\n\n(Edited by the incremental-rebuild benchmark.)"]
    notebook.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", "utf-8")


def build(root: Path, jobs: int | None) -> tuple[float, dict[str, int]]:
    """Run ``qipp render`` over the copy at ``root``; seconds, and what the manifest says."""
    command = [str(BIN / "qipp"), "render", "--no-progress"]
    command += ["--jobs", str(jobs)] if jobs is not None else []
    env = {**os.environ, "PYTHONPATH": str(root), "QIPP_ROOT": str(root)}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"qipp render failed ({done.returncode}):\n{done.stderr[-2000:]}")
    entries = json.loads((root / "reports" / "manifest.json").read_text("utf-8"))["entries"]
    counts = {
        "rendered": sum(not e.get("cached") for e in entries),
        "reused": sum(bool(e.get("cached")) for e in entries),
        "kernels": sum("kernel_start_s" in e.get("timings_s", {}) for e in entries),
    }
    return seconds, counts


def run_incremental(scratch: Path, jobs: int | None) -> dict[str, float]:
    """Time the three builds in ``scratch``; print them and their ratios to the full build."""
    root = scratch_copy(scratch / "project")
    seconds: dict[str, float] = {}
    steps = (
        ("full", "full build, empty report folder", None),
        ("noop", "no-op rebuild, nothing changed", None),
        ("one-changed", f"rebuild after a markdown edit in {Path(EDITED_NOTEBOOK).name}", 1),
    )
    for key, label, expected_rendered in steps:
        if key == "one-changed":
            edit_markdown(root / EDITED_NOTEBOOK)
        seconds[key], counts = build(root, jobs)
        print(
            f"{label:<64} {seconds[key]:7.2f} s  ({counts['rendered']} rendered, "
            f"{counts['reused']} reused, {counts['kernels']} kernel(s) started)",
            flush=True,
        )
        if key == "noop":
            expected_rendered = 0
        if expected_rendered is not None and counts["rendered"] != expected_rendered:
            raise SystemExit(
                f"{key}: expected {expected_rendered} report(s) rendered, {counts['rendered']} were"
            )
    print(f"ratio noop/full: {seconds['noop'] / seconds['full']:.3f}")
    print(f"ratio one-changed/full: {seconds['one-changed'] / seconds['full']:.3f}")
    return seconds
