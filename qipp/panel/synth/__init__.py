"""A synthetic CCG panel that matches every CCG-level aggregate the articles publish.

The 143 real Q1 2013-14 NISFE returns behind HSJ, "Exclusive: Huge variation
emerges in CCGs' efficiency ambition" (Q1 2013-14) are not public. This module
invents a panel of the same shape whose published aggregates hold exactly, for
every seed, by construction rather than by trial and rejection (decision 0006):

- target percentages are drawn per band (under 1%, 1% to the median, the
  median itself, the median to 4%, over 4%) so the counts and the median are
  fixed before any value is drawn;
- Q1 and year-end outcomes are drawn as categories with fixed counts (20% or
  more short, some slippage, none), then as values inside each category's band;
- the aggregate forecast (96%) and year-to-date shortfall (11%) are hit by
  moving every CCG's value the same fraction of the way towards its band's
  edge, which keeps every CCG inside its band and every ordering intact;
- money is held in whole £ thousands, so the bands are enforced in integer
  arithmetic and survive the trip through CSV unchanged;
- allocations are registered patients times £ per head: invented CCGs' list
  sizes are drawn from the spread of the register's real ones (never equal to
  one), the figure per head from an assumed range (decision 0030).

``rho`` pairs target size with the year-end forecast gap through a Gaussian
copula on ranks; at 0 they are drawn independently, and the realised rank
correlation is whatever the draw gives.

Every row is ``data_status == "synthetic"``. Only NHS Dorset CCG and NHS West
Essex CCG appear under their own names, carrying their published targets; the
rest of their rows, and every other CCG, is invented (decision 0005).

One concern per module, every name re-exported here:

- :mod:`qipp.panel.synth.targets`: the published targets and the assumed bands;
- :mod:`qipp.panel.synth.draw`: :func:`generate_panel` and its drawing steps;
- :mod:`qipp.panel.synth.allocations`: allocations as real list sizes times an
  assumed figure per head (decision 0030);
- :mod:`qipp.panel.synth.outcomes`: outcomes with exact counts and an exact mean;
- :mod:`qipp.panel.synth.write`: the CSV and its ``.meta.json`` sidecar.

Examples
--------
>>> panel = generate_panel(seed=7)
>>> len(panel), panel["data_status"].unique().tolist()
(143, ['synthetic'])
>>> largest_remainder({"a": 68, "b": 61, "c": 50, "d": 32}, 143)
{'a': 46, 'b': 41, 'c': 34, 'd': 22}
"""

from qipp.panel.synth.draw import (
    DEFAULT_RHO,
    DEFAULT_SEED,
    GENERATOR_VERSION,
    generate_panel,
    largest_remainder,
)
from qipp.panel.synth.targets import (
    TARGET_CLAIM_IDS,
    PublishedTargets,
    check_bands,
    published_targets,
)
from qipp.panel.synth.write import panel_metadata, write_synthetic_panel

__all__ = [
    "DEFAULT_RHO",
    "DEFAULT_SEED",
    "GENERATOR_VERSION",
    "TARGET_CLAIM_IDS",
    "PublishedTargets",
    "check_bands",
    "generate_panel",
    "largest_remainder",
    "panel_metadata",
    "published_targets",
    "write_synthetic_panel",
]


def __getattr__(name: str) -> PublishedTargets:
    """Keep ``qipp.panel.synth.TARGETS`` working, read from the ledger when asked for.

    It was a module constant; a copy taken at import could go stale, so each
    access reads the ledger as :func:`published_targets` does.
    """
    if name == "TARGETS":
        return published_targets()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
