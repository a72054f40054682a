"""The Lessons page's parts: the learner's prediction first, then a lesson's claim and what ``lessons verify``
measured (on the seeds it was measured and checked on), the run's outcome beside the prediction, and two teachers'
soft targets side by side (why one carries the dark knowledge)."""
from __future__ import annotations

import random

import pandas as pd
import streamlit as st

from kdlab.evaluate import predict
from kdlab.lessons import QUICK_DEMO
from kdlab.lessons_verify import MEASURED_PATH, SCALE_TEMPERATURES, load_measured, pooled, unseen_evidence
from kdlab.stats import paired_verdict
from kdlab.viz import figures, numbers
from kdlab.measures import logit_scale
from ui.common import lang, listed, runner, teacher_of, tr, worded
from ui.lesson_language import diversity_caption, is_language, language_claim_parts, language_row, temperatures_ui

PREDICTIONS = ("better", "no_difference", "worse")
PREDICTED_KEY = "lessons_predicted"  # session_state: {run id: what the learner predicted before pressing Run}
REVEALED_KEY = "lessons_revealed"  # session_state: lessons whose answer the learner chose to see without a guess
DEMO_SEED_KEY = "home_demo_seed"  # session_state: the seed the home page's quick demo drew at its last click


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


def claim_text(claim: dict) -> str:
    """The claim in words, one sentence per part, from the claim's data."""
    other = tr(f"lessons.against_{claim['against']}")
    parts = []
    if claim["verdict"]:
        parts.append(tr(f"lessons.claim_verdict_{claim['verdict']}", other=other))
    if claim.get("not_verdict"):
        against = "_contrast" if claim["against"] == "contrast" else ""
        parts.append(tr(f"lessons.claim_not_verdict_{claim['not_verdict']}{against}", other=other))
    if claim.get("verdict_every_seed"):
        parts.append(tr("lessons.claim_verdict_every_seed"))
    if claim["gain_every_seed"]:
        parts.append(tr("lessons.claim_gain_every_seed", other=other))
    for name in ("min_unseen_recall", "max_baseline_unseen_recall", "max_contrast_unseen_recall"):
        if claim[name] is not None:
            parts.append(tr(f"lessons.claim_{name}", pct=f"{100 * claim[name]:g}"))
    if claim["flatter_teacher"]:
        parts.append(tr("lessons.claim_flatter_teacher"))
    if claim.get("teacher_ahead"):
        parts.append(tr("lessons.claim_teacher_ahead"))
    return ("" if lang() == "zh" else " ").join(parts + language_claim_parts(claim))  # no space after 。


def _row(run: dict, seed_set: str | None) -> dict:
    """One seed's measured numbers as a table row, written by ``kdlab.viz.numbers``."""
    pct = numbers.percent_number
    row = {tr("lessons.col_set"): tr(f"lessons.set_{seed_set}")} if seed_set else {}
    if is_language(run):
        return {**row, tr("lessons.col_seed"): run["seed"], **language_row(run)}
    row.update({tr("lessons.col_seed"): run["seed"], tr("lessons.col_teacher"): pct(run["teacher_acc"]),
                tr("lessons.col_student"): pct(run["student_acc"]), tr("lessons.col_baseline"): pct(run["baseline_acc"]),
                tr("lessons.col_gain"): numbers.signed_points(run["gain_points"] / 100),
                tr("lessons.col_discordant"): f"{numbers.count(run['only_student'])} : "
                                              f"{numbers.count(run['only_baseline'])}",
                tr("lessons.col_seconds"): numbers.seconds(run["distill_seconds"])})
    if "unseen_recall_student" in run:
        row[tr("lessons.col_unseen_student")] = pct(run["unseen_recall_student"])
        row[tr("lessons.col_unseen_baseline")] = pct(run["unseen_recall_baseline"])
    if "contrast" in run:
        contrast = run["contrast"]
        row[tr("lessons.col_contrast_student")] = pct(contrast["student_acc"])
        row[tr("lessons.col_vs_contrast")] = (f"{numbers.count(contrast['only_lesson'])} : "
                                              f"{numbers.count(contrast['only_contrast'])}")
        if "unseen_recall_student" in contrast:
            row[tr("lessons.col_contrast_unseen")] = pct(contrast["unseen_recall_student"])
    return row


def _pooled_caption(part: dict) -> str:
    """One seed set's pooled paired test and the interval of its gain, in words: test images and accuracy points,
    or for a language model validation sentences and the perplexity the student takes off."""
    pooled, gain = part["pooled"], part["gain"]
    language = is_language(part["runs"][0])
    write = (lambda v: numbers.decimals(v, 3)) if language else (lambda v: numbers.signed_points(v / 100))
    interval = numbers.MISSING if gain["low"] is None else f"{write(gain['low'])} … {write(gain['high'])}"
    return tr("lessons.pooled_sentences" if language else "lessons.pooled", seeds=listed(part["seeds"]),
              other=tr(f"lessons.against_{pooled['against']}"), a=numbers.count(pooled["only_student"]),
              b=numbers.count(pooled["only_other"]), p=numbers.p_value(pooled["p_value"]),
              verdict=tr(f"lessons.verdict_{pooled['verdict']}"), interval=interval)


