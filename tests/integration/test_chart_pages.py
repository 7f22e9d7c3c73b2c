"""Every chart on every report page describes itself from its own data (decision 0038).

The committed notebooks are what ``make reports`` publishes (nbval holds them to a fresh
run), so their pages are exported here with the report template, no kernel started; the
profiles rendered for real are checked in ``test_render_batch``.
"""

from __future__ import annotations

import nbformat
import pytest
from chart_pages import chart_problems

from qipp.paths import NOTEBOOKS_DIR
from qipp.render.site.export import notebook_to_html

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_chart_has_a_text_alternative_backed_by_its_table(path):
    page = notebook_to_html(nbformat.read(path, as_version=4), title=path.stem)
    images, problems = chart_problems(page)
    assert images >= 1 and problems == []
