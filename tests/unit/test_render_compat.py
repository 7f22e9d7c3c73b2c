"""The private internals of qipp.render.compat still exist; nothing else in qipp uses one."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

import qipp
from qipp.render import compat
from qipp.render.kernel_state import _pandas_option_keys
from qipp.render.pool_context import TrackedSpawnContext

PACKAGE = Path(qipp.__file__).parent
# The private names the warm-kernel reset and the pool once read directly (issue 15).
PRIVATE = re.compile(
    r"_registered_options|_filters_mutated|\._processes\b|type_printers|deferred_printers"
    r"|singleton_printers|pandas\._config"
)


def test_no_module_but_compat_names_a_private_internal():
    users = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.name != "compat.py" and PRIVATE.search(path.read_text(encoding="utf-8"))
    ]
    assert users == []


def test_warnings_still_has_filters_mutated():
    assert callable(getattr(warnings, "_filters_mutated", None)), (
        "warnings._filters_mutated is gone: qipp.render.compat.warning_filters_changed "
        "must find another way to drop the warnings caches"
    )


def test_replacing_the_filters_takes_effect_for_warnings_already_seen():
    saved = list(warnings.filters)
    try:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            compat.replace_warning_filters([("ignore", None, UserWarning, None, 0)])
            warnings.warn("hidden", UserWarning, stacklevel=1)
            compat.replace_warning_filters([("error", None, UserWarning, None, 0)])
            with pytest.raises(UserWarning):
                warnings.warn("hidden", UserWarning, stacklevel=1)
        assert seen == []
    finally:
        compat.replace_warning_filters(saved)


def test_ipython_formatters_still_keep_their_printer_tables():
    from IPython.core.formatters import PlainTextFormatter

    formatter = PlainTextFormatter()
    tables = compat.formatter_tables(formatter)
    assert all(isinstance(table, dict) for table in tables)
    formatter.for_type(complex, lambda value, printer, cycle: printer.text("c"))
    assert complex in tables[0], "for_type no longer writes type_printers: update compat"


def test_pandas_options_are_listed_through_the_public_api():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated options warn when read
        keys = _pandas_option_keys(pd.options)
        documented = set(
            re.findall(r"^([\w.]+) ?: ", pd.describe_option("", _print_desc=False), re.M)
        )
        assert documented <= set(keys), documented - set(keys)
        for key in keys:  # each is an option, not a group: OptionError otherwise
            pd.get_option(key)


def test_the_tracked_context_records_the_processes_a_pool_starts():
    from concurrent.futures import ProcessPoolExecutor

    context = TrackedSpawnContext()
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:  # type: ignore[arg-type]
        assert pool.submit(abs, -3).result(timeout=60) == 3
    assert len(context.processes) == 1
    assert context.processes[0].exitcode == 0
