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
