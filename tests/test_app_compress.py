"""The Compress page, driven by AppTest through app.py's navigation on a real tiny run: the no-run line, a bad knob
refused in one line with nothing queued or written, a compression through the job queue (a worker process) that
ends in the table, two Pareto plots, a measured verdict and the downloads — exported by a worker too, never by the
server — and a run that only the browser that started it may compress or export."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from kdlab.compress.config import CompressRequest
from kdlab.data import kdlab_home
from ui.text import t as translate

from .conftest import app_jobs, assert_clean, finished_runs, tiny_config

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

APP = "../app.py"
PAGE = "app_pages/compress.py"
WORKSPACE = "compress-page"
OWNER = "c0ffee" * 5 + "00"  # the browser that started the run
STRANGER = "beef" * 8  # another browser in the same workspace


def open_page(workspace: str, browser: str = OWNER) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ws"] = workspace
    at.session_state["kdlab_browser"] = browser
    return at.run().switch_page(PAGE).run()


def wait_for_compression(run_id: str, deadline_s: float = 180) -> None:
    deadline = time.monotonic() + deadline_s
    while app_jobs().compressions[run_id].status in ("queued", "running"):
        assert time.monotonic() < deadline, f"the compression did not finish in {deadline_s} s"
        time.sleep(0.2)
    assert app_jobs().compressions[run_id].status == "ready", app_jobs().compressions[run_id].error


def wait_for_export(job) -> None:
    deadline = time.monotonic() + 180
    while job.status in ("queued", "running"):
        assert time.monotonic() < deadline, "the export did not finish in 180 s"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def run_id() -> str:
    return finished_runs([tiny_config(teacher="cnn-small", epochs=4, seed=13)], WORKSPACE, owner=OWNER)[0]


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
    tuned = "pruned 50 % (structured) + fine-tuned 2 epochs from the teacher"  # from the recorded steps
    assert list(table.index) == ["teacher", "distilled student", "distilled student: int8",
                                 "distilled student: pruned 50 % (structured)", f"distilled student: {tuned}",
                                 "baseline student", "baseline student: int8",
                                 "baseline student: pruned 50 % (structured)", f"baseline student: {tuned}"]
    measured = {row["name"]: row for row in app_jobs().store.variants(run_id)}
    assert measured["student/int8"]["bytes"] < measured["student"]["bytes"] / 2.5
    assert table[translate("compress.col.size", "en")].str.fullmatch(r"\d+\.\d (KiB|MiB)").all()
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert [c["layout"]["title"]["text"] for c in charts] == ["Accuracy against size", "Accuracy against latency"]
    assert charts[0]["data"][-1]["name"] == "frontier"
    verdict = "\n".join(m.value for m in at.markdown).replace("\\", "")  # names are escaped for Markdown
    assert "distilled student: int8" in verdict and "smaller on disk" in verdict and "McNemar" in verdict
    assert "won back" in verdict  # the fine-tuning's recovery, measured
    assert at.button(key="compress_prepare_onnx") and at.button(key="compress_prepare_safetensors")


@pytest.fixture
def compressed(run_id) -> str:
    """The run with the variants the page test above makes (made here through the job runner when this test runs
    alone)."""
    if not app_jobs().store.variants(run_id):
        app_jobs().compress(run_id, CompressRequest(int8=True, prune=0.5, structured=True, finetune=2), OWNER)
        wait_for_compression(run_id)
    return run_id


@pytest.fixture
def server_cannot_export(monkeypatch):
    """torch.onnx.export called in this (the server's) process fails the test loudly."""
    def trap(*args, **kwargs):
        raise AssertionError("torch.onnx.export ran in the server process")

    monkeypatch.setattr(torch.onnx, "export", trap)


@pytest.mark.slow  # exports on a worker process (over 10 s)
def test_the_onnx_export_runs_on_a_worker_is_checked_and_int8_says_why_it_has_none(compressed,
                                                                                    server_cannot_export):
    at = open_page(WORKSPACE)
    at.selectbox(key="compress_download_model").set_value("student/prune-50-structured+ft2-teacher")
    at.button(key="compress_prepare_onnx").click().run()
    assert_clean(at)
    job = app_jobs().exports[(compressed, "student/prune-50-structured+ft2-teacher", "onnx")]
    assert at.get("progress") or job.status == "ready"  # the progress while a worker exports it
    wait_for_export(job)
    at.run()
    assert_clean(at)
    assert any("PyTorch on 100.00 % of the" in c.value for c in at.caption), [c.value for c in at.caption]
    assert at.get("download_button")
    assert Path(job.path).is_relative_to(kdlab_home()) and Path(job.path).stat().st_size > 0  # read back on click
    at.selectbox(key="compress_download_model").set_value("student/int8")
    at.button(key="compress_prepare_onnx").click().run()
    wait_for_export(app_jobs().exports[(compressed, "student/int8", "onnx")])
    at.run()
    assert any("has no ONNX export" in w.value for w in at.warning)


def test_another_browser_can_neither_compress_nor_export_the_run(compressed):
    at = open_page(WORKSPACE, browser=STRANGER)
    assert_clean(at)
    assert at.button(key="compress_start").disabled
    captions = [c.value for c in at.caption]
    assert translate("compress.not_yours", "en") in captions
    assert translate("compress.downloads_not_yours", "en") in captions
    assert "compress_download_model" not in [box.key for box in at.selectbox]
    before = app_jobs().store.variants(compressed)
    for owner in (STRANGER, None):
        with pytest.raises(ValueError, match="only that browser can compress it"):
            app_jobs().compress(compressed, CompressRequest(int8=True), owner)
        with pytest.raises(ValueError, match="only that browser can export its models"):
            app_jobs().export(compressed, "student", "onnx", owner)
    assert app_jobs().store.variants(compressed) == before


def test_a_compression_with_other_settings_is_a_new_variant(compressed):
    before = {row["name"]: row for row in app_jobs().store.variants(compressed)}
    app_jobs().compress(compressed, CompressRequest(prune=0.5, structured=True, finetune=1, roles=("student",)),
                        OWNER)
    wait_for_compression(compressed)
    after = {row["name"]: row for row in app_jobs().store.variants(compressed)}
    assert "student/prune-50-structured+ft1-teacher" in after
    assert after["student/prune-50-structured+ft2-teacher"] == before["student/prune-50-structured+ft2-teacher"]


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
    at.session_state["kdlab_browser"] = OWNER
    at.run().switch_page("app_pages/history.py").run()
    ids = list(at.dataframe(key="history_table").value["id"])
    at.session_state["history_table"] = {"selection": {"rows": [ids.index(run_id)], "columns": []}}
    at.run()
    assert_clean(at)
    assert any("distilled student: int8" in frame.value.index for frame in at.dataframe)  # the variants table
    assert at.selectbox(key="history_download_model").options[:2] == ["distilled student", "baseline student"]
    at.session_state["kdlab_selected_run"] = run_id
    at.switch_page("app_pages/compare.py").run()
    assert_clean(at)
    assert any("distilled student: int8" in frame.value.index for frame in at.dataframe)


MEASURED = dict(accuracy=0.9, macro_f1=0.9, agreement=1.0, params=1000, nonzero_params=1000, bytes=4096, flops=2000,
                latency_ms_batch1=0.1, latency_ms_batch64=1.0, threads=1, repeats=3, weight_sparsity=0.0, notes=[],
                steps=[])


@pytest.fixture(scope="module")
def worded_run() -> str:
    """A run whose variants were measured as the issue saw them: unstructured pruning the same size on disk and
    1.9 points worse, int8 14× slower at batch 64 with no measurable change, a rank a hair smaller."""
    store = app_jobs().store
    run_id = store.create(tiny_config().to_dict(), "compress-words", owner=OWNER)
    store.finish(run_id, {"student_acc": 0.9, "teacher_acc": 0.95}, {"student": {"w": torch.zeros(1)}})
    paired = {"paired": {"only_variant": 1, "only_original": 1, "images": 360}}
    store.put_variants(run_id, [
        ("teacher", "teacher", MEASURED, None), ("student", "student", MEASURED, None),
        ("student/prune-50", "student", {**MEASURED, "bytes": 4100, "accuracy": 0.881, "paired": {
            "only_variant": 0, "only_original": 7, "images": 360}}, None),
        ("student/int8", "student", {**MEASURED, "bytes": 1300, "latency_ms_batch64": 14.2, **paired}, None),
        ("student/rank-4", "student", {**MEASURED, "bytes": 4000, "accuracy": 0.903, **paired}, None)])
    return run_id


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_verdict_words_sizes_slowdowns_and_losses_as_a_person_would(worded_run, lang):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ws"] = "compress-words"
    at.query_params["lang"] = lang
    at.session_state["kdlab_browser"] = OWNER
    at.run().switch_page(PAGE).run()
    assert_clean(at)
    verdict = "\n".join(m.value for m in at.markdown).replace("\\", "")
    expected = {"en": ["prune-50: the same size on disk, as fast at batch 64, accuracy 1.9 points below the original's",
                       "p = 0.02", "int8: 3.2× smaller on disk, 14.2× slower at batch 64, the same accuracy as the "
                       "original — no measurable difference", "rank-4: 1.02× smaller on disk", "0.3 points above"],
                "zh": ["文件大小不变", "速度降到原来的 1/14.2", "准确率比原模型低 1.9 个百分点", "1/1.02", "p = 0.02"]}[lang]
    for words in expected:
        assert words in verdict, verdict
    for wrong in ("1.0×", "the speed", "cost", "-1.9", "+0.3", "None", "nan", "NaN"):
        assert wrong not in verdict, (wrong, verdict)
    assert translate("compress.verdict.int8_slow", lang) in [c.value for c in at.caption]


def test_variant_names_and_notes_are_worded_in_chinese_from_the_recorded_steps():
    """The core keeps keys (``student/prune-50-structured+ft3-teacher``, a note's key and values); a Chinese page
    names each variant from its role and steps and words its notes (issue 23)."""
    store = app_jobs().store
    run_id = store.create(tiny_config().to_dict(), "compress-zh-words", owner=OWNER)
    store.finish(run_id, {"student_acc": 0.9, "teacher_acc": 0.95, "per_class_acc": {}},
                 {"student": {"w": torch.zeros(1)}})
    prune = {"step": "prune", "sparsity": 0.5, "structured": True}
    tune = {"step": "finetune", "source": "teacher", "epochs": 3, "lr": 0.01}
    store.put_variants(run_id, [
        ("teacher", "teacher", MEASURED, None), ("student", "student", MEASURED, None),
        ("student/prune-50-structured+ft3-teacher", "student", {**MEASURED, "steps": [prune, tune]}, None),
        ("student/int8", "student", {**MEASURED, "steps": [{"step": "int8"}],
                                     "notes": [{"note": "float_layers", "kind": "LSTM", "count": 1}]}, None)])
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ws"] = "compress-zh-words"
    at.query_params["lang"] = "zh"
    at.session_state["kdlab_browser"] = OWNER
    at.run().switch_page(PAGE).run()
    assert_clean(at)
    table = at.dataframe[0].value
    tuned, int8 = "蒸馏学生，经结构化剪枝 50 % + 向教师微调 3 轮", "蒸馏学生，经整数量化（int8）"
    assert list(table.index) == ["教师", "蒸馏学生", tuned, int8]
    assert list(table[translate("compress.col.notes", "zh")])[-1] == "torchao 没有 LSTM 层的 int8 内核：1 个仍为浮点"
    assert at.selectbox(key="compress_download_model").options == ["蒸馏学生", "基线学生", tuned, int8]
