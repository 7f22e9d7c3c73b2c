"""Inside a reused kernel: what a notebook changed in the imported stack, found in milliseconds.

Runs in the kernel (see :mod:`qipp.render.kernel_state`). Right after warm-up
:func:`capture` records the namespaces a notebook can patch: the ``__dict__`` of
every public module in ``sys.modules`` (``builtins``, ``textwrap``, ``json``,
``qipp.paths``, ``pandas``...; a module with a private part in its name, such as
``pandas._libs``, is left out) and of every class such a module offers under a
public name, wherever it is defined (``pandas.DataFrame``, so its ``__repr__``;
``collections.abc.Mapping``). Each record is the tuple of the objects the
namespace held: the tuple keeps them alive, so identity (``is``) is a safe
comparison.

:func:`changes` finds the namespaces that changed by their dicts' version tags
(CPython's PEP 509 counter: 0.3 ms, 2 ms with cold caches, for 5,000 dicts and
100,000 attributes on the project's stack; :func:`_version_reader`), or, on an
interpreter without them, by comparing every attribute (10 to 15 ms). It compares
those attribute by attribute and names what was replaced, added or deleted. A
kernel with any change is not reused: the worker replaces it
(:mod:`qipp.render.warm_kernel`). Not changes: a submodule imported later (its
parent package gains an attribute), private names (``_cache``: where libraries
keep what they compute lazily; dunders such as ``__repr__`` are checked),
``__slotnames__`` (copyreg's cache), attributes CPython sets itself
(:data:`VOLATILE`), a constant replaced by an equal one, and a bound method made
again from the same function and object (IPython binds ``get_ipython`` anew for
every cell). Such harmless changes are recorded, so they are not compared again.

Not seen: objects changed in place (a list or dict a module holds), private
modules and private names, classes only a private module offers, modules first
imported after warm-up, threads. The check defends against accidents, not
against a notebook that means to hide a change: it runs in the same process.

Examples
--------
>>> import textwrap
>>> snapshot = capture()
>>> original, textwrap.dedent = textwrap.dedent, str.strip
>>> changes(snapshot)
['textwrap.dedent replaced']
>>> textwrap.dedent = original
>>> changes(snapshot)
[]
"""

from __future__ import annotations

import ctypes
import gc
import operator
import sys
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Bound when this module is imported: a notebook may replace the builtins the check calls.
_len, _all, _map, _list, _is, _isinstance, _type = (
    len,
    all,
    map,
    list,
    operator.is_,
    isinstance,
    type,
)
_ModuleType, _MethodType = types.ModuleType, types.MethodType
# Built-in and extension types refuse new attributes: nothing to check.
_IMMUTABLE_TYPE = 1 << 8

# This module's and kernel_state's records change after they are captured, by design.
NOT_CHECKED: frozenset[str] = frozenset(
    {"__main__", "__mp_main__", "qipp.render.kernel_state", "qipp.render.integrity"}
)
# Attributes the interpreter sets by itself: a traceback shown (sys.last_*), a value
# echoed by the plain displayhook (builtins._).
VOLATILE: frozenset[tuple[str, str]] = frozenset(
    {
        ("sys", "last_type"),
        ("sys", "last_value"),
        ("sys", "last_traceback"),
        ("sys", "last_exc"),
        ("builtins", "_"),
    }
)
# copyreg caches a class's slot names in it the first time an instance is copied or pickled.
NOT_CHECKED_NAMES: frozenset[str] = frozenset({"__slotnames__"})
# Immutable values: one replaced by an equal value is no change (a cached string rebuilt).
_CONSTANTS = frozenset({str, bytes, int, float, complex, bool, type(None)})
# At most this many changes are named in a verdict.
MAX_NAMED = 8


@dataclass
class Namespace:
    """One module's or class's attributes as they were: names and the objects themselves.

    ``store`` is the dict itself (a class's ``__dict__`` is a read-only proxy of it).
    """

    label: str
    live: Mapping[str, Any]
    store: dict[str, Any]
    keys: tuple[str, ...]
    values: tuple[Any, ...]


@dataclass
class Snapshot:
    """What :func:`capture` recorded; ``versions`` are the dicts' version tags, when readable."""

    namespaces: list[Namespace]
    slots: list[int] = field(default_factory=list)
    versions: list[int] = field(default_factory=list)


