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
                  batch_size=128, lr=1e-2, log_every=3)
    values.update(overrides)
    return RunConfig(**values)


def assert_clean(at) -> None:
    """No exception element and no error box on an AppTest page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def finished_run(runner, config: RunConfig, workspace: str = "default", deadline_s: float = 120) -> str:
    """Submit through the app's job runner and wait until the run has finished."""
    import time

    from kdlab.store import ACTIVE

    run_id = runner.submit(config, workspace)
    deadline = time.monotonic() + deadline_s
    while runner.store.get(run_id).status in ACTIVE:
        assert time.monotonic() < deadline, f"the run did not finish in {deadline_s} s"
        time.sleep(0.2)
    assert runner.store.get(run_id).status == "finished", runner.store.get(run_id).error
    return run_id
