"""A CCG's registered population and plan per head in its profile, with the panel's median.

Hand-built panels: codes in a hand-built register get a population, S-codes and
unknown codes do not.
"""

from __future__ import annotations

import pytest
from profile_panels import per_head_panel_of  # noqa: E402

from qipp.findings.ccg_profile.per_head import CcgPopulation, ccg_population, per_head_median
from qipp.findings.ccg_profile.report import median_sentence, population_sentence
from qipp.panel import add_measures, is_synthetic, load_panel
from qipp.paths import SYNTHETIC_PANEL_CSV
from qipp.reference import load_register


def population_paragraph(pop: CcgPopulation) -> str:
    """The profile's paragraph as the notebook joins it: the CCG's figures, then the median."""
    return f"{population_sentence(pop)} {median_sentence(pop.panel, pop.in_register)}"


def test_a_ccg_in_the_register_gets_its_population_and_two_are_too_few_for_a_median():
    panel = per_head_panel_of(
        ["01A", "02B", "S001"], [3.0, 1.0, 2.0], [0, 0, 0], {"01A": 300_000, "02B": 100_000}
    )
    pop = ccg_population(panel, "01A")
    assert (pop.registered_patients, pop.plan_gbp_per_head) == (300_000, pytest.approx(10.0))
    assert pop.panel.n_in_register == 2 and pop.panel.median_gbp == pytest.approx(10.0)
    text = population_paragraph(pop)
    assert "**300,000** patients" in text and "**£10.00** per registered patient" in text
    assert "Only 2 CCGs of the panel are in the register: too few for a median per head." in text


def test_an_s_code_is_invented_and_not_in_the_register():
    panel = per_head_panel_of(["01A", "S001"], [3.0, 2.0], [0, 0], {"01A": 300_000})
    pop = ccg_population(panel, "S001", synthetic=True)
    assert pop.invented_code and not pop.in_register and pop.plan_gbp_per_head is None
    text = population_paragraph(pop)
    assert text.startswith("S001 is an invented code") and "not in the CCG register" in text
    assert "Only 1 CCG of the panel is in the register" in text  # no median of one CCG


def test_an_unknown_real_looking_code_is_unknown_not_invented():
    panel = per_head_panel_of(["01A", "99Z"], [3.0, 2.0], [0, 0], {"01A": 300_000})
    text = population_paragraph(ccg_population(panel, "99Z"))
    assert text.startswith("99Z is not in the CCG register of April 2013")
    assert "invented" not in text


def test_no_ccg_in_the_register_means_no_median_in_words_not_nan():
    panel = per_head_panel_of(["S001", "S002"], [3.0, 2.0], [0, 0], {})
    summary = per_head_median(panel)
    assert summary.n_in_register == 0 and summary.median_gbp is None
    text = population_paragraph(ccg_population(panel, "S001"))
    assert "cannot be computed: none of its 2 CCGs is in the register" in text
    assert "nan" not in text.lower()


def test_the_only_ccg_in_the_register_has_no_median_beside_it():
    panel = per_head_panel_of(["01A", "S001"], [3.0, 2.0], [0, 0], {"01A": 300_000})
    assert median_sentence(ccg_population(panel, "01A").panel, True).startswith(
        "It is the only CCG of the panel in the register"
    )


def test_an_unknown_code_of_the_panel_is_refused():
    panel = per_head_panel_of(["01A"], [3.0], [0], {"01A": 300_000})
    with pytest.raises(KeyError, match="02B"):
        ccg_population(panel, "02B")


def test_west_essex_on_the_committed_panel_shows_its_registered_population():
    panel = add_measures(load_panel(SYNTHETIC_PANEL_CSV))
    register = load_register().set_index("ccg_code")["registered_patients"]
    pop = ccg_population(panel, "07H", synthetic=is_synthetic(panel))
    assert pop.registered_patients == register["07H"]
    text = population_paragraph(pop)
    assert f"**{register['07H']:,}** patients" in text
    assert "an invented plan over a real population" in text
