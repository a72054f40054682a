"""Where the Distill form's teacher and students' inputs may come from besides the usual: a finished run's student
as the teacher, and Mixup of the transfer set.

A finished run of this workspace on the same data (``kdlab.runs.teacher_runs.runs_that_can_teach``) may lend its
distilled student as the teacher (``RunConfig.teacher_run``): a born-again network when the student is the
teacher's size, a teacher-assistant chain when a mid-sized student then teaches a small one. While one is chosen,
the card shows that student as the teacher, disabled, and the run's architecture and knobs are the teacher's.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from kdlab import DATASETS, RunConfig
from kdlab.config import MIXABLE
from kdlab.runs.store import RunRecord
from kdlab.runs.teacher_runs import runs_that_can_teach
from kdlab.viz import numbers
from ui.common import runner, store_problem, tr, workspace, worded
from ui.loss_controls import AS_TYPED
from ui.run_picker import choice_label

PICK_KEY = "distill_teacher_run"
MIXUP_RANGE = (0.0, 1.0)  # the paper's α: 0.1-0.4 on ImageNet, 1 on CIFAR-10


def teacher_candidates(dataset: str, dataset_kw: dict, seed: int) -> dict[str, RunRecord]:
    """This workspace's finished runs that can teach a run on this data, newest first, by id."""
    if store_problem():
        return {}
    records = runs_that_can_teach(runner().store.list(workspace()), dataset, dataset_kw, seed)
    return {record.id: record for record in records}


def chosen_run(candidates: dict[str, RunRecord], saved: RunConfig) -> RunRecord | None:
    """The run picked in the form (its widget's value on this rerun, else the saved config's), when it can still
    teach: read before the card is drawn, so that the card shows its student as the teacher."""
    return candidates.get(st.session_state.get(PICK_KEY, saved.teacher_run))


def _knobs(knobs: dict) -> str:
    return f" {', '.join(f'{k}={v}' for k, v in knobs.items())}" if knobs else ""


def run_teacher_ui(record: RunRecord) -> str:
    """The card's teacher while a run's student teaches: its architecture, shown and disabled."""
    model = record.config["student"]
    st.selectbox(tr("distill.teacher_from_run", run_id=record.id), [model], key="distill_teacher_from_run",
                 disabled=True, help=tr("distill.teacher_from_run_help"))
    return model


def teacher_run_ui(candidates: dict[str, RunRecord], chosen: RunRecord | None) -> dict[str, Any]:
    """The picker; the config fields it sets: the run and, from it, the teacher's knobs (the card has shown its
    architecture, ``run_teacher_ui``)."""
    if not candidates:
        st.caption(tr("distill.teacher_run_none_yet"))
        return {"teacher_run": None}
    options = ["", *candidates]
    picked = st.selectbox(tr("distill.teacher_run"), options, options.index(chosen.id) if chosen else 0,
                          key=PICK_KEY, help=tr("distill.teacher_run_help"),
                          format_func=worded(options, lambda run_id: choice_label(candidates[run_id]) if run_id
                                             else tr("distill.teacher_run_none")))
    if not picked:
        return {"teacher_run": None}
    stored = candidates[picked].config
    st.caption(tr("distill.teacher_run_chosen", run_id=picked, model=stored["student"],
                  knobs=_knobs(stored.get("student_kw", {})),
                  accuracy=numbers.percent((candidates[picked].summary or {}).get("student_acc"))))
    return {"teacher_run": picked, "teacher_kw": dict(stored.get("student_kw", {}))}  # the card shows its model


def mixup_ui(saved: RunConfig, dataset: str) -> float:
    """Mixup's α for a dataset whose inputs blend; 0 and disabled, with the reason, for one whose do not."""
    modality = DATASETS.get(dataset).meta["modality"]
    if modality not in MIXABLE:
        st.slider(tr("distill.mixup"), *MIXUP_RANGE, 0.0, key="distill_mixup_off", disabled=True)
        st.caption(tr("distill.mixup_off", dataset=dataset, modality=tr(f"distill.modality_{modality}")))
        return 0.0
    return st.slider(tr("distill.mixup"), *MIXUP_RANGE, float(saved.mixup), 0.05, key="distill_mixup",
                     help=tr("distill.mixup_help"), format=AS_TYPED)
