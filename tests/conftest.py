"""Shared fixtures and helpers.

Each test runs on a KDLAB_HOME of its own (``kdlab_home``, a fresh folder per test), so a run store, uploads, exports
and stop files never carry from one test into the next: a bare ``RunStore()`` in a test is that test's own store.
The teacher cache and the data folder are the exception: in every home they are links to one folder shared by the
whole session, because a cached teacher is written once and only read afterwards (its key is everything that shapes
its weights), and training it again for each test would multiply the suite's time.

One thing outlives a test on purpose: the app's job runner (``ui.common.runner``, one per process through
``st.cache_resource``). It opens its run store once, and its worker processes keep the KDLAB_HOME they were started
with (uploads, teachers). Starting a runner per test would start its workers per test, so the tests that drive the
app (AppTest pages, ``finished_runs``, ``app_jobs``) and the tests that read what a module-scoped fixture recorded
are marked ``shared_home``: they run on the session's home, the runner's, and find their runs by id, never by
scanning the store for a recognisable value. Module-scoped fixtures run on that home too (pytest sets up wider
scopes first), so the runner is always started there."""
from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

from kdlab import RunConfig

SHARED = ("teachers", "data")  # written once, then only read: one copy for the session, linked into every home
SHARED_HOME = "kdlab-home"  # the session's home folder, as tmp_path_factory names it ("kdlab-home0")


@pytest.fixture(scope="session", autouse=True)
def shared_home(tmp_path_factory) -> Path:
    """The session's KDLAB_HOME: the app's job runner, module-scoped fixtures and tests marked ``shared_home``."""
    home = tmp_path_factory.mktemp(SHARED_HOME)
    for name in SHARED:
        (home / name).mkdir()
    os.environ["KDLAB_HOME"] = str(home)
    os.environ["KDLAB_WARM_TEACHERS"] = "none"  # an app started by a test trains only what the test asks for
    return home


@pytest.fixture(scope="session", autouse=True)
def component_scan_once():
    """Each new AppTest scans every installed distribution's metadata for Streamlit components (0.3 to 0.7 s of CPU
    here, hundreds of times a session); the installed packages do not change during a session, so the real scan
    runs once and its result is reused."""
    from streamlit.components.v2 import manifest_scanner

    real = manifest_scanner.scan_component_manifests
    manifest_scanner.scan_component_manifests = functools.cache(real)
    yield
    manifest_scanner.scan_component_manifests = real


@pytest.fixture(autouse=True)
def kdlab_home(request, shared_home, tmp_path_factory) -> Path:
    """This test's KDLAB_HOME: a fresh folder whose teacher cache and data are the session's; the session's home
    itself for a test marked ``shared_home``."""
    if request.node.get_closest_marker("shared_home"):
        yield shared_home
        return
    home = tmp_path_factory.mktemp("home")
    for name in SHARED:
        (shared_home / name).mkdir(exist_ok=True)  # a test may have emptied the cache by removing the folder
        (home / name).symlink_to(shared_home / name, target_is_directory=True)
    os.environ["KDLAB_HOME"] = str(home)
    try:
        yield home
    finally:
        os.environ["KDLAB_HOME"] = str(shared_home)


def on_shared_home() -> None:
    """The app's job runner and pages are the session's: a test that drives them must be marked ``shared_home``."""
    assert Path(os.environ["KDLAB_HOME"]).name.startswith(SHARED_HOME), \
        "a test that drives the app's job runner must be marked shared_home (see tests/conftest.py)"


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

    on_shared_home()
    at = AppTest.from_file("../app.py", default_timeout=timeout)
    for key, value in session.items():
        at.session_state[key] = value
    return at.run().switch_page(page).run()


def app_jobs():
    """The app's own job runner (``ui.common.runner``): the one the AppTest pages in this process use too."""
    from ui.common import runner

    on_shared_home()
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
