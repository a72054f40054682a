"""Numbers the pages explain, computed from plain tensors: temperature, calibration, confusion, decision regions,
latency, the comparison table of a run's models and the bias shift of a never-seen class.

Every function takes tensors (or anything ``torch.as_tensor`` accepts) and returns plain Python numbers or numpy
arrays, ready for ``kdlab.viz.figures`` or a table. Nothing here draws.
"""
from __future__ import annotations

import copy
import math
import statistics
import time

import numpy as np
import torch
from torch import nn

from .evaluate import accuracy, agreement, macro_f1, top1
from .losses import softened
from .losses.base import fused_log_probs
from .models import parameter_count, size_bytes

LATENCY_BATCH = 256  # test inputs per timed forward pass (the Compare table's latency column)
# per model at the end of a run: about 5 timed passes of the default teacher (13 ms a batch here), tens of a student's
RUN_LATENCY_BUDGET_S = 0.1


def _tensor(values) -> torch.Tensor:
    return torch.as_tensor(values).detach().cpu()


def _predictions(logits_or_preds) -> torch.Tensor:
    return top1(_tensor(logits_or_preds))


def entropy(probs: torch.Tensor) -> torch.Tensor:
    """``H(p) = -Σ_i p_i ln p_i`` in nats over the last dimension (``0 · ln 0`` counts as 0)."""
    return -torch.special.xlogy(probs, probs).sum(-1)


def temperature_view(logits_1d, temperature: float) -> dict:
    """One sample's class probabilities at T = 1 and at ``temperature``, and how much each says beyond the argmax.

    ``p_i = softmax(z / T)_i``; entropy ``H = -Σ p_i ln p_i`` (nats, at most ``ln C`` for a uniform p); dark
    knowledge ``= 1 - p_argmax``, the probability on the wrong classes. At T = 1 a confident teacher puts almost
    nothing there, so a student learns little more than from the hard label; raising T spreads that mass out and
    reveals which wrong classes the teacher finds similar (Hinton et al. 2015). Dividing by T > 0 never changes the
    argmax, so the same class is "the answer" at both temperatures.
    """
    z = _tensor(logits_1d).float()
    p1, pt = softened(z, 1.0), softened(z, temperature)
    return {"temperature": float(temperature),
            "probs_1": p1.numpy(), "probs_t": pt.numpy(),
            "entropy_1": entropy(p1).item(), "entropy_t": entropy(pt).item(),
            "dark_knowledge_1": 1.0 - p1.max().item(), "dark_knowledge_t": 1.0 - pt.max().item()}


def fused_view(teacher_logits: dict, temperature: float, fusion: str, teacher_weights: tuple[float, ...],
               label: int) -> dict:
    """One sample's softened answer of each teacher at ``temperature`` and the fused target a student of several
    teachers learns from (``kdlab.losses.base.fused_log_probs``, the very function the loss uses)."""
    rows = {name: _tensor(z).float().reshape(1, -1) for name, z in teacher_logits.items()}
    fused = fused_log_probs(list(rows.values()), temperature, fusion, teacher_weights, torch.tensor([label])).exp()
    return {**{name: softened(z, temperature)[0].numpy() for name, z in rows.items()}, "fused": fused[0].numpy()}


def kl_divergence(p_logits, q_logits, temperature: float = 1.0) -> float:
    """``KL(p ‖ q) = Σ_i p_i (ln p_i - ln q_i)`` with ``p = softmax(p_logits/T)``, ``q = softmax(q_logits/T)``,
    in nats, averaged over the batch when given ``[B, C]``.

    It is how many extra nats it costs to describe the teacher's answer (p) with the student's (q): zero exactly when
    they agree, and what the soft-target loss minimises (before its ×T²).
    """
    log_p = torch.log_softmax(_tensor(p_logits).double() / temperature, -1)
    log_q = torch.log_softmax(_tensor(q_logits).double() / temperature, -1)
    per_sample = (log_p.exp() * (log_p - log_q)).sum(-1)
    return per_sample.mean().item()


