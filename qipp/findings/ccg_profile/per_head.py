"""A CCG's registered population and its QIPP plan per head, beside the panel's median.

The population is the CCG's QOF 2013-14 list size from the CCG register of
April 2013 (``registered_patients``, :func:`qipp.panel.add_measures`); the plan
per head is the QIPP plan in pounds per registered patient. Only CCGs whose code
is in the register have either, so the panel's median is taken over those CCGs
alone, and is None when the panel has none. The sentences live in
:mod:`qipp.findings.ccg_profile.per_head_text`.

Examples
--------
>>> panel = pd.DataFrame({"ccg_code": ["07H", "11J", "S001"],
...                       "registered_patients": pd.array([300_000, 800_000, None], "Int64"),
...                       "plan_gbp_per_head": pd.array([30.0, 3.0, None], "Float64")})
>>> per_head_median(panel)
PanelPerHead(n_ccgs=3, n_in_register=2, median_gbp=16.5, covers_england=False)
>>> found = ccg_population(panel, "S001")
>>> found.invented_code, found.registered_patients, found.plan_gbp_per_head
(True, None, None)
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qipp.panel.schema import is_synthetic_code
from qipp.reference import load_register

POPULATION = "registered_patients"
PER_HEAD = "plan_gbp_per_head"


@dataclass(frozen=True)
class PanelPerHead:
    """How many of a panel's CCGs are in the register, and their median plan per head.

    ``covers_england`` is True when the panel holds exactly the register's CCGs:
    only then is its median England's rather than the panel's.
    """

    n_ccgs: int
    n_in_register: int
    median_gbp: float | None
    covers_england: bool = False


@dataclass(frozen=True)
class CcgPopulation:
    """One CCG's registered population and plan per head (None when not in the register).

    ``invented_code`` is True for an S-code, which no real CCG has; ``synthetic_panel``
    says whether the plan behind the per-head figure is invented.
    """

    ccg_code: str
    invented_code: bool
    registered_patients: int | None
    plan_gbp_per_head: float | None
    panel: PanelPerHead
    synthetic_panel: bool = False

    @property
    def in_register(self) -> bool:
        """Whether the register gives this CCG a population."""
        return self.registered_patients is not None


def per_head_median(panel: pd.DataFrame, register_size: int | None = None) -> PanelPerHead:
    """The median plan per head over the panel's CCGs in the register (None when none is).

    Parameters
    ----------
    panel : pandas.DataFrame
        A panel with the measures of :func:`qipp.panel.add_measures`.
    register_size : int, optional
        How many CCGs the register holds (default: the project's register, 211).

    Examples
    --------
    >>> per_head_median(pd.DataFrame({"plan_gbp_per_head": pd.array([None], "Float64")}))
    PanelPerHead(n_ccgs=1, n_in_register=0, median_gbp=None, covers_england=False)
    >>> per_head_median(pd.DataFrame({"plan_gbp_per_head": [3.0, 5.0]}), register_size=2)
    PanelPerHead(n_ccgs=2, n_in_register=2, median_gbp=4.0, covers_england=True)
    """
    known = panel[PER_HEAD].dropna()
    median = float(known.median()) if len(known) else None
    size = len(load_register()) if register_size is None else register_size
    # Every CCG in the register, and none beside (codes are unique in a valid panel).
    covers = len(panel) == len(known) == size
    return PanelPerHead(int(len(panel)), int(len(known)), median, covers)


def ccg_population(panel: pd.DataFrame, ccg_code: str, synthetic: bool = False) -> CcgPopulation:
    """The registered population and plan per head of ``ccg_code``, with the panel's median.

    Parameters
    ----------
    panel : pandas.DataFrame
        A panel with the measures of :func:`qipp.panel.add_measures`.
    ccg_code : str
        A code of the panel.
    synthetic : bool
        Whether the panel is synthetic (its plans, so its per-head figures, invented).

    Raises
    ------
    KeyError
        If ``ccg_code`` is not in the panel.
    """
    rows = panel[panel["ccg_code"] == ccg_code]
    if rows.empty:
        raise KeyError(f"CCG code {ccg_code!r} is not in the panel")
    patients, per_head = rows.iloc[0][POPULATION], rows.iloc[0][PER_HEAD]
    return CcgPopulation(
        ccg_code=str(ccg_code),
        invented_code=is_synthetic_code(ccg_code),
        registered_patients=None if pd.isna(patients) else int(patients),
        plan_gbp_per_head=None if pd.isna(per_head) else float(per_head),
        panel=per_head_median(panel),
        synthetic_panel=synthetic,
    )
