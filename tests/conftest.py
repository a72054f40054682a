"""Shared fixtures: every test session gets its own KDLAB_HOME, so the teacher cache starts empty and real."""
from __future__ import annotations

import os

import pytest

from kdlab import RunConfig


@pytest.fixture(scope="session", autouse=True)
def kdlab_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("kdlab-home")
    os.environ["KDLAB_HOME"] = str(home)
    return home


def tiny_config(**overrides) -> RunConfig:
    """A digits run that takes about a second on two CPU cores."""
    values = dict(dataset="digits", teacher="cnn-large", student="mlp-small", teacher_epochs=4, epochs=3,
                  batch_size=128, lr=1e-2, log_every=3, train_fraction=1.0)
    values.update(overrides)
    return RunConfig(**values)


def assert_clean(at) -> None:
    """No exception element and no error box on an AppTest page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def open_app_page(page: str, timeout: float = 120, **session):
    """``page`` opened through app.py's navigation in a new AppTest session holding ``session``'s state."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../app.py", default_timeout=timeout)
    for key, value in session.items():
        at.session_state[key] = value
    return at.run().switch_page(page).run()


def app_jobs():
    """The app's own job runner (``ui.common.runner``): the one the AppTest pages in this process use too."""
    from ui.common import runner

    return runner()


def finished_runs(configs: list[RunConfig], workspace: str = "default", deadline_s: float = 120,
                  owner: str | None = None, source: str = "distill") -> list[str]:
    """Train the configs for real through the app's job runner and wait until the store says they are finished.
    ``owner``: the browser key they are recorded under (the one that may delete them); ``source``: the page said
    to have started them."""
    import time

    from kdlab.runs.store import ACTIVE

    jobs = app_jobs()
    ids = [jobs.submit(config, workspace, owner, source) for config in configs]
    deadline = time.monotonic() + deadline_s
    while any(jobs.store.get(i).status in ACTIVE for i in ids):
        assert time.monotonic() < deadline, f"the runs did not finish in {deadline_s} s"
        time.sleep(0.2)
    assert [jobs.store.get(i).status for i in ids] == ["finished"] * len(ids), [jobs.store.get(i).error for i in ids]
    return ids


def finished_run(config: RunConfig, workspace: str = "default", deadline_s: float = 120) -> str:
    return finished_runs([config], workspace, deadline_s)[0]


def wait_for_teachers(deadline_s: float = 300) -> None:
    """Wait until no teacher job of the app's job runner is queued or running (a page asked a worker process to
    train a teacher it needs, and will draw itself once it is cached)."""
    import time

    jobs = app_jobs()
    deadline = time.monotonic() + deadline_s
    while any(job.status in ("queued", "running") for job in list(jobs.teachers.values())):
        assert time.monotonic() < deadline, f"the teacher jobs did not finish in {deadline_s} s"
        time.sleep(0.2)
    assert not [job.error for job in jobs.teachers.values() if job.status == "failed"]
