"""``render_batch.py --executors``: the local process pool against Dask's LocalCluster.

Both render the full set with ``qipp render`` from the working tree into a new, empty
report folder each time (so the render cache never answers), the pool as
``qipp render`` and the cluster as ``qipp render --scheduler local``, alternating,
``--rounds`` times (three or more). Prints every round, the median of each and
``ratio local-cluster/pool: x.xx`` (above 1 means the cluster is slower). Decision 0035
chose the local executor with it: Dask locally only within 5% of the pool.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from against import render_full_set

from qipp.paths import PROJECT_ROOT

VARIANTS = {"pool": (), "local cluster": ("--scheduler", "local")}


def run_executors(scratch: Path, jobs: int | None, rounds: int) -> float:
    """Time both ``rounds`` times, alternating; print and return cluster/pool (medians)."""
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for number in range(rounds):
        order = list(VARIANTS) if number % 2 == 0 else list(VARIANTS)[::-1]
        for name in order:
            out = scratch / f"reports-{name.replace(' ', '-')}-{number}"
            seconds = render_full_set(PROJECT_ROOT, out, jobs, VARIANTS[name])
            times[name].append(seconds)
            print(f"round {number + 1} {name:>13}: full set {seconds:6.1f} s", flush=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(
        f"median of {rounds}: pool {medians['pool']:.1f} s, "
        f"local cluster {medians['local cluster']:.1f} s"
    )
    ratio = medians["local cluster"] / medians["pool"]
    print(f"ratio local-cluster/pool: {ratio:.2f}")
    return ratio
