"""The findings JSON each notebook writes as its last act, and reads back for the index.

A findings file holds the key figures of one notebook run, so that reports, the index page
and other tools can use them without re-running the notebook: the keys :func:`write_findings`
documents, then the notebook's own figures. It is strict JSON, so a NaN or infinite figure is
refused: a notebook writes ``None`` and says why in ``notes``. A notebook of one's own writes
its record with :func:`write_record`, one call; where it goes, :func:`findings_destination`.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "f.json"
>>> record = write_findings(path, notebook="99_demo", parameters={"alpha": 0.05},
...                         verdict="It holds.", reproduced=True, ratio=2.0618)
>>> read_findings(path)["ratio"], read_findings(path)["notes"]
(2.0618, [])
>>> write_findings(None, notebook="99_demo", parameters={}, verdict="It holds.",
...                reproduced=None, reproduced_note="synthetic data")["reproduced"] is None
True
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qipp.atomic import atomic_write_text

REQUIRED_KEYS = ("notebook", "parameters", "verdict", "reproduced")
RESERVED_KEYS = (*REQUIRED_KEYS, "reproduced_note", "notes", "data_notes")
# What the index shows for each value of ``reproduced``.
REPRODUCED_LABELS = {True: "yes", False: "no", None: "n/a"}


def _plain(value: Any, key: str = "") -> Any:
    """Convert numpy and pandas values (nested too) to plain JSON types; refuse non-finite floats.

    >>> _plain({"a": np.float64(1.5), "b": [np.int64(2), np.bool_(True)]})
    {'a': 1.5, 'b': [2, True]}
    >>> _plain({"fold": float("inf")})
    Traceback (most recent call last):
    ...
    ValueError: findings figure 'fold' is inf: write None and say why in notes
    """
    if isinstance(value, dict):
        return {str(k): _plain(v, f"{key}.{k}" if key else str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, key) for v in value]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(
                f"findings figure {key!r} is {number}: write None and say why in notes"
            )
        return number
    return value


def findings_destination(findings_path: str) -> Path | None:
    """Where a notebook writes its findings: the path given, or nowhere when blank.

    A blank ``findings_path`` (the default of every committed notebook) means a
    run by hand, in JupyterLab or under ``nbconvert --execute``: writing into
    ``reports/`` then would put one panel's figures beside another run's pages.

    >>> findings_destination("") is None, findings_path_note(None)[:23]
    (True, 'Key figures not written')
    >>> findings_destination("out/f.json").as_posix()
    'out/f.json'
    """
    return Path(findings_path) if findings_path.strip() else None


def findings_path_note(path: Path | None) -> str:
    """One line saying where the key figures went (the file name only: no machine paths)."""
    if path is None:
        return (
            "Key figures not written: findings_path is blank. Pass "
            "-p findings_path FILE.json to keep them; qipp render sets it."
        )
    return f"Key figures written to {path.name}."


def write_findings(
    path: Path | str | None,
    *,
    notebook: str,
    parameters: dict,
    verdict: str,
    reproduced: bool | None,
    reproduced_note: str | None = None,
    notes: Sequence[str] = (),
    data_notes: Sequence[str] = (),
    **figures: Any,
) -> dict:
    """Build a findings record, write it as JSON (atomically) unless ``path`` is None.

    Parameters
    ----------
    path : Path, str or None
        Where to write (:func:`findings_destination`); None builds the record only.
    notebook : str
        The notebook's stem.
    parameters : dict
        The parameters the notebook ran with (plain values only).
    verdict : str
        One sentence: what the data shows about the published claim.
    reproduced : bool or None
        Whether the published finding was reproduced; None when the data cannot
        say, with the reason in ``reproduced_note``.
    reproduced_note : str, optional
        Required when ``reproduced`` is None (e.g. ``"synthetic data"``).
    notes : sequence of str
        One sentence for each figure left null, saying why.
    data_notes : sequence of str
        The panel's warnings (:attr:`qipp.panel.PanelRead.data_notes`).
    **figures
        The notebook's key figures (finite numbers, strings, bools, None, lists, dicts).

    Returns
    -------
    dict
        The record (as written).

    Raises
    ------
    ValueError
        An empty verdict, a reserved key among the figures, ``reproduced`` None
        without a note, or a non-finite figure.
    """
    if not verdict.strip():
        raise ValueError("verdict must be a sentence, not empty")
    clash = set(figures) & set(RESERVED_KEYS)
    if clash:
        raise ValueError(f"figures may not reuse the reserved keys {sorted(clash)}")
    if reproduced is None and not (reproduced_note or "").strip():
        raise ValueError("reproduced is None: say why in reproduced_note")
    record = _plain(
        {
            "notebook": notebook,
            "parameters": parameters,
            "verdict": verdict,
            "reproduced": None if reproduced is None else bool(reproduced),
            "reproduced_note": reproduced_note if reproduced is None else None,
            "notes": list(notes),
            "data_notes": list(data_notes),
            **figures,
        }
    )
    if path is not None:
        text = json.dumps(record, indent=2, sort_keys=False, allow_nan=False)
        atomic_write_text(path, text + "\n")
    return record


@dataclass(frozen=True)
class WrittenRecord:
    """What :func:`write_record` built (``record``) and where it went (``path``, None: nowhere).

    Shown in a notebook as the line saying where the key figures went.
    """

    record: dict
    path: Path | None

    def __repr__(self) -> str:
        return findings_path_note(self.path)


def write_record(
    findings_path: str,
    *,
    verdict: str,
    parameters: dict | None = None,
    reproduced: bool | None = None,
    reproduced_note: str = "not a published finding",
    notes: Sequence[str] = (),
    data_notes: Sequence[str] = (),
    **figures: Any,
) -> WrittenRecord:
    """A notebook's findings record in one call, for the index and other tools to read.

    Parameters
    ----------
    findings_path : str
        The notebook's ``findings_path`` parameter (``qipp render`` sets it; blank
        writes nothing). The record's ``notebook`` is the file's stem.
    verdict : str
        One sentence: what the notebook found.
    parameters : dict, optional
        The parameters it ran with (plain values); default ``findings_path`` alone.
    reproduced : bool or None
        Whether a published finding was reproduced; None (the default) for an analysis
        of one's own, with ``reproduced_note`` saying why.
    reproduced_note : str
        Why ``reproduced`` is None.
    notes : sequence of str
        One sentence for each figure left None, saying why.
    data_notes : sequence of str
        The panel's warnings (:attr:`qipp.panel.PanelRead.data_notes`), shown on the index.
    **figures
        The key figures (finite numbers, text, booleans, None, lists, dicts).

    Returns
    -------
    WrittenRecord
        The record and where it went, shown as one line saying so.

    >>> write_record("", verdict="Half the CCGs are behind plan.", behind=71)
    Key figures not written: findings_path is blank. Pass -p findings_path FILE.json to keep them; qipp render sets it.
    """
    path = findings_destination(findings_path)
    record = write_findings(
        path,
        notebook=path.stem if path is not None else "",
        parameters={"findings_path": findings_path} if parameters is None else parameters,
        verdict=verdict,
        reproduced=reproduced,
        reproduced_note=reproduced_note,
        notes=notes,
        data_notes=data_notes,
        **figures,
    )
    return WrittenRecord(record, path)


def reproduced_label(record: dict) -> str:
    """How the index shows a record's ``reproduced``: yes, no, or n/a with the reason.

    >>> reproduced_label({"reproduced": None, "reproduced_note": "synthetic data"})
    'n/a (synthetic data)'
    >>> reproduced_label({"reproduced": False})
    'no'
    """
    value = record.get("reproduced")
    label = REPRODUCED_LABELS[None if value is None else bool(value)]
    note = record.get("reproduced_note")
    return f"{label} ({note})" if value is None and note else label


def read_findings(path: Path | str) -> dict:
    """Read a findings record, checking the required keys are there.

    Parameters
    ----------
    path : Path or str
        A findings file.

    Returns
    -------
    dict
        The record.

    Raises
    ------
    ValueError
        If the file is not strict JSON or lacks a required key; the message names the file.
    """
    path = Path(path)

    def _refuse_constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        record = json.loads(path.read_text(encoding="utf-8"), parse_constant=_refuse_constant)
    except ValueError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    missing = [key for key in REQUIRED_KEYS if key not in record]
    if missing:
        raise ValueError(f"{path}: missing keys {missing}")
    return record
