"""Sentences on a CCG's registered population and plan per head (the CCG profile).

Built from :class:`qipp.findings.ccg_profile.per_head.CcgPopulation`, so the words cannot
disagree with the figures; Markdown, with the CCG's own figures in bold.

Examples
--------
>>> from qipp.findings.ccg_profile.per_head import CcgPopulation, PanelPerHead
>>> print(population_paragraph(CcgPopulation("S001", True, None, None, PanelPerHead(143, 0, None))))
S001 is an invented code of a synthetic panel, not in the CCG register of April 2013, so it has no registered population and no plan per head. The panel's median plan per head cannot be computed: none of its 143 CCGs is in the register.
"""

from __future__ import annotations

from qipp.findings.ccg_profile.per_head import CcgPopulation, PanelPerHead
from qipp.findings.wording import ccgs, pounds
from qipp.reference.provenance import REGISTER_NAME, register_provenance


def population_sentence(pop: CcgPopulation) -> str:
    """The CCG's registered population and plan per head, or why it has neither.

    >>> from qipp.findings.ccg_profile.per_head import CcgPopulation, PanelPerHead
    >>> print(population_sentence(CcgPopulation("07H", False, 295355, 29.23939,
    ...                                         PanelPerHead(3, 2, 16.2))))
    **295,355** patients were registered with its practices (QOF 2013-14 list size, from the CCG register of April 2013), so its QIPP plan comes to **£29.24** per registered patient.
    >>> print(population_sentence(CcgPopulation("99Z", False, None, None, PanelPerHead(3, 2, 16.2))))
    99Z is not in the CCG register of April 2013, so its registered population, and with it its plan per head, is unknown.
    """
    if pop.invented_code:
        return (
            f"{pop.ccg_code} is an invented code of a synthetic panel, not in the "
            f"{REGISTER_NAME}, so it has no registered population and no plan per head."
        )
    if pop.registered_patients is None or pop.plan_gbp_per_head is None:
        return (
            f"{pop.ccg_code} is not in the {REGISTER_NAME}, so its registered population, "
            "and with it its plan per head, is unknown."
        )
    invented = " (an invented plan over a real population)" if pop.synthetic_panel else ""
    return (
        f"**{pop.registered_patients:,}** patients were registered with its practices "
        f"(QOF 2013-14 list size, from the {REGISTER_NAME}), so its QIPP plan comes to "
        f"**{pounds(pop.plan_gbp_per_head)}** per registered patient{invented}."
    )


def median_sentence(panel: PanelPerHead, this_ccg_in_register: bool) -> str:
    """The panel's median plan per head over its CCGs in the register, or why there is none.

    >>> print(median_sentence(PanelPerHead(143, 2, 16.16224), this_ccg_in_register=True))
    The panel's median over the 2 CCGs in the register is £16.16 per registered patient.
    >>> print(median_sentence(PanelPerHead(143, 1, 29.2), this_ccg_in_register=True))
    It is the only CCG of the panel in the register, so there is no panel median to set it beside.
    >>> print(median_sentence(PanelPerHead(211, 211, 20.5, True), this_ccg_in_register=True))
    The national median, over England's 211 CCGs, is £20.50 per registered patient.
    >>> print(median_sentence(PanelPerHead(1, 0, None), this_ccg_in_register=False))
    The panel's median plan per head cannot be computed: its one CCG is not in the register.
    """
    if panel.median_gbp is None:
        which = (
            "its one CCG is not" if panel.n_ccgs == 1 else f"none of its {ccgs(panel.n_ccgs)} is"
        )
        return f"The panel's median plan per head cannot be computed: {which} in the register."
    if panel.n_in_register == 1 and this_ccg_in_register:
        return (
            "It is the only CCG of the panel in the register, so there is no panel median "
            "to set it beside."
        )
    if panel.covers_england:
        return (
            f"The national median, over England's {ccgs(panel.n_in_register)}, is "
            f"{pounds(panel.median_gbp)} per registered patient."
        )
    return (
        f"The panel's median over the {ccgs(panel.n_in_register)} in the register is "
        f"{pounds(panel.median_gbp)} per registered patient."
    )


def population_paragraph(pop: CcgPopulation) -> str:
    """The profile's paragraph: the CCG's figures, then the panel's median beside them."""
    return f"{population_sentence(pop)} {median_sentence(pop.panel, pop.in_register)}"


def population_markdown(pop: CcgPopulation) -> str:
    """The paragraph, then the register's provenance and licence credit in italics.

    >>> from qipp.findings.ccg_profile.per_head import CcgPopulation, PanelPerHead
    >>> text = population_markdown(CcgPopulation("S001", True, None, None, PanelPerHead(2, 0, None)))
    >>> text.splitlines()[-1].startswith("*Registered populations: CCG register of April 2013")
    True
    """
    return f"{population_paragraph(pop)}\n\n*{register_provenance()}*"
