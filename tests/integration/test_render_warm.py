"""Warm kernels: one notebook leaves nothing behind for the next, and outputs match a fresh kernel.

One warm executor runs, in a single kernel, a notebook that changes everything
it can (``polluter``), then a notebook that reports what it sees (``checker``),
then real project notebooks, with the polluter again in between. The same
checker and project notebooks also run in fresh kernels. Outputs are compared
after the same sanitising nbval uses (``tests/nbval_sanitize.cfg``, read by nbval's
own parser). The polluter prints its kernel's process id, so "one kernel" is observed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbval.plugin import get_sanitize_patterns

from qipp.paths import NOTEBOOKS_DIR, SYNTHETIC_PANEL_CSV
from qipp.render.execute import ExecutionRequest, FreshKernelExecutor
from qipp.render.warm import WarmKernelExecutor

SANITIZE_CFG = Path(__file__).parents[1] / "nbval_sanitize.cfg"
# np.random.random() right after np.random.seed(0).
SEED0_FIRST_DRAW = 0.5488135039273248

POLLUTER = [
    "import os as kernel_os\nprint('PID', kernel_os.getpid())",
    "secret_value = 42\nimport json as jj\nfrom os import path as ospath\n"
    "def helper():\n    return 1\nclass Thing:\n    pass",
    "import os, sys, warnings\nimport numpy as np, pandas as pd\n"
    "import matplotlib, matplotlib.pyplot as plt, seaborn as sns\n"
    "from qipp import plotting\nplotting.apply_house_style()\n"
    "sns.set_theme(style='darkgrid')\nmatplotlib.rcParams['lines.linewidth'] = 9.0\n"
    "import warnmod",
    "get_ipython().run_line_magic('config', 'InlineBackend.close_figures = False')\n"
    "from matplotlib_inline.backend_inline import set_matplotlib_formats\n"
    "set_matplotlib_formats('svg')\nfig = plt.figure(num=77)",
    "os.chdir('/')\nsys.path.insert(0, '/polluted')\nos.environ['QIPP_POLLUTED'] = '1'",
    "warnings.simplefilter('error', DeprecationWarning)\n"
    "warnings.filterwarnings('ignore', category=UserWarning)",
    "pd.set_option('display.max_rows', 3)\nnp.set_printoptions(precision=2)\n"
    "np.seterr(all='raise')\nnp.random.seed(0)",
    "get_ipython().events.register('post_run_cell', lambda result: print('LEAKED HOOK'))",
    # Last, after every filter change: Python now remembers this warning as already
    # issued from warnmod, and would not show it again until the filters change.
    "warnmod.warn_once()",
]

CHECKER = [
    "print(sorted(globals()))",
    "print({name: name in globals() for name in "
    "('secret_value', 'jj', 'ospath', 'helper', 'Thing', 'fig', 'plt', 'np')})",
    # Libraries add warning filters for their own classes when imported; import the
    # warm kernel's modules first so a fresh kernel has the same ones.
    "import importlib\nfrom qipp.render.kernel_state import WARM_MODULES\n"
    "for module in WARM_MODULES:\n    importlib.import_module(module)\n"
    "import json, os, sys, warnings\nimport matplotlib, matplotlib.pyplot as plt\n"
    "import numpy as np, pandas as pd\nfrom matplotlib.figure import Figure\n"
    "from matplotlib_inline.config import InlineBackend\n"
    "inline = InlineBackend.instance()\n"
    "state = {'cwd': os.getcwd(), 'polluted_path': '/polluted' in sys.path,\n"
    "         'env': os.environ.get('QIPP_POLLUTED'), 'figures': plt.get_fignums(),\n"
    "         'linewidth': matplotlib.rcParams['lines.linewidth'],\n"
    "         'facecolor': matplotlib.rcParams['axes.facecolor'],\n"
    "         'filters': [str(f) for f in warnings.filters],\n"
    "         'max_rows': pd.get_option('display.max_rows'),\n"
    "         'np_precision': np.get_printoptions()['precision'], 'np_err': np.geterr(),\n"
    "         'close_figures': inline.close_figures,\n"
    "         'svg_figures': Figure in get_ipython().display_formatter"
    ".formatters['image/svg+xml'].type_printers,\n"
    "         'seed0_draw': bool(np.random.random() == " + repr(SEED0_FIRST_DRAW) + ")}\n"
    "print('STATE ' + json.dumps(state, sort_keys=True))",
    "import warnmod\nwarnmod.warn_once()",
    "fig, ax = plt.subplots(figsize=(3, 2))\nax.plot([1, 3, 2])\nfig",
    "pd.DataFrame({'x': range(12)})",
]

WARNMOD = (
    "import warnings\n\n\ndef warn_once():\n"
    '    warnings.warn("qipp test: shown once per location", UserWarning)\n'
)


def code_notebook(title: str, sources: list[str]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [new_markdown_cell(f"# {title}")] + [new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def sanitizers() -> list[tuple[re.Pattern, str]]:
    """nbval's sanitising rules, read by nbval from the one file the Makefile passes it."""
    text = SANITIZE_CFG.read_text(encoding="utf-8")
    return [(re.compile(regex), replace) for regex, replace in get_sanitize_patterns(text)]


