"""The trainer: one entry point trains (or loads) a teacher, a baseline student and a distilled student.

Why it is fast on a 2-core CPU and on a GPU alike:
- the whole dataset lives on the device and batches are sliced there (no DataLoader, no per-batch copies);
- the teacher runs once over the transfer set, before the student's first step, and its logits (plus whatever
  features the active loss terms read) are cached — inputs are never augmented, so they never change;
- metrics are summed on the device and read back only every ``log_every`` steps and at epoch ends;
- on CUDA the forward passes run under bf16 autocast; the losses are computed in float32.

The trainer emits events and knows nothing of who listens: a listener is any object with some of the methods
``on_phase_start(phase)``, ``on_step(event)``, ``on_epoch_end(event)``, ``on_phase_end(phase, result)``.
"""
from __future__ import annotations

import copy
import math
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from threading import Event as StopFlag  # or any object with is_set(), e.g. kdlab.workers.ServerLink
from typing import Any, Callable

import torch
import torch.nn.functional as F
from torch import nn

from .config import RunConfig
from .data import Splits, load_dataset, transfer_indices
from .losses import DistillationLoss
from .models import InputSpec, ModelOutput, build_model, parameter_count, size_bytes
from .teachers import TEACHER_BATCH_SIZE, load_cached_teacher, store_teacher, teacher_lock, teacher_path

PHASES = ("teacher", "baseline", "student")
# Inference chunk: large on a GPU; on a CPU, 128 images keep activations in cache (1024 ran 2.2x slower per image
# for cnn-large at 28x28 on two cores, see benchmarks/README.md).
EVAL_BATCH = {"cuda": 1024, "mps": 1024, "cpu": 128}


class RunCancelled(Exception):
    """Raised between two steps once the stop flag is set."""


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


@dataclass
class PhaseResult:
    test_acc: float
    per_class_acc: list[float]
    params: int
    size_bytes: int
    seconds: float
    samples_per_second: float


@dataclass
class RunResult:
    config: RunConfig
    device: str
    teacher: PhaseResult
    student: PhaseResult
    baseline: PhaseResult | None
    teacher_cached: bool
    agreement: float  # top-1 agreement of the distilled student with the teacher on the test set
    models: dict[str, nn.Module] = field(repr=False, default_factory=dict)
    splits: Splits | None = field(repr=False, default=None)

    def summary(self) -> dict[str, Any]:
        """The JSON the CLI prints and the run store keeps."""
        phases = {"teacher": self.teacher, "student": self.student, "baseline": self.baseline}
        out: dict[str, Any] = {f"{name}_acc": (p.test_acc if p else None) for name, p in phases.items()}
        out["per_class_acc"] = {name: (p.per_class_acc if p else None) for name, p in phases.items()}
        for name, p in phases.items():
            out[f"{name}_params"] = p.params if p else None
            out[f"{name}_size_bytes"] = p.size_bytes if p else None
        out.update(distill_seconds=self.student.seconds, samples_per_second=self.student.samples_per_second,
                   baseline_seconds=self.baseline.seconds if self.baseline else None,
                   teacher_seconds=self.teacher.seconds, teacher_cached=self.teacher_cached,
                   agreement=self.agreement, device=self.device, class_names=self.splits.class_names,
                   config=self.config.to_dict())
        return out


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps" if torch.backends.mps.is_available() else "cpu")
    available = {"cpu": True, "cuda": torch.cuda.is_available(), "mps": torch.backends.mps.is_available()}
    if not available[name]:
        raise ValueError(f"device {name!r} was asked for, but this machine has none; use auto or cpu")
    return torch.device(name)


def autocast(device: torch.device):
    return torch.autocast("cuda", dtype=torch.bfloat16) if device.type == "cuda" else nullcontext()


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor, keep: set[str] = frozenset()) -> ModelOutput:
    """Eval-mode outputs over a whole tensor in large batches, keeping only the parts named in ``keep``."""
    model.eval()
    with autocast(x.device):
        chunk = EVAL_BATCH[x.device.type]
        return ModelOutput.cat([model(x[i:i + chunk]).keep(keep) for i in range(0, len(x), chunk)])


def per_class_accuracy(logits: torch.Tensor, labels: torch.Tensor, num_classes: int) -> list[float]:
    correct = torch.zeros(num_classes, device=labels.device).index_add_(0, labels, (logits.argmax(1) == labels).float())
    counts = torch.bincount(labels, minlength=num_classes).clamp(min=1)
    return (correct / counts).tolist()


class _Listeners:
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
        for name, value in parts.items():
            self.sums[name] = self.sums.get(name, 0) + value.detach()
        hits = (logits.argmax(1) == labels).sum()
        self.correct = hits if self.correct is None else self.correct + hits
        self.seen += len(labels)
        self.steps += 1

    def flush(self) -> dict[str, float]:
        names = list(self.sums)
        values = torch.stack([self.sums[n].float() for n in names] + [self.correct.float()]).tolist()
        metrics = {n: v / self.steps for n, v in zip(names, values[:-1])}
        metrics["train_acc"] = values[-1] / self.seen
        self.__init__()
        return metrics


