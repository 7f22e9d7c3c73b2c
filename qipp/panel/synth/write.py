"""Write a drawn panel as CSV with its sidecar, which says how it was drawn."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd

from qipp.atomic import atomic_write_text
from qipp.panel.io import panel_to_csv_text, write_sidecar
from qipp.panel.schema import STATUS_SYNTHETIC
from qipp.panel.synth.allocations import allocation_assumptions, register_lists
from qipp.panel.synth.draw import DEFAULT_RHO, DEFAULT_SEED, GENERATOR_VERSION, generate_panel
from qipp.panel.synth.quarter2 import (
    Q2_NOTE,
    generate_two_quarters,
    two_quarter_assumptions,
)
from qipp.panel.synth.targets import published_targets


def panel_metadata(seed: int, rho: float) -> dict[str, Any]:
    """The sidecar record for a panel drawn with ``seed`` and ``rho``, allocation assumptions included.

    >>> record = panel_metadata(7, 0.3)
    >>> record["seed"], record["rho"], record["generator_version"] == GENERATOR_VERSION
    (7, 0.3, True)
    """
    targets = published_targets()
    return {
        "data_status": STATUS_SYNTHETIC,
        "generator": "qipp.panel.synth.generate_panel",
        "generator_version": GENERATOR_VERSION,
        "seed": int(seed),
        "rho": float(rho),
        "n_ccgs": targets.n_ccgs,
        "allocations": allocation_assumptions(targets, register_lists()),
        "note": (
            "SYNTHETIC DATA: invented CCGs whose aggregates match those HSJ published "
            "for Q1 2013-14. Only the targets of NHS Dorset CCG and NHS West Essex "
            "CCG (and Dorset's plan) are real; every other figure is invented. "
            "Allocations are registered patients times an assumed figure per head: "
            "Dorset's is the one its published plan and target imply, West Essex's "
            "uses its real list (QOF 2013-14), and the invented CCGs' lists are drawn "
            "from the spread of real CCGs' lists, none equal to a real one."
        ),
    }


def write_synthetic_panel(
    path: Path | str, seed: int = DEFAULT_SEED, rho: float = DEFAULT_RHO, quarters: int = 1
) -> pd.DataFrame:
    """Draw a panel, write it as CSV with its sidecar (``.meta.json``, with the CSV's SHA-256), return it.

    Parameters
    ----------
    path : Path or str
        The CSV to write; the sidecar goes beside it.
    seed, rho : int, float
        As :func:`generate_panel` takes them.
    quarters : int
        1: Q1; 2: Q1 and a Q2 grown from it (:func:`generate_two_quarters`), in long form.

    Returns
    -------
    DataFrame
        The panel written.
    """
    metadata = panel_metadata(seed, rho)
    if quarters == 2:
        panel = generate_two_quarters(seed, rho)
        metadata["generator"] = "qipp.panel.synth.generate_two_quarters"
        metadata["note"] += " " + Q2_NOTE
        metadata["second_quarter"] = two_quarter_assumptions()
    else:
        panel = generate_panel(seed, rho)
    text = panel_to_csv_text(panel)
    atomic_write_text(path, text)
    metadata["csv_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    write_sidecar(path, metadata)
    return panel
