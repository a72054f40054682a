"""A classroom server that survives hostile and careless use (issue 9): every case that once took the server,
stopped another student's run or printed a traceback, kept fixed. The pages are driven by AppTest on the real app
(its real job runner and worker processes), the command line in subprocesses."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kdlab import RunConfig
from kdlab.runs.exchange import import_run
from kdlab.runs.store import ACTIVE, RunStore
from kdlab.policy.admission import admit
from kdlab.serve.jobs import JobRunner
from kdlab.policy.settings import ServerSettings

from .conftest import app_jobs, assert_clean, finished_run, tiny_config

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

REPO = Path(__file__).resolve().parent.parent
ME, OTHER = "a" * 32, "b" * 32  # two browsers' keys (their cookies)
APP = "../app.py"


def page(path: str, browser: str = ME, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["kdlab_browser"] = browser
    for key, value in query.items():
        at.query_params[key] = value
    return at.run().switch_page(path).run()


def wait_until_ended(run_id: str, store: RunStore | None = None, deadline_s: float = 120) -> str:
    store = store or RunStore()
    deadline = time.monotonic() + deadline_s
    while store.get(run_id).status in ACTIVE:
        assert time.monotonic() < deadline, f"run {run_id} did not end"
        time.sleep(0.2)
    return store.get(run_id).status


# 1. an import is held to the server's caps, and its teacher never trains in the server


def test_an_import_beyond_the_caps_is_refused_and_writes_nothing():
    run_id = finished_run(tiny_config(), "classroom-export")
    store = RunStore()
    config = {**store.get(run_id).config, "teacher_epochs": 100_000}
    at = AppTest.from_file("../app_pages/history.py", default_timeout=120)
    at.query_params["ws"] = "classroom-import"
    at.run()
    at.file_uploader(key="history_import_config").set_value(("c.json", json.dumps(config).encode(), "application/json"))
    weights = store.weights_bytes(run_id)
    at.file_uploader(key="history_import_weights").set_value(("w.pt", weights, "application/octet-stream"))
    at.button(key="history_import").click().run()
    assert not at.exception
    assert any("teacher's epochs is capped at" in e.value for e in at.error), [e.value for e in at.error]
    assert store.list("classroom-import") == []
    assert not [job for job in app_jobs().teachers.values() if job.status in ("queued", "running")]


# 2. only the browser that started a run may stop or delete it


def test_a_shared_run_link_shows_no_stop_to_another_browser_and_stop_is_refused():
    jobs = app_jobs()
    run_id = jobs.submit(tiny_config(epochs=200, batch_size=32), "classroom-stop", ME)
    try:
        other = page("app_pages/distill.py", OTHER, run=run_id)
        assert_clean(other)
        assert not [b for b in other.button if b.key == f"live_stop_{run_id}"]
        with pytest.raises(ValueError, match="another browser"):
            jobs.stop(run_id, OTHER)
        mine = page("app_pages/distill.py", ME, run=run_id)
        assert [b for b in mine.button if b.key == f"live_stop_{run_id}"]
    finally:
        jobs.stop(run_id, ME)
    assert wait_until_ended(run_id) == "cancelled"


# 3. an upload may not point the server at a folder or make it download; 9. nor be large


def test_an_upload_that_sets_data_root_or_download_is_refused_and_changes_nothing(tmp_path):
    at = page("app_pages/distill.py")
    upload = {"dataset": "mnist", "data_root": str(tmp_path / "elsewhere"), "download": True}
    at.get("file_uploader")[0].set_value(("evil.json", json.dumps(upload).encode(), "application/json")).run()
    assert not at.exception
    assert any("may not set data_root" in e.value for e in at.error), [e.value for e in at.error]
    assert at.selectbox(key="distill_dataset").value == "digits"
    assert not (tmp_path / "elsewhere").exists()


def test_a_config_upload_over_its_size_is_refused_before_it_is_parsed():
    at = page("app_pages/distill.py")
    big = b'{"temperature": 8, "pad": "' + b"x" * 300_000 + b'"}'
    at.get("file_uploader")[0].set_value(("big.json", big, "application/json")).run()
    assert any("a run's config is a few KiB" in e.value for e in at.error)
    assert at.slider(key="distill_temperature").value == 4.0


def test_deeply_nested_json_is_one_clear_message():
    at = page("app_pages/distill.py")
    at.get("file_uploader")[0].set_value(("deep.json", b"[" * 100_000, "application/json")).run()
    assert not at.exception
    assert any("nested too deeply" in e.value for e in at.error)


def test_a_weights_file_that_unpacks_beyond_the_declared_student_is_refused_unread():
    config = tiny_config().to_dict()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bomb:  # 600 MB of zeros in a few hundred KB
        bomb.writestr("archive/data/0", b"\0" * 600_000_000)
    with pytest.raises(ValueError, match="compressed entries"):
        import_run(RunStore(), config, archive.getvalue(), "classroom-bomb")
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as big:  # uncompressed but far larger than mlp-small
        big.writestr("archive/data/0", b"\0" * 5_000_000)
    with pytest.raises(ValueError, match="more than the declared student"):
        import_run(RunStore(), config, stored.getvalue(), "classroom-bomb")
    assert RunStore().list("classroom-bomb") == []


# 4. one browser cannot fill the server


@pytest.mark.parametrize("change, message", [
    (dict(student="mlp-small", student_kw={"hidden": 4_000, "depth": 3}), "student's parameter count is capped"),
    (dict(student="mlp-small", student_kw={"hidden": 40_000, "depth": 3}), "student_kw.hidden is capped"),
    (dict(dataset="moons", teacher="mlp-large", student="mlp-small", dataset_kw={"n": 2_000_000}),
     "dataset_kw.n is capped"),
    (dict(batch_size=100_000), "batch_size is capped"),
    (dict(student="mlp", student_kw={"depth": 1_000_000}), "student_kw.depth is capped"),  # not a million layers
    (dict(epochs=10_000), "epochs is capped"),
    (dict(dataset="reviews", teacher="transformer-small", student="transformer-tiny",
          dataset_kw={"seq_len": 100_000}), "dataset_kw.seq_len is capped"),
])
def test_a_run_beyond_a_cap_is_refused_before_anything_is_built(change, message):
    with pytest.raises(ValueError, match=message):
        admit(RunConfig(**change), ServerSettings())


def test_a_browser_may_queue_only_so_many_runs_and_the_queue_has_an_end(tmp_path):
    settings = ServerSettings(max_concurrent_runs=1, max_queued_runs=2, max_runs_per_browser=2)
    jobs = JobRunner(RunStore(tmp_path / "runs.sqlite"), settings)
    long = tiny_config(epochs=200, batch_size=32)
    try:
        first = jobs.submit(long, "q", ME)
        deadline = time.monotonic() + 60  # the first run has the one training slot: only the next ones wait
        while jobs.store.get(first).status != "running":
            assert time.monotonic() < deadline, jobs.store.get(first).status
            time.sleep(0.05)
        second = jobs.submit(long, "q", ME)
        with pytest.raises(ValueError, match="already has 2 runs"):
            jobs.submit(long, "q", ME)
        third = jobs.submit(long, "q", OTHER)
        with pytest.raises(ValueError, match="the queue is full"):
            jobs.submit(long, "q", "c" * 32)
        for run_id, owner in ((third, OTHER), (second, ME), (first, ME)):
            jobs.stop(run_id, owner)
        for run_id in (first, second, third):
            assert wait_until_ended(run_id, jobs.store) == "cancelled"
    finally:
        jobs.close()


def test_the_quick_demo_is_disabled_while_its_run_trains():
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["kdlab_browser"] = "d" * 32
    at.run()
    at.button(key="home_demo").click().run()
    assert_clean(at)
    assert at.button(key="home_demo").disabled
    run_id = at.session_state["kdlab_runs"][-1]
    app_jobs().stop(run_id, "d" * 32)
    wait_until_ended(run_id)


def test_a_run_past_the_wall_time_limit_ends_failed_saying_so(tmp_path):
    jobs = JobRunner(RunStore(tmp_path / "runs.sqlite"), ServerSettings(max_run_seconds=2))
    try:
        run_id = jobs.submit(tiny_config(epochs=200, batch_size=32), "slow", ME)
        assert wait_until_ended(run_id, jobs.store) == "failed"
        assert "longer than this server's limit of 2 s" in jobs.store.get(run_id).error
    finally:
        jobs.close()


# 6. user text from a URL is never Markdown, and never echoed at length


def test_a_run_id_in_a_link_that_is_not_one_is_ignored_not_echoed():
    at = page("app_pages/distill.py", run="[see solutions](http://evil.example)" + "x" * 100_000)
    assert_clean(at)
    shown = " ".join(e.value for e in (*at.markdown, *at.info, *at.warning, *at.caption))
    assert "evil.example" not in shown and "x" * 300 not in shown


# 7. one clear message instead of a traceback


def cli(*args: str, home: Path | str, stdin_closed_early: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "KDLAB_HOME": str(home), "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "kdlab", *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)


def one_error_line(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("kdlab: error: ") and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr and all(w in done.stderr for w in words), done.stderr


def test_a_kdlab_home_that_is_a_file_is_one_line_on_the_cli(tmp_path):
    home = tmp_path / "home"
    home.write_text("not a folder")
    one_error_line(cli("runs", "list", home=home), "KDLAB_HOME", "cannot be used", "not a system folder or a file")


def test_a_damaged_run_store_is_one_line_on_the_cli(tmp_path):
    (tmp_path / "runs.sqlite").write_bytes(b"this is not a database" * 100)
    one_error_line(cli("runs", "list", home=tmp_path), "runs.sqlite", "not a database")
    one_error_line(cli("distill", "--epochs", "1", "--teacher-epochs", "1", home=tmp_path), "not a database")


def test_bad_dataset_knobs_and_nested_json_are_one_line_on_the_cli(tmp_path):
    one_error_line(cli("distill", "--dataset", "moons", "--teacher", "mlp-large", "--student", "mlp-small",
                       "--dataset-kw", "n=-5", home=tmp_path), "n", "whole number >= 1")
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 100_000)
    one_error_line(cli("runs", "import", "--config", str(nested), "--weights", str(nested), home=tmp_path),
                   "nested too deeply")


def test_runs_list_into_a_pipe_closed_early_prints_no_traceback(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    for i in range(3000):
        store.create({"dataset": "digits", "teacher": "cnn-large", "student": "mlp-small"}, "pipe", source="cli",
                     status="failed")
    env = {**os.environ, "KDLAB_HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    done = subprocess.run(f"{sys.executable} -m kdlab runs list | head -3", shell=True, cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert len(done.stdout.splitlines()) == 3
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


@pytest.fixture
def broken_store_app(tmp_path, monkeypatch):
    """The app started on a KDLAB_HOME whose runs.sqlite is damaged: a fresh job runner for this test only."""
    (tmp_path / "runs.sqlite").write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("KDLAB_HOME", str(tmp_path))
    from ui.common import runner

    st.cache_resource.clear()
    yield
    runner().close()
    monkeypatch.undo()
    st.cache_resource.clear()


def test_a_damaged_store_is_one_message_in_the_app_and_the_home_page_still_draws(broken_store_app):
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert len(at.error) == 1 and "cannot be used" in at.error[0].value and "runs.sqlite" in at.error[0].value
    assert at.latex, "the home page's loss formula is still drawn"
    assert at.button(key="home_demo").disabled
    at.switch_page("app_pages/history.py").run()
    assert not at.exception and len(at.error) == 1


# 8. a model knob is checked before Run


def test_a_model_knob_that_cannot_build_the_model_disables_run_with_its_reason():
    at = page("app_pages/distill.py")
    at.text_input(key="distill_student_kw").set_value("hidden=abc").run()
    assert not at.exception
    assert at.button(key="distill_run").disabled
    assert any("hidden" in e.value and "must be a number" in e.value for e in at.error)


# 10. a server that dies leaves its runs interrupted


def test_a_server_killed_mid_run_leaves_its_run_interrupted(tmp_path):
    server = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(REPO)!r})
        from kdlab import RunConfig
        from kdlab.runs.store import RunStore
        from kdlab.serve.jobs import JobRunner
        jobs = JobRunner(RunStore({str(tmp_path / "runs.sqlite")!r}))
        config = RunConfig(teacher="mlp-small", teacher_epochs=1, epochs=200, batch_size=16)
        run_id = jobs.submit(config, "kill", "{ME}")
        print(run_id, flush=True)
        time.sleep(600)
    """)
    process = subprocess.Popen([sys.executable, "-c", server], stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "KDLAB_HOME": str(tmp_path)})
    store = RunStore(tmp_path / "runs.sqlite")
    try:
        run_id = process.stdout.readline().strip()
        deadline = time.monotonic() + 120
        while not (store.get(run_id).status == "running" and store.events(run_id)):
            assert time.monotonic() < deadline, "the run never started"
            time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert wait_until_ended(run_id, store) == "interrupted"
    assert "server stopped" in store.get(run_id).error


def test_workers_find_kdlab_whatever_folder_the_server_was_started_in(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # `streamlit run /path/to/app.py` from elsewhere
    jobs = JobRunner(RunStore(tmp_path / "runs.sqlite"))
    try:
        run_id = jobs.submit(tiny_config(), "elsewhere", ME)
        assert wait_until_ended(run_id, jobs.store) == "finished", jobs.store.get(run_id).error
    finally:
        jobs.close()


def test_a_run_imported_in_the_app_belongs_to_the_browser_that_imported_it():
    run_id = finished_run(tiny_config(), "classroom-owner-export")
    store = RunStore()
    imported = import_run(store, store.get(run_id).config, store.weights_bytes(run_id), "classroom-owner", owner=ME)
    assert store.get(imported).owner == ME
    with pytest.raises(ValueError, match="another browser"):
        app_jobs().delete(imported, OTHER)
    app_jobs().delete(imported, ME)
    assert store.list("classroom-owner") == []
