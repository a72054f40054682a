"""One run, live: its status, progress, learning curves and, once it ends, its summary and verdict.

The training process only writes to the run store; while the run is active one fragment redraws the status, the
progress bar and Stop every ``LIVE_SECONDS``, another the curves every ``CURVES_SECONDS`` (the page is not rerun),
each reading only the events newer than the last one seen (``after=seq``, one session-state entry per run); the
figures are rebuilt only when some arrived. Nothing is lost when the user leaves and comes back.
"""
from __future__ import annotations

import math

import streamlit as st

from kdlab.config import RunConfig
from kdlab.losses import terms
from kdlab.runs.store import ACTIVE
from kdlab.viz import figures, numbers
from kdlab.viz.data_views import largest_gaps
from kdlab.viz.summary import loss_formula_latex, summary_table, teachers_table, verdict
from ui import text as i18n
from ui.common import browser_key, lang, runner, tr
from ui.summary_tables import ROLE_KEYS, summary_frame

# The status twice a second: default digits runs last a few seconds, and with the curves redrawn every 5 s a class saw
# a progress bar and then the result (issue 18). The curves every 2 s: sending a chart again costs the server about
# 10 ms of CPU whether it changed or not (plotly validates it and writes its JSON), and a poll sends three or four.
LIVE_SECONDS = 0.5
# A queued run's only news is its place in the queue: at a class's start thirty runs wait at once, and polling each
# twice a second took the server's cores from the two that train (load_test_server.py: p95 per rerun 1.72 s).
QUEUED_SECONDS = 2.0
CURVES_SECONDS = 2.0
EVENTS_KEY = "live_events_{}"  # session_state: {"seq": last seq read, "events": [...]} per run
FIGURES_KEY = "live_figures_{}"  # session_state: (what they were drawn from, the learning-curve figures) per run
FIGURE_LABELS = ("epoch", "step", "loss", "test_accuracy", "agreement", "accuracy_pct", "class", "teacher", "baseline",
                 "student", "total", "loss_title", "accuracy_title", "agreement_title", "per_class_title",
                 "term_curves_title", "value", "perplexity", "perplexity_title", "kl_per_token", "kl_title")


def loss_formula(config: RunConfig) -> str:
    """LaTeX of the run's loss with its T, α, β, γ (and any further terms) filled in."""
    return loss_formula_latex(config)


def figure_labels(config: dict | None = None) -> dict[str, str]:
    """The translated axis titles, legends and titles for ``kdlab.viz.figures``; each loss term by its registered
    label; with the run's ``config``, each phase of a run of several teachers by its teacher's number and name."""
    phases = {phase: phase_name(phase, config) for phase in teacher_phases(config)}
    return {**{key: tr(f"live.fig.{key}") for key in FIGURE_LABELS},
            **{spec.name: spec.text("label", lang()) for spec in terms()},
            **{f"{spec.name}.{key}": label.get(lang(), label["en"]) for spec in terms()
               for key, label in spec.curves.items()}, **phases}


def teacher_phases(config: dict | None) -> list[str]:
    """The event phases of a run's teachers: ``teacher`` for the first, ``teacher:NAME`` for each further one
    (``kdlab.train``); empty for a run of one teacher, whose phase is just "teacher"."""
    extra = list((config or {}).get("extra_teachers") or ())
    return ["teacher", *(f"teacher:{name}" for name in extra)] if extra else []


def _teacher_of(phase: str, config: dict | None) -> dict | None:
    """For a teacher phase of a run of several teachers: its number, how many there are and its name."""
    phases = teacher_phases(config)
    if phase not in phases:
        return None
    name = config["teacher"] if phase == "teacher" else phase.partition(":")[2]
    return {"index": phases.index(phase) + 1, "count": len(phases), "teacher": name}


def phase_name(phase: str, config: dict | None) -> str:
    """A phase in words: "teacher 2 of 2 (mlp-large)" for one of several teachers, else its plain name."""
    teacher = _teacher_of(phase, config)
    return tr("live.phase.teacher_of", **teacher) if teacher else tr(f"live.phase.{phase.partition(':')[0]}")


def run_events(run_id: str) -> list[dict]:
    """All events of a run so far; each call reads only those newer than the last one seen."""
    cache = st.session_state.setdefault(EVENTS_KEY.format(run_id), {"seq": -1, "events": []})
    fresh = runner().store.events(run_id, after=cache["seq"])
    if fresh:
        cache["events"].extend(fresh)
        cache["seq"] = fresh[-1]["seq"]
    return cache["events"]


def is_active(run_id: str | None) -> bool:
    """Whether a run is queued or running (False for None or a run deleted meanwhile)."""
    try:
        return run_id is not None and runner().store.get(run_id).status in ACTIVE
    except ValueError:
        return False


