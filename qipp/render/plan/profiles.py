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
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from qipp.panel import load_measured

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
    code is not in the CCG register of April 2013 (every S-code).
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

    def figures(self) -> dict:
        """The row as a plain dict (for the manifest)."""
        return asdict(self)


def profile_rows(panel: pd.DataFrame) -> list[ProfileRow]:
    """Return one :class:`ProfileRow` per panel row, in panel order.

    Parameters
    ----------
    panel : pandas.DataFrame
        A panel with the measures of :func:`qipp.panel.add_measures`.

    Raises
    ------
    KeyError
        If a column of :data:`PROFILE_COLUMNS` is missing (named in the message).
    """
    missing = [c for c in PROFILE_COLUMNS if c not in panel.columns]
    if missing:
        raise KeyError(f"panel lacks the columns {missing} (run qipp.panel.add_measures first)")
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
        )
        for r in panel.loc[:, list(PROFILE_COLUMNS)].to_dict("records")
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
