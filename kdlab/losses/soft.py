"""Soft targets (Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a Neural Network")."""
from __future__ import annotations

import torch
import torch.nn.functional as F


def soft_target_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """``T² · KL(softmax(t/T) ‖ softmax(s/T))``, averaged over the batch.

    Why ×T²: the gradient of the KL with respect to a student logit is ``(q_i - p_i)/T``, and both q and p flatten
    as T grows, so the gradient shrinks like 1/T². Multiplying by T² keeps the soft term's share of the gradient
    roughly constant when T changes, so α means the same thing at every temperature (§2 of the paper).
    """
    log_q = F.log_softmax(student_logits.float() / temperature, dim=-1)
    log_p = F.log_softmax(teacher_logits.float() / temperature, dim=-1)
    return F.kl_div(log_q, log_p, log_target=True, reduction="batchmean") * temperature**2


def softened(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """``softmax(logits / T)``: T > 1 spreads probability onto the non-argmax classes ("dark knowledge")."""
    return F.softmax(logits.float() / temperature, dim=-1)
