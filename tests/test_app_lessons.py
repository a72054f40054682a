"""The Lessons page, driven by AppTest through app.py's navigation: every lesson's text in both languages, a Run
click that submits exactly the lesson's preset, and the dark-knowledge bias shift on a real tiny run."""
from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from kdlab import RunConfig
from kdlab.evaluate import predict
from kdlab.lessons import LESSONS, QUICK_DEMO, lesson
from kdlab.lessons_verify import load_measured, pooled
from kdlab.runs.loading import load_run
from kdlab.runs.store import ACTIVE, RunStore
from kdlab.policy.admission import admit
from kdlab.policy.settings import ServerSettings
from kdlab.stats import paired_verdict
from kdlab.measures import shifted_accuracy, unseen_class_recall
from kdlab.viz.numbers import signed_points
from ui.text import t as translate

from .conftest import assert_clean, finished_run

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

APP = "../app.py"
PAGE = "app_pages/lessons.py"
CHEAPEST = "capacity_gap"  # 2-D spirals with MLPs: a few seconds, teacher included
TINY_UNSEEN_3 = dict(dataset="digits", teacher="cnn-small", student="mlp-small", teacher_epochs=2, epochs=3,
                     batch_size=128, log_every=5, exclude_classes=(3,), temperature=8.0,
                     terms={"soft": 1.0})


def open_page(lang: str = "en", **session) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    for key, value in session.items():
        at.session_state[key] = value
    return at.run().switch_page(PAGE).run()


def wait_until_done(at: AppTest, run_id: str, deadline_s: float = 150) -> str:
    store, deadline = RunStore(), time.monotonic() + deadline_s
    while store.get(run_id).status in ACTIVE:
        assert time.monotonic() < deadline, "the lesson's run did not end in time"
        time.sleep(0.5)
        at.run()
        assert_clean(at)
    at.run()
    return store.get(run_id).status


def shown_text(at: AppTest) -> str:
    """Everything the page wrote, tables included, as one string to search."""
    parts = [e.value for kind in ("markdown", "caption", "success", "error", "info", "warning") for e in at.get(kind)]
    parts += [at.dataframe[i].value.to_string() for i in range(len(at.dataframe))]
    return "\n".join(map(str, parts))


def student_cell(run: dict) -> tuple[str, str]:
    """The measured table's column for the distilled student's result, and that seed's cell: its accuracy, or a
    language model's perplexity."""
    if "student_perplexity" in run:
        return "lessons.col_student_ppl", f"{run['student_perplexity']:.3f}"
    return "lessons.col_student", f"{100 * run['student_acc']:.1f}"


def measured_numbers(entry: dict) -> list[str]:
    """Strings the measured answer shows and the question must not: the pooled counts and each seed's result."""
    items = "validation sentences" if "student_perplexity" in entry["runs"][0] else "test images"
    return [f"{entry['pooled']['only_student']} {items}", *(student_cell(run)[1] for run in entry["runs"])]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_lesson_asks_first_and_shows_its_claim_and_measurements_only_after_the_answer(lang):
    at = open_page(lang)
    for entry in LESSONS:
        at.radio(key="lessons_choice").set_value(entry.key).run()
        assert_clean(at)
        assert at.header[0].value == translate(f"lessons.{entry.key}.title", lang)
        assert translate(f"lessons.{entry.key}.setup", lang) in [m.value for m in at.markdown]
        question = at.radio(key=f"lessons_predict_{entry.key}")
        assert question.value is None and question.label == translate(f"lessons.predict_{entry.claim.against}", lang)
        measured = load_measured()[entry.key]  # every number shown comes from the file lessons verify wrote
        before = shown_text(at)
        claim = translate("lessons.claim", lang, claim="")
        assert not at.dataframe and not at.success and claim not in before
        assert translate(f"lessons.{entry.key}.text", lang) not in before
        assert translate("lessons.claim_holds", lang) not in before
        if lang == "en":
            assert not [n for n in measured_numbers(measured) if n in before]
        if lang == "en":
            question.set_value("better").run()
        else:  # AppTest formats a chosen radio option with English labels on every later run: say "show me"
            at.button(key=f"lessons_show_{entry.key}").click().run()
        assert_clean(at)
        after = shown_text(at)
        assert translate(f"lessons.{entry.key}.text", lang) in [m.value for m in at.markdown]
        assert any(m.value.startswith(claim) for m in at.markdown)
        table = at.dataframe[0].value
        runs = measured["runs"] + measured.get("holdout", {}).get("runs", [])
        column = translate(student_cell(runs[0])[0], lang)
        assert table[column].tolist() == [student_cell(r)[1] for r in runs]
        stamp = [s.value for s in at.success][-1]
        assert translate("lessons.claim_holds", lang) in stamp
        separator = translate("common.list_separator", lang)  # "0, 1, 2" / "0、1、2"
        assert measured["date"] in stamp and separator.join(map(str, measured["seeds"])) in stamp
        if "holdout" in measured:
            assert separator.join(map(str, measured["holdout"]["seeds"])) in stamp
        if lang == "en":
            assert all(n in after for n in measured_numbers(measured))
        if entry.assistant is None:
            assert at.button(key=f"lessons_run_{entry.key}").label == translate("lessons.run", lang)
        else:  # a chain: the assistant's run first, the student's once it has finished
            assert at.button(key=f"lessons_run_{entry.key}_assistant").label == translate("lessons.run_assistant",
                                                                                         lang)
            assert f"lessons_run_{entry.key}" not in [b.key for b in at.button]
        links = at.get("page_link")
        assert len(links) == (1 if entry.page else 0)


