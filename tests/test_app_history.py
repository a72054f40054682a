"""The History page, driven by AppTest on real tiny runs recorded in the run store (KDLAB_HOME is a temp dir)."""
from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kdlab import RunConfig
from kdlab.runs.loading import load_run
from kdlab.runs.store import RunStore

from .conftest import app_jobs, assert_clean, finished_runs

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

BROWSER = "0123456789abcdef" * 2  # this test browser's key (its cookie)

PAGE = "../app_pages/history.py"
WORKSPACE = "history-test"
TINY = dict(dataset="digits", teacher="cnn-small", student="mlp-small", teacher_epochs=2, epochs=2, batch_size=128,
            log_every=5)




@pytest.fixture(scope="module")
def runs() -> dict[str, str]:
    ids = finished_runs([RunConfig(**TINY, temperature=2.0, terms={"soft": 0.5}),
                         RunConfig(**TINY, temperature=4.0, terms={"soft": 0.9}),
                         RunConfig(**{**TINY, "student": "cnn-small"}, temperature=4.0, terms={"soft": 0.9}),
                         RunConfig(**{**TINY, "dataset": "moons", "teacher": "mlp-large"}, baseline=False)],
                        WORKSPACE)  # the moons run has no baseline: its baseline and gain are missing
    runs = dict(zip(("t2", "t4", "cnn", "moons"), ids))
    store = RunStore()  # the T = 2 run as an earlier kdlab recorded it: α as alpha, no soft weight in terms
    stored = {k: v for k, v in store.get(runs["t2"]).config.items() if k != "terms"}
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE runs SET config = ? WHERE id = ?",
                   (json.dumps({**stored, "alpha": 0.5, "beta": 0.0, "gamma": 0.0, "terms": {}}), runs["t2"]))
    return runs


