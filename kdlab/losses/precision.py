"""The dtype every loss computes in: at least float32 (``at_least_float32``)."""
from __future__ import annotations

import torch


def at_least_float32(x: torch.Tensor) -> torch.Tensor:
    """``x`` in float32, or kept as it is if it is already float32/float64.

    Why: half-precision logits (bf16 autocast) lose too much in softmax/log, so losses compute in float32; but a
    float64 input stays float64 so that ``torch.autograd.gradcheck`` can check the losses at double precision.
    """
    return x.to(torch.promote_types(x.dtype, torch.float32))
