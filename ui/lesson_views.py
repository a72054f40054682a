"""The Lessons page's parts: a lesson's claim and what ``lessons verify`` measured, the learner's prediction and the
run's outcome beside it, and two teachers' soft targets side by side (why one carries the dark knowledge)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kdlab.evaluate import predict
from kdlab.lessons import QUICK_DEMO
from kdlab.lessons_verify import MEASURED_PATH, SCALE_TEMPERATURES, load_measured, unseen_evidence
from kdlab.stats import paired_verdict
from kdlab.viz import figures
from kdlab.viz.metrics import logit_scale
from ui.common import runner, teacher_of, tr

PREDICTIONS = ("better", "no_difference", "worse")
PREDICTED_KEY = "lessons_predicted"  # session_state: {run id: what the learner predicted before pressing Run}


@st.cache_data(show_spinner=False)
def _measured(stamp: float) -> dict:
    return load_measured()


def measured() -> dict:
    """The last ``lessons verify`` measurements, read again whenever the file changes."""
    try:
        stamp = MEASURED_PATH.stat().st_mtime
    except OSError:
        return {}
    return _measured(stamp)


def _pct(value) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def claim_text(claim: dict) -> str:
    """The claim in words, one sentence per part, from the claim's data."""
    other = tr(f"lessons.against_{claim['against']}")
    parts = []
    if claim["verdict"]:
        parts.append(tr(f"lessons.claim_verdict_{claim['verdict']}", other=other))
    if claim["gain_every_seed"]:
        parts.append(tr("lessons.claim_gain_every_seed", other=other))
    for name in ("min_unseen_recall", "max_baseline_unseen_recall", "max_contrast_unseen_recall"):
        if claim[name] is not None:
            parts.append(tr(f"lessons.claim_{name}", pct=f"{100 * claim[name]:g}"))
    if claim["flatter_teacher"]:
        parts.append(tr("lessons.claim_flatter_teacher"))
    return " ".join(parts)


def measured_ui(lesson) -> None:
    """The lesson's claim, then every number ``lessons verify`` measured for it, and whether the claim held."""
    entry = measured().get(lesson.key)
    st.markdown(tr("lessons.claim", claim=claim_text(entry["claim"] if entry else _claim_dict(lesson))))
    if entry is None:
        st.warning(tr("lessons.not_measured", key=lesson.key))
        return
    rows = []
    for run in entry["runs"]:
        row = {tr("lessons.col_seed"): run["seed"], tr("lessons.col_teacher"): _pct(run["teacher_acc"]),
               tr("lessons.col_student"): _pct(run["student_acc"]),
               tr("lessons.col_baseline"): _pct(run["baseline_acc"]),
               tr("lessons.col_gain"): f"{run['gain_points']:+.1f}",
               tr("lessons.col_discordant"): f"{run['only_student']} : {run['only_baseline']}",
               tr("lessons.col_seconds"): f"{run['distill_seconds']:.1f}"}
        if "unseen_recall_student" in run:
            row[tr("lessons.col_unseen_student")] = _pct(run["unseen_recall_student"])
            row[tr("lessons.col_unseen_baseline")] = _pct(run["unseen_recall_baseline"])
        if "contrast" in run:
            contrast = run["contrast"]
            row[tr("lessons.col_contrast_student")] = _pct(contrast["student_acc"])
            row[tr("lessons.col_vs_contrast")] = f"{contrast['only_lesson']} : {contrast['only_contrast']}"
            if "unseen_recall_student" in contrast:
                row[tr("lessons.col_contrast_unseen")] = _pct(contrast["unseen_recall_student"])
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, key=f"lessons_measured_{lesson.key}")
    pooled, gain = entry["pooled"], entry["gain"]
    p = pooled["p_value"]
    interval = ("–" if gain["low"] is None else f"[{gain['low']:+.1f}, {gain['high']:+.1f}]")
    st.caption(tr("lessons.pooled", other=tr(f"lessons.against_{pooled['against']}"), a=pooled["only_student"],
                  b=pooled["only_other"], p=f"{p:.3f}" if p >= 0.001 else "< 0.001",
                  verdict=tr(f"lessons.verdict_{pooled['verdict']}"), interval=interval, n=gain["n"]))
    status = tr("lessons.claim_holds") if entry["holds"] else tr("lessons.claim_fails")
    (st.success if entry["holds"] else st.error)(tr("lessons.measured_stamp", status=status, date=entry["date"],
                                                     device=entry["device"], seeds=", ".join(map(str, entry["seeds"]))))


