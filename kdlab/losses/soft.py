"""Cross-entropy and soft targets (Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a Neural Network"):
the two terms of the classic loss, registered like every other method."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..data import IGNORE_INDEX
from .base import TermInputs, register_function
from .precision import at_least_float32
from .tokens import any_pair, cross_entropy_loss, kl_rows, mean_over_rows


def soft_target_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """``T² · KL(softmax(t/T) ‖ softmax(s/T))``, averaged over the batch.

    Why ×T²: the gradient of the KL with respect to a student logit is ``(q_i - p_i)/T``, and both q and p flatten
    as T grows, so the gradient shrinks like 1/T². Multiplying by T² keeps the soft term's share of the gradient
    roughly constant when T changes, so α means the same thing at every temperature (§2 of the paper).
    """
    log_q = F.log_softmax(at_least_float32(student_logits) / temperature, dim=-1)
    log_p = F.log_softmax(at_least_float32(teacher_logits) / temperature, dim=-1)
    return F.kl_div(log_q, log_p, log_target=True, reduction="batchmean") * temperature**2


def softened(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """``softmax(logits / T)``: T > 1 spreads probability onto the non-argmax classes ("dark knowledge")."""
    return F.softmax(at_least_float32(logits) / temperature, dim=-1)


def soft_targets_to(student_logits: torch.Tensor, teacher_log_probs: torch.Tensor, temperature,
                    labels: torch.Tensor | None = None) -> torch.Tensor:
    """``T² · KL(p ‖ softmax(s/T))`` for a teacher distribution given as log-probabilities (one teacher's
    ``log_softmax(t/T)``, or several teachers' fused answer), averaged over the samples or, for a language model,
    over the real tokens (``labels`` marks padding; None: every row counts); equal to ``soft_target_loss`` for one teacher."""
    log_q = F.log_softmax(at_least_float32(student_logits) / temperature, dim=-1)
    rows = kl_rows(teacher_log_probs, log_q)
    return (rows.mean() if labels is None else mean_over_rows(rows, labels)) * temperature**2


@register_function(
    "ce", complement_of="soft", weight_symbol=r"(1-\alpha)", weight_letter="1 − α", symbol=r"\mathrm{CE}(y, s)",
    label={"en": "cross-entropy", "zh": "交叉熵"},
    explain={"en": "the usual loss on the true labels: how surprised the student is by the right answer",
             "zh": "对真实标签的常规损失：学生对正确答案有多“意外”"},
    paper="—", knowledge="labels", reads=("logits", "labels"), method="ce", supports=any_pair)
def cross_entropy_term(inputs: TermInputs) -> torch.Tensor:
    if inputs.hard_labels is not None:  # some rows have no right answer: a batch may have none at all
        logits = at_least_float32(inputs.student.logits)
        per_token = F.cross_entropy(logits.transpose(1, 2), inputs.hard_labels, ignore_index=IGNORE_INDEX,
                                    reduction="none")
        return mean_over_rows(per_token, inputs.hard_labels)
    return cross_entropy_loss(inputs.student.logits, inputs.labels)


@register_function(
    "soft", alias="alpha", weight_symbol=r"\alpha", weight_letter="α", max_weight=1, default_weight=0.9,
    symbol=r"\cdot {T}^{2}\,\mathrm{KL}\big(\mathrm{softmax}(t/{T})\,\|\,\mathrm{softmax}(s/{T})\big)",
    label={"en": "soft targets", "zh": "软目标"},
    explain={"en": "match the teacher's whole answer softened by T; ×T² keeps its gradients as large at every T",
             "zh": "匹配教师经温度 T 软化后的答案（完整的输出分布）；乘以 T² 使各温度下的梯度大小相当"},
    paper="Hinton, Vinyals & Dean 2015, Distilling the Knowledge in a Neural Network", knowledge="logits",
    reads=("logits",), method="kd", reads_temperature=True, supports=any_pair)
def soft_targets_term(inputs: TermInputs) -> torch.Tensor:
    t = inputs.temperature
    return soft_targets_to(inputs.student.logits, inputs.teacher_log_probs(t), t, inputs.labels)
