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


def dkd_loss(student_logits: torch.Tensor, teacher_log_probs: torch.Tensor, labels: torch.Tensor, temperature: float,
             tckd_weight: float = 1.0, nckd_weight: float = 8.0) -> torch.Tensor:
    """``T² · (tckd_weight · TCKD + nckd_weight · NCKD)``, each KL summed over classes and averaged over the batch.

    Both sides work in log space. The teacher comes as log-probabilities at temperature T (``log_softmax(t/T)``,
    or several teachers' fused answer): its non-target distribution is ``log p_i − logsumexp_{j≠target} log p_j``,
    which stays exact when a confident teacher's non-target probabilities all underflow in float32 (logits some
    hundreds apart at T = 1), where renormalising probabilities would lose the whole NCKD part. This equals
    mdistiller's ``softmax(t/T − 1000·gt_mask)``. A teacher probability of exactly 0 (log −inf) contributes
    ``0 · log 0 = 0``: logs are clamped at the dtype's lowest finite value, so loss and gradient stay finite.
    Inputs are promoted to at least float32; float64 stays float64.
    """
    z = at_least_float32(student_logits) / temperature
    log_p = at_least_float32(teacher_log_probs).to(z.dtype)
    lowest = torch.finfo(z.dtype).min
    target = torch.zeros_like(z, dtype=torch.bool).scatter_(1, labels.view(-1, 1), True)

    def kl_part(log_p_part: torch.Tensor, log_q_part: torch.Tensor) -> torch.Tensor:
        """``p · (log p − log q)`` with ``0 · log 0 = 0``."""
        log_p_part = log_p_part.clamp_min(lowest)
        return log_p_part.exp() * (log_p_part - log_q_part)

    def split(log_x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """log of the target's share, of the rest's share, and of each non-target class within the rest."""
        log_all = log_x.logsumexp(dim=1)
        log_other = log_x.masked_fill(target, float("-inf")).logsumexp(dim=1)
        log_target = log_x.gather(1, labels.view(-1, 1)).squeeze(1) - log_all
        return log_target, log_other - log_all, log_x - log_other.clamp_min(lowest).unsqueeze(1)

    log_q_target, log_q_rest, log_q_other = split(z)
    log_p_target, log_p_rest, log_p_other = split(log_p)
    # the target's own column is not part of the non-target distribution: probability 0 there, before any exp
    log_p_other, log_q_other = log_p_other.masked_fill(target, lowest), log_q_other.masked_fill(target, 0.0)
    tckd = kl_part(log_p_target, log_q_target) + kl_part(log_p_rest, log_q_rest)
    nckd = kl_part(log_p_other, log_q_other).sum(dim=1)
    return (tckd_weight * tckd + nckd_weight * nckd).mean() * temperature**2


def dkd_warmup(progress: float, warmup_fraction: float = OFFICIAL_WARMUP_EPOCHS / OFFICIAL_EPOCHS) -> float:
    """Factor on the DKD term: ``min(progress / warmup_fraction, 1)``, ``progress`` ∈ [0, 1] of training.

    mdistiller multiplies the DKD loss by ``min(epoch / WARMUP, 1)`` with WARMUP = 20 of 240 epochs on CIFAR-100:
    with β = 8 the NCKD gradient is large while the student is still random, and ramping it in avoids early
    instability. Its epochs count from 1, so its ramp is a staircase of 20 steps (1/20 during the first epoch, full
    from epoch 20). kdlab's runs are a few epochs long, where a per-epoch staircase over 20/240 of training would be
    one or two steps; so the ramp here is the same line read per optimisation step: it reaches full weight at the
    same point of training (20/240), and starts from 0 rather than from 1/20 of it.
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
    return ramp * dkd_loss(student, inputs.teacher_log_probs(t, transform), inputs.labels, t, tckd, nckd)
