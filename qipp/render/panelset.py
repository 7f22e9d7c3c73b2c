"""One report set, one panel: a partial run may not mix a second panel into a set.

A report set (``reports/``) is built from one CCG panel, named with its SHA-256
in the manifest's ``run`` record. A run of a subset (``--only``, ``--ccg``)
keeps the earlier entries, so if its panel differed the index would show the
profiles and figures of two panels under the banner and provenance of one.
Such a run is refused before any work, unless it replaces the whole set
(``--replace``); a full run always rebuilds the set and needs no check.

Examples
--------
>>> earlier = {"panel": "data/synthetic/p.csv", "panel_sha256": "a" * 64}
>>> mismatch_message(earlier, "mine.xlsx", "b" * 64, "reports") is None
False
>>> mismatch_message(earlier, "data/synthetic/p.csv", "a" * 64, "reports") is None
True
>>> recorded_sha256({"panel": "p.csv", "checksums": [["p.csv", "c" * 64]]}) == "c" * 64
True
"""

from __future__ import annotations

from pathlib import Path

from qipp.paths import relative_to_root
from qipp.render.manifest import read_manifest, read_run
from qipp.render.runinfo import RunInfo

# Checksums are shown to this many hex digits: enough to tell two panels apart.
SHORT_SHA = 12


def recorded_sha256(run: dict) -> str | None:
    """The SHA-256 of the panel an earlier run recorded, or None when unknown.

    Manifests written before ``panel_sha256`` existed still list the panel among
    their data checksums, under the same label.
    """
    digest = run.get("panel_sha256")
    if isinstance(digest, str) and digest:
        return digest
    for pair in run.get("checksums") or []:
        if isinstance(pair, (list, tuple)) and len(pair) == 2 and pair[0] == run.get("panel"):
            return str(pair[1])
    return None


def _short(digest: str | None) -> str:
    return digest[:SHORT_SHA] if digest else "not recorded"


def mismatch_message(earlier: dict, panel: str, sha256: str, out_label: str) -> str | None:
    """Why a partial run may not add to the set in ``out_label``, or None when it may.

    Parameters
    ----------
    earlier : dict
        The ``run`` record of the set's manifest.
    panel, sha256 : str
        This run's panel (its label) and the SHA-256 of its bytes.
    out_label : str
        The output folder, as the message names it.

    Returns
    -------
    str or None
        One message naming both panels and both checksums, and the two ways on.
    """
    recorded = recorded_sha256(earlier)
    if recorded == sha256:
        return None
    before = str(earlier.get("panel") or "an unrecorded panel")
    return (
        f"{out_label} was built from the panel {before} (SHA-256 {_short(recorded)}), "
        f"but this run uses {panel} (SHA-256 {_short(sha256)}): one report set holds "
        f"one panel. Re-run without --only/--ccg to rebuild the whole set from {panel}, "
        "or pass --replace to replace the earlier set with this run's reports."
    )


def panel_mismatch(out_dir: Path, rebuilds_set: bool, run: RunInfo) -> str | None:
    """Why this run may not add to the set in ``out_dir``, or None when it may.

    Parameters
    ----------
    out_dir : Path
        The output folder, holding the set's ``manifest.json`` (if any).
    rebuilds_set : bool
        The run is full or passes ``--replace``: its entries are the whole set.
    run : RunInfo
        This run's details, with its panel's label and SHA-256.
    """
    if rebuilds_set or not read_manifest(out_dir):
        return None
    return mismatch_message(
        read_run(out_dir), run.panel, run.panel_sha256 or "", relative_to_root(out_dir)
    )
