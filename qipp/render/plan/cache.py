"""The render cache: a report is reused when nothing it depends on has changed.

A job's key is a SHA-256 over the notebook's cells (not outputs), its parameters,
``data/``, the panel it reads, ``requirements.lock``, the ``qipp`` package and the
options that change a page (decision 0032). A hit copies the earlier files into the
stage with no kernel; a broken entry is a miss, removed, never an error.

>>> normalised_parameters({"findings_path": "/s/findings/a.json", "seed": 1}, Path("/s"))
{'findings_path': '<stage>/findings/a.json', 'seed': 1}
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qipp.atomic import atomic_write_text
from qipp.paths import DATA_DIR, PROJECT_ROOT
from qipp.render.plan.jobs import JobResult, RenderJob

CACHE_DIR_NAME = ".cache"
RECORD_NAME = "entry.json"
# Bump to invalidate every entry when what an entry holds changes shape.
CACHE_FORMAT = 1
PACKAGE_DIR = Path(__file__).resolve().parents[2]
LOCK_FILE = PROJECT_ROOT / "requirements.lock"


def _hash_files(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def data_digest(data_dir: Path | None = None) -> str:
    """SHA-256 over every file under ``data/`` (names and contents)."""
    root = DATA_DIR if data_dir is None else data_dir
    return _hash_files(root.rglob("*"), root)


def code_digest(package_dir: Path = PACKAGE_DIR, lock_file: Path | None = None) -> str:
    """SHA-256 over the ``qipp`` package's files and the lock file."""
    lock_file = LOCK_FILE if lock_file is None else lock_file
    lock = hashlib.sha256(lock_file.read_bytes()).hexdigest() if lock_file.is_file() else "-"
    return hashlib.sha256(
        (_hash_files(package_dir.rglob("*"), package_dir) + lock).encode()
    ).hexdigest()


def notebook_digest(notebook: Path) -> str:
    """SHA-256 of a notebook's cells (type, source, tags); outputs and counts do not count.

    Read as plain JSON: importing nbformat costs the parent seconds (its schema
    validator), and a no-op rebuild should not pay them.
    """
    cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    shape = [
        [
            cell.get("cell_type"),
            "".join(cell.get("source", "")),
            sorted(cell.get("metadata", {}).get("tags", [])),
        ]
        for cell in cells
    ]
    return hashlib.sha256(json.dumps(shape, ensure_ascii=False).encode()).hexdigest()


def normalised_parameters(parameters: dict[str, Any], stage_root: Path) -> dict[str, Any]:
    """The parameters with the run's staging folder replaced (it differs on every run)."""
    stage = str(stage_root)
    return {
        name: value.replace(stage, "<stage>") if isinstance(value, str) else value
        for name, value in parameters.items()
    }


