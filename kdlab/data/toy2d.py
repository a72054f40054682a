"""2-D toy sets generated in code: small enough to draw every decision boundary."""
from __future__ import annotations

import math

import torch

from .base import Splits, register_dataset


def _points(name: str, x: torch.Tensor, y: torch.Tensor, class_names: list[str], seed: int) -> Splits:
    """Standardise, then split 75/25 with a seeded shuffle (the classes are balanced by construction)."""
    x = (x - x.mean(0)) / x.std(0)
    perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))
    x, y = x[perm].float(), y[perm]
    cut = int(len(x) * 0.75)
    return Splits(name, x[:cut], y[:cut], x[cut:], y[cut:], class_names, "points")


@register_dataset("moons", modality="points", num_classes=2, summary="two interleaving half circles",
                  scale={"n": "samples"})
def moons(seed: int, n: int = 1000, noise: float = 0.15, **_) -> Splits:
    gen = torch.Generator().manual_seed(seed)
    half = n // 2
    t = torch.rand(n, generator=gen) * math.pi
    upper = torch.stack([torch.cos(t[:half]), torch.sin(t[:half])], 1)
    lower = torch.stack([1 - torch.cos(t[half:]), 0.5 - torch.sin(t[half:])], 1)
    x = torch.cat([upper, lower]) + noise * torch.randn(n, 2, generator=gen)
    y = torch.cat([torch.zeros(half), torch.ones(n - half)]).long()
    return _points("moons", x, y, ["upper", "lower"], seed)


@register_dataset("circles", modality="points", num_classes=2, summary="a ring around a disc",
                  scale={"n": "samples"})
def circles(seed: int, n: int = 1000, noise: float = 0.08, factor: float = 0.5, **_) -> Splits:
    gen = torch.Generator().manual_seed(seed)
    t = torch.rand(n, generator=gen) * 2 * math.pi
    y = (torch.arange(n) >= n // 2).long()
    radius = torch.where(y == 1, torch.tensor(factor), torch.tensor(1.0))
    x = radius[:, None] * torch.stack([torch.cos(t), torch.sin(t)], 1) + noise * torch.randn(n, 2, generator=gen)
    return _points("circles", x, y, ["outer", "inner"], seed)


@register_dataset("spirals", modality="points", num_classes=3, summary="three interleaved spiral arms",
                  scale={"n": "samples"})
def spirals(seed: int, n: int = 1200, noise: float = 0.2, **_) -> Splits:
    classes = 3
    gen = torch.Generator().manual_seed(seed)
    per = n // classes
    r = torch.linspace(0.0, 1.0, per).repeat(classes)
    y = torch.arange(classes).repeat_interleave(per)
    angle = y * (2 * math.pi / classes) + r * 4.0 + noise * torch.randn(len(y), generator=gen)
    x = torch.stack([r * torch.sin(angle), r * torch.cos(angle)], 1)
    return _points("spirals", x, y, [f"arm {i}" for i in range(classes)], seed)


@register_dataset("blobs", modality="points", num_classes=4, summary="Gaussian clusters, some overlapping",
                  scale={"n": "samples"})
def blobs(seed: int, n: int = 1000, noise: float = 1.0, **_) -> Splits:
    centers = 4
    gen = torch.Generator().manual_seed(seed)
    means = torch.rand(centers, 2, generator=gen) * 10 - 5
    y = torch.arange(n) % centers
    x = means[y] + noise * torch.randn(n, 2, generator=gen)
    return _points("blobs", x, y, [f"blob {i}" for i in range(centers)], seed)
