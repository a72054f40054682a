"""The training loop shared by every phase: shuffled on-device batches, AdamW with a cosine schedule, device-side
metric sums read back only when an event is due, and events to whoever listens.

A listener is any object with some of the methods ``on_phase_start(phase)``, ``on_step(event)``,
``on_epoch_end(event)``, ``on_phase_end(phase, result)``, ``on_note(text)``; the loop calls only those it defines.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from threading import Event as StopFlag  # or any object with is_set(), e.g. kdlab.serve.workers.ServerLink
from typing import Callable

import torch
from torch import nn

from .data import IGNORE_INDEX
from .evaluate import autocast
from .losses.tokens import cross_entropy_loss
from .models import ModelOutput

STEP_EVENT_SECONDS = 0.5  # a step event at least this often, so a long epoch's curve still moves


class RunCancelled(Exception):
    """Raised between two steps once the stop flag is set."""


class RunInterrupted(RunCancelled):
    """Raised by a stop flag whose server is gone: nobody can watch the run any more (it ends 'interrupted')."""


class RunTimedOut(RuntimeError):
    """Raised by a stop flag once the run has used the wall time its server allows (it ends 'failed')."""


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite."""


@dataclass
class TrainEvent:
    phase: str
    kind: str  # "step" or "epoch"
    epoch: int  # 1-based
    step: int  # steps done in this phase
    progress: float  # fraction of the whole run done, 0..1
    metrics: dict[str, float]


class Listeners:
    """Calls a hook only on the listeners that define it, and keeps track of overall progress."""

    def __init__(self, listeners, total_steps: int, stop: StopFlag | None):
        self.listeners, self.total_steps, self.stop, self.done = list(listeners), max(total_steps, 1), stop, 0

    def call(self, hook: str, *args) -> None:
        for listener in self.listeners:
            method = getattr(listener, hook, None)
            if method is not None:
                method(*args)

    @property
    def progress(self) -> float:
        return min(self.done / self.total_steps, 1.0)


class _Window:
    """Device-side sums of loss components and correct predictions, read back (one host sync) on ``flush``."""

    def __init__(self):
        self.sums: dict[str, torch.Tensor] = {}
        self.correct, self.seen, self.steps = None, 0, 0

    def add(self, parts: dict[str, torch.Tensor], logits: torch.Tensor, labels: torch.Tensor) -> None:
        """``logits`` ``[B, C]`` or, per token, ``[B, L, V]``: a language model's accuracy is over its real tokens."""
        for name, value in parts.items():
            self.sums[name] = self.sums.get(name, 0) + value.detach()
        counted = labels != IGNORE_INDEX
        hits = ((logits.detach().argmax(-1) == labels) & counted).sum()
        self.correct = hits if self.correct is None else self.correct + hits
        self.seen = self.seen + counted.sum()
        self.steps += 1

    def flush(self) -> dict[str, float]:
        names = list(self.sums)
        values = torch.stack([self.sums[n].float() for n in names] + [self.correct.float(),
                                                                      torch.as_tensor(self.seen).float()]).tolist()
        metrics = {n: v / self.steps for n, v in zip(names, values[:-2])}
        metrics["train_acc"] = values[-2] / max(values[-1], 1)
        self.__init__()
        return metrics


LossFn = Callable[[ModelOutput, torch.Tensor, torch.Tensor, float], dict[str, torch.Tensor]]


def fit(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, loss_fn: LossFn, extra_params: list, epochs: int,
        batch_size: int, lr: float, seed: int, phase: str, log_every: int, listeners: Listeners,
        evaluate: Callable[[], dict[str, float]], sgd_groups: list[dict] = (),
        draw: Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor]] | None = None) -> None:
    """Adam with a cosine schedule over shuffled on-device batches. ``loss_fn(output, batch_index, labels,
    progress)``, ``progress`` being the fraction of this phase's steps already done (a warm-up reads it).

    ``sgd_groups``: parameter groups that plain SGD trains instead (``{"params", "lr", "momentum"}``), for a loss
    term whose gradient's *size* is the method — Adam divides it out (CTKD's reversed, scheduled gradient).

    ``draw``: a step's batch, inputs and labels, from its sample indices, when it is not ``x[index], y[index]``:
    mixed inputs (``kdlab.mixup.Mixup.draw``), or text a language model wrote (``kdlab.student_data``).

    ``listeners.stop`` is polled before every step: it returns True to cancel the run, or raises
    ``RunInterrupted``/``RunTimedOut`` itself.

    A step event (the mean metrics since the last one: one host sync) goes out every ``log_every`` steps, and also
    whenever ``STEP_EVENT_SECONDS`` have passed, so that on a long epoch (CIFAR-10 on a CPU) the live loss curve
    moves every second instead of once an epoch."""
    device, n = x.device, len(x)
    steps_per_epoch = math.ceil(n / batch_size)
    params = list(model.parameters()) + extra_params
    fused = {"fused": True} if device.type == "cuda" else {}
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=1e-4, **fused)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * steps_per_epoch)
    optimizers = [optimizer, *([torch.optim.SGD(list(sgd_groups))] if sgd_groups else [])]
    order = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)  # dropout draws the same masks in the baseline and the distilled run
    window, epoch_window, step, total_steps = _Window(), _Window(), 0, epochs * steps_per_epoch
    listeners.call("on_phase_start", phase)
    last_event = time.monotonic()
    for epoch in range(1, epochs + 1):
        model.train()
        perm = torch.randperm(n, generator=order).to(device)
        for start in range(0, n, batch_size):
            if listeners.stop is not None and listeners.stop.is_set():
                raise RunCancelled(f"stopped during the {phase} phase")
            index = perm[start:start + batch_size]
            inputs, labels = (x[index], y[index]) if draw is None else draw(index)
            with autocast(device):
                output = model(inputs)
            parts = loss_fn(output, index, labels, step / total_steps)
            for each in optimizers:
                each.zero_grad(set_to_none=True)
            parts["total"].backward()
            for each in optimizers:
                each.step()
            schedule.step()
            window.add(parts, output.logits, labels)
            epoch_window.add(parts, output.logits, labels)
            step += 1
            listeners.done += 1
            if step % log_every == 0 or time.monotonic() - last_event >= STEP_EVENT_SECONDS:
                listeners.call("on_step", TrainEvent(phase, "step", epoch, step, listeners.progress,
                                                      _checked(window.flush(), phase, epoch)))
                last_event = time.monotonic()
        metrics = {**_checked(epoch_window.flush(), phase, epoch), **evaluate()}
        listeners.call("on_epoch_end", TrainEvent(phase, "epoch", epoch, step, listeners.progress, metrics))
    if device.type == "cuda":
        torch.cuda.synchronize()


def _checked(metrics: dict[str, float], phase: str, epoch: int) -> dict[str, float]:
    if not all(math.isfinite(v) for v in metrics.values()):
        raise TrainingDiverged(f"the {phase} loss became NaN/inf in epoch {epoch}; "
                               "try a lower learning rate, a lower temperature or smaller β/γ")
    return metrics


def cross_entropy(output: ModelOutput, index: torch.Tensor, labels: torch.Tensor,
                  progress: float = 0.0) -> dict[str, torch.Tensor]:
    ce = cross_entropy_loss(output.logits.float(), labels)
    return {"ce": ce, "total": ce}
