"""Compress a finished run's students: each variant made, optionally fine-tuned, re-evaluated and measured.

Every variant starts from the trained student (or its baseline) and changes one thing, so each number says what
that one step did: int8 weights, pruning, low-rank factorisation, and, for the last two, ``finetune`` epochs of
recovery training from the labels or distilled from the run's unpruned teacher (``(1-α)·CE + α·T²·KL`` with the
run's T and α, through ``kdlab.fit.fit`` and the run's own ``DistillationLoss``). The teacher, the student and the
baseline are measured the same way, on the same test set, in the same process, so the frontier compares like with
like.
"""
from __future__ import annotations

import contextlib
import copy
import math
from dataclasses import dataclass, field, replace

import torch
from torch import nn

from ..config import RunConfig
from ..data import Splits, transfer_indices
from ..evaluate import accuracy, agreement, macro_f1, paired_counts, predict
from ..fit import Listeners, RunCancelled, StopFlag, TrainEvent, cross_entropy, fit
from ..losses import DistillationLoss
from ..models import InputSpec, ModelOutput
from .config import CompressRequest
from .export import recipe_of, to_safetensors
from .lowrank import factorise
from .measure import flops_per_sample, latency_ms, parameter_counts
from .prune import prune_structured, prune_unstructured, weight_sparsity, zeros_kept
from .quantize import quantize_int8

DEFAULT_FINETUNE_SOFT = 0.9  # when the run itself had no soft targets (α = 0), fine-tuning "from the teacher" uses
# this α


@dataclass
class Variant:
    name: str  # "teacher", "student", "student/int8", "student/prune-50-structured+ft5-teacher", …
    role: str  # the model it was made from: teacher, student or baseline
    steps: list[dict]  # the recipe's compression steps (empty for the models of the run)
    metrics: dict
    data: bytes | None = field(default=None, repr=False)  # its safetensors file (None for the teacher)

    def row(self) -> dict:
        """What the CLI prints with ``--json`` and the store keeps (without the file)."""
        return {"name": self.name, "role": self.role, "steps": self.steps, **self.metrics}


def step_label(step: dict, run_lr: float) -> str:
    """A step as a variant's name says it, with every setting that changes the model, so that another compression
    with other settings makes another variant: ``prune-50-structured``, ``rank-8``, ``ft5-teacher`` (5 epochs from
    the teacher), ``ft5-labels-lr0.001`` (at a learning rate other than the run's ``run_lr``)."""
    kind = step["step"]
    if kind == "prune":
        return f"prune-{step['sparsity'] * 100:g}" + ("-structured" if step["structured"] else "")
    if kind == "lowrank":
        return f"rank-{step['rank']}" if step.get("rank") is not None else f"energy-{step['energy']:g}"
    if kind == "finetune":
        return f"ft{step['epochs']}-{step['source']}" + (f"-lr{step['lr']:g}" if step["lr"] != run_lr else "")
    return kind


def compress_models(models: dict[str, nn.Module], config: RunConfig, splits: Splits, request: CompressRequest,
                    listeners=(), stop: StopFlag | None = None) -> list[Variant]:
    """The teacher, each chosen role as trained, and every variant of it, measured. ``models``: the run's
    ``teacher``, ``student`` and (when trained) ``baseline``, on the CPU. The request must be validated."""
    spec = InputSpec.of(splits)
    x_test, y_test = splits.x_test, splits.y_test
    teacher = models["teacher"].eval()
    teacher_logits = predict(teacher, x_test).logits.float()
    roles = [role for role in request.roles if role in models]
    transfer = transfer_indices(splits.y_train, config.train_fraction, config.train_limit, config.exclude_classes,
                                config.seed)
    x_train, y_train = splits.x_train[transfer], splits.y_train[transfer]
    soft = predict(teacher, x_train).logits.float() if request.finetune and request.finetune_from != "labels" \
        else None
    tuned = sum(1 for v in request.variants if len(v) > 1) * len(roles)
    steps_per_epoch = math.ceil(len(x_train) / config.batch_size)
    events = Listeners(listeners, tuned * request.finetune * steps_per_epoch + (1 + len(roles) * (
        1 + len(request.variants))), stop)

    def measured(name: str, role: str, model: nn.Module, steps: list[dict], reference=None, flops=None,
                 notes=()) -> Variant:
        if events.stop is not None and events.stop.is_set():
            raise RunCancelled("stopped during the compression")
        arch, knobs = (config.teacher, config.teacher_kw) if role == "teacher" else (config.student,
                                                                                     config.student_kw)
        data = to_safetensors(model, recipe_of(arch, knobs, spec, steps))
        logits = predict(model, x_test).logits.float()
        total, nonzero = parameter_counts(model)
        latency = latency_ms(model, x_test, request.repeats, request.threads)
        metrics = {"accuracy": accuracy(logits, y_test).item(), "macro_f1": macro_f1(logits, y_test,
                                                                                     splits.num_classes),
                   "agreement": agreement(logits, teacher_logits).item(), "params": total,
                   "nonzero_params": nonzero, "bytes": len(data),
                   "flops": flops if flops is not None else flops_per_sample(model, x_test),
                   "latency_ms_batch1": latency[1], "latency_ms_batch64": latency[64],
                   "threads": request.threads, "repeats": request.repeats,
                   "weight_sparsity": weight_sparsity(model), "notes": list(notes)}
        if reference is not None:
            counts = paired_counts(logits, reference, y_test)
            metrics["paired"] = {"only_variant": counts["only_student"], "only_original": counts["only_baseline"],
                                 "images": counts["images"]}
        events.done += 1
        events.call("on_step", TrainEvent("compress", "step", 0, events.done, events.progress, {}))
        events.call("on_note", f"measured {name}: accuracy {metrics['accuracy']:.2%}, {len(data):,} bytes")
        return Variant(name, role, steps, metrics, None if role == "teacher" else data), logits

    variants = [measured("teacher", "teacher", teacher, [])[0]]
    for role in roles:
        original, reference = measured(role, role, models[role].eval(), [])
        variants.append(original)
        for base, *tunings in _grouped(request.variants):
            model, step, flops, notes = _compressed(models[role], base, request, x_test)
            finals = [(model, [step])]
            for source in tunings:
                tuned_model = copy.deepcopy(model)
                sparse = base == "prune" and not request.structured
                with zeros_kept(tuned_model) if sparse else contextlib.nullcontext():  # its zeros stay zeros
                    _finetune(tuned_model, source, config, request, x_train, y_train, soft, x_test, y_test, events)
                finals.append((tuned_model, [step, {"step": "finetune", "source": source,
                                                    "epochs": request.finetune,
                                                    "lr": request.finetune_lr or config.lr,
                                                    **_distillation(config, source)}]))
            for final, steps in finals:
                name = role + "/" + "+".join(step_label(s, config.lr) for s in steps)
                variants.append(measured(name, role, final, steps, reference, flops, notes)[0])
    return variants


