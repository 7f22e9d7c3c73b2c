"""qipp.display.table: what a reader sees, and the same HTML on every run."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from qipp.display import MISSING, facts, table


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ccg_code": ["11J", "07H", "S001"],
            "plan_gbp_m": [2.4, np.nan, 1234.5678],
            "patients": pd.array([777935, None, 12], dtype="Int64"),
            "behind": [True, False, np.bool_(True)],
        }
    )


def test_headers_are_the_labels_and_unlabelled_columns_keep_their_name(frame):
    shown = table(frame, labels={"plan_gbp_m": "Plan (£m)"})
    assert shown.headers == ["ccg_code", "Plan (£m)", "patients", "behind"]


def test_cells_have_separators_fixed_decimals_dashes_and_yes_no(frame):
    shown = table(frame, formats={"plan_gbp_m": ",.1f"})
    assert shown.cells["plan_gbp_m"].tolist() == ["2.4", MISSING, "1,234.6"]
    assert shown.cells["patients"].tolist() == ["777,935", MISSING, "12"]
    assert shown.cells["behind"].tolist() == ["yes", "no", "yes"]


def test_unformatted_floats_get_two_decimals_and_a_word_can_replace_the_dash(frame):
    shown = table(frame, na_rep="not reported")
    assert shown.cells["plan_gbp_m"].tolist() == ["2.40", "not reported", "1,234.57"]


def test_a_function_formats_a_column(frame):
    shown = table(frame, formats={"plan_gbp_m": lambda v: f"£{v:.0f}m"})
    assert shown.cells["plan_gbp_m"].tolist() == ["£2m", MISSING, "£1235m"]


def test_html_has_no_dataframe_class_no_nan_no_index_and_the_caption(frame):
    html = table(frame, caption="Source: the panel")._repr_html_()
    assert 'class="dataframe"' not in html and "NaN" not in html and "nan" not in html
    assert "<caption>Source: the panel</caption>" in html
    assert "row_heading" not in html  # the 0..n index is hidden


def test_the_index_is_kept_under_a_header_when_asked(frame):
    html = table(frame.set_index("ccg_code"), index="CCG")._repr_html_()
    assert "row_heading" in html and ">11J<" in html and ">CCG<" in html


def test_the_same_table_gives_the_same_html_and_another_table_another_id(frame):
    first, again = table(frame)._repr_html_(), table(frame.copy())._repr_html_()
    assert first == again
    other = table(frame.iloc[:2])._repr_html_()
    assert other.split('id="')[1][:20] != first.split('id="')[1][:20]


def test_the_text_form_is_the_formatted_table_not_an_object_address(frame):
    text = repr(table(frame, caption="Source: x"))
    assert " at 0x" not in text and "777,935" in text and text.endswith("Source: x")


def test_highlighted_rows_are_marked_in_the_table_itself(frame):
    shown = table(frame, highlight=lambda f: f["ccg_code"] == "07H")
    html = shown._repr_html_()
    assert shown.highlight == (1,)
    assert html.count("qipp-highlight") == frame.shape[1] + 1  # every cell of the row + the CSS


def test_wide_tables_split_into_groups_repeating_the_first_column():
    wide = pd.DataFrame({"name": ["a"], **{f"c{i}": [float(i)] for i in range(7)}})
    html = table(wide, split_after=3, caption="Source")._repr_html_()
    assert html.count("<table") == 3 and html.count(">name<") == 3
    assert re.findall("<caption>(.*?)</caption>", html) == [
        "Part 1 of 3. Source",
        "Part 2 of 3. Source",
        "Part 3 of 3. Source",
    ]


def test_a_series_becomes_a_two_column_table():
    shown = table(pd.Series({"Q1": 1.5, "Q2": 2.25}, name="share"))
    assert shown.headers == ["item", "share"]
    assert shown.cells.values.tolist() == [["Q1", "1.50"], ["Q2", "2.25"]]


def test_facts_format_each_value_by_its_own_type():
    shown = facts({"CCGs": 143, "Median (%)": 2.4712, "Synthetic": True, "Power": None})
    assert shown.cells["Value"].tolist() == ["143", "2.47", "yes", MISSING]
