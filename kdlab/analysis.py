"""Numbers the pages explain, computed from plain tensors: temperature, calibration, confusion, decision regions,
attention, latency and the verdict on a run.

Every function takes tensors (or anything ``torch.as_tensor`` accepts) and returns plain Python numbers or numpy
arrays, ready for ``kdlab.figures`` or a table. Nothing here draws.
"""
from __future__ import annotations

import copy
import math
import statistics
import time

import numpy as np
import torch
from torch import nn

from .losses.soft import softened

VERDICT_BAND_POINTS = 0.5


def _tensor(values) -> torch.Tensor:
    return torch.as_tensor(values).detach().cpu()


def _predictions(logits_or_preds) -> torch.Tensor:
    """``[N, C]`` logits -> their argmax; ``[N]`` class ids pass through."""
    values = _tensor(logits_or_preds)
    return values.argmax(-1) if values.ndim == 2 else values.long()


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


def agreement(a_logits, b_logits) -> float:
    """Top-1 agreement ``(1/N) Σ_n [argmax a_n = argmax b_n]``: how often two models give the same answer, right
    or wrong. A student can match the teacher's mistakes, which accuracy alone does not show."""
    a, b = _predictions(a_logits), _predictions(b_logits)
    return (a == b).double().mean().item()


def verdict(summary: dict, band_points: float = VERDICT_BAND_POINTS) -> dict:
    """The numbers behind a one-line verdict on a run (``RunResult.summary()``; accuracies are fractions).

    - ``gain_points = 100 (student_acc - baseline_acc)``: what distillation added over training the same small
      model on hard labels alone (None without a baseline).
    - ``kind``: ``"helped"`` above ``+band``, ``"hurt"`` below ``-band``, else ``"no_difference"`` (None without a
      baseline). A gain within ±0.5 points is within seed-to-seed noise of a small test set, so it is not called.
    - ``teacher_gap_points = 100 (teacher_acc - student_acc)``: what the compression still costs.
    - ``param_ratio = teacher_params / student_params`` and ``size_ratio`` likewise for bytes: "k× smaller".
    """
    student, baseline, teacher = summary["student_acc"], summary.get("baseline_acc"), summary["teacher_acc"]
    gain = None if baseline is None else round(100.0 * (student - baseline), 9)  # 0.805-0.8 must not exceed 0.5
    if gain is None:
        kind = None
    elif gain > band_points:
        kind = "helped"
    elif gain < -band_points:
        kind = "hurt"
    else:
        kind = "no_difference"

    def ratio(big, small):
        return big / small if big is not None and small else math.nan

    return {"kind": kind, "gain_points": gain, "band_points": band_points,
            "teacher_gap_points": round(100.0 * (teacher - student), 9),
            "param_ratio": ratio(summary.get("teacher_params"), summary.get("student_params")),
            "size_ratio": ratio(summary.get("teacher_size_bytes"), summary.get("student_size_bytes"))}


def head_average(attention) -> np.ndarray:
    """``[heads, Q, K]`` (or ``[B, heads, Q, K]``) -> ``[Q, K]`` (or ``[B, Q, K]``), the mean over heads.

    Heads are unordered and each attends to something different; their mean is still a distribution over keys
    (every row sums to 1) and is the one map that can be compared across models with different head counts.
    """
    return _tensor(attention).float().mean(-3).numpy()


def cls_attention_grid(attention_map, grid_hw: tuple[int, int]) -> np.ndarray:
    """A ViT's ``[Q, K]`` map -> ``[h, w]``: where the CLS token (query 0) looks among the patches (keys 1..).

    The classifier reads only the CLS token, so its row says which patches fed the answer. The share CLS keeps for
    itself is not a place in the image, so the patch weights are renormalised to sum to 1.
    """
    row = _tensor(attention_map).float()[0, 1:]
    h, w = grid_hw
    if row.numel() != h * w:
        raise ValueError(f"the map has {row.numel()} patch keys, which is not a {h}x{w} grid")
    return (row / row.sum().clamp(min=1e-12)).reshape(h, w).numpy()


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


def _coefficient(value: float) -> str:
    """A loss weight as the formula shows it: whole numbers as such (0, 1, 10), slider fractions with two decimals
    (0.10), more digits only when needed."""
    value = round(float(value), 6) + 0.0  # 1 - 0.9 = 0.09999999999999998 -> 0.1; -0.0 -> 0.0
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}" if round(value, 2) == value else f"{value:.4g}"


