"""Distillation losses: pure functions plus a registry of weighted terms, combined by ``DistillationLoss``.

``L = (1-α)·CE(y, s) + α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + β·L_att + γ·L_rep + Σ w·L_term``

A term is an ``nn.Module`` built from ``(config, student_probe, teacher_probe)`` — the probes are the two models'
outputs on one batch, so a term can size a learned projection — with a ``needs`` set naming the teacher outputs it
reads (what the teacher cache must keep) and, optionally, a ``reduce(teacher_output)`` that keeps only
what it reads. Adding a method is one class plus one ``@register_loss`` line.
"""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from ..models import ModelOutput
from ..registry import Registry
from .soft import soft_target_loss

LossTermFactory = Callable[..., nn.Module]
LOSS_TERMS: Registry[LossTermFactory] = Registry("loss term")


def register_loss(name: str, *, summary: str, paper: str):
    return LOSS_TERMS.register(name, summary=summary, paper=paper)


class DistillationLoss(nn.Module):
    """The whole objective. ``forward`` returns every component separately (unweighted) plus ``"total"``."""

    def __init__(self, config, student_probe: ModelOutput, teacher_probe: ModelOutput):
        super().__init__()
        self.alpha, self.temperature = config.alpha, config.temperature
        self.weights = config.term_weights()
        self.terms = nn.ModuleDict({
            name: LOSS_TERMS.get(name).factory(config, student_probe, teacher_probe) for name in self.weights
        })

    @property
    def needs(self) -> set[str]:
        """Teacher outputs beyond logits that the active terms read."""
        return set().union(*(term.needs for term in self.terms.values()))

    def reduce(self, teacher: ModelOutput) -> ModelOutput:
        """The teacher's outputs cut down to what the active terms read (a term with a ``reduce`` method keeps less
        of its own part, giving the same loss); ``kdlab.teacher_outputs`` uses it when a full cache is too big."""
        for term in self.terms.values():
            if hasattr(term, "reduce"):
                teacher = term.reduce(teacher)
        return teacher

    def forward(self, student: ModelOutput, teacher: ModelOutput, labels: torch.Tensor) -> dict[str, torch.Tensor]:
        parts = {"ce": F.cross_entropy(student.logits.float(), labels)}
        total = (1 - self.alpha) * parts["ce"]
        if self.alpha > 0:
            parts["soft"] = soft_target_loss(student.logits, teacher.logits, self.temperature)
            total = total + self.alpha * parts["soft"]
        for name, term in self.terms.items():
            parts[name] = term(student, teacher)
            total = total + self.weights[name] * parts[name]
        parts["total"] = total
        return parts