def test_show_me_reveals_the_answer_without_a_guess():
    at = open_page()
    at.radio(key="lessons_choice").set_value(CHEAPEST).run()
    assert not at.dataframe
    at.button(key=f"lessons_show_{CHEAPEST}").click().run()
    assert_clean(at)
    assert at.dataframe and translate("lessons.claim_holds", "en") in at.success[-1].value
    assert at.radio(key=f"lessons_predict_{CHEAPEST}").value is None
    at.run()  # it stays shown, and the button has done its work
    assert at.dataframe and f"lessons_show_{CHEAPEST}" not in [b.key for b in at.button]


@pytest.mark.slow  # trains the lesson run through the app (over 10 s)
def test_clicking_run_submits_exactly_the_lessons_preset_and_shows_the_run_live_until_it_ends():
    at = open_page()
    at.radio(key="lessons_choice").set_value(CHEAPEST).run()
    at.radio(key=f"lessons_predict_{CHEAPEST}").set_value("better").run()
    at.button(key=f"lessons_run_{CHEAPEST}").click().run()
    assert_clean(at)
    run_id = at.session_state["lessons_runs"][CHEAPEST]
    assert at.session_state["kdlab_runs"][-1] == run_id  # remembered: it stays visible on every page
    submitted = RunStore().get(run_id).config
    assert submitted == admit(lesson(CHEAPEST).config, ServerSettings.load()).config.to_dict()
    assert wait_until_done(at, run_id) == "finished"
    assert_clean(at)
    assert at.dataframe, "the finished run's summary table is shown"
    paired = RunStore().get(run_id).summary["paired"]
    outcome, _ = paired_verdict(paired["only_student"], paired["only_baseline"])
    said = [m.value for m in [*at.success, *at.info] if m.value.startswith(translate("lessons.outcome", "en",
            guess="better", outcome="", a=0, b=0, p="").split(".")[0])]
    assert said and translate(f"lessons.predict_{outcome}", "en") in said[0]


@pytest.fixture(scope="module")
def unseen_3_run() -> str:
    """A real tiny run whose students never saw a 3, standing in for the (slower) dark-knowledge preset."""
    return finished_run(RunConfig(**TINY_UNSEEN_3), "lessons-test")


def test_the_bias_shift_shows_each_students_recall_on_the_unseen_3s_at_the_sliders_shift(unseen_3_run):
    at = open_page(lessons_choice="dark_knowledge", lessons_runs={"dark_knowledge": unseen_3_run})
    assert_clean(at)
    run = load_run(RunStore(), unseen_3_run)
    logits = {role: predict(run.models[role], run.splits.x_test).logits for role in ("student", "baseline")}
    for shift in (0.0, 5.0):
        at.slider(key="lessons_shift").set_value(shift).run()
        assert_clean(at)
        shown = {m.label: m.value for m in at.metric}
        for role, z in logits.items():
            model = translate(f"common.{role}", "en")
            recall = unseen_class_recall(z, run.splits.y_test, 3, [shift])[0]
            accuracy = shifted_accuracy(z, run.splits.y_test, 3, [shift])[0]
            assert shown[translate("lessons.recall_at", "en", model=model, cls="3")] == f"{100 * recall:.0f} %"
            assert shown[translate("lessons.accuracy_at", "en", model=model)] == f"{100 * accuracy:.1f} %"
    assert [c.proto.id for c in at.get("plotly_chart") if c.proto.id.endswith("-lessons_shift_chart")]


def demo_runs() -> list[dict]:
    measured = load_measured()[QUICK_DEMO]
    return measured["runs"] + measured.get("holdout", {}).get("runs", [])


def test_the_home_quick_demo_draws_a_measured_seed_per_click_says_which_and_quotes_its_measurements():
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert_clean(at)
    demo, runs = lesson(QUICK_DEMO), demo_runs()
    assert f"{demo.config.teacher} → {demo.config.student}" in at.button(key="home_demo").label
    test = pooled(runs, "baseline")
    note = [c.value for c in at.caption if "lessons verify" in c.value]
    assert note and f"{test['only_student']} test images" in note[0] and test["verdict"] == "better"
    assert f"better on {len(runs)} of {len(runs)} seeds" in note[0]
    at.button(key="home_demo").click().run()
    assert_clean(at)
    seed = at.session_state["home_demo_seed"]
    run = RunStore().get(at.session_state["kdlab_runs"][-1])
    assert run.config["seed"] == seed and run.config["label_noise"] == demo.config.label_noise
    gain = next(r["gain_points"] for r in runs if r["seed"] == seed)
    said = translate("home.quick_demo_seed", "en", seed=seed, gain=signed_points(gain / 100))
    assert said in [c.value for c in at.caption]


def test_each_click_of_the_quick_demo_draws_again_from_the_measured_seeds():
    from ui.lesson_views import draw_demo_seed

    assert {draw_demo_seed() for _ in range(300)} == {r["seed"] for r in demo_runs()}


def test_the_language_models_temperature_lesson_shows_the_teachers_one_softmax_at_each_t():
    at = open_page()
    at.radio(key="lessons_choice").set_value("lm_temperature").run()
    at.button(key="lessons_show_lm_temperature").click().run()
    assert_clean(at)
    measured = load_measured()["lm_temperature"]
    runs = measured["runs"] + measured["holdout"]["runs"]
    table = at.dataframe[1].value  # after the per-seed table
    tv = [f"{value:.4f}" for run in runs for value in run["teacher_at_t"]["sampling_tv"]]
    assert table[translate("lessons.col_sampling_tv", "en")].tolist() == tv
    assert table["T"].tolist() == ["0.5", "1", "2"] * len(runs)
    assert translate("lessons.temperatures_title", "en") in [h.value for h in at.subheader]
