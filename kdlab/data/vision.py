"""The classic 10-class image benchmarks, read from torchvision's on-disk layouts.

Each loader returns the official train/test split (``seed`` does not change it, so runs stay comparable), as float
``[N, C, H, W]`` scaled to 0..1 and then standardised per channel with the *train* mean and std, the same transform
for test. The raw uint8 arrays are converted in one tensor operation instead of item by item through transforms,
which turns a minute of loading into about a second.
"""
from __future__ import annotations

import pickle
from pathlib import Path

import torch

from .base import DataMissingError, Splits, register_dataset


def _torchvision_class(name: str) -> type:
    """Import torchvision only when an image set is loaded: otherwise every ``import kdlab`` pays its ~2 s."""
    from torchvision import datasets

    return getattr(datasets, name)


def _missing(name: str, folder: Path, files: list[str], failure: Exception | None = None) -> DataMissingError:
    """The one error a student sees: which folder, which files, and the two ways to get them."""
    where = f"{folder} (files: {', '.join(files)})"
    if failure is None:
        return DataMissingError(
            f"{name}: files not found; expected {where}. Pass --download (CLI) or download=True (Python) to "
            f"fetch them, or set KDLAB_DATA / --data-root to a folder that already has them.")
    return DataMissingError(
        f"{name}: the download failed ({failure}). Put the files in {where} by hand, or set "
        f"KDLAB_DATA / --data-root to a folder that already has them.")


def _open(cls: type, name: str, folder: Path, files: list[str], data_root: Path, download: bool, train: bool):
    """Build the torchvision dataset, turning its "Dataset not found" / network errors into ``DataMissingError``.

    URLError is an OSError; torchvision reports a missing folder and a failed mirror as RuntimeError.
    """
    try:
        return cls(root=data_root, train=train, download=download)
    except (RuntimeError, OSError) as err:
        raise _missing(name, folder, files, err if download else None) from err


def _image_splits(name: str, x_train: torch.Tensor, y_train, x_test: torch.Tensor, y_test,
                  class_names: list[str]) -> Splits:
    """uint8 ``[N, C, H, W]`` -> float, ``(x / 255 - mean_c) / std_c`` with the train set's per-channel statistics."""
    x_train, x_test = x_train.float().div_(255), x_test.float().div_(255)
    std, mean = torch.std_mean(x_train, dim=(0, 2, 3), keepdim=True)
    for x in (x_train, x_test):
        x.sub_(mean).div_(std)
    return Splits(name, x_train, torch.as_tensor(y_train, dtype=torch.long), x_test,
                  torch.as_tensor(y_test, dtype=torch.long), list(class_names), "image")


def _load_idx(name: str, class_name: str, data_root: Path, download: bool) -> Splits:
    """MNIST-style sets: torchvision reads the unpacked IDX files from ``<root>/<ClassName>/raw`` (no checksum)."""
    cls = _torchvision_class(class_name)
    folder = data_root / class_name / "raw"
    files = [file.removesuffix(".gz") for file, _ in cls.resources]
    train, test = (_open(cls, name, folder, files, data_root, download, is_train) for is_train in (True, False))
    return _image_splits(name, train.data.unsqueeze(1), train.targets, test.data.unsqueeze(1), test.targets,
                         cls.classes)


@register_dataset("mnist", modality="image", num_classes=10, summary="70,000 28x28 handwritten digits (download)")
def mnist(seed: int, data_root: Path, download: bool = False, **_) -> Splits:
    return _load_idx("mnist", "MNIST", data_root, download)


@register_dataset("fashion-mnist", modality="image", num_classes=10,
                  summary="70,000 28x28 grey clothing photos, harder than digits (download)")
def fashion_mnist(seed: int, data_root: Path, download: bool = False, **_) -> Splits:
    return _load_idx("fashion-mnist", "FashionMNIST", data_root, download)


class _ArrayUnpickler(pickle.Unpickler):
    """CIFAR's batches are pickles by format, and a pickle can run any code. This one rebuilds only numpy arrays
    and plain containers; anything else in the file (a function to call, a class to build) is refused."""

    ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
               ("numpy", "ndarray"), ("numpy", "dtype"), ("_codecs", "encode")}

    def find_class(self, module: str, name: str):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a CIFAR batch")
        return super().find_class(module, name)


def _unpickle(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            return _ArrayUnpickler(f, encoding="latin1").load()  # the batches were pickled by Python 2
    except (pickle.UnpicklingError, EOFError, ValueError) as err:
        raise ValueError(f"{path} is not a CIFAR-10 batch: {err}") from None


@register_dataset("cifar10", modality="image", num_classes=10, summary="60,000 32x32 colour photos (download)")
def cifar10(seed: int, data_root: Path, download: bool = False, **_) -> Splits:
    """CIFAR-10 from ``<root>/cifar-10-batches-py``, read here rather than by ``torchvision.datasets.CIFAR10``.

    torchvision refuses to read the batches unless each file's md5 matches the official release, which is right
    for checking a download but rejects every other faithful copy: a re-pickled or trimmed set, or the tiny fixture
    the tests write. So torchvision does the download (and checks its checksums there), and this function reads the
    documented format itself: each batch pickles ``{"data": uint8 [n, 3072] in CHW order, "labels": [n]}`` and
    ``batches.meta`` holds ``label_names``. File names come from torchvision's class so nothing is spelled twice.
    """
    cls = _torchvision_class("CIFAR10")
    folder = data_root / cls.base_folder
    train_files = [file for file, _ in cls.train_list]
    test_files = [file for file, _ in cls.test_list]
    files = train_files + test_files + [cls.meta["filename"]]
    if download:
        _open(cls, "cifar10", folder, files, data_root, download=True, train=False)
    if not all((folder / file).is_file() for file in files):
        raise _missing("cifar10", folder, files)

    def read(batch_files: list[str]) -> tuple[torch.Tensor, list[int]]:
        batches = [_unpickle(folder / file) for file in batch_files]
        images = torch.cat([torch.as_tensor(b["data"]) for b in batches]).view(-1, 3, 32, 32)
        return images, [label for b in batches for label in b["labels"]]

    class_names = _unpickle(folder / cls.meta["filename"])[cls.meta["key"]]
    return _image_splits("cifar10", *read(train_files), *read(test_files), class_names)
