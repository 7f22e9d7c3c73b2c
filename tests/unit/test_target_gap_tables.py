"""Notebook 02's tables, sentences and findings record: readable on any panel, never NaN."""

from __future__ import annotations

import json

import nbformat
import numpy as np
import pandas as pd
import pytest
from IPython.lib.pretty import pretty
from profile_panels import measured

from qipp.findings.target_gap import report
from qipp.findings.target_gap.calc import run_target_gap_tests, target_summary
from qipp.findings.target_gap.checks import (
    PowerAnalysis,
    injected_rhos,
    power_analysis,
    run_per_head_sensitivity,
)
from qipp.findings.target_gap.report import PanelCheck, check_against_claims
from qipp.ledger import load_claims
from qipp.panel import check_panel, load_measured
from qipp.paths import NOTEBOOKS_DIR, SYNTHETIC_PANEL_CSV, display_name


def cells(shown) -> dict[str, str]:
    """A two-column table as {first column: second column}."""
    return dict(zip(shown.cells.iloc[:, 0], shown.cells.iloc[:, 1], strict=True))


def readable(shown) -> str:
    html = shown._repr_html_()
    assert 'class="dataframe"' not in html
    assert "NaN" not in html and "nan" not in str(shown).split()
    return html


@pytest.fixture(scope="module")
def committed():
    panel, _, name, data_notes = load_measured("")
    assert data_notes == ()  # the committed panel loads without a warning
    return panel, name


def test_read_panel_reads_the_committed_panel_when_blank_and_names_the_file(committed):
    panel, name = committed
    assert name == display_name(SYNTHETIC_PANEL_CSV)
    assert {"plan_pct_of_allocation", "forecast_gap_pct"} <= set(panel.columns)


def test_spread_table_names_each_measure_and_the_panels_median(committed):
    panel, name = committed
    spread = target_summary(panel, source=name)
    shown = spread.as_table()
    rows = cells(shown)
    assert rows["CCGs"] == f"{spread.n_ccgs:,}"
    assert rows["The panel's median target (% of allocation)"] == (
        f"{spread.median_target_pct:.2f}"
    )
    assert rows["Smallest target (% of allocation)"].endswith(f"({spread.min_target_ccg})")
    assert shown.caption.startswith(f"Source: {name}")
    readable(shown)


@pytest.mark.parametrize(
    ("zeros", "words"), [(1, "1 CCG plans no savings"), (2, "2 CCGs plan no savings")]
)
def test_an_undefined_fold_variation_says_why_in_words(zeros, words):
    spread = target_summary(measured([0.0] * zeros + [1.0, 2.0], [0.0] * (zeros + 2)))
    rows = cells(spread.as_table())
    assert rows["Largest / smallest target (fold)"] == f"undefined: {words}"
    assert rows["CCGs with a 0% target"] == str(zeros)


def test_check_table_shows_claims_as_published_and_names_its_sources(committed):
    panel, name = committed
    claims = load_claims()
    check = check_panel(panel)
    shown = check_against_claims(panel, source=name).as_table()
    assert shown.headers == [
        "Published aggregate",
        "As published",
        "This panel",
        "Agreement needed",
        "Status",
    ]
    assert len(shown.cells) == len(check)
    by_id = dict(zip(check["claim_id"], shown.cells["As published"], strict=True))
    median = claims.set_index("id").loc["ccg_q1_median_target_pct"]
    assert by_id["ccg_q1_median_target_pct"] == f"{median['value']:.2f}%"
    assert shown.caption.startswith("Source: the claims ledger") and name in shown.caption
    readable(shown)


def test_a_panel_figure_the_check_cannot_compute_shows_a_dash(committed):
    panel, name = committed
    check = check_panel(panel).assign(panel=np.nan)
    shown = PanelCheck(check, load_claims(), name).as_table()
    assert set(shown.cells["This panel"]) == {"–"}
    readable(shown)


def test_the_tests_table_has_both_tests_and_says_why_one_cannot_run():
    defined = run_target_gap_tests(measured([1, 2, 3, 4, 5, 6], [0, 1, 0, 2, 0, 0]), source="a.csv")
    rows = defined.as_table()
    assert rows.cells["Role"].tolist() == ["primary: decides the verdict", "supporting"]
    assert rows.cells["Estimate"].iloc[0].startswith("rho ")
    assert rows.caption.startswith("Source: a.csv.") and "qipp." not in rows.caption
    readable(rows)
    untestable = run_target_gap_tests(measured([1, 2, 3], [0, 1, 0]))
    shown = untestable.as_table()
    assert shown.cells["Estimate"].tolist()[0].startswith("cannot be computed: only 3 CCGs")
    assert shown.cells["Estimate"].tolist()[1].startswith("cannot be fitted: only 3 CCGs")
    assert shown.cells["p-value"].tolist() == ["–", "–"]
    assert shown.cells["Detected at 5%"].tolist() == ["–", "–"]
    readable(shown)
    assert pretty(untestable) == str(shown)


def test_the_power_table_reads_in_percent_and_names_the_simulation():
    result = power_analysis(12, alpha=0.05, power=0.8, rhos=[0.0, 0.4], n_sims=10, seed=3)
    shown = result.as_table()
    assert shown.headers[:2] == ["Injected rho", "Realised rho (mean)"]
    rates = 100 * result.detection["detection_rate"]
    assert shown.cells["Detection rate (%)"].tolist() == [f"{r:.1f}" for r in rates]
    assert "simulated panels of 12 CCGs" in shown.caption and "(seed 3)" in shown.caption
    assert "80% power" in shown.caption
    readable(shown)


