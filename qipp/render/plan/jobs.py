"""What a render run does: its jobs, the settings every job shares, and what became of each.

A job is one notebook execution. Output file names are built only here, from a
notebook's stem or a CCG code that passed :func:`checked_ccg_code`. Everything is
small and picklable: it crosses to worker processes and Dask workers and back.

>>> job = profile_job(Path("notebooks/ccg_profile.ipynb"), "11J", {"ccg_code", "panel_path"},
...                   Path("/data/panel.csv"))
>>> job.key, job.html, job.executed, job.failed
('profile:11J', 'ccg/11J.html', 'executed/ccg/11J.ipynb', 'failed/ccg/11J.ipynb')
>>> declared = {"ccg_code", "panel_path", "tables_path"}
>>> profile_job(Path("nb/ccg_profile.ipynb"), "11J", declared, Path("/p.csv"), Path("/s")).tables
'ccg/11J.xlsx'
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qipp.render.plan.parameters import executed_copy_of

PROFILE_TEMPLATE_NAME = "ccg_profile.ipynb"
KIND_FINDING, KIND_PROFILE, KIND_IN_PLACE = "finding", "profile", "in-place"

# Stems become file names: letters, digits, '_' and '-' only, no leading dot.
_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,80}")
# The panel's two code forms (ODS code of April 2013, synthetic S-code); repeated
# here because a file name must never depend on another module staying strict.
_CCG_CODE = re.compile(r"[0-9]{2}[A-Z]|S[0-9]{3}")


class JobError(ValueError):
    """A notebook name or CCG code that cannot safely become a file name."""


def checked_stem(stem: str) -> str:
    """Return ``stem`` if it is safe as a file name, else raise :class:`JobError`.

    >>> checked_stem("../x")
    Traceback (most recent call last):
    ...
    qipp.render.plan.jobs.JobError: notebook name '../x' is not usable as a report name (letters, digits, _ and - only)
    """
    if not _STEM.fullmatch(stem):
        raise JobError(
            f"notebook name {stem!r} is not usable as a report name (letters, digits, _ and - only)"
        )
    return stem


def checked_ccg_code(code: str) -> str:
    """Return ``code`` if it is a CCG code (``11J`` or ``S001``), else raise :class:`JobError`.

    >>> checked_ccg_code("07H/../../etc")
    Traceback (most recent call last):
    ...
    qipp.render.plan.jobs.JobError: CCG code '07H/../../etc' is not an ODS code (e.g. 11J) or a synthetic code (e.g. S001)
    """
    if not isinstance(code, str) or not _CCG_CODE.fullmatch(code):
        raise JobError(
            f"CCG code {code!r} is not an ODS code (e.g. 11J) or a synthetic code (e.g. S001)"
        )
    return code


@dataclass(frozen=True)
class RenderJob:
    """One notebook execution and the files it produces (paths relative to the output folder).

    ``parameters`` are injected (empty runs the defaults); ``findings`` is where
    the notebook is asked to write its findings JSON, ``tables`` its workbook of the
    tables shown (a CSV each beside it, :mod:`qipp.downloads`); ``uses_panel`` says the
    notebook reads the CCG panel, so the set's synthetic banner applies to it.
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
    tables: str | None = None

    @property
    def key(self) -> str:
        """Stable identity across runs, e.g. ``finding:01_x`` or ``profile:11J``."""
        return f"{self.kind}:{self.name}"


