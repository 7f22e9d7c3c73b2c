"""A synthetic CCG panel that matches every CCG-level aggregate the articles publish.

The 143 real Q1 2013-14 NISFE returns are not public. The generator invents a panel of
the same shape whose published aggregates hold exactly, for every seed, by construction
(decision 0006); every row is ``synthetic``, and only NHS Dorset CCG and NHS West Essex
CCG appear under their own names, with their published targets (decision 0005). :func:`generate_two_quarters` adds a second quarter grown from the first
(decision 0045).

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
from qipp.panel.synth.quarter2 import generate_two_quarters
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
    "generate_two_quarters",
    "largest_remainder",
    "panel_metadata",
    "published_targets",
    "write_synthetic_panel",
]
