"""A teacher from a finished run (``--teacher run:RUN_ID``): that run's distilled student teaches the next one.

This is what two answers to the capacity gap need: born-again networks (Furlanello et al., ICML 2018, "Born-Again
Neural Networks": a student of its teacher's own size, distilled from it, generation after generation) and the
teacher assistant (Mirzadeh et al., AAAI 2020, "Improved Knowledge Distillation via Teacher Assistant": teacher →
a mid-sized assistant → the small student, each step a run of its own).

``teacher_from_run`` is where such a config enters (``kdlab.policy.admission.admit``, which every run passes): the
run must exist, be finished and have trained on the same data (dataset, its knobs and the seed, which draws the
split of the toy data), and the config's teacher becomes that run's student architecture and knobs — so admission
sizes it like any teacher. It also puts that run's stored student weights into the teacher cache under the new
config's teacher key, so the trainer (which knows no run store) finds it there like any trained teacher, and the
pages and the server read it the usual way (``kdlab.teachers.load_teacher``). Each run's config names its teacher
run, so History can follow the chain back to the first teacher.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable, Iterable

from ..config import RunConfig
from ..errors import UserError
from ..teachers import store_teacher, teacher_lock, teacher_path
from .store import RunRecord, RunStore

RUN_PREFIX = "run:"  # --teacher run:RUN_ID
RUN_ID = re.compile(r"^[\w\-]{1,64}$")
SAME_DATA = ("dataset", "dataset_kw", "seed")


def teacher_from_run(config: RunConfig, store: RunStore) -> RunConfig:
    """``config`` with its first teacher the distilled student of run ``config.teacher_run`` (its architecture and
    knobs from the stored config), or a ``ValueError`` in one sentence: no such run, not finished, other data."""
    run_id = config.teacher_run
    if not (isinstance(run_id, str) and RUN_ID.match(run_id)):
        raise UserError("teacher_run.id", "{setting} must be a run id like 20250101-120000-ab12cd, got {value!r}",
                        setting="teacher_run", value=str(run_id)[:70])
    record = store.get(run_id)  # "no run with id ..." otherwise
    if record.status != "finished":
        raise UserError("teacher_run.unfinished", "run {run_id} is {status}, not finished: only a finished run's "
                        "student can teach", run_id=run_id, status=record.status)
    stored = record.config
    for name in SAME_DATA:
        if stored.get(name) != getattr(config, name):
            raise UserError("teacher_run.other_data", "run {run_id} trained on other data ({setting} {stored!r}, not "
                            "{value!r}): a teacher must not have seen this run's test samples", run_id=run_id,
                            setting=name, stored=stored.get(name), value=getattr(config, name))
    if config.teacher_kw and config.teacher_kw != stored.get("student_kw", {}):
        raise UserError("teacher_run.knobs", "the teacher from run {run_id} keeps that run's student knobs; do not set "
                        "{setting}", run_id=run_id, setting="teacher_kw")
    resolved = replace(config, teacher=stored["student"], teacher_kw=dict(stored.get("student_kw", {})))
    path = teacher_path(resolved)
    with teacher_lock(path):
        if not path.exists():
            facts = {"seconds": (record.summary or {}).get("distill_seconds") or 0.0, "run": run_id}
            store_teacher(path, store.weights(run_id)["student"], facts)
    return resolved


def runs_that_can_teach(records: Iterable[RunRecord], dataset: str, dataset_kw: dict, seed: int) -> list[RunRecord]:
    """The finished runs among ``records`` trained on this data (``SAME_DATA``): those whose distilled student
    ``teacher_from_run`` accepts as the teacher of a run on it (the Distill page's choices), in their order."""
    wanted = {"dataset": dataset, "dataset_kw": dataset_kw, "seed": seed}
    return [record for record in records if record.status == "finished"
            and all(record.config.get(name) == value for name, value in wanted.items())]


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
