"""The Sweep page, driven by AppTest through app.py's navigation: a 2 x 2 grid launched on the app's job queue
fills its heatmap, marks cells without a measurable difference, and offers CSV, JSON and the figure; its cells open
on Compare, its best settings fill the Distill form, the URL keeps it, only its browser may stop it; a search runs
too; bad values are one error box; the page speaks both languages."""
from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from kdlab.runs.sweeps import SweepRecords
from ui.common import SELECTED_KEY
from ui.text import t as translate

from .conftest import app_jobs, assert_clean, tiny_config

APP = "../app.py"
PAGE = "app_pages/sweep.py"


def open_page(lang: str = "en", sweep: str | None = None, **session) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    if sweep:
        at.query_params["sweep"] = sweep
    for key, value in session.items():
        at.session_state[key] = value
    return at.run().switch_page(PAGE).run()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_opens_in_both_languages_with_nothing_launched(lang):
    at = open_page(lang)
    assert_clean(at)
    assert at.title[0].value == translate("sweep.title", lang)
    assert at.info[0].value == translate("sweep.empty", lang)


def test_a_bad_value_is_one_error_box_and_launches_nothing():
    at = open_page(distill_config=tiny_config())
    at.text_input(key="sweep_values_0").set_value("1,0")
    at.button(key="sweep_launch").click().run()
    assert len(at.error) == 1 and r"temperature must be \> 0" in at.error[0].value  # escaped: shown as text
    assert "sweep_id" not in at.session_state


def wait_until_ended(sweep_id: str, deadline_s: float = 240) -> None:
    records = SweepRecords(app_jobs().store)
    deadline = time.monotonic() + deadline_s
    while records.get(sweep_id).status == "running":
        assert time.monotonic() < deadline, "the sweep did not finish in time"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def grid() -> tuple[str, str]:
    """A 2 x 2 grid x 2 seeds launched from the page and finished: its id and the browser key that started it."""
    at = open_page(distill_config=tiny_config(teacher_epochs=2, epochs=2, train_limit=300))
    at.text_input(key="sweep_values_0").set_value("1,4")
    at.text_input(key="sweep_seeds").set_value("0,1")
    at.button(key="sweep_launch").click().run()
    assert_clean(at)
    sweep_id = at.session_state["sweep_id"]
    assert at.query_params["sweep"] in (sweep_id, [sweep_id])  # a refresh keeps the page
    wait_until_ended(sweep_id)
    return sweep_id, at.session_state["kdlab_browser"]


def test_a_two_by_two_grid_fills_its_heatmap_and_exports(grid):
    sweep_id, browser = grid
    at = open_page(sweep=sweep_id, kdlab_browser=browser)  # a new session: the URL alone brings the sweep back
    assert_clean(at)
    records = SweepRecords(app_jobs().store)
    record = records.get(sweep_id)
    assert record.status == "finished" and record.report["trials_done"] == 8 and record.owner == browser
    assert len(record.report["cells"]) == 4 and all(c["n"] == 2 for c in record.report["cells"])
    trace = at.get("plotly_chart")[0].proto.spec
    assert '"type": "heatmap"' in trace or '"type":"heatmap"' in trace
    assert " ± " in trace and "seeds: 2" in trace  # the hover: mean ± std and n
    for cell in record.report["cells"]:
        if cell["verdict"] == "no_difference":
            assert "≈" in trace
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == [translate("sweep.csv"), translate("sweep.json"), translate("sweep.html")]
    assert all(r.source == "app" and r.status == "finished"
               for r in (app_jobs().store.get(t["run_id"]) for t in records.trials(sweep_id)))
    assert not [b for b in at.button if b.key in ("sweep_stop", "sweep_resume")]  # it has ended


