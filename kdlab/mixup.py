"""Mixup of the students' transfer set (Zhang, Cissé, Dauphin & Lopez-Paz, ICLR 2018, "mixup: Beyond Empirical Risk
Minimization"), one of the strategies source article 002 names.

Each batch is mixed with a shuffled copy of itself, ``x̃ = λ·x + (1 − λ)·x[π]`` with one ``λ ~ Beta(α, α)`` per
batch (the paper's code), and the loss is the paper's mixup criterion applied to the whole objective:
``λ·L(y) + (1 − λ)·L(y[π])``. Terms that do not read the labels give the same value both times, so only
cross-entropy (and what reads the labels) actually mixes; soft targets are the teacher's answer *on the mixed
input*, which is the point: the teacher says what a blend of a 3 and an 8 looks like.

The price: the student's inputs change every step, so the teachers' answers can no longer be cached once before
the first step (``kdlab.teacher_outputs``) — the teachers score every mixed batch, and the run says how long that
took (``teacher_seconds``). The baseline student is mixed the same way (the same λ and π, from the same seed), so
the gain over it is the teacher's, not mixup's.
"""
from __future__ import annotations

import time
from typing import Callable

import numpy as np
import torch
from torch import Tensor, nn

from .evaluate import autocast
from .models import ModelOutput

MIXABLE = ("image", "points")  # modalities whose inputs are numbers that can be blended (not token ids)


class Mixup:
    """This phase's mixing: call it on a batch's inputs (``draw`` makes ``fit``'s batches so); it keeps that step's
    ``lam``, ``partner`` (π) and mixed ``inputs`` for the loss, and the seconds the teachers took on mixed batches."""

    def __init__(self, alpha: float, seed: int):
        self.alpha = alpha
        self.rng = np.random.default_rng(seed)
        self.generator = torch.Generator().manual_seed(seed)
        self.lam, self.partner, self.inputs = 1.0, None, None
        self.teacher_seconds, self.teacher_batches = 0.0, 0

    def __call__(self, x: Tensor) -> Tensor:
        self.lam = float(self.rng.beta(self.alpha, self.alpha))
        self.partner = torch.randperm(len(x), generator=self.generator).to(x.device)
        self.inputs = self.lam * x + (1 - self.lam) * x[self.partner]
        return self.inputs

    def draw(self, x: Tensor, y: Tensor) -> Callable[[Tensor], tuple[Tensor, Tensor]]:
        """``fit``'s ``draw``: the batch ``index`` of ``x`` mixed, with its labels (the loss mixes those)."""
        return lambda index: (self(x[index]), y[index])

    def mixed_loss(self, loss_of: Callable[[Tensor], dict[str, Tensor]], labels: Tensor) -> dict[str, Tensor]:
        """``λ·L(y) + (1 − λ)·L(y[π])`` for every part ``loss_of(labels)`` returns (its curves too)."""
        first, second = loss_of(labels), loss_of(labels[self.partner])
        return {name: self.lam * first[name] + (1 - self.lam) * second[name] for name in first}

    def of(self, loss_fn: Callable[..., dict[str, Tensor]]) -> Callable[..., dict[str, Tensor]]:
        """``loss_fn(output, index, labels, progress)`` on mixed labels (the baseline's cross-entropy)."""
        def mixed(output: ModelOutput, index: Tensor, labels: Tensor, progress: float = 0.0) -> dict[str, Tensor]:
            return self.mixed_loss(lambda y: loss_fn(output, index, y, progress), labels)

        return mixed

    def teachers_on_batch(self, teachers: list[nn.Module], needs: set[str],
                          reduce: Callable[[ModelOutput], ModelOutput]) -> tuple[ModelOutput, list[Tensor]]:
        """The first teacher's outputs (what the loss terms read) and the further teachers' logits on this step's
        mixed inputs, timed (synchronised on a GPU, so the time is the work's, not the launch's)."""
        device = self.inputs.device
        started = time.perf_counter()
        with torch.no_grad(), autocast(device):
            first = reduce(teachers[0](self.inputs).keep(needs))
            more = [model(self.inputs).logits.float() for model in teachers[1:]]
        if device.type == "cuda":
            torch.cuda.synchronize()
        self.teacher_seconds += time.perf_counter() - started
        self.teacher_batches += 1
        return first, more
