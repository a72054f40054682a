"""One run, live: its status, progress, learning curves and, once it ends, its summary and verdict.

The training process only writes to the run store; this module polls the store from two fragments (status and
progress every ``STATUS_SECONDS``, curves every ``CURVES_SECONDS``, only while the run is active), so the rest of
the page stays responsive and nothing is lost when the user leaves and comes back. New events are read
incrementally (``after=seq``) into one session-state entry per run.
"""
from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from kdlab.config import RunConfig
from kdlab.losses import terms
from kdlab.runs.store import ACTIVE
from kdlab.viz import figures
from kdlab.viz.summary import loss_formula_latex, summary_table, teachers_table, verdict
from ui.common import browser_key, lang, runner, tr

# Redrawing the curves costs the browser and the server CPU that a run on the same cores misses: on 2 cores with
# the browser on the same machine, a watched run went 26% slower than headless with everything redrawn every 1 s,
# 6-13% at 2 s, 7% at 3 s; with the status every 1 s, 1-11% with curves every 3 s and 4% or less at 5 s. So the
# cheap part (status, progress bar, Stop) refreshes every second and the curves every 5 s.
STATUS_SECONDS = 1.0
CURVES_SECONDS = 5.0
EVENTS_KEY = "live_events_{}"  # session_state: {"seq": last seq read, "events": [...]} per run
FIGURES_KEY = "live_figures_{}"  # session_state: (what they were drawn from, the learning-curve figures) per run
FIGURE_LABELS = ("epoch", "step", "loss", "test_accuracy", "agreement", "accuracy_pct", "class", "teacher", "baseline",
                 "student", "total", "loss_title", "accuracy_title", "agreement_title", "per_class_title",
                 "term_curves_title", "value")
ROLE_KEYS = {"teacher": "common.teacher", "baseline": "common.baseline", "student": "common.student"}


def loss_formula(config: RunConfig) -> str:
    """LaTeX of the run's loss with its T, α, β, γ (and any further terms) filled in."""
    return loss_formula_latex(config)


def figure_labels() -> dict[str, str]:
    """The translated axis titles, legends and titles for ``kdlab.viz.figures``; each loss term by its
    registered label."""
    return {**{key: tr(f"live.fig.{key}") for key in FIGURE_LABELS},
            **{spec.name: spec.text("label", lang()) for spec in terms()},
            **{f"{spec.name}.{key}": label.get(lang(), label["en"]) for spec in terms()
               for key, label in spec.curves.items()}}


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
    """Render one run; while it is queued or running, redraw it from the polling fragments.

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
        _poll_status(run_id)
        _poll_curves(run_id)
    else:
        _render(run_id, record)


@st.fragment(run_every=STATUS_SECONDS)
def _poll_status(run_id: str) -> None:
    try:
        record = runner().store.get(run_id)
    except ValueError:  # deleted meanwhile
        st.rerun()
    if record.status not in ACTIVE:
        st.rerun()  # once, for the whole page: the summary renders and the polling stops
    _active(run_id, record.status, run_events(run_id))


@st.fragment(run_every=CURVES_SECONDS)
def _poll_curves(run_id: str) -> None:
    events = run_events(run_id)
    if events:
        _curves(run_id, events, None)


def _render(run_id: str, record) -> None:
    """A run that has ended: why, if it did not finish, and what it left."""
    events = run_events(run_id)
    status = record.status
    if status == "failed":
        st.error(tr("live.failed", message=(record.error or "?").strip().splitlines()[0]))
    elif status == "cancelled":
        st.warning(tr("live.cancelled"))
    elif status == "interrupted":
        st.warning(tr("live.interrupted"))
    if status == "finished" and record.summary:
        _finished(run_id, record.summary, events)
    elif events:
        _curves(run_id, events, None)


def _active(run_id: str, status: str, events: list[dict]) -> None:
    if status == "queued":
        position = runner().queue_position(run_id)
        st.info(tr("live.queued", position=position) if position else tr("live.queued_soon"))
    else:
        phase = events[-1]["phase"] if events else "start"
        kind, _, teacher = phase.partition(":")  # a run's further teachers train as "teacher:NAME"
        st.info(tr("live.running_more_teacher", teacher=teacher) if teacher else tr(f"live.running_{kind}"))
    progress = max(runner().progress(run_id) or 0.0, events[-1]["progress"] if events else 0.0)
    st.progress(min(max(progress, 0.0), 1.0), text=tr("live.progress", percent=f"{100 * progress:.0f}"))
    steps = [e for e in events if e["kind"] == "step" and "total" in e["metrics"]]
    if steps:  # within a second of the trainer, even when the curves wait for their next redraw or a long epoch
        last = steps[-1]
        st.caption(tr("live.latest_step", phase=tr(f"live.phase.{last['phase']}"), epoch=last["epoch"],
                      step=last["step"], loss=f"{last['metrics']['total']:.4f}"))
    if runner().store.get(run_id).owner != browser_key():  # a shared link: watch, not stop
        st.caption(tr("live.not_yours"))
    elif st.button(tr("live.stop"), key=f"live_stop_{run_id}", help=tr("live.stop_help")):
        runner().stop(run_id, browser_key())
        st.caption(tr("live.stopping"))


def learning_curves(run_id: str, events: list[dict], teacher_acc: float | None) -> dict:
    """The run's learning-curve figures, rebuilt only when new events arrived (most polls bring none)."""
    drawn_from = (len(events), teacher_acc, lang())
    cached = st.session_state.get(FIGURES_KEY.format(run_id))
    if cached is None or cached[0] != drawn_from:
        cached = drawn_from, figures.learning_curves(events, teacher_acc, labels=figure_labels())
        st.session_state[FIGURES_KEY.format(run_id)] = cached
    return cached[1]


