"""Decoupled Knowledge Distillation (Zhao, Cui, Song, Qiu & Liang, CVPR 2022, "Decoupled Knowledge Distillation").

What it moves: classic KD's KL, split in two (Eq. 1-5 of the paper)::

    KD = TCKD + (1 - p_t^T) · NCKD

TCKD (target-class KD) is the KL between the binary distributions ``[p_t, 1 - p_t]`` of teacher and student: how
sure the teacher is of the true class. NCKD (non-target-class KD) is the KL between the distributions over the
*other* classes, renormalised: the "dark knowledge" of which wrong classes look alike. In classic KD the NCKD
term is multiplied by ``1 - p_t^T``, which is small exactly when the teacher is confident, i.e. on the samples
where its dark knowledge is most reliable. DKD gives the two parts their own weights (1 and 8 by default in
mdistiller's ``engine/cfg.py``, its α and β; the CIFAR-100 configs use NCKD weights 2, 6 or 8; ImageNet 0.5 or 2
with T = 1).

The teacher comes as probabilities at temperature T (several teachers may be fused first); the student as logits.
"""
from __future__ import annotations

import torch

from .base import YES_NO, Knob, TermInputs, register_function
from .precision import at_least_float32
from .standardize import zscore

OFFICIAL_WARMUP_EPOCHS = 20
OFFICIAL_EPOCHS = 240


def dkd_loss(student_logits: torch.Tensor, teacher_probs: torch.Tensor, labels: torch.Tensor, temperature: float,
             tckd_weight: float = 1.0, nckd_weight: float = 8.0) -> torch.Tensor:
    """``T² · (tckd_weight · TCKD + nckd_weight · NCKD)``, each KL summed over classes and averaged over the batch.

    The student side works in log space (log-sum-exp over all classes and over the non-target classes), so a
    saturated student gives no ``log(0)``. The teacher's non-target distribution is its probabilities with the
    target zeroed and renormalised — the same as mdistiller's ``softmax(t/T - 1000·gt_mask)``. Teacher
    probabilities of exactly 0 or 1 are handled by ``0 · log 0 = 0`` (logs of a clamped argument) and a clamped
    renormaliser, so the loss and its gradient stay finite. Inputs are promoted to at least float32.
    """
    z = at_least_float32(student_logits) / temperature
    p = at_least_float32(teacher_probs)
    target = torch.zeros_like(z, dtype=torch.bool).scatter_(1, labels.view(-1, 1), True)
    tiny = torch.finfo(p.dtype).tiny

    def plogp(x: torch.Tensor) -> torch.Tensor:
        return x * x.clamp_min(tiny).log()

    log_z_all = z.logsumexp(dim=1)
    log_z_other = z.masked_fill(target, float("-inf")).logsumexp(dim=1)
    log_q_target = z.gather(1, labels.view(-1, 1)).squeeze(1) - log_z_all
    log_q_rest = log_z_other - log_z_all
    log_q_other = z - log_z_other.unsqueeze(1)

    p_target = p.gather(1, labels.view(-1, 1)).squeeze(1)
    p_other = p.masked_fill(target, 0.0)
    p_rest = p_other.sum(dim=1)
    p_other = p_other / p_rest.clamp_min(tiny).unsqueeze(1)

    tckd = plogp(p_target) - p_target * log_q_target + plogp(p_rest) - p_rest * log_q_rest
    nckd = (plogp(p_other) - p_other * log_q_other).sum(dim=1)
    return (tckd_weight * tckd + nckd_weight * nckd).mean() * temperature**2


def dkd_warmup(progress: float, warmup_fraction: float = OFFICIAL_WARMUP_EPOCHS / OFFICIAL_EPOCHS) -> float:
    """Factor on the DKD term: ``min(progress / warmup_fraction, 1)``, ``progress`` ∈ [0, 1] of training.

    mdistiller multiplies the DKD loss by ``min(epoch / WARMUP, 1)`` with WARMUP = 20 of 240 epochs on CIFAR-100:
    with β = 8 the NCKD gradient is large while the student is still random, and ramping it in avoids early
    instability.
    """
    return min(progress / warmup_fraction, 1.0)


@register_function(
    "dkd", symbol=r"\mathcal{L}_{DKD}", default_weight=1.0,
    label={"en": "decoupled KD (DKD)", "zh": "解耦知识蒸馏（DKD）"},
    explain={"en": "split soft targets into the target class (how sure) and the other classes (which look alike), "
                   "and weigh the latter more",
             "zh": "把软目标拆成目标类（有多确定）和非目标类（哪些类相似）两部分，并加重后者"},
    paper="Zhao et al., CVPR 2022, Decoupled Knowledge Distillation", knowledge="logits", reads=("logits", "labels"),
    method="dkd",
    knobs={"tckd": Knob(1.0, {"en": "how much the student copies how sure the teacher is of the true class "
                                  "(1 in the paper)",
                            "zh": "学生在多大程度上模仿教师对真实类别的确信程度（原文为 1）"}, 0.0, 10.0, 0.5,
                        label={"en": "weight of the target-class part (TCKD)", "zh": "目标类部分（TCKD）的权重"}),
           "nckd": Knob(8.0, {"en": "how much the student copies which wrong classes the teacher finds alike "
                                  "(8 in the paper's default)",
                              "zh": "学生在多大程度上模仿教师认为哪些错误类别相似（原文默认为 8）"}, 0.0, 20.0, 0.5,
                        label={"en": "weight of the other-classes part (NCKD)", "zh": "非目标类部分（NCKD）的权重"}),
           "warmup": Knob(OFFICIAL_WARMUP_EPOCHS / OFFICIAL_EPOCHS,
                          {"en": "share of training over which the term's weight grows linearly from 0 to full "
                                 "(20 of 240 epochs in the paper)",
                           "zh": "该项的权重从 0 线性增大到完整取值所占训练的比例（原文 240 轮中的 20 轮）"},
                          0.0, 1.0, 0.01, label={"en": "warm-up share of training", "zh": "预热占训练的比例"}),
           "standardize": Knob("no", {"en": "z-score both sides' logits first (logit standardization)",
                                      "zh": "先对双方的 logits 做 z-score 标准化（logit 标准化）"},
                               choices=("no", "yes"), label={"en": "standardize the logits first",
                                                             "zh": "先标准化 logits"}, choice_labels=YES_NO)},
    reads_temperature=True)
def dkd_term(inputs: TermInputs, tckd: float, nckd: float, warmup: float, standardize: str) -> torch.Tensor:
    """The DKD loss at the run's T, ramped up over the first ``warmup`` of training as in the paper."""
    transform = zscore if standardize == "yes" else None
    student = zscore(inputs.student.logits) if transform else inputs.student.logits
    t = inputs.temperature
    ramp = dkd_warmup(inputs.progress, warmup) if warmup > 0 else 1.0
    return ramp * dkd_loss(student, inputs.teacher_log_probs(t, transform).exp(), inputs.labels, t, tckd, nckd)
