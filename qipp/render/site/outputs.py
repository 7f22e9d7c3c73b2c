"""What a finished job leaves in the stage: its page, executed notebook, findings and tables
(a workbook and a CSV per table, :mod:`qipp.downloads`), or the failure.

Runs in the worker. Published files name where things end up, never the staging
folder nor a machine's absolute path. A write the disk refuses raises
:class:`~qipp.render.errors.RenderInfrastructureError`, not the notebook's failure.

>>> from qipp.paths import REPORTS_DIR
>>> published_location(REPORTS_DIR, "findings/02_x.json")
'reports/findings/02_x.json'
>>> published_location(Path("/elsewhere/out"), "findings/02_x.json")
'findings/02_x.json'
>>> replace_text({"a": ["/s/f.json", "x"], "b": "/s/f.json"}, {"/s/f.json": "f.json"})
{'a': ['f.json', 'x'], 'b': 'f.json'}
"""

from __future__ import annotations

import copy
import json
import re
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from qipp.atomic import atomic_write_text
from qipp.findings.record import read_findings
from qipp.paths import PROJECT_ROOT
from qipp.render.errors import infrastructure_errors
from qipp.render.plan.jobs import (
    KIND_IN_PLACE,
    CellError,
    JobResult,
    RenderJob,
    RunSettings,
    index_href_from,
)
from qipp.render.plan.parameters import INJECTED_TAG
from qipp.render.site.export import OfflineError, notebook_to_html

# Keys that differ between runs of the same code on the same data: papermill's status
# and timings, nbclient's timestamps, widget state (the nbstripout hook strips the same).
VOLATILE_NOTEBOOK_KEYS = ("papermill", "widgets")
VOLATILE_CELL_KEYS = ("papermill", "execution", "ExecuteTime")


def strip_volatile_metadata(notebook: Any) -> Any:
    """A copy of ``notebook`` without run-specific metadata, outputs and counts kept."""
    cleaned = copy.deepcopy(notebook)
    for key in VOLATILE_NOTEBOOK_KEYS:
        cleaned.get("metadata", {}).pop(key, None)
    for cell in cleaned.get("cells", []):
        metadata = cell.get("metadata", {})
        for key in VOLATILE_CELL_KEYS:
            metadata.pop(key, None)
        if metadata.get("tags") == []:
            del metadata["tags"]
    return cleaned


def published_location(out_dir: Path | None, relative: str) -> str:
    """Where a file of the run ends up, as published files name it (see the module doc)."""
    if out_dir is None:
        return relative
    final = Path(out_dir).resolve() / relative
    return (
        final.relative_to(PROJECT_ROOT).as_posix()
        if final.is_relative_to(PROJECT_ROOT)
        else relative
    )


def replace_text(value: Any, replacements: dict[str, str]) -> Any:
    """``value`` with every string equal to a key replaced (dicts and lists walked); only
    whole values: a figure that merely contains the text is data."""
    if isinstance(value, str):
        return replacements.get(value, value)
    if isinstance(value, dict):
        return {key: replace_text(item, replacements) for key, item in value.items()}
    if isinstance(value, list):
        return [replace_text(item, replacements) for item in value]
    return value


def _quoted(text: str) -> str:
    r"""``text`` as papermill's Python translator writes a string literal
    (``PythonTranslator.translate_escaped_str``, papermill 2.x).

    >>> print(_quoted('/r/caf\u00e9 "x"/f.json'))
    "/r/caf\xe9 \"x\"/f.json"
    """
    return '"' + text.encode("unicode_escape").decode("utf-8").replace('"', '\\"') + '"'


def relocate_notebook(notebook: Any, replacements: dict[str, str], published_as: str) -> None:
    """Rewrite, in place, the staged paths papermill recorded in an executed notebook."""
    for cell in notebook.cells:
        if INJECTED_TAG in cell.get("metadata", {}).get("tags", []):
            for staged, final in replacements.items():
                cell.source = cell.source.replace(_quoted(staged), _quoted(final))
    papermill = notebook.metadata.get("papermill")
    if not isinstance(papermill, dict):
        return
    if isinstance(papermill.get("parameters"), dict):
        papermill["parameters"] = replace_text(dict(papermill["parameters"]), replacements)
    if isinstance(papermill.get("input_path"), str):
        papermill["input_path"] = replacements.get(papermill["input_path"], papermill["input_path"])
    if papermill.get("output_path") is not None:
        papermill["output_path"] = published_as


def _refused_writes(settings: RunSettings, relative: str) -> AbstractContextManager[None]:
    """A write the disk or folder refused, raised as the machine's failure naming the file."""
    return infrastructure_errors((settings.out_dir or settings.stage) / relative)


def _write(settings: RunSettings, relative: str, text: str, result: JobResult) -> None:
    started = time.perf_counter()
    with _refused_writes(settings, relative):
        atomic_write_text(settings.stage / relative, text)
    result.files.append(relative)
    result.timings["write_s"] = result.timings.get("write_s", 0.0) + time.perf_counter() - started


def _notebook_text(notebook: Any) -> str:
    import nbformat  # seconds to import: the workers' cost (papermill has it), not the planner's

    return nbformat.writes(notebook) + "\n"


