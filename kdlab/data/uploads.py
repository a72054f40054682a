"""Your own data: a CSV (numeric feature columns and a label column) or a zip of image folders (one folder per
class), checked, converted once to tensors and kept under ``$KDLAB_HOME/datasets`` as a dataset every page, worker
and the CLI (``--data-file``) can use by name (``upload-<name>-<hash>``).

Everything is checked before anything is written, so a bad file leaves nothing behind and gets one sentence:
at least ``MIN_CLASSES`` classes with ``MIN_PER_CLASS`` samples each, at most ``limits.max_samples`` samples and
``limits.max_classes`` classes; the tensors kept within ``limits.max_unpacked_bytes`` and all kept uploads within
``limits.max_total_bytes`` (``upload_store`` keeps who uploaded what, so a workspace lists its own); zip
entries may not leave their folder (no ``..``, no absolute paths, no links), and their count, each one's size and
their unpacked total are capped before a byte is unpacked (a "zip bomb" is refused from its directory;
``upload_zip``). Images are resized to ``IMAGE_SIZE`` squared and kept as bytes (a quarter of float32's disk). The
80/20 split is stratified and fixed, as for digits.
"""
from __future__ import annotations

import io
import os
import re
import stat
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import torch

from ..errors import UserError
from ..tensor_files import load_tensors, save_tensors
from .base import DATASETS, Splits, register_dataset, stratified_split
from .upload_csv import CappedReader, csv_tensors
from .corpus import LANGUAGE_MODEL_DEFAULTS
from .upload_text import text_tensors
from .upload_zip import zip_tensors
from .upload_store import PREFIX, Upload, claim, claimed, datasets_dir, delete_upload, kept_bytes

__all__ = ["PREFIX", "UploadLimits", "Upload", "datasets_dir", "delete_upload", "import_data_file", "import_upload",
           "register_upload", "uploads_in"]
MIN_CLASSES, MIN_PER_CLASS = 2, 5


@dataclass(frozen=True)
class UploadLimits:
    """The server's caps on one upload (``ServerSettings.upload_limits``)."""

    max_bytes: int = 20 * 2**20  # the file as uploaded
    max_unpacked_bytes: int = 100 * 2**20  # a zip's entries, all together, and the tensors kept on disk
    max_files: int = 5000  # a zip's entries
    max_samples: int = 20000  # rows or images
    max_features: int = 1024  # CSV feature columns
    max_classes: int = 100  # distinct labels (CSV) or class folders (zip)
    max_total_bytes: int = 500 * 2**20  # every kept upload together, on disk


