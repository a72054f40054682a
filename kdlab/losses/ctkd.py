"""Curriculum temperature (Li, Li, Yang, Zhao, Song, Luo, Li & Yang, AAAI 2023, "Curriculum Temperature for
Knowledge Distillation", CTKD).

What it moves: the same soft targets as KD, but the temperature is learned *adversarially*: the student minimises
the KD loss while T, through a gradient reversal layer, maximises it, so the task gets harder as the student gets
better. The reversal strength λ follows a curriculum — 0 at the start (T is left alone while the student is weak),
rising along a half cosine to its maximum, then held.

Official code (``zhengli97/CTKD``): the raw parameter ``global_T`` starts at 1 (``models/temp_global.py``), passes
through the reversal layer, then ``T = t_start + t_end · sigmoid(raw)`` with ``t_start = 1``, ``t_end = 20``
(``helper/loops.py``, ``train_student.py``) — so ``t_end`` is a *range* and T lies in (1, 21), starting near 15.6.
The schedule is ``CosineDecay(max=0, min=-1, loops=10)`` over 240 CIFAR-100 epochs (5 of 120 on ImageNet, the
same 1/24 of training), and the layer multiplies the gradient by that negative value; here λ is its magnitude and
the layer multiplies by ``-λ``.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from .base import Knob, TermInputs, register_term
from .soft import soft_targets_to

INITIAL_RAW_TEMPERATURE = 1.0
OFFICIAL_RISE_FRACTION = 10 / 240
OFFICIAL_T_LR = 0.05  # the temperature trains in the student's SGD (lr 0.05, momentum 0.9) in the official code


class GradientReversal(torch.autograd.Function):
    """Identity forward; backward multiplies the gradient by ``-strength`` (Ganin & Lempitsky 2015).

    ``GradientReversal.apply(x, strength)``; ``strength`` is a plain float and gets no gradient.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, strength: float) -> torch.Tensor:
        ctx.strength = strength
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        return -ctx.strength * grad, None


def reversal_strength(progress: float, rise_fraction: float = OFFICIAL_RISE_FRACTION, min_strength: float = 0.0,
                      max_strength: float = 1.0) -> float:
    """λ at ``progress`` ∈ [0, 1] of training: a half cosine from ``min_strength`` to ``max_strength`` over the first
    ``rise_fraction`` of training, constant afterwards.

    ``λ = min + (max - min) · (1 - cos(π · min(progress / rise_fraction, 1))) / 2`` — the official
    ``CosineDecay.get_value(epoch)`` with ``epoch / loops = progress / rise_fraction``, sign flipped.
    """
    ramp = min(max(progress / rise_fraction, 0.0), 1.0)
    return min_strength + (max_strength - min_strength) * (1 - math.cos(math.pi * ramp)) / 2


def bounded_temperature(raw: torch.Tensor, t_start: float = 1.0, t_range: float = 20.0) -> torch.Tensor:
    """``t_start + t_range · sigmoid(raw)``: keeps the learned T in (t_start, t_start + t_range), never ≤ 0."""
    return t_start + t_range * torch.sigmoid(raw)


@register_term(
    "ctkd",
    symbol=(r"\cdot T_{\theta}^{2}\,\mathrm{KL}\big(\mathrm{softmax}(t/T_{\theta})\,\|\,"
            r"\mathrm{softmax}(s/T_{\theta})\big)"),
    default_weight=9.0, weight_choices=(0.0, 0.1, 0.3, 1.0, 3.0, 9.0, 30.0),  # CE 0.1 : KD 0.9 in the official runs
    label={"en": "learned temperature (CTKD)", "zh": "可学习温度（CTKD）"},
    explain={"en": "soft targets at a temperature that is learned to make the task harder as the student improves "
                   "(adversarially, through a gradient reversal layer)",
             "zh": "在一个可学习的温度下匹配软目标：温度通过梯度反转层对抗地学习，随学生变强而让任务变难"},
    paper="Li et al., AAAI 2023, Curriculum Temperature for Knowledge Distillation", knowledge="logits",
    reads=("logits",), method="ctkd",
    knobs={"t_start": Knob(1.0, {"en": "the learned T never goes below this", "zh": "学到的温度不会低于这个值"},
                           0.5, 10.0, 0.5, label={"en": "lowest learned temperature", "zh": "学到的温度的下限"}),
           "t_range": Knob(20.0, {"en": "the learned T stays between the lowest value and the lowest plus this",
                                  "zh": "学到的温度在下限与下限加上这个宽度之间"}, 1.0, 50.0, 1.0,
                           label={"en": "width of the learned temperature's range", "zh": "学到的温度的范围宽度"}),
           "rise": Knob(OFFICIAL_RISE_FRACTION, {"en": "share of training over which the reversal strength rises "
                                                       "from 0 to 1 (10 of 240 epochs in the paper)",
                                                 "zh": "反转强度从 0 升到 1 所占训练的比例（原文 240 轮中的 10 轮）"},
                        0.0, 1.0, 0.01, label={"en": "rise share of training", "zh": "反转强度上升占训练的比例"}),
           "t_lr": Knob(OFFICIAL_T_LR, {"en": "SGD learning rate of the temperature (momentum 0.9, as in the paper's "
                                              "code): Adam would divide out the reversal strength",
                                        "zh": "温度的 SGD 学习率（动量 0.9，同原文代码）："
                                              "Adam 会抵消反转强度的作用"},
                        0.001, 1.0, 0.005, label={"en": "learning rate of the temperature", "zh": "温度的学习率"})},
    curves={"temperature": {"en": "learned temperature T (CTKD)", "zh": "学到的温度 T（CTKD）"}})
class LearnedTemperature(nn.Module):
    """KD at a global temperature ``T = t_start + t_range·sigmoid(θ)``; θ trains with the student but through a
    gradient reversal layer of strength λ(progress), so it *ascends* the KD loss. ``curves()`` reports T."""

    def __init__(self, config, student_probe, teacher_probe, t_start: float, t_range: float, rise: float,
                 t_lr: float):
        super().__init__()
        self.sgd_options = {"lr": t_lr, "momentum": 0.9}  # the schedule's λ scales the step only under SGD
        self.raw = nn.Parameter(torch.tensor(INITIAL_RAW_TEMPERATURE))
        self.t_start, self.t_range, self.rise = t_start, t_range, rise
        self.last_temperature = torch.zeros(())

    def forward(self, inputs: TermInputs) -> torch.Tensor:
        strength = reversal_strength(inputs.progress, self.rise) if self.rise > 0 else 1.0
        t = bounded_temperature(GradientReversal.apply(self.raw, strength), self.t_start, self.t_range)
        self.last_temperature = t.detach()
        return soft_targets_to(inputs.student.logits, inputs.teacher_log_probs(t), t)

    def curves(self) -> dict[str, torch.Tensor]:
        return {"temperature": self.last_temperature}