def live_run(run_id: str, seen_active: bool = False) -> None:
    """Render one run; while it is queued or running, redraw it from the polling fragment.

    ``seen_active``: the caller already drew something from an earlier read that said "active" (e.g. a disabled Run
    button); if the run ended since, the page reruns once so that nothing on it stays stale.
    """
    try:
        record = runner().store.get(run_id)
    except ValueError:
        st.info(tr("live.missing", run_id=run_id))
        return
    if seen_active and record.status not in ACTIVE:
        st.rerun()
    st.subheader(tr("live.title", run_id=run_id))
    if record.status in ACTIVE:
        every = QUEUED_SECONDS if record.status == "queued" else LIVE_SECONDS
        st.fragment(_poll, run_every=every)(run_id, record.status)
        _live_curves(run_id, record.config)
    else:
        _render(run_id, record)


def _poll(run_id: str, drawn_status: str) -> None:
    """While the run is active: its status, progress and Stop, every ``LIVE_SECONDS`` while it trains and every
    ``QUEUED_SECONDS`` while it waits; once it starts or ends, the whole page reruns once (the pace changes)."""
    try:
        record = runner().store.get(run_id)
    except ValueError:  # deleted meanwhile
        st.rerun()
    if record.status != drawn_status:
        st.rerun()
    _active(run_id, record, run_events(run_id))


@st.fragment(run_every=CURVES_SECONDS)
def _live_curves(run_id: str, config: dict) -> None:
    """While the run is active: its curves, from the events read so far (and any new ones)."""
    if events := run_events(run_id):
        _curves(run_id, events, None, config)


def _render(run_id: str, record) -> None:
    """A run that has ended: why, if it did not finish, and what it left (its curves whatever the ending)."""
    events = run_events(run_id)
    status = record.status
    if status == "failed":
        st.error(tr("live.failed", message=(record.error or "?").strip().splitlines()[0]))
    elif status == "cancelled":
        st.warning(tr("live.cancelled"))
    elif status == "interrupted":
        st.warning(tr("live.interrupted"))
    if status == "finished" and record.summary:
        _finished(run_id, record.summary, events, record.config)
    elif events:
        _curves(run_id, events, None, record.config)


def _active(run_id: str, record, events: list[dict]) -> None:
    """Status, progress and Stop: Stop comes first, so that whatever the status says, the run can be stopped."""
    if record.owner != browser_key():  # a shared link: watch, not stop
        st.caption(tr("live.not_yours"))
    elif st.button(tr("live.stop"), key=f"live_stop_{run_id}", help=tr("live.stop_help")):
        runner().stop(run_id, browser_key())
        st.caption(tr("live.stopping"))
    if record.status == "queued":
        position = runner().queue_position(run_id)
        st.info(tr("live.queued", position=position) if position else tr("live.queued_soon"))
    else:
        st.info(_status(events[-1]["phase"] if events else "start", record.config))
    progress = min(max(runner().progress(run_id) or 0.0, events[-1]["progress"] if events else 0.0, 0.0), 1.0)
    st.progress(progress, text=tr("live.progress", percent=numbers.percent(progress, 0)))
    last = next((e for e in reversed(events) if e["kind"] == "step" and "total" in e["metrics"]), None)
    if last:  # within half a second of the trainer, even on a long epoch (the newest event first: no full scan)
        st.caption(tr("live.latest_step", phase=phase_name(last["phase"], record.config), epoch=last["epoch"],
                      step=last["step"], loss=f"{last['metrics']['total']:.4f}"))


def _status(phase: str, config: dict) -> str:
    """What the run is doing, from the phase of its latest event: "Training teacher 2 of 2 (mlp-large) …"."""
    teacher = _teacher_of(phase, config)
    return tr("live.running_teacher_of", **teacher) if teacher else tr(f"live.running_{phase.partition(':')[0]}")


def learning_curves(run_id: str, events: list[dict], teacher_acc: float | None, config: dict | None = None,
                    teacher_perplexity: float | None = None) -> dict:
    """The run's learning-curve figures, rebuilt only when new events arrived (most polls bring none); a language
    model's add its validation perplexity and KL to the teacher."""
    drawn_from = (len(events), teacher_acc, teacher_perplexity, lang())
    cached = st.session_state.get(FIGURES_KEY.format(run_id))
    if cached is None or cached[0] != drawn_from:
        labels = figure_labels(config)
        figs = figures.learning_curves(events, teacher_acc, labels=labels)
        if any("perplexity" in e["metrics"] for e in events if e["kind"] == "epoch"):
            figs.update(figures.language_curves(events, teacher_perplexity, labels=labels))
        cached = drawn_from, figs
        st.session_state[FIGURES_KEY.format(run_id)] = cached
    return cached[1]


def _curves(run_id: str, events: list[dict], teacher_acc: float | None, config: dict | None,
            teacher_perplexity: float | None = None) -> None:
    figs = learning_curves(run_id, events, teacher_acc, config, teacher_perplexity)
    left, right = st.columns(2)
    left.plotly_chart(figs["loss"], width="stretch", key=f"live_loss_{run_id}")
    right.plotly_chart(figs["accuracy"], width="stretch", key=f"live_accuracy_{run_id}")
    st.plotly_chart(figs["agreement"], width="stretch", key=f"live_agreement_{run_id}")
    if "terms" in figs:
        st.plotly_chart(figs["terms"], width="stretch", key=f"live_terms_{run_id}")
    st.caption(tr("live.curves_help"))
    if "perplexity" in figs:
        left, right = st.columns(2)
        left.plotly_chart(figs["perplexity"], width="stretch", key=f"live_perplexity_{run_id}")
        right.plotly_chart(figs["kl"], width="stretch", key=f"live_kl_{run_id}")
        st.caption(tr("live.language_help"))