def _standardised(x_train: torch.Tensor, x_test: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``(x - mean) / std`` per column with the training rows' statistics, the same transform for the test rows,
    as float32. Each column is first divided by its largest training magnitude, so the sum of squares of values near
    1e308 cannot overflow (an infinite std would make the column 0 everywhere); the std's floor stays 1e-6 in the
    column's own units."""
    scale = x_train.abs().amax(dim=0)
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    x_train, x_test = x_train.div_(scale), x_test.div_(scale)  # in place: both are the caller's own copies
    std, mean = torch.std_mean(x_train, dim=0)
    std = torch.maximum(std, 1e-6 / scale)
    x_train, x_test = (x.sub_(mean).div_(std).float() for x in (x_train, x_test))
    if not (torch.isfinite(x_train).all() and torch.isfinite(x_test).all()):
        raise UserError("upload.csv_scale", "the CSV file's numbers are too far apart to standardise (over 1e38 after "
                        "scaling)")
    return x_train, x_test


def _slug(filename: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", Path(filename).stem.lower()).strip("-")[:32]
    return stem or "data"


def _disk_room(limits: UploadLimits, needed: int = 0) -> None:
    used, total = kept_bytes(), limits.max_total_bytes
    if used + needed > total:
        raise UserError("upload.disk_room", "the uploads kept on this server use {used} MiB of the {total} MiB they "
                        "may use (max_upload_total_mb); delete some of your uploads first", used=f"{used / 2**20:.1f}",
                        total=f"{total / 2**20:g}")


def import_upload(filename: str, data: bytes | BinaryIO, limits: UploadLimits = UploadLimits(),
                  workspace: str | None = None, owner: str | None = None) -> str:
    """Check ``data`` (a ``.csv``, a ``.zip`` or a ``.txt`` by its name; bytes or a binary stream, read at most
    ``limits.max_bytes + 1`` bytes of), keep it as a dataset and return its name; the same content gives the same
    name. In the app, ``workspace`` and ``owner`` (the browser key) claim it: listed there, deletable by that
    browser. ``ValueError`` with one sentence for anything wrong, with nothing written."""
    if isinstance(data, (bytes, bytearray)):
        check_size(Path(filename).name[:80], len(data), limits)
        data = io.BytesIO(data)
    kind = Path(filename).suffix.lower()
    if kind not in (".csv", ".zip", ".txt"):
        raise UserError("upload.kind", "upload a .csv file, a .zip of image folders or a .txt text (for a language "
                        "model), not {kind}", kind=repr(kind) if kind else "–")
    _disk_room(limits)
    source = CappedReader(data, limits.max_bytes)
    if kind == ".txt":
        tensors, classes = text_tensors(source, Path(filename).name, limits.max_samples)
    else:
        tensors, classes = _class_tensors(kind, source, limits)
    size = sum(t.nelement() * t.element_size() for t in tensors.values())
    if size > limits.max_unpacked_bytes:
        raise UserError("upload.tensors", "the data becomes {size} MiB of tensors; at most {limit} MiB are allowed "
                        "(max_upload_unpacked_mb)", size=f"{size / 2**20:.1f}",
                        limit=f"{limits.max_unpacked_bytes / 2**20:g}")
    name = f"{PREFIX}{_slug(filename)}-{source.digest.hexdigest()[:8]}"
    path = datasets_dir() / f"{name}.pt"
    if not path.is_file():  # the same content again takes no more room
        _disk_room(limits, size)
        save_tensors({**tensors, "class_names": classes, "modality": MODALITY_OF[kind],
                      "source": Path(filename).name[:120]}, path)
    if workspace is not None:
        claim(name, Path(filename).name[:120], workspace, owner)
    register_upload(name)
    return name


MODALITY_OF = {".csv": "points", ".zip": "image", ".txt": "sequence"}


def _class_tensors(kind: str, source: CappedReader, limits: UploadLimits) -> tuple[dict, list[str]]:
    """A CSV's or a zip's samples split 80/20 by class, and the class names."""
    if kind == ".csv":  # read as it is parsed, refused at the first row past a cap
        x, labels = csv_tensors(io.BufferedReader(source), limits)
    else:
        x, labels = zip_tensors(source.read_all(), limits)
    counts = Counter(labels)
    classes = sorted(counts)
    if len(classes) < MIN_CLASSES:
        raise UserError("upload.few_classes", "the data has {count} class(es); at least {least} are needed",
                        count=len(classes), least=MIN_CLASSES)
    few = [c for c, n in counts.items() if n < MIN_PER_CLASS]
    if few:
        raise UserError("upload.few_samples", "class {name!r} has {count} samples; every class needs at least {least}",
                        name=few[0][:40], count=counts[few[0]], least=MIN_PER_CLASS)
    index = {c: i for i, c in enumerate(classes)}
    y = torch.tensor([index[label] for label in labels])
    train, test = stratified_split(y, test_fraction=0.2, seed=0)
    x_train, x_test = x[train], x[test]  # copies: x (a CSV's every value) can go now
    del x
    if kind == ".csv":
        x_train, x_test = _standardised(x_train, x_test)
    return {"x_train": x_train, "y_train": y[train], "x_test": x_test, "y_test": y[test]}, classes


def import_data_file(path: str | Path, limits: UploadLimits = UploadLimits()) -> str:
    """``--data-file PATH``: the same checks as an upload in the app (a ``.txt`` is a corpus for a language model).
    Only a regular file is read (``/dev/zero`` reports a size of 0 and never ends; a FIFO blocks), opened without
    blocking and read at most to its cap."""
    path = Path(path).expanduser()
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO would wait here for a writer
    except OSError as err:
        raise _unreadable(path, err) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise UserError("upload.not_file", "the data file {path} is not a regular file (a folder, device or pipe); "
                        "give a .csv, .zip or .txt file", path=str(path))
    with os.fdopen(fd, "rb") as handle:
        check_size(path.name, info.st_size, limits)
        try:
            return import_upload(path.name, handle, limits)
        except OSError as err:
            raise _unreadable(path, err) from None


def _unreadable(path: Path, err: OSError) -> UserError:
    return UserError("upload.unreadable", "cannot read the data file {path}: {detail}", path=str(path),
                     detail=err.strerror or str(err))


def check_size(name: str, size: int, limits: UploadLimits) -> None:
    """A file of ``size`` bytes refused before a byte of it is read, when it is over ``limits.max_bytes``."""
    if size > limits.max_bytes:
        raise UserError("upload.too_big", "{name} is {size} MiB; at most {limit} MiB are allowed", name=name,
                        size=f"{size / 2**20:.1f}", limit=f"{limits.max_bytes / 2**20:g}")


_REGISTERING = threading.Lock()  # two sessions (or one upload twice) must not register one name twice


def register_upload(name: str) -> bool:
    """Register a stored upload as a dataset (once, whoever asks first); False when there is no such upload."""
    with _REGISTERING:
        return _register_upload(name)


def _register_upload(name: str) -> bool:
    if name in DATASETS.names():  # not ``in DATASETS``: that asks this function again
        return True
    path = datasets_dir() / f"{name}.pt"
    if not (name.startswith(PREFIX) and re.fullmatch(r"[a-z0-9-]+", name) and path.is_file()):
        return False
    stored = load_tensors(path)

    def loader(seed: int, **_) -> Splits:
        data = load_tensors(path)
        x_train, x_test = (x.float() / 255 if x.dtype == torch.uint8 else x for x in (data["x_train"], data["x_test"]))
        names = list(data["class_names"])  # a text's classes are its characters, its vocabulary
        return Splits(name, x_train, data["y_train"], x_test, data["y_test"], names, data["modality"],
                      names if data["modality"] == "sequence" else None)

    text = stored["modality"] == "sequence"  # a corpus trains language models, with their settings
    register_dataset(name, modality=stored["modality"], num_classes=len(stored["class_names"]),
                     summary=f"uploaded: {stored['source']}", run_defaults=LANGUAGE_MODEL_DEFAULTS if text else None)(
        loader)
    return True


def uploads_in(workspace: str, owner: str | None = None) -> list[Upload]:
    """The uploads claimed in ``workspace``, registered so that its pages can offer them (no other workspace's)."""
    return [u for u in claimed(workspace, owner) if register_upload(u.name)]


DATASETS.add_resolver(register_upload)