def _grouped(variants: list[tuple[str, ...]]) -> list[list[str]]:
    """``[("prune",), ("prune", "finetune-teacher")]`` -> ``[["prune", "teacher"]]``: one base, its fine-tunings."""
    groups: dict[str, list[str]] = {}
    for steps in variants:
        group = groups.setdefault(steps[0], [steps[0]])
        group += [s.removeprefix("finetune-") for s in steps[1:]]
    return list(groups.values())


def _compressed(student: nn.Module, kind: str, request: CompressRequest, x_test: torch.Tensor):
    """A compressed copy of ``student``: (model, its recipe step, FLOPs when the counter cannot see them, notes)."""
    model = copy.deepcopy(student).cpu().eval()
    if kind == "int8":
        flops = flops_per_sample(model, x_test)  # torchao's int8 kernel is invisible to FlopCounterMode
        result = quantize_int8(model)
        return model, {"step": "int8"}, flops, result.notes
    if kind == "prune":
        step = {"step": "prune", "sparsity": request.prune, "structured": request.structured}
        if request.structured:
            step["plan"] = prune_structured(model, request.prune)
        else:
            prune_unstructured(model, request.prune)
        return model, step, None, []
    plan = factorise(model, request.rank, request.energy)
    return model, {"step": "lowrank", "rank": request.rank, "energy": request.energy, "plan": plan}, None, []


def _distillation(config: RunConfig, source: str) -> dict:
    """What a recipe records of a fine-tune's loss: T and the soft targets' weight, by the term's name."""
    if source != "teacher":
        return {}
    return {"temperature": config.temperature, "soft": _teacher_loss_config(config).terms["soft"]}


def _teacher_loss_config(config: RunConfig) -> RunConfig:
    """The run's T and soft targets' weight alone (cross-entropy 1 - α): its cached logits are all a fine-tune has
    of the teacher, so the feature and relation terms stay off."""
    return replace(config, terms={"soft": config.terms.get("soft") or DEFAULT_FINETUNE_SOFT}, terms_kw={})


def _finetune(model: nn.Module, source: str, config: RunConfig, request: CompressRequest, x_train, y_train, soft,
              x_test, y_test, events: Listeners) -> None:
    """Recovery training in place: plain cross-entropy, or distilled from the teacher's cached logits."""
    if source == "teacher":
        loss = DistillationLoss(_teacher_loss_config(config), None, None)  # logit terms need no probe

        def loss_fn(output, index, labels, progress=0.0):
            return loss(output, ModelOutput(logits=soft[index]), labels, progress)
    else:
        loss_fn = cross_entropy
    fit(model, x_train, y_train, loss_fn=loss_fn, extra_params=[], epochs=request.finetune,
        batch_size=config.batch_size, lr=request.finetune_lr or config.lr, seed=config.seed,
        phase=f"finetune-{source}", log_every=config.log_every, listeners=events,
        evaluate=lambda: {"test_acc": accuracy(predict(model, x_test).logits, y_test).item()})
    model.eval()