def information_left(logits, temperatures) -> np.ndarray:
    """``[len(temperatures)]``: the mean over samples of ``ln C - H(softmax(z / T))``, in nats.

    It is the KL divergence of the softened answer from the uniform distribution: ``ln C`` for a one-hot answer,
    0 for a uniform one, which tells a student nothing at all. How fast it falls as T grows depends on the spread
    of the logits, so the T that suits one teacher leaves another's soft targets empty.
    """
    z = _tensor(logits).double()
    t = torch.as_tensor(list(temperatures), dtype=torch.float64)[:, None, None]
    probs = torch.softmax(z[None] / t, -1)
    return (math.log(z.shape[-1]) - entropy(probs)).mean(-1).numpy()


def logit_scale(logits, temperatures, fraction: float = 0.05) -> dict:
    """How spread out a model's logits are, and from which T on its soft targets are as good as uniform.

    ``std``: the median over samples of the standard deviation of one sample's logits. ``flat_from``: the smallest
    of ``temperatures`` at which the information left (``information_left``) is at most ``fraction`` of its maximum
    ``ln C`` — beyond it the soft targets hardly say more than "all classes alike" (None if it never gets there).
    ``information``: ``information_left`` at each of ``temperatures``, for a chart.
    """
    z = _tensor(logits).double()
    left = information_left(z, temperatures)
    flat = [t for t, value in zip(temperatures, left) if value <= fraction * math.log(z.shape[-1])]
    return {"std": z.std(-1).median().item(), "flat_from": float(min(flat)) if flat else None, "information": left}


def temperature_sweep(logits_1d, temperatures) -> np.ndarray:
    """``[len(temperatures), C]``: row k is ``softmax(z / T_k)``, how each class's probability moves as T grows.

    As T → 0 the row tends to one-hot on the argmax; as T → ∞ it tends to uniform ``1/C``; in between the order of
    the classes never changes, only the gaps shrink.
    """
    z = _tensor(logits_1d).double()
    t = torch.as_tensor(list(temperatures), dtype=torch.float64)[:, None]
    return torch.softmax(z[None, :] / t, -1).numpy()


def confusion_matrix(logits_or_preds, labels, num_classes: int) -> np.ndarray:
    """``[C, C]`` counts, ``M[t, p]`` = samples of true class t predicted as p (rows = true, columns = predicted).

    The diagonal holds the hits; an off-diagonal cell names a pair of classes the model mixes up, which is the
    similarity structure soft targets carry.
    """
    preds, truth = _predictions(logits_or_preds), _tensor(labels).long()
    flat = torch.bincount(truth * num_classes + preds, minlength=num_classes * num_classes)
    return flat.reshape(num_classes, num_classes).numpy()


def reliability(logits, labels, bins: int = 10) -> dict:
    """Calibration: does a model that says "90% sure" get 90% right?

    Confidence is ``max_i softmax(z)_i``. Samples fall into ``bins`` equal bins ``(b/M, (b+1)/M]``; per bin the mean
    confidence, the accuracy and the count (empty bins hold NaN, count 0). The expected calibration error is
    ``ECE = Σ_b (n_b/N) |acc_b - conf_b|`` (Guo et al. 2017): 0 for a perfectly calibrated model. Distilled
    students trained on soft targets are often better calibrated than their hard-label baselines.
    """
    z = _tensor(logits).double()
    probs = torch.softmax(z, -1)
    confidence, preds = probs.max(-1)
    correct = (preds == _tensor(labels).long()).double()
    edges = torch.linspace(0, 1, bins + 1, dtype=torch.float64)
    which = torch.bucketize(confidence, edges[1:-1])  # right-closed: conf == edge belongs to the lower bin
    counts = torch.bincount(which, minlength=bins).double()
    conf_sum = torch.zeros(bins, dtype=torch.float64).index_add_(0, which, confidence)
    acc_sum = torch.zeros(bins, dtype=torch.float64).index_add_(0, which, correct)
    safe = counts.clamp(min=1)
    mean_conf = torch.where(counts > 0, conf_sum / safe, torch.nan)
    mean_acc = torch.where(counts > 0, acc_sum / safe, torch.nan)
    ece = ((counts / max(len(z), 1)) * (acc_sum / safe - conf_sum / safe).abs()).sum().item()
    return {"edges": edges.numpy(), "confidence": mean_conf.numpy(), "accuracy": mean_acc.numpy(),
            "count": counts.long().numpy(), "ece": ece}


