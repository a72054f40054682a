"""The Compare page, driven by AppTest through app.py's navigation on real tiny runs recorded in the run store:
the table with latency and ECE, three confusion matrices, decision boundaries on 2-D data, and the no-run line."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from kdlab import RunConfig
from ui.text import t as translate

from .conftest import assert_clean, finished_run

APP = "../app.py"
PAGE = "app_pages/compare.py"
TINY_DIGITS = dict(dataset="digits", teacher="cnn-small", student="mlp-small", teacher_epochs=2, epochs=2,
                   batch_size=128, log_every=5)
TINY_MOONS = dict(dataset="moons", teacher="mlp-large", student="mlp-small", teacher_epochs=3, epochs=3,
                  batch_size=128, log_every=5)
ROLES = ("teacher", "baseline", "student")


def finished(config: RunConfig) -> str:
    return finished_run(config, "compare-test")


def open_page(run_id: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if run_id is not None:
        at.session_state["kdlab_runs"] = [run_id]
    return at.run().switch_page(PAGE).run()


def column(key: str) -> str:
    return translate(f"compare.col.{key}", "en")


@pytest.fixture(scope="module")
def digits_page() -> AppTest:
    return open_page(finished(RunConfig(**TINY_DIGITS)))


def test_without_a_finished_run_the_page_says_so_in_one_line():
    at = open_page(None)
    assert_clean(at)
    assert [i.value for i in at.info] == [translate("common.no_run", "en")]
    assert not at.dataframe and not at.get("plotly_chart")


def test_the_table_shows_accuracy_agreement_ece_size_and_cpu_latency_for_the_three_models(digits_page):
    assert_clean(digits_page)
    table = digits_page.dataframe[0].value
    assert list(table.index) == [translate(f"common.{role}", "en") for role in ROLES]
    assert list(table.columns) == [column(c) for c in ("accuracy_pct", "macro_f1_pct", "agreement_pct", "ece",
                                                       "params", "size_kb", "latency_ms")]
    assert (table[column("latency_ms")] > 0).all()
    assert table[column("ece")].between(0, 1).all()
    assert table[column("agreement_pct")].iloc[0] == 100  # the teacher agrees with itself
    assert table[column("params")].iloc[1] == table[column("params")].iloc[2]  # baseline and student: one network
    explained = "\n".join(m.value for m in digits_page.markdown)
    assert all(column(c) in explained for c in ("ece", "latency_ms"))  # every column has its one-line explanation


def chart_keys(at: AppTest) -> list[str]:
    """The page's own widget keys of its plotly charts (the element id ends with ``-<key>``)."""
    return [c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")]


def test_three_confusion_matrices_per_class_bars_and_a_reliability_diagram_appear_on_digits(digits_page):
    assert chart_keys(digits_page) == ["compare_per_class", "compare_confusion_teacher", "compare_confusion_baseline",
                                       "compare_confusion_student", "compare_reliability"]
    assert translate("compare.decision_title", "en") not in [s.value for s in digits_page.subheader]


def test_the_table_is_measured_once_per_run_and_reruns_show_the_same_latency(digits_page):
    before = digits_page.dataframe[0].value[column("latency_ms")].tolist()
    digits_page.run()
    assert_clean(digits_page)
    assert digits_page.dataframe[0].value[column("latency_ms")].tolist() == before


def test_on_two_dimensional_data_the_three_decision_boundaries_are_drawn():
    at = open_page(finished(RunConfig(**TINY_MOONS)))
    assert_clean(at)
    assert translate("compare.decision_title", "en") in [s.value for s in at.subheader]
    assert chart_keys(at)[-1] == "compare_decision"
    assert json.loads(at.get("plotly_chart")[-1].proto.spec)["layout"]["annotations"][0]["text"] == "teacher"
