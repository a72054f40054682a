"""DIST (Huang, You, Wang, Qian & Xu, NeurIPS 2022, "Knowledge Distillation from A Stronger Teacher").

What it moves: the *relations* in the teacher's predictions rather than their exact values. A much stronger
teacher's probabilities can be far from anything the student can produce, and KL's exact match then disturbs
training. Pearson correlation is invariant to shifting and scaling each vector, so DIST only asks that the
student rank and space classes like the teacher:

* inter-class relation — for each sample, the correlation between the student's and the teacher's predictions
  over the classes;
* intra-class relation — for each class, the correlation over the samples of the batch (which samples look most
  like that class).

Defaults in the official code (``hunto/image_classification_sota``, ``lib/models/losses/kd_loss.py`` and the
``configs/strategies/distill/*.yaml``): β = γ = 1 inside the term and a term weight of 2 next to a CE weight of
1, with τ = 1 on ImageNet (``kd: dist``) and τ = 4 on CIFAR-100 (``kd: dist_t4``).
"""
from __future__ import annotations

import torch

from .base import Knob, TermInputs, register_function
from .precision import at_least_float32


def _mean_pearson(a: torch.Tensor, b: torch.Tensor, eps: float) -> torch.Tensor:
    """Mean over rows of ``⟨a - ā, b - b̄⟩ / (‖a - ā‖·‖b - b̄‖ + eps)``: the official eps sits outside the product."""
    a = a - a.mean(dim=1, keepdim=True)
    b = b - b.mean(dim=1, keepdim=True)
    norms = torch.linalg.vector_norm(a, dim=1) * torch.linalg.vector_norm(b, dim=1)
    return ((a * b).sum(dim=1) / (norms + eps)).mean()


def dist_loss(student_logits: torch.Tensor, teacher_probs: torch.Tensor, tau: float, inter_weight: float = 1.0,
              intra_weight: float = 1.0, eps: float = 1e-8) -> torch.Tensor:
    """``τ² · (inter_weight · (1 - mean_i ρ(y_s[i], y_t[i])) + intra_weight · (1 - mean_c ρ(y_s[:, c], y_t[:, c])))``.

    ``y_s = softmax(student_logits / τ)``; ``teacher_probs`` is already ``softmax(teacher_logits / τ)``. With a batch
    of one sample the intra-class correlation is undefined (each class column is a single value): the centred
    columns are zero, ρ is ``0 / eps = 0`` and the intra part is the constant ``intra_weight · τ²`` with zero
    gradient, as in the official code. Inputs are promoted to at least float32.
    """
    y_s = torch.softmax(at_least_float32(student_logits) / tau, dim=1)
    y_t = at_least_float32(teacher_probs)
    inter = 1 - _mean_pearson(y_s, y_t, eps)
    intra = 1 - _mean_pearson(y_s.t(), y_t.t(), eps)
    return tau**2 * (inter_weight * inter + intra_weight * intra)


@register_function(
    "dist", symbol=r"\mathcal{L}_{DIST}", default_weight=2.0, weight_choices=(0.0, 0.5, 1.0, 2.0, 4.0, 8.0),
    label={"en": "DIST (relations of predictions)", "zh": "DIST（预测之间的关系）"},
    explain={"en": "ask only that the student ranks and spaces the classes like the teacher (Pearson correlation), "
                   "per sample and per class",
             "zh": "只要求学生像教师一样排列和拉开各类别（皮尔逊相关），逐样本与逐类别"},
    paper="Huang et al., NeurIPS 2022, Knowledge Distillation from A Stronger Teacher", knowledge="logits",
    reads=("logits",), method="dist",
    knobs={"tau": Knob(4.0, {"en": "DIST softens both answers at its own temperature τ, not at T (4 on CIFAR-100, 1 on "
                                   "ImageNet)",
                             "zh": "DIST 用它自己的温度 τ（而不是 T）软化双方的答案（CIFAR-100 用 4，ImageNet 用 1）"},
                       0.5, 20.0, 0.5, label={"en": "its own temperature τ", "zh": "它自己的温度 τ"}),
           "inter": Knob(1.0, {"en": "how much the student must rank the classes of each sample like the teacher",
                               "zh": "学生在多大程度上要像教师一样为每个样本的各类别排序"}, 0.0, 10.0, 0.5,
                         label={"en": "weight of the relation between classes (per sample)",
                                "zh": "类间关系（逐样本）的权重"}),
           "intra": Knob(1.0, {"en": "how much the student must rank the samples of a batch for each class like the "
                                     "teacher",
                               "zh": "学生在多大程度上要像教师一样为每个类别给一批样本排序"}, 0.0, 10.0, 0.5,
                         label={"en": "weight of the relation within a class (over a batch)",
                                "zh": "类内关系（逐类别、在一批样本上）的权重"})})
def dist_term(inputs: TermInputs, tau: float, inter: float, intra: float) -> torch.Tensor:
    return dist_loss(inputs.student.logits, inputs.teacher_log_probs(tau).exp(), tau, inter, intra)
