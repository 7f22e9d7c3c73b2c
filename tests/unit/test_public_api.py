"""The public API: what ``import qipp`` offers, ``__all__`` everywhere public, documented calls.

Public modules are ``qipp`` and every module or package directly under it, but
``qipp.cli`` and ``qipp.render`` (the command line's and the renderer's internals, used
through ``qipp`` and ``qipp render``); a package's submodules are reached through it
(docs/decisions/0042-public-api.md).
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import subprocess
import sys

import pytest

import qipp
from qipp.paths import PROJECT_ROOT, SYNTHETIC_PANEL_CSV

PACKAGE = PROJECT_ROOT / "qipp"
INTERNAL = {"cli", "render"}
PUBLIC_MODULES = ["qipp"] + sorted(
    f"qipp.{path.stem if path.is_file() else path.name}"
    for path in PACKAGE.iterdir()
    if not path.name.startswith("_")
    and (path.suffix == ".py" or (path / "__init__.py").is_file())
    and path.stem not in INTERNAL
)
# The modules a notebook of one's own uses: every function they export is documented.
DOCUMENTED = ["panel", "display", "plotting", "ledger", "findings", "stats", "downloads"]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_public_module_lists_its_public_names(name):
    module = importlib.import_module(name)
    assert isinstance(getattr(module, "__all__", None), list), f"{name} has no __all__"
    missing = [item for item in module.__all__ if not hasattr(module, item)]
    assert missing == [], f"{name}.__all__ names what it lacks: {missing}"
    assert len(set(module.__all__)) == len(module.__all__)


def test_import_qipp_offers_the_subpackages_a_user_needs_and_the_panel():
    for name in DOCUMENTED:
        assert name in dir(qipp)
        assert getattr(qipp, name) is importlib.import_module(f"qipp.{name}")
    panel = qipp.load_panel()
    assert panel.equals(qipp.panel.load_panel(SYNTHETIC_PANEL_CSV))
    assert "load_panel" in (qipp.__doc__ or "") and ">>>" not in (qipp.__doc__ or "")
    with pytest.raises(AttributeError):
        qipp.no_such_thing  # noqa: B018


@pytest.mark.integration
def test_import_qipp_stays_quick_it_loads_no_subpackage():
    code = "import sys, qipp; print([m for m in sys.modules if m.startswith(('qipp.', 'pandas'))])"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(loaded.stdout.replace("'", '"')) == []


def _documented_names(doc: str, section: str) -> set[str]:
    """The names a numpydoc section lists (``a, b : type`` lines; ``**figures`` as figures)."""
    match = re.search(rf"^{section}\n-+\n(.*?)(?=^\w+\n-+\n|\Z)", doc, re.M | re.S)
    if match is None:
        return set()
    names = set()
    for line in match.group(1).splitlines():
        if line and not line.startswith(" "):
            names |= {n.strip().lstrip("*") for n in line.split(" : ")[0].split(",")}
    return names


def _public_functions() -> list:
    found = []
    for module_name in DOCUMENTED:
        module = importlib.import_module(f"qipp.{module_name}")
        for name in module.__all__:
            if inspect.isfunction(value := getattr(module, name)):
                found.append(pytest.param(value, id=f"{module_name}.{name}"))
    return found


@pytest.mark.parametrize("function", _public_functions())
def test_every_public_function_documents_its_parameters_and_what_it_returns(function):
    doc = inspect.getdoc(function) or ""
    signature = inspect.signature(function)
    parameters = {name for name in signature.parameters if name not in ("self", "cls")}
    undocumented = parameters - _documented_names(doc, "Parameters")
    assert undocumented == set(), f"Parameters section lacks {sorted(undocumented)}"
    if signature.return_annotation not in (None, "None"):
        assert _documented_names(doc, "Returns") or _documented_names(doc, "Yields"), "Returns"


def test_the_section_reader_reads_numpydoc():
    doc = "Do it.\n\nParameters\n----------\na, b : int\n    Two.\n**rest\n    More.\n\n"
    doc += "Returns\n-------\nint\n    The sum.\n"
    assert _documented_names(doc, "Parameters") == {"a", "b", "rest"}
    assert _documented_names(doc, "Returns") == {"int"}
