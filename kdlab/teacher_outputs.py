"""The teacher's outputs for the student phase, held within a memory budget.

The inputs are never augmented, so the teacher's answer for a sample never changes: computing it once before the
student's first step and slicing it per batch saves one teacher forward pass per step. But what is cached is
everything the active loss terms read, and for attention transfer on text that is every layer's attention map:
IMDb (25,000 reviews, 256 tokens, 4 layers of 4 heads) would need 25,000 × 4 × 4 × 257² × 4 bytes ≈ 106 GB. So:

1. ``cached``: everything fits in the budget — cache it all (the fast path of every classroom run);
2. ``reduced``: each loss term keeps only what it reads (``term.reduce``: for attention, the teacher layers its
   student layers are paired with, head-averaged where the head counts differ) — the same loss, less memory;
3. ``per_batch``: even that does not fit — the teacher runs on each batch inside the loop (slower, bounded);
4. ``mixed``: the students' inputs are mixed anew every step (``kdlab.mixup``), so there is nothing to cache: the
   teachers score every mixed batch, and the time they took is measured and reported.

The choice and its sizes are reported in the run's log and summary, so nobody wonders why a run was slower.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

from .evaluate import EVAL_BATCH, autocast, predict
from .models import ModelOutput

MIB = 2**20
DEFAULT_BUDGET_BYTES = 4096 * MIB  # per run; two concurrent runs and the server stay well inside 24 GiB
PROBE_SAMPLES = 8


@dataclass
class TeacherOutputs:
    mode: str  # "cached", "reduced", "per_batch" or "mixed"
    bytes: int  # held in memory
    full_bytes: int  # what caching every output would take
    budget_bytes: int
    cached: ModelOutput | None
    teacher: nn.Module
    x: torch.Tensor
    needs: set[str]
    reduce: Callable[[ModelOutput], ModelOutput]
    seconds: float | None = None  # "mixed": the teachers' time on the mixed batches, once measured
    steps: int = 0

    def batch(self, index: torch.Tensor) -> ModelOutput:
        """The teacher's outputs for the samples ``x[index]``."""
        if self.cached is not None:
            return self.cached.map(lambda t: t[index])
        with torch.no_grad(), autocast(self.x.device):
            return self.reduce(self.teacher(self.x[index]).keep(self.needs))

    def facts(self) -> dict:
        facts = {"mode": self.mode, "bytes": self.bytes, "full_bytes": self.full_bytes,
                 "budget_bytes": self.budget_bytes}
        return facts if self.seconds is None else {**facts, "seconds": self.seconds, "steps": self.steps}

    def describe(self) -> str:
        full, budget = _size(self.full_bytes), _size(self.budget_bytes)
        if self.mode == "cached":
            return f"teacher outputs cached once: {full} (budget {budget})"
        if self.mode == "reduced":
            return (f"teacher outputs reduced to what the loss terms read: {_size(self.bytes)} instead of {full} "
                    f"(budget {budget})")
        if self.mode == "mixed":
            cost = "" if self.seconds is None else f": {self.seconds:.2f} s for {self.steps} mixed batches"
            return f"teacher run on every step, since mixup changes the students' inputs every step{cost}"
        return f"teacher run on every batch: caching its outputs would take {full}, over the budget of {budget}"


def teacher_outputs(teacher: nn.Module, x: torch.Tensor, needs: set[str],
                    reduce: Callable[[ModelOutput], ModelOutput], budget_bytes: int,
                    mixed: bool = False) -> TeacherOutputs:
    """Decide, from the outputs for a few samples, how to provide the teacher's outputs within ``budget_bytes``
    (see the module's docstring), and compute the cache when there is one (never when ``mixed``: mixup)."""
    probe = predict(teacher, x[:PROBE_SAMPLES], needs)
    per_sample = probe.nbytes() / len(probe.logits)
    reduced_per_sample = reduce(probe).nbytes() / len(probe.logits)
    full, reduced = round(per_sample * len(x)), round(reduced_per_sample * len(x))
    facts = dict(full_bytes=full, budget_bytes=budget_bytes, teacher=teacher, x=x, needs=needs, reduce=reduce)
    if mixed:
        return TeacherOutputs("mixed", 0, cached=None, **facts)
    if full <= budget_bytes:
        return TeacherOutputs("cached", full, cached=predict(teacher, x, needs), **facts)
    if reduced <= budget_bytes:
        # one chunk's full outputs exist before they are reduced: keep that to a tenth of the budget too
        chunk = max(1, min(EVAL_BATCH[x.device.type], int(budget_bytes / 10 / per_sample)))
        return TeacherOutputs("reduced", reduced, cached=predict(teacher, x, needs, reduce, chunk), **facts)
    return TeacherOutputs("per_batch", 0, cached=None, **facts)


def _size(n: int) -> str:
    return f"{n / MIB:,.1f} MiB" if n < 1024 * MIB else f"{n / 1024 / MIB:,.1f} GiB"
