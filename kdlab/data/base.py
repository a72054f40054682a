"""Datasets: a registry of loaders that each return whole train/test tensors.

Every dataset used here fits in memory, so a loader returns tensors rather than a torch ``Dataset``: the trainer
moves them to the device once and slices batches there, which is most of kdlab's speed on a small CPU.
"""
from __future__ import annotations

import inspect
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch

from ..registry import Registry

MODALITIES = ("image", "points", "tokens")
PAD, UNK = "<pad>", "<unk>"


@dataclass
class Splits:
    """One dataset, fully loaded: float images ``[N, C, H, W]``, float points ``[N, 2]`` or token ids ``[N, L]``."""

    name: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    class_names: list[str]
    modality: str
    vocab: list[str] | None = None  # tokens only: ``vocab[i]`` is the word with id i; id 0 is padding

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.x_train.shape[1:])

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @property
    def vocab_size(self) -> int:
        return len(self.vocab) if self.vocab else 0


DatasetLoader = Callable[..., Splits]
DATASETS: Registry[DatasetLoader] = Registry("dataset")


SCALES = ("samples", "tokens")  # what a size knob counts; a server caps each (``kdlab.serve.admission``)
LOADER_ARGUMENTS = ("seed", "data_root", "download")  # passed by ``load_dataset``, not knobs


def register_dataset(name: str, *, modality: str, num_classes: int, summary: str, scale: dict | None = None):
    """Register ``loader(seed, data_root, download, **kw) -> Splits`` under ``name``.

    The loader's keyword parameters with defaults are its knobs (``check_dataset_knobs`` reads them); ``scale``
    names the knobs that set its size and what they count (``{"n": "samples", "seq_len": "tokens"}``), so a server
    can cap them.
    """
    assert modality in MODALITIES, modality
    assert all(kind in SCALES for kind in (scale or {}).values()), scale
    return DATASETS.register(name, modality=modality, num_classes=num_classes, summary=summary, scale=scale or {})


def dataset_knobs(name: str) -> dict[str, object]:
    """The knobs of a dataset and their defaults, from its loader's signature."""
    loader = DATASETS.get(name).factory
    return {p.name: p.default for p in inspect.signature(loader).parameters.values()
            if p.default is not inspect.Parameter.empty and p.name not in LOADER_ARGUMENTS}


def check_dataset_knobs(name: str, knobs: dict) -> None:
    """A ``ValueError`` naming the first knob the dataset does not have or whose value cannot be right: counts
    (int knobs, and ``limit``) are whole numbers >= 1, amounts (float knobs such as noise) finite numbers >= 0."""
    known = dataset_knobs(name)
    for key, value in knobs.items():
        if key not in known:
            offer = f"its knobs are {', '.join(known)}" if known else "it has no knobs"
            raise ValueError(f"dataset {name!r} has no knob {key!r}; {offer}")
        default = known[key]
        number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        if isinstance(default, bool):
            ok, want = isinstance(value, bool), "true or false"
        elif isinstance(default, int) or default is None:
            ok, want = number and float(value).is_integer() and value >= 1, "a whole number >= 1"
        else:
            ok, want = number and value >= 0, "a number >= 0"
        if not ok:
            raise ValueError(f"dataset knob {key} of {name!r} must be {want}, got {value!r}")


class DataMissingError(ValueError):
    """Raised when a dataset's files are not on disk; the message says where they belong and how to fetch them."""


def default_data_root() -> Path:
    """``$KDLAB_DATA`` if set, else ``$KDLAB_HOME/data`` (``~/.cache/kdlab/data``)."""
    if os.environ.get("KDLAB_DATA"):
        return Path(os.environ["KDLAB_DATA"]).expanduser()
    return kdlab_home() / "data"


SYSTEM_FOLDERS = {"/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/opt", "/proc", "/root", "/run", "/sbin",
                  "/srv", "/sys", "/usr", "/var", "/System", "/Library", "/Users", "/Applications"}


def kdlab_home() -> Path:
    """``$KDLAB_HOME``, else ``~/.cache/kdlab``: where the run store, teachers and uploads are written. An empty
    value counts as unset (it would be the current folder, often the repository); a filesystem root, a system
    folder or a file is refused with one sentence."""
    raw = os.environ.get("KDLAB_HOME", "").strip()
    home = Path(raw or "~/.cache/kdlab").expanduser()
    if raw:
        resolved = home.resolve()
        if resolved == Path(resolved.anchor) or str(resolved) in SYSTEM_FOLDERS or resolved.is_file():
            raise ValueError(f"KDLAB_HOME={raw} cannot be used: the run store, teachers and uploads are written "
                             "there, so it must be a folder of its own (such as ~/.cache/kdlab), not a system folder "
                             "or a file")
    return home


def load_dataset(name: str, seed: int = 0, data_root: str | Path | None = None, download: bool = False,
                 **kwargs) -> Splits:
    root = Path(data_root).expanduser() if data_root else default_data_root()
    return DATASETS.get(name).factory(seed=seed, data_root=root, download=download, **kwargs)


def stratified_split(y: torch.Tensor, test_fraction: float, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Indices of a fixed split that keeps every class's share the same in train and test."""
    gen = torch.Generator().manual_seed(seed)
    train, test = [], []
    for c in torch.unique(y):
        idx = torch.nonzero(y == c).flatten()
        idx = idx[torch.randperm(len(idx), generator=gen)]
        n_test = round(len(idx) * test_fraction)
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    return torch.cat(train).sort().values, torch.cat(test).sort().values


def transfer_indices(y_train: torch.Tensor, fraction: float = 1.0, limit: int | None = None,
                     exclude_classes: tuple[int, ...] = (), seed: int = 0) -> torch.Tensor:
    """Which training samples the *student* may see: the transfer set.

    Classes in ``exclude_classes`` are dropped first (the "dark knowledge" experiment: the student can only learn
    them from the teacher's soft targets on other digits), then a seeded random ``fraction`` is kept, then at most
    ``limit`` samples. The teacher and the test set never go through here.
    """
    keep = torch.ones(len(y_train), dtype=torch.bool)
    for c in exclude_classes:
        keep &= y_train != c
    idx = torch.nonzero(keep).flatten()
    gen = torch.Generator().manual_seed(seed + 1)
    idx = idx[torch.randperm(len(idx), generator=gen)]
    n = max(1, round(len(idx) * fraction))
    if limit is not None:
        n = min(n, limit)
    return idx[:n].sort().values




def class_names_of(name: str) -> list[str]:
    """The class names of a dataset, for pickers such as "classes the student never sees": read from the data when
    it loads (bundled or generated sets, downloaded files), else "0".."C-1" from the registry, so a page works
    before any download."""
    try:
        return [str(c) for c in load_dataset(name).class_names]
    except DataMissingError:  # files not on disk
        return [str(c) for c in range(DATASETS.get(name).meta["num_classes"])]
