"""Server settings: defaults for one laptop, a TOML file, environment overrides, and clear refusals."""
from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest

from kdlab import RunConfig
from kdlab.serve.admission import admit
from kdlab.serve.settings import ServerSettings


def test_defaults_suit_one_laptop(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = ServerSettings.load()
    assert settings == ServerSettings() and settings.max_concurrent_runs == 2


def test_file_then_environment(tmp_path, monkeypatch):
    config = tmp_path / "kdlab.toml"
    config.write_text('[server]\nmax_concurrent_runs = 6\nmax_epochs = 50\ndevices = ["auto", "cpu"]\n')
    monkeypatch.setenv("KDLAB_MAX_EPOCHS", "30")
    settings = ServerSettings.load(config)
    assert (settings.max_concurrent_runs, settings.max_epochs, settings.devices) == (6, 30, ("auto", "cpu"))


@pytest.mark.parametrize("values, message", [
    ({"max_epochs": "many"}, "max_epochs must be an integer"),
    ({"max_concurrent_runs": 0}, "max_concurrent_runs must be >= 1"),
    ({"devices": ["tpu"]}, "devices takes some of"),
    ({"workers": 3}, "unknown server setting"),
])
def test_bad_settings_are_named(values, message):
    with pytest.raises(ValueError, match=message):
        ServerSettings.parse(values)


def test_a_broken_toml_file_is_named(tmp_path):
    path = tmp_path / "kdlab.toml"
    path.write_text("[server\n")
    with pytest.raises(ValueError, match="not a readable TOML file"):
        ServerSettings.load(path)


def test_runs_beyond_the_caps_are_refused_or_trimmed():
    settings = ServerSettings(max_epochs=10, max_train_samples=100, devices=("auto", "cpu"))
    with pytest.raises(ValueError, match="epochs is capped at 10"):
        admit(RunConfig(epochs=11, teacher_epochs=5), settings)
    with pytest.raises(ValueError, match="not offered"):
        admit(RunConfig(device="cuda", epochs=5, teacher_epochs=5), settings)
    assert admit(RunConfig(epochs=5, teacher_epochs=5), settings).config.train_limit == 100
    assert admit(RunConfig(epochs=5, teacher_epochs=5, train_limit=40), settings).config.train_limit == 40
    small = ServerSettings(max_model_params=200_000)  # cnn-small fits, mlp-large (563,722) does not
    with pytest.raises(ValueError, match="teacher 'mlp-large'.s parameter count is capped at 200,000"):
        admit(RunConfig(teacher="cnn-small", extra_teachers=("mlp-large",)), small)


def test_the_readme_lists_every_setting_with_its_default():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("[server]", 1)[1].split("```", 1)[0]
    listed = dict(line.split("#")[0].split("=", 1) for line in block.strip().splitlines())
    listed = {name.strip(): value.strip() for name, value in listed.items()}
    for field in fields(ServerSettings):
        default = getattr(ServerSettings(), field.name)
        shown = json.dumps(list(default)) if isinstance(default, tuple) else str(default)
        assert listed.get(field.name) == shown, (field.name, listed.get(field.name), shown)
