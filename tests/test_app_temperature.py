"""The Temperature page, driven by AppTest through app.py's navigation: it works before any run (on the default
teacher, trained once on the fly and cached), moving T moves the numbers the right way, and a run adds its student."""
from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from kdlab import RunConfig
from kdlab.evaluate import predict
from kdlab.runs.loading import load_run
from kdlab.runs.store import RunStore
from kdlab.teachers import load_teacher
from kdlab.measures import kl_divergence, temperature_view
from ui.text import t as translate

from .conftest import assert_clean, finished_run, open_app_page, tiny_config, wait_for_teachers

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

APP = "../app.py"
PAGE = "app_pages/temperature.py"


def open_page(**session) -> AppTest:
    return open_app_page(PAGE, timeout=600, **session)


def metric(at: AppTest, key: str, **values) -> float:
    """The number shown under a metric's translated label (the first one: the teacher's row comes first)."""
    label = translate(key, "en", **values)
    shown = [m.value for m in at.metric if m.label == label]
    assert shown, f"no metric {label!r} among {[m.label for m in at.metric]}"
    return float(shown[0].split()[0])


@pytest.fixture(scope="module")
def page() -> AppTest:
    """The page opened with no run at all: a worker process trains the default teacher (once per session) while
    the page shows its progress, then the page draws from the cached teacher."""
    at = open_page()
    wait_for_teachers()
    return at.run()


def test_with_no_run_the_page_shows_the_default_teacher_and_says_there_is_no_student(page):
    assert_clean(page)
    assert page.caption[0].value == translate("temperature.from_default")
    assert [i.value for i in page.info] == [translate("temperature.no_student")]
    assert len(page.metric) == 6  # entropy and dark knowledge at T = 1 and at T, and the logit scale (2)
    assert len(page.get("plotly_chart")) == 5  # the digit, the bars at T = 1 and at T, the sweep, the scale


def test_the_numbers_shown_are_the_teachers_softmax_at_the_sliders_temperature(page):
    page.number_input(key="temperature_sample").set_value(11).run()
    page.slider(key="temperature_t").set_value(6.0).run()
    assert_clean(page)
    teacher, splits = load_teacher(RunConfig())
    view = temperature_view(predict(teacher.cpu(), splits.x_test[11:12]).logits[0], 6.0)
    assert metric(page, "temperature.entropy_t", t="6") == pytest.approx(view["entropy_t"], abs=1e-3)
    assert metric(page, "temperature.dark_t", t="6") == pytest.approx(100 * view["dark_knowledge_t"], abs=0.1)
    assert metric(page, "temperature.entropy_1") == pytest.approx(view["entropy_1"], abs=1e-3)


def test_raising_t_raises_the_entropy_and_the_dark_knowledge_while_t_1_stays_put(page):
    page.number_input(key="temperature_sample").set_value(3).run()
    shown = []
    for value in (1.0, 2.0, 5.0, 20.0):
        page.slider(key="temperature_t").set_value(value).run()
        assert_clean(page)
        shown.append((metric(page, "temperature.entropy_t", t=f"{value:g}"),
                      metric(page, "temperature.dark_t", t=f"{value:g}"),
                      metric(page, "temperature.entropy_1"), metric(page, "temperature.dark_1")))
    entropy, dark, entropy_1, dark_1 = zip(*shown)
    assert list(entropy) == sorted(set(entropy)) and list(dark) == sorted(set(dark))  # strictly increasing
    assert entropy[0] == entropy_1[0] and dark[0] == dark_1[0]  # at T = 1 both columns agree
    assert len(set(entropy_1)) == 1 and len(set(dark_1)) == 1  # the T = 1 column ignores the slider
    assert entropy[-1] <= 2.303  # never above ln 10, the entropy of a uniform guess over 10 digits


def test_the_random_button_shows_another_sample_without_error(page):
    page.button(key="temperature_random").click().run()
    assert_clean(page)
    index = page.number_input(key="temperature_sample").value
    assert 0 <= index < 360
    assert len(page.get("plotly_chart")) == 5


def test_with_a_finished_run_the_student_and_the_kl_to_the_teacher_appear():
    config = tiny_config(baseline=False)
    run_id = finished_run(config)
    at = open_page(kdlab_runs=[run_id], kdlab_selected_run=run_id)
    assert_clean(at)
    assert not at.info
    assert at.caption[0].value == translate("temperature.from_run", run_id=run_id)
    assert len(at.metric) == 13  # four per model, the KL, and the logit scale of each model (2 + 2)
    at.slider(key="temperature_t").set_value(config.temperature).run()
    result = load_run(RunStore(), run_id)
    logits = {role: predict(result.models[role].cpu(), result.splits.x_test[:1]).logits[0]
              for role in ("teacher", "student")}
    expected = kl_divergence(logits["teacher"], logits["student"], config.temperature)
    assert metric(at, "temperature.kl", t=f"{config.temperature:g}") == pytest.approx(expected, abs=1e-4)


def test_the_logit_scale_is_shown_and_a_steeper_teacher_stays_informative_longer(page):
    from kdlab.teachers import load_teacher
    from kdlab.measures import logit_scale

    teacher, splits = load_teacher(RunConfig())
    logits = predict(teacher, splits.x_test).logits.float()
    scale = logit_scale(logits, np.geomspace(0.5, 100.0, 80))
    assert metric(page, "temperature.scale_std", model="teacher") == pytest.approx(scale["std"], abs=0.01)
    steeper = logit_scale(3 * logits, np.geomspace(0.5, 100.0, 80))
    assert steeper["std"] == pytest.approx(3 * scale["std"], rel=1e-6)
    assert steeper["flat_from"] is None or steeper["flat_from"] > 2 * scale["flat_from"]
    assert "temperature_information" in {chart.key for chart in page.get("plotly_chart")}


@pytest.mark.parametrize("features", [1, 3, 4])
def test_own_point_data_of_any_width_shows_its_point_and_its_probabilities(features):
    from .test_app_compare import points_run

    at = open_page(kdlab_runs=[points_run(features)])
    assert_clean(at)
    point = [m.value for m in at.markdown if m.value.startswith(translate("temperature.point", "en", values=""))]
    assert point and point[0].count("=") == features  # every coordinate, x₁ … x_features
    assert len(at.get("plotly_chart")) >= 3  # the bars at T = 1 and at T, the sweep