def _version_reader() -> Callable[[int], int] | None:
    """Read a dict's version tag by its memory slot, or None when this interpreter has none.

    CPython (3.6 to 3.13) keeps in every dict a 64-bit ``ma_version_tag`` that changes
    on every change to the dict (PEP 509), just after its length. Reading it is the
    cheapest exact test of "this namespace changed" (0.3 ms for 5,000 dicts): the
    reader indexes all memory as one array of 64-bit words, and is used only on dicts
    the snapshot keeps alive. A probe proves the layout (length where it should be,
    a tag that moves with every change and only then) before it is trusted.
    """
    if sys.implementation.name != "cpython":
        return None
    words = (ctypes.c_uint64 * (sys.maxsize // 8)).from_address(0)
    read = words.__getitem__
    probes: list[dict[str, int]] = [{}, {"a": 1}, {"a": 1, "b": 2, "c": 3}]
    for probe in probes:
        slot = id(probe) // 8 + 2
        if id(probe) % 8 or read(slot) != len(probe):
            return None
        before = read(slot + 1)
        probe["z"] = 1
        changed = read(slot + 1)
        untouched = read(slot + 1)
        if read(slot) != len(probe) or changed == before or untouched != changed:
            return None
    return read


_READ_VERSION = _version_reader()


def _private(name: str) -> bool:
    """True when a part of a dotted name starts with ``_`` (dunders are not private).

    >>> _private("pandas._libs.lib"), _private("pandas.core.frame"), _private("__main__")
    (True, False, False)
    """
    return any(p.startswith("_") and not p.endswith("__") for p in name.split("."))


def _namespaces(skip: Iterable[Mapping[str, Any]]) -> list[Namespace]:
    # By the module or class itself: a class's __dict__ is a new proxy at every access.
    skipped = {id(mapping) for mapping in skip}
    found: list[Namespace] = []

    def add(owner: Any, label: str, mapping: Mapping[str, Any]) -> None:
        store = mapping if isinstance(mapping, dict) else gc.get_referents(mapping)[0]
        if id(owner) not in skipped and isinstance(store, dict):
            skipped.add(id(owner))
            values = tuple(mapping.values())
            found.append(Namespace(label, mapping, store, tuple(mapping), values))

    for name, module in list(sys.modules.items()):
        namespace = getattr(module, "__dict__", None)
        if name in NOT_CHECKED or _private(name) or not isinstance(namespace, dict):
            continue
        add(namespace, name, namespace)
        for attribute, value in list(namespace.items()):
            if (
                isinstance(value, type)
                and not attribute.startswith("_")
                and not value.__flags__ & _IMMUTABLE_TYPE
            ):
                add(value, f"{value.__module__}.{value.__qualname__}", value.__dict__)
    return found


def capture(skip: Iterable[Mapping[str, Any]] = ()) -> Snapshot:
    """Record the namespaces of the imported stack (but ``skip``, e.g. the user's)."""
    snapshot = Snapshot(_namespaces(skip))
    if _READ_VERSION is not None:
        # One slot past the dict's length: its version tag (see _version_reader).
        snapshot.slots = [id(namespace.store) // 8 + 3 for namespace in snapshot.namespaces]
        snapshot.versions = _list(_map(_READ_VERSION, snapshot.slots))
    return snapshot


def _same(saved: Any, live: Any) -> bool:
    """The same object, an equal constant, or a bound method made again from the same parts."""
    if _is(saved, live):
        return True
    if _type(saved) is _type(live) and _type(saved) in _CONSTANTS:
        return bool(saved == live)
    return (
        _type(saved) is _MethodType
        and _type(live) is _MethodType
        and _is(saved.__func__, live.__func__)
        and _is(saved.__self__, live.__self__)
    )


def _checked(label: str, key: str) -> bool:
    """Public names and dunders are checked; private ones hold libraries' lazy caches."""
    if key in NOT_CHECKED_NAMES or (label, key) in VOLATILE:
        return False
    return not key.startswith("_") or (key.startswith("__") and key.endswith("__"))


def _unchanged(namespace: Namespace) -> bool:
    live, values = namespace.live, namespace.values
    return _len(live) == _len(values) and _all(_map(_is, live.values(), values))


def _differences(namespace: Namespace) -> list[str]:
    """What changed in ``namespace``; when nothing that counts, its record is brought up to date."""
    saved = dict(zip(namespace.keys, namespace.values, strict=True))
    live = dict(namespace.live)
    label, found = namespace.label, []
    for key, value in saved.items():
        if not _checked(label, key):
            continue
        if key not in live:
            found.append(f"{label}.{key} deleted")
        elif not _same(value, live[key]):
            found.append(f"{label}.{key} replaced")
    for key in live.keys() - saved.keys():
        if _checked(label, key) and not _isinstance(live[key], _ModuleType):
            found.append(f"{label}.{key} added")
    if not found:
        namespace.keys, namespace.values = tuple(live), tuple(live.values())
    return found


def changes(snapshot: Snapshot) -> list[str]:
    """Name what differs from ``snapshot`` (sorted; [] when nothing does).

    With version tags only the dicts whose tag moved are compared; without, every one:

    >>> import json, sys
    >>> module = sys.modules[__name__]
    >>> reader, module._READ_VERSION = module._READ_VERSION, None
    >>> snapshot = capture()
    >>> original, json.dumps = json.dumps, repr
    >>> changes(snapshot)
    ['json.dumps replaced']
    >>> json.dumps, module._READ_VERSION = original, reader
    """
    found: list[str] = []
    namespaces = snapshot.namespaces
    if _READ_VERSION is None:
        for namespace in namespaces:
            if not _unchanged(namespace):
                found += _differences(namespace)
        return sorted(found)
    now = _list(_map(_READ_VERSION, snapshot.slots))
    if now == snapshot.versions:
        return []
    for index, (tag, recorded) in enumerate(zip(now, snapshot.versions, strict=True)):
        if tag != recorded:
            changed = _differences(namespaces[index])
            found += changed
            if not changed:  # a harmless change, now recorded
                snapshot.versions[index] = tag
    return sorted(found)


def verdict(snapshot: Snapshot) -> str:
    """One line naming the first few changes, or '' when there are none."""
    found = changes(snapshot)
    if not found:
        return ""
    more = f" and {_len(found) - MAX_NAMED} more" if _len(found) > MAX_NAMED else ""
    return ", ".join(found[:MAX_NAMED]) + more
