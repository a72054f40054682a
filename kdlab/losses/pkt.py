"""Probabilistic Knowledge Transfer (Passalis & Tefas, ECCV 2018, "Learning Deep Representations with
Probabilistic Knowledge Transfer", PKT).

What it moves: the teacher's *neighbourhoods* in feature space. Each batch is turned into a conditional
probability distribution per sample — "how likely is sample j to be picked as the neighbour of sample i" —
using cosine similarity rescaled to [0, 1] as the kernel, and the student matches the teacher's distributions by
KL. Only similarities between samples are compared, so the feature widths may differ and no projection is needed.

RepDistiller (``HobbitLong/RepDistiller``, ``distiller_zoo/PKT.py``; weight from ``scripts/run_cifar_distill.sh``,
``-b 30000``) averages the KL over all B² entries instead of summing over j, which is why its weight is so large.
"""
from __future__ import annotations

import torch

from .base import TermInputs, register_function
from .precision import at_least_float32

OFFICIAL_WEIGHT = 30000.0


def _neighbour_probabilities(features: torch.Tensor, eps: float) -> torch.Tensor:
    """Row-normalised ``(cos + 1) / 2`` between all pairs; the norm's eps is added, as in the official code."""
    unit = features / (torch.linalg.vector_norm(features, dim=1, keepdim=True) + eps)
    kernel = (unit @ unit.t() + 1) / 2
    return kernel / kernel.sum(dim=1, keepdim=True)


def pkt_loss(student_feat: torch.Tensor, teacher_feat: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    """``mean_{i,j} p_t[i,j] · log((p_t[i,j] + eps) / (p_s[i,j] + eps))`` over the B×B neighbour probabilities.

    Inputs are ``[B, D_s]`` and ``[B, D_t]`` and are promoted to at least float32. A zero feature vector gives a
    zero unit vector (and a zero, not NaN, gradient of its norm), so the official NaN-to-zero step is not needed.
    """
    p_s = _neighbour_probabilities(at_least_float32(student_feat), eps)
    p_t = _neighbour_probabilities(at_least_float32(teacher_feat), eps)
    return (p_t * torch.log((p_t + eps) / (p_s + eps))).mean()


@register_function(
    "pkt", symbol=r"\mathcal{L}_{PKT}", default_weight=OFFICIAL_WEIGHT, needs=frozenset({"features/embedding"}),
    label={"en": "probabilistic transfer (PKT)", "zh": "概率知识迁移（PKT）"},
    explain={"en": "match, for each sample, how likely every other sample is to be its neighbour in the embedding",
             "zh": "对每个样本，匹配其他样本在嵌入空间中成为它近邻的概率"},
    paper="Passalis & Tefas, ECCV 2018, Learning Deep Representations with Probabilistic Knowledge Transfer",
    knowledge="relations", reads=("features/embedding",), method="pkt")
def pkt_term(inputs: TermInputs) -> torch.Tensor:
    return pkt_loss(inputs.student.features["embedding"], inputs.teacher.features["embedding"])
