"""The Compare page, driven by AppTest through app.py's navigation on real tiny runs recorded in the run store:
the table with latency and ECE, three confusion matrices, decision boundaries on 2-D data, and the no-run line."""
from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from kdlab import RunConfig
from ui.text import t as translate

from .conftest import assert_clean, finished_run

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

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
    shown = {c: list(table[column(c)]) for c in ("accuracy_pct", "macro_f1_pct", "agreement_pct", "ece", "latency_ms")}
    decimals = {"ece": "3", "latency_ms": "1,3"}  # the rest to one decimal, sizes in KiB/MiB, parameters with
    # separators (issue 18); a latency under 1 ms to two significant digits (0.031)
    assert all(re.fullmatch(rf"\d+\.\d{{{decimals.get(c, 1)}}}", v) for c, values in shown.items() for v in values), \
        shown
    assert all(re.fullmatch(r"\d+\.\d (KiB|MiB)", v) for v in table[column("size_kb")])
    params = [int(v.replace(",", "")) for v in table[column("params")]]
    assert all(f"{p:,}" == v for p, v in zip(params, table[column("params")]))
    assert all(float(v) > 0 for v in shown["latency_ms"])
    assert all(0 <= float(v) <= 1 for v in shown["ece"])
    assert float(shown["agreement_pct"][0]) == 100  # the teacher agrees with itself
    assert params[1] == params[2]  # baseline and student: one network
    explained = "\n".join(m.value for m in digits_page.markdown)
    assert all(column(c) in explained for c in ("ece", "latency_ms"))  # every column has its one-line explanation


def chart_keys(at: AppTest) -> list[str]:
    """The page's own widget keys of its plotly charts (the element id ends with ``-<key>``)."""
    return [c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")]


def test_three_confusion_matrices_per_class_bars_and_a_reliability_diagram_appear_on_digits(digits_page):
    assert chart_keys(digits_page) == ["compare_per_class", "compare_confusion_teacher", "compare_confusion_baseline",
                                       "compare_confusion_student", "compare_reliability"]
    assert translate("compare.decision_title", "en") not in [s.value for s in digits_page.subheader]


def test_the_latency_shown_is_the_one_the_trainer_measured_after_training_and_reruns_keep_it(digits_page):
    from kdlab.viz.numbers import milliseconds

    from .conftest import app_jobs

    kept = app_jobs().store.get(digits_page.session_state["kdlab_runs"][-1]).summary["latency_ms"]
    shown = digits_page.dataframe[0].value[column("latency_ms")].tolist()
    assert shown == [milliseconds(kept[role]) for role in ROLES]  # read, not timed again on the server
    digits_page.run()
    assert_clean(digits_page)
    assert digits_page.dataframe[0].value[column("latency_ms")].tolist() == shown


def test_on_two_dimensional_data_the_three_decision_boundaries_are_drawn():
    at = open_page(finished(RunConfig(**TINY_MOONS)))
    assert_clean(at)
    assert translate("compare.decision_title", "en") in [s.value for s in at.subheader]
    assert chart_keys(at)[-1] == "compare_decision"
    assert json.loads(at.get("plotly_chart")[-1].proto.spec)["layout"]["annotations"][0]["text"] == "teacher"


def uploaded_points(features: int, classes: int, per_class: int = 10, names=None) -> str:
    """A CSV dataset of ``features`` numeric columns and ``classes`` classes, kept through the upload path the
    Distill page uses (``import_upload``): own data, as a class would bring it."""
    from kdlab.data.uploads import UploadLimits, import_upload

    names = names or [f"c{c}" for c in range(classes)]
    rows = [",".join([f"f{i}" for i in range(features)] + ["label"])]
    for c in range(classes):
        for k in range(per_class):
            rows.append(",".join([f"{c + 0.1 * k + i:.2f}" for i in range(features)] + [names[c]]))
    roomy = {"max_classes": 1000} if "max_classes" in UploadLimits.__dataclass_fields__ else {}
    return import_upload(f"points{features}x{classes}.csv", "\n".join(rows).encode(), UploadLimits(**roomy))


def points_run(features: int, classes: int = 3, **overrides) -> str:
    return finished(RunConfig(dataset=uploaded_points(features, classes, **overrides), teacher="mlp-small",
                              student="mlp-small", teacher_epochs=1, epochs=1, batch_size=64, log_every=5))


@pytest.mark.parametrize("features", [1, 3, 4])
def test_own_point_data_of_other_than_two_features_gets_the_views_that_fit_it(features):
    at = open_page(points_run(features))
    assert_clean(at)
    keys = chart_keys(at)
    assert "compare_decision" not in keys  # a boundary exists only on a plane
    assert ("compare_projection" in keys) == (features > 2)  # wider points: predictions in the principal plane
    assert {"compare_per_class", "compare_reliability", "compare_confusion_student"} <= set(keys)


def test_a_hundred_classes_draw_the_most_confused_few_labelled_and_the_page_stays_fast():
    import time

    run_id = points_run(2, classes=100)  # the most a server takes by default (max_classes)
    started = time.perf_counter()
    at = open_page(run_id)
    seconds = time.perf_counter() - started
    assert_clean(at)
    specs = {key: json.loads(chart.proto.spec) for key, chart in zip(chart_keys(at), at.get("plotly_chart"))}
    for role in ROLES:
        heatmap = specs[f"compare_confusion_{role}"]["data"][0]
        assert heatmap["z"]["shape"] == "30, 30" and len(heatmap["x"]) == 30  # the most confused, not 100 × 100
    assert all(len(bar["x"]) == 30 for bar in specs["compare_per_class"]["data"])
    assert len(specs["compare_decision"]["data"]) <= 2 * len(ROLES)  # regions and one points trace per panel
    assert translate("compare.many_classes", "en", shown=30, classes=100) in [c.value for c in at.caption]
    assert seconds < 60, seconds
    print(f"Compare with 100 classes drawn in {seconds:.1f} s")


def test_the_run_picker_tells_runs_apart_says_their_models_and_filters_by_source():
    from .conftest import finished_runs

    (three,) = finished_runs([RunConfig(**TINY_DIGITS, temperature=2.0)], "compare-test")
    (two,) = finished_runs([RunConfig(**TINY_DIGITS, temperature=8.0, baseline=False)], "compare-test",
                           source="lesson")
    at = open_page(three)
    at.session_state["kdlab_runs"] = [three, two]
    at.run()
    assert_clean(at)
    picker = at.selectbox(key="compare_run")
    labels = picker.options  # as shown
    assert picker.value == three  # the selected run stays selected
    assert "· lesson ·" in labels[0] and "T = 8, α = 0.9" in labels[0] and "accuracy" in labels[0]  # newest first
    assert "· Distill ·" in labels[1] and "T = 2" in labels[1] and "None" not in " ".join(labels)
    assert translate("runs.models_3", "en") in at.caption[0].value
    picker.set_value(two).run()
    assert_clean(at)
    assert translate("runs.models_2", "en") in at.caption[0].value  # no baseline in this run
    assert list(at.dataframe[0].value.index) == [translate(f"common.{r}", "en") for r in ("teacher", "student")]
    at.multiselect(key="compare_run_sources").set_value(["distill"]).run()
    assert at.selectbox(key="compare_run").options == labels[1:]
