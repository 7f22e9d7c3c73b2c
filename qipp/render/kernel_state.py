"""Inside a reused kernel: import the stack once, then put the kernel back between notebooks.

This module runs in the kernel, not in the render worker. The worker calls
:func:`warm_up` once, right after the kernel starts, and :func:`prepare` before
every notebook, each as one silent execute request (nothing is added to the
user namespace, the execution counter does not move).

:func:`warm_up` imports :data:`WARM_MODULES` (pandas, matplotlib with the inline
backend, seaborn, statsmodels, scipy, pandera and qipp's own modules) without
binding a single user-visible name, then records a :class:`Baseline` of the
process-wide state a notebook can change. :func:`prepare` restores it:

- the user namespace is emptied (IPython's ``reset``, a new history session, so
  the next cell is ``In [1]``) and refilled with exactly what a new kernel holds;
- matplotlib figures are closed and ``rcParams`` restored (which also undoes a
  seaborn theme: seaborn keeps its style in ``rcParams``);
- the working directory, ``sys.path`` and ``os.environ`` are restored;
- warning filters are reset (which also forgets which warnings were already shown,
  so a warning shown by one notebook is shown again by the next);
- pandas options, NumPy print options and floating-point error handling are restored;
- IPython's display formatters, the inline backend's settings and event
  callbacks are restored (``set_matplotlib_formats("svg")`` does not leak);
- the global ``random`` and ``numpy.random`` generators are reseeded from the
  operating system, as in a new process.

Modules stay imported (that is the point). Before any of that, :func:`prepare`
restores the umask, ``decimal``, the socket timeout, the recursion limit,
``logging`` and matplotlib's backend (:mod:`qipp.render.kernel_settings`), then
runs the integrity check of :mod:`qipp.render.integrity`: a notebook that replaced
an attribute of an imported module or class, or a builtin, makes it raise
:class:`KernelStateChanged`, and the worker replaces the kernel.
Threads a notebook starts still outlive it. ``qipp render`` runs notebooks from
outside the project in fresh kernels (docs/decisions/0028).

Examples
--------
>>> import warnings
>>> baseline = capture(user_namespace={})
>>> warnings.simplefilter("ignore")
>>> restore_process_state(baseline, cwd=baseline.cwd)
>>> warnings.filters == baseline.warning_filters
True
"""

from __future__ import annotations

import copy
import gc
import importlib
import os
import random
import sys
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

from qipp.render import integrity, kernel_settings
from qipp.render.compat import formatter_tables, replace_warning_filters

# Imported once per kernel. What the notebooks use, plus what those modules pull in.
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
    "qipp.analysis.ledger_rows",
    "qipp.analysis.ledger_summary",
    "qipp.analysis.nhse_ccgs",
    "qipp.analysis.pct_progress",
    "qipp.analysis.savings_profile",
    "qipp.analysis.shortfall",
    "qipp.analysis.target_gap",
)


@dataclass
class Baseline:
    """Process-wide state right after warm-up, restored before every notebook.

    Attributes
    ----------
    cwd : str
        Working directory at warm-up (a notebook's own ``cwd`` is given to :func:`prepare`).
    sys_path, environ, warning_filters
        Copies of ``sys.path``, ``os.environ`` and ``warnings.filters``.
    namespace : dict
        The user namespace of the new kernel, before anything ran in it.
    rc_params, pandas_options, numpy_print, numpy_err : dict
        Settings of matplotlib, pandas and NumPy (empty when not imported).
    shell_state : dict
        IPython display formatters, inline-backend settings and event callbacks.
    """

    cwd: str
    sys_path: list[str]
    environ: dict[str, str]
    warning_filters: list[Any]
    namespace: dict[str, Any] = field(default_factory=dict)
    rc_params: dict[str, Any] = field(default_factory=dict)
    pandas_options: dict[str, Any] = field(default_factory=dict)
    numpy_print: dict[str, Any] = field(default_factory=dict)
    numpy_err: dict[str, Any] = field(default_factory=dict)
    shell_state: dict[str, Any] = field(default_factory=dict)


