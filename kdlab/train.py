"""The trainer: one entry point trains (or loads) a teacher, a baseline student and a distilled student.

Why it is fast on a 2-core CPU and on a GPU alike:
- the whole dataset lives on the device and batches are sliced there (no DataLoader, no per-batch copies);
- the teacher runs once over the transfer set, before the student's first step, and its outputs (whatever the
  active loss terms read) are cached within a memory budget (``kdlab.teacher_outputs``) — inputs are never
  augmented, so they never change;
- metrics are summed on the device and read back only when a step event is due and at epoch ends;
- on CUDA the forward passes run under bf16 autocast; the losses are computed in float32.

Times mean what they say: one-time costs of the process (the first optimizer imports ``torch._dynamo``, the first
kernels warm up) are paid in ``setup_seconds``, before any phase is timed, so ``distill_seconds`` is the student
phase's own work whether the teacher was trained or loaded; computing the teacher's outputs is
``teacher_cache_seconds``.

The loop itself, its events and listeners are in ``kdlab.fit``.
"""
from __future__ import annotations

import copy
import math
import time

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .config import RunConfig
from .data import IGNORE_INDEX, Splits, transfer_indices
from .data.noise import flip_labels
from .evaluate import (PhaseResult, RunResult, accuracy, agreement, answers, autocast, paired_counts, phase_result,
                       predict, resolve_device)
from .fit import Listeners, LossFn, StopFlag, cross_entropy, fit
from .language import language_measures
from .measures import batch_latencies
from .losses import DistillationLoss
from .mixup import Mixup
from .models import InputSpec, ModelOutput, build_model
from .run_data import is_pretrained, run_splits
from .student_data import StudentData, student_data
from .teacher_outputs import DEFAULT_BUDGET_BYTES, teacher_outputs
from .teachers import TEACHER_BATCH_SIZE, load_cached_teacher, store_teacher, teacher_lock, teacher_path

PHASES = ("teacher", "baseline", "student")


def obtain_teacher(config: RunConfig, splits: Splits, x_train, y_train, x_test, y_test,
                   events: Listeners, phase: str = "teacher") -> tuple[nn.Module, PhaseResult, bool]:
    """The cached teacher for this config, or a freshly trained one that is then cached (under a lock, so that
    concurrent runs wait for one training instead of each training their own; a run stopped or past its time limit
    stops waiting). ``phase`` names its events: a run's further teachers train as ``teacher:NAME``."""
    path = teacher_path(config)
    teacher = build_model(config.teacher, InputSpec.of(splits), config.seed, config.teacher_kw).to(x_train.device)

    def test_answers() -> tuple[torch.Tensor, torch.Tensor]:
        return answers(predict(teacher, x_test).logits, y_test)

    with teacher_lock(path, events.stop):
        started = time.perf_counter()
        # a pretrained teacher (a Hugging Face model) came with its weights: used as it is, never trained or cached
        facts = {"seconds": 0.0} if is_pretrained(config) else load_cached_teacher(path, teacher)
        cached = facts is not None
        if not cached and config.teacher_run:  # admission caches a run's student; it is never trained here
            raise ValueError(f"the teacher from run {config.teacher_run} is not in the teacher cache; a config with a "
                             "teacher run must pass admission (kdlab.policy.admission.admit), which puts it there")
        if not cached:
            def evaluate() -> dict[str, float]:
                return {"test_acc": accuracy(*test_answers()).item()}

            fit(teacher, x_train, y_train, loss_fn=cross_entropy, extra_params=[], epochs=config.teacher_epochs,
                batch_size=TEACHER_BATCH_SIZE, lr=config.teacher_lr, seed=config.seed, phase=phase,
                log_every=config.log_every, listeners=events, evaluate=evaluate)
            facts = {"seconds": time.perf_counter() - started}
            store_teacher(path, teacher.state_dict(), facts)
    teacher.eval().requires_grad_(False)
    result = phase_result(teacher, *test_answers(), splits.num_classes, facts["seconds"])
    events.call("on_phase_end", phase, result)
    return teacher, result, cached


def _load(config: RunConfig) -> tuple[torch.device, Splits]:
    return resolve_device(config.device), run_splits(config, download=config.download)


def _teacher_steps(config: RunConfig, splits: Splits) -> int:
    """Steps the teacher phases will take: none for a teacher in the cache."""
    uncached = [name for name in config.teachers if not teacher_path(config.teacher_config(name)).exists()
                and not config.teacher_config(name).teacher_run  # a run's student is loaded, not trained
                and not is_pretrained(config.teacher_config(name))]
    return math.ceil(len(splits.x_train) / TEACHER_BATCH_SIZE) * config.teacher_epochs * len(uncached)


