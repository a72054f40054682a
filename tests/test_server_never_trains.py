"""The app server only reads. With an empty teacher cache, opening every page, re-opening a run and importing one
never builds an optimizer or calls the trainer in the server's process: each page asks the job queue for the
teacher it needs, shows the progress while a worker process trains it, then draws from the cache."""
from __future__ import annotations

import json
import shutil

import pytest
import streamlit as st
import torch
from streamlit.testing.v1 import AppTest

import kdlab.fit
import kdlab.train
from kdlab.data import kdlab_home
from kdlab.runs.store import RunStore
from kdlab.teachers import teacher_path

from .conftest import assert_clean, finished_run, tiny_config, wait_for_teachers

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

APP = "../app.py"
PAGES = ("app_pages/temperature.py", "app_pages/distill.py", "app_pages/attention.py", "app_pages/compare.py",
         "app_pages/compress.py", "app_pages/lessons.py", "app_pages/history.py", "app_pages/methods.py",
         "app_pages/sweep.py")
CONFIG = tiny_config(seed=5)  # a teacher no other test trains


@pytest.fixture
def server_cannot_train(monkeypatch):
    """Any optimizer built, or the trainer called, in this (the server's) process fails the test loudly."""
    def refuse(what):
        def trap(*args, **kwargs):
            raise AssertionError(f"{what} in the server process")
        return trap

    monkeypatch.setattr(torch.optim.Optimizer, "__init__", refuse("an optimizer was built"))
    for name in ("fit", "run_distillation", "prepare_teacher", "obtain_teacher"):
        monkeypatch.setattr(kdlab.train, name, refuse(f"kdlab.train.{name} ran"), raising=False)
    monkeypatch.setattr(kdlab.fit, "fit", refuse("kdlab.fit.fit ran"))


def empty_teacher_cache() -> None:
    shutil.rmtree(kdlab_home() / "teachers", ignore_errors=True)
    st.cache_resource.clear()  # models the server read before


def drawn(at: AppTest) -> AppTest:
    """Rerun a page that waited for a teacher once the worker has cached it; the page must then draw cleanly."""
    assert_clean(at)
    wait_for_teachers()
    at.run()
    assert_clean(at)
    return at


def test_the_guard_catches_an_optimizer_built_here(server_cannot_train):
    with pytest.raises(AssertionError, match="optimizer"):
        torch.optim.AdamW([torch.zeros(1, requires_grad=True)])


@pytest.mark.slow  # trains teachers in worker processes (over 10 s)
def test_every_page_and_a_reopened_run_wait_for_a_worker_to_train_the_teacher(server_cannot_train):
    run_id = finished_run(CONFIG, "never-trains")  # trained by a worker process, like every run
    empty_teacher_cache()
    assert not teacher_path(CONFIG).exists()
    for page in PAGES:
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["ws"] = "never-trains"
        at.query_params["run"] = run_id
        at.run().switch_page(page).run()
        drawn(at)
    assert teacher_path(CONFIG).exists()  # a worker trained it again; this process only read it


@pytest.mark.slow  # trains teachers in worker processes (over 10 s)
def test_the_temperature_page_shows_the_teachers_progress_first(server_cannot_train):
    empty_teacher_cache()
    at = AppTest.from_file(APP, default_timeout=120).run().switch_page("app_pages/temperature.py").run()
    assert_clean(at)
    assert at.get("progress"), "the page should show the teacher's progress while a worker trains it"
    assert not at.metric  # nothing drawn from a teacher that is not there yet
    drawn(at)
    assert at.metric


@pytest.mark.slow  # trains teachers in worker processes (over 10 s)
def test_an_import_whose_teacher_is_not_cached_finishes_after_a_worker_trained_it(server_cannot_train):
    run_id = finished_run(CONFIG, "never-trains-export")
    store = RunStore()
    config_json, weights = json.dumps(store.get(run_id).config).encode(), store.weights_bytes(run_id)
    empty_teacher_cache()
    at = AppTest.from_file("../app_pages/history.py", default_timeout=120)
    at.query_params["ws"] = "never-trains-import"
    at.run()
    at.file_uploader(key="history_import_config").set_value(("config.json", config_json, "application/json"))
    at.file_uploader(key="history_import_weights").set_value(("weights.pt", weights, "application/octet-stream"))
    at.button(key="history_import").click().run()
    assert store.list("never-trains-import") == []  # nothing written before the teacher exists
    drawn(at)
    (imported,) = store.list("never-trains-import")
    assert imported.status == "finished"
    assert imported.summary["student_acc"] == pytest.approx(store.get(run_id).summary["student_acc"])
