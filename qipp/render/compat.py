"""The private internals qipp must touch, in one place, each with the reason no public API serves.

Everything else in qipp uses public APIs. ``tests/unit/test_render_compat.py``
checks that each internal here still exists and behaves as this module assumes,
so a library upgrade that moves one fails that test loudly instead of breaking
the warm-kernel reset silently.

- ``warnings._filters_mutated``: the warnings module caches, per module, which
  warnings it has shown, keyed by a version that only its own functions bump.
  Restoring ``warnings.filters`` wholesale (the reset must: a notebook may add,
  remove or reorder filters, and C-level default filters hold plain strings the
  public ``filterwarnings`` cannot recreate) needs the version bumped too.
- IPython formatters' ``type_printers``, ``deferred_printers`` and
  ``singleton_printers``: public traits, but IPython offers no call to list or
  restore them wholesale (``for_type`` and ``pop`` act on one type at a time, and
  cannot tell what a notebook registered from what was there), so the reset
  snapshots and restores the dicts.
"""

from __future__ import annotations

import warnings
from typing import Any

FORMATTER_TABLES: tuple[str, ...] = ("type_printers", "deferred_printers", "singleton_printers")


def warning_filters_changed() -> None:
    """Tell the warnings module its filters were replaced (so its caches are dropped)."""
    mutated = getattr(warnings, "_filters_mutated", None)
    if mutated is None:  # checked by the compat test; the reset still restores the list
        return
    mutated()


def replace_warning_filters(filters: list[Any]) -> None:
    """Make ``warnings.filters`` exactly ``filters``, as if set by the warnings API.

    >>> saved = list(warnings.filters)
    >>> warnings.simplefilter("error")
    >>> replace_warning_filters(saved)
    >>> list(warnings.filters) == saved
    True
    """
    # typeshed calls filters a read-only Sequence; it is the list the warnings module reads.
    warnings.filters[:] = filters  # type: ignore[index]
    warning_filters_changed()


def formatter_tables(formatter: Any) -> tuple[dict, dict, dict]:
    """The three printer tables of an IPython display formatter, live (not copies)."""
    type_printers, deferred_printers, singleton_printers = (
        getattr(formatter, name) for name in FORMATTER_TABLES
    )
    return type_printers, deferred_printers, singleton_printers
