"""The instructor's view (issue 22): a key typed once, the class's runs under aliases, Stop for any run, the CSV;
and a class sweep of 2 × 2 cells filled by four browsers, one run each, through the Distill page."""
from __future__ import annotations

import time

import pytest

from kdlab.sweeps.classroom import CSV_COLUMNS, ClassSweeps, alias, class_rows, csv_rows
from kdlab.runs.store import ACTIVE
from tests.conftest import app_jobs, assert_clean, finished_runs, open_app_page, tiny_config

pytestmark = pytest.mark.shared_home
KEY = "class-7b-instructor"
PASS_KEY = "kdlab_instructor"


@pytest.fixture
def instructor_server(monkeypatch):
    """The app started with an instructor key: a fresh job runner for these tests, closed after them."""
    import streamlit as st

    monkeypatch.setenv("KDLAB_INSTRUCTOR_KEY", KEY)
    st.cache_resource.clear()
    yield
    app_jobs().close()
    monkeypatch.undo()
    st.cache_resource.clear()


def wait_until(condition, deadline_s: float, what: str) -> None:
    deadline = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen in {deadline_s} s"
        time.sleep(0.2)


def sign_in(at, key: str):
    at.text_input(key="instructor_typed").input(key)
    return at.button(key="instructor_open").click().run()


def page_text(at) -> str:
    return " ".join(str(e.value) for kind in ("markdown", "caption", "info", "error", "success") for e in at.get(kind))


def test_without_a_key_the_page_is_not_listed():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../app.py", default_timeout=60).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/instructor.py")


def test_a_wrong_key_is_refused_the_right_one_shows_every_run_and_stops_any(instructor_server):
    student, other = "b" * 32, "c" * 32
    [done] = finished_runs([tiny_config()], owner=student)
    long_run = app_jobs().submit(tiny_config(epochs=200, batch_size=16), "default", other)  # minutes: stopped
    at = open_app_page("app_pages/instructor.py")
    assert not at.dataframe and at.text_input(key="instructor_typed").proto.type == 1  # a password field
    at = sign_in(at, "not-the-key-at-all")
    assert "not this server's instructor key" in page_text(at) and not at.dataframe
    at = sign_in(at, KEY)
    assert not at.exception
    table = at.dataframe[0].value
    runs = dict(zip(table["run id"], table["student alias"]))
    assert runs[done] == alias(student) and runs[long_run] == alias(other) and alias(student) != alias(other)
    shown = table.to_string()
    assert student not in shown and other not in shown and KEY not in shown  # aliases, never a browser's key
    assert "None" not in shown and "nan" not in shown.lower()
    at.selectbox(key="instructor_stop_pick").set_value(long_run)
    at = at.button(key="instructor_stop").click().run()
    assert f"Asked run {long_run} to stop" in page_text(at)
    wait_until(lambda: app_jobs().store.get(long_run).status not in ACTIVE, 120, "the stopped run ending")
    assert app_jobs().store.get(long_run).status == "cancelled"
    assert at.get("download_button")  # the CSV: its rows are these
    rows = {row["run_id"]: row for row in csv_rows(class_rows(app_jobs().store, "default"))}
    assert list(rows[done]) == list(CSV_COLUMNS) and rows[done]["alias"] == alias(student)
    assert rows[done]["student_acc"] != "" and rows[done]["verdict"] in ("helped", "hurt", "no_difference")
    assert rows[long_run]["student_acc"] == ""  # a missing number is an empty field


def test_four_browsers_fill_a_two_by_two_class_sweep_and_everyone_sees_the_map(instructor_server):
    ws = "class-22"  # a workspace of its own: no other test's Distill run becomes a cell
    teacher = open_app_page("app_pages/instructor.py", distill_config=tiny_config(), kdlab_workspace=ws)
    teacher = sign_in(teacher, KEY)
    teacher.text_input(key="instructor_values_1").input("2,4")
    teacher.text_input(key="instructor_values_2").input("0.5,0.9")
    teacher = teacher.button(key="instructor_sweep_start").click().run()
    assert_clean(teacher)
    sweeps = ClassSweeps(app_jobs().store)
    sweep = sweeps.current(ws)
    try:
        assert sweep.active and sweep.axes == {"temperature": [2, 4], "terms.soft": [0.5, 0.9]}
        cells = []
        for number in range(4):
            browser = f"{number + 1:032x}"
            at = open_app_page("app_pages/distill.py", kdlab_browser=browser, kdlab_workspace=ws)
            note = " ".join(str(e.value) for e in at.info)
            assert "of the class sweep" in note, note
            at = at.button(key="distill_run").click().run()
            assert_clean(at)
            [run_id] = app_jobs().store.owned(browser)
            config = app_jobs().store.get(run_id).config
            cells.append(((config["temperature"], config["terms"]["soft"]), config["seed"]))
        assert sorted(cells) == sorted(((v["temperature"], v["terms.soft"]), 0) for v in sweep.cells())  # a cell each
        wait_until(lambda: sweeps.report(sweep)["finished"] == 4, 300, "the four class runs finishing")
        report = sweeps.report(sweep)
        assert len(report["cells"]) == 4 and all(cell["n"] == 1 for cell in report["cells"])
        teacher = teacher.run()
        spec = teacher.get("plotly_chart")[0].proto.spec
        assert "one run: no interval" in spec and '"type": "heatmap"' in spec.replace('":"', '": "')
        student = open_app_page("app_pages/distill.py", kdlab_browser=f"{9:032x}", kdlab_workspace=ws)
        shown = student.get("plotly_chart")[0].proto.spec  # the class map, anonymous
        assert "S-" not in shown and f"{1:032x}" not in shown
    finally:
        sweeps.end(sweep.id)
    assert "of the class sweep" not in " ".join(str(e.value) for e in open_app_page(
        "app_pages/distill.py", kdlab_browser=f"{9:032x}", kdlab_workspace=ws).info)  # ended: runs are the form's
