"""The divergences LLM distillation argues about, per token: reverse KL, generalized Jensen–Shannon and skew KL.

Forward KL, ``KL(p ‖ q)`` (the ``soft`` term, p the teacher, q the student), punishes the student wherever the teacher
puts mass and the student does not: it *covers* every mode, spreading the student thin when it is too small to hold
them all. Reverse KL, ``KL(q ‖ p)``, punishes mass where the teacher has none: the student may drop modes and
*seeks* one (MiniLLM). The generalized JSD slides between the two with β (GKD); skew KL mixes a little of the
teacher into the student's side so the ratio never explodes (DistiLLM).

Like the soft targets, each softens both answers at the run's T and is multiplied by T², so a weight means the same
at every T (at T = 1, the papers' definitions); each is averaged over the real tokens, padding left out.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .base import Knob, TermInputs, register_function
from .precision import at_least_float32
from .tokens import kl_rows, language_models_only, mean_over_rows

ONLY_LM = {"en": "for a language-model pair (a GPT teacher and student on a text corpus)",
           "zh": "仅用于语言模型对（在文本语料上的 GPT 教师与学生）"}


def _log_probs(logits: torch.Tensor, temperature) -> torch.Tensor:
    return F.log_softmax(at_least_float32(logits) / temperature, dim=-1)


def reverse_kl_rows(student_log_probs: torch.Tensor, teacher_log_probs: torch.Tensor) -> torch.Tensor:
    """``KL(q ‖ p) = Σ_v q_v (log q_v − log p_v)`` per token: q the student, p the teacher."""
    return kl_rows(student_log_probs, teacher_log_probs)


def mixture_log_probs(log_a: torch.Tensor, log_b: torch.Tensor, share_of_b: float) -> torch.Tensor:
    """``log((1 − w)·a + w·b)`` computed in log space (exact where a probability underflows)."""
    return torch.logsumexp(torch.stack([log_a + math.log1p(-share_of_b), log_b + math.log(share_of_b)]), dim=0)


def generalized_jsd_rows(student_log_probs: torch.Tensor, teacher_log_probs: torch.Tensor,
                         beta: float) -> torch.Tensor:
    """GKD's ``JSD(β) = β·KL(p ‖ m) + (1 − β)·KL(q ‖ m)``, ``m = β·p + (1 − β)·q``, per token (TRL's
    ``generalized_jsd_loss``). For small β it is ``β·KL(p ‖ q)`` (forward KL, to first order) and for β near 1
    ``(1 − β)·KL(q ‖ p)`` (reverse KL): the endpoints, up to their scale."""
    mixture = mixture_log_probs(student_log_probs, teacher_log_probs, beta)
    return beta * kl_rows(teacher_log_probs, mixture) + (1 - beta) * kl_rows(student_log_probs, mixture)


def skew_kl_rows(student_log_probs: torch.Tensor, teacher_log_probs: torch.Tensor, skew: float) -> torch.Tensor:
    """DistiLLM's skew KL ``KL(p ‖ s·p + (1 − s)·q)`` per token: ``skew`` = 0 is forward KL; a little of the teacher
    in the student's side bounds the log-ratio where the student gives a token almost nothing."""
    if skew == 0:
        return kl_rows(teacher_log_probs, student_log_probs)
    return kl_rows(teacher_log_probs, mixture_log_probs(student_log_probs, teacher_log_probs, skew))


def _term(rows, inputs: TermInputs, **knobs) -> torch.Tensor:
    t = inputs.temperature
    per_token = rows(_log_probs(inputs.student.logits, t), inputs.teacher_log_probs(t), **knobs)
    return mean_over_rows(per_token, inputs.labels) * t**2


COMMON = dict(knowledge="logits", reads=("logits",), supports=language_models_only, off_reason=ONLY_LM,
              reads_temperature=True, weight_choices=(0.0, 0.1, 0.3, 0.5, 1.0, 2.0, 3.0))


@register_function(
    "rkl", symbol=r"\cdot {T}^{2}\,\mathrm{KL}\big(\mathrm{softmax}(s/{T})\,\|\,\mathrm{softmax}(t/{T})\big)",
    label={"en": "reverse KL (mode-seeking)", "zh": "反向 KL（寻找众数）"},
    explain={"en": "the student's distribution against the teacher's: it is punished for putting probability where "
                   "the teacher puts none, so it may keep one likely continuation and drop the others",
             "zh": "以学生的分布对照教师的分布：学生在教师不给概率之处给了概率就受罚，因此它可能只保留一种可能的后续而舍弃其他"},
    paper="Gu et al., ICLR 2024, MiniLLM: Knowledge Distillation of Large Language Models", method="rkl", **COMMON)
def reverse_kl_term(inputs: TermInputs) -> torch.Tensor:
    return _term(reverse_kl_rows, inputs)


@register_function(
    "gjsd", symbol=r"\cdot {T}^{2}\,\mathrm{JSD}_{\omega}(t \,\|\, s)",  # the paper's β: β is attention's weight here
    label={"en": "generalized JSD (forward to reverse KL)", "zh": "广义 JS 散度（从正向到反向 KL）"},
    explain={"en": "a divergence between teacher and student that slides from forward KL (mode-covering) to "
                   "reverse KL (mode-seeking) as its own mix ω goes from 0 to 1",
             "zh": "教师与学生之间的一种散度：它自己的混合系数 ω 从 0 到 1 时，由正向 KL（覆盖众数）滑向反向 KL（寻找众数）"},
    paper="Agarwal et al., ICLR 2024, On-Policy Distillation of Language Models: Learning from Self-Generated "
          "Mistakes (GKD)", method="gjsd",
    knobs={"beta": Knob(0.5, {"en": "near 0 the divergence behaves like forward KL, near 1 like reverse KL (the GKD "
                                    "paper's β, written ω here)",
                              "zh": "接近 0 时散度像正向 KL，接近 1 时像反向 KL（即 GKD 论文中的 β，这里记作 ω）"},
                        0.01, 0.99, 0.01,
                        label={"en": "JSD mix ω (0 forward KL, 1 reverse KL)",
                               "zh": "JS 散度的混合系数 ω（0 为正向 KL，1 为反向 KL）"})}, **COMMON)
def generalized_jsd_term(inputs: TermInputs, beta: float) -> torch.Tensor:
    return _term(generalized_jsd_rows, inputs, beta=beta)


@register_function(
    "skl", symbol=r"\cdot {T}^{2}\,\mathrm{KL}\big(t \,\|\, \lambda t + (1-\lambda) s\big)",
    label={"en": "skew KL", "zh": "偏斜 KL"},
    explain={"en": "forward KL against a mixture of the student with a little of the teacher, which keeps the loss "
                   "and its gradients bounded where the student gives a token almost no probability",
             "zh": "对照“学生混入少量教师”的混合分布计算正向 KL：学生几乎不给某个词元概率时，损失与梯度仍保持有界"},
    paper="Ko et al., ICML 2024, DistiLLM: Towards Streamlined Distillation for Large Language Models",
    method="skl",
    knobs={"skew": Knob(0.1, {"en": "how much of the teacher is mixed into the student's side (0 is plain forward "
                                    "KL; the paper uses 0.1)",
                              "zh": "在学生一侧混入多少教师（0 即普通的正向 KL；论文用 0.1）"},
                        0.0, 0.9, 0.05,
                        label={"en": "share of the teacher mixed into the student", "zh": "混入学生一侧的教师比例"})},
    **COMMON)
def skew_kl_term(inputs: TermInputs, skew: float) -> torch.Tensor:
    return _term(skew_kl_rows, inputs, skew=skew)