def history(workspace: str = WORKSPACE, **state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["ws"] = workspace
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def table(at: AppTest):
    return at.dataframe(key="history_table").value


def select(at: AppTest, run_ids: list[str]) -> AppTest:
    ids = list(table(at)["id"])
    at.session_state["history_table"] = {"selection": {"rows": [ids.index(i) for i in run_ids], "columns": []}}
    return at.run()


def test_the_table_lists_the_workspace_runs_with_only_the_differing_config_columns(runs):
    at = history()
    assert_clean(at)
    frame = table(at)
    assert set(runs.values()) <= set(frame["id"])
    order = at.dataframe(key="history_table").proto.column_order
    assert {"dataset", "teacher", "student", "temperature", "terms.soft"} <= set(order)
    assert "epochs" not in order and "terms.attention" not in order  # the same in every run: hidden by default
    assert frame["student_acc"].notna().all()
    assert any("differ" in c.value for c in at.caption)


def test_the_tables_write_numbers_as_a_person_would_and_a_missing_one_as_a_dash(runs):
    at = history()
    frame = table(at)
    assert set(frame["terms.soft"]) >= {"0.5", "0.9"} and set(frame["temperature"]) >= {"2", "4"}  # not 0.500000
    assert frame[frame["id"] == runs["t2"]].iloc[0]["terms.soft"] == "0.5"  # the run recorded as alpha = 0.5
    assert all(re.fullmatch(r"\d{1,3}\.\d", value) for value in frame["student_acc"])  # one decimal
    moons = frame[frame["id"] == runs["moons"]].iloc[0]
    assert moons["baseline_acc"] == "–" and re.fullmatch(r"\d+ ms|\d+\.\d s", moons["distill_seconds"])
    at = select(at, [runs["moons"], runs["t4"]])
    final = at.dataframe[1].value
    gains = list(final["gain (points)"])
    assert gains[0] == "–" and re.fullmatch(r"[+−]?\d+\.\d", gains[1]), gains
    shown = [str(v) for frame in (table(at), final) for v in frame.to_numpy().ravel()]
    assert not [v for v in shown if v in ("None", "nan", "NaN")]


def test_filtering_by_student_narrows_the_list(runs):
    at = history()
    at.multiselect(key="history_filter_student").set_value(["cnn-small"]).run()
    assert_clean(at)
    assert list(table(at)["id"]) == [runs["cnn"]]


def test_selecting_two_runs_overlays_two_learning_curves(runs):
    at = select(history(), [runs["t2"], runs["t4"]])
    assert_clean(at)
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [trace["name"] for trace in figure["data"]]
    assert len(names) == 2 and names[0].startswith(runs["t2"]) and "T=2 α=0.5" in names[0]
    assert all(len(trace["x"]) == 2 for trace in figure["data"])  # two epochs each
    assert len(at.dataframe) == 2  # the runs table and the final numbers


def test_the_t_alpha_map_appears_for_runs_that_differ_only_in_t_and_alpha(runs):
    at = history()
    assert_clean(at)
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    (heatmap,) = [c for c in charts if c["data"][0]["type"] == "heatmap"]
    assert heatmap["data"][0]["x"] == ["2", "4"] and heatmap["data"][0]["y"] == ["0.5", "0.9"]
    texts = [str(cell) for row in heatmap["data"][0]["text"] for cell in row]  # the cells not run: blank
    assert texts.count("") == 2 and not [t for t in texts if t.lower() in ("nan", "none")], texts
    at.multiselect(key="history_filter_student").set_value(["cnn-small"]).run()
    assert not at.get("plotly_chart") and any("T × α" in c.value for c in at.caption)  # the hint instead


def test_a_run_recorded_with_alpha_opens_for_compare_with_its_weights_and_shares_the_t_alpha_map(runs):
    assert load_run(RunStore(), runs["t2"]).config.terms == {"soft": 0.5}  # what Compare and re-open load
    at = history()
    (heatmap,) = [c for c in (json.loads(c.proto.spec) for c in at.get("plotly_chart"))
                  if c["data"][0]["type"] == "heatmap"]
    assert heatmap["data"][0]["y"] == ["0.5", "0.9"]  # the old run's α = 0.5 row
    assert heatmap["layout"]["yaxis"]["title"]["text"] == "α — soft targets"


def test_a_moons_run_shows_its_decision_boundaries(runs):
    at = select(history(), [runs["moons"]])
    assert_clean(at)
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    regions = [t for c in charts for t in c["data"] if t["type"] == "heatmap" and t["z"]["shape"] == "80, 80"]
    assert len(regions) == 1  # one panel: the student's predicted class on an 80 × 80 grid
    assert any("moons" in c.value for c in at.caption)


def test_one_selected_finished_run_offers_its_four_downloads(runs):
    at = select(history(), [runs["t4"]])
    assert_clean(at)
    labels = [b.label for b in at.get("download_button")]
    assert labels[-4:] == ["Metrics (CSV)", "Config + results (JSON)", "Student weights (.pt)",
                           "Learning curves (HTML, works offline)"]
    assert labels[:-4] == []  # model files (safetensors, ONNX) are made by a worker when their owner asks


def test_delete_needs_confirmation():
    (run_id,) = finished_runs([RunConfig(**{**TINY, "epochs": 1})], "history-delete", owner=BROWSER)
    at = select(history("history-delete", kdlab_browser=BROWSER), [run_id])
    at.button(key="history_delete").click().run()
    assert_clean(at)
    assert RunStore().get(run_id).status == "finished"  # not confirmed: still there
    assert at.warning and "nothing was deleted" in at.warning[0].value
    at = select(history("history-delete", kdlab_browser=BROWSER), [run_id])
    assert len(at.checkbox(key=f"history_confirm_{run_id}").label) <= 24  # read whole in a third of the page
    at.checkbox(key=f"history_confirm_{run_id}").check()
    at.button(key="history_delete").click().run()
    assert_clean(at)
    with pytest.raises(ValueError):
        RunStore().get(run_id)
    assert any(run_id in s.value for s in at.success)
    assert RunStore().list("history-delete") == []


def test_another_browser_can_neither_delete_nor_see_a_delete_button():
    (run_id,) = finished_runs([RunConfig(**{**TINY, "epochs": 1})], "history-not-mine", owner=BROWSER)
    at = select(history("history-not-mine", kdlab_browser="f" * 32), [run_id])
    assert_clean(at)
    assert not [b for b in at.button if b.key == "history_delete"]
    assert any("Only the browser that started" in c.value for c in at.caption)
    with pytest.raises(ValueError, match="another browser"):
        app_jobs().delete(run_id, "f" * 32)
    assert RunStore().get(run_id).status == "finished"


def test_an_empty_workspace_shows_a_hint_and_an_invalid_import_writes_nothing():
    at = history("history-import")
    assert not at.exception
    assert "No runs" in at.info[0].value
    at.file_uploader(key="history_import_config").set_value(("config.json", b'{"temperature": -1}', "application/json"))
    at.file_uploader(key="history_import_weights").set_value(("weights.pt", b"not weights", "application/octet-stream"))
    at.button(key="history_import").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "temperature" in at.error[0].value
    assert RunStore().list("history-import") == []


def test_re_run_submits_the_same_config_again(runs):
    at = select(history(), [runs["t2"]])
    at.button(key="history_rerun").click().run()
    assert_clean(at)
    new_id = at.session_state["kdlab_runs"][-1]
    store = RunStore()  # t2 was recorded with alpha: the same weights, in today's fields
    assert RunConfig.from_dict(store.get(new_id).config) == RunConfig.from_dict(store.get(runs["t2"]).config)
    assert store.get(new_id).config["terms"] == {"soft": 0.5} and store.get(new_id).workspace == WORKSPACE
    deadline = time.monotonic() + 60
    while store.get(new_id).status in ("queued", "running"):  # it trains for real; let it end before the process does
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert store.get(new_id).status == "finished"


APP_PAGES = [Path(__file__).parent.parent / "app_pages" / f"{name}.py"
             for name in ("temperature", "distill", "attention", "compare", "lessons", "history")]


@pytest.mark.skipif(not all(p.exists() for p in APP_PAGES), reason="app.py needs every page file to load")
def test_re_open_makes_the_run_the_one_the_analysis_pages_show_and_links_to_them(runs):
    """Through app.py: the page links to Temperature, Attention and Compare resolve only under st.navigation."""
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params["ws"] = WORKSPACE
    at.run()
    at.switch_page("app_pages/history.py").run()
    at = select(at, [runs["t4"]])
    at.button(key="history_reopen").click().run()
    assert_clean(at)
    assert at.session_state["kdlab_selected_run"] == runs["t4"]
    assert len(at.get("page_link")) == 3