@dataclass(frozen=True)
class RunSettings:
    """What every job of a run shares, as workers receive it.

    ``stage`` is the staging folder the job's files go to, ``out_dir`` where they
    end up (published files name that, not the stage), ``cwd`` the kernels'
    working folder and ``kernel_dir`` the folder under which each worker keeps its
    kernels' connection files and logs. ``path_aliases`` maps paths a Dask worker
    reads under another name to the run's name for each.
    """

    stage: Path
    cwd: Path
    kernel_dir: Path
    kernel_name: str = "python3"
    cell_timeout_s: float | None = 600.0
    notebook_timeout_s: float | None = None
    show_code: bool = False
    stamp: str = ""
    fresh_kernels: bool = False
    out_dir: Path | None = None
    path_aliases: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CellError:
    """Where and how a notebook failed: the exception, the cell's number in the source
    notebook (papermill's injected cell not counted) and its ``In [n]``, when known."""

    ename: str
    evalue: str
    cell_number: int | None = None
    execution_count: int | None = None
    traceback: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line naming the cell and the error.

        >>> CellError("ValueError", "boom", 3, 2).describe()
        'cell 3 (In [2]): ValueError: boom'
        >>> CellError("DeadKernelError", "Kernel died").describe()
        'DeadKernelError: Kernel died'
        """
        where = "" if self.cell_number is None else f"cell {self.cell_number}"
        if where and self.execution_count is not None:
            where += f" (In [{self.execution_count}])"
        first_line = self.evalue.strip().splitlines()[0] if self.evalue.strip() else ""
        what = f"{self.ename}: {first_line}" if first_line else self.ename
        return f"{where}: {what}" if where else what


@dataclass
class JobResult:
    """What became of one job.

    ``files`` are written under the stage (relative to it); ``findings`` is the
    record the notebook wrote; ``timings`` are seconds by phase; ``attempts`` is
    above 1 when the notebook ran again (its kernel or worker died), with
    ``first_error`` saying why; ``cached`` reports come from the render cache,
    rendered at ``rendered_at``.
    """

    job: RenderJob
    ok: bool
    title: str
    files: list[str] = field(default_factory=list)
    error: CellError | None = None
    findings: dict | None = None
    duration_s: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    attempts: int = 1
    first_error: CellError | None = None
    cached: bool = False
    rendered_at: str = ""


def index_href_from(page: str | None) -> str:
    """Relative link from ``page`` (relative to the output folder) back to the index.

    >>> index_href_from("01_x.html"), index_href_from("failed/ccg/11J.html")
    ('index.html', '../../index.html')
    """
    return "../" * (page or "").count("/") + "index.html"


def discover_notebooks(notebooks_dir: Path, skipped: list[str] | None = None) -> list[Path]:
    """The notebooks directly in ``notebooks_dir``, sorted; names starting with ``.`` or ``_``
    and papermill's executed copies are left out, each copy with a line in ``skipped``.

    >>> discover_notebooks(Path("/nonexistent"))
    []
    """
    if not notebooks_dir.is_dir():
        return []
    found = []
    for path in sorted(notebooks_dir.glob("*.ipynb")):
        if path.name.startswith((".", "_")) or not path.is_file():
            continue
        source = executed_copy_of(path)
        if source is None:
            found.append(path)
        elif skipped is not None:
            skipped.append(f"{path.name}: papermill's executed copy of {source}, not rendered")
    return found


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
    return any(
        fnmatch.fnmatchcase(stem, p if any(ch in p for ch in "*?[") else f"*{p}*") for p in patterns
    )


def finding_job(
    notebook: Path, declared: set[str], stage: Path, panel_path: Path | None = None
) -> RenderJob:
    """Plan the render of one finding notebook with its default parameters.

    ``findings_path`` and ``tables_path`` are passed when the notebook declares them,
    pointing into the run's staging folder (``stage``); ``panel_path`` only when a panel
    was given and the notebook declares it.

    >>> job = finding_job(Path("nb/01_x.ipynb"), {"findings_path"}, Path("/stage"))
    >>> job.html, job.findings, job.parameters
    ('01_x.html', 'findings/01_x.json', {'findings_path': '/stage/findings/01_x.json'})
    >>> finding_job(Path("nb/01_x.ipynb"), {"tables_path"}, Path("/stage")).parameters
    {'tables_path': '/stage/01_x.xlsx'}
    """
    stem = checked_stem(notebook.stem)
    parameters: dict[str, Any] = {}
    findings = tables = None
    if "findings_path" in declared:
        findings = f"findings/{stem}.json"
        parameters["findings_path"] = str(stage / findings)
    if "tables_path" in declared:
        tables = f"{stem}.xlsx"
        parameters["tables_path"] = str(stage / tables)
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
        tables=tables,
    )


def profile_job(
    template: Path, ccg_code: str, declared: set[str], panel_path: Path, stage: Path | None = None
) -> RenderJob:
    """Plan the profile of one CCG from the template (see the module example); its tables
    go into ``stage`` when the template declares ``tables_path``."""
    code = checked_ccg_code(ccg_code)
    missing = {"ccg_code", "panel_path"} - declared
    if missing:
        raise JobError(f"{template.name} does not declare the parameters {sorted(missing)}")
    parameters: dict[str, Any] = {"ccg_code": code, "panel_path": str(panel_path)}
    tables = None
    if "tables_path" in declared and stage is not None:
        tables = f"ccg/{code}.xlsx"
        parameters["tables_path"] = str(stage / tables)
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
        tables=tables,
    )


def in_place_job(notebook: Path) -> RenderJob:
    """Plan re-executing a committed notebook over itself with its defaults.

    >>> in_place_job(Path("notebooks/03_x.ipynb")).executed
    '03_x.ipynb'
    """
    stem = checked_stem(notebook.stem)
    return RenderJob(KIND_IN_PLACE, stem, notebook, {}, executed=f"{stem}.ipynb")