LossFn = Callable[[ModelOutput, torch.Tensor, torch.Tensor], dict[str, torch.Tensor]]


def fit(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, loss_fn: LossFn, extra_params: list, epochs: int,
        batch_size: int, lr: float, seed: int, phase: str, log_every: int, listeners: _Listeners,
        evaluate: Callable[[], dict[str, float]]) -> None:
    """Adam with a cosine schedule over shuffled on-device batches. ``loss_fn(output, batch_index, labels)``."""
    device, n = x.device, len(x)
    steps_per_epoch = math.ceil(n / batch_size)
    params = list(model.parameters()) + extra_params
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=1e-4, **({"fused": True} if device.type == "cuda" else {}))
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * steps_per_epoch)
    order = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)  # dropout draws the same masks in the baseline and the distilled run
    window, epoch_window, step = _Window(), _Window(), 0
    listeners.call("on_phase_start", phase)
    for epoch in range(1, epochs + 1):
        model.train()
        perm = torch.randperm(n, generator=order).to(device)
        for start in range(0, n, batch_size):
            if listeners.stop is not None and listeners.stop.is_set():
                raise RunCancelled(f"stopped during the {phase} phase")
            index = perm[start:start + batch_size]
            labels = y[index]
            with autocast(device):
                output = model(x[index])
            parts = loss_fn(output, index, labels)
            optimizer.zero_grad(set_to_none=True)
            parts["total"].backward()
            optimizer.step()
            schedule.step()
            window.add(parts, output.logits, labels)
            epoch_window.add(parts, output.logits, labels)
            step += 1
            listeners.done += 1
            if step % log_every == 0:
                listeners.call("on_step", TrainEvent(phase, "step", epoch, step, listeners.progress,
                                                      _checked(window.flush(), phase, epoch)))
        metrics = {**_checked(epoch_window.flush(), phase, epoch), **evaluate()}
        listeners.call("on_epoch_end", TrainEvent(phase, "epoch", epoch, step, listeners.progress, metrics))
    if device.type == "cuda":
        torch.cuda.synchronize()


def _checked(metrics: dict[str, float], phase: str, epoch: int) -> dict[str, float]:
    if not all(math.isfinite(v) for v in metrics.values()):
        raise TrainingDiverged(f"the {phase} loss became NaN/inf in epoch {epoch}; "
                               "try a lower learning rate, a lower temperature or smaller β/γ")
    return metrics


def cross_entropy(output: ModelOutput, index: torch.Tensor, labels: torch.Tensor) -> dict[str, torch.Tensor]:
    ce = F.cross_entropy(output.logits.float(), labels)
    return {"ce": ce, "total": ce}


def obtain_teacher(config: RunConfig, splits: Splits, x_train, y_train, x_test, y_test,
                   events: _Listeners) -> tuple[nn.Module, PhaseResult, bool]:
    """The cached teacher for this config, or a freshly trained one that is then cached (under a lock, so that
    concurrent runs wait for one training instead of each training their own)."""
    path = teacher_path(config)
    teacher = build_model(config.teacher, InputSpec.of(splits), config.seed, config.teacher_kw).to(x_train.device)
    with teacher_lock(path):
        started = time.perf_counter()
        facts = load_cached_teacher(path, teacher)
        cached = facts is not None
        if not cached:
            def evaluate() -> dict[str, float]:
                return {"test_acc": (predict(teacher, x_test).logits.argmax(1) == y_test).float().mean().item()}

            fit(teacher, x_train, y_train, loss_fn=cross_entropy, extra_params=[], epochs=config.teacher_epochs,
                batch_size=TEACHER_BATCH_SIZE, lr=config.teacher_lr, seed=config.seed, phase="teacher",
                log_every=config.log_every, listeners=events, evaluate=evaluate)
            facts = {"seconds": time.perf_counter() - started}
            store_teacher(path, teacher, facts)
    teacher.eval().requires_grad_(False)
    result = _phase_result(teacher, predict(teacher, x_test).logits, y_test, splits.num_classes, facts["seconds"], 0)
    events.call("on_phase_end", "teacher", result)
    return teacher, result, cached


def _load(config: RunConfig) -> tuple[torch.device, Splits]:
    config.validate()
    splits = load_dataset(config.dataset, seed=config.seed, data_root=config.data_root, download=config.download,
                          **config.dataset_kw)
    return resolve_device(config.device), splits


def _teacher_steps(config: RunConfig, splits: Splits) -> int:
    """Steps the teacher phase will take: none when the teacher is cached."""
    if teacher_path(config).exists():
        return 0
    return math.ceil(len(splits.x_train) / TEACHER_BATCH_SIZE) * config.teacher_epochs


