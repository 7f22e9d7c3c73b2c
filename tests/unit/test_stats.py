"""Tests for qipp.stats on small hand-built data and a toy panel generator."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from IPython.lib.pretty import pretty
from scipy import stats as sps

from qipp import stats
from qipp.stats.power import _spearman_rows as spearman_rows


def toy_panel(seed: int, rho: float, n: int = 143) -> pd.DataFrame:
    """A Gaussian-copula panel whose population Spearman correlation is ``rho``."""
    rng = np.random.default_rng(seed)
    pearson = 2.0 * math.sin(math.pi * rho / 6.0)  # Spearman -> Pearson for a normal copula
    cov = [[1.0, pearson], [pearson, 1.0]]
    z = rng.multivariate_normal([0.0, 0.0], cov, size=n)
    return pd.DataFrame(
        {
            "plan_pct_of_allocation": np.exp(z[:, 0]),  # monotone maps keep the ranks
            "forecast_gap_pct": 10 + 5 * z[:, 1],
        }
    )


# --- Spearman with CI -------------------------------------------------------------


def test_spearman_matches_scipy_and_bonett_wright_interval():
    x = [0.3, 1.2, 2.5, 2.4, 3.9, 6.4, 1.8, 2.9, 4.1, 0.9]
    y = [0.0, 0.0, 5.0, 0.0, 12.0, 3.0, 0.0, 8.0, 20.0, 1.0]
    result = stats.spearman_with_ci(x, y, alpha=0.1)
    expected = sps.spearmanr(x, y)
    assert result.rho == pytest.approx(expected.statistic)
    assert result.p_value == pytest.approx(expected.pvalue)
    se = math.sqrt((1 + result.rho**2 / 2) / (10 - 3))
    z = math.atanh(result.rho)
    assert result.ci_low == pytest.approx(math.tanh(z - 1.6448536 * se), abs=1e-6)
    assert result.ci_high == pytest.approx(math.tanh(z + 1.6448536 * se), abs=1e-6)
    assert (result.n, result.alpha) == (10, 0.1)


def test_spearman_perfect_rank_agreement_has_degenerate_interval():
    result = stats.spearman_with_ci([1, 2, 3, 4, 5], [10, 20, 30, 40, 50])
    assert result.rho == pytest.approx(1.0)
    assert result.ci_low == result.ci_high == result.rho


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([1, 2, 3, 4], [1, 2, 3], "equal length"),
        ([1, 2, float("nan"), 4, 5], [1, 2, 3, 4, 5], "1 pair(s) have a missing or infinite value"),
        ([1, 2, 3], [3, 2, 1], "need at least 4 pairs"),
        ([1, 2, 3, 4, 5], [0, 0, 0, 0, 0], "y is constant"),
    ],
)
def test_spearman_bad_input(x, y, message):
    with pytest.raises(ValueError) as err:
        stats.spearman_with_ci(x, y)
    assert message in str(err.value)


def test_to_dict_rounds_floats_only():
    result = stats.SpearmanResult(0.123456, 0.5, -0.1, 0.3, 143, 0.05)
    assert result.to_dict(2) == {
        "rho": 0.12,
        "p_value": 0.5,
        "ci_low": -0.1,
        "ci_high": 0.3,
        "n": 143,
        "alpha": 0.05,
        "method": "spearman",
    }


# --- Verdict ----------------------------------------------------------------------


def test_verdict_differs_between_null_and_correlated_panels():
    null = stats.spearman_with_ci(*toy_panel(11, 0.0).to_numpy().T)
    real = stats.spearman_with_ci(*toy_panel(11, 0.5).to_numpy().T)
    assert null.p_value >= 0.05 and real.p_value < 0.05  # guards the toy draws themselves
    assert stats.correlation_verdict(null).startswith(
        "No rank correlation detected at the 5% level"
    )
    assert stats.correlation_verdict(real).startswith("A strong positive rank correlation")
    assert f"n = {real.n}" in stats.correlation_verdict(real)


def test_verdict_p_value_never_printed_on_the_wrong_side_of_alpha():
    text = stats.correlation_verdict(stats.SpearmanResult(0.17, 0.04996, 0.0, 0.33, 143, 0.05))
    assert "p = 0.04996" in text and text.startswith("A weak positive")


def test_verdict_uses_separate_test_level_and_interval_level():
    text = stats.correlation_verdict(
        stats.SpearmanResult(0.2, 0.02, 0.04, 0.35, 143, 0.05), alpha=0.01
    )
    assert text.startswith("No rank correlation detected at the 1% level")
    assert "95% CI 0.04 to 0.35" in text and "|rho| up to 0.35" in text


# --- Logit ------------------------------------------------------------------------


def test_logit_recovers_statsmodels_fit_and_odds_ratio():
    frame = pd.DataFrame(
        {
            "plan_pct_of_allocation": [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0],
            "forecasts_shortfall": [
                False,
                False,
                True,
                False,
                True,
                False,
                True,
                True,
                False,
                True,
            ],
        }
    )
    result = stats.logit_shortfall_on_target(frame)
    assert result.converged and (result.n, result.n_events) == (10, 5)
    assert result.odds_ratio == pytest.approx(math.exp(result.coef))
    assert result.ci_low < result.odds_ratio < result.ci_high
    assert result.coef > 0 and result.p_value > 0.05


def test_logit_perfect_separation_raises_clear_error():
    frame = pd.DataFrame(
        {"plan_pct_of_allocation": [1.0, 2.0, 3.0, 4.0], "forecasts_shortfall": [0, 0, 1, 1]}
    )
    with pytest.raises(stats.SeparationError, match="separates 'forecasts_shortfall' perfectly"):
        stats.logit_shortfall_on_target(frame)


@pytest.mark.parametrize(
    ("column", "values", "error", "message"),
    [
        ("forecasts_shortfall", [0, 0, 0, 0], ValueError, "one class only (0 of 4 true)"),
        ("forecasts_shortfall", [0, 2, 1, 0], ValueError, "must be true/false or 0/1"),
        ("plan_pct_of_allocation", [1.0, None, 2.0, 3.0], ValueError, "missing or infinite"),
    ],
)
def test_logit_bad_input(column, values, error, message):
    frame = pd.DataFrame(
        {"plan_pct_of_allocation": [1.0, 3.0, 2.0, 4.0], "forecasts_shortfall": [1, 0, 0, 1]}
    )
    frame[column] = values
    with pytest.raises(error) as err:
        stats.logit_shortfall_on_target(frame)
    assert message in str(err.value)


def test_logit_missing_column_names_it():
    with pytest.raises(KeyError, match="column 'forecasts_shortfall' not in frame"):
        stats.logit_shortfall_on_target(pd.DataFrame({"plan_pct_of_allocation": [1.0]}))


# --- Power ------------------------------------------------------------------------


def test_pearson_power_matches_closed_form():
    z = sps.norm.ppf(0.975) + sps.norm.ppf(0.8)
    assert stats.min_detectable_abs_r(143, spearman=False) == pytest.approx(
        math.tanh(z / math.sqrt(140)), abs=1e-6
    )
    assert stats.power_for_r(
        stats.min_detectable_abs_r(50, alpha=0.01, power=0.9), 50, 0.01
    ) == pytest.approx(0.9)


def test_power_is_symmetric_and_grows_with_n():
    assert stats.power_for_r(0.2, 143) == pytest.approx(stats.power_for_r(-0.2, 143))
    assert stats.power_for_r(0.2, 50) < stats.power_for_r(0.2, 143) < stats.power_for_r(0.2, 400)
    assert stats.min_detectable_abs_r(400) < stats.min_detectable_abs_r(143)


def test_power_bad_input():
    with pytest.raises(ValueError, match="r must lie strictly between -1 and 1"):
        stats.power_for_r(1.0, 143)
    with pytest.raises(ValueError, match="power must lie between alpha"):
        stats.min_detectable_abs_r(143, power=0.01)


# --- Simulation -------------------------------------------------------------------


def test_row_spearman_matches_scipy_with_ties():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 5, size=(6, 30)).astype(float)  # many ties, like gaps floored at 0
    y = np.maximum(rng.normal(size=(6, 30)) + 0.3 * x, 0.0)
    rho, p = spearman_rows(x, y)
    for i in range(6):
        ref = sps.spearmanr(x[i], y[i])
        assert rho[i] == pytest.approx(ref.statistic) and p[i] == pytest.approx(ref.pvalue)


def test_detection_rate_table_shape_and_reproducibility():
    table = stats.detection_rate_by_rho(toy_panel, [0.0, 0.3], n_sims=40, seed=7)
    assert list(table.columns) == [
        "rho_injected",
        "n_sims",
        "alpha",
        "n_ccgs",
        "n_detected",
        "detection_rate",
        "rate_ci_low",
        "rate_ci_high",
        "mean_realised_rho",
        "n_undefined",
    ]
    assert table["n_ccgs"].tolist() == [143.0, 143.0]
    assert (table["rate_ci_low"] <= table["detection_rate"]).all()
    assert (table["detection_rate"] <= table["rate_ci_high"]).all()
    again = stats.detection_rate_by_rho(toy_panel, [0.3, 0.0], n_sims=40, seed=7)
    pd.testing.assert_frame_equal(table, again.iloc[::-1].reset_index(drop=True))  # order-free
    other_seed = stats.detection_rate_by_rho(toy_panel, [0.0, 0.3], n_sims=40, seed=8)
    assert not table["mean_realised_rho"].equals(other_seed["mean_realised_rho"])


def test_detection_rate_agrees_with_fisher_power_at_the_detectable_r():
    r_star = stats.min_detectable_abs_r(143)
    table = stats.detection_rate_by_rho(toy_panel, [0.0, r_star], n_sims=1000, seed=2013)
    null_rate, star_rate = table["detection_rate"]
    # Tolerances are about 4 binomial standard errors at n_sims = 1000.
    assert null_rate == pytest.approx(0.05, abs=0.03)  # the test's size
    assert star_rate == pytest.approx(0.80, abs=0.05)  # the Fisher-z power
    assert table["mean_realised_rho"].iloc[1] == pytest.approx(r_star, abs=0.02)


def test_detection_rate_handles_panels_of_different_size():
    def draw(seed: int, rho: float) -> pd.DataFrame:
        return toy_panel(seed, rho, n=100 + seed % 7)

    table = stats.detection_rate_by_rho(draw, [0.5], n_sims=10, seed=1)
    assert 100 <= table["n_ccgs"].iloc[0] <= 106 and table["detection_rate"].iloc[0] > 0.5


def test_detection_rate_bad_generators():
    with pytest.raises(KeyError, match="lacks column 'forecast_gap_pct'"):
        stats.detection_rate_by_rho(
            lambda s, r: pd.DataFrame({"plan_pct_of_allocation": [1.0]}), [0.0], n_sims=2, seed=1
        )

    with pytest.raises(ValueError, match="n_sims must be at least 1"):
        stats.detection_rate_by_rho(toy_panel, [0.0], n_sims=0, seed=1)


def test_panels_with_undefined_rho_count_as_not_detected():
    # A small panel can draw every gap equal; the test cannot reject there.
    def constant_gap_on_odd_seeds(seed: int, rho: float) -> pd.DataFrame:
        panel = toy_panel(seed, rho)
        return panel.assign(forecast_gap_pct=0.0) if seed % 2 else panel

    seeds = stats.simulation_seeds(1, 40)
    table = stats.detection_rate_by_rho(constant_gap_on_odd_seeds, [0.9], n_sims=40, seed=1)
    row = table.iloc[0]
    assert row["n_undefined"] == sum(s % 2 for s in seeds)
    assert row["n_detected"] <= 40 - row["n_undefined"]
    assert math.isfinite(row["mean_realised_rho"])
    every = stats.detection_rate_by_rho(
        lambda s, r: toy_panel(s, r).assign(forecast_gap_pct=0.0), [0.0], n_sims=3, seed=1
    )
    assert every["n_detected"].iloc[0] == 0 and every["n_undefined"].iloc[0] == 3
    assert math.isnan(every["mean_realised_rho"].iloc[0])


def test_simulation_seeds_are_prefix_stable():
    assert stats.simulation_seeds(5, 10)[:4] == stats.simulation_seeds(5, 4)
    assert len(set(stats.simulation_seeds(5, 100))) == 100


# --- Profile of the £13bn tracker ---------------------------------------------------

TRACKER_GBP_BN = pd.Series([3.8, 3.6, 2.9, 2.6], index=["2011-12", "2012-13", "2013-14", "2014-15"])


def test_cumulative_share_keeps_index_and_ends_at_one():
    share = stats.cumulative_share(TRACKER_GBP_BN)
    assert list(share.index) == list(TRACKER_GBP_BN.index)
    assert share.iloc[1] == pytest.approx(7.4 / 12.9) and share.iloc[-1] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("values", "message"),
    [([], "non-empty"), ([1.0, -2.0], "non-negative"), ([0.0, 0.0], "positive total")],
)
def test_profile_bad_input(values, message):
    with pytest.raises(ValueError, match=message):
        stats.cumulative_share(values)


def test_logit_with_a_barely_varying_predictor_is_refused_not_overflowed():
    # Targets equal but for rounding noise: the fitted log-odds run off to infinity.
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "plan_pct_of_allocation": 2.0 + rng.normal(0, 1e-9, 40),
            "forecasts_shortfall": rng.random(40) < 0.4,
        }
    )
    frame.loc[frame["plan_pct_of_allocation"].idxmax(), "forecasts_shortfall"] = False
    frame.loc[frame["plan_pct_of_allocation"].idxmin(), "forecasts_shortfall"] = False
    with pytest.raises(stats.SeparationError, match="is not finite"):
        stats.logit_shortfall_on_target(frame)


# --- Results shown as tables --------------------------------------------------------


def _logit_result(**changes) -> stats.LogitResult:
    fields = {
        "coef": 0.0789,
        "std_err": 0.1621,
        "p_value": 0.6276,
        "odds_ratio": 1.0821,
        "ci_low": 0.7875,
        "ci_high": 1.4869,
        "n": 1430,
        "n_events": 310,
        "converged": True,
        "predictor": "plan_pct_of_allocation",
        "outcome": "forecasts_shortfall",
        "alpha": 0.05,
    }
    return stats.LogitResult(**{**fields, **changes})


def _rows(result) -> dict[str, str]:
    table = result.as_table()
    return dict(zip(table.cells.iloc[:, 0], table.cells.iloc[:, 1], strict=True))


def test_spearman_result_reads_as_a_table_with_its_levels():
    rows = _rows(stats.SpearmanResult(-0.31234, 0.0002, -0.4512, -0.1499, 150, 0.1))
    assert rows == {
        "Spearman's rho": "-0.31",
        "90% confidence interval (Fisher z)": "-0.45 to -0.15",
        "p-value (two-sided)": "< 0.001",
        "Detected at 10%": "yes",
        "Pairs (n)": "150",
    }
    undetected = _rows(stats.SpearmanResult(0.04, 0.62, -0.12, 0.2, 1200, 0.05))
    assert undetected["Detected at 5%"] == "no" and undetected["Pairs (n)"] == "1,200"


def test_logit_result_reads_as_a_table_with_words_for_its_columns():
    rows = _rows(_logit_result())
    assert rows["Outcome"] == "forecasts any year-end shortfall"
    assert rows["Cases with the outcome"] == "310 of 1,430"
    assert rows["Odds ratio per percentage point of target (plan as % of allocation)"] == "1.08"
    assert rows["95% confidence interval"] == "0.79 to 1.49"
    assert rows["p-value (two-sided)"] == "0.628"
    assert (rows["Detected at 5%"], rows["Fit converged"]) == ("no", "yes")
    other = _rows(_logit_result(predictor="x", outcome="y", converged=False))
    assert other["Outcome"] == "y" and "Odds ratio per unit of x" in other
    assert other["Fit converged"] == "no"


@pytest.mark.parametrize(
    "result", [stats.SpearmanResult(0.0764, 0.3666, -0.0899, 0.2371, 150, 0.05), _logit_result()]
)
def test_results_show_in_a_notebook_as_their_table_never_raw_floats(result):
    html = result._repr_html_()
    assert 'class="dataframe"' not in html and "NaN" not in html
    assert "0.0764" not in html and "0.3666" not in html and "0.6276" not in html
    assert html == result._repr_html_()  # the same table, the same HTML: nbval compares it

    # IPython's text form (nbval compares it too): the table, not the dataclass's fields.
    assert pretty(result) == str(result.as_table())
    assert repr(result).startswith(type(result).__name__ + "(")
    assert result.as_table(caption="Source: the panel").caption == "Source: the panel"