def _curves(run_id: str, events: list[dict], teacher_acc: float | None) -> None:
    figs = learning_curves(run_id, events, teacher_acc)
    left, right = st.columns(2)
    left.plotly_chart(figs["loss"], width="stretch", key=f"live_loss_{run_id}")
    right.plotly_chart(figs["accuracy"], width="stretch", key=f"live_accuracy_{run_id}")
    st.plotly_chart(figs["agreement"], width="stretch", key=f"live_agreement_{run_id}")
    if "terms" in figs:
        st.plotly_chart(figs["terms"], width="stretch", key=f"live_terms_{run_id}")
    st.caption(tr("live.curves_help"))


def _finished(run_id: str, summary: dict, events: list[dict]) -> None:
    _verdict(summary)
    columns = {"accuracy_pct": tr("live.col_accuracy"), "macro_f1_pct": tr("live.col_macro_f1"),
               "params": tr("live.col_params"),
               "size_kb": tr("live.col_size"), "seconds": tr("live.col_time")}
    table = pd.DataFrame(summary_table(summary))
    table.index = [tr(ROLE_KEYS[role]) for role in table.pop("role")]
    st.dataframe(table.rename(columns=columns))
    if teachers := teachers_table(summary):
        frame = pd.DataFrame(teachers).set_index("teacher").rename(index={"ensemble": tr("live.ensemble")})
        st.dataframe(frame.rename(columns={**columns, "agreement_pct": tr("live.col_agreement")}))
        st.caption(tr("live.teachers_help"))
    notes = [tr("live.teacher_cached")] if summary.get("teacher_cached") else []
    held = summary.get("teacher_outputs") or {}
    if held.get("mode") in ("reduced", "per_batch"):
        notes.append(tr(f"live.teacher_outputs_{held['mode']}", **{k: f"{held[f'{k}_bytes'] / 2**20:,.0f}"
                                                                   for k in ("full", "budget")},
                        held=f"{held['bytes'] / 2**20:,.1f}"))
    st.caption(" ".join([tr("live.table_help", device=summary.get("device", "?")), *notes]))
    _curves(run_id, events, summary.get("teacher_acc"))
    per_class = {role: summary["per_class_acc"].get(role) for role in ("teacher", "baseline", "student")}
    fig = figures.per_class_bars(summary.get("class_names") or [], per_class, labels=figure_labels())
    st.plotly_chart(fig, width="stretch", key=f"live_per_class_{run_id}")


def _ratio(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _verdict(summary: dict) -> None:
    """The run in one plain sentence or three: did distillation help, at what size, how far from the teacher."""
    v = verdict(summary)
    ratio = v["param_ratio"]
    if not math.isfinite(ratio) or ratio <= 0:
        size = ""
    elif 0.95 <= ratio <= 1.05:
        size = tr("live.size_same")
    elif ratio > 1:
        size = tr("live.size_smaller", ratio=_ratio(ratio))
    else:
        size = tr("live.size_larger", ratio=_ratio(1 / ratio))
    gap = v["teacher_gap_points"]
    behind = tr("live.gap_behind", gap=f"{gap:.1f}") if gap >= 0 else tr("live.gap_ahead", gap=f"{-gap:.1f}")
    if v["kind"] is None:
        text = tr("live.verdict_no_baseline", acc=f"{100 * summary['student_acc']:.1f}", size=size, gap=behind)
    else:
        p_value = "–" if v["p_value"] is None else (f"{v['p_value']:.3f}" if v["p_value"] >= 0.001 else "< 0.001")
        text = tr(f"live.verdict_{v['kind']}", gain=f"{abs(v['gain_points']):.1f}", p=p_value,
                  better=v["only_student"] or 0, worse=v["only_baseline"] or 0, images=v["images"] or 0,
                  size=size, gap=behind)
    show = {"helped": st.success, "hurt": st.warning}.get(v["kind"], st.info)
    show(text.strip())
