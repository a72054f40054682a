"""What every variant records: parameters (total and non-zero), FLOPs, CPU latency, bytes on disk.

Latency is the median of ``repeats`` timed forward passes after warm-up, under ``torch.inference_mode`` with the
torch thread count fixed (and stated next to the numbers), at batch 1 (one request) and batch 64 (a batch job):
the two can rank variants differently, since int8 and pruning change the per-call overhead and the arithmetic
differently. FLOPs are ``torch.utils.flop_counter.FlopCounterMode``'s count for one sample (a multiply-add is 2).
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

LATENCY_BATCHES = (1, 64)
WARMUP = 5


def parameter_counts(model: nn.Module) -> tuple[int, int]:
    """``(total, non-zero)`` over parameters; an int8 weight counts its integer entries."""
    total = nonzero = 0
    for tensor in model.parameters():
        data = getattr(tensor, "qdata", tensor)
        total += data.numel()
        nonzero += int(torch.count_nonzero(data.detach()))
    return total, nonzero


@torch.no_grad()
def flops_per_sample(model: nn.Module, example: torch.Tensor) -> int:
    """Floating-point operations of one forward pass of one sample (``example[:1]``), as FlopCounterMode counts
    them: matrix products and convolutions, ``2·in·out`` per Linear layer. It does not see torchao's int8 kernel,
    so the caller counts an int8 model on its float twin (the same multiply-adds, done in integers)."""
    model.eval()
    with FlopCounterMode(display=False) as counter:
        model(example[:1])
    return int(counter.get_total_flops())


@contextmanager
def torch_threads(threads: int) -> Iterator[None]:
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def latency_ms(model: nn.Module, inputs: torch.Tensor, repeats: int, threads: int,
               batches: tuple[int, ...] = LATENCY_BATCHES) -> dict[int, float]:
    """Median milliseconds of one CPU forward pass per batch size, cycling through ``inputs`` (test samples)."""
    model.eval()
    out = {}
    with torch_threads(threads), torch.inference_mode():
        for batch in batches:
            chunk = inputs[:batch] if len(inputs) >= batch else inputs.repeat_interleave(-(-batch // len(inputs)),
                                                                                        0)[:batch]
            for _ in range(WARMUP):
                model(chunk)
            timings = []
            for _ in range(repeats):
                started = time.perf_counter()
                model(chunk)
                timings.append(time.perf_counter() - started)
            out[batch] = statistics.median(timings) * 1000
    return out
