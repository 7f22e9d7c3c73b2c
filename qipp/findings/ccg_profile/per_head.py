"""A CCG's registered population and its QIPP plan per head, beside the panel's median.

The population is the CCG's QOF 2013-14 list size from the CCG register of April
2013 (:func:`qipp.panel.add_measures`); only CCGs in the register have one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qipp.findings.ccg_profile.calc import ccg_row
from qipp.panel.quarters import latest
from qipp.panel.schema import is_synthetic_code
from qipp.reference import load_register


@dataclass(frozen=True)
class PanelPerHead:
    """The median plan per head (£) over the panel's CCGs in the CCG register.

    ``covers_england``: the panel holds exactly the register's CCGs, so the median is England's.
    """

    n_ccgs: int
    n_in_register: int
    median_gbp: float | None
    covers_england: bool = False


@dataclass(frozen=True)
class CcgPopulation:
    """One CCG's registered population and plan per head (£): None when not in the register.

    ``invented_code``: an S-code, which no real CCG has; ``synthetic_panel``: the plan is invented.
    """

    ccg_code: str
    invented_code: bool
    registered_patients: int | None
    plan_gbp_per_head: float | None
    panel: PanelPerHead
    synthetic_panel: bool = False

    @property
    def in_register(self) -> bool:
        return self.registered_patients is not None


def per_head_median(panel: pd.DataFrame, register_size: int | None = None) -> PanelPerHead:
    """The median plan per head over the panel's CCGs in the register (None when none is).

    ``register_size`` defaults to the size of the project's register.

    >>> per_head_median(pd.DataFrame({"plan_gbp_per_head": [3.0, 5.0]}), register_size=2)
    PanelPerHead(n_ccgs=2, n_in_register=2, median_gbp=4.0, covers_england=True)
    """
    known = panel["plan_gbp_per_head"].dropna()
    median = float(known.median()) if len(known) else None
    size = len(load_register()) if register_size is None else register_size
    # Every CCG in the register, and none beside (codes are unique in a valid panel).
    covers = len(panel) == len(known) == size
    return PanelPerHead(int(len(panel)), int(len(known)), median, covers)


def ccg_population(panel: pd.DataFrame, ccg_code: str, synthetic: bool = False) -> CcgPopulation:
    """``ccg_code``'s registered population and plan per head, the panel's median (latest)."""
    panel = latest(panel)
    row = ccg_row(panel, ccg_code)
    patients, per_head = row["registered_patients"], row["plan_gbp_per_head"]
    return CcgPopulation(
        ccg_code=str(ccg_code),
        invented_code=is_synthetic_code(ccg_code),
        registered_patients=None if pd.isna(patients) else int(patients),
        plan_gbp_per_head=None if pd.isna(per_head) else float(per_head),
        panel=per_head_median(panel),
        synthetic_panel=synthetic,
    )