_baseline: Baseline | None = None
# Recorded at warm-up: what a reset cannot undo, and settings it puts back (None: the
# reset of 0022 alone, without either).
_integrity: integrity.Snapshot | None = None
_settings: kernel_settings.Settings | None = None


class KernelStateChanged(RuntimeError):
    """The previous notebook changed the imported stack: the kernel must not be reused."""


def _shell() -> Any:
    """The running IPython shell, or None outside a kernel."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def warm_up(modules: tuple[str, ...] = WARM_MODULES, check: bool = True) -> float:
    """Import ``modules`` and record the :class:`Baseline`; return the import time in seconds.

    Call once, in a new kernel, before any notebook ran. Importing binds no name
    in the user namespace. With ``check`` every later :func:`prepare` first runs
    the integrity check of :mod:`qipp.render.integrity` and restores the settings
    of :mod:`qipp.render.kernel_settings`.
    """
    global _baseline, _integrity, _settings
    shell = _shell()
    namespace = dict(shell.user_ns) if shell is not None else {}
    started = time.perf_counter()
    for name in modules:
        importlib.import_module(name)
    if "matplotlib.pyplot" in sys.modules:
        # matplotlib loads its backend at the first figure, and the inline backend then
        # hooks into IPython (figure display, a post-execute flush). Do it now, so the
        # baseline includes those hooks and resets keep them.
        pyplot = sys.modules["matplotlib.pyplot"]
        pyplot.close(pyplot.figure())
    seconds = time.perf_counter() - started
    _baseline = capture(namespace)
    if check:
        skip = [shell.user_ns, shell.user_global_ns] if shell is not None else []
        _integrity, _settings = integrity.capture(skip), kernel_settings.capture()
    # The imported stack is some 200,000 long-lived objects: move them out of the
    # collector's sight, or every reset (IPython collects) and every full
    # collection while a notebook runs walks them all again.
    gc.collect()
    gc.freeze()
    return seconds


def capture(user_namespace: dict[str, Any]) -> Baseline:
    """Record the current process-wide state (see :class:`Baseline`)."""
    baseline = Baseline(
        os.getcwd(), list(sys.path), dict(os.environ), list(warnings.filters), dict(user_namespace)
    )
    if "matplotlib" in sys.modules:
        import matplotlib

        # As matplotlib's own rc_context does: copy without revalidating or warning (the
        # stubs key RcParams by Literal names, which dict() rejects; every key is a str).
        baseline.rc_params = dict(matplotlib.rcParams.copy())  # type: ignore[arg-type]
        del baseline.rc_params["backend"]
    if "pandas" in sys.modules:
        baseline.pandas_options = _pandas_options()
    if "numpy" in sys.modules:
        import numpy

        # Plain dicts (the stubs' TypedDicts are private to NumPy), passed back as keywords.
        baseline.numpy_print = dict(numpy.get_printoptions())
        baseline.numpy_err = dict(numpy.geterr())
    shell = _shell()
    if shell is not None:
        baseline.shell_state = _shell_state(shell)
    return baseline


def _pandas_option_keys(node: Any, prefix: str = "") -> list[str]:
    """Every option's full key, by walking ``pd.options`` (public; what ``dir`` lists)."""
    import pandas

    keys = []
    for name in dir(node):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # reading a deprecated option warns
            value = getattr(node, name)
        # A group of options is an object of the same type as pd.options itself.
        if isinstance(value, type(pandas.options)):
            keys += _pandas_option_keys(value, f"{prefix}{name}.")
        else:
            keys.append(prefix + name)
    return keys


def _pandas_options() -> dict[str, Any]:
    import pandas

    values = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading a deprecated option warns
        for key in _pandas_option_keys(pandas.options):
            try:
                values[key] = copy.deepcopy(pandas.get_option(key))
            except Exception:  # an option whose getter fails is left alone
                continue
    return values