def loss_formula_latex(temperature: float, alpha: float, beta: float, gamma: float,
                       terms: dict[str, float] | None = None) -> str:
    """The loss of a run as LaTeX with its values substituted, so a page shows exactly what the run minimises:
    ``L = (1-α)·CE(y, s) + α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + β·L_att + γ·L_rep (+ w·L_term ...)``.

    The (1-α) coefficient is computed, T² is written as ``T^2`` with T filled in (the factor that keeps the soft
    term's gradients as large as the hard term's as T grows), and zero weights stay visible as ``0``, so a learner
    sees which terms are switched off.
    """
    t = f"{float(temperature):g}"
    soft = rf"\mathrm{{KL}}\big(\mathrm{{softmax}}(t/{t})\,\|\,\mathrm{{softmax}}(s/{t})\big)"
    parts = [rf"{_coefficient(1 - alpha)}\,\mathrm{{CE}}(y, s)",
             rf"{_coefficient(alpha)}\cdot {t}^{{2}}\,{soft}",
             rf"{_coefficient(beta)}\,\mathcal{{L}}_{{att}}",
             rf"{_coefficient(gamma)}\,\mathcal{{L}}_{{rep}}"]
    for name, weight in (terms or {}).items():
        label = str(name).replace("_", r"\_")
        parts.append(rf"{_coefficient(weight)}\,\mathcal{{L}}_{{\mathrm{{{label}}}}}")
    return r"\mathcal{L} = " + " + ".join(parts)


def model_choices(modality: str) -> list[str]:
    """The presets, then the architectures, that take ``modality`` input: what a teacher or student picker offers,
    so a page can never pair a dataset with a model that cannot read it (``RunConfig.validate`` would refuse it)."""
    from .models import MODELS, PRESETS, model_meta

    names = PRESETS.names() + MODELS.names()
    return [name for name in names if modality in model_meta(name)["modalities"]]


def dataset_class_names(name: str) -> list[str]:
    """The class names of a dataset, for pickers such as "classes the student never sees": read from the data when
    it loads (bundled or generated sets, downloaded files), else "0".."C-1" from the registry, so a page works
    before any download."""
    from .data import DATASETS, load_dataset

    try:
        return [str(c) for c in load_dataset(name).class_names]
    except ValueError:  # DataMissingError: files not on disk
        return [str(c) for c in range(DATASETS.get(name).meta["num_classes"])]


def summary_table(summary: dict) -> list[dict]:
    """One row per model of a finished run (teacher, baseline when trained, distilled student), in the units a table
    shows: ``role``, ``accuracy_pct`` (test accuracy, %), ``params``, ``size_kb`` (parameters and buffers, KiB) and
    ``seconds`` (training time; a cached teacher keeps the time it originally took). Putting the three side by side
    is the whole point of distillation: the student should be nearly as accurate as the teacher, far smaller, and
    more accurate than the baseline of the same size."""
    seconds = {"teacher": "teacher_seconds", "baseline": "baseline_seconds", "student": "distill_seconds"}
    rows = []
    for role in ("teacher", "baseline", "student"):
        if summary.get(f"{role}_acc") is None:
            continue
        size = summary.get(f"{role}_size_bytes")
        rows.append({"role": role, "accuracy_pct": round(100.0 * summary[f"{role}_acc"], 2),
                     "params": summary.get(f"{role}_params"),
                     "size_kb": None if size is None else round(size / 1024, 1),
                     "seconds": None if summary.get(seconds[role]) is None else round(summary[seconds[role]], 2)})
    return rows


def device_choices(offered, cuda_available: bool | None = None, mps_available: bool | None = None) -> list[str]:
    """The devices a run may ask for here: those the server offers (``ServerSettings.devices``) that this machine
    has. "auto" (GPU when present, else CPU) and "cpu" always work; "cuda" and "mps" only with the hardware, so a
    page never offers a GPU that would fail the run."""
    if cuda_available is None:
        cuda_available = torch.cuda.is_available()
    if mps_available is None:
        mps_available = torch.backends.mps.is_available()
    present = {"auto": True, "cpu": True, "cuda": cuda_available, "mps": mps_available}
    return [d for d in offered if present.get(d, False)] or ["cpu"]


