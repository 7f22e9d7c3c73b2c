"""Notebook 02's parameters, checked before any work: a ValueError names the one that is wrong.

>>> check_parameters(panel_path="", method="pearson", alpha=0.05, power=0.8, seed=1,
...                  n_sims=10, rho_max=0.5, rho_step=0.1, findings_path="", tables_path="")
Traceback (most recent call last):
...
ValueError: method must be spearman or kendall, got 'pearson'
"""

from __future__ import annotations

from typing import Any

from qipp.findings.target_gap.calc import METHODS


def check_parameters(**run: Any) -> None:
    """Raise ValueError naming the first parameter of ``run`` that notebook 02 cannot use.

    Parameters
    ----------
    **run
        The notebook's parameters by name (panel_path, method, alpha, power, seed, n_sims,
        rho_max, rho_step, findings_path, tables_path).
    """
    alpha, power, seed, n_sims = run["alpha"], run["power"], run["seed"], run["n_sims"]
    tables_path = run["tables_path"]
    for ok, problem in [
        (
            isinstance(run["panel_path"], str),
            f"panel_path must be a string, got {run['panel_path']!r}",
        ),
        (run["method"] in METHODS, f"method must be spearman or kendall, got {run['method']!r}"),
        (
            0 < alpha < power < 1,
            f"need zero < alpha < power < one, got alpha {alpha}, power {power}",
        ),
        (isinstance(seed, int) and seed >= 0, f"seed must be a non-negative integer, got {seed!r}"),
        (
            isinstance(n_sims, int) and n_sims > 0,
            f"n_sims must be a positive integer, got {n_sims!r}",
        ),
        (
            0 <= run["rho_max"] < 1,
            f"rho_max must be at least zero and below one, got {run['rho_max']!r}",
        ),
        (run["rho_step"] > 0, f"rho_step must be above zero, got {run['rho_step']!r}"),
        (
            isinstance(run["findings_path"], str),
            f"findings_path must be a string, got {run['findings_path']!r}",
        ),
        (isinstance(tables_path, str), f"tables_path must be a string, got {tables_path!r}"),
        (
            not tables_path or str(tables_path).endswith(".xlsx"),
            f"tables_path must end .xlsx: {tables_path}",
        ),
    ]:
        if not ok:
            raise ValueError(problem)
