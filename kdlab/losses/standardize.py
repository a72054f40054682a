"""Logit standardization (Sun, Ren, Li, Wang & Cao, CVPR 2024, "Logit Standardization in Knowledge Distillation").

What it moves: the *shape* of the teacher's logits (their relative order and spacing), not their scale. Classic
KD softens both sides with one shared temperature, so matching the two softmaxes forces the student to reproduce
the teacher's logit range and variance as well — a small student may not be able to, and need not: the relations
between logits carry the knowledge. Z-scoring each sample's logits first removes mean and scale from both sides,
so only the shape is compared. The official code then applies a *base* temperature of 2 (``--base-temp 2`` in
``tools/train.py``, with KD weight 9 and CE weight 0.1) to the standardized logits.
"""
from __future__ import annotations

import torch

from .base import Knob, TermInputs, register_function
from .precision import at_least_float32
from .soft import soft_targets_to

OFFICIAL_BASE_TEMPERATURE = 2.0


def zscore(logits: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    """Per sample ``(x - mean(x)) / (std(x) + eps)`` over the last dimension, with the *unbiased* std.

    The official ``normalize`` uses ``Tensor.std``, whose default is the unbiased (n - 1) estimator, so we do too.
    The variance is clamped at the dtype's smallest normal number before the square root: that changes no value
    (``eps`` dominates there) but keeps the gradient finite for a constant row, e.g. a zero-initialised head.
    """
    x = at_least_float32(logits)
    centred = x - x.mean(dim=-1, keepdim=True)
    variance = centred.pow(2).sum(dim=-1, keepdim=True) / (x.shape[-1] - 1)
    std = variance.clamp_min(torch.finfo(x.dtype).tiny).sqrt()
    return centred / (std + eps)


@register_function(
    "ls", symbol=r"\mathcal{L}_{LS}", default_weight=90.0,  # CE 0.1 : KD 9 in the official runs
    weight_choices=(0.0, 1.0, 3.0, 9.0, 30.0, 90.0, 300.0),
    label={"en": "soft targets on standardized logits", "zh": "标准化 logits 上的软目标"},
    explain={"en": "z-score each sample's logits on both sides first, so the student copies the shape of the "
                   "teacher's answer, not its scale",
             "zh": "先对双方每个样本的 logits 做 z-score，让学生模仿教师答案的形状，而不是它的尺度"},
    paper="Sun et al., CVPR 2024, Logit Standardization in Knowledge Distillation", knowledge="logits",
    reads=("logits",), method="ls",
    knobs={"base_temperature": Knob(OFFICIAL_BASE_TEMPERATURE,
                                    {"en": "the temperature applied to the standardized logits (2 in the paper)",
                                     "zh": "作用在标准化 logits 上的温度（原文为 2）"}, 0.5, 20.0, 0.5,
                                    label={"en": "temperature on the standardized logits",
                                           "zh": "标准化 logits 上的温度"})})
def standardized_soft_targets(inputs: TermInputs, base_temperature: float) -> torch.Tensor:
    t = base_temperature
    return soft_targets_to(zscore(inputs.student.logits), inputs.teacher_log_probs(t, zscore), t)
