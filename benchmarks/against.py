"""``render_batch.py --against REV``: the local render now and at another revision, side by side.

Both trees render the full set with ``qipp render`` (no ``--scheduler``) into a new,
empty report folder each time, so the render cache never answers, alternating
``--rounds`` times, in the same virtualenv. Prints each run, the best of each, and
``ratio now/before: x.xx`` (above 1 means slower now).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from trees import environment, unpack

from qipp.paths import PROJECT_ROOT

BIN = Path(sys.executable).parent


def render_full_set(root: Path, out: Path, jobs: int | None, extra: tuple[str, ...] = ()) -> float:
    """Seconds for ``qipp render`` of the tree at ``root`` into ``out`` (with ``extra`` options)."""
    command = [str(BIN / "qipp"), "render", "--out-dir", str(out), "--no-progress", *extra]
    command += ["--jobs", str(jobs)] if jobs is not None else []
    started = time.perf_counter()
    done = subprocess.run(command, cwd=root, env=environment(root), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(
            f"qipp render in {root} failed ({done.returncode}):\n{done.stderr[-2000:]}"
        )
    return seconds


def run_against(revision: str, scratch: Path, jobs: int | None, rounds: int) -> float:
    """Time both trees ``rounds`` times, alternating; print and return now/before."""
    trees = {"before": unpack(revision, scratch / "before"), "now": PROJECT_ROOT}
    best: dict[str, float] = {}
    for number in range(rounds):
        order = list(trees) if number % 2 == 0 else list(trees)[::-1]
        for name in order:
            seconds = render_full_set(trees[name], scratch / f"reports-{name}-{number}", jobs)
            best[name] = min(best.get(name, seconds), seconds)
            label = f"{revision}" if name == "before" else "the working tree"
            print(f"round {number + 1} {name:>6} ({label}): full set {seconds:6.1f} s", flush=True)
    ratio = best["now"] / best["before"]
    print(f"best of {rounds}: before {best['before']:.1f} s, now {best['now']:.1f} s")
    print(f"ratio now/before: {ratio:.2f}")
    return ratio
