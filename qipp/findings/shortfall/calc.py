"""Finding 1's arithmetic: the commissioners' forecast QIPP shortfall at Q1 and Q2 2013-14.

The shortfall per quarter comes from a tidy table (:func:`qipp.ledger.load_tidy_table`);
the checks that need each figure's rounding read the claims ledger, where a published
input stands for the interval it could have been rounded from. Figures no article
states are implied as remainders and say so in a ``basis`` column. Each result keeps
its numbers in ``frame`` (or fields) and shows itself as a table; ``source`` names
the articles in its caption.

Examples
--------
>>> position = pd.DataFrame({
...     "quarter": ["Q1", "Q1", "Q2", "Q2"], "org_type": ["ccg", "nhs_england", "ccg", "sector"],
...     "measure": ["forecast_shortfall"] * 4, "value": [70.0, 50.0, 180.0, 250.0],
...     "unit": ["GBP_m"] * 4})
>>> change = shortfall_change(shortfall_by_quarter(position))
>>> change.frame[["change_gbp_m", "basis"]]
              change_gbp_m       basis
organisation
CCGs                 110.0   published
NHS England           20.0  Q2 implied
Sector               130.0  Q1 implied
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qipp.derivations import DERIVATIONS, ratio, share_pct, total
from qipp.derive import assess, tolerance
from qipp.display import ShownAsTable, Table, facts, table
from qipp.findings.rows import (
    ORGANISATIONS,
    claims_by_id,
    gbp_m,
    published_values,
    qualifier_or_none,
    rounding_intervals,
)

RATIO_ID = "sector_q2_vs_q1_shortfall_ratio"
CCG_INCREASE_ID = "ccg_q2_shortfall_increase_gbp_m"
Q2_SHARE_ID = "sector_q2_forecast_shortfall_pct"
TRANSFORMATIONAL_SHARE_ID = "sector_q2_transformational_share_of_shortfall_pct"
CCG_PLAN_ID = "ccg_q1_plan_gbp_bn"
Q2_GAP_ID = "sector_q2_forecast_shortfall_gbp_m"
TF_PLAN_ID = "sector_q2_transformational_plan_gbp_m"
TF_GAP_ID = "sector_q2_transformational_shortfall_gbp_m"
CCG_GAP_ID, NHSE_GAP_ID = "ccg_q1_forecast_gap_gbp_m", "nhse_q1_forecast_gap_gbp_m"
NHSE_PLAN_ID = "nhse_q1_plan_gbp_m"
# The published figures notebook 01 uses, in the order it shows them.
PUBLISHED_IDS: tuple[str, ...] = (
    CCG_GAP_ID,
    NHSE_GAP_ID,
    CCG_PLAN_ID,
    NHSE_PLAN_ID,
    Q2_GAP_ID,
    Q2_SHARE_ID,
)
PUBLISHED_IDS += (RATIO_ID, "ccg_q2_forecast_shortfall_gbp_m", CCG_INCREASE_ID)
PUBLISHED_IDS += (TF_PLAN_ID, TF_GAP_ID, TRANSFORMATIONAL_SHARE_ID)
# The Q2 article's regional statement: counts of NHS England regions, no figures.
REGIONAL_IDS = ("ccg_q2_n_regions_worsened", "nhse_n_regions", "ccg_q2_n_regions_improved")


@dataclass(frozen=True)
class ByQuarter(ShownAsTable):
    """Forecast year-end shortfall per quarter and organisation, and whether it is published."""

    frame: pd.DataFrame
    source: str = ""

    def as_table(self, caption: str | None = None) -> Table:
        labels = {"quarter": "Quarter", "organisation": "Organisation"}
        labels |= {"shortfall_gbp_m": "Forecast year-end shortfall (£m)", "basis": "Basis"}
        what = (
            "implied figures: from the other two (the sector is the CCGs and NHS England together)"
        )
        return table(
            self.frame,
            columns=list(labels),
            labels=labels,
            formats={"shortfall_gbp_m": ",.1f"},
            caption=caption or f"Source: {self.source}; {what}",
            title="Forecast year-end QIPP shortfall by quarter and organisation, 2013-14",
        )


def shortfall_by_quarter(position: pd.DataFrame, *, source: str = "") -> ByQuarter:
    """Forecast year-end shortfall per quarter and organisation, the missing one implied.

    Each quarter needs two of CCGs, NHS England and the sector (their sum) among the
    ``forecast_shortfall`` rows of ``position``; the third is implied.
    """
    rows = position.loc[position["measure"] == "forecast_shortfall"]
    out = []
    for quarter in sorted(rows["quarter"].unique()):
        in_quarter = rows.loc[rows["quarter"] == quarter]
        if in_quarter["org_type"].duplicated().any():
            raise ValueError(f"{quarter}: an organisation's forecast shortfall appears twice")
        got = {
            org: gbp_m(value, unit)
            for org, value, unit in zip(
                in_quarter["org_type"], in_quarter["value"], in_quarter["unit"], strict=True
            )
        }
        basis = dict.fromkeys(got, "published")
        missing = [org for org in ORGANISATIONS if org not in got]
        if len(missing) > 1:
            raise ValueError(
                f"{quarter}: need two of ccg, nhs_england and sector to imply the "
                f"third, got {', '.join(sorted(got)) or 'none'}"
            )
        if missing == ["sector"]:
            got["sector"] = total(got["ccg"], got["nhs_england"])
            basis["sector"] = "implied: CCGs + NHS England"
        elif missing:
            org = missing[0]
            other = "nhs_england" if org == "ccg" else "ccg"
            got[org] = got["sector"] - got[other]
            basis[org] = f"implied: sector - {ORGANISATIONS[other]}"
        out += [
            {"quarter": quarter, "org_type": org, "organisation": label}
            | {"shortfall_gbp_m": got[org], "basis": basis[org]}
            for org, label in ORGANISATIONS.items()
        ]
    return ByQuarter(pd.DataFrame(out), source)


@dataclass(frozen=True)
class Change(ShownAsTable):
    """The change from one quarter to the next per organisation, indexed by organisation."""

    frame: pd.DataFrame
    source: str = ""

    def as_table(self, caption: str | None = None) -> Table:
        labels = {"organisation": "Organisation", "q1_gbp_m": "Q1 (£m)", "q2_gbp_m": "Q2 (£m)"}
        labels |= {"change_gbp_m": "Change (£m)", "ratio": "Q2 / Q1 (ratio)", "basis": "Basis"}
        labels["share_of_sector_change_pct"] = "Share of the sector's change (%)"
        formats = dict.fromkeys(("q1_gbp_m", "q2_gbp_m", "change_gbp_m"), ",.1f")
        formats |= {"share_of_sector_change_pct": ".1f", "ratio": ".2f"}
        return table(
            self.frame.reset_index(),
            labels=labels,
            formats=formats,
            caption=caption or f"Source: {self.source}.",
            title="Change in the forecast shortfall from Q1 to Q2 2013-14, by organisation",
        )


def shortfall_change(by_quarter: ByQuarter, start: str = "Q1", end: str = "Q2") -> Change:
    """Change in forecast shortfall from ``start`` to ``end``, per organisation.

    Columns ``q1_gbp_m``, ``q2_gbp_m`` (named after the quarters), ``change_gbp_m``,
    ``share_of_sector_change_pct``, ``ratio`` (end / start) and ``basis`` (which
    quarters' figures are implied).
    """
    frame = by_quarter.frame
    wide = frame.pivot(index="organisation", columns="quarter", values="shortfall_gbp_m")
    for quarter in (start, end):
        if quarter not in wide.columns:
            raise ValueError(f"no forecast shortfall for quarter {quarter!r}")
    wide = wide.loc[[label for label in ORGANISATIONS.values() if label in wide.index]]
    change = wide[end] - wide[start]
    implied = frame.loc[frame["quarter"].isin((start, end)) & (frame["basis"] != "published")]
    change_frame = pd.DataFrame(
        {
            f"{start.lower()}_gbp_m": wide[start],
            f"{end.lower()}_gbp_m": wide[end],
            "change_gbp_m": change,
            "share_of_sector_change_pct": [share_pct(c, float(change["Sector"])) for c in change],
            "ratio": [ratio(e, s) for e, s in zip(wide[end], wide[start], strict=True)],
            "basis": [
                " and ".join(implied.loc[implied["organisation"] == org, "quarter"]) + " implied"
                if org in set(implied["organisation"])
                else "published"
                for org in wide.index
            ],
        }
    ).rename_axis("organisation")
    return Change(change_frame, by_quarter.source)


@dataclass(frozen=True)
class DoublingCheck(ShownAsTable):
    """The sector's Q2 forecast shortfall against its Q1 one (£m), and the published multiple.

    ``ratio_low``/``ratio_high`` span the inputs' rounding; ``robust`` is True when that
    whole span lies inside the published band. ``breakeven_q1_gbp_m`` is the Q1 shortfall
    at which Q2 is exactly the ``multiple``, ``headroom_gbp_m`` how far Q1 sits below it.
    """

    q1_gbp_m: float
    q2_gbp_m: float
    ratio: float
    ratio_low: float
    ratio_high: float
    published: str
    status: str
    robust: bool
    breakeven_q1_gbp_m: float
    headroom_gbp_m: float
    multiple: float
    source: str = ""

    def as_table(self, caption: str | None = None) -> Table:
        items = {
            "Q1 forecast shortfall, sector (£m)": self.q1_gbp_m,
            "Q2 forecast shortfall, sector (£m)": self.q2_gbp_m,
            "Q2 / Q1 (ratio)": self.ratio,
            "Q2 / Q1, lowest over the inputs' rounding": self.ratio_low,
            "Q2 / Q1, highest over the inputs' rounding": self.ratio_high,
            "Published": self.published,
            "Status when recomputed": self.status,
            "Every value over the rounding clears the multiple": self.robust,
            "Q1 shortfall at which Q2 is exactly the multiple (£m)": self.breakeven_q1_gbp_m,
            "Headroom: that Q1 shortfall less the published one (£m)": self.headroom_gbp_m,
        }
        formats = {
            name: ",.1f" if "£m" in name else ".3f"
            for name, value in items.items()
            if isinstance(value, float)
        }
        caption = caption or f"Source: {self.source}; ranges over the inputs' rounding."
        title = "Q2 against Q1: the ratio of the forecast shortfalls and its rounding"
        return facts(items, formats=formats, caption=caption, title=title)


def doubling_check(claims: pd.DataFrame, *, source: str = "") -> DoublingCheck:
    """Check "more than double" with derive's ratio derivation and the inputs' rounding.

    >>> from qipp.ledger import load_claims
    >>> check = doubling_check(load_claims())
    >>> round(check.q1_gbp_m, 1), round(check.ratio, 3), check.status, check.robust
    (119.6, 2.062, 'reproduced', True)
    """
    derivation = DERIVATIONS[RATIO_ID]
    q2_id, ccg_q1_id, nhse_q1_id = derivation.inputs
    values = published_values(claims, (RATIO_ID, *derivation.inputs))
    by_id = claims_by_id(claims)
    target = by_id[RATIO_ID]
    band = tolerance(
        values[RATIO_ID], float(target["precision"]), qualifier_or_none(target["qualifier"])
    )
    low, high = derivation.interval(rounding_intervals(claims, derivation.inputs))
    q1 = total(values[ccg_q1_id], values[nhse_q1_id])
    breakeven = ratio(values[q2_id], values[RATIO_ID])
    return DoublingCheck(
        q1_gbp_m=q1,
        q2_gbp_m=values[q2_id],
        ratio=derivation.central(values),
        ratio_low=low,
        ratio_high=high,
        published=band.describe(),
        status=assess(derivation, by_id).status,
        robust=band.meets(low, low) and band.meets(high, high),
        breakeven_q1_gbp_m=breakeven,
        headroom_gbp_m=breakeven - q1,
        multiple=values[RATIO_ID],
        source=source,
    )
