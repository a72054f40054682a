"""Relational KD (Park et al. 2019, "Relational Knowledge Distillation"): transfer the *shape* of the teacher's
embedding space — pairwise distances and triplet angles — rather than the embeddings themselves, so the two
embeddings need not have the same width."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..models import ModelOutput
from .base import register_loss


def distance_loss(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """Huber loss between pairwise-distance matrices, each divided by its mean non-zero distance (scale-free)."""
    def normalised_distances(e: torch.Tensor) -> torch.Tensor:
        d = torch.cdist(e, e)
        return d / d[d > 0].mean().clamp(min=1e-8)

    return F.smooth_l1_loss(normalised_distances(student), normalised_distances(teacher))


def angle_loss(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """Huber loss between the cosines of every angle ∠(e_j - e_i, e_k - e_i)."""
    def cosines(e: torch.Tensor) -> torch.Tensor:
        diff = F.normalize(e.unsqueeze(0) - e.unsqueeze(1), dim=2)
        return torch.bmm(diff, diff.transpose(1, 2)).flatten()

    return F.smooth_l1_loss(cosines(student), cosines(teacher))


def relational_loss(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """Distance + 2 · angle: the paper's 25:50 weighting of the two parts."""
    student, teacher = student.float(), teacher.float()
    return distance_loss(student, teacher) + 2 * angle_loss(student, teacher)


@register_loss("relational", summary="match pairwise distances and angles of embeddings", paper="Park et al. 2019")
class RelationalLoss(nn.Module):
    needs = {"features/embedding"}

    def __init__(self, config, student_probe: ModelOutput, teacher_probe: ModelOutput):
        super().__init__()

    def forward(self, student: ModelOutput, teacher: ModelOutput) -> torch.Tensor:
        return relational_loss(student.features["embedding"], teacher.features["embedding"])
