"""A teacher from a finished run (``--teacher run:RUN_ID``): that run's distilled student teaches the next one.

This is what two answers to the capacity gap need: born-again networks (Furlanello et al., ICML 2018, "Born-Again
Neural Networks": a student of its teacher's own size, distilled from it, generation after generation) and the
teacher assistant (Mirzadeh et al., AAAI 2020, "Improved Knowledge Distillation via Teacher Assistant": teacher →
a mid-sized assistant → the small student, each step a run of its own).

``teacher_from_run`` is where such a config enters (``kdlab.serve.admission.admit``, which every run passes): the
run must exist, be finished and have trained on the same data (dataset, its knobs and the seed, which draws the
split of the toy data), and the config's teacher becomes that run's student architecture and knobs — so admission
sizes it like any teacher. ``load_run_teacher`` fills the teacher with that run's stored student weights when a
worker first needs it; the trainer then keeps it in the teacher cache like a trained one, so the pages and the
server read it the usual way (``kdlab.teachers.load_teacher``). Each run's config names its teacher run, so History
can follow the chain back to the first teacher.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

from torch import nn

from ..config import RunConfig
from .store import RunRecord, RunStore

RUN_PREFIX = "run:"  # --teacher run:RUN_ID
RUN_ID = re.compile(r"^[\w\-]{1,64}$")
SAME_DATA = ("dataset", "dataset_kw", "seed")


def teacher_from_run(config: RunConfig, store: RunStore) -> RunConfig:
    """``config`` with its first teacher the distilled student of run ``config.teacher_run`` (its architecture and
    knobs from the stored config), or a ``ValueError`` in one sentence: no such run, not finished, other data."""
    run_id = config.teacher_run
    if not (isinstance(run_id, str) and RUN_ID.match(run_id)):
        raise ValueError(f"teacher_run must be a run id like 20250101-120000-ab12cd, got {str(run_id)[:70]!r}")
    record = store.get(run_id)  # "no run with id ..." otherwise
    if record.status != "finished":
        raise ValueError(f"run {run_id} is {record.status}, not finished: only a finished run's student can teach")
    stored = record.config
    for name in SAME_DATA:
        if stored.get(name) != getattr(config, name):
            raise ValueError(f"run {run_id} trained on other data ({name} {stored.get(name)!r}, not "
                             f"{getattr(config, name)!r}): a teacher must not have seen this run's test samples")
    if config.teacher_kw and config.teacher_kw != stored.get("student_kw", {}):
        raise ValueError(f"the teacher from run {run_id} keeps that run's student knobs; do not set teacher_kw")
    return replace(config, teacher=stored["student"], teacher_kw=dict(stored.get("student_kw", {})))


def load_run_teacher(config: RunConfig, teacher: nn.Module, store: RunStore | None = None) -> dict:
    """Load run ``config.teacher_run``'s distilled student weights into ``teacher``; the facts a cached teacher
    keeps (its training time: that run's student phase)."""
    store = store or RunStore()
    record = store.get(config.teacher_run)
    teacher.load_state_dict(store.weights(config.teacher_run)["student"], strict=True)
    return {"seconds": (record.summary or {}).get("distill_seconds") or 0.0, "run": config.teacher_run}


def teacher_chain(record: RunRecord, get: Callable[[str], RunRecord]) -> list[str]:
    """The runs whose students taught this one, nearest first (``[assistant run, teacher run]``); a run that is
    gone ends the chain, and a loop (impossible in a store, possible in imports) is followed once."""
    chain: list[str] = []
    run_id = record.config.get("teacher_run")
    while run_id and run_id not in chain:
        chain.append(run_id)
        try:
            run_id = get(run_id).config.get("teacher_run")
        except ValueError:
            break
    return chain
