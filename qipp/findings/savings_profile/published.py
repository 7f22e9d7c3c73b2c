"""The article's other figures set against the profile: local schemes' share, and 2011-12."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from qipp.display import ShownAsTable, Table, table
from qipp.ledger import claim_values
from qipp.ledger.wording import as_published

# The 2011-12 estimates of data/tables/savings_2011_12_estimates.csv as a reader names them.
ESTIMATE_LABELS = {
    "tracker_anticipated": "Tracker: anticipated",
    "dh_announced": "DH: announced (HSJ)",
    "dh_forecast": "DH: forecast (NAO)",
    "dh_reported": "DH: reported (NAO)",
    "nao_substantiated": "NAO: substantiated",
}
# Local schemes over years two to four, their published share of the saving required
# then, and the part rated fully on track (claims.csv).
LOCAL_CLAIMS = (
    "tracker_local_yrs2_4_gbp_bn",
    "tracker_local_share_yrs2_4_pct",
    "tracker_on_track_yrs2_4_gbp_bn",
)


@dataclass(frozen=True)
class LocalShare:
    """Local schemes' savings over ``years`` as a share of the saving required then.

    ``share_pct`` is recomputed; ``published_share_pct`` is the article's, stated to
    ``published_step``; ``on_track_gbp_bn`` the part rated fully on track.
    """

    local_gbp_bn: float
    years: tuple[str, ...]
    required_gbp_bn: float
    share_pct: float
    published_share_pct: float
    published_step: float
    on_track_gbp_bn: float

    @property
    def on_track_pct(self) -> float:
        """The part rated fully on track, as a percentage of the local savings."""
        return 100.0 * self.on_track_gbp_bn / self.local_gbp_bn


def local_share(profile: pd.Series, claims: pd.DataFrame) -> LocalShare:
    """Local schemes' share of the saving required in every year of ``profile`` but the first.

    ``claims`` is the ledger (:func:`qipp.ledger.load_claims`), holding :data:`LOCAL_CLAIMS`.
    """
    values = claim_values(claims)
    local, share, on_track = (values[c] for c in LOCAL_CLAIMS)
    step = claims.set_index("id")["precision"].astype(float).loc[LOCAL_CLAIMS[1]]
    years = tuple(str(y) for y in profile.index[1:])
    required = float(profile.iloc[1:].sum())
    if required <= 0:
        raise ValueError(f"the saving required in {', '.join(years)} must be positive")
    return LocalShare(
        local_gbp_bn=local,
        years=years,
        required_gbp_bn=required,
        share_pct=100.0 * local / required,
        published_share_pct=share,
        published_step=float(step),
        on_track_gbp_bn=on_track,
    )


@dataclass(frozen=True)
class ClaimChecks(ShownAsTable):
    """Claims as published beside what ``qipp.derive`` recomputes (``frame``: their scorecard)."""

    frame: pd.DataFrame
    source: str

    def as_table(self, caption: str | None = None) -> Table:
        """Quote, as published, recomputed to one more decimal (a dash if not), status."""
        rows = self.frame
        recomputed = [
            None if pd.isna(value) else as_published(float(value), unit, precision / 10)
            for value, unit, precision in zip(
                rows["derived_value"], rows["unit"], rows["precision"], strict=True
            )
        ]
        frame = pd.DataFrame(
            {"The article says": rows["quote"], "As published": rows["as_published"]}
        )
        frame["Recomputed"] = recomputed
        frame["Status when recomputed"] = rows["status"]
        return table(
            frame,
            caption=caption
            or f"Source: {self.source}; the claims ledger (data/claims.csv), each figure recomputed from the others.",
            title="The published figures, recomputed and scored",
        )


def claim_checks(card: pd.DataFrame, ids: Iterable[str], *, source: str) -> ClaimChecks:
    """The claims ``ids`` of ``card`` (:func:`qipp.derive.scorecard`, indexed by id), in order."""
    return ClaimChecks(card.loc[list(ids)], source)


@dataclass(frozen=True)
class EstimateComparison(ShownAsTable):
    """Estimates of one ``year``'s savings (``frame``, by label) against a reference one.

    ``reference_name`` is how the reference reads in the headers ("the tracker's").
    """

    frame: pd.DataFrame
    year: str
    reference_name: str

    def as_table(self, caption: str | None = None) -> Table:
        """Each estimate, its difference from the reference and its share of it, its source."""
        return table(
            self.frame.reset_index(),
            labels={
                "estimate": "Estimate",
                "value_gbp_bn": f"Savings in {self.year} (£bn)",
                "minus_reference_gbp_bn": f"Minus {self.reference_name} (£bn)",
                "pct_of_reference": f"% of {self.reference_name}",
                "source": "Source",
            },
            formats={
                "value_gbp_bn": ".1f",
                "minus_reference_gbp_bn": "+.1f",
                "pct_of_reference": ".1f",
            },
            caption=caption
            or "Source: the claims ledger (data/claims.csv, data/tables/savings_2011_12_"
            "estimates.csv).",
            title=f"Savings in {self.year}: the tracker, the Department of Health and the NAO",
        )


def compare_estimates(
    table: pd.DataFrame,
    reference: str,
    labels: Mapping[str, str],
    *,
    year: str,
    reference_name: str = "the reference",
) -> EstimateComparison:
    """Estimates of one quantity (``estimate``, ``value``, ``source``) against ``reference``.

    ``labels`` names every estimate for a reader.

    >>> t = pd.DataFrame({"estimate": ["ours", "theirs"], "value": [4.0, 5.0]})
    >>> both = compare_estimates(t, "ours", {"ours": "Ours", "theirs": "Theirs"}, year="2011-12")
    >>> both.frame.loc["Theirs"].tolist()
    [5.0, 1.0, 125.0]
    """
    unknown = sorted(set(table["estimate"]) - set(labels))
    if unknown:
        raise KeyError(f"no label for estimate(s) {', '.join(unknown)}")
    rows = table.set_index("estimate")
    if reference not in rows.index:
        raise KeyError(f"reference estimate {reference!r} not in the table")
    values = rows["value"].astype(float)
    base = float(values.loc[reference])
    frame = pd.DataFrame(
        {
            "value_gbp_bn": values,
            "minus_reference_gbp_bn": values - base,
            "pct_of_reference": 100.0 * values / base,
        }
    )
    if "source" in rows.columns:
        frame["source"] = rows["source"]
    frame.index = pd.Index([labels[e] for e in frame.index], name="estimate")
    return EstimateComparison(frame, str(year), reference_name)


def estimate_values(table: pd.DataFrame) -> dict[str, float]:
    """``{estimate: value}`` of a tidy table of estimates."""
    return {str(e): float(v) for e, v in zip(table["estimate"], table["value"], strict=True)}
