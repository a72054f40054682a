"""Compress: quantize, prune or factorise a finished run's students, fine-tune them, and see the frontier."""
import math

import streamlit as st

from kdlab.compress.config import FINETUNE_SOURCES, CompressRequest
from kdlab.compress.verdict import findings
from kdlab.viz.compress_figures import pareto_figure
from kdlab.viz.numbers import p_value, percent, points, ratio
from ui.common import SELECTED_KEY, browser_key, error_text, runner, select_run, tr, worded, workspace
from ui.loss_controls import AS_TYPED
from ui.run_picker import pick_run
from ui.variants import variant_downloads, variant_label, variants_table

FIG_KEYS = ("size", "latency", "accuracy", "frontier", "size_title", "latency_title", "teacher", "student",
            "baseline")


def run_ui(store) -> str:
    """The finished run to compress (the one shown on the other pages when it is in this workspace)."""
    records = {r.id: r for r in store.list(workspace()) if r.status == "finished"}
    if not records:
        st.info(tr("common.no_run"))
        st.stop()
    chosen = st.session_state.get(SELECTED_KEY)
    run_id = pick_run("compress_run", list(records.values()), chosen)
    if run_id is None:
        st.stop()
    if run_id != chosen:
        select_run(run_id)
    return run_id


def knobs_ui() -> CompressRequest:
    left, right = st.columns(2)
    int8 = left.checkbox(tr("compress.int8"), help=tr("compress.int8_help"), key="compress_int8")
    prune = left.slider(tr("compress.prune"), 0.0, 0.95, 0.0, 0.05, help=tr("compress.prune_help"),
                        key="compress_prune", format=AS_TYPED)
    structured = left.checkbox(tr("compress.structured"), help=tr("compress.structured_help"),
                               key="compress_structured")
    rank = right.slider(tr("compress.rank"), 0, 64, 0, help=tr("compress.rank_help"), key="compress_rank")
    finetune = right.number_input(tr("compress.finetune"), 0, runner().settings.max_epochs, 0,
                                  help=tr("compress.finetune_help"), key="compress_finetune")
    source = right.radio(tr("compress.finetune_from"), FINETUNE_SOURCES, horizontal=True, key="compress_source",
                         format_func=worded(FINETUNE_SOURCES, lambda s: tr(f"compress.source.{s}")))
    return CompressRequest(int8=int8, prune=float(prune), structured=structured, rank=rank or None,
                           finetune=int(finetune), finetune_from=source)


@st.fragment(run_every=1.0)
def progress_ui(run_id: str) -> None:
    """The job's progress; the whole page redraws once it has ended."""
    jobs = runner()
    job = jobs.compressions.get(run_id)
    if job is None or job.status not in ("queued", "running"):
        if st.session_state.pop("compress_waiting", None) == run_id:
            st.rerun()
        return
    st.session_state["compress_waiting"] = run_id
    place = jobs.queue_position(job.id)
    done = min(max(jobs.progress(job.id) or 0.0, 0.0), 1.0)
    st.progress(done, text=tr("compress.queued", position=place) if place else
                tr("compress.working", percent=percent(done, 0)))


def frontier_ui(rows: list[dict]) -> None:
    st.subheader(tr("compress.frontier_title"))
    labels = {key: tr(f"compress.fig.{key}") for key in FIG_KEYS}
    shown = [{**r, "name": variant_label(r)} for r in rows]
    for column, axis in zip(st.columns(2), ("size", "latency")):
        column.plotly_chart(pareto_figure(shown, axis, labels), width="stretch", key=f"compress_pareto_{axis}")
    st.caption(tr("compress.frontier_help"))


def factor(value: float, up: str, down: str) -> str:
    """A ratio (original / variant) in words: ``up`` when above 1 ("3.1× smaller"), ``down`` with its inverse when
    below ("14.2× slower"), with a second decimal when one would read 1.0, or "same" when that does too."""
    if value > 0 and math.isfinite(value):
        direction, size = (up, value) if value >= 1 else (down, 1 / value)
        for digits in (1, 2):
            text = ratio(size, digits).removesuffix("×")
            if float(text) != 1:
                return tr(f"compress.{direction}", ratio=text)
    return tr(f"compress.{up.split('.')[0]}.same")


def verdict_ui(rows: list[dict]) -> None:
    st.subheader(tr("compress.verdict_title"))
    lines, slow_int8 = [], False
    named = {r["name"]: variant_label(r) for r in rows}
    for f in findings(rows):
        change = "same" if points(f["points"] / 100) == points(0) else "above" if f["points"] > 0 else "below"
        lines.append("- " + tr(f"compress.verdict.{f['outcome']}", name=named[f["name"]], p=p_value(f["p"]),
                               size=factor(f["size_ratio"], "size.smaller", "size.larger"),
                               speed=factor(f["speed_ratio"], "speed.faster", "speed.slower"),
                               change=tr(f"compress.change.{change}", points=points(f["points"] / 100))))
        slow_int8 |= f["name"].endswith("/int8") and f["speed_ratio"] < 1
        if "recovered" in f and f["lost"] > 0:
            won = "none" if f["recovered"] <= 0 else "all" if f["recovered"] >= f["lost"] else "some"
            lines.append("  " + tr(f"compress.verdict.recovery_{won}", lost=points(f["lost"] / 100),
                                   source=tr(f"compress.verdict.source.{f['source']}"),
                                   recovered=points(f["recovered"] / 100)))
    st.markdown("\n".join(lines))
    if slow_int8:
        st.caption(tr("compress.verdict.int8_slow"))


st.title(tr("compress.title"))
st.markdown(tr("compress.intro"))
store = runner().store
run_id = run_ui(store)
request = knobs_ui()
yours = store.get(run_id).owner == browser_key()  # only the browser that started a run may compress it
if not yours:
    st.caption(tr("compress.not_yours"))
if st.button(tr("compress.start"), type="primary", disabled=not yours, key="compress_start"):
    try:
        runner().compress(run_id, request, browser_key())
    except ValueError as err:
        st.error(tr("common.error", message=error_text(err)))
progress_ui(run_id)
job = runner().compressions.get(run_id)
if job is not None and job.status == "failed":
    st.error(tr("compress.failed", message=job.error or ""))
rows = store.variants(run_id)
if not rows:
    st.caption(tr("compress.nothing_yet"))
    st.stop()
variants_table(rows, "compress")
frontier_ui(rows)
verdict_ui(rows)
variant_downloads(run_id, rows, "compress")