def prepare_teacher(config: RunConfig, listeners=(), stop: StopFlag | None = None) -> tuple[nn.Module, Splits]:
    """The trained teacher and its data (trains and caches it if uncached). For worker processes and the CLI, never
    the app server, which reads teachers with ``kdlab.teachers.load_teacher``."""
    device, splits = _load(config)
    tensors = (t.to(device) for t in (splits.x_train, splits.y_train, splits.x_test, splits.y_test))
    events = Listeners(listeners, _teacher_steps(config, splits), stop)
    teacher, _, _ = obtain_teacher(config, splits, *tensors, events)
    return teacher, splits


_WARMED_UP: set[str] = set()  # device types whose one-time costs this process has already paid


def warm_up(device: torch.device) -> None:
    """Pay a process's one-time costs before anything is timed: the first optimizer built in a process imports
    ``torch._dynamo`` (1.3 s measured), and the first kernels on a device initialise their libraries. Without
    this, the same run reported 0.56 s after training its teacher and 1.5 s with the teacher from the cache."""
    if device.type in _WARMED_UP:
        return
    layer = nn.Linear(8, 2).to(device)
    optimizer = torch.optim.AdamW(layer.parameters(), **({"fused": True} if device.type == "cuda" else {}))
    with autocast(device):
        loss = layer(torch.zeros(4, 8, device=device)).float().square().mean()
    loss.backward()
    optimizer.step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    _WARMED_UP.add(device.type)


