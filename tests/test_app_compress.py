"""The Compress page, driven by AppTest through app.py's navigation on a real tiny run: the no-run line, a bad knob
refused in one line with nothing queued or written, and a compression through the job queue (a worker process)
that ends in the table, two Pareto plots, a measured verdict and the downloads."""
from __future__ import annotations

import json
import time

import pytest
from streamlit.testing.v1 import AppTest

from kdlab.compress.config import CompressRequest
from ui.text import t as translate

from .conftest import app_jobs, assert_clean, finished_run, tiny_config

APP = "../app.py"
PAGE = "app_pages/compress.py"
WORKSPACE = "compress-page"


def open_page(workspace: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ws"] = workspace
    return at.run().switch_page(PAGE).run()


def wait_for_compression(run_id: str, deadline_s: float = 180) -> None:
    deadline = time.monotonic() + deadline_s
    while app_jobs().compressions[run_id].status in ("queued", "running"):
        assert time.monotonic() < deadline, f"the compression did not finish in {deadline_s} s"
        time.sleep(0.2)
    assert app_jobs().compressions[run_id].status == "ready", app_jobs().compressions[run_id].error


@pytest.fixture(scope="module")
def run_id() -> str:
    return finished_run(tiny_config(teacher="cnn-small", epochs=4, seed=13), WORKSPACE)


def test_without_a_finished_run_the_page_says_so_in_one_line():
    at = open_page("compress-empty")
    assert_clean(at)
    assert [i.value for i in at.info] == [translate("common.no_run", "en")]


def test_nothing_ticked_is_refused_in_one_line_and_nothing_is_queued_or_written(run_id):
    at = open_page(WORKSPACE)
    assert_clean(at)
    at.button(key="compress_start").click().run()
    assert len(at.error) == 1 and "nothing to do" in at.error[0].value
    assert run_id not in app_jobs().compressions
    assert app_jobs().store.variants(run_id) == []


def test_a_compression_runs_on_a_worker_and_draws_the_table_the_frontier_and_the_verdict(run_id):
    at = open_page(WORKSPACE)
    at.checkbox(key="compress_int8").check()
    at.slider(key="compress_prune").set_value(0.5)
    at.checkbox(key="compress_structured").check()
    at.number_input(key="compress_finetune").set_value(2)
    at.button(key="compress_start").click().run()
    assert_clean(at)
    assert run_id in app_jobs().compressions  # queued on the job runner, not done in this process
    wait_for_compression(run_id)
    at.run()
    assert_clean(at)
    table = at.dataframe[0].value
    assert list(table.index) == ["teacher", "student", "student/int8", "student/prune-50-structured",
                                 "student/prune-50-structured+ft-teacher", "baseline", "baseline/int8",
                                 "baseline/prune-50-structured", "baseline/prune-50-structured+ft-teacher"]
    size = translate("compress.col.size_kib", "en")
    assert table.loc["student/int8", size] < table.loc["student", size] / 2.5
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert [c["layout"]["title"]["text"] for c in charts] == ["Accuracy against size", "Accuracy against latency"]
    assert charts[0]["data"][-1]["name"] == "frontier"
    verdict = "\n".join(m.value for m in at.markdown)
    assert "student/int8" in verdict and "smaller on disk" in verdict and "McNemar" in verdict
    assert "won back" in verdict  # the fine-tuning's recovery, measured
    assert at.get("download_button")


@pytest.fixture
def compressed(run_id) -> str:
    """The run with the variants the page test above makes (made here through the job runner when this test runs
    alone)."""
    if not app_jobs().store.variants(run_id):
        app_jobs().compress(run_id, CompressRequest(int8=True, prune=0.5, structured=True, finetune=2))
        wait_for_compression(run_id)
    return run_id


def test_the_onnx_export_is_checked_against_pytorch_and_int8_says_why_it_has_none(compressed):
    at = open_page(WORKSPACE)
    at.selectbox(key="compress_download_model").set_value("student/prune-50-structured+ft-teacher")
    at.button(key="compress_prepare_onnx").click().run()
    assert_clean(at)
    assert any("agrees with PyTorch on 100.00%" in c.value for c in at.caption)
    at.selectbox(key="compress_download_model").set_value("student/int8")
    at.button(key="compress_prepare_onnx").click().run()
    assert any("has no ONNX export" in w.value for w in at.warning)


def test_the_page_speaks_chinese(run_id):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ws"] = WORKSPACE
    at.query_params["lang"] = "zh"
    at.run().switch_page(PAGE).run()
    assert_clean(at)
    assert at.title[0].value == translate("compress.title", "zh")


def test_history_and_compare_show_the_variants_and_history_offers_the_files(compressed):
    run_id = compressed
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ws"] = WORKSPACE
    at.run().switch_page("app_pages/history.py").run()
    ids = list(at.dataframe(key="history_table").value["id"])
    at.session_state["history_table"] = {"selection": {"rows": [ids.index(run_id)], "columns": []}}
    at.run()
    assert_clean(at)
    assert any("student/int8" in frame.value.index for frame in at.dataframe)  # the variants table
    assert at.selectbox(key="history_download_model").options[:2] == ["student", "baseline"]
    at.session_state["kdlab_selected_run"] = run_id
    at.switch_page("app_pages/compare.py").run()
    assert_clean(at)
    assert any("student/int8" in frame.value.index for frame in at.dataframe)