def measured_ui(lesson) -> None:
    """The lesson's claim, then every number ``lessons verify`` measured for it (and on the held-out seeds it was
    checked on), and whether the claim held."""
    entry = measured().get(lesson.key)
    st.markdown(tr("lessons.claim", claim=claim_text(entry["claim"] if entry else _claim_dict(lesson))))
    if entry is None:
        st.warning(tr("lessons.not_measured", lesson=lesson.key))
        return
    holdout = entry.get("holdout")
    parts = [("measured", entry), *([("checked", holdout)] if holdout else [])]
    rows = [_row(run, name if holdout else None) for name, part in parts for run in part["runs"]]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key=f"lessons_measured_{lesson.key}")
    for _, part in parts:
        st.caption(_pooled_caption(part))
        if entry["claim"].get("less_diverse"):
            st.caption(diversity_caption(part))
        if entry["claim"].get("teacher_ahead") and "teacher_pooled" in part:
            test = part["teacher_pooled"]
            st.caption(tr("lessons.pooled_teacher", seeds=listed(part["seeds"]), a=numbers.count(test["only_student"]),
                          b=numbers.count(test["only_other"]), p=numbers.p_value(test["p_value"]),
                          verdict=tr(f"lessons.verdict_{test['verdict']}")))
    status = tr("lessons.claim_holds") if entry["holds"] else tr("lessons.claim_fails")
    seeds = listed(entry["seeds"])
    stamp = (tr("lessons.measured_stamp_holdout", status=status, date=entry["date"], device=entry["device"],
                seeds=seeds, holdout=listed(holdout["seeds"])) if holdout else
             tr("lessons.measured_stamp", status=status, date=entry["date"], device=entry["device"], seeds=seeds))
    (st.success if entry["holds"] else st.error)(stamp)
    if entry["claim"].get("same_softmax") is not None:
        temperatures_ui(entry)


def _claim_dict(lesson) -> dict:
    from dataclasses import asdict

    return asdict(lesson.claim)


def question_ui(lesson) -> tuple[str | None, bool]:
    """The question before any answer (predict, then see): the learner's guess, better / the same / worse than what
    the lesson compares with, or "show me" without one. Returns the guess and whether the answer may be shown."""
    guess = st.radio(tr(f"lessons.predict_{lesson.claim.against}"), PREDICTIONS, index=None, horizontal=True,
                     format_func=worded(PREDICTIONS, lambda p: tr(f"lessons.predict_{p}")),
                     key=f"lessons_predict_{lesson.key}",
                     help=tr("lessons.predict_help"))
    revealed = st.session_state.setdefault(REVEALED_KEY, set())
    if guess is None and lesson.key not in revealed:
        if st.button(tr("lessons.show_me"), key=f"lessons_show_{lesson.key}", help=tr("lessons.show_me_help")):
            revealed.add(lesson.key)
    return guess, guess is not None or lesson.key in revealed


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
    outcome_key = "lessons.outcome_sentences" if paired.get("unit") == "sequence" else "lessons.outcome"
    text = tr(outcome_key, guess=said, outcome=tr(f"lessons.predict_{outcome}"),
              a=numbers.count(paired["only_student"]), b=numbers.count(paired["only_baseline"]), p=numbers.p_value(p))
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


def demo_runs() -> list[dict]:
    """Every seed ``lessons verify`` ran the quick demo on: the measured ones, then the held-out ones."""
    entry = measured().get(QUICK_DEMO) or {}
    return entry.get("runs", []) + entry.get("holdout", {}).get("runs", [])


def draw_demo_seed() -> int:
    """A seed for one click of the quick demo, drawn from those verify measured (0-5 before it ran), so that a class
    clicking together sees the spread between runs and each run has its measured twin."""
    return random.choice([run["seed"] for run in demo_runs()] or list(range(6)))


def quick_demo_note() -> None:
    """Under the home page's demo: the seed this click drew and what verify measured on it, then over all seeds,
    so one run's verdict has its context."""
    runs, seed = demo_runs(), st.session_state.get(DEMO_SEED_KEY)
    if seed is not None:
        gain = next((run["gain_points"] for run in runs if run["seed"] == seed), None)
        st.caption(tr("home.quick_demo_seed_only", seed=seed) if gain is None else
                   tr("home.quick_demo_seed", seed=seed, gain=numbers.signed_points(gain / 100)))
    if not runs:
        return
    entry, test = measured()[QUICK_DEMO], pooled(runs, "baseline")
    each = [paired_verdict(run["only_student"], run["only_baseline"])[0] for run in runs]
    st.caption(tr("home.quick_demo_measured", date=entry["date"], device=entry["device"],
                  seeds=listed(run["seed"] for run in runs),
                  gains=listed(numbers.signed_points(run["gain_points"] / 100) for run in runs),
                  better=each.count("better"), n=len(runs), a=numbers.count(test["only_student"]),
                  b=numbers.count(test["only_other"]), p=numbers.p_value(test["p_value"]),
                  verdict=tr(f"lessons.verdict_{test['verdict']}")))
