"""Read a user's panel file (CSV, TSV or .xlsx NISFE return) safely into a panel.

The modules run in order (:func:`read_panel`; decision 0027): :mod:`.grid` turns
bytes into cells within the bounds of :mod:`.limits`; :mod:`.locate` finds the
sheet, header row and columns; :mod:`.normalise` fixes case, saying so;
:mod:`.register_check` compares a reported panel with the CCG register of April 2013;
:mod:`.plausibility` flags unusual figures; :mod:`.report` collapses repeated
problems into one line each.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PanelDataError", "PanelRead", "read_panel"]


def __getattr__(name: str) -> Any:
    # Lazy: qipp.panel.schema imports .limits, and the pipeline imports the schema.
    if name in __all__:
        from qipp.panel.intake import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
