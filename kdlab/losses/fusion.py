"""Several teachers, one target distribution; per-sample weights from CA-MKD (Zhang, Chen & Wang, ICASSP 2022,
"Confidence-Aware Multi-Teacher Knowledge Distillation").

What it moves: the knowledge of K teachers at once. Averaging their softened predictions treats a teacher that is
wrong on a sample like one that is right. CA-MKD weights each teacher per sample by its confidence in the true
label: the lower a teacher's cross-entropy on the label, the larger its weight.

The official code (``Rorozhl/CA-MKD``, ``helper/loops.py`` and ``distiller_zoo/CAMKD.py``) weights the K
per-teacher KL losses. Fusing the probabilities with the same per-sample weights gives the same gradient for the
student whenever the term is a KL: ``Σ_k w_k · KL(p_k ‖ q) = KL(Σ_k w_k p_k ‖ q) + a constant in q``, because the
cross-entropy part is linear in the target. (The official sum is also divided by K, a constant factor.)
"""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

from .precision import at_least_float32


def fused_probs(teacher_probs: list[torch.Tensor], weights: torch.Tensor) -> torch.Tensor:
    """``Σ_k w_k · p_k``: ``teacher_probs`` are K tensors ``[B, C]``; ``weights`` is ``[K]`` (one weight per teacher)
    or ``[B, K]`` (per sample). Weights are normalised to sum to 1 along K, so the result is a distribution."""
    probs = torch.stack([at_least_float32(p) for p in teacher_probs], dim=1)
    w = at_least_float32(weights)
    w = (w / w.sum(dim=-1, keepdim=True)).reshape(-1, len(teacher_probs), 1)
    return (w * probs).sum(dim=1)


def confidence_weights(teacher_logits: list[torch.Tensor], labels: torch.Tensor) -> torch.Tensor:
    """CA-MKD's ``w[b, k] = (1 - softmax over k of CE_k[b]) / (K - 1)``, shape ``[B, K]``, rows summing to 1.

    ``softmax_k`` runs over the teachers' per-sample cross-entropies, so the teacher with the lowest CE gets the
    smallest softmax share and hence the largest weight. With one teacher (where the official formula divides 0 by
    0) the weight is 1. Detached: the weights are a judgement about the teachers, not something to train.
    """
    k = len(teacher_logits)
    with torch.no_grad():
        ce = torch.stack([F.cross_entropy(at_least_float32(t), labels, reduction="none") for t in teacher_logits], 1)
        if k == 1:
            return torch.ones_like(ce)
        return (1 - torch.softmax(ce, dim=1)) / (k - 1)


def fused_log_probs(teacher_logits: list[torch.Tensor], temperature, fusion: str = "mean",
                    teacher_weights: tuple[float, ...] | torch.Tensor = (), labels: torch.Tensor | None = None,
                    transform: Callable[[torch.Tensor], torch.Tensor] | None = None) -> torch.Tensor:
    """The log of several teachers' softened answers ``softmax(transform(t)/T)`` combined into one distribution:
    their ``mean``, fixed ``weights`` (``teacher_weights``, one per teacher) or per-sample ``confidence`` on the
    true ``labels`` (CA-MKD). One teacher: exactly its ``log_softmax(t/T)``."""
    logits = [transform(at_least_float32(t)) if transform else at_least_float32(t) for t in teacher_logits]
    log_probs = [F.log_softmax(t / temperature, dim=-1) for t in logits]
    if len(log_probs) == 1:
        return log_probs[0]
    device = log_probs[0].device
    if fusion == "confidence":
        weights = confidence_weights(teacher_logits, labels)
    elif fusion == "weights":
        weights = torch.as_tensor(teacher_weights, device=device, dtype=torch.float32)
    else:
        weights = torch.full((len(log_probs),), 1.0 / len(log_probs), device=device)
    return fused_probs([p.exp() for p in log_probs], weights).clamp_min(1e-12).log()