def decode_tokens(ids, vocab: list[str]) -> list[str]:
    """Token ids -> the words a text model actually read: padding (id 0) dropped, unknown words shown as ``<unk>``.

    Showing ``<unk>`` rather than the typed word is deliberate: it is what the model saw, so a learner can tell
    why an attention map ignores a word it never learned.
    """
    return [vocab[i] for i in _tensor(ids).long().tolist() if i != 0]


def patch_grid(num_patches: int, image_hw: tuple[int, int]) -> tuple[int, int]:
    """How a ViT's ``num_patches`` keys tile an ``H × W`` image: the ``(h, w)`` grid of square patches.

    A map of patch keys is a flat list; to lay it back on the picture we need its shape, which the patch size
    fixes (``h = H / p``, ``w = W / p``). The largest grid that fits is taken (the smallest patch).
    """
    height, width = image_hw
    for patch in range(1, min(height, width) + 1):
        if height % patch == 0 and width % patch == 0 and (height // patch) * (width // patch) == num_patches:
            return height // patch, width // patch
    raise ValueError(f"{num_patches} patches do not tile a {height}x{width} image with square patches")


def attention_map(attentions, layer: int, head: int | None = None, sample: int = 0) -> np.ndarray:
    """One ``[Q, K]`` map from a transformer's per-layer ``[B, heads, Q, K]`` list: head ``head`` of layer ``layer``
    for one sample, or with ``head=None`` the mean over heads (``head_average``), the one view that compares two
    models with different head counts."""
    maps = _tensor(attentions[layer])[sample]
    return head_average(maps) if head is None else maps[head].float().numpy()


def attention_term(kind: str | None, student, teacher) -> float | None:
    """The unweighted attention-transfer loss ``L_att`` (the term β multiplies) between two models' outputs
    (``ModelOutput``) on the same input: MSE of softmax maps for transformers (``"tokens"``), distance of
    normalised activation maps for CNNs (``"spatial"``), exactly as training computes it (``kdlab.losses.attention``).
    None when the pair has no maps of one kind to compare. Zero means the student looks exactly where the teacher
    looks; it raises ValueError when two transformers see different numbers of tokens."""
    from .losses.attention import activation_attention_loss, attention_map_loss

    with torch.no_grad():
        if kind == "tokens" and student.attentions and teacher.attentions:
            return attention_map_loss(student.attentions, teacher.attentions).item()
        if kind == "spatial" and student.activation_maps and teacher.activation_maps:
            return activation_attention_loss(student.activation_maps, teacher.activation_maps).item()
    return None


def comparison_rows(logits: dict, labels, models: dict, latency_ms: dict) -> list[dict]:
    """One row per model (in the order of ``logits``) of the Compare table, in the units it shows.

    ``role``; ``accuracy_pct`` (test accuracy, %); ``agreement_pct`` (top-1 agreement with the teacher, %: a student
    can copy the teacher's mistakes, which accuracy alone hides; 100 for the teacher itself); ``ece`` (expected
    calibration error, ``reliability``: 0 when its confidence matches its accuracy); ``params``; ``size_kb``
    (parameters and buffers, KiB); ``latency_ms`` (median CPU milliseconds for one batch, ``inference_latency``).
    Accuracy, fit to the teacher, calibration and cost side by side are what a practitioner weighs when choosing a
    student.
    """
    from .models import parameter_count, size_bytes

    truth, teacher = _tensor(labels).long(), logits.get("teacher")
    rows = []
    for role, z in logits.items():
        rows.append({"role": role,
                     "accuracy_pct": round(100.0 * (_predictions(z) == truth).double().mean().item(), 2),
                     "agreement_pct": None if teacher is None else round(100.0 * agreement(z, teacher), 2),
                     "ece": round(reliability(z, truth)["ece"], 4),
                     "params": parameter_count(models[role]),
                     "size_kb": round(size_bytes(models[role]) / 1024, 1),
                     "latency_ms": None if latency_ms.get(role) is None else round(latency_ms[role], 3)})
    return rows


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
        accuracies.append((shifted.argmax(1) == truth).float().mean().item())
    return accuracies
