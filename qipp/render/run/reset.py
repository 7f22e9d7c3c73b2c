"""Inside a warm kernel: import the stack once, then make the kernel look new before each notebook.

This module runs in the kernel, not in the render worker: the worker calls
:func:`warm_up` once after the kernel starts and :func:`prepare` before every
notebook, each as one silent request (no ``In [n]``, nothing in the namespace).

The reset keeps to what is cheap and public (docs/decisions/0035): the user
namespace (IPython's ``reset``, so the next cell is ``In [1]``), figures,
``rcParams`` (and so a seaborn theme), the working directory, ``sys.path``,
``os.environ``, warning filters (through :class:`warnings.catch_warnings`,
which also forgets which warnings were shown), pandas options (through
``pd.reset_option``) and the tables :mod:`qipp.display` remembers for a report's
downloads. Modules stay imported: that is the point. A notebook
that patches an imported module would leak into the next one, so warm kernels
serve only the project's own notebooks, which are trusted and tested in one
warm kernel against a fresh kernel's outputs; any other notebook gets a
fresh kernel.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import sys
import warnings
from typing import Any

# Imported once per kernel: what the notebooks use, and what those modules pull in.
WARM_MODULES: tuple[str, ...] = (
    "numpy",
    "pandas",
    "scipy.optimize",
    "scipy.stats",
    "statsmodels.api",
    "matplotlib.pyplot",
    "seaborn",
    "pandera.pandas",
    # Registers DataFrame.pandera and Series.pandera, on first validation otherwise.
    "pandera.accessors.pandas_accessor",
    "IPython.display",
    "qipp.paths",
    "qipp.ledger",
    "qipp.derive",
    "qipp.findings",
    "qipp.stats",
    "qipp.plotting",
    "qipp.panel",
    "qipp.findings.rows",
    "qipp.findings.claims.report",
    "qipp.findings.shortfall.report",
    "qipp.findings.target_gap.report",
    "qipp.findings.savings_profile.report",
    "qipp.findings.nhse_ccgs.report",
    "qipp.findings.pct_progress.report",
    "qipp.findings.ccg_profile.report",
    "qipp.downloads",
    "xlsxwriter",
)

# The namespace, sys.path and environment of the kernel right after warm-up.
_baseline: tuple[dict[str, Any], list[str], dict[str, str]] | None = None
# Warning filters and rcParams as they were after warm-up, put back on closing.
_contexts = contextlib.ExitStack()


def _shell() -> Any:
    """The running IPython shell, or None outside a kernel."""
    # Workers import this module for WARM_MODULES; only a kernel needs IPython.
    from IPython import get_ipython

    return get_ipython()


def _begin() -> None:
    """Restore the warning filters and rcParams saved last time, and save them again."""
    _contexts.close()
    _contexts.enter_context(warnings.catch_warnings())
    if "matplotlib" in sys.modules:
        _contexts.enter_context(sys.modules["matplotlib"].rc_context())


def warm_up(modules: tuple[str, ...] = WARM_MODULES) -> None:
    """Import ``modules`` and record the state :func:`prepare` restores; once per kernel."""
    global _baseline
    shell = _shell()
    namespace = dict(shell.user_ns) if shell is not None else {}
    for name in modules:
        importlib.import_module(name)
    if "matplotlib.pyplot" in sys.modules:
        # The inline backend hooks into IPython at the first figure: do it now, so the
        # hooks are part of the state every notebook starts from.
        pyplot = sys.modules["matplotlib.pyplot"]
        pyplot.close(pyplot.figure())
    _baseline = (namespace, list(sys.path), dict(os.environ))
    _begin()
    # The imported stack is some 200,000 long-lived objects: out of the collector's
    # sight, no reset or full collection walks them again.
    gc.collect()
    gc.freeze()


def prepare(cwd: str) -> None:
    """Make the kernel look new to the next notebook, working in ``cwd``.

    Raises
    ------
    RuntimeError
        If :func:`warm_up` has not run in this process.
    """
    if _baseline is None:
        raise RuntimeError("qipp.render.run.reset.prepare called before warm_up")
    namespace, path, environ = _baseline
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    _begin()
    if "pandas" in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # deprecated options warn as they are reset
            sys.modules["pandas"].reset_option("all")
    if "qipp.display" in sys.modules:
        sys.modules["qipp.display"].forget_shown()
    os.chdir(cwd)
    sys.path[:] = path
    if dict(os.environ) != environ:
        os.environ.clear()
        os.environ.update(environ)
    shell = _shell()
    if shell is not None:
        # After chdir: the reset starts the directory history (_dh) at the new cwd.
        shell.reset(new_session=True)
        for name, value in namespace.items():
            shell.user_ns.setdefault(name, value)
