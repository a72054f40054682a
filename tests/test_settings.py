"""Server settings: defaults for one laptop, a TOML file, environment overrides, and clear refusals."""
from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest

from kdlab import RunConfig
from kdlab.policy.admission import admit
from kdlab.policy.settings import ServerSettings


def test_defaults_suit_one_laptop(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KDLAB_WARM_TEACHERS")  # set by conftest: an app a test starts warms no teacher
    settings = ServerSettings.load()
    assert settings == ServerSettings() and settings.max_concurrent_runs == 2


def test_the_warm_up_and_the_instructor_key_are_checked_like_every_setting():
    settings = ServerSettings.parse({"warm_teachers": "pages", "instructor_key": "s3cret-key"})
    assert (settings.warm_teachers, settings.instructor_key) == ("pages", "s3cret-key")
    assert "s3cret-key" not in repr(settings)  # a settings object printed in a log never shows the key
    with pytest.raises(ValueError, match=r"warm_teachers \(from KDLAB_WARM_TEACHERS\) is one of none, pages, lessons"):
        ServerSettings.parse({"warm_teachers": "all"}, {"warm_teachers": "from KDLAB_WARM_TEACHERS"})
    for bad in ("short", "has a space", 12345678, "tab\there!"):
        with pytest.raises(ValueError, match="instructor_key must be 8 to 200 printable characters") as caught:
            ServerSettings.parse({"instructor_key": bad})
        assert str(bad) not in str(caught.value)  # the message never repeats a key


def test_file_then_environment(tmp_path, monkeypatch):
    config = tmp_path / "kdlab.toml"
    config.write_text('[server]\nmax_concurrent_runs = 6\nmax_epochs = 50\ndevices = ["auto", "cpu"]\n')
    monkeypatch.setenv("KDLAB_MAX_EPOCHS", "30")
    settings = ServerSettings.load(config)
    assert (settings.max_concurrent_runs, settings.max_epochs, settings.devices) == (6, 30, ("auto", "cpu"))


@pytest.mark.parametrize("values, message", [
    ({"max_epochs": "many"}, r"max_epochs must be a whole number from 1 to 100,000, got 'many'"),
    ({"max_concurrent_runs": 0}, r"max_concurrent_runs must be a whole number from 1 to 256, got 0"),
    ({"devices": ["tpu"]}, "devices takes a list of some of"),
    ({"workers": 3}, "not a setting this server knows: workers"),
])
def test_bad_settings_are_named(values, message):
    with pytest.raises(ValueError, match=message):
        ServerSettings.parse(values)


@pytest.mark.parametrize("line, shown", [
    ("max_epochs = 2.7", "2.7"),  # never cut to 2
    ("max_epochs = true", "True"),  # never read as 1
    ("max_epochs = inf", "inf"),
    ("max_epochs = nan", "nan"),
    ("max_epochs = 100001", "100001"),
    ('max_epochs = "ten"', "'ten'"),
    ("max_batch_size = 9007199254740992", "9007199254740992"),  # 2**53: past what a browser holds exactly
    ("max_concurrent_runs = 1000000", "1000000"),  # one slot per run: a million would never start
    ("max_epochs = [3]", "[3]"),
])
def test_every_whole_number_setting_is_checked_in_the_file_and_named_with_it(tmp_path, line, shown):
    path = tmp_path / "kdlab.toml"
    path.write_text(f"[server]\n{line}\n")
    name = line.split(" =")[0]
    with pytest.raises(ValueError) as refused:
        ServerSettings.load(path)
    message = str(refused.value)
    assert message.startswith(f"server setting {name} (in {path}) must be a whole number from 1 to ")
    assert message.endswith(f", got {shown}")


@pytest.mark.parametrize("variable, value", [("KDLAB_MAX_EPOCHS", "1e20"), ("KDLAB_MAX_EPOCHS", "2.7"),
                                             ("KDLAB_MAX_EPOCHS", "true"), ("KDLAB_MAX_UPLOAD_MB", "-1")])
def test_a_variable_is_checked_and_named_too(tmp_path, monkeypatch, variable, value):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=rf"\(from {variable}\) must be a whole number .*, got '{value}'"):
        ServerSettings.load()


@pytest.mark.parametrize("text, message", [
    ("[server]\ndevices = [1, 2]\n", r"devices \(in .*\) takes a list of some of .*, got \[1, 2\]"),
    ('[server]\ndevices = "cpu"\n', r"devices \(in .*\) takes a list of some of .*, got 'cpu'"),
    ("[server]\ndevices = []\n", r"devices \(in .*\) takes a list"),
    ("server = 5\n", r"server in .* must be a table"),
    ("[server]\nworkers = 3\n", r"not a setting this server knows: workers \(in .*kdlab.toml\)"),
])
def test_devices_and_the_table_itself_are_checked(tmp_path, text, message):
    path = tmp_path / "kdlab.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        ServerSettings.load(path)