def _finished(run_id: str, summary: dict, events: list[dict], config: dict) -> None:
    _verdict(summary)
    st.dataframe(summary_frame(summary_table(summary), "role", {role: tr(key) for role, key in ROLE_KEYS.items()}))
    if teachers := teachers_table(summary):
        st.dataframe(summary_frame(teachers, "teacher", {"ensemble": tr("live.ensemble")}))
        st.caption(tr("live.teachers_help"))
    notes = [tr("live.teacher_cached")] if summary.get("teacher_cached") else []
    held = summary.get("teacher_outputs") or {}
    if held.get("mode") in ("reduced", "per_batch"):
        notes.append(tr(f"live.teacher_outputs_{held['mode']}", **{k: numbers.nbytes(held[f"{k}_bytes"])
                                                                   for k in ("full", "budget")},
                        held=numbers.nbytes(held["bytes"])))
    elif held.get("mode") == "mixed" and "seconds" in held:  # mixup: the teacher scored every mixed batch
        notes.append(tr("live.teacher_outputs_mixed", duration=numbers.seconds(held["seconds"]),
                        steps=numbers.count(held["steps"])))
    st.caption(" ".join([tr("live.table_help", device=summary.get("device", "?")), *notes]))
    _curves(run_id, events, summary.get("teacher_acc"), config, summary.get("teacher_perplexity"))
    per_class = {role: (summary.get("per_class_acc") or {}).get(role) for role in ("teacher", "baseline", "student")}
    if not any(per_class.values()):  # a summary without per-class accuracies (a language model's) draws no bars
        return
    names, shown = summary.get("class_names") or [], largest_gaps(per_class)
    if shown is not None:  # one bar per class stays readable up to LABELLED_CLASSES classes
        st.caption(tr("live.many_classes", shown=len(shown), classes=len(names)))
        names = [names[c] for c in shown] if names else []
        per_class = {role: acc and [acc[c] for c in shown] for role, acc in per_class.items()}
    fig = figures.per_class_bars(names, per_class, labels=figure_labels())
    st.plotly_chart(fig, width="stretch", key=f"live_per_class_{run_id}")


def _ratio(value: float) -> str:
    """A size factor as the templates' "{ratio}×" / "1/{ratio}" need it: bare, whole from 10 on."""
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def verdict_text(summary: dict, language: str) -> tuple[str | None, str]:
    """The run in one plain sentence or three, in ``language``: did distillation help (the paired test on the same
    test samples), at what size, how far from the teacher. Returns the verdict's kind and the text; every number
    goes through ``kdlab.viz.numbers``, every plural and direction is a text of its own (never "1 were", "p = <
    0.001" or "below by -0.8")."""
    def words(key: str, **values) -> str:
        return i18n.t(key, language, **values)

    v = verdict(summary)
    ratio = v["param_ratio"]
    if not math.isfinite(ratio) or ratio <= 0:
        size = ""
    elif 0.95 <= ratio <= 1.05:
        size = words("live.size_same")
    elif ratio > 1:
        size = words("live.size_smaller", ratio=_ratio(ratio))
    else:
        size = words("live.size_larger", ratio=_ratio(1 / ratio))
    parts = {"size": size, "gap": _direction(v["teacher_gap_points"], ("live.gap_behind", "live.gap_ahead",
                                                                       "live.gap_none"), "gap", words)}
    if v["kind"] is None:
        return None, words("live.verdict_no_baseline", acc=numbers.percent(summary["student_acc"]), **parts).strip()
    versus = _direction(-v["gain_points"], ("live.versus_below", "live.versus_above", "live.versus_same"), "gain",
                        words)
    images = v["images"] or 0
    paired = words("live.paired", images=words(f"live.test_samples_{'one' if images == 1 else 'many'}",
                                               count=numbers.count(images)),
                   better=numbers.count(v["only_student"] or 0), worse=numbers.count(v["only_baseline"] or 0),
                   p=numbers.p_value(v["p_value"]))
    return v["kind"], words(f"live.verdict_{v['kind']}", versus=versus, paired=paired, **parts).strip()


def _direction(points_behind: float, keys: tuple[str, str, str], name: str, words) -> str:
    """The text ``keys`` gives for behind, ahead or level, the distance filled in as ``name``: positive points with
    one decimal, level when that rounds to zero, so no sentence says "below by -0.8" or "0.0 points behind"."""
    behind, ahead, level = keys
    distance = numbers.points(points_behind / 100)
    if distance == numbers.points(0):
        return words(level)
    return words(behind if points_behind > 0 else ahead, **{name: distance})


def _verdict(summary: dict) -> None:
    kind, text = verdict_text(summary, lang())
    {"helped": st.success, "hurt": st.warning}.get(kind, st.info)(text)
