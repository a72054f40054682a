"""The Sweep page, driven by AppTest through app.py's navigation: a 2 x 2 grid launched on the app's job queue
fills its heatmap, marks cells without a measurable difference, and offers CSV and JSON; bad values are one
error box; the page speaks both languages."""
from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from kdlab.runs.sweeps import SweepRecords
from ui.text import t as translate

from .conftest import app_jobs, assert_clean, tiny_config

APP = "../app.py"
PAGE = "app_pages/sweep.py"


def open_page(lang: str = "en", **session) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
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


def test_a_two_by_two_grid_fills_its_heatmap_and_exports():
    at = open_page(distill_config=tiny_config(teacher_epochs=2, epochs=2, train_limit=300))
    at.text_input(key="sweep_values_0").set_value("1,4")
    at.text_input(key="sweep_seeds").set_value("0,1")
    at.button(key="sweep_launch").click().run()
    assert_clean(at)
    sweep_id = at.session_state["sweep_id"]
    records = SweepRecords(app_jobs().store)
    deadline = time.monotonic() + 240
    while records.get(sweep_id).status == "running":
        assert time.monotonic() < deadline, "the sweep did not finish in time"
        time.sleep(0.5)
    at.run()
    assert_clean(at)
    record = records.get(sweep_id)
    assert record.status == "finished" and record.report["trials_done"] == 8
    assert len(record.report["cells"]) == 4 and all(c["n"] == 2 for c in record.report["cells"])
    trace = at.get("plotly_chart")[0].proto.spec
    assert '"type": "heatmap"' in trace or '"type":"heatmap"' in trace
    for cell in record.report["cells"]:
        if cell["verdict"] == "no_difference":
            assert "≈" in trace
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == [translate("sweep.csv"), translate("sweep.json")]
    assert all(r.source == "app" and r.status == "finished"
               for r in (app_jobs().store.get(t["run_id"]) for t in records.trials(sweep_id)))
