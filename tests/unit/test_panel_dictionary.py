"""The data dictionary in data/README.md and the templates stay in step with the schema."""

from __future__ import annotations

import pytest

from qipp.panel import PANEL_COLUMNS, DataError, load_panel
from qipp.panel.dictionary import (
    END_MARKER,
    EXAMPLE_CSV,
    README,
    START_MARKER,
    TEMPLATE_CSV,
    current_section,
    render_dictionary,
    replace_section,
    update_readme,
)


def test_readme_section_is_the_generated_dictionary():
    text = README.read_text(encoding="utf-8")
    assert text.count(START_MARKER) == 1 and text.count(END_MARKER) == 1
    assert current_section(text) == render_dictionary(), (
        "data/README.md is out of date: run `qipp panel dictionary --write`"
    )


def test_dictionary_lists_every_column_and_derived_measure():
    section = render_dictionary()
    for column in PANEL_COLUMNS + [
        "plan_pct_of_allocation",
        "ytd_shortfall_pct",
        "forecast_gap_pct",
        "forecasts_shortfall",
    ]:
        assert f"| `{column}` |" in section


def test_update_readme_keeps_the_text_around_the_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# intro\n\n{START_MARKER}\nstale\n{END_MARKER}\n\nafter\n", encoding="utf-8"
    )
    update_readme(readme)
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# intro\n\n" + START_MARKER + "\n### The CCG panel")
    assert text.endswith(END_MARKER + "\n\nafter\n")
    assert "stale" not in text


def test_replace_section_appends_markers_when_absent():
    assert replace_section("# data\n", "x") == f"# data\n\n{START_MARKER}\nx\n{END_MARKER}\n"


def test_template_header_is_the_schema():
    assert TEMPLATE_CSV.read_text(encoding="utf-8") == ",".join(PANEL_COLUMNS) + "\n"
    with pytest.raises(DataError, match="the table has a header but no rows"):
        load_panel(TEMPLATE_CSV)


def test_example_row_is_a_valid_synthetic_panel():
    example = load_panel(EXAMPLE_CSV)
    assert len(example) == 1
    assert example.loc[0, "data_status"] == "synthetic"
    assert example.loc[0, "ccg_code"] == "S001"  # never a real CCG with invented figures


def test_dictionary_documents_the_register_checks_and_credits_the_register():
    from qipp.reference import REGISTER_COLUMNS
    from qipp.reference.provenance import OGL_CREDIT, REGISTER_NAME

    section = render_dictionary()
    register_part = section[section.index(f"#### Real codes and the {REGISTER_NAME}") :]
    assert OGL_CREDIT in register_part
    assert "data/reference/raw" in register_part and "decision 0029" in register_part
    for column, outcome in (("ccg_code", "warning"), ("region", "error"), ("ccg_name", "warning")):
        assert any(
            line.startswith(f"| `{column}` |") and outcome in line
            for line in register_part.splitlines()
        ), column
    assert "--strict" in register_part
    for column in REGISTER_COLUMNS:
        assert f"| `{column}` |" in register_part
