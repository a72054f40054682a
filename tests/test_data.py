"""Every registered dataset, by iteration: bundled and generated ones load deterministically and match their
registry entry; file-backed ones say plainly what is missing."""
from __future__ import annotations

import pytest
import torch

from kdlab.data import DATASETS, IGNORE_INDEX, DataMissingError, load_dataset, stratified_split

FILE_BACKED = {"mnist", "fashion-mnist", "cifar10", "imdb"}
OFFLINE = [name for name in DATASETS.names() if name not in FILE_BACKED]


def test_the_offline_and_file_backed_sets_cover_the_registry():
    assert set(OFFLINE) >= {"digits", "moons", "circles", "spirals", "blobs", "reviews"}
    assert FILE_BACKED <= set(DATASETS.names())


@pytest.mark.parametrize("name", OFFLINE)
def test_offline_datasets_are_deterministic_and_match_their_registry_entry(name):
    a, b = load_dataset(name, seed=3), load_dataset(name, seed=3)
    for field in ("x_train", "y_train", "x_test", "y_test"):
        assert torch.equal(getattr(a, field), getattr(b, field))
    meta = DATASETS.get(name).meta
    assert a.modality == meta["modality"] and a.num_classes == meta["num_classes"]
    assert len(a.x_train) == len(a.y_train) > len(a.x_test) == len(a.y_test) > 0
    if a.modality == "sequence":  # next-token targets: ids of the vocabulary, IGNORE_INDEX under padding
        assert set(a.y_train.unique().tolist()) <= {IGNORE_INDEX, *range(1, a.num_classes)}
    else:
        assert set(a.y_train.unique().tolist()) == set(range(a.num_classes))
    expected_dtype = torch.long if a.modality in ("tokens", "sequence") else torch.float32
    assert a.x_train.dtype == expected_dtype


@pytest.mark.parametrize("name", ["moons", "circles", "spirals", "blobs"])
def test_toy_sets_change_with_the_seed_and_are_2d(name):
    a, b = load_dataset(name, seed=0), load_dataset(name, seed=1)
    assert a.input_shape == (2,) and not torch.equal(a.x_train, b.x_train)


def test_digits_split_is_fixed_stratified_and_bundled():
    splits = load_dataset("digits")
    assert splits.x_train.shape == (1438, 1, 8, 8) and splits.x_test.shape == (359, 1, 8, 8)
    counts = torch.bincount(splits.y_test, minlength=10)
    assert counts.min() >= 35 and counts.max() <= 37
    assert torch.equal(load_dataset("digits", seed=5).y_test, splits.y_test)


def test_stratified_split_keeps_class_shares():
    y = torch.tensor([0] * 50 + [1] * 10)
    train, test = stratified_split(y, 0.2, seed=0)
    assert (y[test] == 0).sum() == 10 and (y[test] == 1).sum() == 2
    assert set(train.tolist()).isdisjoint(test.tolist())


@pytest.mark.parametrize("name", sorted(FILE_BACKED))
def test_file_backed_sets_without_files_name_the_folder(name, tmp_path):
    with pytest.raises(DataMissingError, match=str(tmp_path)):
        load_dataset(name, data_root=tmp_path)


def test_an_empty_kdlab_home_is_the_default_and_writes_nothing_into_the_current_folder(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    env = {**os.environ, "KDLAB_HOME": "", "HOME": str(home), "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-m", "kdlab", "runs", "list"], cwd=work, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert list(work.iterdir()) == [] and (home / ".cache" / "kdlab" / "runs.sqlite").is_file()


def test_a_kdlab_home_that_is_a_system_folder_or_a_file_is_refused_in_one_sentence(tmp_path, monkeypatch):
    import os
    import subprocess
    import sys
    from pathlib import Path

    from kdlab.data import kdlab_home

    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    for value in ("/", "/usr", "//", str(a_file)):
        monkeypatch.setenv("KDLAB_HOME", value)
        with pytest.raises(ValueError, match=rf"^KDLAB_HOME={value} cannot be used: .* not a system folder or a file$"):
            kdlab_home()
    monkeypatch.setenv("KDLAB_HOME", str(tmp_path / "mine"))
    assert kdlab_home() == tmp_path / "mine"
    env = {**os.environ, "KDLAB_HOME": "/"}
    done = subprocess.run([sys.executable, "-m", "kdlab", "runs", "list"], cwd=Path(__file__).resolve().parent.parent,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.splitlines() == [
        "kdlab: error: KDLAB_HOME=/ cannot be used: the run store, teachers and uploads are written there, so it must "
        "be a folder of its own (such as ~/.cache/kdlab), not a system folder or a file"]