def comparable(notebook: nbformat.NotebookNode) -> list[tuple]:
    """(execution count, sanitised outputs) of every code cell, injected parameters included."""
    rules = sanitizers()

    def clean(text: str) -> str:
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        return text

    return [
        (
            cell.execution_count,
            [clean(json.dumps(output, sort_keys=True)) for output in cell.outputs],
        )
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]


def stdout_of(notebook: nbformat.NotebookNode, cell_index: int) -> str:
    code = [c for c in notebook.cells if c.cell_type == "code"]
    return "".join(
        o.get("text", "")
        for o in code[cell_index].outputs
        if o.output_type == "stream" and o.name == "stdout"
    )


def checker_state(notebook: nbformat.NotebookNode) -> dict:
    line = next(line for line in stdout_of(notebook, 2).splitlines() if line.startswith("STATE "))
    return json.loads(line[len("STATE ") :])


def pid_of(notebook: nbformat.NotebookNode) -> int:
    return int(re.search(r"PID (\d+)", stdout_of(notebook, 0)).group(1))


@pytest.fixture(scope="module")
def polluter_runs() -> list:
    """The warm polluter runs, filled by ``runs``: one before each notebook and one after."""
    return []


@pytest.fixture(scope="module")
def runs(tmp_path_factory, polluter_runs):
    """Execute the sequence warm (one kernel) and fresh; return (warm, fresh) outcome lists."""
    root = tmp_path_factory.mktemp("warm")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    (notebooks / "warnmod.py").write_text(WARNMOD)
    nbformat.write(code_notebook("Polluter", POLLUTER), notebooks / "polluter.ipynb")
    nbformat.write(code_notebook("Checker", CHECKER), notebooks / "checker.ipynb")
    profile = (NOTEBOOKS_DIR / "ccg_profile.ipynb", NOTEBOOKS_DIR)
    finding = (NOTEBOOKS_DIR / "04_nhs_england_vs_ccgs.ipynb", NOTEBOOKS_DIR)
    checker = (notebooks / "checker.ipynb", notebooks)
    polluter = (notebooks / "polluter.ipynb", notebooks)
    findings_json = {"findings_path": str(root / "04.json")}
    sequence = [
        (checker, {}),
        (profile, {"ccg_code": "11J", "panel_path": str(SYNTHETIC_PANEL_CSV)}),
        (profile, {"ccg_code": "S001", "panel_path": str(SYNTHETIC_PANEL_CSV)}),
        (finding, findings_json),
    ]
    kernel_dir = root / "kernels"
    kernel_dir.mkdir()

    def request(item, parameters, tag):
        (path, cwd), scratch = item, root / f"scratch-{tag}"
        scratch.mkdir()
        return ExecutionRequest(path, parameters, cwd, scratch, kernel_dir=kernel_dir)

    warm, fresh = WarmKernelExecutor(), FreshKernelExecutor()
    warm_outcomes = []
    try:
        for i, (item, parameters) in enumerate(sequence):
            polluted = warm.execute(request(polluter, {}, f"p{i}"))
            assert polluted.ok, polluted.error
            polluter_runs.append(polluted)
            warm_outcomes.append(warm.execute(request(item, parameters, f"w{i}")))
        polluted = warm.execute(request(polluter, {}, "p-last"))
        assert polluted.ok, polluted.error
        polluter_runs.append(polluted)
    finally:
        warm.close()
    fresh_outcomes = [
        fresh.execute(request(item, parameters, f"f{i}"))
        for i, (item, parameters) in enumerate(sequence)
    ]
    assert [o.ok for o in warm_outcomes + fresh_outcomes] == [True] * 2 * len(sequence), [
        o.error for o in warm_outcomes + fresh_outcomes
    ]
    return warm_outcomes, fresh_outcomes, notebooks


