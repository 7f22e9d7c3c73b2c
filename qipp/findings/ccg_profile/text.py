"""Sentences of the CCG profile, built from :mod:`qipp.findings.ccg_profile.calc` (Markdown).

The words follow the figures: "1 CCG", ties stated as ties ("joint 3rd
largest ... with 2 others"), the largest and smallest named as such, "the
panel's" median unless the panel holds exactly England's CCGs. Names come
from data, so they are escaped before they become markup.

Examples
--------
>>> from qipp.findings.ccg_profile.calc import Rank, Scope
>>> rank_phrase(Rank(3, 143, 2), Scope(143))
"joint 3rd largest of the panel's 143 CCGs, with 2 others"
>>> rank_phrase(Rank(143, 143, 0), Scope(143))
"the smallest of the panel's 143 CCGs"
"""

from __future__ import annotations

import html

import pandas as pd

from qipp.findings.ccg_profile.calc import (
    AMOUNT_DECIMALS,
    ENGLAND,
    Profile,
    Rank,
    RegionSummary,
    Scope,
)
from qipp.findings.ccg_profile.tables import COUNT_CLAIMS
from qipp.findings.wording import ccgs, ordinal
from qipp.ledger import cite, claim, load_claims
from qipp.ledger.wording import as_published, decimals_for

# The ledger's source for the spread of CCG targets at Q1 2013-14, and its claims.
SPREAD_SOURCE = "hsj_ccg_variation_q1_1314"
SPREAD_CLAIMS = {
    "fold": "ccg_q1_target_fold_variation",
    "smallest": "ccg_q1_dorset_target_pct",
    "largest": "ccg_q1_west_essex_target_pct",
    "median": "ccg_q1_median_target_pct",
    "n": "ccg_q1_n_ccgs",
}
YEAR_END = "March 2014"


def scope_phrase(scope: Scope) -> str:
    """Whose CCGs: the panel's, or England's (a region's) when it holds exactly those.

    >>> scope_phrase(Scope(211, complete=True)), scope_phrase(Scope(22, "London"))
    ("England's 211 CCGs", "the panel's 22 CCGs in London")
    >>> scope_phrase(Scope(1)), scope_phrase(Scope(32, "London", complete=True))
    ("the panel's 1 CCG", "London's 32 CCGs")
    """
    if scope.complete:
        return f"{scope.where}'s {ccgs(scope.n)}"
    where = "" if scope.where == ENGLAND else f" in {scope.where}"
    return f"the panel's {ccgs(scope.n)}{where}"


def median_phrase(scope: Scope) -> str:
    """Whose median it is: national, the region's, or the panel's.

    >>> median_phrase(Scope(143)), median_phrase(Scope(211, complete=True))
    ("the panel's median", 'the national median')
    >>> median_phrase(Scope(22, "London"))
    "the median of the panel's 22 CCGs in London"
    """
    if scope.complete:
        return "the national median" if scope.where == ENGLAND else "the region's median"
    if scope.where == ENGLAND:
        return "the panel's median"
    return f"the median of {scope_phrase(scope)}"


def rank_phrase(
    rank: Rank, scope: Scope, larger: str = "largest", smaller: str = "smallest"
) -> str:
    """Where a value ranks, ties stated as ties, ends named, every CCG level said so.

    >>> from qipp.findings.ccg_profile.calc import Rank, Scope
    >>> rank_phrase(Rank(1, 143, 0), Scope(143)), rank_phrase(Rank(1, 3, 2), Scope(3))
    ("the largest of the panel's 143 CCGs", "shared by all of the panel's 3 CCGs")
    >>> rank_phrase(Rank(142, 143, 1), Scope(143))
    "joint smallest of the panel's 143 CCGs, with 1 other"
    >>> rank_phrase(Rank(1, 1, 0), Scope(1)), rank_phrase(Rank(5, 211, 0), Scope(211, complete=True))
    ('the only one in the panel', "the 5th largest of England's 211 CCGs")
    """
    group = scope_phrase(scope)
    if rank.n == 1:
        return "the only one in the panel" + (
            "" if scope.where == ENGLAND else f" in {scope.where}"
        )
    if rank.all_tied:
        return f"shared by {'both' if rank.n == 2 else 'all'} of {group}"
    others = f", with {rank.tied_with} other{'' if rank.tied_with == 1 else 's'}"
    if rank.first or rank.last:
        end = larger if rank.first else smaller
        return f"joint {end} of {group}{others}" if rank.joint else f"the {end} of {group}"
    place = f"{ordinal(rank.position)} {larger} of {group}"
    return f"joint {place}{others}" if rank.joint else f"the {place}"


def _pct(value: float, decimals: int = 1) -> str:
    """A share to ``decimals``, never a positive share shown as nought.

    >>> _pct(12.345), _pct(0.04), _pct(0.0)
    ('12.3%', 'under 0.1%', '0.0%')
    """
    text = f"{value:.{decimals}f}"
    if value > 0 and float(text) == 0:
        return f"under {10**-decimals:.{decimals}f}%"
    return f"{text}%"


def _gbp_m(value: float) -> str:
    """Millions of pounds to the profile's precision.

    >>> _gbp_m(857.1429), _gbp_m(2.4)
    ('£857.14m', '£2.40m')
    """
    return f"£{value:,.{AMOUNT_DECIMALS}f}m"