def _claim_dict(lesson) -> dict:
    from dataclasses import asdict

    return asdict(lesson.claim)


def prediction_ui(lesson) -> str | None:
    """Before the run: the learner's guess, better / the same / worse than the baseline."""
    return st.radio(tr("lessons.predict"), PREDICTIONS, index=None, horizontal=True,
                    format_func=lambda p: tr(f"lessons.predict_{p}"), key=f"lessons_predict_{lesson.key}",
                    help=tr("lessons.predict_help"))


def remember_prediction(run_id: str, prediction: str | None) -> None:
    st.session_state.setdefault(PREDICTED_KEY, {})[run_id] = prediction


def outcome_ui(run_id: str) -> None:
    """After the run: the paired test of this run beside what the learner predicted for it."""
    summary = runner().store.get(run_id).summary or {}
    paired = summary.get("paired")
    if not paired:
        return
    outcome, p = paired_verdict(paired["only_student"], paired["only_baseline"])
    guess = st.session_state.get(PREDICTED_KEY, {}).get(run_id)
    said = tr(f"lessons.predict_{guess}") if guess else tr("lessons.no_prediction")
    text = tr("lessons.outcome", guess=said, outcome=tr(f"lessons.predict_{outcome}"), a=paired["only_student"],
              b=paired["only_baseline"], p=f"{p:.3f}" if p >= 0.001 else "< 0.001")
    show = st.success if guess == outcome else st.info
    show(text + (" " + tr("lessons.outcome_single") if outcome == "no_difference" else ""))


def teachers_ui(lesson) -> None:
    """Two teachers of the same digits side by side: the spread of their logits, the T from which their soft
    targets are all but uniform, and what their soft targets on the other digits say about the unseen class."""
    cls, t = lesson.unseen_class, lesson.config.temperature
    st.subheader(tr("lessons.teachers_title", cls=cls))
    st.markdown(tr("lessons.teachers_intro", t=f"{t:g}", cls=cls))
    curves = {}
    for column, config in zip(st.columns(2), (lesson.config, lesson.contrast)):
        teacher, splits = teacher_of(config)
        seen = splits.y_train != cls
        train_logits = predict(teacher, splits.x_train[seen]).logits.float()
        scale = logit_scale(predict(teacher, splits.x_test).logits.float(), SCALE_TEMPERATURES)
        evidence = unseen_evidence(train_logits, cls, t)
        with column:
            st.markdown(f"**{config.teacher}**")
            column.metric(tr("lessons.teacher_std"), f"{scale['std']:.1f}", help=tr("lessons.teacher_std_help"))
            flat = scale["flat_from"]
            column.metric(tr("lessons.teacher_flat"), "> 95" if flat is None else f"≈ {flat:.1f}")
            column.metric(tr("lessons.teacher_evidence", cls=cls, t=f"{t:g}"), f"{evidence['max']:.3f}",
                          help=tr("lessons.teacher_evidence_help", cls=cls, uniform=f"{evidence['uniform']:.3f}"))
        curves[config.teacher] = scale["information"]
    st.plotly_chart(figures.information_curves(SCALE_TEMPERATURES, curves, t,
                                               labels={k: tr(f"temperature.fig.{k}") for k in _INFO_LABELS}),
                    width="stretch", key="lessons_teachers_information")
    st.caption(tr("lessons.teachers_help", t=f"{t:g}"))


_INFO_LABELS = ("information_title", "information", "temperature")


def quick_demo_note() -> None:
    """Under the home page's demo: what verify measured for it over seeds, so one run's verdict has its context."""
    entry = measured().get(QUICK_DEMO)
    if not entry:
        return
    pooled, p = entry["pooled"], entry["pooled"]["p_value"]
    st.caption(tr("home.quick_demo_measured", date=entry["date"], device=entry["device"],
                  seeds=", ".join(map(str, entry["seeds"])),
                  gains=", ".join(f"{r['gain_points']:+.1f}" for r in entry["runs"]), a=pooled["only_student"],
                  b=pooled["only_other"], p=f"{p:.3f}" if p >= 0.001 else "< 0.001",
                  verdict=tr(f"lessons.verdict_{pooled['verdict']}")))