def _relocations(job: RenderJob, settings: RunSettings) -> dict[str, str]:
    """Staged path to final location for the job's findings and tables paths, and the
    run's name for each path this process reads under another (a Dask worker's copies)."""
    relocations = dict(settings.path_aliases)
    for parameter, relative in (("findings_path", job.findings), ("tables_path", job.tables)):
        staged = job.parameters.get(parameter)
        if relative is not None and isinstance(staged, str):
            relocations[staged] = published_location(settings.out_dir, relative)
    return relocations


def staged_tables(job: RenderJob, stage: Path) -> list[str]:
    """The job's workbook and its CSVs (``<stem>-<n>.csv``, by ``n``) found in the stage.

    >>> import tempfile
    >>> stage = Path(tempfile.mkdtemp())
    >>> for name in ("11J.xlsx", "11J-2.csv", "11J-10.csv", "11J-1.csv", "S001-1.csv"):
    ...     _ = (stage / name).write_text("")
    >>> staged_tables(RenderJob("profile", "11J", Path("t.ipynb"), tables="11J.xlsx"), stage)
    ['11J.xlsx', '11J-1.csv', '11J-2.csv', '11J-10.csv']
    """
    if job.tables is None or not (stage / job.tables).is_file():
        return []
    workbook = Path(job.tables)
    pattern = re.compile(re.escape(workbook.stem) + r"-([0-9]+)\.csv")
    numbered = [
        (int(match.group(1)), path.name)
        for path in (stage / workbook).parent.iterdir()
        if (match := pattern.fullmatch(path.name))
    ]
    folder = workbook.parent.as_posix()
    names = [workbook.name] + [name for _, name in sorted(numbered)]
    return [name if folder == "." else f"{folder}/{name}" for name in names]


def _read_findings(path: Path, relocations: dict[str, str]) -> dict | CellError:
    """The staged findings, rewritten to name final locations (or the error)."""
    if not path.is_file():
        return CellError(
            "MissingFindings", "the notebook declares findings_path but wrote no findings file"
        )
    try:
        record = read_findings(path)
    except ValueError as exc:
        return CellError("BadFindings", str(exc).replace(str(path), path.name))
    relocated = replace_text(record, relocations)
    if relocated != record:
        atomic_write_text(path, json.dumps(relocated, indent=2, allow_nan=False) + "\n")
    return relocated


def write_success(job: RenderJob, notebook: Any, settings: RunSettings, result: JobResult) -> None:
    """Write what a job that ran to the end publishes; set ``result.ok`` if all of it was.

    A missing or unreadable findings file, or a page that would load something from
    the network, leaves ``result.ok`` False with ``result.error`` saying why.
    """
    assert job.executed is not None, f"job {job.key} was planned without its notebook's path"
    if job.kind == KIND_IN_PLACE:
        _write(settings, job.executed, _notebook_text(strip_volatile_metadata(notebook)), result)
        result.ok = True
        return
    assert job.html is not None, f"job {job.key} was planned without its page's path"
    relocations = _relocations(job, settings)
    if job.findings is not None:
        with _refused_writes(settings, job.findings):
            findings = _read_findings(settings.stage / job.findings, relocations)
        if isinstance(findings, CellError):
            result.error = findings
            return
        result.findings = findings
        result.files.append(job.findings)
    if job.tables is not None:
        with _refused_writes(settings, job.tables):
            tables = staged_tables(job, settings.stage)
        if not tables:
            result.error = CellError(
                "MissingTables", "the notebook declares tables_path but wrote no workbook"
            )
            return
        result.files += tables
    relocate_notebook(notebook, relocations, published_location(settings.out_dir, job.executed))
    started = time.perf_counter()
    try:
        html = notebook_to_html(
            notebook,
            title=result.title,
            show_code=settings.show_code,
            index_href=index_href_from(job.html),
            stamp=settings.stamp,
        )
    except OfflineError as exc:
        result.error = CellError("OfflineError", str(exc))
        return
    finally:
        result.timings["export_s"] = time.perf_counter() - started
    _write(settings, job.html, html, result)
    _write(settings, job.executed, _notebook_text(notebook), result)
    result.ok = True


def write_failure(job: RenderJob, notebook: Any, settings: RunSettings, result: JobResult) -> None:
    """Write the failed notebook and, when it converts, a page of it with code and prompts."""
    assert job.failed is not None and job.failed_html is not None, f"{job.key}: no failure paths"
    # Nothing of a failed job is published as current: its findings and tables are dropped.
    dropped = [job.findings] if job.findings is not None else []
    if job.tables is not None:
        dropped += staged_tables(job, settings.stage)
    for relative in dropped:
        if relative in result.files:
            result.files.remove(relative)
        with _refused_writes(settings, relative):
            (settings.stage / relative).unlink(missing_ok=True)
    relocate_notebook(
        notebook, _relocations(job, settings), published_location(settings.out_dir, job.failed)
    )
    _write(settings, job.failed, _notebook_text(notebook), result)
    try:
        html = notebook_to_html(
            notebook,
            title=f"Failed: {result.title}",
            show_code=True,
            prompts=True,
            index_href=index_href_from(job.failed_html),
            stamp=settings.stamp,
        )
    except Exception:  # the failed notebook is kept; a page of it is a convenience
        return
    _write(settings, job.failed_html, html, result)
