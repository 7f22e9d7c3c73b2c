"""The CCGs to profile and the key figures the index shows beside each.

>>> import pandas as pd
>>> frame = pd.DataFrame({"ccg_code": ["11J", "S001"], "ccg_name": ["NHS Dorset CCG", "S"],
...     "region": ["South of England"] * 2, "plan_pct_of_allocation": [0.28, 2.0],
...     "ytd_shortfall_pct": [0.0, 0.0], "forecast_gap_pct": [1.5, 0.0],
...     "forecasts_shortfall": [True, False],
...     "registered_patients": pd.array([800_000, None], "Int64"),
...     "plan_gbp_per_head": pd.array([3.0, None], "Float64")})
>>> dorset, invented = profile_rows(frame)
>>> dorset.ccg_code, dorset.plan_pct_of_allocation, invented.registered_patients
('11J', 0.28, None)
>>> "quarters" in dorset.figures()  # a panel of one quarter: the record as it always was
False
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from qipp.panel import latest, load_measured, quarters

PROFILE_COLUMNS: tuple[str, ...] = (
    "ccg_code",
    "ccg_name",
    "region",
    "plan_pct_of_allocation",
    "ytd_shortfall_pct",
    "forecast_gap_pct",
    "forecasts_shortfall",
    "registered_patients",
    "plan_gbp_per_head",
)


@dataclass(frozen=True)
class ProfileRow:
    """One CCG's identity and key figures (percentages, not fractions).

    ``registered_patients`` and ``plan_gbp_per_head`` are None for a CCG whose
    code is not in the CCG register of April 2013 (every S-code). With a ``quarter``
    column the figures are of the latest of ``quarters`` (the panel's, in order), and
    ``forecast_gap_change_pp`` is the latest forecast gap minus the first, in
    percentage points (None when the CCG lacks either quarter).
    """

    ccg_code: str
    ccg_name: str
    region: str
    plan_pct_of_allocation: float
    ytd_shortfall_pct: float
    forecast_gap_pct: float
    forecasts_shortfall: bool
    registered_patients: int | None = None
    plan_gbp_per_head: float | None = None
    quarters: tuple[str, ...] = ()
    forecast_gap_change_pp: float | None = None

    def figures(self) -> dict:
        """The row as a plain dict (for the manifest): no quarter keys from a one-quarter file."""
        record = asdict(self)
        if len(self.quarters) < 2:
            del record["forecast_gap_change_pp"]
        if not self.quarters:
            del record["quarters"]
        return record


def profile_rows(panel: pd.DataFrame) -> list[ProfileRow]:
    """Return one :class:`ProfileRow` per CCG of the panel's latest quarter, in panel order.

    Parameters
    ----------
    panel : pandas.DataFrame
        A panel with the measures of :func:`qipp.panel.add_measures` (long: several quarters).

    Raises
    ------
    KeyError
        If a column of :data:`PROFILE_COLUMNS` is missing (named in the message).
    """
    missing = [c for c in PROFILE_COLUMNS if c not in panel.columns]
    if missing:
        raise KeyError(f"panel lacks the columns {missing} (run qipp.panel.add_measures first)")
    found = tuple(quarters(panel))
    change: dict = {}  # code -> latest gap minus first (pp), where it has both
    if len(found) > 1:  # one pivot of the measured long frame, no second read
        gaps = panel.pivot(index="ccg_code", columns="quarter", values="forecast_gap_pct")
        change = (gaps[found[-1]] - gaps[found[0]]).dropna().to_dict()
    return [
        ProfileRow(
            str(r["ccg_code"]),
            str(r["ccg_name"]),
            str(r["region"]),
            float(r["plan_pct_of_allocation"]),
            float(r["ytd_shortfall_pct"]),
            float(r["forecast_gap_pct"]),
            bool(r["forecasts_shortfall"]),
            # NA becomes None, so the manifest holds null and the index a dash, never NaN.
            None if pd.isna(r["registered_patients"]) else int(r["registered_patients"]),
            None if pd.isna(r["plan_gbp_per_head"]) else float(r["plan_gbp_per_head"]),
            found,
            float(change[r["ccg_code"]]) if r["ccg_code"] in change else None,
        )
        for r in latest(panel).loc[:, list(PROFILE_COLUMNS)].to_dict("records")
    ]


def load_profiles(panel_path: Path) -> tuple[list[ProfileRow], bool]:
    """Load and validate a panel; return its profile rows and whether it is synthetic.

    Raises
    ------
    qipp.validation.DataError
        If the panel fails validation (every problem listed).
    """
    panel, synthetic, _, _ = load_measured(str(panel_path))
    return profile_rows(panel), synthetic
