"""The Methods page: a comparison on the Distill form's pair runs through the job queue, a few runs at a time, and
fills in its table, its chart and a verdict per method; reopened, it is rebuilt from the run store."""
from __future__ import annotations

import time

from streamlit.testing.v1 import AppTest

from kdlab.runs.store import RunStore

from .conftest import assert_clean, open_app_page, tiny_config

PAGE = "app_pages/methods.py"


def open_page(**session) -> AppTest:
    return open_app_page(PAGE, **session)


def test_a_comparison_runs_through_the_queue_and_fills_the_table_chart_and_verdicts():
    base = tiny_config(epochs=2, teacher_epochs=2, teacher="cnn-small", student="cnn-small", log_every=7)
    at = open_page(distill_config=base)
    assert_clean(at)
    at.multiselect(key="methods_pick").set_value(["kd", "at"])
    at.number_input(key="methods_seeds").set_value(2).run()
    assert at.button(key="methods_run").label == "Run the comparison (6 runs)"  # ce, kd, at × 2 seeds
    at.button(key="methods_run").click().run()
    deadline = time.monotonic() + 400
    while not any(p.proto.text == "6 of 6 runs finished" for p in at.get("progress")):
        assert time.monotonic() < deadline, [p.proto.text for p in at.get("progress")]
        time.sleep(1)
        at.run()
    assert_clean(at)
    table = at.dataframe[0].value
    assert list(table["method"]) == ["ce", "kd", "at"] and (table["seeds"] == 2).all()
    assert len(at.get("plotly_chart")) == 1
    verdicts = [m.value for m in at.markdown if m.value.startswith(("**kd**", "**at**"))]
    assert len(verdicts) == 2 and all("95 % interval" in v for v in verdicts)
    runs = [r for r in RunStore().list() if r.config["log_every"] == 7]  # this comparison's runs
    assert len(runs) == 6 and all(r.status == "finished" for r in runs)

    again = open_page(distill_config=base)  # a new session: everything comes back from the store, nothing reruns
    again.multiselect(key="methods_pick").set_value(["kd", "at"])
    again.number_input(key="methods_seeds").set_value(2).run()
    assert list(again.dataframe[0].value["method"]) == ["ce", "kd", "at"]
    again.button(key="methods_run").click().run()  # every planned run is in the store: Run submits nothing
    time.sleep(1)
    again.run()
    assert len([r for r in RunStore().list() if r.config["log_every"] == 7]) == 6