def run_distillation(config: RunConfig, listeners=(), stop: StopFlag | None = None,
                     cache_budget_bytes: int = DEFAULT_BUDGET_BYTES) -> RunResult:
    """Train or load the teacher, then a baseline and a distilled student from the same initial weights.

    ``config`` must be validated (``RunConfig.validate``, done where it entered: the CLI, a page, an upload).
    ``cache_budget_bytes`` bounds the teacher outputs held for the student phase (``kdlab.teacher_outputs``).
    """
    setup_started = time.perf_counter()
    device, splits = _load(config)
    spec = InputSpec.of(splits)
    sequence = splits.modality == "sequence"
    x_train, y_train = splits.x_train.to(device), splits.y_train.to(device)
    x_test, y_test = splits.x_test.to(device), splits.y_test.to(device)
    transfer = transfer_indices(splits.y_train, config.train_fraction, config.train_limit,
                                config.exclude_classes, config.seed).to(device)
    x_transfer, y_transfer = x_train[transfer], y_train[transfer]
    if config.label_noise:  # the students see wrong labels; the teacher and the test set never do
        y_transfer = flip_labels(y_transfer, splits.num_classes, config.label_noise, config.seed)
    warm_up(device)
    setup_seconds = time.perf_counter() - setup_started

    student_steps = math.ceil(len(transfer) / config.batch_size) * config.epochs
    events = Listeners(listeners, _teacher_steps(config, splits) + student_steps * (1 + config.baseline), stop)

    def test_logits(model: nn.Module) -> Tensor:
        """One answer per test sample, or per real test token of a language model (``answers``)."""
        return answers(predict(model, x_test).logits, y_test)[0]

    y_answers = y_test[y_test != IGNORE_INDEX]  # the labels of those answers (for a classifier: y_test)
    teacher, teacher_result, teacher_cached = obtain_teacher(config, splits, x_train, y_train, x_test, y_test, events)
    teacher_test = test_logits(teacher).float()
    more = [obtain_teacher(config.teacher_config(name), splits, x_train, y_train, x_test, y_test, events,
                           phase=f"teacher:{name}") for name in config.extra_teachers]
    more_test = [test_logits(model).float() for model, _, _ in more]

    student = build_model(config.student, spec, config.seed, config.student_kw).to(device)
    initial_weights = copy.deepcopy(student.state_dict())

    def student_metrics(model: nn.Module) -> dict[str, float]:
        logits = test_logits(model).float()
        kl = F.kl_div(F.log_softmax(logits, 1), F.log_softmax(teacher_test, 1), log_target=True, reduction="batchmean")
        values = torch.stack([accuracy(logits, y_answers), agreement(logits, teacher_test), kl])
        metrics = dict(zip(("test_acc", "agreement", "kl_to_teacher"), values.tolist()))
        if sequence:  # a language model's live curve: validation perplexity
            metrics["perplexity"] = math.exp(F.cross_entropy(logits, y_answers).item())
        return metrics

    corpus = StudentData(x_transfer, y_transfer)

    def trained(model: nn.Module, phase: str, loss_fn: LossFn, extra_params: list, sgd_groups: list[dict] = (),
                mixup: Mixup | None = None, data: StudentData = corpus) -> tuple[PhaseResult, Tensor]:
        """Train one student on ``data`` (the baseline: the corpus); its result and its test logits."""
        started = time.perf_counter()
        fit(model, data.x, data.y, loss_fn=loss_fn, extra_params=extra_params, sgd_groups=sgd_groups,
            phase=phase, evaluate=lambda: student_metrics(model), epochs=config.epochs, batch_size=config.batch_size,
            lr=config.lr, seed=config.seed, log_every=config.log_every, listeners=events,
            draw=data.draw if mixup is None else mixup.draw(data.x, data.y))
        logits = test_logits(model)
        result = phase_result(model, logits, y_answers, splits.num_classes, time.perf_counter() - started,
                              len(transfer) * config.epochs)
        events.call("on_phase_end", phase, result)
        return result, logits

    baseline_result, baseline_logits, models = None, None, {"teacher": teacher, "student": student}
    if config.baseline:
        baseline = build_model(config.student, spec, config.seed, config.student_kw).to(device)
        baseline.load_state_dict(initial_weights)
        mixing = Mixup(config.mixup, config.seed) if config.mixup else None  # the student's λ and π, too
        baseline_result, baseline_logits = trained(baseline, "baseline",
                                                   mixing.of(cross_entropy) if mixing else cross_entropy, [],
                                                   mixup=mixing)
        models["baseline"] = baseline

    cache_started = time.perf_counter()
    reading = student_data(config, splits, teacher, student, x_transfer, y_transfer)  # corpus, teacher's text, …
    if reading.note:
        events.call("on_note", reading.note)
    with torch.no_grad():
        probe_student, probe_teacher = student.eval()(x_transfer[:2]), teacher(x_transfer[:2])
    torch.manual_seed(config.seed + 1)  # the learned projections' initial weights
    loss = DistillationLoss(config, probe_student, probe_teacher).to(device)
    outputs = teacher_outputs(teacher, reading.x, loss.needs, loss.reduce, cache_budget_bytes,
                              mixed=bool(config.mixup))
    more_logits = [predict(model, reading.x).logits.float() for model, _, _ in more]  # [N, C] each: always fits
    events.call("on_note", outputs.describe())
    cache_seconds = time.perf_counter() - cache_started

    mixup = Mixup(config.mixup, config.seed) if config.mixup else None

    def distill(output: ModelOutput, index: torch.Tensor, labels: torch.Tensor,
                progress: float) -> dict[str, torch.Tensor]:
        if mixup is not None:  # the teachers score this step's mixed inputs
            first, others = mixup.teachers_on_batch([teacher, *(m for m, _, _ in more)], loss.needs, loss.reduce)
            return mixup.mixed_loss(lambda y: loss(output, first, y, progress, others), labels)
        scored, hard_labels = reading.teacher_batch(outputs, index)
        return loss(output, scored, labels, progress, [logits[index] for logits in more_logits], hard_labels)

    student_result, student_logits = trained(student, "student", distill, *loss.param_groups(), mixup=mixup,
                                             data=reading)
    if mixup is not None:  # what scoring every mixed batch cost, now that it is measured
        outputs.seconds, outputs.steps = mixup.teacher_seconds, mixup.teacher_batches
        events.call("on_note", outputs.describe())
    paired = None if baseline_logits is None else paired_counts(student_logits, baseline_logits, y_answers)
    language = language_measures(models, splits, x_test, y_test, config.seed) if sequence else None
    all_test = [teacher_test, *more_test]
    teachers = [{"name": name, "acc": result.test_acc, "macro_f1": result.macro_f1, "params": result.params,
                 "cached": cached, "agreement": agreement(student_logits, logits).item()}
                for name, (_, result, cached), logits in zip(config.teachers, [(teacher, teacher_result,
                                                                                  teacher_cached), *more], all_test)]
    ensemble = accuracy(torch.stack([F.softmax(t, 1) for t in all_test]).mean(0), y_answers).item()
    return RunResult(config, str(device), teacher_result, student_result, baseline_result, teacher_cached,
                     agreement(student_logits, teacher_test).item(), setup_seconds, cache_seconds, outputs.facts(),
                     paired, teachers, ensemble, language, batch_latencies(models, x_test), models, splits)