def test_the_power_table_shows_a_dash_not_nan_where_rho_is_undefined():
    detection = pd.DataFrame(
        {
            "rho_injected": [0.0],
            "n_sims": [5],
            "alpha": [0.05],
            "n_ccgs": [4.0],
            "n_detected": [0],
            "detection_rate": [0.0],
            "rate_ci_low": [0.0],
            "rate_ci_high": [0.43],
            "mean_realised_rho": [np.nan],
            "n_undefined": [5],
        }
    )
    shown = PowerAnalysis(4, 0.9, detection, None, 0.8, 1, "kendall").as_table()
    assert shown.cells["Realised tau (mean)"].tolist() == ["–"]
    assert shown.cells["Panels with tau undefined"].tolist() == ["5"]
    readable(shown)


def test_no_power_table_for_a_tiny_panel_says_why():
    tiny = power_analysis(3, alpha=0.05, power=0.8, rhos=[0.0], n_sims=2, seed=1)
    rows = cells(tiny.as_table())
    assert rows["Smallest detectable |rho|"] == "–"
    assert rows["Simulation"].startswith("not run: only 3 CCGs")


def test_injected_rhos_run_from_zero_to_the_maximum():
    assert injected_rhos(0.5, 0.1) == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert injected_rhos(0.0, 0.1) == [0.0]
    with pytest.raises(ValueError, match="rho_step > 0"):
        injected_rhos(0.5, 0.0)


def test_verdict_paragraph_bolds_the_verdict_and_adds_the_supporting_test():
    tests = run_target_gap_tests(measured([1, 2, 3, 4, 5, 6], [0, 1, 0, 2, 0, 0]))
    bold = report.verdict_paragraph(tests)
    assert bold.startswith(f"**{report.verdict_sentence(tests)}**")
    assert bold.endswith(f" {report.supporting_sentence(tests)}")
    assert report.verdict_paragraph(tests, bold=False) == bold.replace("**", "")
    untestable = run_target_gap_tests(measured([1, 2, 3], [0, 1, 0]))
    assert report.verdict_paragraph(untestable) == f"**{report.verdict_sentence(untestable)}**"


def test_realised_rho_sentence_comes_from_the_simulation():
    table = pd.DataFrame({"rho_injected": [0.0, 0.3], "mean_realised_rho": [0.0, 0.31]})
    higher = report.realised_rho_sentence(PowerAnalysis(20, 0.5, table, None))
    assert higher.endswith("averages 0.310: no lower than the injected value.")
    assert report.realised_rho_sentence(PowerAnalysis(3, None, None, "x")) is None
    only_zero = table.head(1)
    assert report.realised_rho_sentence(PowerAnalysis(20, 0.5, only_zero, None)) is None
    # Kendall's tau is compared with the injected rho on tau's scale.
    damped = table.assign(mean_realised_rho=[0.0, 0.15])
    tau = report.realised_rho_sentence(PowerAnalysis(20, 0.5, damped, None, method="kendall"))
    assert tau == (
        "At an injected rho of 0.30 (tau 0.19) the simulated panels' own rank correlation "
        "averages 0.150: lower, as ties at a zero gap damp a rank correlation."
    )


def test_the_builders_parameters_are_the_notebooks():
    notebook = nbformat.read(NOTEBOOKS_DIR / "02_target_size_vs_gap.ipynb", as_version=4)
    (cell,) = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    names = [line.split(":")[0] for line in cell.source.splitlines() if line.strip()]
    assert names == report.PARAMETERS
    panel = measured([1, 2, 3, 4, 5, 6], [0, 1, 0, 2, 0, 0])
    tests, per_head = run_target_gap_tests(panel), run_per_head_sensitivity(panel)
    power_result = power_analysis(6, alpha=0.05, power=0.8, rhos=[0.0], n_sims=2, seed=1)
    without_seed = {name: 1 for name in report.PARAMETERS if name != "seed"}
    with pytest.raises(KeyError, match="parameters must be panel_path, method, alpha"):
        report.findings(
            target_summary(panel),
            tests,
            power_result,
            per_head,
            synthetic=True,
            parameters=without_seed,
        )


def test_the_whole_record_is_one_call_and_strict_json():
    panel = measured([1, 2, 3, 4, 5, 6], [0, 1, 0, 2, 0, 0])
    tests = run_target_gap_tests(panel)
    power_result = power_analysis(6, alpha=0.05, power=0.8, rhos=[0.0], n_sims=2, seed=1)
    parameters = {name: f"value of {name}" for name in report.PARAMETERS}
    record = report.findings(
        target_summary(panel),
        tests,
        power_result,
        run_per_head_sensitivity(panel),
        synthetic=True,
        parameters=parameters,
    )
    assert record["notebook"] == "02_target_size_vs_gap"
    assert record["parameters"] == parameters and record["method"] == "spearman"
    assert record["verdict"] == report.verdict_paragraph(tests, bold=False)
    assert record["reproduced"] is None and record["reproduced_note"] == "synthetic data"
    json.dumps(record, allow_nan=False)


def test_the_tests_table_counts_ccgs_whole_when_only_one_test_ran():
    every_ccg_short = measured([1, 2, 3, 4, 5, 6], [3, 1, 4, 1, 5, 9])
    shown = run_target_gap_tests(every_ccg_short).as_table()
    assert shown.cells["CCGs"].tolist() == ["6", "–"]
    readable(shown)
