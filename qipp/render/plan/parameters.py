"""The ``parameters`` cell: the names a notebook declares, and the cell papermill injects after it.

papermill reads a notebook's parameters from its cell tagged ``parameters`` and
injects the values it is given in a cell of its own, which moves every later
cell down by one in the executed notebook. Errors are reported by their cell's
number in the source notebook, which is what a reader opens. papermill gives
the injected cell a random id; :func:`stabilise_injected_cell_id` renames it to
:data:`INJECTED_CELL_ID`, so two runs with the same parameters give the same
notebook.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

INJECTED_TAG = "injected-parameters"
# The id of the injected cell in every executed notebook (papermill's is random).
INJECTED_CELL_ID = "injected-parameters"


def declared_parameters(notebook_path: Path) -> set[str]:
    """Return the names a notebook declares in its ``parameters`` cell.

    Parameters
    ----------
    notebook_path : Path
        A notebook file.

    Returns
    -------
    set of str
        Empty when the notebook has no cell tagged ``parameters``.

    The names are the targets of the cell's assignments, as papermill reads them;
    the cell is parsed with :mod:`ast` because importing papermill (nbformat's
    schema validator with it) costs the parent seconds a reused run should not pay.
    A cell Python cannot parse (a magic) is left to papermill.
    """
    cells = json.loads(Path(notebook_path).read_text(encoding="utf-8")).get("cells", [])
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not tagged:
        return set()
    try:
        tree = ast.parse("".join(tagged[0].get("source", "")))
    except SyntaxError:  # a magic: papermill's own reader (seconds to import, so only now)
        import papermill

        return set(papermill.inspect_notebook(str(notebook_path)))
    names: set[str] = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def executed_copy_of(notebook_path: Path) -> str | None:
    """The notebook a papermill output was executed from, or None for a source notebook.

    papermill records ``metadata.papermill.input_path`` in what it writes and tags the
    cell it injects ``injected-parameters``: either marks an executed copy, which
    ``qipp render`` leaves out rather than render as a second report. A file that is not
    JSON is a source (the render reports what is wrong with it).
    """
    try:
        notebook = json.loads(Path(notebook_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    metadata = notebook.get("metadata", {}) if isinstance(notebook, dict) else {}
    papermill = metadata.get("papermill") if isinstance(metadata, dict) else None
    if isinstance(papermill, dict) and (
        papermill.get("input_path") or papermill.get("output_path")
    ):
        return str(papermill.get("input_path") or "another notebook")
    cells = notebook.get("cells", []) if isinstance(notebook, dict) else []
    tags = [tag for cell in cells for tag in cell.get("metadata", {}).get("tags", [])]
    return "another notebook" if INJECTED_TAG in tags else None


def source_cell_number(input_path: Path, executed_index: int, injected: bool) -> int:
    """Map a cell's 0-based index in the executed notebook to its 1-based number in the source.

    papermill inserts one ``injected-parameters`` cell after the ``parameters``
    cell (at the top when there is none) unless the source already has one,
    which it replaces. An error in the injected cell itself is reported on the
    parameters cell.

    >>> source_cell_number(Path("never-read.ipynb"), 4, injected=False)
    5
    """
    import nbformat  # seconds to import: the workers' cost (papermill has it), not the planner's

    if not injected:
        return executed_index + 1
    cells = nbformat.read(input_path, as_version=4).cells
    tags = [cell.get("metadata", {}).get("tags", []) for cell in cells]
    if any("injected-parameters" in t for t in tags):
        return executed_index + 1
    inserted_at = next((i + 1 for i, t in enumerate(tags) if "parameters" in t), 0)
    if executed_index > inserted_at:
        return executed_index
    if executed_index == inserted_at:
        return max(inserted_at, 1)
    return executed_index + 1


def stabilise_injected_cell_id(notebook: Any) -> Any:
    """Give papermill's injected parameters cell the id :data:`INJECTED_CELL_ID`; return ``notebook``.

    Only a cell that has an id (nbformat 4.5 and later) is renamed. Should
    another cell already use the id, ``-2``, ``-3``... is appended.

    >>> nb = {"cells": [{"id": "a1", "metadata": {"tags": ["parameters"]}},
    ...                 {"id": "f00d", "metadata": {"tags": ["injected-parameters"]}}]}
    >>> [cell["id"] for cell in stabilise_injected_cell_id(nb)["cells"]]
    ['a1', 'injected-parameters']
    """
    cells = notebook["cells"] if notebook is not None else []
    for cell in cells:
        if "id" in cell and INJECTED_TAG in cell.get("metadata", {}).get("tags", []):
            taken = {other.get("id") for other in cells if other is not cell}
            new_id, n = INJECTED_CELL_ID, 1
            while new_id in taken:
                n += 1
                new_id = f"{INJECTED_CELL_ID}-{n}"
            cell["id"] = new_id
    return notebook
