"""The Attention page, driven by AppTest through app.py's navigation, on tiny real runs recorded in the run store:
maps of both models and the β term for transformers, a one-line note for a model without maps, typed text, and the
one-click run offered when there is no run yet."""
from __future__ import annotations

import json
import time

import pytest
from streamlit.testing.v1 import AppTest

from kdlab.evaluate import predict
from kdlab.runs.loading import load_run
from kdlab.runs.store import ACTIVE, RunStore
from kdlab.viz.attention import attention_term
from ui.common import plain
from ui.text import t as translate

from .conftest import app_jobs, assert_clean, finished_run, tiny_config

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

APP = "../app.py"
PAGE = "app_pages/attention.py"
TINY = dict(teacher_epochs=2, epochs=1, batch_size=128, baseline=False)


def open_page(run_id: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if run_id is not None:
        at.session_state["kdlab_runs"] = [run_id]
        at.session_state["kdlab_selected_run"] = run_id
    return at.run().switch_page(PAGE).run()


def charts(at: AppTest) -> list[str]:
    return [chart.proto.id for chart in at.get("plotly_chart")]


def assert_one_colour_scale(at: AppTest) -> None:
    """The teacher's and the student's maps of one kind share one colour scale from 0 (one colour, one weight)."""
    scales = {}
    for chart in at.get("plotly_chart"):
        kind = chart.proto.id.rsplit("_", 1)[-1]  # overlay, tokens or map
        weights = [t for t in json.loads(chart.proto.spec)["data"] if t.get("showscale") is not False]
        scales.setdefault(kind, set()).update((t.get("zmin", t.get("marker", {}).get("cmin")),
                                               t.get("zmax", t.get("marker", {}).get("cmax"))) for t in weights)
    assert scales and all(len(pair) == 1 and next(iter(pair))[0] == 0 and next(iter(pair))[1]
                          for pair in scales.values()), scales


@pytest.mark.slow  # trains real runs through the app (over 10 s)
def test_a_vit_run_shows_the_maps_of_both_models_and_the_beta_term_for_the_input():
    config = tiny_config(teacher="vit-tiny", student="vit-tiny", terms={"attention": 1.0}, **TINY)
    run_id = finished_run(config)
    at = open_page(run_id)
    assert_clean(at)
    assert [s.value for s in at.subheader] == ["teacher · vit-tiny", "distilled student · vit-tiny",
                                               translate("attention.term_title", letter="β")]
    assert len(charts(at)) == 4  # per model: the CLS row over the digit, and the full [query, key] map
    result = load_run(RunStore(), run_id)
    x = result.splits.x_test[:1]
    outputs = {role: predict(result.models[role].cpu(), x, {"attentions"}) for role in ("teacher", "student")}
    expected = attention_term("tokens", outputs["student"], outputs["teacher"])
    shown = at.metric[0]
    assert shown.label == translate("attention.term_value") and expected > 0
    assert float(shown.value) == pytest.approx(expected, rel=5e-3)
    assert r"\beta \cdot \mathcal{L}_{att} = 1 \times" in at.latex[0].value
    assert_one_colour_scale(at)

    at.selectbox(key=f"attention_teacher_head_{run_id}").set_value(1).run()  # the second head alone
    at.selectbox(key=f"attention_student_layer_{run_id}").set_value(0).run()  # the first layer
    assert_clean(at)
    assert len(charts(at)) == 4
    assert float(at.metric[0].value) == pytest.approx(expected, rel=5e-3)  # β compares all layers, whatever is shown


def test_an_mlp_student_is_said_to_have_no_maps_while_the_cnn_teacher_still_shows_its_own():
    run_id = finished_run(tiny_config(teacher="cnn-small", **TINY))
    at = open_page(run_id)
    assert_clean(at)
    assert [i.value for i in at.info] == [translate("attention.none_in_run"),  # and runs of pairs that have maps
                                         translate("attention.no_maps", model="mlp-small"),
                                         translate("attention.term_none", letter="β", teacher="cnn-small",
                                                   student="mlp-small")]
    assert len(charts(at)) == 1  # the CNN teacher's activation map over the digit
    at.selectbox(key=f"attention_teacher_stage_{run_id}").set_value(0).run()
    assert_clean(at)
    assert len(charts(at)) == 1
    assert not at.metric


def test_a_typed_sentence_is_encoded_with_the_runs_vocabulary_and_its_words_get_attention():
    config = tiny_config(dataset="reviews", teacher="transformer-tiny", student="transformer-tiny",
                         terms={"attention": 1.0}, **TINY)
    run_id = finished_run(config)
    at = open_page(run_id)
    assert_clean(at)
    at.text_input(key="attention_sentence").input("The plot was NOT boring, xyzzy!").run()
    assert_clean(at)
    assert translate("attention.words", words=plain("the plot was not boring <unk>")) in [m.value for m in at.markdown]
    assert len(charts(at)) == 4  # per model: attention over the words, and the full map
    assert_one_colour_scale(at)
    assert float(at.metric[0].value) > 0


def test_with_no_run_it_says_so_and_a_one_click_run_starts_and_shows_its_progress():
    at = open_page()
    assert_clean(at)
    assert at.info[0].value == translate("attention.no_run")
    assert {b.key for b in at.button} >= {"attention_demo_image", "attention_demo_text"}
    at.button(key="attention_demo_text").click().run()
    assert_clean(at)
    run_id = at.session_state["kdlab_runs"][-1]
    assert at.session_state["attention_demo_run"] == run_id
    assert len(at.get("progress")) == 1 and run_id in at.get("progress")[0].proto.text
    app_jobs().stop(run_id, RunStore().get(run_id).owner)  # classroom-sized: stop it rather than wait
    deadline = time.monotonic() + 60
    while RunStore().get(run_id).status in ACTIVE:
        assert time.monotonic() < deadline, "the stopped run did not end"
        time.sleep(0.2)
    at.run()
    assert not at.exception
    assert "attention_demo_run" not in at.session_state
    assert [e.value for e in at.error] == [translate("attention.demo_ended", status="cancelled",
                                                     message=RunStore().get(run_id).error)]


@pytest.mark.slow  # trains real runs through the app (over 10 s)
def test_a_run_whose_student_has_no_maps_offers_the_one_click_runs_of_comparable_pairs():
    run_id = finished_run(tiny_config())  # cnn-large (spatial maps) -> mlp-small (none): nothing to compare
    at = open_page(run_id)
    assert_clean(at)
    assert translate("attention.none_in_run") in [i.value for i in at.info]
    assert {b.key for b in at.button} >= {"attention_demo_image", "attention_demo_text"}
    at.button(key="attention_demo_image").click().run()
    assert_clean(at)
    demo = at.session_state["attention_demo_run"]
    assert not at.info and not at.get("plotly_chart")  # the previous run's notes and maps are gone
    assert len(at.get("progress")) == 1 and demo in at.get("progress")[0].proto.text
    app_jobs().stop(demo, RunStore().get(demo).owner)
