"""Attention transfer (β): make the student look where the teacher looks.

- Transformers: MSE between softmax attention maps (as in TinyBERT / MiniLM-style attention distillation).
- CNNs: the distance between L2-normalised spatial activation maps (Zagoruyko & Komodakis 2017,
  "Paying More Attention to Attention").
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ..models import ModelOutput, model_meta
from . import register_loss


def layer_pairs(n_student: int, n_teacher: int) -> list[tuple[int, int]]:
    """Student layer i learns from teacher layer ``ceil((i+1)·n_t/n_s) - 1``: layers at the same relative depth,
    the student's last layer always paired with the teacher's last."""
    return [(i, math.ceil((i + 1) * n_teacher / n_student) - 1) for i in range(n_student)]


def attention_map_loss(student: list[torch.Tensor], teacher: list[torch.Tensor]) -> torch.Tensor:
    """Mean over paired layers of MSE between ``[B, heads, Q, K]`` maps. Where head counts differ, both sides are
    averaged over heads first: heads are not ordered, so only their mean is comparable."""
    losses = []
    for i, j in layer_pairs(len(student), len(teacher)):
        s, t = student[i].float(), teacher[j].float()
        if s.shape[2:] != t.shape[2:]:
            raise ValueError(f"attention maps need the same number of tokens, but the student has {s.shape[-1]} and "
                             f"the teacher {t.shape[-1]}; use the same patch size / sequence length")
        if s.shape[1] != t.shape[1]:
            s, t = s.mean(1, keepdim=True), t.mean(1, keepdim=True)
        losses.append(F.mse_loss(s, t))
    return torch.stack(losses).mean()


def activation_attention_loss(student: list[torch.Tensor], teacher: list[torch.Tensor]) -> torch.Tensor:
    """Mean over paired stages of ``mean((q_s/‖q_s‖ - q_t/‖q_t‖)²)`` on flattened ``[B, H, W]`` maps; the larger map
    is average-pooled to the smaller size first, so a student need not match the teacher's resolution."""
    losses = []
    for i, j in layer_pairs(len(student), len(teacher)):
        s, t = student[i].float(), teacher[j].float()
        size = (min(s.shape[1], t.shape[1]), min(s.shape[2], t.shape[2]))
        s = F.adaptive_avg_pool2d(s.unsqueeze(1), size).flatten(1)
        t = F.adaptive_avg_pool2d(t.unsqueeze(1), size).flatten(1)
        losses.append((F.normalize(s, dim=1) - F.normalize(t, dim=1)).pow(2).mean())
    return torch.stack(losses).mean()


@register_loss("attention", summary="match attention maps (β)", paper="Zagoruyko & Komodakis 2017")
class AttentionTransfer(nn.Module):
    def __init__(self, config, student_probe: ModelOutput, teacher_probe: ModelOutput):
        super().__init__()
        self.kind = model_meta(config.student)["attention"]
        self.needs = {"attentions"} if self.kind == "tokens" else {"activation_maps"}

    def forward(self, student: ModelOutput, teacher: ModelOutput) -> torch.Tensor:
        if self.kind == "tokens":
            return attention_map_loss(student.attentions, teacher.attentions)
        return activation_attention_loss(student.activation_maps, teacher.activation_maps)
