"""``reports/manifest.json``: what the reports folder holds, carried from run to run.

A subset run (``--only``, ``--ccg``) updates its own entries and keeps the rest; a
full run replaces the list. Only files an earlier manifest recorded are deleted as
stale. The file may have been edited: :func:`read_manifest` checks every entry and
drops or repairs what it cannot trust, with a warning.

>>> old = {"finding:a": {"files": ["a.html", "executed/a.ipynb"]},
...        "profile:11J": {"files": ["ccg/11J.html"]}}
>>> merged, stale = merge_entries(old, {"finding:a": {"files": ["failed/a.ipynb"]}}, full_run=False)
>>> sorted(merged), stale
(['finding:a', 'profile:11J'], ['a.html', 'executed/a.ipynb'])
"""

from __future__ import annotations

import json
import logging
from pathlib import Path, PurePosixPath
from typing import Any

from qipp.render.plan.jobs import KIND_FINDING, KIND_PROFILE, JobResult
from qipp.render.plan.profiles import ProfileRow

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
LOGGER = logging.getLogger("qipp.render")
# An entry's optional fields, or None: paths inside the output folder, texts, and records
# (dicts, checked further).
_PATHS = ("html", "failed_notebook", "failed_html", "previous_html")
_TEXTS = ("retried_after", "previous_rendered_at")
_RECORDS = ("error", "findings", "profile")


def entry_from_result(
    result: JobResult, rendered_at: str, profile: ProfileRow | None = None
) -> dict:
    """Describe one job's outcome as a manifest entry (plain JSON types only)."""
    job, error = result.job, result.error
    return {
        "key": job.key,
        "kind": job.kind,
        "name": job.name,
        "title": result.title,
        "status": "ok" if result.ok else "failed",
        "rendered_at": result.rendered_at or rendered_at,
        "cached": result.cached,
        "duration_s": round(result.duration_s, 2),
        "timings_s": {phase: round(seconds, 3) for phase, seconds in result.timings.items()},
        "attempts": result.attempts,
        "retried_after": None if result.first_error is None else result.first_error.describe(),
        "files": sorted(result.files),
        "html": job.html if result.ok else None,
        "failed_notebook": job.failed if job.failed in result.files else None,
        "failed_html": job.failed_html if job.failed_html in result.files else None,
        "error": None
        if error is None
        else {
            "summary": error.describe(),
            "ename": error.ename,
            "evalue": error.evalue,
            "cell_number": error.cell_number,
            "execution_count": error.execution_count,
        },
        "findings": None if result.findings is None else verdict_of(result.findings),
        "profile": None if profile is None else profile.figures(),
        "uses_panel": job.uses_panel,
    }


def verdict_of(findings: dict) -> dict:
    """The part of a findings record the index shows: verdict, reproduced and why not known,
    and the counts by status of a record that scores claims (the ledger's).

    ``reproduced`` stays None when the notebook could not say: False would claim a
    failure to reproduce that nobody observed.

    >>> verdict_of({"verdict": "v", "reproduced": None, "reproduced_note": "synthetic data"})
    {'verdict': 'v', 'reproduced': None, 'reproduced_note': 'synthetic data'}
    >>> verdict_of({"verdict": "v", "reproduced": 1, "status_counts": {"stated": 3}})
    {'verdict': 'v', 'reproduced': True, 'reproduced_note': None, 'status_counts': {'stated': 3}}
    """
    reproduced = findings.get("reproduced")
    note = findings.get("reproduced_note")
    counts = findings.get("status_counts")
    data_notes = _texts(findings.get("data_notes"))
    return {
        "verdict": str(findings.get("verdict", "")),
        "reproduced": None if reproduced is None else bool(reproduced),
        "reproduced_note": str(note) if reproduced is None and note else None,
        **({"status_counts": _counts(counts)} if isinstance(counts, dict) else {}),
        **({"data_notes": data_notes} if data_notes else {}),
    }


def _texts(values: object) -> list[str]:
    """A list's items as text; anything but a list is none (a record from before the field)."""
    return [str(v) for v in values] if isinstance(values, list) else []


def _counts(counts: dict) -> dict[str, int]:
    """Counts by status with text keys and whole numbers; anything else dropped."""
    return {str(k): v for k, v in counts.items() if isinstance(v, int) and not isinstance(v, bool)}


def uses_panel(entry: dict) -> bool:
    """True when an entry's report reads the panel: a profile, or a notebook declaring it
    (or an entry from before the field existed, so the synthetic banner errs towards showing).

    >>> uses_panel({"kind": "finding", "uses_panel": False}), uses_panel({"kind": "finding"})
    (False, True)
    >>> uses_panel({"kind": "profile", "uses_panel": False})
    True
    """
    return entry.get("kind") == KIND_PROFILE or bool(entry.get("uses_panel", True))


def merge_entries(
    previous: dict[str, dict], current: dict[str, dict], full_run: bool
) -> tuple[dict[str, dict], list[str]]:
    """Combine the previous manifest with this run's entries.

    A full run (or ``--replace``) keeps only its own entries; a subset keeps the
    untouched ones. Returns the entries by key and, sorted, the files earlier runs
    wrote that no kept entry references any more (relative to the output folder).
    """
    merged = dict(current) if full_run else {**previous, **current}
    kept = {f for entry in merged.values() for f in entry.get("files", [])}
    stale = {f for entry in previous.values() for f in entry.get("files", [])} - kept
    return merged, sorted(stale)


def read_body(out_dir: Path) -> dict:
    """The manifest as a dict, or {} when absent, unreadable or of another version."""
    try:
        data = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return {}
    return data


