"""Warm kernels: one notebook leaves nothing of what the reset covers for the next, and the
project's notebooks give a fresh kernel's outputs when they run twice in one warm kernel.

Everything runs in one warm kernel (this process's, :mod:`qipp.render.run.kernel`). A
``polluter`` changes every piece of state the reset puts back (docs/decisions/0035); a
``checker`` then reports what it sees, and the same checker in a fresh kernel says what
it should see. Then each of the project's notebooks runs twice in that kernel, the polluter
between every two, and its outputs are compared with the committed ones, which are a fresh
kernel's: nbval re-runs every committed notebook in a fresh kernel in ``make test`` and
fails on any difference. Outputs are compared after nbval's sanitising
(``tests/nbval_sanitize.cfg``, read by nbval's own parser), figures included.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbval.plugin import coalesce_streams, get_sanitize_patterns

from qipp.paths import NOTEBOOKS_DIR
from qipp.render.plan.jobs import discover_notebooks
from qipp.render.plan.parameters import INJECTED_CELL_ID
from qipp.render.run import kernel, notebook
from qipp.render.site.outputs import strip_volatile_metadata

SANITIZE_CFG = Path(__file__).parents[1] / "nbval_sanitize.cfg"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"

POLLUTER = [
    "import os as kernel_os\nprint('PID', kernel_os.getpid())",
    "secret_value = 42\nimport json as jj\ndef helper():\n    return 1",
    "import os, sys, warnings\nimport matplotlib, matplotlib.pyplot as plt, seaborn as sns\n"
    "import pandas as pd\nimport warnmod\n"
    "sns.set_theme(style='darkgrid')\nmatplotlib.rcParams['lines.linewidth'] = 9.0\n"
    "fig = plt.figure(num=77)",
    "os.chdir('/')\nsys.path.insert(0, '/polluted')\nos.environ['QIPP_POLLUTED'] = '1'",
    "warnings.simplefilter('error', DeprecationWarning)\n"
    "warnings.filterwarnings('ignore', category=UserWarning)",
    "pd.set_option('display.max_rows', 3)",
    # Last, after every filter change: Python now remembers this warning as already shown
    # from warnmod, and would not show it again until the filters change.
    "warnmod.warn_once()",
]

CHECKER = [
    "print(sorted(globals()))",
    "print({name: name in globals() for name in ('secret_value', 'jj', 'helper', 'fig')})",
    # Libraries add warning filters for their own classes when imported; import the warm
    # kernel's modules first so a fresh kernel has the same ones.
    "import importlib, json, os, sys, warnings\n"
    "from qipp.render.run.reset import WARM_MODULES\n"
    "for module in WARM_MODULES:\n    importlib.import_module(module)\n"
    "import matplotlib, matplotlib.pyplot as plt, pandas as pd\n"
    "state = {'cwd': os.getcwd(), 'polluted_path': '/polluted' in sys.path,\n"
    "         'env': os.environ.get('QIPP_POLLUTED'), 'figures': plt.get_fignums(),\n"
    "         'linewidth': matplotlib.rcParams['lines.linewidth'],\n"
    "         'facecolor': matplotlib.rcParams['axes.facecolor'],\n"
    "         'filters': [str(f) for f in warnings.filters],\n"
    "         'max_rows': pd.get_option('display.max_rows')}\n"
    "print('STATE ' + json.dumps(state, sort_keys=True))",
    "import warnmod\nwarnmod.warn_once()",
]

WARNMOD = (
    "import warnings\n\n\ndef warn_once():\n"
    '    warnings.warn("qipp test: shown once per location", UserWarning)\n'
)
PROJECT_NOTEBOOKS = [p for p in discover_notebooks(NOTEBOOKS_DIR)]


def code_notebook(title: str, sources: list[str]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [new_markdown_cell(f"# {title}")] + [new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def comparable(executed: nbformat.NotebookNode) -> list[tuple]:
    """(execution count, sanitised outputs) of every code cell, as nbval reads them."""
    rules = [
        (re.compile(regex), replace)
        for regex, replace in get_sanitize_patterns(SANITIZE_CFG.read_text(encoding="utf-8"))
    ]

    def clean(output: dict) -> str:
        text = json.dumps({k: v for k, v in output.items() if k != "metadata"}, sort_keys=True)
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        return text

    return [
        # A print can reach the notebook as one stream output or two; nbval joins them.
        (cell.execution_count, [clean(o) for o in coalesce_streams(copy.deepcopy(cell.outputs))])
        for cell in executed.cells
        if cell.cell_type == "code"
    ]


def stdout_of(executed: nbformat.NotebookNode, code_index: int) -> str:
    code = [c for c in executed.cells if c.cell_type == "code"]
    return "".join(o.get("text", "") for o in code[code_index].outputs if o.get("name") == "stdout")


def checker_state(executed: nbformat.NotebookNode) -> dict:
    line = next(s for s in stdout_of(executed, 2).splitlines() if s.startswith("STATE "))
    return json.loads(line[len("STATE ") :])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Run everything in one warm kernel, the checker also fresh; return what ran."""
    root = tmp_path_factory.mktemp("warm")
    (root / "warnmod.py").write_text(WARNMOD)
    nbformat.write(code_notebook("Polluter", POLLUTER), root / "polluter.ipynb")
    nbformat.write(code_notebook("Checker", CHECKER), root / "checker.ipynb")
    kernels = root / "kernels"
    kernels.mkdir()

    def run(path: Path, cwd: Path, fresh: bool = False) -> notebook.Outcome:
        outcome = notebook.execute(notebook.Request(path, {}, cwd, kernels, fresh=fresh))
        assert outcome.ok and outcome.attempts == 1, (path.name, outcome.error)
        return outcome

    warm: dict[str, list] = {"polluter": [], "checker": []}
    try:
        warm["polluter"].append(run(root / "polluter.ipynb", root))
        warm["checker"].append(run(root / "checker.ipynb", root))
        for path in PROJECT_NOTEBOOKS * 2:
            warm["polluter"].append(run(root / "polluter.ipynb", root))
            warm.setdefault(path.stem, []).append(run(path, NOTEBOOKS_DIR))
    finally:
        kernel.close()
    fresh = run(root / "checker.ipynb", root, fresh=True)
    return warm, fresh, root


