"""The declared rule of notebook 02 holds its size on null panels (decision 0025).

Slow (2,000 draws of the calibrated generator), so it lives in the integration tier.
"""

from __future__ import annotations

from qipp.findings.target_gap.calc import GAP, TARGET
from qipp.findings.target_gap.checks import draw_target_and_gap
from qipp.stats import detection_rate_by_rho


def draw(seed: int, rho: float) -> dict:
    # The fast draw is the full panel's, to the last bit (tests/unit/test_target_gap_draws.py).
    pct, gap = draw_target_and_gap(seed, rho)
    return {TARGET: pct, GAP: gap}


def test_declared_rule_holds_its_size_on_null_panels():
    # 2,000 null panels from the calibrated generator: the rate's 95% interval is
    # about +/-0.01, well inside the 0.03-0.07 band around alpha = 0.05.
    table = detection_rate_by_rho(draw, [0.0], n_sims=2000, seed=20131, alpha=0.05)
    rate = float(table["detection_rate"].iloc[0])
    assert 0.03 <= rate <= 0.07, rate
    assert table["n_undefined"].iloc[0] == 0
