"""Each notebook checks its parameters in the cell after them, naming the one that is wrong.

papermill injects a run's values right after the ``parameters`` cell, so the cell tagged
``check-parameters`` sees them: a bad value stops the run there, in words, instead of deep
inside scipy or NumPy (``-p alpha 0``, ``-p seed -1``).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from qipp.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
# Values each parameter must refuse, by name, in whichever notebook takes it.
REFUSED: dict[str, tuple[object, ...]] = {
    "findings_path": (5, None),
    "tables_path": (5, None, "tables.csv"),
    "panel_path": (3, None),
    "alpha": (0, 1, -0.05, 1.5),
    "power": (0, 1),
    "seed": (-1, 1.5),
    "n_sims": (0, -5),
    "rho_max": (-0.1, 1.2),
    "rho_step": (0, -0.1),
    "method": ("pearson", ""),
    "ccg_code": ("", "not a code"),
}


def _cells(path: Path) -> tuple[str, str]:
    """The source of the ``parameters`` cell and of the cell right after it."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    at = next(i for i, c in enumerate(cells) if "parameters" in c["metadata"].get("tags", []))
    following = cells[at + 1]
    checks = "check-parameters" in following["metadata"].get("tags", [])
    return "".join(cells[at]["source"]), "".join(following["source"]) if checks else ""


def _names(parameters: str) -> list[str]:
    tree = ast.parse(parameters)
    return [node.target.id for node in tree.body if isinstance(node, ast.AnnAssign)]  # type: ignore[attr-defined]


CASES = [
    pytest.param(path, name, bad, id=f"{path.stem}-{name}={bad!r}")
    for path in NOTEBOOKS
    for name in _names(_cells(path)[0])
    for bad in REFUSED.get(name, ())
]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_defaults_pass_and_every_parameter_has_refused_values(path):
    parameters, check = _cells(path)
    assert check, "no cell tagged check-parameters right after the parameters cell"
    namespace: dict = {}
    exec(parameters, namespace)
    exec(check, namespace)
    assert set(_names(parameters)) <= set(REFUSED), "add the new parameter's bad values"


@pytest.mark.parametrize(("path", "name", "bad"), CASES)
def test_a_bad_value_is_refused_naming_the_parameter(path, name, bad):
    parameters, check = _cells(path)
    namespace: dict = {}
    exec(parameters, namespace)
    namespace[name] = bad
    with pytest.raises((ValueError, TypeError), match=name):
        exec(check, namespace)
