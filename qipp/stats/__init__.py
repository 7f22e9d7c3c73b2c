"""Statistics behind the finding notebooks: correlation, logit, power, cumulative share.

Pure functions over arrays and frames. Results are frozen dataclasses with
``to_dict(digits)`` for a findings record, shown in a notebook as a table.
"""

from qipp.stats.correlation import (
    SpearmanResult,
    correlation_verdict,
    kendall_with_ci,
    spearman_with_ci,
)
from qipp.stats.formatting import format_p, format_r, p_value_text, percent_level
from qipp.stats.logit import LogitResult, SeparationError, logit_shortfall_on_target
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
    "SpearmanResult",
    "correlation_verdict",
    "cumulative_share",
    "detection_rate_by_rho",
    "format_p",
    "format_r",
    "kendall_with_ci",
    "logit_shortfall_on_target",
    "min_detectable_abs_r",
    "p_value_text",
    "percent_level",
    "power_for_r",
    "simulation_seeds",
    "spearman_with_ci",
]
