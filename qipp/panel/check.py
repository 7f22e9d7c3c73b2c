"""Every CCG-level aggregate the articles publish, beside a panel's own value.

HSJ, "Exclusive: Huge variation emerges in CCGs' efficiency ambition" (Q1
2013-14) publishes counts and shares computed over 143 CCGs' NISFE returns;
HSJ, NHS England internal NISFE report (Q1 2013-14) gives two sector figures.
On the synthetic panel every exact aggregate matches by construction; on real
returns the table checks the articles themselves.

Matching rule: a count must be equal; a share or amount must round to the
value as printed (``decimals``). Two figures are soft targets: they describe
all CCGs, not the 143 in the panel, so the panel need only come near
(``soft_tolerance``, in the figure's own unit).

Examples
--------
>>> from qipp.panel.synth import generate_panel
>>> table = check_panel(generate_panel(seed=3), {"ccg_q1_n_ccgs": 143.0})
>>> table.set_index("claim_id").loc["ccg_q1_n_ccgs", "status"]
'match'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from qipp.panel.measures import (
    add_measures,
    aggregate_ytd_shortfall_pct,
    forecast_delivery_pct,
    largest_targets,
    sector_plan_pct,
)

DORSET_CODE = "11J"
WEST_ESSEX_CODE = "07H"
TOP_N = 15

MATCH = "match"
MISMATCH = "MISMATCH"
NEAR = "near (soft target)"
OFF = "off (soft target)"
NO_PUBLISHED = "no published value"
NOT_IN_PANEL = "not in panel"


@dataclass(frozen=True)
class AggregateCheck:
    """One published aggregate: its claim id, words, computation and matching rule.

    Parameters
    ----------
    claim_id : str
        The claim's id in the ledger (``data/claims.csv``).
    label : str
        What the aggregate is, in words.
    compute : callable
        Maps a panel with measures (:func:`~qipp.panel.measures.add_measures`)
        to the panel's value, or None when the panel lacks what it needs.
    decimals : int or None
        Decimals the article printed; a value matches when it rounds to the
        published one. None for a count, which must be equal.
    soft_tolerance : float or None
        For a soft target, how near counts as near; None for an exact one.
    """

    claim_id: str
    label: str
    compute: Callable[[pd.DataFrame], float | None]
    decimals: int | None = None
    soft_tolerance: float | None = None

    @property
    def rule(self) -> str:
        """The matching rule in words.

        >>> AggregateCheck("x", "x", len, decimals=2).rule
        'rounds to 2 dp'
        """
        if self.soft_tolerance is not None:
            return f"within {self.soft_tolerance:g} (soft)"
        return "equal" if self.decimals is None else f"rounds to {self.decimals} dp"

    def status(self, published: float | None, value: float | None) -> str:
        """Compare ``value`` with ``published`` under this aggregate's rule.

        >>> AggregateCheck("x", "x", len, decimals=2).status(2.47, 2.4712)
        'match'
        >>> AggregateCheck("x", "x", len, decimals=2).status(2.47, 2.476)
        'MISMATCH'
        >>> AggregateCheck("x", "x", len).status(34.0, 33.0)
        'MISMATCH'
        >>> AggregateCheck("x", "x", len, soft_tolerance=1.0).status(11, 12.5)
        'off (soft target)'
        """
        if published is None or (isinstance(published, float) and math.isnan(published)):
            return NO_PUBLISHED
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return NOT_IN_PANEL
        if self.soft_tolerance is not None:
            return NEAR if abs(value - published) <= self.soft_tolerance else OFF
        if self.decimals is None:
            return MATCH if value == published else MISMATCH
        half_unit = 0.5 * 10.0 ** (-self.decimals)
        return MATCH if abs(value - published) <= half_unit + 1e-9 else MISMATCH


def _one(panel: pd.DataFrame, code: str, column: str) -> float | None:
    rows = panel.loc[panel["ccg_code"] == code, column]
    return float(rows.iloc[0]) if len(rows) == 1 else None


def _fold_variation(panel: pd.DataFrame) -> float | None:
    pct = panel.loc[panel["plan_pct_of_allocation"] > 0, "plan_pct_of_allocation"]
    return float(pct.max() / pct.min()) if len(pct) else None


def _count(mask: pd.Series) -> float:
    return float(mask.sum())


CHECKS: tuple[AggregateCheck, ...] = (
    AggregateCheck("ccg_q1_n_ccgs", "CCGs in the panel", lambda p: float(len(p))),
    AggregateCheck(
        "ccg_q1_target_fold_variation",
        "largest target / smallest target (both as % of allocation)",
        _fold_variation,
        decimals=0,
    ),
    AggregateCheck(
        "ccg_q1_median_target_pct",
        "median target, % of allocation",
        lambda p: float(p["plan_pct_of_allocation"].median()),
        decimals=2,
    ),
    AggregateCheck(
        "ccg_q1_n_target_under_1pct",
        "CCGs with a target under 1%",
        lambda p: _count(p["plan_pct_of_allocation"] < 1),
    ),
    AggregateCheck(
        "ccg_q1_dorset_plan_gbp_m",
        "NHS Dorset CCG plan, £m",
        lambda p: _one(p, DORSET_CODE, "qipp_plan_gbp_m"),
        decimals=1,
    ),
    AggregateCheck(
        "ccg_q1_dorset_target_pct",
        "NHS Dorset CCG target, % of allocation",
        lambda p: _one(p, DORSET_CODE, "plan_pct_of_allocation"),
        decimals=2,
    ),
    AggregateCheck(
        "ccg_q1_west_essex_target_pct",
        "NHS West Essex CCG target, % of allocation",
        lambda p: _one(p, WEST_ESSEX_CODE, "plan_pct_of_allocation"),
        decimals=2,
    ),
    AggregateCheck(
        "ccg_q1_n_target_over_4pct_excl_west_essex",
        "CCGs other than West Essex with a target over 4%",
        lambda p: _count((p["plan_pct_of_allocation"] > 4) & (p["ccg_code"] != WEST_ESSEX_CODE)),
    ),
    AggregateCheck(
        "ccg_q1_n_top15",
        f"CCGs among the {TOP_N} largest targets",
        lambda p: float(len(largest_targets(p, TOP_N))),
    ),
    AggregateCheck(
        "ccg_q1_n_top15_using_nr_fund",
        f"of the {TOP_N} largest targets, CCGs using the 2% non-recurrent fund",
        lambda p: _count(largest_targets(p, TOP_N)["uses_non_recurrent_fund"]),
    ),
    AggregateCheck(
        "ccg_q1_n_ytd_shortfall_20pct",
        "CCGs 20% or more behind their year-to-date plan at Q1",
        lambda p: _count(p["ytd_shortfall_pct"] >= 20),
    ),
    AggregateCheck(
        "ccg_q1_n_ytd_any_slippage",
        "CCGs with any year-to-date slippage at Q1",
        lambda p: _count(p["ytd_shortfall_pct"] > 0),
    ),
    AggregateCheck(
        "ccg_q1_forecast_delivery_pct",
        "forecast full-year delivery, % of the panel's total plan",
        forecast_delivery_pct,
        decimals=0,
    ),
    AggregateCheck(
        "ccg_q1_n_forecast_gap_20pct",
        "CCGs forecasting a gap of 20% or more",
        lambda p: _count(p["forecast_gap_pct"] >= 20),
    ),
    AggregateCheck(
        "ccg_q1_ytd_shortfall_pct",
        "net year-to-date shortfall, % (published for all CCGs)",
        aggregate_ytd_shortfall_pct,
        soft_tolerance=1.0,
    ),
    AggregateCheck(
        "ccg_plan_pct_of_allocation",
        "total plan, % of total allocation (published for all CCGs)",
        sector_plan_pct,
        soft_tolerance=0.3,
    ),
)

CLAIM_IDS: tuple[str, ...] = tuple(c.claim_id for c in CHECKS)


def panel_aggregates(panel: pd.DataFrame) -> dict[str, float | None]:
    """Compute every published aggregate on ``panel``.

    Parameters
    ----------
    panel : pandas.DataFrame
        A validated panel (measures are added here).

    Returns
    -------
    dict of str to float or None
        Claim id to the panel's value (None when the panel cannot give it,
        e.g. a panel without NHS Dorset CCG).
    """
    measured = add_measures(panel)
    return {check.claim_id: check.compute(measured) for check in CHECKS}


def published_values() -> dict[str, float]:
    """Return the published values of :data:`CLAIM_IDS` from the claims ledger.

    Raises
    ------
    RuntimeError
        If the ledger (``qipp.ledger``) cannot be loaded.
    """
    try:
        from qipp.ledger import claim_values
    except ImportError as exc:
        raise RuntimeError(f"the claims ledger (qipp.ledger) is not available: {exc}") from None
    values = claim_values()
    return {claim_id: values[claim_id] for claim_id in CLAIM_IDS if claim_id in values}


def check_panel(panel: pd.DataFrame, published: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Set each published aggregate beside the panel's value.

    Parameters
    ----------
    panel : pandas.DataFrame
        A validated panel.
    published : mapping of str to float, optional
        Claim id to published value; by default read from the ledger.

    Returns
    -------
    pandas.DataFrame
        One row per aggregate: ``claim_id``, ``aggregate``, ``published``,
        ``panel``, ``rule`` and ``status`` (match, MISMATCH, near/off for soft
        targets, or why there is nothing to compare).
    """
    if published is None:
        published = published_values()
    values = panel_aggregates(panel)
    rows = []
    for check in CHECKS:
        expected = published.get(check.claim_id)
        value = values[check.claim_id]
        rows.append(
            {
                "claim_id": check.claim_id,
                "aggregate": check.label,
                "published": None if expected is None else float(expected),
                "panel": value,
                "rule": check.rule,
                "status": check.status(expected, value),
            }
        )
    return pd.DataFrame(rows)


