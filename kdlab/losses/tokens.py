"""One answer per sample or one per token: the reductions every logit term shares, and which pairs a term takes.

A classifier's logits are ``[B, C]`` with one label per sample; a language model's are ``[B, L, V]`` with a target
per position, ``IGNORE_INDEX`` under padding. A term computes its value per row (summed over the classes or the
vocabulary) and ``mean_over_rows`` averages the rows that count: every sample, or every real token. For ``[B, C]``
it is exactly PyTorch's ``batchmean``.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..data import IGNORE_INDEX
from ..models import model_meta
from .precision import at_least_float32


def is_language_model(name: str) -> bool:
    """Whether model ``name`` reads ``sequence`` data: its logits are per position, ``[B, L, V]``."""
    return "sequence" in model_meta(name)["modalities"]


def any_pair(teacher: str, student: str) -> str | None:
    """A term for classifiers and language models alike (cross-entropy, soft targets: per sample or per token)."""
    return None


def language_models_only(teacher: str, student: str) -> str | None:
    """A term for a pair of language models (the divergences of LLM distillation: reverse KL, JSD, skew KL)."""
    if is_language_model(teacher) and is_language_model(student):
        return None
    return "this term is for language models (a GPT teacher and student on a text corpus)"


def mean_over_rows(values: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The mean of per-row ``values`` (``[B]`` or ``[B, L]``) over the rows whose label is not ``IGNORE_INDEX``;
    0 when there is none (a batch of padding has nothing to learn from)."""
    keep = (labels != IGNORE_INDEX).to(values.dtype)
    return (values * keep).sum() / keep.sum().clamp_min(1)


def kl_rows(log_p: torch.Tensor, log_q: torch.Tensor) -> torch.Tensor:
    """``KL(p ‖ q) = Σ_v p_v (log p_v − log q_v)`` per row, from log-probabilities (0·log 0 counts 0)."""
    return F.kl_div(log_q, log_p, log_target=True, reduction="none").sum(-1)


def cross_entropy_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy over samples or over real tokens (``IGNORE_INDEX`` is PyTorch's default ignore index)."""
    logits = at_least_float32(logits)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=IGNORE_INDEX)
