"""Notebook 02 before and after issue #15's faster simulation, side by side in one run.

The baseline is the project as it stood before the change (``--baseline``, a git
revision; by default the last commit before it), unpacked with ``git archive``
into a temporary folder. Both versions run in the same virtualenv, alternating,
``--rounds`` times each:

- **simulation**: ``target_gap.power_analysis`` with the notebook's default
  parameters (143 CCGs, 6 correlations, 200 panels each), timed inside a fresh
  Python process (imports excluded);
- **notebook**: the whole of ``02_target_size_vs_gap.ipynb`` under papermill,
  timed as the sum of its cells' durations (kernel start excluded) and as wall
  time of the papermill process;
- **in qipp render**: the notebook's cells as ``qipp render --only`` runs them in
  a warm kernel (imports done before the notebook starts), from the manifest.

It also checks that both versions' detection tables are identical (the draws are
the same), then prints the best time of each and lines of the form
``ratio before/after (simulation): 10.8``. Run from the project root (a git
clone)::

    .venv/bin/python benchmarks/notebook02.py
    .venv/bin/python benchmarks/notebook02.py --rounds 3 --baseline <rev>
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Modules beside this script (benchmarks/ is on sys.path when it runs).
from machine import machine_line
from trees import environment, unpack

from qipp.paths import PROJECT_ROOT

# The merge of issue 14 into issue 15's branch: the last commit before the change.
BASELINE_REV = "9c68c4a"
NOTEBOOK = "notebooks/02_target_size_vs_gap.ipynb"
SIMULATION = """
import json, sys, time
from qipp.findings.target_gap.checks import injected_rhos, power_analysis
start = time.perf_counter()
result = power_analysis(143, alpha=0.05, power=0.8, rhos=injected_rhos(0.5, 0.1),
                        n_sims=200, seed=2013)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "table": result.detection.to_dict("list")}))
"""


def time_simulation(root: Path) -> tuple[float, dict]:
    done = subprocess.run(
        [sys.executable, "-c", SIMULATION],
        env=environment(root),
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["seconds"], result["table"]


def time_notebook(root: Path, out: Path) -> tuple[float, float]:
    """Seconds in the notebook's cells, and wall seconds of the papermill process."""
    executed = out / f"02_{root.name}.ipynb"
    command = [sys.executable, "-m", "papermill", str(root / NOTEBOOK), str(executed)]
    command += ["--cwd", str(root / "notebooks"), "--no-progress-bar", "-k", "python3"]
    start = time.perf_counter()
    subprocess.run(command, env=environment(root), capture_output=True, check=True)
    wall = time.perf_counter() - start
    cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    in_cells = sum(c["metadata"].get("papermill", {}).get("duration") or 0.0 for c in cells)
    return in_cells, wall


def time_in_render(root: Path, out: Path) -> float:
    """Seconds of the notebook's cells in a warm ``qipp render`` kernel (its manifest)."""
    command = [str(Path(sys.executable).parent / "qipp"), "render", "--out-dir", str(out)]
    command += ["--only", Path(NOTEBOOK).stem, "--jobs", "1", "--no-progress"]
    subprocess.run(command, env=environment(root), cwd=root, capture_output=True, check=True)
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["entries"]
    return sum(entry["timings_s"]["cells_s"] for entry in entries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default=BASELINE_REV, help="git revision before the change")
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs of each version")
    args = parser.parse_args()
    print(machine_line(), flush=True)
    with tempfile.TemporaryDirectory(prefix="qipp-nb02-") as tmp:
        before = unpack(args.baseline, Path(tmp, "before").resolve())
        trees = {"before": before, "after": PROJECT_ROOT}
        best: dict[str, dict[str, float]] = {name: {} for name in trees}
        tables = {}
        for round_number in range(1, args.rounds + 1):
            for name, root in trees.items():
                sim, tables[name] = time_simulation(root)
                cells, wall = time_notebook(root, Path(tmp))
                # A new report folder each time, so the render cache cannot answer.
                warm = time_in_render(root, Path(tmp, f"reports-{name}-{round_number}"))
                print(
                    f"round {round_number} {name:>6}: simulation {sim:6.2f} s, "
                    f"notebook cells {cells:6.2f} s, papermill wall {wall:6.2f} s, "
                    f"in qipp render {warm:6.2f} s",
                    flush=True,
                )
                measured = {"simulation": sim, "notebook": cells, "wall": wall, "render": warm}
                for key, value in measured.items():
                    best[name][key] = min(best[name].get(key, value), value)
    print(
        "detection tables "
        + (
            "identical: the same draws"
            if tables["before"] == tables["after"]
            else "differ: the draws changed"
        )
    )
    labels = {
        "simulation": "simulation",
        "notebook": "notebook cells",
        "wall": "papermill wall",
        "render": "in qipp render",
    }
    for key, label in labels.items():
        ratio = best["before"][key] / best["after"][key]
        print(f"ratio before/after ({label}): {ratio:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