def _logits_of(output) -> torch.Tensor:
    return getattr(output, "logits", output)


def _device_of(model: nn.Module) -> torch.device:
    return next(iter(model.parameters()), torch.empty(0)).device


def decision_grid(model: nn.Module, x_points, resolution: int = 120, margin: float = 0.5):
    """Classify every point of a ``resolution × resolution`` grid covering the data plus ``margin`` on each side.

    Returns ``(xs, ys, class_grid, confidence)``: ``xs``, ``ys`` the grid coordinates, ``class_grid[i, j]`` the
    argmax class at ``(xs[j], ys[i])`` (row = y, as a heatmap draws it) and ``confidence[i, j]`` its softmax
    probability. One batched forward pass in eval mode under ``no_grad``; the model's train/eval mode is restored.
    """
    points = _tensor(x_points).float()
    low, high = points.min(0).values - margin, points.max(0).values + margin
    xs = torch.linspace(low[0].item(), high[0].item(), resolution)
    ys = torch.linspace(low[1].item(), high[1].item(), resolution)
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    grid = torch.stack([gx.reshape(-1), gy.reshape(-1)], 1)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            logits = _logits_of(model(grid.to(_device_of(model)))).float().cpu()
    finally:
        model.train(was_training)
    confidence, classes = torch.softmax(logits, -1).max(-1)
    shape = (resolution, resolution)
    return xs.numpy(), ys.numpy(), classes.reshape(shape).numpy(), confidence.reshape(shape).numpy()


def boundary_panels(loaded_runs: dict, resolution: int = 80) -> dict[str, dict]:
    """Decision-boundary panels of the distilled students of 2-D runs, grouped by dataset (runs on one dataset
    share their test points): ``{dataset: {"grids": {name: grid}, "points", "labels", "class_names"}}``.
    ``loaded_runs`` maps a display name to a ``kdlab.runs.loading.LoadedRun``; runs on other modalities, and point
    data of other than two features (an uploaded CSV), are skipped."""
    panels: dict[str, dict] = {}
    for name, run in loaded_runs.items():
        if run.splits.modality != "points" or run.splits.x_test.shape[1] != 2:
            continue
        panel = panels.setdefault(run.config.dataset, {"grids": {}, "points": run.splits.x_test.numpy(),
                                                        "labels": run.splits.y_test.numpy(),
                                                        "class_names": run.splits.class_names})
        panel["grids"][name] = decision_grid(run.models["student"], run.splits.x_test, resolution=resolution)
    return panels


def inference_latency(model: nn.Module, example_input, repeats: int = 30, warmup: int = 3,
                      budget_seconds: float = 0.3) -> float:
    """Median wall-clock milliseconds of one forward pass over ``example_input`` on the CPU.

    Why the median of many: single timings jitter with the scheduler and caches; the median ignores the outliers.
    Warm-up passes run first (allocator, lazy initialisation) and are not timed. Warm-up and timing together stop
    once ``budget_seconds`` are spent (after at least one pass of each), so a page never waits long: about the
    budget plus two passes. A model living elsewhere is timed on a CPU copy, leaving the original where it is.
    """
    cpu_model = model if _device_of(model).type == "cpu" else copy.deepcopy(model).cpu()
    x = _tensor(example_input)
    was_training = cpu_model.training
    cpu_model.eval()
    timings: list[float] = []
    deadline = time.perf_counter() + budget_seconds
    try:
        with torch.inference_mode():
            for _ in range(max(warmup, 1)):
                cpu_model(x)
                if time.perf_counter() > deadline:
                    break
            while len(timings) < max(repeats, 1):
                started = time.perf_counter()
                cpu_model(x)
                timings.append(time.perf_counter() - started)
                if started > deadline:
                    break
    finally:
        cpu_model.train(was_training)
    return statistics.median(timings) * 1000.0