class RenderCache:
    """Reports of earlier runs in ``<out_dir>/.cache``, found by the key of each job.

    Parameters
    ----------
    out_dir : Path
        The report folder.
    run_inputs : dict
        What every job of the run shares: data, code and options digests.
    panel_digest : str or None
        SHA-256 of the panel file, part of the key of jobs that read the panel.
    """

    def __init__(self, out_dir: Path, run_inputs: dict[str, Any], panel_digest: str | None) -> None:
        self.root = Path(out_dir) / CACHE_DIR_NAME
        self.run_inputs = run_inputs
        self.panel_digest = panel_digest
        self._notebooks: dict[Path, str] = {}

    def key(self, job: RenderJob, stage_root: Path) -> str:
        """The job's cache key (see the module docstring)."""
        if job.notebook not in self._notebooks:
            self._notebooks[job.notebook] = notebook_digest(job.notebook)
        material = {
            "format": CACHE_FORMAT,
            "job": job.key,
            "notebook": self._notebooks[job.notebook],
            "parameters": normalised_parameters(job.parameters, stage_root),
            "panel": self.panel_digest if job.uses_panel else None,
            **self.run_inputs,
        }
        text = json.dumps(material, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def reuse(self, jobs: Iterable[RenderJob], stage_root: Path) -> dict[str, JobResult]:
        """The jobs this cache holds a report for, by job key, their files copied into the stage."""
        hits = {job.key: self.lookup(job, stage_root) for job in jobs}
        return {key: result for key, result in hits.items() if result is not None}

    def lookup(self, job: RenderJob, stage_root: Path) -> JobResult | None:
        """Copy a cached report into the stage and return its result, or None on a miss."""
        entry = self.root / self.key(job, stage_root)
        try:
            record = json.loads((entry / RECORD_NAME).read_text(encoding="utf-8"))
            files = [str(name) for name in record["files"]]
            sources = [entry / "files" / name for name in files]
            if not all(source.is_file() for source in sources):
                raise FileNotFoundError("an entry file is missing")
            for name, source in zip(files, sources, strict=True):
                target = stage_root / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
            return JobResult(
                job,
                ok=True,
                title=str(record["title"]),
                files=files,
                findings=record.get("findings"),
                cached=True,
                rendered_at=str(record.get("rendered_at", "")),
            )
        except (OSError, ValueError, KeyError, TypeError):  # absent, corrupt or partial: a miss
            shutil.rmtree(entry, ignore_errors=True)
            return None

    def store(self, result: JobResult, stage_root: Path, out_dir: Path, rendered_at: str) -> None:
        """Keep a fresh, successful report, as published in ``out_dir``, for later runs; a
        reused one keeps the files this run added to it.

        ``stage_root`` only names the run's staging folder in the key. Never raises on
        a full disk: a cache that cannot be written is only a slower next run.
        """
        if not result.ok:
            return
        entry = self.root / self.key(result.job, stage_root)
        if result.cached:
            self._keep_new_files(entry, result, out_dir)
            return
        if entry.exists():
            return
        building = self.root / f"tmp-{uuid.uuid4().hex}"
        try:
            for name in result.files:
                target = building / "files" / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(out_dir / name, target)
            record = {
                "key": result.job.key,
                "title": result.title,
                "files": list(result.files),
                "findings": result.findings,
                "rendered_at": rendered_at,
            }
            (building / RECORD_NAME).write_text(json.dumps(record), encoding="utf-8")
            os.rename(building, entry)
        except OSError:  # a cache that cannot be written is only a slower next run
            pass
        finally:
            shutil.rmtree(building, ignore_errors=True)

    def _keep_new_files(self, entry: Path, result: JobResult, out_dir: Path) -> None:
        """Add to a reused report's entry the files this run made for it (``--pdf``'s PDF)."""
        try:
            record = json.loads((entry / RECORD_NAME).read_text(encoding="utf-8"))
            new = [name for name in result.files if name not in record["files"]]
            for name in new:
                (entry / "files" / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(out_dir / name, entry / "files" / name)
            if new:
                record["files"] = [*record["files"], *new]
                atomic_write_text(entry / RECORD_NAME, json.dumps(record))
        except (OSError, ValueError, KeyError, TypeError):  # only a slower next run
            pass

    def prune(self, keep: Iterable[str]) -> None:
        """Remove entries and leftovers not in ``keep`` for jobs this run rendered or reused."""
        keep = set(keep)
        # Another panel's profiles (jobs this run did not touch) stay for the next switch back.
        superseded = {_job_of(self.root / key) for key in keep} - {None}
        with contextlib.suppress(OSError):
            for entry in self.root.iterdir():
                stale = entry.name not in keep and _job_of(entry) in superseded
                if stale or entry.name.startswith("tmp-"):
                    shutil.rmtree(entry, ignore_errors=True)


def _job_of(entry: Path) -> str | None:
    try:
        return str(json.loads((entry / RECORD_NAME).read_text(encoding="utf-8"))["key"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def run_inputs(options: Any) -> dict[str, Any]:
    """What every job of a run shares in its key: data, code, and the options that show."""
    return {
        "data": data_digest(),
        "code": code_digest(),
        "show_code": bool(options.show_code),
        "kernel": options.kernel_name,
    }
