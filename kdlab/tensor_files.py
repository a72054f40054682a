"""Atomic file writes: a reader sees the old file or the new one, never half of one, even after a crash."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

import torch

from .errors import UserError


@contextmanager
def atomic_file(path: Path, mode: str = "wb") -> Iterator[IO]:
    """Write to a temporary file in the same folder, fsync it, then ``os.replace`` it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_tensors(obj: dict, path: Path) -> None:
    """``torch.save`` a dict of tensors and plain values, atomically; read it back only with ``load_tensors``."""
    with atomic_file(path) as handle:
        torch.save(obj, handle)


def load_tensors(path: Path | IO[bytes]) -> dict:
    """``torch.load`` with ``weights_only=True``: tensors and plain containers only, never arbitrary pickles."""
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many types for a file that is not a checkpoint
        raise UserError("file.not_weights", "not a kdlab weights file ({detail})",
                        detail=f"{type(err).__name__}: {(str(err).splitlines() or [''])[0][:200]}") from None
    if not isinstance(data, dict):
        raise UserError("file.not_mapping", "not a kdlab weights file (expected a mapping of tensors)")
    return data
