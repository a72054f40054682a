"""The Lessons page's parts for the lessons set beside the literature: a teacher-assistant chain run in two steps
(the assistant first, then the student it teaches, each a run of its own so History shows the chain), and a
paper's table beside what ``lessons verify`` measured for the lesson."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kdlab.lessons import Lesson, paper_command
from kdlab.viz import numbers
from ui.common import error_text, listed, runner, submit, tr
from ui.lesson_views import measured, remember_prediction
from ui.live import live_run

ROLES = ("teacher", "student", "baseline")  # the paper's three columns, in this order


def finished(run_id: str) -> bool:
    try:
        return runner().store.get(run_id).status == "finished"
    except ValueError:  # deleted meanwhile
        return False


def chain_caption(lesson: Lesson) -> str:
    """The preset's chain in words: who teaches the assistant, which assistant ("" for a lesson without one)."""
    if lesson.assistant is None:
        return ""
    assistant = lesson.assistant
    knobs = ", ".join(f"{k}={v}" for k, v in assistant.student_kw.items())
    return tr("lessons.preset_assistant", teacher=assistant.teacher, assistant=assistant.student,
              knobs=tr("lessons.preset_knobs", knobs=knobs) if knobs else "")


def chain_run_ui(lesson: Lesson, prediction: str | None, runs: dict) -> str | None:
    """Step 1 distils the assistant; once it has finished, step 2 distils the lesson's student from it
    (``teacher_run``). Returns step 2's run id, if any; ``runs`` is the page's {lesson key: run id}."""
    step_one = f"{lesson.key}:assistant"
    if st.button(tr("lessons.run_assistant"), key=f"lessons_run_{lesson.key}_assistant", type="primary",
                 help=tr("lessons.run_assistant_help")):
        try:
            runs[step_one] = submit(lesson.assistant, source="lesson")
            runs.pop(lesson.key, None)  # a new assistant: the old step 2 was taught by another one
        except ValueError as err:
            st.error(tr("common.error", message=error_text(err)))
    assistant = runs.get(step_one)
    if assistant is None:
        return None
    if not finished(assistant):
        st.caption(tr("lessons.assistant_waiting"))
        live_run(assistant)
        return None
    st.success(tr("lessons.assistant_done", run_id=assistant))
    if st.button(tr("lessons.run_student"), key=f"lessons_run_{lesson.key}", type="primary",
                 help=tr("lessons.run_student_help", run_id=assistant)):
        try:
            runs[lesson.key] = submit(lesson.chained(assistant), source="lesson")
            remember_prediction(runs[lesson.key], prediction)
        except ValueError as err:
            st.error(tr("common.error", message=error_text(err)))
    return runs.get(lesson.key)


def _cell(errors: float, images: int, whole: bool) -> str:
    """Errors (whole for the paper's, a mean with one decimal for ours) and their share of the test samples."""
    count = numbers.count(errors) if whole else numbers.decimals(errors, 1)
    return tr("lessons.paper_cell", n=count, pct=numbers.percent(errors / images, 2))


def _row(where: str, images: int, errors: dict[str, float], whole: bool) -> dict:
    row = {tr("lessons.paper_col_where"): where, tr("lessons.paper_col_images"): numbers.count(images)}
    row.update({tr(f"lessons.paper_col_{role}"): _cell(errors[role], images, whole) for role in ROLES})
    return row


def _measured_errors(runs: list[dict]) -> dict[str, float]:
    """The mean test errors per seed of the teacher, the distilled student and the baseline."""
    return {role: sum((1 - run[f"{role}_acc"]) * run["images"] for run in runs) / len(runs) for role in ROLES}


def paper_ui(lesson: Lesson) -> None:
    """The paper's errors (quoted) beside the mean errors ``lessons verify`` measured on each seed set, then the
    command that trains the same models on the paper's own data."""
    paper = lesson.paper
    st.subheader(tr("lessons.paper_title"))
    st.caption(tr("lessons.paper_intro", source=paper.source, section=paper.section, dataset=paper.dataset))
    rows = [_row(tr("lessons.paper_row_paper", dataset=paper.dataset, t=numbers.weight(paper.temperature)),
                 paper.test_images, {"teacher": paper.teacher_errors, "student": paper.student_errors,
                                     "baseline": paper.baseline_errors}, whole=True)]
    entry = measured().get(lesson.key)
    for part in (entry, (entry or {}).get("holdout")):
        if part:
            rows.append(_row(tr("lessons.paper_row_measured", dataset=lesson.config.dataset,
                                seeds=listed(part["seeds"])), part["runs"][0]["images"],
                             _measured_errors(part["runs"]), whole=False))
    st.dataframe(pd.DataFrame(rows), hide_index=True, key=f"lessons_paper_{lesson.key}")
    if entry is None:
        st.info(tr("lessons.paper_not_measured"))
    st.caption(tr("lessons.paper_mnist"))
    st.code(paper_command(lesson), language="bash")
