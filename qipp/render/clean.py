"""Strip what changes on every run from an executed notebook before it is committed.

papermill and nbclient stamp start and end times on every cell and on the
notebook, and widget state can hold anything. Committed notebooks keep their
outputs and execution counts (nbval compares those) and nothing else that varies.

``qipp render --in-place`` (``make notebooks``) calls this before its atomic write.
Notebooks saved by hand are stripped of the same keys by the nbstripout pre-commit
hook; a unit test checks the two agree (docs/decisions/0026).

Examples
--------
>>> nb = {"metadata": {"papermill": {"duration": 1.2}, "kernelspec": {"name": "python3"}},
...       "cells": [{"cell_type": "code", "execution_count": 1, "outputs": [],
...                  "metadata": {"execution": {"iopub.status.busy": "..."},
...                               "papermill": {"status": "completed"}, "tags": ["x"]}}]}
>>> cleaned = strip_volatile_metadata(nb)
>>> cleaned["metadata"]
{'kernelspec': {'name': 'python3'}}
>>> cleaned["cells"][0]["metadata"], cleaned["cells"][0]["execution_count"]
({'tags': ['x']}, 1)
"""

from __future__ import annotations

import copy
from typing import Any

# Notebook-level keys that differ between runs of the same code on the same data.
VOLATILE_NOTEBOOK_KEYS: tuple[str, ...] = ("papermill", "widgets")
# Cell-level keys: papermill's status and timings, nbclient's iopub timestamps.
VOLATILE_CELL_KEYS: tuple[str, ...] = ("papermill", "execution", "ExecuteTime")


def strip_volatile_metadata(notebook: Any) -> Any:
    """Return a copy of ``notebook`` without run-specific metadata.

    Parameters
    ----------
    notebook : dict or nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    Same type as ``notebook``
        A deep copy; ``notebook`` itself is not changed. Empty ``tags`` lists
        papermill leaves behind are dropped too.
    """
    cleaned = copy.deepcopy(notebook)
    metadata = cleaned.get("metadata", {})
    for key in VOLATILE_NOTEBOOK_KEYS:
        metadata.pop(key, None)
    for cell in cleaned.get("cells", []):
        cell_metadata = cell.get("metadata", {})
        for key in VOLATILE_CELL_KEYS:
            cell_metadata.pop(key, None)
        if cell_metadata.get("tags") == []:
            del cell_metadata["tags"]
    return cleaned
