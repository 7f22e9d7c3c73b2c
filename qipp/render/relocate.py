"""Published files name where things end up, never the staging folder they were built in.

``qipp render`` asks a notebook to write its findings into the run's staging
folder (``<out>/.qipp-tmp-stage-XXXX/findings/<stem>.json``), which is deleted
once the run's files are moved into place. The notebook records that path (its
``parameters.findings_path``), and papermill records it too: in the injected
parameters cell and in the notebook's ``papermill.parameters`` metadata. After
a job, the worker rewrites each of these to the file's final location:

- relative to the project root when the output folder lies inside it
  (``reports/findings/02_target_size_vs_gap.json``), the form every other
  published path takes (:func:`qipp.paths.relative_to_root`);
- else relative to the output folder (``findings/02_target_size_vs_gap.json``),
  so no machine's absolute path is published either.

Examples
--------
>>> from qipp.paths import REPORTS_DIR
>>> published_location(REPORTS_DIR, "findings/02_x.json")
'reports/findings/02_x.json'
>>> published_location(Path("/elsewhere/out"), "findings/02_x.json")
'findings/02_x.json'
>>> replace_text({"a": ["/s/f.json", "x"], "b": "/s/f.json"}, {"/s/f.json": "f.json"})
{'a': ['f.json', 'x'], 'b': 'f.json'}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qipp.atomic import atomic_write_text
from qipp.paths import PROJECT_ROOT

INJECTED_TAG = "injected-parameters"


def published_location(out_dir: Path | None, relative: str) -> str:
    """Where a file of the run ends up, as published files name it (see module doc).

    Parameters
    ----------
    out_dir : Path or None
        The output folder; None (a worker used outside a render) keeps ``relative``.
    relative : str
        The file's path relative to the output folder.
    """
    if out_dir is None:
        return relative
    final = Path(out_dir).resolve() / relative
    try:
        return final.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return relative


def replace_text(value: Any, replacements: dict[str, str]) -> Any:
    """Return ``value`` with every string equal to a key replaced (dicts and lists walked).

    Only whole values are replaced: a figure that merely contains the text is data.
    """
    if isinstance(value, str):
        return replacements.get(value, value)
    if isinstance(value, dict):
        return {key: replace_text(item, replacements) for key, item in value.items()}
    if isinstance(value, list):
        return [replace_text(item, replacements) for item in value]
    return value


def relocate_findings(path: Path, replacements: dict[str, str]) -> dict:
    """Rewrite a staged findings file so it names final locations; return the record.

    Written back atomically and as strict JSON, in the layout of
    :func:`qipp.findings.write_findings`, and only when something changed.

    Raises
    ------
    ValueError
        If the file is not strict JSON or lacks a required key
        (:func:`qipp.findings.read_findings`).
    """
    from qipp.findings import read_findings

    record = read_findings(path)
    relocated = replace_text(record, replacements)
    if relocated != record:
        text = json.dumps(relocated, indent=2, sort_keys=False, allow_nan=False)
        atomic_write_text(path, text + "\n")
    return relocated


def _quoted(text: str) -> str:
    r"""``text`` as papermill's Python translator writes a string literal.

    Mirrors ``PythonTranslator.translate_escaped_str`` (papermill 2.x), so the
    injected cell's literal is found even when a path holds quotes or non-ASCII.

    >>> print(_quoted('/r/caf\u00e9 "x"/f.json'))
    "/r/caf\xe9 \"x\"/f.json"
    """
    escaped = text.encode("unicode_escape").decode("utf-8")
    return '"' + escaped.replace('"', '\\"') + '"'


def relocate_notebook(
    notebook: Any, replacements: dict[str, str], published_as: str | None = None
) -> None:
    """Rewrite, in place, the staging paths papermill recorded in an executed notebook.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        As papermill returned it.
    replacements : dict of str to str
        Staged path to final location (:func:`published_location`).
    published_as : str, optional
        Where this notebook itself is published; replaces papermill's
        ``output_path`` when it named a scratch file (the fresh executor's).
    """
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
    if papermill.get("output_path") is not None and published_as is not None:
        papermill["output_path"] = published_as
