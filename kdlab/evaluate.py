"""Evaluation shared by training, re-opened runs, imports and the pages: device choice, batched inference, the
few numbers every result reports (accuracy, per-class accuracy, top-1 agreement, size), each written once, and
the shape of a run's result (``RunResult.summary()`` is what the CLI prints and the run store keeps).
"""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Callable

import torch
from torch import nn

from .config import RunConfig
from .data import IGNORE_INDEX, Splits
from .errors import UserError
from .models import ModelOutput, parameter_count, size_bytes

# Inference chunk: large on a GPU; on a CPU, 128 images keep activations in cache (1024 ran 2.2x slower per image
# for cnn-large at 28x28 on two cores, see benchmarks/README.md).
EVAL_BATCH = {"cuda": 1024, "mps": 1024, "cpu": 128}


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps" if torch.backends.mps.is_available() else "cpu")
    available = {"cpu": True, "cuda": torch.cuda.is_available(), "mps": torch.backends.mps.is_available()}
    if not available[name]:
        raise UserError("device.missing", "device {value!r} was asked for, but this machine has none; use auto or cpu",
                        value=name)
    return torch.device(name)


def autocast(device: torch.device):
    return torch.autocast("cuda", dtype=torch.bfloat16) if device.type == "cuda" else nullcontext()


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor, keep: set[str] = frozenset(),
            reduce: Callable[[ModelOutput], ModelOutput] | None = None, chunk: int | None = None) -> ModelOutput:
    """Eval-mode outputs over a whole tensor in chunks, keeping only the parts named in ``keep`` and passing each
    chunk through ``reduce`` (a loss term's way of keeping less, see ``kdlab.teacher_outputs``).

    The outputs are written into tensors allocated once at their full size, so the peak memory is the result plus
    one chunk, not twice the result as concatenating the chunks would cost. ``chunk``: samples per forward pass
    (default ``EVAL_BATCH`` for the device).
    """
    model.eval()
    chunk = chunk or EVAL_BATCH[x.device.type]
    reduce = reduce or (lambda output: output)
    with autocast(x.device):
        first = reduce(model(x[:chunk]).keep(keep))
        if len(x) <= chunk:
            return first
        full = [torch.empty((len(x), *t.shape[1:]), dtype=t.dtype, device=t.device) for t in first.tensors()]
        for target, part in zip(full, first.tensors()):
            target[:len(part)] = part
        for start in range(chunk, len(x), chunk):
            for target, part in zip(full, reduce(model(x[start:start + chunk]).keep(keep)).tensors()):
                target[start:start + len(part)] = part
    return first.from_tensors(full)