def test_whole_floats_and_the_ceilings_themselves_are_accepted(tmp_path):
    path = tmp_path / "kdlab.toml"
    path.write_text("[server]\nmax_epochs = 100000\nmax_batch_size = 9007199254740991\nmax_run_seconds = 60.0\n")
    settings = ServerSettings.load(path)
    assert (settings.max_epochs, settings.max_batch_size, settings.max_run_seconds) == (100_000, 2**53 - 1, 60)
    assert isinstance(settings.max_run_seconds, int)


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
        shown = json.dumps(list(default) if isinstance(default, tuple) else default) \
            if isinstance(default, (tuple, bool)) else str(default)
        assert listed.get(field.name) == shown, (field.name, listed.get(field.name), shown)


@pytest.fixture
def broken_settings(tmp_path, monkeypatch):
    """The app started with a kdlab.toml whose max_epochs is inf: a fresh (never cached) job runner for this test."""
    import streamlit as st

    path = tmp_path / "kdlab.toml"
    path.write_text("[server]\nmax_epochs = inf\n")
    monkeypatch.setenv("KDLAB_CONFIG", str(path))
    st.cache_resource.clear()
    yield path
    monkeypatch.undo()
    st.cache_resource.clear()


@pytest.mark.parametrize("page", [None, "app_pages/distill.py", "app_pages/compare.py"])
def test_a_broken_kdlab_toml_is_one_sentence_on_every_page(broken_settings, page):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../app.py", default_timeout=120).run()
    if page:
        at = at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1, [e.value for e in at.error]
    assert "settings are not right" in at.error[0].value and "max_epochs" in at.error[0].value
    assert str(broken_settings.name) in at.error[0].value


CLI_CASES = {
    "inf": ("[server]\nmax_epochs = inf\n", {}, "server setting max_epochs (in {path}) must be a whole number"),
    "not a table": ("server = 5\n", {}, "server in {path} must be a table"),
    "devices": ('[server]\ndevices = [1, 2]\n', {}, "server setting devices (in {path}) takes a list"),
    "1e20": ("", {"KDLAB_MAX_EPOCHS": "1e20"}, "server setting max_epochs (from KDLAB_MAX_EPOCHS) must be a whole"),
}


@pytest.mark.parametrize("case", CLI_CASES, ids=list(CLI_CASES))
def test_a_broken_setting_is_one_line_and_exit_2_on_the_cli(tmp_path, case):
    import os
    import subprocess
    import sys

    text, variables, message = CLI_CASES[case]
    path = tmp_path / "kdlab.toml"
    path.write_text(text)
    env = {**os.environ, "KDLAB_CONFIG": str(path), **variables}
    done = subprocess.run([sys.executable, "-m", "kdlab", "distill", "--epochs", "1", "--no-record"],
                          cwd=Path(__file__).resolve().parent.parent, env=env, capture_output=True, text=True,
                          timeout=120)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert lines[0].startswith(f"kdlab: error: {message.format(path=path)}")


def test_an_upload_kept_from_before_the_class_cap_is_refused_at_admission():
    from kdlab.data.uploads import UploadLimits, import_upload

    rows = ["a,b,label"] + [f"{c},{k},c{c}" for c in range(120) for k in range(5)]
    name = import_upload("legacy.csv", "\n".join(rows).encode(), UploadLimits(max_classes=1000))
    config = RunConfig(dataset=name, teacher="mlp-small", student="mlp-small", epochs=1, teacher_epochs=1)
    with pytest.raises(ValueError, match=rf"dataset {name} has 120 classes; at most 100 "
                                         r".*\(max_classes in kdlab.toml or KDLAB_MAX_CLASSES\)"):
        admit(config, ServerSettings())
    assert admit(config, ServerSettings(max_classes=120)).config.dataset == name


def test_a_kdlab_home_at_the_filesystem_root_is_one_sentence_in_the_app(monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KDLAB_HOME", "/")
    st.cache_resource.clear()
    try:
        at = AppTest.from_file("../app.py", default_timeout=120).run()
        assert not at.exception, [e.value for e in at.exception]
        assert len(at.error) == 1 and "KDLAB_HOME=/ cannot be used" in at.error[0].value
    finally:
        monkeypatch.undo()
        st.cache_resource.clear()
