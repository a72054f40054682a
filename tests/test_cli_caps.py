"""Caps belong to the server: the app and what it starts obey them; the command line, on the user's own machine,
only where kdlab.toml opts in (``cli_caps = true``)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kdlab.cli import build_parser, main
from kdlab.cli.args import config_from_args
from kdlab.runs.store import RunStore
from kdlab.config import RunConfig
from kdlab.policy.admission import admit
from kdlab.serve.jobs import JobRunner
from kdlab.policy.settings import ServerSettings

REPO = Path(__file__).resolve().parent.parent
TINY = ["distill", "--dataset", "moons", "--dataset-kw", "n=64", "--teacher", "mlp-small", "--student", "mlp-small",
        "--teacher-epochs", "1", "--train-limit", "32", "--batch-size", "32", "--no-baseline", "--no-record"]


@pytest.mark.slow  # 400 epochs in a subprocess
def test_the_command_line_is_not_held_to_the_servers_caps_or_its_time_limit(tmp_path):
    env = {**os.environ, "KDLAB_CONFIG": str(tmp_path / "no-such-kdlab.toml"), "KDLAB_MAX_RUN_SECONDS": "1"}
    done = subprocess.run([sys.executable, "-m", "kdlab", *TINY, "--epochs", "400"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "epoch 400 100%" in done.stderr


def test_the_same_run_through_the_app_is_refused_naming_max_epochs(tmp_path, monkeypatch):
    monkeypatch.setenv("KDLAB_CONFIG", str(tmp_path / "no-such-kdlab.toml"))
    config = config_from_args(build_parser().parse_args([*TINY, "--epochs", "400"]))  # the CLI admits it
    assert config.epochs == 400
    jobs = JobRunner(RunStore(tmp_path / "runs.sqlite"), ServerSettings.load())
    try:
        with pytest.raises(ValueError, match=r"epochs is capped at 200 on this server \(max_epochs in kdlab.toml "
                                             r"or KDLAB_MAX_EPOCHS\), got 400"):
            jobs.submit(config, "caps")
    finally:
        jobs.close()
    assert RunStore(tmp_path / "runs.sqlite").list() == []


def test_kdlab_toml_may_hold_the_command_line_to_the_caps(tmp_path, monkeypatch, capsys):
    path = tmp_path / "kdlab.toml"
    path.write_text("[server]\ncli_caps = true\nmax_epochs = 5\n")
    monkeypatch.setenv("KDLAB_CONFIG", str(path))
    assert main([*TINY, "--epochs", "6"]) == 2
    assert "epochs is capped at 5 on this server (max_epochs in kdlab.toml or KDLAB_MAX_EPOCHS)" in \
        capsys.readouterr().err


def test_without_the_opt_in_the_command_line_has_no_caps(tmp_path, monkeypatch):
    path = tmp_path / "kdlab.toml"
    path.write_text("[server]\nmax_epochs = 5\nmax_batch_size = 8\ndevices = [\"cpu\"]\n")
    settings = ServerSettings.for_cli(path)
    assert settings.max_epochs == 100_000 and settings.max_batch_size == 2**53 - 1 and "cuda" in settings.devices
    assert ServerSettings.load(path).max_epochs == 5  # the app's
    assert admit(RunConfig(), settings).config.train_limit is None  # nothing cut: not a huge number recorded
    monkeypatch.setenv("KDLAB_CLI_CAPS", "yes")
    assert ServerSettings.for_cli(path) == ServerSettings.load(path)
    with pytest.raises(ValueError, match="cli_caps .from KDLAB_CLI_CAPS. is true or false"):
        ServerSettings.parse({"cli_caps": "maybe"}, {"cli_caps": "from KDLAB_CLI_CAPS"})