def check_display_frame(table: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """:func:`check_panel`'s table for a notebook: rounded, and "–" where there is no value.

    >>> row = {"claim_id": "x", "aggregate": "a", "published": 11.0, "panel": None,
    ...        "rule": "equal", "status": NOT_IN_PANEL}
    >>> check_display_frame(pd.DataFrame([row])).loc["x", "panel"]
    '–'
    """
    shown = table.set_index("claim_id")[["published", "panel", "rule", "status"]]
    numbers = shown[["published", "panel"]].astype(float).round(digits)
    shown = shown.assign(
        **{
            c: numbers[c].astype(object).where(numbers[c].notna(), "–")
            for c in ("published", "panel")
        }
    )
    return shown


def hard_mismatches(table: pd.DataFrame) -> list[str]:
    """Claim ids whose exact aggregate does not match (soft targets never count)."""
    return table.loc[table["status"] == MISMATCH, "claim_id"].tolist()


def match_summary(table: pd.DataFrame) -> str:
    """One line: how many exact aggregates match, and how the soft targets fare.

    >>> t = pd.DataFrame({"status": ["match", "MISMATCH", "near (soft target)"]})
    >>> match_summary(t)
    '1 of 2 exact published aggregates match; 1 of 1 soft targets near.'
    """
    exact = table["status"].isin([MATCH, MISMATCH])
    soft = table["status"].isin([NEAR, OFF])
    return (
        f"{int((table['status'] == MATCH).sum())} of {int(exact.sum())} exact published "
        f"aggregates match; {int((table['status'] == NEAR).sum())} of {int(soft.sum())} "
        "soft targets near."
    )


def format_check_table(table: pd.DataFrame) -> str:
    """Render :func:`check_panel`'s table as fixed-width text for a terminal.

    >>> row = {"claim_id": "ccg_q1_n_ccgs", "aggregate": "CCGs in the panel",
    ...        "published": 143.0, "panel": 143.0, "rule": "equal", "status": "match"}
    >>> print(format_check_table(pd.DataFrame([row])))
    claim_id       published  panel  rule   status
    ccg_q1_n_ccgs        143    143  equal  match
    """

    def number(value: float | None) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "-"
        return f"{value:.0f}" if float(value).is_integer() else f"{value:.3f}"

    cells = [["claim_id", "published", "panel", "rule", "status"]]
    for row in table.itertuples(index=False):
        cells.append([row.claim_id, number(row.published), number(row.panel), row.rule, row.status])
    widths = [max(len(line[i]) for line in cells) for i in range(5)]
    lines = []
    for line in cells:
        parts = [
            line[0].ljust(widths[0]),
            line[1].rjust(widths[1]),
            line[2].rjust(widths[2]),
            line[3].ljust(widths[3]),
            line[4],
        ]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)
