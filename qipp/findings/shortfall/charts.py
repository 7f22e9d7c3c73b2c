"""Charts of notebook 01: where the rise in forecast shortfall came from, and the Q2 split by scheme.

Both draw with :func:`qipp.plotting.bars.bar_compare` from a table of
:mod:`qipp.findings.shortfall.calc`, marking a figure the articles do not publish
("implied") in its label.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> change = pd.DataFrame({"change_gbp_m": [110.0, 20.0, 130.0],
...     "basis": ["published", "Q2 implied", "Q1 implied"]},
...     index=pd.Index(["CCGs", "NHS England", "Sector"], name="organisation"))
>>> fig = shortfall_change_chart(change, source="HSJ")
>>> [label.get_text() for label in fig.axes[0].get_yticklabels()]
['NHS England (Q2 implied)', 'CCGs']
>>> plt.close(fig)
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from qipp.plotting.bars import bar_compare

SCHEME_LABELS = {"transformational": "Transformational", "transactional": "Transactional"}


def shortfall_change_chart(change: pd.DataFrame, *, source: str, synthetic: bool = False) -> Figure:
    """Bars: each commissioner's rise in forecast year-end shortfall, Q1 to Q2 (the sector left out).

    Parameters
    ----------
    change : pandas.DataFrame
        :func:`qipp.findings.shortfall.calc.shortfall_change`: indexed by organisation,
        with ``change_gbp_m`` and ``basis``.
    source : str
        The source line.
    synthetic : bool
        Whether the figures are synthetic (adds the banner).
    """
    parts = change.drop(index="Sector")
    labels = [
        name if basis == "published" else f"{name} ({basis})"
        for name, basis in zip(parts.index, parts["basis"], strict=True)
    ]
    return bar_compare(
        labels,
        parts["change_gbp_m"],
        unit="Rise in forecast year-end shortfall, Q1 to Q2 (£m)",
        title="Rise in forecast QIPP shortfall by commissioner, Q1 to Q2 2013-14",
        source=source,
        synthetic=synthetic,
    )


def scheme_split_chart(split: pd.DataFrame, *, source: str, synthetic: bool = False) -> Figure:
    """Bars: each scheme type's share of the plan and of the forecast shortfall at Q2.

    The shares of the shortfall are highlighted; a scheme type whose figures are
    implied says so in its labels.

    Parameters
    ----------
    split : pandas.DataFrame
        :func:`qipp.findings.shortfall.calc.scheme_split`: indexed by scheme, with
        ``plan_share_pct``, ``shortfall_share_pct`` and ``basis``.
    source : str
        The source line.
    synthetic : bool
        Whether the figures are synthetic (adds the banner).
    """
    labels, values, marked = [], [], []
    rows = split.to_dict("index")
    for scheme, name in SCHEME_LABELS.items():
        row = rows[scheme]
        shown = name if row["basis"] == "published" else f"{name} (implied)"
        for column, what in (("plan_share_pct", "plan"), ("shortfall_share_pct", "shortfall")):
            labels.append(f"{shown}: share of {what}")
            values.append(float(row[column]))
        marked.append(labels[-1])
    return bar_compare(
        labels,
        values,
        unit="Share of the sector's 2013-14 QIPP total (%)",
        title="QIPP plan and forecast shortfall by scheme type, Q2 2013-14",
        highlight=marked,
        source=source,
        synthetic=synthetic,
    )