def test_a_cell_opens_its_runs_on_compare(grid):
    sweep_id, browser = grid
    at = open_page(sweep=sweep_id, kdlab_browser=browser)
    at.selectbox(key="sweep_cell").set_value(3).run()
    cell = SweepRecords(app_jobs().store).get(sweep_id).report["cells"][3]
    assert at.selectbox(key="sweep_run").options == [
        translate("sweep.run_label", seed=row["seed"], run_id=row["run_id"]) for row in cell["seeds"]]
    at.selectbox(key="sweep_run").set_value(cell["seeds"][1]["run_id"]).run()
    at.button(key="sweep_open_compare").click().run()
    assert_clean(at)
    assert at.session_state[SELECTED_KEY] == cell["seeds"][1]["run_id"]
    assert at.title[0].value == translate("compare.title")


def test_the_best_settings_fill_the_distill_form(grid):
    sweep_id, browser = grid
    at = open_page(sweep=sweep_id, kdlab_browser=browser, distill_config=tiny_config(temperature=9.0, alpha=0.2))
    best = SweepRecords(app_jobs().store).get(sweep_id).report["best"]["values"]
    at.button(key="sweep_use_best").click().run()
    assert_clean(at)
    assert at.title[0].value == translate("distill.title")
    assert at.slider(key="distill_temperature").value == best["temperature"]
    assert at.slider(key="distill_alpha").value == best["alpha"]
    assert at.number_input(key="distill_epochs").value == 2  # the sweep's base run, not the form's earlier one
    assert at.session_state["distill_config"].temperature == best["temperature"]


def test_another_browser_may_watch_the_sweep_but_not_stop_or_resume_it(grid):
    sweep_id, _browser = grid
    records = SweepRecords(app_jobs().store)
    records.set_status(sweep_id, "cancelled")  # as if stopped: its owner would see Resume
    try:
        at = open_page(sweep=sweep_id, kdlab_browser="0" * 32)
        assert_clean(at)
        assert translate("sweep.not_owner") in [c.value for c in at.caption]
        assert not [b for b in at.button if b.key in ("sweep_stop", "sweep_resume")]
        with pytest.raises(ValueError, match="only the browser that started it"):
            records.request_stop(sweep_id, "0" * 32)
    finally:
        records.set_status(sweep_id, "finished")


def test_the_owner_stops_a_running_sweep_and_resumes_it():
    at = open_page(distill_config=tiny_config(teacher_epochs=2, epochs=40, train_limit=300))
    at.text_input(key="sweep_values_0").set_value("1,2,3")
    at.text_input(key="sweep_seeds").set_value("0")
    at.button(key="sweep_launch").click().run()
    sweep_id = at.session_state["sweep_id"]
    at.button(key="sweep_stop").click().run()
    wait_until_ended(sweep_id, 120)
    record = SweepRecords(app_jobs().store).get(sweep_id)
    assert record.status == "cancelled" and not record.driven()
    at.run()
    assert_clean(at)
    at.button(key="sweep_resume").click().run()
    assert SweepRecords(app_jobs().store).get(sweep_id).driven()  # resumed: its lease is held again
    at.button(key="sweep_stop").click().run()  # and stopped again, so the test leaves nothing training
    wait_until_ended(sweep_id, 120)


def test_a_search_runs_its_trials_and_draws_them_as_points():
    at = open_page(distill_config=tiny_config(teacher_epochs=2, epochs=2, train_limit=300))
    at.radio(key="sweep_mode").set_value("search").run()
    at.text_input(key="sweep_range_0").set_value("1:8:log")
    at.selectbox(key="sweep_range_axis_1").set_value(None)
    at.number_input(key="sweep_trials").set_value(2)
    at.text_input(key="sweep_seeds").set_value("0")
    at.button(key="sweep_launch").click().run()
    assert_clean(at)
    sweep_id = at.session_state["sweep_id"]
    wait_until_ended(sweep_id)
    at.run()
    assert_clean(at)
    record = SweepRecords(app_jobs().store).get(sweep_id)
    assert record.status == "finished" and record.kind == "search" and record.report["trials_done"] == 2
    assert all(1 <= c["values"]["temperature"] <= 8 for c in record.report["cells"])
    assert '"type": "scatter"' in at.get("plotly_chart")[0].proto.spec or \
        '"type":"scatter"' in at.get("plotly_chart")[0].proto.spec
