"""Re-open a finished run: rebuild its models from the stored config and weights, and its teacher from the cache.

A run record is self-describing (like nanoGPT's checkpoints): the config says which architectures and knobs, the
weights fill them, so any page in any session can show a run that another process trained. Loading never trains:
a teacher missing from the cache raises ``TeacherNotCached``, and the app asks a worker to train it.

A server keeps the runs its pages re-open in ``LoadedRuns``, bounded by the bytes they hold rather than by their
number: one run of a large student on CIFAR holds hundreds of MB, one on moons a few KB.
"""
from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Callable

import torch
from torch import nn

from ..config import RunConfig
from ..data import Splits
from ..errors import UserError
from ..models import InputSpec, build_model, size_bytes
from ..teachers import load_teacher
from .store import RunStore


@dataclass
class LoadedRun:
    run_id: str
    config: RunConfig
    summary: dict
    splits: Splits
    models: dict[str, nn.Module] = field(repr=False)  # "teacher", "student" and, when trained, "baseline"


def rebuild_student(config: RunConfig, spec: InputSpec, role: str, state: dict[str, torch.Tensor]) -> nn.Module:
    """A fresh ``config.student`` for this data with ``state`` loaded strictly, in eval mode; a one-sentence
    ``ValueError`` naming the first mismatches when the weights do not fit (an upload may hold anything)."""
    model = build_model(config.student, spec, config.seed, config.student_kw)
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    reshaped = [k for k in expected if k in state and state[k].shape != expected[k].shape]
    if missing or unexpected or reshaped:
        problems = []
        if missing:
            problems.append(f"{len(missing)} missing (e.g. {missing[0]!r})")
        if unexpected:
            problems.append(f"{len(unexpected)} unexpected (e.g. {unexpected[0]!r})")
        if reshaped:
            k = reshaped[0]
            problems.append(f"{len(reshaped)} of another shape (e.g. {k!r} is {list(state[k].shape)}, "
                            f"expected {list(expected[k].shape)})")
        raise UserError("import.misfit", "the {role} weights do not fit a {model!r} student for {dataset}: {detail} — "
                        "check that the config is the one these weights were trained with", role=role,
                        model=config.student, dataset=config.dataset, detail="; ".join(problems))
    model.load_state_dict(state, strict=True)
    return model.eval()


def load_run(store: RunStore, run_id: str) -> LoadedRun:
    """A finished run's models on the CPU; ``ValueError`` for an unknown or unfinished run, ``TeacherNotCached``
    when its teacher must be trained first."""
    record = store.get(run_id)
    if record.status != "finished":
        raise UserError("store.unfinished", "run {run_id} is {status}, not finished", run_id=run_id,
                        status=record.status)
    config = replace(RunConfig.from_dict(record.config), device="cpu")
    teacher, splits = load_teacher(config)
    models = {"teacher": teacher}
    for role, state in store.weights(run_id).items():
        models[role] = rebuild_student(config, InputSpec.of(splits), role, state)
    return LoadedRun(run_id, config, record.summary, splits, models)


def run_bytes(run: LoadedRun) -> int:
    """The memory a loaded run holds: its models' parameters and buffers and its data's tensors."""
    data = (run.splits.x_train, run.splits.y_train, run.splits.x_test, run.splits.y_test)
    return sum(size_bytes(model) for model in run.models.values()) + sum(t.numel() * t.element_size() for t in data)


# A load's peak beyond the runs kept, in runs of its size: SQLite's copy of the stored weights and Python's, the
# decoded tensors, the models built (measured: benchmarks/bench_compare_cache.py, 130 MB runs).
LOAD_HEADROOM = 4


class LoadedRuns:
    """Loaded runs kept within ``budget_bytes`` together with the room the next load needs, least recently used
    first out (``run_bytes`` each).

    A load briefly holds copies of the stored weights next to the models it builds: ``LOAD_HEADROOM`` times the
    run's own size on top of what is kept. So ``get(run_id, load)`` returns the kept run
    or calls ``load()`` and keeps it, then evicts the least recently used runs until the rest, plus that headroom
    for a run of this size, fit the budget: the budget bounds the server's memory for re-opened runs, loads
    included. The run just asked for always stays, even alone over the budget (the page needs it).

    An evicted run is freed at once: a Streamlit page's namespace is a reference cycle (its functions' globals), so
    the runs that past reruns showed are otherwise held until Python's cyclic collector happens to run (measured:
    each run opened on Compare stayed until then, 400 MB past the budget in four runs).

    Thread-safe: Streamlit sessions are threads. Loading happens outside the lock, so one slow load never holds up
    the other sessions; two sessions loading one run at once keep the first to finish."""

    def __init__(self, budget_bytes: int, size: Callable[[LoadedRun], int] = run_bytes):
        self.budget_bytes, self.size = budget_bytes, size
        self.entries: OrderedDict[str, tuple[LoadedRun, int]] = OrderedDict()
        self.lock = threading.Lock()

    @property
    def bytes(self) -> int:
        with self.lock:
            return sum(nbytes for _, nbytes in self.entries.values())

    def get(self, run_id: str, load: Callable[[], LoadedRun]) -> LoadedRun:
        with self.lock:
            if run_id in self.entries:
                self.entries.move_to_end(run_id)
                return self.entries[run_id][0]
        run = load()
        nbytes = self.size(run)
        with self.lock:
            if run_id in self.entries:
                self.entries.move_to_end(run_id)
                return self.entries[run_id][0]
            self.entries[run_id] = (run, nbytes)
            total = sum(n for _, n in self.entries.values())
            evicted = 0
            while total + LOAD_HEADROOM * nbytes > self.budget_bytes and len(self.entries) > 1:
                total -= self.entries.popitem(last=False)[1][1]
                evicted += 1
        if evicted:  # a page's namespace is a reference cycle (its functions' globals): free what it showed now
            gc.collect()
        return run