def prepare_teacher(config: RunConfig, listeners=()) -> tuple[nn.Module, Splits]:
    """The trained teacher and its data, for pages that need a teacher before any run (trains one if uncached)."""
    device, splits = _load(config)
    tensors = (t.to(device) for t in (splits.x_train, splits.y_train, splits.x_test, splits.y_test))
    teacher, _, _ = obtain_teacher(config, splits, *tensors, _Listeners(listeners, _teacher_steps(config, splits), None))
    return teacher, splits


def run_distillation(config: RunConfig, listeners=(), stop: StopFlag | None = None) -> RunResult:
    """Train or load the teacher, then a baseline and a distilled student from the same initial weights."""
    device, splits = _load(config)
    spec = InputSpec.of(splits)
    x_train, y_train = splits.x_train.to(device), splits.y_train.to(device)
    x_test, y_test = splits.x_test.to(device), splits.y_test.to(device)
    transfer = transfer_indices(splits.y_train, config.train_fraction, config.train_limit,
                                config.exclude_classes, config.seed).to(device)
    x_transfer, y_transfer = x_train[transfer], y_train[transfer]

    student_steps = math.ceil(len(transfer) / config.batch_size) * config.epochs
    events = _Listeners(listeners, _teacher_steps(config, splits) + student_steps * (1 + config.baseline), stop)

    teacher, teacher_result, teacher_cached = obtain_teacher(config, splits, x_train, y_train, x_test, y_test, events)
    teacher_test = predict(teacher, x_test).logits.float()

    student = build_model(config.student, spec, config.seed, config.student_kw).to(device)
    initial_weights = copy.deepcopy(student.state_dict())

    def student_metrics(model: nn.Module) -> dict[str, float]:
        logits = predict(model, x_test).logits.float()
        kl = F.kl_div(F.log_softmax(logits, 1), F.log_softmax(teacher_test, 1), log_target=True, reduction="batchmean")
        values = torch.stack([(logits.argmax(1) == y_test).float().mean(),
                              (logits.argmax(1) == teacher_test.argmax(1)).float().mean(), kl]).tolist()
        return dict(zip(("test_acc", "agreement", "kl_to_teacher"), values))

    common = dict(epochs=config.epochs, batch_size=config.batch_size, lr=config.lr, seed=config.seed,
                  log_every=config.log_every, listeners=events)
    baseline_result, models = None, {"teacher": teacher, "student": student}
    if config.baseline:
        baseline = build_model(config.student, spec, config.seed, config.student_kw).to(device)
        baseline.load_state_dict(initial_weights)
        started = time.perf_counter()
        fit(baseline, x_transfer, y_transfer, loss_fn=cross_entropy, extra_params=[], phase="baseline",
            evaluate=lambda: student_metrics(baseline), **common)
        baseline_result = _phase_result(baseline, predict(baseline, x_test).logits, y_test, splits.num_classes,
                                        time.perf_counter() - started, len(transfer) * config.epochs)
        models["baseline"] = baseline
        events.call("on_phase_end", "baseline", baseline_result)

    started = time.perf_counter()
    with torch.no_grad():
        probe_student, probe_teacher = student.eval()(x_transfer[:2]), teacher(x_transfer[:2])
    torch.manual_seed(config.seed + 1)  # the learned projections' initial weights
    loss = DistillationLoss(config, probe_student, probe_teacher).to(device)
    cached = predict(teacher, x_transfer, loss.needs)

    def distill(output: ModelOutput, index: torch.Tensor, labels: torch.Tensor) -> dict[str, torch.Tensor]:
        return loss(output, cached.map(lambda t: t[index]), labels)

    fit(student, x_transfer, y_transfer, loss_fn=distill, extra_params=list(loss.parameters()), phase="student",
        evaluate=lambda: student_metrics(student), **common)
    student_logits = predict(student, x_test).logits
    student_result = _phase_result(student, student_logits, y_test, splits.num_classes, time.perf_counter() - started,
                                   len(transfer) * config.epochs)
    events.call("on_phase_end", "student", student_result)
    agreement = (student_logits.argmax(1) == teacher_test.argmax(1)).float().mean().item()
    return RunResult(config, str(device), teacher_result, student_result, baseline_result, teacher_cached,
                     agreement, models, splits)


def _phase_result(model: nn.Module, logits: torch.Tensor, labels: torch.Tensor, num_classes: int, seconds: float,
                  samples: int) -> PhaseResult:
    accuracy = (logits.argmax(1) == labels).float().mean().item()
    return PhaseResult(accuracy, per_class_accuracy(logits, labels, num_classes), parameter_count(model),
                       size_bytes(model), seconds, samples / seconds if samples and seconds > 0 else 0.0)
