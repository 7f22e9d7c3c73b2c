"""Statistics behind the finding notebooks: correlation, logit, power, cumulative share.

Pure functions over arrays and frames; nothing here reads files, draws charts
or knows where a panel came from. The detection-rate simulation takes the
panel generator as an argument, so it runs on the calibrated synthetic
generator in a notebook and on a toy generator in the tests.

Results are frozen dataclasses of plain Python numbers; ``to_dict(digits)``
gives a rounded copy for a findings JSON, and a notebook shows one as a table
a reader can cite (:class:`ShownAsTable`: human labels, rounded, yes/no).

One concern per module, every name re-exported here:

- :mod:`qipp.stats.correlation`: Spearman's rho, its interval and verdict sentence;
- :mod:`qipp.stats.logit`: logistic regression of shortfall on target size;
- :mod:`qipp.stats.power`: analytic power and the detection-rate simulation;
- :mod:`qipp.stats.shares`: cumulative share of a total;
- :mod:`qipp.stats.formatting`: p-values, correlations and levels as a sentence or table prints them.

Examples
--------
>>> result = spearman_with_ci([1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5])
>>> round(result.rho, 3), result.n
(0.829, 6)
>>> round(min_detectable_abs_r(143, alpha=0.05, power=0.8), 3)
0.233
"""

# "import _x as _x" re-exports a private name on purpose: qipp.findings.target_gap.text
# imports _format_p, and the tests reach _spearman_rows, through qipp.stats.
from qipp.display import ShownAsTable
from qipp.stats.correlation import SpearmanResult, correlation_verdict, spearman_with_ci
from qipp.stats.formatting import _format_p as _format_p
from qipp.stats.formatting import _format_r as _format_r
from qipp.stats.formatting import format_p, format_r, p_value_text, percent_level
from qipp.stats.logit import LogitResult, SeparationError, logit_shortfall_on_target
from qipp.stats.power import _spearman_rows as _spearman_rows
from qipp.stats.power import (
    detection_rate_by_rho,
    min_detectable_abs_r,
    power_for_r,
    simulation_seeds,
)
from qipp.stats.shares import cumulative_share

__all__ = [
    "LogitResult",
    "SeparationError",
    "ShownAsTable",
    "SpearmanResult",
    "correlation_verdict",
    "cumulative_share",
    "detection_rate_by_rho",
    "format_p",
    "format_r",
    "logit_shortfall_on_target",
    "min_detectable_abs_r",
    "p_value_text",
    "percent_level",
    "power_for_r",
    "simulation_seeds",
    "spearman_with_ci",
]