def _formatters(shell: Any) -> list[Any]:
    display = shell.display_formatter
    return [
        *display.formatters.values(),
        display.ipython_display_formatter,
        display.mimebundle_formatter,
    ]


def _shell_state(shell: Any) -> dict[str, Any]:
    state: dict[str, Any] = {
        "formatters": [
            (f, *(dict(table) for table in formatter_tables(f)), f.enabled)
            for f in _formatters(shell)
        ],
        "events": {name: list(callbacks) for name, callbacks in shell.events.callbacks.items()},
    }
    backend = sys.modules.get("matplotlib_inline.config")
    if backend is not None:
        inline = backend.InlineBackend.instance()
        state["inline"] = {
            name: copy.deepcopy(getattr(inline, name))
            for name in ("figure_formats", "print_figure_kwargs", "rc", "close_figures")
        }
    return state


def restore_process_state(baseline: Baseline, cwd: str) -> None:
    """Put every setting of :class:`Baseline` back and change to ``cwd`` (no IPython needed)."""
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    os.chdir(cwd)
    sys.path[:] = baseline.sys_path
    if dict(os.environ) != baseline.environ:
        os.environ.clear()
        os.environ.update(baseline.environ)
    # resetwarnings() also invalidates every module's record of warnings already shown.
    warnings.resetwarnings()
    replace_warning_filters(baseline.warning_filters)
    if baseline.rc_params:
        import matplotlib

        # As rc_context does (no revalidation); RcParams' Literal keys defeat inference.
        dict.update(matplotlib.rcParams, baseline.rc_params)  # type: ignore[misc]
    if baseline.pandas_options:
        _restore_pandas(baseline.pandas_options)
    if baseline.numpy_print or baseline.numpy_err:
        import numpy

        numpy.set_printoptions(**baseline.numpy_print)
        numpy.seterr(**baseline.numpy_err)
        numpy.random.seed()  # noqa: NPY002 (re-seeds the legacy global RNG a notebook may have seeded)
    random.seed()


def _restore_pandas(options: dict[str, Any]) -> None:
    import pandas

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, value in options.items():
            try:
                if pandas.get_option(key) != value:
                    pandas.set_option(key, value)
            except Exception:  # e.g. an option that cannot be compared; leave it
                continue


def _restore_shell(shell: Any, state: dict[str, Any]) -> None:
    inline = state.get("inline")
    if inline is not None:
        backend = sys.modules["matplotlib_inline.config"].InlineBackend.instance()
        for name, value in inline.items():
            if getattr(backend, name) != value:
                setattr(backend, name, copy.deepcopy(value))
    for formatter, types, deferred, singletons, enabled in state["formatters"]:
        for live, saved in zip(
            formatter_tables(formatter), (types, deferred, singletons), strict=True
        ):
            if live != saved:
                live.clear()
                live.update(saved)
        formatter.enabled = enabled
    for name, callbacks in state["events"].items():
        shell.events.callbacks[name][:] = callbacks


def prepare(cwd: str) -> None:
    """Make the kernel look new to the next notebook, working in ``cwd``.

    Raises
    ------
    KernelStateChanged
        If the previous notebook changed what a reset cannot undo (the kernel
        must be replaced), checked before the namespace is reset.
    RuntimeError
        If :func:`warm_up` has not run in this process.
    """
    if _baseline is None:
        raise RuntimeError("qipp.render.kernel_state.prepare called before warm_up")
    if _settings is not None:
        # Settings first: switching matplotlib's backend back rebinds its module attribute.
        kernel_settings.restore(_settings)
    if _integrity is not None:
        changed = integrity.verdict(_integrity)
        if changed:
            raise KernelStateChanged(changed)
    restore_process_state(_baseline, cwd)
    shell = _shell()
    if shell is None:
        return
    _restore_shell(shell, _baseline.shell_state)
    # After chdir: the reset starts the directory history (_dh) at the new cwd.
    shell.reset(new_session=True)
    for name, value in _baseline.namespace.items():
        shell.user_ns.setdefault(name, value)