def batch_latencies(models: dict, x_test, budget_seconds: float = RUN_LATENCY_BUDGET_S) -> dict[str, float]:
    """Each model's ``inference_latency`` over the first ``LATENCY_BATCH`` test inputs. The trainer measures them
    once, right after training, and the run keeps them: a page only reads them, so thirty students opening Compare
    at once do not time thirty runs' models on the server's cores (and wait on each other while they do)."""
    return {role: inference_latency(model, x_test[:LATENCY_BATCH], budget_seconds=budget_seconds)
            for role, model in models.items()}


def comparison_rows(logits: dict, labels, models: dict, latency_ms: dict) -> list[dict]:
    """One row per model (in the order of ``logits``) of the Compare table, in the units it shows.

    ``role``; ``accuracy_pct`` (test accuracy, %); ``macro_f1_pct`` (the mean per-class F1, %: a class the model
    misses counts as much as a common one); ``agreement_pct`` (top-1 agreement with the teacher, %: a student
    can copy the teacher's mistakes, which accuracy alone hides; 100 for the teacher itself); ``ece`` (expected
    calibration error, ``reliability``: 0 when its confidence matches its accuracy); ``params``; ``size_kb``
    (parameters and buffers, KiB); ``latency_ms`` (median CPU milliseconds for one batch, ``inference_latency``).
    Accuracy, fit to the teacher, calibration and cost side by side are what a practitioner weighs when choosing a
    student.
    """
    truth, teacher = _tensor(labels).long(), logits.get("teacher")
    classes = max(int(truth.max()) + 1, _tensor(next(iter(logits.values()))).shape[-1])
    rows = []
    for role, z in logits.items():
        rows.append({"role": role,
                     "accuracy_pct": round(100.0 * (_predictions(z) == truth).double().mean().item(), 2),
                     "macro_f1_pct": round(100.0 * macro_f1(_tensor(z), truth, classes), 2),
                     "agreement_pct": None if teacher is None else
                     round(100.0 * agreement(_tensor(z), _tensor(teacher)).item(), 2),
                     "ece": round(reliability(z, truth)["ece"], 4),
                     "params": parameter_count(models[role]),
                     "size_kb": round(size_bytes(models[role]) / 1024, 1),
                     "latency_ms": None if latency_ms.get(role) is None else round(latency_ms[role], 3)})
    return rows


def unseen_class_recall(logits: torch.Tensor, labels: torch.Tensor, cls: int, shifts: list[float]) -> list[float]:
    """Recall on class ``cls`` after adding each shift to that class's logit.

    A student that never saw ``cls`` learns from soft targets *what* it looks like but not *how often* it occurs,
    so its bias for ``cls`` stays too low. Hinton et al. (2015, §3) raised that one bias by hand (+3.5) and the
    distilled net then recognised 98.6% of the 3s it had never seen; a baseline trained on hard labels recognises
    none at any shift, because nothing ever pushed its 3-logit towards 3-like images.
    """
    members = labels == cls
    recalls = []
    for shift in shifts:
        shifted = logits.float().clone()
        shifted[:, cls] += shift
        recalls.append((shifted[members].argmax(1) == cls).float().mean().item())
    return recalls


def shifted_accuracy(logits: torch.Tensor, labels: torch.Tensor, cls: int, shifts: list[float]) -> list[float]:
    """Overall accuracy after adding each shift to class ``cls``'s logit: the price of ``unseen_class_recall``.

    Raising one bias makes that class win more often, for its own samples (more recall) but also for look-alikes
    of other classes (lost hits elsewhere); the net effect on accuracy says whether the shift is worth it.
    """
    truth = _tensor(labels).long()
    accuracies = []
    for shift in shifts:
        shifted = _tensor(logits).float().clone()
        shifted[:, cls] += shift
        accuracies.append(accuracy(shifted, truth).item())
    return accuracies
