"""The Methods page: a comparison on the Distill form's pair runs through the job queue, a few runs at a time, and
fills in its table, its chart and a verdict per method; reopened, it is rebuilt from the run store."""
from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from kdlab.sweeps.methods import plan
from kdlab.runs.store import RunStore
from kdlab.policy.admission import admit

from .conftest import app_jobs, assert_clean, open_app_page, tiny_config

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

PAGE = "app_pages/methods.py"


def open_page(**session) -> AppTest:
    return open_app_page(PAGE, **session)


def test_a_comparison_runs_through_the_queue_and_fills_the_table_chart_and_verdicts():
    base = tiny_config(epochs=2, teacher_epochs=2, teacher="cnn-small", student="cnn-small")
    at = open_page(distill_config=base, kdlab_workspace="methods-queue")
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
    assert list(table["method"]) == ["ce", "kd", "at"] and (table["seeds"] == "2").all()
    assert not [v for v in table.to_numpy().ravel() if str(v) in ("None", "nan", "NaN")]  # the ce row included
    assert len(at.get("plotly_chart")) == 1
    verdicts = [m.value for m in at.markdown if m.value.startswith(("**kd**", "**at**"))]
    assert len(verdicts) == 2 and all("95 % interval" in v or "no interval" in v for v in verdicts)  # ties happen
    runs = [RunStore().get(run_id) for run_id in at.session_state["kdlab_runs"]]  # the ids this session submitted
    assert len(runs) == 6 and all(r.status == "finished" for r in runs)

    # a new session: everything comes back from the store, nothing reruns
    again = open_page(distill_config=base, kdlab_workspace="methods-queue")
    again.multiselect(key="methods_pick").set_value(["kd", "at"])
    again.number_input(key="methods_seeds").set_value(2).run()
    assert list(again.dataframe[0].value["method"]) == ["ce", "kd", "at"]
    again.button(key="methods_run").click().run()  # every planned run is in the store: Run submits nothing
    again.run()  # a run is recorded within the script run that submits it: nothing to wait for
    assert {r.id for r in RunStore().list("methods-queue")} == {r.id for r in runs}  # still the comparison's 6


def recorded_comparison(base, workspace: str, accuracies: dict[str, list[float]]) -> None:
    """A finished comparison written into the run store as the workers record one: each planned run (its config as
    the server admits it) with a summary whose student accuracy is given, seed by seed."""
    store = RunStore()
    the_plan = plan(base, [m for m in accuracies if m != "ce"], list(range(len(accuracies["ce"]))))
    for method, seed, config in the_plan.runs:
        stored = admit(config, app_jobs().settings).config.to_dict()
        run_id = store.create(stored, workspace)
        acc = accuracies[method][seed]
        store.finish(run_id, {"config": stored, "student_acc": acc, "student_macro_f1": acc, "distill_seconds": 1.5},
                     {})


def test_verdicts_say_how_far_below_the_baseline_in_plain_words_in_both_languages():
    """kd lands 0.8 to 0.9 points below the baseline on every seed (an interval below zero); dkd ties
    the baseline on every seed (no interval). No double negative ("below by -0.84"), no "None" in the ce row."""
    base = tiny_config(log_every=11)
    recorded_comparison(base, "methods-words", {"ce": [0.90, 0.91, 0.92], "kd": [0.8910, 0.9020, 0.9118],
                                                 "dkd": [0.90, 0.91, 0.92]})
    for code, below, tie in (("en", "0.8 points below the baseline", "no interval"), ("zh", "比基线低 0.8 个百分点",
                                                                                       "没有置信区间")):
        at = open_page(distill_config=base, kdlab_workspace="methods-words", kdlab_lang=code,
                       methods_pick=["kd", "dkd"], methods_seeds=3)
        assert_clean(at)
        text = "\n".join(m.value for m in at.markdown)
        assert below in text and tie in text and "-0." not in text and "−0.8 points below" not in text, text
        table = at.dataframe[0].value
        assert not [v for v in table.to_numpy().ravel() if str(v) in ("None", "nan", "NaN")], table
        assert list(table.iloc[1])[1:6] == ["3", "90.2", "± 1.0", "90.2", "−0.8"]


def test_a_refresh_during_a_comparison_keeps_its_settings_and_run_starts_nothing_else():
    """Issue 24 case 15: a new session of the same browser (a refresh) shows the running comparison's pair, methods
    and seeds, not the page's defaults, and Run submits nothing beyond that comparison's own runs."""
    browser = "c0ffee" + "0" * 26
    base = tiny_config(epochs=1, teacher_epochs=2, teacher="cnn-small", log_every=13)
    at = open_page(distill_config=base, kdlab_browser=browser, kdlab_workspace="methods-refresh")
    at.multiselect(key="methods_pick").set_value(["kd"])
    at.number_input(key="methods_seeds").set_value(2).run()
    at.button(key="methods_run").click().run()
    assert_clean(at)

    again = open_page(kdlab_browser=browser, kdlab_workspace="methods-refresh")  # no distill_config: a refresh
    assert_clean(again)
    assert again.multiselect(key="methods_pick").value == ["kd"]
    assert again.number_input(key="methods_seeds").value == 2
    assert again.button(key="methods_run").label == "Run the comparison (4 runs)"
    assert any("cnn-small → mlp-small, 1 epoch." in c.value for c in again.caption)  # the comparison's pair
    again.button(key="methods_run").click().run()
    deadline = time.monotonic() + 300
    while not any(p.proto.text == "4 of 4 runs finished" for p in again.get("progress")):
        assert time.monotonic() < deadline, [p.proto.text for p in again.get("progress")]
        time.sleep(1)
        again.run()
    ours = [r for r in RunStore().list("methods-refresh")]
    assert len(ours) == 4 and all(r.config["log_every"] == 13 for r in ours)  # that comparison's runs, no other


def test_the_chosen_methods_survive_a_rerun_in_chinese():
    """The picker's labels are worded once per run in the page's language: worded later (lazily, where no page
    language is known) they came out in English, matched none of the Chinese options, and the choice was lost."""
    at = open_page(kdlab_lang="zh")
    chosen = at.multiselect(key="methods_pick").value
    at.run()
    assert_clean(at)
    assert at.multiselect(key="methods_pick").value == chosen and chosen