def read_manifest(out_dir: Path, warn: bool = False) -> dict[str, dict]:
    """The checked entries of ``out_dir/manifest.json`` ({} if absent or unreadable);
    with ``warn``, every entry dropped or repaired is logged as a warning.

    >>> read_manifest(Path("/nonexistent"))
    {}
    """
    entries = read_body(out_dir).get("entries", [])
    if not isinstance(entries, list):
        if warn:
            LOGGER.warning(
                "%s: 'entries' is not a list; the earlier reports are forgotten", MANIFEST_NAME
            )
        return {}
    checked: dict[str, dict] = {}
    for number, raw in enumerate(entries, start=1):
        entry, notes = checked_entry(raw)
        if warn:
            label = entry["key"] if entry is not None else f"entry {number}"
            for note in notes:
                LOGGER.warning("%s: %s: %s", MANIFEST_NAME, label, note)
        if entry is not None:
            checked[entry["key"]] = entry
    return checked


def checked_entry(raw: Any) -> tuple[dict | None, list[str]]:
    """A manifest entry made safe to use, or None, with what was wrong with it.

    >>> entry, notes = checked_entry({"key": "finding:a", "kind": "finding", "name": "a",
    ...                               "files": ["a.html", "../x", 3]})
    >>> entry["status"], entry["files"]
    ('failed', ['a.html'])
    >>> notes
    ["'status' is missing or not ok/failed: marked failed", "'files' dropped: ['../x', 3]"]
    >>> checked_entry({"key": "profile:11J", "status": "ok"})[0]["kind"]
    'profile'
    >>> checked_entry({"name": "a"})
    (None, ['dropped: no key such as finding:<name>'])
    """
    if not isinstance(raw, dict):
        return None, [f"dropped: not an object but {type(raw).__name__}"]
    key = raw.get("key")
    kind, _, name = key.partition(":") if isinstance(key, str) else ("", "", "")
    if kind not in (KIND_FINDING, KIND_PROFILE) or not name:
        return None, ["dropped: no key such as finding:<name>"]
    entry = {k: dict(v) if isinstance(v, dict) else v for k, v in raw.items()}
    notes: list[str] = []
    if entry.get("kind") != kind or entry.get("name") != name:
        entry["kind"], entry["name"] = kind, name
        notes.append(f"'kind' and 'name' set from the key {key}")
    if entry.get("status") not in ("ok", "failed"):
        entry["status"] = "failed"
        entry.setdefault("error", {"summary": "its manifest entry was damaged; render it again"})
        notes.append("'status' is missing or not ok/failed: marked failed")
    for field, default in (("title", name), ("rendered_at", "")):
        if not isinstance(entry.get(field), str):
            entry[field] = default
            notes += [f"'{field}' reset"] if field in raw else []
    files = entry.get("files", [])
    files = files if isinstance(files, list) else [files]
    entry["files"] = [f for f in files if _safe_relative(f)]
    if len(entry["files"]) != len(files):
        notes.append(f"'files' dropped: {[f for f in files if not _safe_relative(f)]}")
    for field in (*_PATHS, *_TEXTS):
        value = entry.get(field)
        if value is not None and not (
            _safe_relative(value) if field in _PATHS else isinstance(value, str)
        ):
            entry[field] = None
            notes.append(f"'{field}' reset")
    for field in _RECORDS:
        if entry.get(field) is not None and not isinstance(entry[field], dict):
            notes.append(f"'{field}' reset")
            entry[field] = None
    _check_records(entry, notes)
    if not isinstance(entry.get("uses_panel", True), bool):
        entry["uses_panel"] = True
        notes.append("'uses_panel' reset")
    return entry, notes


def _safe_relative(path: Any) -> bool:
    """True for a relative POSIX path inside the output folder."""
    if not isinstance(path, str) or not path or "\\" in path:
        return False
    return not PurePosixPath(path).is_absolute() and ".." not in PurePosixPath(path).parts


def _check_records(entry: dict, notes: list[str]) -> None:
    """Give the error, findings and profile records the types the index reads."""
    error = entry.get("error")
    if isinstance(error, dict) and not isinstance(error.get("summary"), str):
        error["summary"] = str(error.get("summary") or "failed")
        notes.append("'error.summary' reset")
    findings = entry.get("findings")
    if isinstance(findings, dict):
        if not isinstance(findings.get("verdict", ""), str):
            findings["verdict"] = str(findings["verdict"])
            notes.append("'findings.verdict' made text")
        if findings.get("reproduced") is not None and not isinstance(findings["reproduced"], bool):
            findings["reproduced"] = None
            notes.append("'findings.reproduced' reset")
        data_notes = findings.get("data_notes")
        if data_notes is not None and _texts(data_notes) != data_notes:
            findings["data_notes"] = _texts(data_notes)
            notes.append("'findings.data_notes' made text")
        counts = findings.get("status_counts")
        if counts is not None and (not isinstance(counts, dict) or _counts(counts) != counts):
            findings["status_counts"] = _counts(counts) if isinstance(counts, dict) else {}
            notes.append("'findings.status_counts' reset")
    profile = entry.get("profile")
    if isinstance(profile, dict):
        for field in ("ccg_name", "region"):
            if field in profile and not isinstance(profile[field], str):
                profile[field] = str(profile[field])
                notes.append(f"'profile.{field}' made text")


def manifest_text(entries: dict[str, dict], run: dict) -> str:
    """Serialise entries (sorted by key) with the run's details."""
    body = {
        "version": MANIFEST_VERSION,
        "run": run,
        "entries": [entries[k] for k in sorted(entries)],
    }
    return json.dumps(body, indent=1, ensure_ascii=False) + "\n"
