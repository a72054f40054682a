"""The Distill page's teacher from a finished run (a born-again run and a teacher-assistant chain, started from the
page) and its Mixup and adversarial-term controls, driven by AppTest on real tiny digits runs."""
from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from kdlab import RunConfig
from kdlab.data import load_dataset
from kdlab.models import InputSpec, build_model
from kdlab.runs.store import ACTIVE, RunStore
from kdlab.runs.teacher_runs import teacher_chain
from ui.text import t as translate

from .conftest import assert_clean, on_shared_home

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

DISTILL = "app_pages/distill.py"


def open_distill(workspace: str, lang: str = "en") -> AppTest:
    on_shared_home()
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.query_params.update(ws=workspace, lang=lang)
    return at.run().switch_page(DISTILL).run()


def set_tiny(at: AppTest, student: str = "mlp-small", student_kw: str = "") -> AppTest:
    """digits, 3 epochs of batches of 128; a cnn-small teacher trained for 2 epochs unless a run's student teaches."""
    at.selectbox(key="distill_dataset").set_value("digits")
    if any(box.key == "distill_teacher" for box in at.selectbox):
        at.selectbox(key="distill_teacher").set_value("cnn-small")
    at.selectbox(key="distill_student").set_value(student)
    at.text_input(key="distill_student_kw").set_value(student_kw)
    at.number_input(key="distill_teacher_epochs").set_value(2)
    at.number_input(key="distill_epochs").set_value(3)
    at.select_slider(key="distill_batch_size").set_value(128)
    return at.run()


def run_from_page(at: AppTest, deadline_s: float = 240) -> dict:
    """Click Run, rerun the page until the run has ended; its stored record."""
    at.button(key="distill_run").click().run()
    assert_clean(at)
    run_id, store = at.session_state["kdlab_runs"][-1], RunStore()
    deadline = time.monotonic() + deadline_s
    while store.get(run_id).status in ACTIVE:
        assert time.monotonic() < deadline, f"run {run_id} still active after {deadline_s} s"
        time.sleep(0.5)
    at.run()
    assert_clean(at)
    record = store.get(run_id)
    assert record.status == "finished", record.error
    return record


def stored_run(store: RunStore, workspace: str, status: str = "finished", **changes) -> str:
    """A run row of a tiny digits config with an untrained mlp-small as its student: what the picker lists."""
    config = RunConfig(dataset="digits", teacher="cnn-small", student="mlp-small", **changes)
    run_id = store.create(config.to_dict(), workspace, "distill", status="running")
    if status == "finished":
        student = build_model("mlp-small", InputSpec.of(load_dataset(config.dataset, seed=config.seed)), 0)
        store.finish(run_id, {"student_acc": 0.5}, {"student": student.state_dict(), "baseline": student.state_dict()})
    return run_id


def test_the_picker_offers_this_workspaces_finished_runs_on_the_same_data_and_the_card_shows_its_student():
    store, workspace = RunStore(), "teacher-picker"
    can = stored_run(store, workspace)
    stored_run(store, workspace, seed=1)  # another seed draws other data for the toy sets: not offered
    stored_run(store, workspace, status="running")
    stored_run(store, "elsewhere")
    at = open_distill(workspace)
    assert_clean(at)
    picker = at.selectbox(key="distill_teacher_run")
    assert len(picker.options) == 2 and picker.value == ""  # "none", then the one run that can teach
    picker.set_value(can).run()
    assert_clean(at)
    card = at.selectbox(key="distill_teacher_from_run")
    assert card.disabled and card.value == "mlp-small" and can in card.label
    config = at.session_state["distill_config"]
    assert (config.teacher_run, config.teacher, config.teacher_kw) == (can, "mlp-small", {})
    assert not at.button(key="distill_run").disabled
    at.selectbox(key="distill_teacher_run").set_value("").run()
    assert at.session_state["distill_config"].teacher_run is None
    assert any(box.key == "distill_teacher" for box in at.selectbox)  # the teacher is chosen on the card again


def test_mixup_is_offered_for_images_and_points_and_disabled_with_its_reason_for_text():
    at = open_distill("mixup-controls", "zh")
    assert not at.slider(key="distill_mixup").disabled
    at.slider(key="distill_mixup").set_value(0.2).run()
    assert at.session_state["distill_config"].mixup == 0.2
    at.selectbox(key="distill_dataset").set_value("reviews").run()
    assert_clean(at)
    assert at.slider(key="distill_mixup_off").disabled and at.session_state["distill_config"].mixup == 0.0
    said = translate("distill.mixup_off", "zh", dataset="reviews", modality=translate("distill.modality_tokens", "zh"))
    assert said in [c.value for c in at.caption]


@pytest.mark.slow  # three tiny runs through the app's workers
def test_a_born_again_run_and_a_teacher_assistant_chain_start_from_the_page():
    at = set_tiny(open_distill("chains"))
    first = run_from_page(at)  # cnn-small teaches mlp-small: the assistant of the chain below
    at.selectbox(key="distill_teacher_run").set_value(first.id).run()
    born = run_from_page(set_tiny(at))  # mlp-small from mlp-small: born again, the same size
    assert (born.config["teacher_run"], born.config["teacher"]) == (first.id, "mlp-small")
    assert born.summary["teacher_acc"] == first.summary["student_acc"]  # the teacher is that very student
    assert born.summary["teacher_params"] == born.summary["student_params"]
    student = run_from_page(set_tiny(at, "mlp", "hidden=8,depth=1"))  # cnn-small -> mlp-small -> an 8-unit MLP
    assert student.summary["teacher_acc"] == first.summary["student_acc"]
    assert student.summary["student_params"] < first.summary["student_params"]
    assert teacher_chain(student, RunStore().get) == [first.id]


@pytest.mark.slow  # one tiny run through the app's workers
def test_a_mixup_run_with_the_adversarial_term_starts_from_the_page_on_digits_and_says_what_mixup_cost():
    at = set_tiny(open_distill("mixup-adv"))
    at.selectbox(key="distill_method").set_value("adv").run()
    at.slider(key="distill_mixup").set_value(0.2).run()
    record = run_from_page(at)
    assert record.config["mixup"] == 0.2 and record.config["terms"]["adv"] > 0
    held = record.summary["teacher_outputs"]
    assert held["mode"] == "mixed" and held["steps"] > 0
    assert any(translate("live.teacher_outputs_mixed", "en", steps=held["steps"], duration="")[:40] in c.value
               for c in at.caption)
    curves = {name for event in RunStore().events(record.id) for name in event["metrics"]}
    assert any(name.startswith("adv") for name in curves), curves  # the discriminator's accuracy, live
