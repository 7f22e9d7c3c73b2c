"""``render_batch.py --scale``: seconds per CCG profile at 143, 500 and 1,000 CCGs.

The panels are made here, for this benchmark only, in a temporary folder, and
never written under ``data/``: 1,000 CCGs sampled from independent draws of
the calibrated generator (``draw_measured_panel``), so each CCG looks like a
real one but no published total holds (the panel is *uncalibrated*). The
smaller panels are its first 143 and 500 rows. Codes run S000 to S999, the
whole synthetic code space.

For each size, ``qipp render --only ccg_profile --panel ...`` renders every
profile into an empty report folder. Printed per size: wall seconds, seconds per
profile (wall / profiles), and worker seconds per profile from the manifest
(the notebook's own cost, without start-up). If cost grows linearly with the
number of CCGs, seconds per profile stay flat as the panel grows.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from qipp.findings.target_gap.checks import draw_measured_panel
from qipp.panel.io import write_panel_csv
from qipp.panel.schema import PANEL_COLUMNS

BIN = Path(sys.executable).parent
SIZES = (143, 500, 1000)
SEED = 2013


def uncalibrated_panel(n_ccgs: int, seed: int = SEED) -> pd.DataFrame:
    """``n_ccgs`` synthetic CCGs (at most 1,000) sampled from calibrated draws; no total holds."""
    if not 1 <= n_ccgs <= 1000:
        raise ValueError(f"synthetic codes S000-S999 allow 1 to 1,000 CCGs, not {n_ccgs}")
    panel = draw_measured_panel(seed, 0.0, max(SIZES))[PANEL_COLUMNS].head(n_ccgs).copy()
    panel["ccg_code"] = [f"S{i:03d}" for i in range(n_ccgs)]
    panel["ccg_name"] = [f"Synthetic CCG {i:03d}" for i in range(n_ccgs)]  # as validation asks
    return panel


def render_profiles(panel_csv: Path, out: Path, jobs: int | None) -> tuple[float, float, int]:
    """Wall seconds, summed worker seconds and profiles of one ``qipp render`` of the profiles."""
    command = [str(BIN / "qipp"), "render", "--only", "ccg_profile", "--panel", str(panel_csv)]
    command += ["--out-dir", str(out), "--no-progress"]
    command += ["--jobs", str(jobs)] if jobs is not None else []
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"qipp render failed ({done.returncode}):\n{done.stderr[-2000:]}")
    entries = json.loads((out / "manifest.json").read_text("utf-8"))["entries"]
    worker = sum(sum(e.get("timings_s", {}).values()) for e in entries)
    return wall, worker, len(entries)


def run_scale(scratch: Path, jobs: int | None) -> dict[int, float]:
    """Render the profiles at each size; print seconds per profile; return them by size."""
    per_profile: dict[int, float] = {}
    for n_ccgs in SIZES:
        panel_csv = scratch / f"scale_panel_{n_ccgs}.csv"
        write_panel_csv(uncalibrated_panel(n_ccgs), panel_csv)
        wall, worker, profiles = render_profiles(panel_csv, scratch / f"reports-{n_ccgs}", jobs)
        if profiles != n_ccgs:
            raise SystemExit(
                f"{n_ccgs} CCGs: expected {n_ccgs} profiles, the manifest has {profiles}"
            )
        per_profile[n_ccgs] = wall / profiles
        print(
            f"{n_ccgs:>5} CCGs: {wall:7.1f} s wall, {per_profile[n_ccgs]:.3f} s per profile "
            f"(worker time {worker / profiles:.3f} s per profile)",
            flush=True,
        )
    smallest, largest = SIZES[0], SIZES[-1]
    print(
        f"ratio per-profile {largest}/{smallest}: {per_profile[largest] / per_profile[smallest]:.2f}"
        " (1.00 is linear growth)"
    )
    return per_profile
