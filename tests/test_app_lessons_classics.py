"""The Lessons page's lessons set beside the literature, driven by AppTest: Hinton et al.'s table beside what
``lessons verify`` measured (and the command for MNIST itself), and the teacher-assistant lesson's chain run in two
steps from the page."""
from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from kdlab.lessons import HINTON_MNIST, lesson, paper_command
from kdlab.lessons_verify import load_measured
from kdlab.runs.store import ACTIVE, RunStore
from kdlab.runs.teacher_runs import teacher_chain
from ui.text import t as translate

from .conftest import assert_clean, on_shared_home

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

PAGE = "app_pages/lessons.py"


def open_lesson(key: str, lang: str = "en") -> AppTest:
    on_shared_home()
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.query_params["lang"] = lang
    at.run().switch_page(PAGE).run()
    at.radio(key="lessons_choice").set_value(key).run()
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_paper_panel_sets_the_papers_errors_beside_the_mean_errors_verify_measured(lang):
    at = open_lesson("hinton_table", lang)
    at.button(key="lessons_show_hinton_table").click().run()
    assert_clean(at)
    table = next(frame.value for frame in at.dataframe
                 if translate("lessons.paper_col_teacher", lang) in frame.value.columns)
    columns = [translate(f"lessons.paper_col_{role}", lang) for role in ("teacher", "student", "baseline")]
    cell = "{}（{}）" if lang == "zh" else "{} ({})"
    paper = table.iloc[0]
    assert paper[translate("lessons.paper_col_where", lang)] == translate("lessons.paper_row_paper", lang,
                                                                          dataset="mnist", t="20")
    assert [paper[c] for c in columns] == [cell.format(67, "0.67 %"), cell.format(74, "0.74 %"),
                                           cell.format(146, "1.46 %")]
    assert HINTON_MNIST.test_images == 10_000 and paper[translate("lessons.paper_col_images", lang)] == "10,000"
    entry = load_measured().get("hinton_table")
    parts = [part for part in (entry, (entry or {}).get("holdout")) if part]
    assert len(table) == 1 + len(parts)
    for row, part in zip(table.iloc[1:].itertuples(index=False), parts):  # the mean errors per seed of each set
        runs = part["runs"]
        for role, shown in zip(("teacher", "student", "baseline"), row[2:]):
            errors = sum((1 - run[f"{role}_acc"]) * run["images"] for run in runs) / len(runs)
            assert shown.startswith(f"{errors:.1f}"), (role, shown)
    assert paper_command(lesson("hinton_table")) in [code.value for code in at.code]


@pytest.mark.slow  # two spirals runs through the app's workers
def test_the_assistant_lesson_runs_the_assistant_then_the_student_it_teaches():
    at = open_lesson("assistant")
    at.button(key="lessons_run_assistant_assistant").click().run()
    assert_clean(at)
    store = RunStore()
    first = at.session_state["lessons_runs"]["assistant:assistant"]
    assert store.get(first).config["student"] == "mlp-small" and "lessons_run_assistant" not in [
        b.key for b in at.button]  # no step 2 before the assistant has finished
    deadline = time.monotonic() + 240
    while store.get(first).status in ACTIVE:
        assert time.monotonic() < deadline, "the assistant's run did not end in time"
        time.sleep(0.5)
    at.run()
    assert_clean(at)
    at.button(key="lessons_run_assistant").click().run()
    second = at.session_state["lessons_runs"]["assistant"]
    while store.get(second).status in ACTIVE:
        assert time.monotonic() < deadline + 240, "the student's run did not end in time"
        time.sleep(0.5)
    at.run()
    assert_clean(at)
    record = store.get(second)
    assert record.status == "finished" and teacher_chain(record, store.get) == [first]
    assert (record.config["teacher"], record.config["student_kw"]) == ("mlp-small", {"hidden": 3})
    assert record.summary["teacher_acc"] == store.get(first).summary["student_acc"]  # the assistant teaches
