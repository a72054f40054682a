"""The image loaders read tiny files written in the real on-disk formats, through the same code as real data."""
from __future__ import annotations

import pickle
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

from kdlab.data import DataMissingError, load_dataset

CIFAR_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def write_idx(path: Path, array: np.ndarray) -> None:
    """IDX as in the MNIST release: magic 0x0000080<ndim> (0x08 = ubyte), big-endian int32 sizes, raw bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = struct.pack(">I", 0x0800 + array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def write_mnist_like(root: Path, folder: str, n_train: int = 20, n_test: int = 10) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    arrays = {"train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28)),
              "train-labels-idx1-ubyte": np.arange(n_train) % 10,
              "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28)),
              "t10k-labels-idx1-ubyte": (np.arange(n_test) * 3) % 10}
    for name, array in arrays.items():
        write_idx(root / folder / "raw" / name, array)
    return arrays


def write_cifar(root: Path, per_batch: int = 4, n_test: int = 6) -> dict[str, np.ndarray]:
    """Python-pickled batches as in cifar-10-python.tar.gz: ``data`` uint8 [n, 3072] in CHW order, ``labels``."""
    rng = np.random.default_rng(1)
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    written = {}
    for name, n in [(f"data_batch_{i}", per_batch) for i in range(1, 6)] + [("test_batch", n_test)]:
        data = rng.integers(0, 256, (n, 3072)).astype(np.uint8)
        labels = rng.integers(0, 10, n).tolist()
        with open(folder / name, "wb") as f:
            pickle.dump({"batch_label": name, "labels": labels, "data": data, "filenames": [""] * n}, f)
        written[name] = (data, labels)
    with open(folder / "batches.meta", "wb") as f:
        pickle.dump({"num_cases_per_batch": per_batch, "label_names": CIFAR_NAMES, "num_vis": 3072}, f)
    return written


@pytest.mark.parametrize("name, folder, first_class", [("mnist", "MNIST", "0 - zero"),
                                                      ("fashion-mnist", "FashionMNIST", "T-shirt/top")])
def test_idx_files_load_as_standardised_images(tmp_path, name, folder, first_class):
    arrays = write_mnist_like(tmp_path, folder)
    splits = load_dataset(name, data_root=tmp_path)
    assert splits.x_train.shape == (20, 1, 28, 28) and splits.x_test.shape == (10, 1, 28, 28)
    assert splits.x_train.dtype == torch.float32 and splits.y_train.dtype == torch.long
    assert splits.y_train.tolist() == arrays["train-labels-idx1-ubyte"].tolist()
    assert splits.y_test.tolist() == arrays["t10k-labels-idx1-ubyte"].tolist()
    assert splits.class_names[0] == first_class and len(splits.class_names) == 10
    assert splits.modality == "image"
    assert splits.x_train.mean().abs() < 1e-5 and (splits.x_train.std() - 1).abs() < 1e-5


def test_test_images_use_the_train_statistics(tmp_path):
    arrays = write_mnist_like(tmp_path, "MNIST")
    splits = load_dataset("mnist", data_root=tmp_path)
    train = torch.tensor(arrays["train-images-idx3-ubyte"], dtype=torch.float32) / 255
    test = torch.tensor(arrays["t10k-images-idx3-ubyte"], dtype=torch.float32) / 255
    expected = (test - train.mean()) / train.std()
    torch.testing.assert_close(splits.x_test[:, 0], expected)


def test_cifar_batches_load_channels_first_with_names_from_meta(tmp_path):
    written = write_cifar(tmp_path)
    splits = load_dataset("cifar10", data_root=tmp_path)
    assert splits.x_train.shape == (20, 3, 32, 32) and splits.x_test.shape == (6, 3, 32, 32)
    assert splits.y_train.tolist() == [label for i in range(1, 6) for label in written[f"data_batch_{i}"][1]]
    assert splits.y_test.tolist() == written["test_batch"][1]
    assert splits.class_names == CIFAR_NAMES
    per_channel = splits.x_train.transpose(0, 1).reshape(3, -1)
    torch.testing.assert_close(per_channel.mean(1), torch.zeros(3), atol=1e-5, rtol=0)
    torch.testing.assert_close(per_channel.std(1), torch.ones(3), atol=1e-5, rtol=0)
    # the first test image's red plane is the first 1024 bytes of its row, standardised with train red statistics
    train_red = torch.tensor(np.concatenate([written[f"data_batch_{i}"][0][:, :1024] for i in range(1, 6)])) / 255
    red = (torch.tensor(written["test_batch"][0][0, :1024]) / 255 - train_red.mean()) / train_red.std()
    torch.testing.assert_close(splits.x_test[0, 0].flatten(), red)


@pytest.mark.parametrize("name, folder", [("mnist", "MNIST/raw"), ("fashion-mnist", "FashionMNIST/raw"),
                                          ("cifar10", "cifar-10-batches-py")])
def test_missing_files_name_the_folder_and_how_to_get_them(tmp_path, name, folder):
    with pytest.raises(DataMissingError) as err:
        load_dataset(name, data_root=tmp_path)
    message = str(err.value)
    assert str(tmp_path / folder) in message
    assert "--download" in message and "KDLAB_DATA" in message


def test_a_partial_cifar_folder_is_reported_missing(tmp_path):
    write_cifar(tmp_path)
    (tmp_path / "cifar-10-batches-py" / "test_batch").unlink()
    with pytest.raises(DataMissingError, match="files not found"):
        load_dataset("cifar10", data_root=tmp_path)


class _RunsCode:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_cifar_batch_that_would_run_code_is_refused_without_running_it(tmp_path):
    write_cifar(tmp_path)
    marker = tmp_path / "pwned"
    with open(tmp_path / "cifar-10-batches-py" / "data_batch_1", "wb") as f:
        pickle.dump({"data": _RunsCode(marker), "labels": [0]}, f)
    with pytest.raises(ValueError, match="not a CIFAR-10 batch"):
        load_dataset("cifar10", data_root=tmp_path)
    assert not marker.exists()