def test_names_defined_by_one_notebook_are_undefined_in_the_next(runs):
    warm, _, _ = runs
    seen = stdout_of(warm[0].notebook, 1)
    for name in ("secret_value", "jj", "ospath", "helper", "Thing", "fig", "plt", "np"):
        assert f"'{name}': False" in seen, seen  # variable, alias, function, class, import


def test_the_user_namespace_is_that_of_a_new_kernel(runs):
    warm, fresh, _ = runs
    assert stdout_of(warm[0].notebook, 0) == stdout_of(fresh[0].notebook, 0)
    assert "'In'" in stdout_of(warm[0].notebook, 0)


def test_figures_rcparams_cwd_path_env_warnings_options_and_hooks_are_restored(runs):
    warm, fresh, notebooks = runs
    state, new = checker_state(warm[0].notebook), checker_state(fresh[0].notebook)
    assert state["figures"] == [] and state["close_figures"] is True
    assert state["linewidth"] == new["linewidth"] != 9.0
    assert state["facecolor"] == new["facecolor"]  # seaborn's darkgrid undone
    assert state["cwd"] == str(notebooks)
    assert state["polluted_path"] is False and state["env"] is None
    assert state["filters"] == new["filters"]
    polluting = (
        "('error', None, <class 'DeprecationWarning'>",
        "('ignore', None, <class 'UserWarning'>",
    )
    assert not [f for f in state["filters"] if f.startswith(polluting)]
    assert state["max_rows"] == new["max_rows"] != 3
    assert state["np_precision"] == 8 and state["np_err"] == new["np_err"]
    assert state["svg_figures"] is False and state["seed0_draw"] is False
    assert state == new
    assert "LEAKED HOOK" not in json.dumps(warm[0].notebook)


def test_a_warning_already_shown_by_the_previous_notebook_is_shown_again(runs):
    warm, _, _ = runs
    code = [c for c in warm[0].notebook.cells if c.cell_type == "code"]
    stderr = "".join(o.get("text", "") for o in code[3].outputs if o.get("name") == "stderr")
    assert "UserWarning: qipp test: shown once per location" in stderr


def test_cells_are_numbered_from_one_as_in_a_new_kernel(runs):
    warm, _, _ = runs
    for outcome in warm:
        counts = [c.execution_count for c in outcome.notebook.cells if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1))


@pytest.mark.parametrize(
    "position, name",
    [
        (0, "checker"),
        (1, "ccg_profile 11J"),
        (2, "ccg_profile S001"),
        (3, "04_nhs_england_vs_ccgs"),
    ],
)
def test_outputs_in_a_reused_kernel_equal_those_of_a_fresh_kernel(runs, position, name):
    warm, fresh, _ = runs
    assert comparable(warm[position].notebook) == comparable(fresh[position].notebook), name


def test_the_reused_kernel_started_once(runs, polluter_runs):
    # The polluter ran before and after every notebook: one process id throughout means
    # every notebook ran in the one kernel, never restarted and never retried.
    warm, _, _ = runs
    assert len(polluter_runs) == len(warm) + 1
    assert len({pid_of(outcome.notebook) for outcome in polluter_runs}) == 1
    assert all(o.attempts == 1 for o in warm)