def answers(logits: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The answers every measure below compares: a classifier's one per sample (``[N, C]``, ``[N]``) as they are; a
    language model's one per real token, its ``[N, L, V]`` logits and ``[N, L]`` targets flattened to ``[M, V]`` and
    ``[M]`` (padding left out). Accuracy is then next-token accuracy, agreement top-1 next-token agreement."""
    if logits.ndim == 2:
        return logits, labels
    keep = labels != IGNORE_INDEX
    return logits[keep], labels[keep]


def top1(logits_or_classes: torch.Tensor) -> torch.Tensor:
    """``[N, C]`` logits -> their argmax; ``[N]`` class ids pass through."""
    values = torch.as_tensor(logits_or_classes)
    return values.argmax(-1) if values.ndim == 2 else values.long()


def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The fraction of correct top-1 answers, as a 0-d tensor on the device (read it when you need it)."""
    return (top1(logits) == labels).float().mean()


def agreement(a_logits: torch.Tensor, b_logits: torch.Tensor) -> torch.Tensor:
    """Top-1 agreement ``(1/N) Σ_n [argmax a_n = argmax b_n]``: how often two models give the same answer, right
    or wrong. A student can match the teacher's mistakes, which accuracy alone does not show. A 0-d tensor."""
    return (top1(a_logits) == top1(b_logits)).float().mean()


def macro_f1(logits: torch.Tensor, labels: torch.Tensor, num_classes: int) -> float:
    """The mean over classes of ``F1_c = 2·TP_c / (2·TP_c + FP_c + FN_c)`` (a class never predicted nor present
    counts 0): unlike accuracy it weighs a rare class as much as a common one, which matters when a student never
    saw a class."""
    predicted = top1(logits)
    hits = (predicted == labels).float()
    true_positives = torch.zeros(num_classes, device=labels.device).index_add_(0, labels, hits)
    predicted_count = torch.bincount(predicted, minlength=num_classes).float()
    actual_count = torch.bincount(labels, minlength=num_classes).float()
    denominator = (predicted_count + actual_count).clamp(min=1)
    return (2 * true_positives / denominator).mean().item()


def paired_counts(a_logits: torch.Tensor, b_logits: torch.Tensor, labels: torch.Tensor) -> dict[str, int]:
    """On the same test images: how many only model A got right, and how many only B — all a paired test of the two
    needs (``kdlab.stats.mcnemar_exact``)."""
    a_right, b_right = top1(a_logits) == labels, top1(b_logits) == labels
    counts = torch.stack([(a_right & ~b_right).sum(), (b_right & ~a_right).sum()]).tolist()
    return {"only_student": counts[0], "only_baseline": counts[1], "images": len(labels)}


def per_class_accuracy(logits: torch.Tensor, labels: torch.Tensor, num_classes: int) -> list[float]:
    hits = (top1(logits) == labels).float()
    correct = torch.zeros(num_classes, device=labels.device).index_add_(0, labels, hits)
    counts = torch.bincount(labels, minlength=num_classes).clamp(min=1)
    return (correct / counts).tolist()


@dataclass
class PhaseResult:
    """One model's result: test accuracy (overall and per class), size, and for a trained phase its training time
    (None when unknown, e.g. for an imported run)."""

    test_acc: float
    per_class_acc: list[float]
    params: int
    size_bytes: int
    seconds: float | None = None
    samples_per_second: float | None = None
    macro_f1: float | None = None


def phase_result(model: nn.Module, logits: torch.Tensor, labels: torch.Tensor, num_classes: int,
                 seconds: float | None = None, samples: int = 0) -> PhaseResult:
    speed = samples / seconds if samples and seconds else (None if seconds is None else 0.0)
    return PhaseResult(accuracy(logits, labels).item(), per_class_accuracy(logits, labels, num_classes),
                       parameter_count(model), size_bytes(model), seconds, speed,
                       macro_f1(logits, labels, num_classes))


@dataclass
class RunResult:
    config: RunConfig
    device: str
    teacher: PhaseResult
    student: PhaseResult
    baseline: PhaseResult | None
    teacher_cached: bool | None
    agreement: float  # top-1 agreement of the distilled student with the teacher on the test set
    setup_seconds: float | None = None  # loading data, building models, one-time warm-up of the process
    teacher_cache_seconds: float | None = None  # computing the teacher's outputs on the transfer set
    teacher_outputs: dict | None = None  # how they were held: ``TeacherOutputs.facts()``
    paired: dict | None = None  # ``paired_counts`` of the distilled student against the baseline
    teachers: list[dict] | None = None  # per teacher: name, acc, macro_f1, params, cached, agreement with the student
    ensemble_acc: float | None = None  # accuracy of the teachers' mean answer (the first teacher's alone for one)
    language: dict | None = None  # language models: ``kdlab.language.language_measures`` per model
    latency_ms: dict | None = None  # per model: ``kdlab.measures.batch_latencies``, measured after training
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
            out[f"{name}_macro_f1"] = p.macro_f1 if p else None
        out.update(distill_seconds=self.student.seconds, samples_per_second=self.student.samples_per_second,
                   baseline_seconds=self.baseline.seconds if self.baseline else None,
                   teacher_seconds=self.teacher.seconds, teacher_cached=self.teacher_cached,
                   setup_seconds=self.setup_seconds, teacher_cache_seconds=self.teacher_cache_seconds,
                   teacher_outputs=self.teacher_outputs, paired=self.paired, agreement=self.agreement,
                   teachers=self.teachers, ensemble_acc=self.ensemble_acc, latency_ms=self.latency_ms,
                   device=self.device,
                   class_names=self.splits.class_names, config=self.config.to_dict())
        if self.language:
            out.update(language_summary(self.language))
        return out


def language_summary(language: dict) -> dict[str, Any]:
    """A language-model run's headline numbers, flat (``teacher_perplexity``, ``kl_to_truth`` for the distilled
    student, …), the per-model measures under ``language``, and the per-sequence comparison as ``paired``."""
    flat: dict[str, Any] = {f"{name}_perplexity": language.get(name, {}).get("perplexity")
                            for name in ("teacher", "student", "baseline")}
    flat.update({key: value for key, value in language["student"].items()
                 if key in ("kl_to_teacher", "distinct_2", "kl_to_truth", "grammatical")})
    flat["language"] = {name: value for name, value in language.items() if name != "paired_sequences"}
    if "paired_sequences" in language:
        flat["paired"] = language["paired_sequences"]
    return flat
