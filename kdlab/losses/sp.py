"""Similarity-preserving KD (Tung & Mori, ICCV 2019, "Similarity-Preserving Knowledge Distillation", SP).

What it moves: which inputs of a batch the teacher treats as alike. Two inputs that produce similar activations
in the teacher should produce similar activations in the student; the absolute activations do not matter, so the
two networks may have different widths and spatial sizes. Each network's batch Gram matrix ``G = F Fᵀ`` (B×B) is
L2-normalised row by row and the student's is pulled towards the teacher's.

RepDistiller (``HobbitLong/RepDistiller``, ``distiller_zoo/SP.py``, "verified by original author"; weight from
``scripts/run_cifar_distill.sh``, ``-b 3000``) applies it to the last feature map before pooling.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .base import TermInputs, register_function
from .precision import at_least_float32

OFFICIAL_WEIGHT = 3000.0


def _normalised_gram(features: torch.Tensor) -> torch.Tensor:
    flat = at_least_float32(features).flatten(1)
    return F.normalize(flat @ flat.t(), p=2, dim=1)


def sp_loss(student_feat: torch.Tensor, teacher_feat: torch.Tensor) -> torch.Tensor:
    """``‖Ĝ_t - Ĝ_s‖²_F / B²`` with ``Ĝ`` the row-L2-normalised Gram matrix of the ``[B, ...]`` features flattened
    to ``[B, D]``. Returns a 0-dim tensor (the official returns shape ``[1]``); inputs are promoted to at least
    float32."""
    batch = student_feat.shape[0]
    diff = _normalised_gram(teacher_feat) - _normalised_gram(student_feat)
    return diff.pow(2).sum() / batch**2


@register_function(
    "sp", symbol=r"\mathcal{L}_{SP}", default_weight=OFFICIAL_WEIGHT, needs=frozenset({"features/embedding"}),
    label={"en": "similarity-preserving (SP)", "zh": "相似性保持（SP）"},
    explain={"en": "samples the teacher finds similar should look similar to the student too: match the batch's "
                   "similarity matrices",
             "zh": "教师认为相似的样本，学生也应认为相似：匹配一批样本内的相似度矩阵"},
    paper="Tung & Mori, ICCV 2019, Similarity-Preserving Knowledge Distillation", knowledge="relations",
    reads=("features/embedding",), method="sp")
def sp_term(inputs: TermInputs) -> torch.Tensor:
    return sp_loss(inputs.student.features["embedding"], inputs.teacher.features["embedding"])
