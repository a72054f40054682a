"""Discriminative (adversarial) distillation: a discriminator learns to tell the teacher's answers from the
student's, and the student learns to fool it (Xu, Hsu & Huang 2018, "Training Shallow and Thin Networks for
Acceleration via Knowledge Distillation with Conditional Adversarial Networks"; Wang, Zhang, Sun & Qi, NeurIPS
2018, "KDGAN"). Source article 002 §2.3 calls it 判别式蒸馏.

What it moves: the teacher's output *distribution* as a whole, through a learned loss instead of a fixed one (KL):
whatever difference between the two answers a small network can still spot, the student is pushed to remove.

Here the discriminator ``D`` is a two-layer MLP that reads a softened answer ``softmax(z/T)`` (the teachers' fused
answer, or the student's) next to the sample's one-hot label — conditioned on the class, as a conditional GAN's
discriminator is — and outputs the logit of "this came from the teacher". Two losses, each for one player:

* ``D`` minimises ``BCE(D(p_t), 1) + BCE(D(p_s), 0)``: it *maximises* its accuracy at telling them apart. It
  trains with its own SGD step (``sgd_options``, like CTKD's temperature), on the student's answer detached;
* the student minimises the fooling loss ``BCE(D(p_s), 1) = −log D(p_s)``, through ``D``'s weights detached, so
  its step never helps ``D``. This is the non-saturating form (Goodfellow et al. 2014): a gradient reversal layer
  on ``D``'s own loss would give the student ``log(1 − D(p_s))``, whose gradient vanishes exactly when ``D`` wins.

The term's value is the fooling loss (≈ log 2 = 0.69 when ``D`` can no longer tell, larger while it can); ``D``'s
gradient rides on it with a value of zero and is divided by the term's weight, so ``D`` learns at its own rate
whatever the weight. ``curves()`` reports ``D``'s accuracy on the batch: near 1 it still tells the two apart, near
0.5 the student's answers pass for the teacher's.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call

from .base import Knob, TermInputs, register_term
from .precision import at_least_float32

MOMENTUM = 0.9


def discriminator_losses(discriminator: nn.Module, teacher_probs: torch.Tensor, student_probs: torch.Tensor,
                         labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(fooling loss, discriminator loss, discriminator accuracy)`` for one batch (see the module docstring):
    the first has gradients for the student only, the second for ``D`` only, the third none."""
    condition = F.one_hot(labels, student_probs.shape[-1]).to(student_probs.dtype)
    real = discriminator(torch.cat([teacher_probs.detach(), condition], dim=1)).squeeze(1)
    fake = discriminator(torch.cat([student_probs.detach(), condition], dim=1)).squeeze(1)
    d_loss = (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
              + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))
    frozen = {name: p.detach() for name, p in discriminator.named_parameters()}
    fooled = functional_call(discriminator, frozen, (torch.cat([student_probs, condition], dim=1),)).squeeze(1)
    fool = F.binary_cross_entropy_with_logits(fooled, torch.ones_like(fooled))
    accuracy = ((real > 0).sum() + (fake <= 0).sum()).to(student_probs.dtype) / (2 * len(labels))
    return fool, d_loss, accuracy.detach()


@register_term(
    "adv",
    symbol=r"\big(-\log D(\mathrm{softmax}(s/{T}), y)\big)",
    default_weight=1.0, weight_choices=(0.0, 0.1, 0.3, 1.0, 3.0, 10.0),
    label={"en": "adversarial (a discriminator to fool)", "zh": "判别式蒸馏（骗过判别器）"},
    explain={"en": "a small network learns to tell the teacher's softened answer from the student's; the student "
                   "learns to make its answer pass for the teacher's",
             "zh": "一个小网络学习区分教师和学生经温度软化后的答案；学生学习让自己的答案被当成教师的答案"},
    paper="Xu, Hsu & Huang 2018, Training Shallow and Thin Networks for Acceleration via Knowledge Distillation "
          "with Conditional Adversarial Networks; Wang et al., NeurIPS 2018, KDGAN",
    knowledge="logits", reads=("logits", "labels"), method="adv", reads_temperature=True,
    knobs={"hidden": Knob(64, {"en": "units in the discriminator's hidden layer: a wider one spots subtler "
                                     "differences between the two answers",
                               "zh": "判别器隐藏层的单元数：越宽越能发现两个答案之间细微的差别"},
                          8, 256, 8, integer=True,
                          label={"en": "width of the discriminator", "zh": "判别器的宽度"}),
           "d_lr": Knob(0.05, {"en": "SGD learning rate of the discriminator (momentum 0.9), its own optimizer "
                                     "next to the student's",
                               "zh": "判别器的 SGD 学习率（动量 0.9）：它有自己的优化器，与学生的分开"},
                        0.001, 1.0, 0.005, label={"en": "learning rate of the discriminator",
                                                  "zh": "判别器的学习率"})},
    curves={"accuracy": {"en": "discriminator accuracy (teacher vs student)",
                         "zh": "判别器的准确率（区分教师与学生）"}})
class AdversarialDistillation(nn.Module):
    """The student's fooling loss against a discriminator ``D`` that trains alongside with its own SGD step."""

    def __init__(self, config, student_probe, teacher_probe, hidden: int, d_lr: float):
        super().__init__()
        classes = student_probe.logits.shape[-1]
        self.discriminator = nn.Sequential(nn.Linear(2 * classes, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, 1))
        self.sgd_options = {"lr": d_lr, "momentum": MOMENTUM}
        weight = config.terms.get("adv", 0.0)
        self.d_scale = 1.0 / weight if weight > 0 else 1.0  # D's step does not depend on the student's weight
        self.last_accuracy = torch.zeros(())

    def forward(self, inputs: TermInputs) -> torch.Tensor:
        t = inputs.temperature
        student_probs = F.softmax(at_least_float32(inputs.student.logits) / t, dim=-1)
        teacher_probs = inputs.teacher_log_probs(t).exp().to(student_probs.dtype)
        fool, d_loss, self.last_accuracy = discriminator_losses(self.discriminator, teacher_probs, student_probs,
                                                                inputs.labels)
        return fool + (d_loss - d_loss.detach()) * self.d_scale

    def curves(self) -> dict[str, torch.Tensor]:
        return {"accuracy": self.last_accuracy}
