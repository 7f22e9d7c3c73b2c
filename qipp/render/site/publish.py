"""What a finished run publishes, and moving it into place without losing an earlier report.

Only a notebook's own failure replaces its report; the page it replaces is kept as
``failed/<stem>.previous.html`` until the notebook renders again. :func:`publish`
first does whatever can fail without changing anything, then moves the stage into
place; if a move fails anyway, the files already moved are put back.

>>> from qipp.render.plan.jobs import finding_job
>>> previous_page_of(finding_job(Path("nb/03_x.ipynb"), set(), Path("/stage")))
'failed/03_x.previous.html'
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from qipp.atomic import TEMP_MARKER, new_file_mode
from qipp.paths import relative_to_root
from qipp.render.errors import NOT_THE_NOTEBOOKS_FAULT
from qipp.render.plan.jobs import KIND_PROFILE, JobResult, RenderJob
from qipp.render.plan.profiles import ProfileRow
from qipp.render.plan.runinfo import RunInfo
from qipp.render.site.manifest import entry_from_result, read_body, read_manifest
from qipp.render.site.stage import Stage, inside, signals_held

# Inside the stage: hard links to the files a commit replaces or removes, for a rollback.
BACKUP_DIR = f"{TEMP_MARKER}replaced"
# A hard link needs no space for the data, but a full or read-only disk refuses it.
_ABORTS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})


def previous_page_of(job: RenderJob) -> str | None:
    """Where the page a failure replaces is kept: ``failed/<stem>.previous.html``."""
    if job.failed_html is None or not job.failed_html.endswith(".html"):
        return None
    return job.failed_html.removesuffix(".html") + ".previous.html"


def keep_previous_page(
    entry: dict, job: RenderJob, previous: dict | None, out_dir: Path, stage_root: Path
) -> str | None:
    """Keep the page a notebook's failure replaces; return the file staged for it, if any.

    The earlier page (an ``ok`` entry's page, at the job's own planned path) is
    linked into the stage as :func:`previous_page_of`; a page kept by an
    earlier failure is carried on. ``entry`` (the failure's) records it in
    ``previous_html``, ``previous_rendered_at`` and ``files``.
    """
    kept = previous_page_of(job)
    if previous is None or kept is None or job.html is None:
        return None
    staged = None
    if previous.get("status") == "ok" and previous.get("html") == job.html:
        page = out_dir / job.html
        if not page.is_file():
            return None
        staged = kept
        (stage_root / kept).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(page, stage_root / kept)
        except OSError as exc:  # no hard links here: a copy will do
            if exc.errno in _ABORTS:
                raise
            shutil.copyfile(page, stage_root / kept)
        rendered_at = previous.get("rendered_at")
    elif previous.get("previous_html") == kept and (out_dir / kept).is_file():
        rendered_at = previous.get("previous_rendered_at")
    else:
        return None
    entry["previous_html"] = kept
    entry["previous_rendered_at"] = rendered_at if isinstance(rendered_at, str) else None
    entry["files"] = sorted({*entry["files"], kept})
    return staged


def current_entries(
    results: Sequence[JobResult],
    previous: dict[str, dict],
    rendered_at: str,
    profiles: dict[str, ProfileRow],
    out_dir: Path,
    stage_root: Path,
) -> tuple[dict[str, dict], list[str]]:
    """This run's manifest entries by key, and the staged files to move into place.

    A failure that is not the notebook's own keeps the earlier entry, if there
    is one, and publishes nothing.
    """
    entries: dict[str, dict] = {}
    files: list[str] = []
    for result in results:
        job, error = result.job, result.error
        earlier = previous.get(job.key)
        if not result.ok and error is not None and error.ename in NOT_THE_NOTEBOOKS_FAULT:
            if earlier is not None:
                entries[job.key] = earlier
                continue
        profile = profiles.get(job.name) if job.kind == KIND_PROFILE else None
        entry = entry_from_result(result, rendered_at, profile)
        files += result.files
        if not result.ok:
            staged = keep_previous_page(entry, job, earlier, out_dir, stage_root)
            files += [staged] if staged else []
        entries[job.key] = entry
    return entries, files


def publish(stage: Stage, files: Sequence[str], remove: Iterable[str]) -> None:
    """Move ``files`` from the stage into place and delete ``remove``, or change nothing.

    Folders, file modes, an empty file in each folder written to (made and
    deleted) and a hard link to every file replaced or removed come first, so
    a full, read-only or forbidden folder stops the run before anything
    moves. If a move fails even so, every file already moved or removed is put
    back before the error propagates.
    """
    files, remove = list(files), list(remove)
    destination = stage.destination
    mode = new_file_mode()
    for relative in files:
        (destination / relative).parent.mkdir(parents=True, exist_ok=True)
        os.chmod(stage.root / relative, mode)
    for folder in dict.fromkeys((destination / r).parent for r in [*files, *remove]):
        if folder.is_dir() and inside(folder, destination):
            _probe(folder)
    saved = _save(stage, [*files, *remove])
    try:
        stage.commit(files, remove)
    except BaseException:
        if saved is not None:
            _restore(stage, files, saved)
        raise


def _probe(folder: Path) -> None:
    """Create and delete an empty file in ``folder``: a read-only or forbidden one raises."""
    handle, name = tempfile.mkstemp(prefix=TEMP_MARKER, dir=folder)
    os.close(handle)
    os.unlink(name)


def _save(stage: Stage, relatives: Iterable[str]) -> set[str] | None:
    """Hard-link each existing destination file into the stage's backup; None if impossible."""
    saved: set[str] = set()
    for relative in dict.fromkeys(relatives):
        target = stage.destination / relative
        if not inside(target, stage.destination) or not target.is_file():
            continue
        link = stage.root / BACKUP_DIR / relative
        try:
            link.parent.mkdir(parents=True, exist_ok=True)
            os.link(target, link)
        except OSError as exc:
            if exc.errno in _ABORTS:
                raise
            return None  # no hard links on this file system: commit as it always did
        saved.add(relative)
    return saved


def _restore(stage: Stage, files: Sequence[str], saved: set[str]) -> None:
    """Undo a commit that stopped part way: put the saved files back, drop the new ones."""
    with signals_held():
        for relative in dict.fromkeys([*files, *saved]):
            target = stage.destination / relative
            with contextlib.suppress(OSError):
                if relative in saved:
                    os.replace(stage.root / BACKUP_DIR / relative, target)
                elif not (stage.root / relative).exists():  # moved in, and new
                    target.unlink(missing_ok=True)


def recorded_sha256(run: dict) -> str | None:
    """The SHA-256 of the panel an earlier run recorded (older manifests list it among
    their data checksums), or None when unknown.

    >>> recorded_sha256({"panel": "p.csv", "checksums": [["p.csv", "c" * 64]]}) == "c" * 64
    True
    """
    digest = run.get("panel_sha256")
    if isinstance(digest, str) and digest:
        return digest
    for pair in run.get("checksums") or []:
        if isinstance(pair, (list, tuple)) and len(pair) == 2 and pair[0] == run.get("panel"):
            return str(pair[1])
    return None


def panel_mismatch(out_dir: Path, rebuilds_set: bool, run: RunInfo) -> str | None:
    """Why this run may not add to the set in ``out_dir``, or None when it may.

    A run that is full or passes ``--replace`` (``rebuilds_set``) always may.
    """
    earlier = read_body(out_dir).get("run")
    earlier = earlier if isinstance(earlier, dict) else {}
    if rebuilds_set or not read_manifest(out_dir):
        return None
    recorded, sha256 = recorded_sha256(earlier), run.panel_sha256 or ""
    if recorded == sha256:
        return None
    before = str(earlier.get("panel") or "an unrecorded panel")
    short = [digest[:12] if digest else "not recorded" for digest in (recorded, sha256)]
    return (
        f"{relative_to_root(out_dir)} was built from the panel {before} (SHA-256 "
        f"{short[0]}), but this run uses {run.panel} (SHA-256 "
        f"{short[1]}): one report set holds one panel. Re-run without --only/--ccg to "
        f"rebuild the whole set from {run.panel}, or pass --replace to replace the earlier "
        "set with this run's reports."
    )
