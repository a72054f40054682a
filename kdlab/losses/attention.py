"""Attention transfer (β): make the student look where the teacher looks.

- Transformers: MSE between softmax attention maps (as in TinyBERT / MiniLM-style attention distillation).
- CNNs: the distance between L2-normalised spatial activation maps (Zagoruyko & Komodakis 2017,
  "Paying More Attention to Attention").
"""
from __future__ import annotations

import math
from dataclasses import replace

import torch
import torch.nn.functional as F
from torch import nn

from ..models import ModelOutput, model_meta
from .base import TermInputs, register_term
from .precision import at_least_float32


def layer_pairs(n_student: int, n_teacher: int) -> list[tuple[int, int]]:
    """Student layer i learns from teacher layer ``ceil((i+1)·n_t/n_s) - 1``: layers at the same relative depth,
    the student's last layer always paired with the teacher's last."""
    return [(i, math.ceil((i + 1) * n_teacher / n_student) - 1) for i in range(n_student)]


def attention_map_loss(student: list[torch.Tensor], teacher: list[torch.Tensor],
                       token_mask: torch.Tensor | None = None) -> torch.Tensor:
    """Mean over paired layers of MSE between ``[B, heads, Q, K]`` maps. Where head counts differ, both sides are
    averaged over heads first: heads are not ordered, so only their mean is comparable.

    ``token_mask`` (``[B, Q]``, True for real tokens) leaves padded queries out: their rows are the softmax of a
    token that is not there, which is no knowledge, and on short texts padded to a long length they would be most
    of the map. (Padded *keys* get exactly zero attention in both models, so they add nothing either way.)
    """
    losses = []
    for i, j in layer_pairs(len(student), len(teacher)):
        s, t = at_least_float32(student[i]), at_least_float32(teacher[j])
        if s.shape[2:] != t.shape[2:]:
            raise ValueError(f"attention maps need the same number of tokens, but the student has {s.shape[-1]} and "
                             f"the teacher {t.shape[-1]}; use the same patch size / sequence length")
        if s.shape[1] != t.shape[1]:
            s, t = s.mean(1, keepdim=True), t.mean(1, keepdim=True)
        if token_mask is None:
            losses.append(F.mse_loss(s, t))
        else:
            rows = token_mask[:, None, :, None].to(s.dtype)
            losses.append(((s - t).pow(2) * rows).sum() / (rows.sum() * s.shape[1] * s.shape[-1]))
    return torch.stack(losses).mean()


def activation_attention_loss(student: list[torch.Tensor], teacher: list[torch.Tensor]) -> torch.Tensor:
    """Mean over paired stages of ``mean((q_s/‖q_s‖ - q_t/‖q_t‖)²)`` on flattened ``[B, H, W]`` maps; the larger map
    is average-pooled to the smaller size first, so a student need not match the teacher's resolution."""
    losses = []
    for i, j in layer_pairs(len(student), len(teacher)):
        s, t = at_least_float32(student[i]), at_least_float32(teacher[j])
        size = (min(s.shape[1], t.shape[1]), min(s.shape[2], t.shape[2]))
        s = F.adaptive_avg_pool2d(s.unsqueeze(1), size).flatten(1)
        t = F.adaptive_avg_pool2d(t.unsqueeze(1), size).flatten(1)
        losses.append((F.normalize(s, dim=1) - F.normalize(t, dim=1)).pow(2).mean())
    return torch.stack(losses).mean()


def attention_pair_problem(teacher: str, student: str) -> str | None:
    """Why β cannot compare these two models' attention, or None: both need maps, and of the same kind."""
    kinds = {name: model_meta(name)["attention"] for name in (teacher, student)}
    if None not in kinds.values() and len(set(kinds.values())) == 1:
        return None
    words = {"tokens": "softmax attention maps", "spatial": "spatial activation maps", None: "no attention maps"}
    return (f"attention transfer needs attention maps of the same kind from both models, but teacher {teacher!r} has "
            f"{words[kinds[teacher]]} and student {student!r} has {words[kinds[student]]}")


@register_term(
    "attention", alias="beta", weight_symbol=r"\beta", weight_letter="β",
    default_weight=1000.0,  # RepDistiller's AT weight
    symbol=r"\mathcal{L}_{att}",
    label={"en": "attention transfer", "zh": "注意力迁移"},
    explain={"en": "make the student look where the teacher looks: match attention maps layer by layer",
             "zh": "让学生看教师所看之处：逐层匹配注意力图"},
    paper="Zagoruyko & Komodakis, ICLR 2017, Paying More Attention to Attention", knowledge="features",
    reads=("attention maps",), method="at", supports=attention_pair_problem,
    off_reason={"en": "both models need attention maps of one kind (two CNNs, or two transformers)",
                "zh": "两个模型都需要同一种注意力图（两个 CNN，或两个 Transformer）"})
class AttentionTransfer(nn.Module):
    def __init__(self, config, student_probe: ModelOutput, teacher_probe: ModelOutput):
        super().__init__()
        self.kind = model_meta(config.student)["attention"]
        self.field = "attentions" if self.kind == "tokens" else "activation_maps"
        self.needs = {self.field}
        student_maps, teacher_maps = getattr(student_probe, self.field), getattr(teacher_probe, self.field)
        # the teacher layers some student layer learns from, each once and in order: ``layer_pairs`` over them pairs
        # every student layer with the same teacher layer as over all of them (fewer student layers: one each;
        # more: every teacher layer is used)
        self.teacher_layers = sorted({j for _, j in layer_pairs(len(student_maps), len(teacher_maps))})
        self.average_heads = self.kind == "tokens" and student_maps[0].shape[1] != teacher_maps[0].shape[1]

    def reduce(self, teacher: ModelOutput) -> ModelOutput:
        """Only the teacher maps this term reads — each paired layer once, in order, so that ``layer_pairs`` pairs
        them with the student's exactly as before — and, where the head counts differ, their mean over heads (all
        the loss compares then).
        The loss is unchanged; the memory drops by the share of unused layers (and heads)."""
        maps = [getattr(teacher, self.field)[j] for j in self.teacher_layers]
        if self.average_heads:
            maps = [m.mean(1, keepdim=True) for m in maps]
        return replace(teacher, **{self.field: maps})

    def forward(self, inputs: TermInputs) -> torch.Tensor:
        student, teacher = inputs.student, inputs.teacher
        if self.kind == "tokens":
            return attention_map_loss(student.attentions, teacher.attentions, student.token_mask)
        return activation_attention_loss(student.activation_maps, teacher.activation_maps)
