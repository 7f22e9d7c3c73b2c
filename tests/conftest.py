"""Shared fixtures, and the test tiers.

Tiers (markers registered in pyproject.toml): ``unit`` for fast, pure tests
(``tests/unit/`` and the doctests in ``qipp/``), ``integration`` for kernels,
nbval, renders, the browser and subprocesses (``tests/integration/`` and the
committed notebooks). A test's tier is where it lives, or an explicit
``@pytest.mark.integration`` on a subprocess test kept beside the unit tests it
belongs with; this hook marks the rest.
"""

from __future__ import annotations

import os
import signal
import textwrap
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

# A render in a test starts one worker unless the test asks for more: four pytest
# workers share two cores, and each extra worker pays the warm kernel's imports again.
os.environ.setdefault("QIPP_JOBS", "1")

TESTS_DIR = Path(__file__).resolve().parent
INTEGRATION_DIR = TESTS_DIR / "integration"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test with its tier: ``integration`` by location (or an nbval cell), else ``unit``."""
    for item in items:
        path = Path(str(item.path)).resolve()
        # A test beside unit tests that starts a subprocess says so with its own marker.
        marked = item.get_closest_marker("integration") is not None
        slow = marked or INTEGRATION_DIR in path.parents or path.suffix == ".ipynb"
        item.add_marker(pytest.mark.integration if slow else pytest.mark.unit)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@pytest.fixture(autouse=True)
def _stop_signals_kept():
    """Fail a test that leaves Ctrl-C or SIGTERM handled otherwise in its worker, and put them
    back: an ignored SIGINT is inherited by every later subprocess, which then cannot be
    stopped by the signal a test sends (an interrupted render waited forever)."""
    before = _stop_signal_state()
    yield
    after = _stop_signal_state()
    for signum, handler in before[0].items():
        signal.signal(signum, handler)
    signal.pthread_sigmask(signal.SIG_SETMASK, before[1])
    assert after == before, f"the test changed the stop signals' handlers or mask: {after}"


def _stop_signal_state() -> tuple[dict[int, object], set[int]]:
    """Each stop signal's handler, and the signals blocked in this thread."""
    handlers = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    return handlers, set(signal.pthread_sigmask(signal.SIG_BLOCK, []))


CLAIMS_HEADER = "id,source,quote,quantity,value,unit,period,scope,precision,qualifier"
SOURCES_TEXT = """\
id,publisher,short_name,period,documents,role
src_a,HSJ,"HSJ, toy article A",Q1 2013-14,a toy report,article
src_b,National Audit Office,"NAO, toy report B",2011-12,toy data,external_check
"""


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[[str, str], Path]:
    """Return ``write(name, text)``: write dedented ``text`` to ``tmp_path/name``."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def toy_sources_csv(write_csv) -> Path:
    """A valid two-source table (ids ``src_a`` and ``src_b``)."""
    return write_csv("sources.csv", SOURCES_TEXT)


@pytest.fixture
def make_claims() -> Callable[[list[tuple]], pd.DataFrame]:
    """Return ``make(rows)``: a typed claims frame from ``(id, value, unit,
    precision, qualifier)`` tuples, all from source ``src_a``."""
    from qipp.ledger import CLAIMS_SPEC
    from qipp.validation import coerce_and_validate

    def make(rows: list[tuple]) -> pd.DataFrame:
        raw = pd.DataFrame(
            [
                {
                    "id": i,
                    "source": "src_a",
                    "quote": f"quote for {i}",
                    "quantity": "toy",
                    "value": str(v),
                    "unit": u,
                    "period": "2013-14",
                    "scope": "toy",
                    "precision": str(p),
                    "qualifier": q or "",
                }
                for i, v, u, p, q in rows
            ]
        )
        return coerce_and_validate(raw, CLAIMS_SPEC, "toy claims")

    return make
