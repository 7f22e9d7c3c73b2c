"""The CCG profile's phrases whose words follow the figures (Markdown).

>>> from qipp.findings.ccg_profile.calc import Rank, Scope
>>> rank_phrase(Rank(3, 143, 2), Scope(143))
"joint 3rd largest of the panel's 143 CCGs, with 2 others"
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from qipp.findings.ccg_profile.calc import (
    AMOUNT_DECIMALS,
    ENGLAND,
    Profile,
    Rank,
    RegionSummary,
    Scope,
    published,
)
from qipp.findings.ccg_profile.per_head import CcgPopulation, PanelPerHead
from qipp.findings.wording import ccgs, ordinal, pounds
from qipp.ledger import cite, claim
from qipp.ledger.wording import decimals_for
from qipp.panel.summary import MIN_CCGS
from qipp.reference.provenance import REGISTER_NAME

# HSJ's article on the spread of CCG targets at Q1 2013-14.
SPREAD_SOURCE = "hsj_ccg_variation_q1_1314"
YEAR_END = "March 2014"


def panel_source(
    synthetic: bool,
    panel_label: str,
    sources: pd.DataFrame | None = None,
    quarters: Sequence[str] = (),
) -> str:
    """What the tables and charts are drawn from (captions' source); ``quarters``: the panel's."""
    if synthetic:
        return f"synthetic panel calibrated to {cite(SPREAD_SOURCE, sources)}"
    span = " to ".join(dict.fromkeys([quarters[0], quarters[-1]])) if quarters else "Q1 2013-14"
    return f"NISFE returns, {span} ({panel_label})"


def scope_phrase(scope: Scope) -> str:
    """Whose CCGs: the panel's, or England's (a region's) when it holds exactly those.

    >>> scope_phrase(Scope(22, "London")), scope_phrase(Scope(32, "London", complete=True))
    ("the panel's 22 CCGs in London", "London's 32 CCGs")
    """
    if scope.complete:
        return f"{scope.where}'s {ccgs(scope.n)}"
    where = "" if scope.where == ENGLAND else f" in {scope.where}"
    return f"the panel's {ccgs(scope.n)}{where}"


def median_phrase(scope: Scope) -> str:
    """Whose median: the national one, the region's, or the panel's."""
    if scope.complete:
        return "the national median" if scope.where == ENGLAND else "the region's median"
    if scope.where == ENGLAND:
        return "the panel's median"
    return f"the median of {scope_phrase(scope)}"


def rank_phrase(rank: Rank, scope: Scope) -> str:
    """Where a target ranks: ties stated as ties, the ends named; fewer than 5 CCGs are counted.

    >>> rank_phrase(Rank(1, 3, 0), Scope(3, "London"))
    "one of the panel's 3 CCGs in London, too few to rank"
    """
    group = scope_phrase(scope)
    if rank.n == 1:
        return "the only one in the panel" + (
            "" if scope.where == ENGLAND else f" in {scope.where}"
        )
    if rank.all_tied:
        return f"shared by {'both' if rank.n == 2 else 'all'} of {group}"
    if rank.n < MIN_CCGS:
        return f"one of {group}, too few to rank"
    others = f", with {rank.tied_with} other{'' if rank.tied_with == 1 else 's'}"
    if rank.first or rank.last:
        end = "largest" if rank.first else "smallest"
        return f"joint {end} of {group}{others}" if rank.joint else f"the {end} of {group}"
    place = f"{ordinal(rank.position)} largest of {group}"
    return f"joint {place}{others}" if rank.joint else f"the {place}"


def median_target_phrase(scope: Scope, median_pct: float) -> str:
    """The median target over ``scope``, or how many CCGs there are when too few.

    >>> median_target_phrase(Scope(3), 2.0), median_target_phrase(Scope(143), 2.0)
    ("the panel's 3 CCGs are too few for a median target", "the panel's median target is 2.00%")
    """
    if scope.n < MIN_CCGS:
        return f"{scope_phrase(scope)} are too few for a median target"
    return f"{median_phrase(scope)} target is {median_pct:.2f}%"


def peers_order_note(summary: RegionSummary) -> str:
    """How the peers table is ordered, for its caption: ranked only with 5 or more CCGs."""
    if summary.scope.n >= MIN_CCGS:
        return "Ranked by target as shown; = marks a tie."
    return f"Largest target first; {ccgs(summary.scope.n)} are too few to rank."


def _pct(value: float) -> str:
    """A share to one decimal, never a positive share shown as nought: ``under 0.1%``."""
    text = f"{value:.1f}"
    return "under 0.1%" if value > 0 and float(text) == 0 else f"{text}%"


def _more(a: float, b: float) -> bool:
    """``a`` above ``b`` as the profile shows amounts: equal in the table, never worded more."""
    return round(a, AMOUNT_DECIMALS) > round(b, AMOUNT_DECIMALS)


def q1_phrase(profile: Profile) -> str:
    """The position at the profile's quarter: no plan, behind (by how much), ahead, on plan."""
    at = profile.period.short
    if profile.ytd_plan_gbp_m <= 0:
        return f"no savings planned to the end of {at}"
    if profile.ytd_shortfall_pct > 0:
        return f"**{_pct(profile.ytd_shortfall_pct)} behind** its plan at {at}"
    if _more(profile.ytd_actual_gbp_m, profile.ytd_plan_gbp_m):
        return f"**ahead of plan** at {at}"
    return f"**on plan** at {at}"


def forecast_phrase(profile: Profile) -> str:
    """The year-end forecast: no plan, short of it (by how much), more than or all of it."""
    if profile.plan_gbp_m <= 0:
        return "no full-year plan to forecast against"
    if profile.forecast_gap_pct > 0:
        short = _pct(profile.forecast_gap_pct)
        return f"forecast to fall **{short} short** of its plan by {YEAR_END}"
    if _more(profile.forecast_gbp_m, profile.plan_gbp_m):
        return f"forecast to deliver **more than its plan** by {YEAR_END}"
    return f"forecast to deliver **its full plan** by {YEAR_END}"


def spread_sentence(claims: pd.DataFrame | None = None, sources: pd.DataFrame | None = None) -> str:
    """What HSJ published on the spread of targets, qualifiers kept (default: the ledger)."""
    ids = "ccg_q1_n_ccgs ccg_q1_dorset_target_pct ccg_q1_west_essex_target_pct ccg_q1_median_target_pct"
    n, smallest, largest, median = (published(claim_id, claims) for claim_id in ids.split())
    fold = claim("ccg_q1_target_fold_variation", claims)
    hedge = fold["qualifier"] if isinstance(fold["qualifier"], str) else ""
    folds = f"{hedge} {fold['value']:.{decimals_for(fold['precision'])}f}-fold".strip()
    return (
        f"{cite(SPREAD_SOURCE, sources)} found a {folds} variation in the QIPP targets of the "
        f"{n} CCGs whose returns it obtained, from {smallest} of allocation "
        f"({claim('ccg_q1_dorset_target_pct', claims)['scope']}) to {largest} "
        f"({claim('ccg_q1_west_essex_target_pct', claims)['scope']}), with a median of {median}."
    )


def region_sentence(summary: RegionSummary) -> str:
    """The region's CCGs in the panel: medians, how many forecast a shortfall, this CCG's rank."""
    scope = summary.scope
    if scope.n == 1:
        return (
            f"It is the panel's only CCG in {scope.where}: it has no peers there to rank against."
        )
    short = summary.n_forecast_shortfall
    verb = "forecasts" if short == 1 else "forecast"
    forecasting = "none of them forecasts" if short == 0 else f"{short} of them {verb}"
    group = scope_phrase(scope)
    if scope.n < MIN_CCGS:
        return (
            f"{group[0].upper()}{group[1:]} are too few for medians or a rank; "
            f"{forecasting} a year-end shortfall."
        )
    return (
        f"{group[0].upper()}{group[1:]}: median target {summary.median_target_pct:.2f}% of "
        f"allocation, median {summary.period.short} shortfall "
        f"{_pct(summary.median_ytd_shortfall_pct)}; "
        f"{forecasting} a year-end shortfall. "
        f"This CCG's target is {rank_phrase(summary.rank, scope)}."
    )


def population_sentence(pop: CcgPopulation) -> str:
    """The CCG's registered population and plan per head, or why it has neither.

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
    if (n := panel.n_in_register) < MIN_CCGS:
        verb = "is" if n == 1 else "are"
        return f"Only {ccgs(n)} of the panel {verb} in the register: too few for a median per head."
    where = (
        f"The national median, over England's {ccgs(panel.n_in_register)}, is"
        if panel.covers_england
        else f"The panel's median over the {ccgs(panel.n_in_register)} in the register is"
    )
    return f"{where} {pounds(panel.median_gbp)} per registered patient."
