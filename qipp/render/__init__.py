"""Render notebooks into offline HTML reports: papermill batch, nbconvert template, index.

Public API:

- :func:`render_reports` / :func:`render_in_place` with :class:`RenderOptions`,
  returning a :class:`RenderSummary`;
- :func:`notebook_to_html` and :func:`external_references` (offline pages);
- :func:`strip_volatile_metadata` (committed notebooks);
- :class:`Executor`, :class:`ExecutionRequest`, :class:`ExecutionOutcome` and
  :data:`EXECUTORS`: the one-notebook interface a warm-kernel pool can implement.
"""

from qipp.render.clean import strip_volatile_metadata
from qipp.render.execute import (
    EXECUTORS,
    CellError,
    ExecutionOutcome,
    ExecutionRequest,
    Executor,
    FreshKernelExecutor,
)
from qipp.render.export import OfflineError, external_references, notebook_to_html
from qipp.render.pipeline import (
    RenderInputError,
    RenderOptions,
    RenderSummary,
    render_in_place,
    render_reports,
)
from qipp.render.profiles import ProfileRow
from qipp.render.stage import RenderBusyError

__all__ = [
    "EXECUTORS",
    "CellError",
    "ExecutionOutcome",
    "ExecutionRequest",
    "Executor",
    "FreshKernelExecutor",
    "OfflineError",
    "ProfileRow",
    "RenderBusyError",
    "RenderInputError",
    "RenderOptions",
    "RenderSummary",
    "external_references",
    "notebook_to_html",
    "render_in_place",
    "render_reports",
    "strip_volatile_metadata",
]
