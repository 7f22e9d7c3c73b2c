"""Render notebooks into offline HTML reports: papermill batch, nbconvert template, index.

Public API:

- :func:`render_reports` / :func:`render_in_place` with :class:`RenderOptions`,
  returning a :class:`RenderSummary`;
- :func:`notebook_to_html` and :func:`external_references` (offline pages);
- :func:`strip_volatile_metadata` (committed notebooks);
- :class:`Executor`, :class:`ExecutionRequest`, :class:`ExecutionOutcome` and
  :data:`EXECUTORS`: the one-notebook interface; :class:`WarmKernelExecutor`
  (reused kernels, the default) and :class:`FreshKernelExecutor` implement it;
- :class:`WarmEngine`: the same warm kernels as a papermill engine (``qipp_warm``).

Names are imported on first use: papermill loads the ``qipp_warm`` engine through
this package, and a kernel imports :mod:`qipp.render.kernel_state`; neither should
pay for the rest of the render layer.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "strip_volatile_metadata": "qipp.render.clean",
    "RenderInfrastructureError": "qipp.render.infra",
    "EXECUTORS": "qipp.render.execute",
    "CellError": "qipp.render.execute",
    "ExecutionOutcome": "qipp.render.execute",
    "ExecutionRequest": "qipp.render.execute",
    "Executor": "qipp.render.execute",
    "OfflineError": "qipp.render.export",
    "external_references": "qipp.render.export",
    "notebook_to_html": "qipp.render.export",
    "FreshKernelExecutor": "qipp.render.fresh",
    "render_in_place": "qipp.render.inplace",
    "PanelMismatchError": "qipp.render.options",
    "RenderInputError": "qipp.render.options",
    "RenderOptions": "qipp.render.options",
    "RenderSummary": "qipp.render.options",
    "render_reports": "qipp.render.pipeline",
    "ProfileRow": "qipp.render.profiles",
    "RenderBusyError": "qipp.render.stage",
    "WarmEngine": "qipp.render.warm",
    "WarmKernelExecutor": "qipp.render.warm",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'qipp.render' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