def test_names_defined_by_one_notebook_are_undefined_in_the_next(runs):
    warm, _, _ = runs
    seen = stdout_of(warm["checker"][0].notebook, 1)
    for name in ("secret_value", "jj", "helper", "fig"):  # variable, alias, function, figure
        assert f"'{name}': False" in seen, seen


def test_the_user_namespace_is_that_of_a_new_kernel(runs):
    warm, fresh, _ = runs
    assert stdout_of(warm["checker"][0].notebook, 0) == stdout_of(fresh.notebook, 0)
    assert "'In'" in stdout_of(fresh.notebook, 0)


def test_figures_rcparams_cwd_path_env_warnings_and_pandas_options_are_restored(runs):
    warm, fresh, root = runs
    state, new = checker_state(warm["checker"][0].notebook), checker_state(fresh.notebook)
    assert state["figures"] == []
    assert state["linewidth"] == new["linewidth"] != 9.0
    assert state["facecolor"] == new["facecolor"]  # seaborn's darkgrid undone
    assert state["cwd"] == str(root)
    assert state["polluted_path"] is False and state["env"] is None
    polluting = ("('error', None, <class 'DeprecationWarning'>", "('ignore', None, <class 'UserW")
    assert not [f for f in state["filters"] if f.startswith(polluting)]
    assert state["max_rows"] == new["max_rows"] != 3
    assert state == new


def test_a_warning_already_shown_by_the_previous_notebook_is_shown_again(runs):
    warm, _, _ = runs
    code = [c for c in warm["checker"][0].notebook.cells if c.cell_type == "code"]
    stderr = "".join(o.get("text", "") for o in code[3].outputs if o.get("name") == "stderr")
    assert "UserWarning: qipp test: shown once per location" in stderr


@pytest.mark.parametrize("path", PROJECT_NOTEBOOKS, ids=[p.stem for p in PROJECT_NOTEBOOKS])
def test_each_project_notebook_run_twice_warm_gives_a_fresh_kernels_outputs(runs, path):
    warm, _, _ = runs
    committed = comparable(nbformat.read(path, as_version=4))
    first, second = warm[path.stem]
    assert comparable(first.notebook) == committed, f"{path.name}, first run"
    assert comparable(second.notebook) == committed, f"{path.name}, second run"


def test_every_notebook_ran_in_the_one_kernel_numbered_from_one(runs):
    warm, _, _ = runs
    pids = {re.search(r"PID (\d+)", stdout_of(o.notebook, 0)).group(1) for o in warm["polluter"]}
    assert len(pids) == 1 and len(warm["polluter"]) == 2 * len(PROJECT_NOTEBOOKS) + 1
    for outcomes in warm.values():
        for outcome in outcomes:
            counts = [c.execution_count for c in outcome.notebook.cells if c.cell_type == "code"]
            assert counts == list(range(1, len(counts) + 1))


@pytest.mark.parametrize("fresh", [False, True], ids=["warm", "fresh"])
def test_two_runs_with_the_same_parameters_give_the_same_notebook_bytes(tmp_path, fresh):
    texts = []
    try:
        for _ in range(2):
            request = notebook.Request(
                FIXTURES / "01_alpha.ipynb", {"findings_path": ""}, FIXTURES, tmp_path, fresh=fresh
            )
            outcome = notebook.execute(request)
            assert outcome.ok, outcome.error
            injected = [c for c in outcome.notebook.cells if c.id == INJECTED_CELL_ID]
            assert [c.metadata.tags for c in injected] == [["injected-parameters"]]
            # What --in-place does before writing: papermill's timestamps go.
            texts.append(nbformat.writes(strip_volatile_metadata(outcome.notebook)).encode())
    finally:
        kernel.close()
    assert texts[0] == texts[1]
