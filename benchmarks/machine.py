"""The line every benchmark prints first: which machine, how busy (ratios are quoted per machine)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine_line() -> str:
    """Cores this process may use, CPU model, load average and Python."""
    model = ""
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{len(os.sched_getaffinity(0))} cores ({model or platform.machine()}), "
        f"load average {load}, Python {platform.python_version()}"
    )