def _more(a: float, b: float) -> bool:
    """``a`` above ``b`` as the profile shows amounts (£m, to two decimals).

    Two amounts the table shows as equal are never worded as more.

    >>> _more(2.401, 2.40), _more(2.41, 2.40)
    (False, True)
    """
    return round(a, AMOUNT_DECIMALS) > round(b, AMOUNT_DECIMALS)


def q1_phrase(profile: Profile) -> str:
    """The Q1 position: no plan to date, ahead of, on, or behind plan (by how much)."""
    if profile.ytd_plan_gbp_m <= 0:
        return "no savings planned to the end of Q1"
    if profile.ytd_shortfall_pct > 0:
        return f"**{_pct(profile.ytd_shortfall_pct)} behind** its plan at Q1"
    if _more(profile.ytd_actual_gbp_m, profile.ytd_plan_gbp_m):
        return "**ahead of plan** at Q1"
    return "**on plan** at Q1"


def forecast_phrase(profile: Profile) -> str:
    """The year-end forecast: no plan, short of it (by how much), all of it or more."""
    if profile.plan_gbp_m <= 0:
        return "no full-year plan to forecast against"
    if profile.forecast_gap_pct > 0:
        return (
            f"forecast to fall **{_pct(profile.forecast_gap_pct)} short** of its plan by {YEAR_END}"
        )
    if _more(profile.forecast_gbp_m, profile.plan_gbp_m):
        return f"forecast to deliver **more than its plan** by {YEAR_END}"
    return f"forecast to deliver **its full plan** by {YEAR_END}"


def summary_line(profile: Profile) -> str:
    """The profile in one line: target and its rank, Q1 position, year-end forecast."""
    return (
        f"QIPP target **{profile.target_pct:.2f}%** of allocation, "
        f"{rank_phrase(profile.rank, profile.scope)}; {q1_phrase(profile)}; "
        f"{forecast_phrase(profile)}."
    )


def title_markdown(profile: Profile) -> str:
    """The page's heading (the report's title): name, code, what and when."""
    return f"# {html.escape(profile.ccg_name)} ({profile.ccg_code}): QIPP profile, Q1 2013-14"


def panel_line(profile: Profile, panel_label: str, synthetic: bool) -> str:
    """Which region, which panel, how many CCGs, what kind of data."""
    kind = "synthetic" if synthetic else "reported"
    return (
        f"{html.escape(profile.region)} region. Panel: {html.escape(panel_label)}, "
        f"{ccgs(profile.scope.n)}, {kind} data."
    )


def panel_source(synthetic: bool, panel_label: str, sources: pd.DataFrame | None = None) -> str:
    """What the profile's tables and charts are drawn from (their captions' source)."""
    if synthetic:
        return f"synthetic panel calibrated to {cite(SPREAD_SOURCE, sources)}"
    return f"NISFE returns, Q1 2013-14 ({panel_label})"


def target_sentence(profile: Profile) -> str:
    """The CCG's plan, its allocation, and the median target it sits beside."""
    return (
        f"Its plan of **{_gbp_m(profile.plan_gbp_m)}** is **{profile.target_pct:.2f}%** of a "
        f"{_gbp_m(profile.allocation_gbp_m)} allocation; {median_phrase(profile.scope)} "
        f"target is {profile.median_target_pct:.2f}%."
    )


def spread_sentence(claims: pd.DataFrame | None = None, sources: pd.DataFrame | None = None) -> str:
    """What HSJ published on the spread of targets, from the ledger (qualifiers kept).

    ``claims`` and ``sources`` default to the project's ledger.
    """
    claims = load_claims() if claims is None else claims
    rows = {key: claim(claim_id, claims) for key, claim_id in SPREAD_CLAIMS.items()}
    shown = {
        key: as_published(r["value"], r["unit"], r["precision"], r["qualifier"])
        for key, r in rows.items()
    }
    fold = rows["fold"]
    hedge = fold["qualifier"] if isinstance(fold["qualifier"], str) else ""
    folds = f"{hedge} {fold['value']:.{decimals_for(fold['precision'])}f}-fold".strip()
    return (
        f"{cite(SPREAD_SOURCE, sources)} found a {folds} variation in the QIPP targets of "
        f"the {shown['n']} CCGs whose returns it obtained, from {shown['smallest']} of "
        f"allocation ({rows['smallest']['scope']}) to {shown['largest']} "
        f"({rows['largest']['scope']}), with a median of {shown['median']}."
    )


def region_sentence(summary: RegionSummary) -> str:
    """The region's CCGs in the panel: medians, forecast shortfalls, this CCG's rank there."""
    scope = summary.scope
    rank = rank_phrase(summary.rank, scope)
    if scope.n == 1:
        return (
            f"It is the panel's only CCG in {scope.where}: it has no peers there to rank against."
        )
    short = summary.n_forecast_shortfall
    forecasting = (
        "none of them forecasts"
        if short == 0
        else f"{short} of them {'forecasts' if short == 1 else 'forecast'}"
    )
    group = scope_phrase(scope)
    return (
        f"{group[0].upper()}{group[1:]}: median target {summary.median_target_pct:.2f}% of "
        f"allocation, median Q1 shortfall {_pct(summary.median_ytd_shortfall_pct)}; "
        f"{forecasting} a year-end shortfall. This CCG's target is {rank}."
    )


def counts_caption(source: str) -> str:
    """The counts table's caption: the panel's source, then the claims HSJ's counts are.

    >>> counts_caption("p.csv").startswith("Sources: this panel, p.csv; HSJ's counts, ")
    True
    """
    return (
        f"Sources: this panel, {source}; HSJ's counts, claims {', '.join(COUNT_CLAIMS.values())}."
    )
