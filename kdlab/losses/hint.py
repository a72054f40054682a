"""Representation / hint matching (γ): FitNets (Romero et al. 2015).

The student's chosen hidden feature is mapped to the teacher's width by a learned projection (a 1x1 conv for
feature maps, a linear layer otherwise) and pulled towards the teacher's feature by MSE. The projection trains
with the student but is not part of the deployed student, so it never counts in the student's size.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..models import ModelOutput
from .base import Knob, TermInputs, register_term
from .precision import at_least_float32


def pooled(feature: torch.Tensor) -> torch.Tensor:
    """Any feature as a ``[B, D]`` vector: maps are averaged over space, token states over positions."""
    feature = at_least_float32(feature)
    return feature.flatten(2).mean(2) if feature.dim() == 4 else (feature.mean(1) if feature.dim() == 3 else feature)


def _matching_structure(s: torch.Tensor, t: torch.Tensor) -> bool:
    """Maps with maps and token sequences of equal length keep their structure; anything else is pooled."""
    return s.dim() == t.dim() == 4 or (s.dim() == t.dim() == 3 and s.shape[1] == t.shape[1])


def projection(s: torch.Tensor, t: torch.Tensor) -> nn.Module:
    width_s, width_t = (s.shape[1], t.shape[1]) if s.dim() == 4 and t.dim() == 4 else (s.shape[-1], t.shape[-1])
    if not _matching_structure(s, t):
        width_s, width_t = pooled(s).shape[1], pooled(t).shape[1]
    if width_s == width_t:
        return nn.Identity()
    return nn.Conv2d(width_s, width_t, 1) if s.dim() == t.dim() == 4 else nn.Linear(width_s, width_t)


@register_term(
    "representation", alias="gamma", weight_symbol=r"\gamma", weight_letter="γ",
    default_weight=100.0,  # RepDistiller's FitNet weight
    symbol=r"\mathcal{L}_{rep}",
    label={"en": "representation (hint)", "zh": "表示蒸馏（特征蒸馏）"},
    explain={"en": "pull a hidden feature of the student towards the teacher's, through a learned projection",
             "zh": "通过一个可学习的投影，把学生的某个隐藏特征拉向教师的对应特征"},
    paper="Romero et al., ICLR 2015, FitNets: Hints for Thin Deep Nets", knowledge="features",
    reads=("features",), method="fitnet",
    knobs={"feature": Knob("embedding", {"en": "which hidden feature to match: the embedding before the classifier, "
                                               "or the middle of the network",
                                         "zh": "匹配哪个隐藏特征：分类器之前的嵌入，或网络中部的特征"},
                           choices=("embedding", "mid"), label={"en": "feature to match", "zh": "匹配的特征"},
                           choice_labels={"embedding": {"en": "embedding (before the classifier)",
                                                        "zh": "嵌入（分类器之前）"},
                                          "mid": {"en": "middle of the network", "zh": "网络中部"}})})
class HintLoss(nn.Module):
    def __init__(self, config, student_probe: ModelOutput, teacher_probe: ModelOutput, feature: str):
        super().__init__()
        self.feature = feature
        self.needs = {f"features/{self.feature}"}
        s, t = student_probe.features[self.feature], teacher_probe.features[self.feature]
        self.structured = _matching_structure(s, t)
        self.project = projection(s, t)

    def forward(self, inputs: TermInputs) -> torch.Tensor:
        s, t = at_least_float32(inputs.student.features[self.feature]), at_least_float32(inputs.teacher.features[self.feature])
        if not self.structured:
            return F.mse_loss(self.project(pooled(s)), pooled(t))
        s = self.project(s)
        if s.dim() == 4 and s.shape[2:] != t.shape[2:]:
            size = (min(s.shape[2], t.shape[2]), min(s.shape[3], t.shape[3]))
            s, t = F.adaptive_avg_pool2d(s, size), F.adaptive_avg_pool2d(t, size)
        return F.mse_loss(s, t)
