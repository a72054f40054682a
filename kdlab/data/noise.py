"""Wrong labels on purpose: a seeded share of the student's transfer-set labels flipped to another class."""
from __future__ import annotations

import torch


def flip_labels(labels: torch.Tensor, num_classes: int, fraction: float, seed: int) -> torch.Tensor:
    """A copy of ``labels`` with ``round(fraction · N)`` of them, picked by ``seed``, moved to a different class.

    The new class is ``(y + k) mod C`` with ``k`` uniform in ``1..C-1``, so a flipped label is always wrong and
    every wrong class is equally likely (symmetric noise). The same seed flips the same samples the same way.
    """
    gen = torch.Generator().manual_seed(seed + 2)
    n = len(labels)
    picked = torch.randperm(n, generator=gen)[:round(fraction * n)].to(labels.device)
    offsets = torch.randint(1, num_classes, (len(picked),), generator=gen).to(labels.device)
    noisy = labels.clone()
    noisy[picked] = (labels[picked] + offsets) % num_classes
    return noisy
