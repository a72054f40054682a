"""Relational KD (Park et al. 2019, "Relational Knowledge Distillation"): transfer the *shape* of the teacher's
embedding space — pairwise distances and triplet angles — rather than the embeddings themselves, so the two
embeddings need not have the same width."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .base import TermInputs, register_function
from .precision import at_least_float32


def pairwise_distances(e: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    """Euclidean distances ``[n, n]`` between the rows of ``e``, as the official ``pdist``.

    From squared norms, ``|a|² + |b|² - 2a·b``, clamped at ``eps`` before the square root: the clamp keeps the
    gradient finite where two rows coincide (the gradient of √x at 0 is infinite; below ``eps`` the clamp passes
    none). The diagonal is then set to exactly 0 — ``torch.cdist`` on more than 25 rows leaves small non-zeros.
    """
    squared = e.pow(2).sum(dim=1)
    d2 = (squared.unsqueeze(1) + squared.unsqueeze(0) - 2 * e @ e.t()).clamp(min=eps)
    diagonal = torch.eye(len(e), dtype=torch.bool, device=e.device)
    return d2.sqrt().masked_fill(diagonal, 0.0)


def normalised_distances(e: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    """Pairwise distances divided by their off-diagonal mean, ``Σ d / (n(n-1))`` (scale-free).

    The official code takes ``d[d > 0].mean()``; with the clamp every off-diagonal entry is > 0, so this is the
    same mean, computed without boolean indexing (no host sync) and finite for a batch of one.
    """
    n = len(e)
    d = pairwise_distances(e, eps)
    mean = d.sum() / max(n * (n - 1), 1)
    return d / mean.clamp(min=eps)


def distance_loss(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """Huber loss between the two normalised pairwise-distance matrices."""
    return F.smooth_l1_loss(normalised_distances(student), normalised_distances(teacher))


def angle_loss(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """Huber loss between the cosines of every angle ∠(e_j - e_i, e_k - e_i)."""
    def cosines(e: torch.Tensor) -> torch.Tensor:
        diff = F.normalize(e.unsqueeze(0) - e.unsqueeze(1), dim=2)
        return torch.bmm(diff, diff.transpose(1, 2)).flatten()

    return F.smooth_l1_loss(cosines(student), cosines(teacher))


def relational_loss(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """Distance + 2 · angle: the paper's 25:50 weighting of the two parts. Inputs are promoted to at least
    float32 (float64 stays float64)."""
    student, teacher = at_least_float32(student), at_least_float32(teacher)
    return distance_loss(student, teacher) + 2 * angle_loss(student, teacher)


@register_function(
    "relational", symbol=r"\mathcal{L}_{RKD}", default_weight=25.0,  # the paper's 25 (distance) : 50 (angle)
    weight_choices=(0.0, 1.0, 5.0, 10.0, 25.0, 50.0, 100.0), needs={"features/embedding"},
    label={"en": "relational (RKD)", "zh": "关系蒸馏（RKD）"},
    explain={"en": "match the shape of the embedding space: pairwise distances and angles between samples",
             "zh": "匹配嵌入空间的形状：样本之间的两两距离与角度"},
    paper="Park et al., CVPR 2019, Relational Knowledge Distillation", knowledge="relations",
    reads=("features/embedding",), method="rkd")
def relational_term(inputs: TermInputs) -> torch.Tensor:
    return relational_loss(inputs.student.features["embedding"], inputs.teacher.features["embedding"])
