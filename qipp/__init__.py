"""qipp: reproducible notebooks on the NHS in England's QIPP programme, 2010-2015.

A small library behind the notebooks in ``notebooks/``: it reads and checks a panel of
CCG returns, computes each finding and draws and tabulates it in one house style, so a
notebook of your own can do the same in a few lines. Start with:

- :func:`load_panel`: the CCG panel (no argument: the committed synthetic one);
- :mod:`qipp.display` and :mod:`qipp.plotting`: a table and a chart, labelled;
- :mod:`qipp.findings`: a notebook's findings record (:func:`qipp.findings.write_record`);
- :mod:`qipp.ledger` and :mod:`qipp.stats`: the published figures, and the statistics;
- :mod:`qipp.panel` and :mod:`qipp.downloads`: the panel's rules, a report's tables as files.

The template ``notebooks/templates/own_finding.ipynb`` uses each of them once;
``qipp render --notebooks-dir notebooks/templates`` turns it into a report.
Subpackages load on first use (``qipp.plotting`` imports matplotlib), so ``import qipp``
stays quick for the command line.
"""

import importlib

__version__ = "0.2.0"
# What `import qipp` offers, loaded on first use (PEP 562): name -> module holding it.
_LAZY = {
    "display": "qipp.display",
    "downloads": "qipp.downloads",
    "findings": "qipp.findings",
    "ledger": "qipp.ledger",
    "panel": "qipp.panel",
    "paths": "qipp.paths",
    "plotting": "qipp.plotting",
    "stats": "qipp.stats",
    "load_panel": "qipp.panel",
}
__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module 'qipp' has no attribute {name!r}")
    module = importlib.import_module(_LAZY[name])
    value = getattr(module, name) if name == "load_panel" else module
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*__all__, *(name for name in globals() if name.startswith("__"))})
