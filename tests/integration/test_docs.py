"""The documentation site builds, strictly and offline, and its API page covers the public API.

One build per session (a module fixture), the way ``make docs`` runs it: ``-W --keep-going
-n``, so a warning, a broken link or a reference to a name that does not exist fails.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from qipp.paths import PROJECT_ROOT

# The modules the API page documents (docs/reference/api.md).
PUBLIC_MODULES = [
    "qipp",
    "qipp.panel",
    "qipp.display",
    "qipp.plotting",
    "qipp.ledger",
    "qipp.findings",
    "qipp.findings.record",
    "qipp.stats",
    "qipp.downloads",
]
PAGES = [
    "index.html",
    "tutorial.html",
    "howto/own-notebook.html",
    "howto/messy-spreadsheets.html",
    "howto/cluster.html",
    "howto/cluster-tls.html",
    "reference/api.html",
    "reference/cli.html",
    "reference/data-dictionary.html",
    "reference/findings-record.html",
    "explanation/claims-ledger.html",
    "explanation/synthetic-panel.html",
    "explanation/performance.html",
]

FETCHED = re.compile(r"<(script|link|img)\b[^>]*\b(src|href)=\"(https?:)?//", re.I)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "html"
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-q", "-b", "html"]
    command += ["-d", str(out.parent / "doctrees"), str(PROJECT_ROOT / "docs"), str(out)]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"the strict docs build failed:\n{done.stderr[-6000:]}"
    return out


def test_every_page_is_built_offline(site):
    missing = [page for page in PAGES if not (site / page).is_file()]
    assert not missing, missing
    for page in PAGES:
        # Nothing is fetched when a page is read: no script, stylesheet or image from elsewhere.
        assert not FETCHED.search((site / page).read_text(encoding="utf-8")), page


def _public_callables(module: ModuleType) -> list[str]:
    names = getattr(module, "__all__", [])
    return [
        name
        for name in names
        if callable(getattr(module, name)) and not isinstance(getattr(module, name), ModuleType)
    ]


def test_the_api_page_has_an_entry_for_every_public_function_and_class(site):
    html = (site / "reference" / "api.html").read_text(encoding="utf-8")
    assert 'id="qipp.panel.load_panel"' in html
    missing = [
        f"{name}.{attr}"
        for name in PUBLIC_MODULES
        for attr in _public_callables(importlib.import_module(name))
        if f'id="{name}.{attr}"' not in html
    ]
    assert not missing, f"public names without an entry in the API reference: {missing}"


def test_the_cli_page_documents_every_command(site):
    html = (site / "reference" / "cli.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)  # the usage lines are syntax-highlighted
    for command in ("qipp render", "qipp claims", "qipp panel validate", "qipp panel fix"):
        assert f"{command} [OPTIONS]" in text, command
    assert "--scheduler" in text


def test_the_data_dictionary_is_the_generated_one(site):
    from qipp.panel.dictionary import render_dictionary

    html = (site / "reference" / "data-dictionary.html").read_text(encoding="utf-8")
    first_heading = render_dictionary().splitlines()[0].lstrip("# ")
    assert first_heading in html
    assert "allocation_gbp_m" in html
