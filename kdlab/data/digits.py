"""scikit-learn's bundled 8x8 handwritten digits: real data that needs no download, the offline default."""
from __future__ import annotations

import torch

from .base import Splits, register_dataset, stratified_split


@register_dataset("digits", modality="image", num_classes=10, summary="1,797 real 8x8 handwritten digits (bundled)")
def digits(seed: int, **_) -> Splits:
    """Pixels are scaled from 0..16 to 0..1; the 80/20 split is stratified and fixed (it does not follow ``seed``),
    so every run in a classroom is scored on the same 360 test digits."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    x = torch.tensor(bunch.images, dtype=torch.float32).unsqueeze(1) / 16.0
    y = torch.tensor(bunch.target, dtype=torch.long)
    train, test = stratified_split(y, test_fraction=0.2, seed=0)
    return Splits("digits", x[train], y[train], x[test], y[test], [str(d) for d in range(10)], "image")
