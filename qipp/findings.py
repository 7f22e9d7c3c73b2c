"""The findings JSON each notebook writes as its last act, and reads back for the index.

A findings file holds the key figures of one notebook run so that reports, the
index page and other tools can use them without re-running the notebook. Every
file has ``notebook``, ``parameters``, ``verdict`` (one sentence) and
``reproduced`` (bool); the rest are the notebook's own figures.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "f.json"
>>> record = write_findings(path, notebook="99_demo", parameters={"alpha": 0.05},
...                         verdict="It holds.", reproduced=True, ratio=2.0618)
>>> read_findings(path)["ratio"]
2.0618
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from qipp.atomic import atomic_write_text

REQUIRED_KEYS = ("notebook", "parameters", "verdict", "reproduced")


def _plain(value: Any) -> Any:
    """Convert numpy and pandas scalars and containers to plain JSON types.

    >>> _plain({"a": np.float64(1.5), "b": [np.int64(2), np.bool_(True)]})
    {'a': 1.5, 'b': [2, True]}
    >>> _plain(float("nan")) is None
    True
    """
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        number = float(value)
        return None if math.isnan(number) else number
    return value


def write_findings(path: Path | str, *, notebook: str, parameters: dict, verdict: str,
                   reproduced: bool, **figures: Any) -> dict:
    """Write a findings record as JSON (atomically) and return it.

    Parameters
    ----------
    path : Path or str
        Where to write, usually ``reports/findings/<notebook>.json``.
    notebook : str
        The notebook's stem.
    parameters : dict
        The parameters the notebook ran with (plain values only).
    verdict : str
        One sentence: what the data shows about the published claim.
    reproduced : bool
        Whether the published finding was reproduced.
    **figures
        The notebook's key figures.

    Returns
    -------
    dict
        The record as written.
    """
    if not verdict.strip():
        raise ValueError("verdict must be a sentence, not empty")
    clash = set(figures) & set(REQUIRED_KEYS)
    if clash:
        raise ValueError(f"figures may not reuse the reserved keys {sorted(clash)}")
    record = _plain({"notebook": notebook, "parameters": parameters, "verdict": verdict,
                     "reproduced": bool(reproduced), **figures})
    atomic_write_text(path, json.dumps(record, indent=2, sort_keys=False) + "\n")
    return record


def read_findings(path: Path | str) -> dict:
    """Read a findings record, checking the required keys are there.

    Raises
    ------
    ValueError
        If the file is not JSON or lacks a required key; the message names the file.
    """
    path = Path(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    missing = [key for key in REQUIRED_KEYS if key not in record]
    if missing:
        raise ValueError(f"{path}: missing keys {missing}")
    return record
