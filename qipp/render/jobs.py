"""What one render run does: the list of jobs and where each one's files go.

A job is one notebook execution: a finding notebook with its defaults, the CCG
profile template for one CCG, or (``--in-place``) a committed notebook
re-executed over itself. Every output file name is built here, and only from a
notebook file's stem or a CCG code that passed :func:`checked_ccg_code`; no
other text (a CCG name, a parameter value) ever becomes part of a path.

Examples
--------
>>> job = profile_job(Path("notebooks/ccg_profile.ipynb"), "11J", {"ccg_code", "panel_path"},
...                   Path("/data/panel.csv"), Path("/stage"))
>>> job.key, job.html, job.executed, job.failed
('profile:11J', 'ccg/11J.html', 'executed/ccg/11J.ipynb', 'failed/ccg/11J.ipynb')
>>> sorted(job.parameters)
['ccg_code', 'panel_path']
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROFILE_TEMPLATE_NAME = "ccg_profile.ipynb"
KIND_FINDING = "finding"
KIND_PROFILE = "profile"
KIND_IN_PLACE = "in-place"

# Stems become file names: letters, digits, '_' and '-' only, no leading dot.
_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,80}")
# The panel's two code forms (ODS code of April 2013, synthetic S-code); repeated
# here because a file name must never depend on another module staying strict.
_CCG_CODE = re.compile(r"[0-9]{2}[A-Z]|S[0-9]{3}")


class JobError(ValueError):
    """A notebook name or CCG code that cannot safely become a file name."""


def checked_stem(stem: str) -> str:
    """Return ``stem`` if it is safe as a file name, else raise :class:`JobError`.

    >>> checked_stem("01_shortfall_doubling")
    '01_shortfall_doubling'
    >>> checked_stem("../x")
    Traceback (most recent call last):
    ...
    qipp.render.jobs.JobError: notebook name '../x' is not usable as a report name (letters, digits, _ and - only)
    """
    if not _STEM.fullmatch(stem):
        raise JobError(
            f"notebook name {stem!r} is not usable as a report name (letters, digits, _ and - only)"
        )
    return stem


def checked_ccg_code(code: str) -> str:
    """Return ``code`` if it is a CCG code (``11J`` or ``S001``), else raise :class:`JobError`.

    >>> checked_ccg_code("07H"), checked_ccg_code("S042")
    ('07H', 'S042')
    >>> checked_ccg_code("07H/../../etc")
    Traceback (most recent call last):
    ...
    qipp.render.jobs.JobError: CCG code '07H/../../etc' is not an ODS code (e.g. 11J) or a synthetic code (e.g. S001)
    """
    if not isinstance(code, str) or not _CCG_CODE.fullmatch(code):
        raise JobError(
            f"CCG code {code!r} is not an ODS code (e.g. 11J) or a synthetic code (e.g. S001)"
        )
    return code


@dataclass(frozen=True)
class RenderJob:
    """One notebook execution and the files it produces (paths relative to the output folder).

    Attributes
    ----------
    kind : str
        ``finding``, ``profile`` or ``in-place``.
    name : str
        Notebook stem, or CCG code for a profile.
    notebook : Path
        The notebook executed (the template for profiles).
    parameters : dict
        Injected parameters; empty runs the notebook's defaults.
    html, executed, failed, failed_html : str or None
        Where the page, the executed notebook and, on failure, the failed
        notebook and its page go, relative to the output folder.
    findings : str or None
        Where the notebook is asked to write its findings JSON (relative).
    uses_panel : bool
        The notebook reads a CCG panel (a profile, or a notebook declaring
        ``panel_path``), so the set's synthetic banner applies to it.
    """

    kind: str
    name: str
    notebook: Path
    parameters: dict[str, Any] = field(default_factory=dict)
    html: str | None = None
    executed: str | None = None
    failed: str | None = None
    failed_html: str | None = None
    findings: str | None = None
    uses_panel: bool = False

    @property
    def key(self) -> str:
        """Stable identity across runs, e.g. ``finding:01_x`` or ``profile:11J``."""
        return f"{self.kind}:{self.name}"


def index_href_from(page: str | None) -> str:
    """Relative link from ``page`` (relative to the output folder) back to the index.

    >>> index_href_from("01_x.html"), index_href_from("failed/ccg/11J.html")
    ('index.html', '../../index.html')
    """
    return "../" * (page or "").count("/") + "index.html"


def discover_notebooks(notebooks_dir: Path) -> list[Path]:
    """Return the notebooks directly in ``notebooks_dir``, sorted, hidden files skipped.

    >>> discover_notebooks(Path("/nonexistent"))
    []
    """
    if not notebooks_dir.is_dir():
        return []
    return sorted(
        p
        for p in notebooks_dir.glob("*.ipynb")
        if not p.name.startswith((".", "_")) and p.is_file()
    )


def matches_only(stem: str, patterns: Iterable[str]) -> bool:
    """True when ``stem`` matches one of ``patterns`` (globs; plain text matches as a substring).

    >>> matches_only("02_target_size_vs_gap", ["02*"]), matches_only("02_x", ["target"])
    (True, False)
    >>> matches_only("ccg_profile", ["profile"]), matches_only("x", [])
    (True, True)
    """
    patterns = list(patterns)
    if not patterns:
        return True
    for pattern in patterns:
        glob = pattern if any(ch in pattern for ch in "*?[") else f"*{pattern}*"
        if fnmatch.fnmatchcase(stem, glob):
            return True
    return False


def finding_job(
    notebook: Path, declared: set[str], stage: Path, panel_path: Path | None = None
) -> RenderJob:
    """Plan the render of one finding notebook with its default parameters.

    ``findings_path`` is passed when the notebook declares it, pointing into the
    run's staging folder (``stage``), whence it is moved to ``findings/<stem>.json``
    when the run completes (the worker then writes the final location in its
    place in every published file: :mod:`qipp.render.relocate`); ``panel_path``
    is passed only when a panel was given and the notebook declares it.

    >>> job = finding_job(Path("nb/01_x.ipynb"), {"findings_path"}, Path("/stage"))
    >>> job.html, job.findings, job.parameters
    ('01_x.html', 'findings/01_x.json', {'findings_path': '/stage/findings/01_x.json'})
    """
    stem = checked_stem(notebook.stem)
    parameters: dict[str, Any] = {}
    findings = None
    if "findings_path" in declared:
        findings = f"findings/{stem}.json"
        parameters["findings_path"] = str(stage / findings)
    if panel_path is not None and "panel_path" in declared:
        parameters["panel_path"] = str(panel_path)
    return RenderJob(
        KIND_FINDING,
        stem,
        notebook,
        parameters,
        html=f"{stem}.html",
        executed=f"executed/{stem}.ipynb",
        failed=f"failed/{stem}.ipynb",
        failed_html=f"failed/{stem}.html",
        findings=findings,
        uses_panel="panel_path" in declared,
    )


def profile_job(
    template: Path, ccg_code: str, declared: set[str], panel_path: Path, stage: Path
) -> RenderJob:
    """Plan the profile of one CCG from the template (see module example)."""
    code = checked_ccg_code(ccg_code)
    missing = {"ccg_code", "panel_path"} - declared
    if missing:
        raise JobError(f"{template.name} does not declare the parameters {sorted(missing)}")
    parameters = {"ccg_code": code, "panel_path": str(panel_path)}
    return RenderJob(
        KIND_PROFILE,
        code,
        template,
        parameters,
        html=f"ccg/{code}.html",
        executed=f"executed/ccg/{code}.ipynb",
        failed=f"failed/ccg/{code}.ipynb",
        failed_html=f"failed/ccg/{code}.html",
        uses_panel=True,
    )


def in_place_job(notebook: Path) -> RenderJob:
    """Plan re-executing a committed notebook over itself with its defaults.

    >>> in_place_job(Path("notebooks/03_x.ipynb")).executed
    '03_x.ipynb'
    """
    stem = checked_stem(notebook.stem)
    return RenderJob(KIND_IN_PLACE, stem, notebook, {}, executed=f"{stem}.ipynb")
