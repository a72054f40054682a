"""Compress: quantize, prune or factorise a finished run's students, fine-tune them, and see the frontier."""
import streamlit as st

from kdlab.compress.config import FINETUNE_SOURCES, CompressRequest
from kdlab.compress.verdict import findings
from kdlab.viz.compress_figures import pareto_figure
from ui.common import SELECTED_KEY, browser_key, runner, select_run, tr, workspace
from ui.variants import variant_downloads, variants_table

FIG_KEYS = ("size", "latency", "accuracy", "frontier", "size_title", "latency_title", "teacher", "student",
            "baseline")


def run_ui(store) -> str:
    """The finished run to compress (the one shown on the other pages when it is in this workspace)."""
    records = {r.id: r for r in store.list(workspace()) if r.status == "finished"}
    if not records:
        st.info(tr("common.no_run"))
        st.stop()
    ids = list(records)
    chosen = st.session_state.get(SELECTED_KEY)
    run_id = st.selectbox(tr("compress.run"), ids, index=ids.index(chosen) if chosen in ids else 0,
                          format_func=lambda i: tr("compress.run_label", run_id=i, dataset=records[i].config["dataset"],
                                                   teacher=records[i].config["teacher"],
                                                   student=records[i].config["student"]), key="compress_run")
    if run_id != chosen:
        select_run(run_id)
    return run_id


def knobs_ui() -> CompressRequest:
    left, right = st.columns(2)
    int8 = left.checkbox(tr("compress.int8"), help=tr("compress.int8_help"), key="compress_int8")
    prune = left.slider(tr("compress.prune"), 0.0, 0.95, 0.0, 0.05, help=tr("compress.prune_help"),
                        key="compress_prune")
    structured = left.checkbox(tr("compress.structured"), help=tr("compress.structured_help"),
                               key="compress_structured")
    rank = right.slider(tr("compress.rank"), 0, 64, 0, help=tr("compress.rank_help"), key="compress_rank")
    finetune = right.number_input(tr("compress.finetune"), 0, runner().settings.max_epochs, 0,
                                  help=tr("compress.finetune_help"), key="compress_finetune")
    source = right.radio(tr("compress.finetune_from"), FINETUNE_SOURCES, horizontal=True, key="compress_source",
                         format_func=lambda s: tr(f"compress.source.{s}"))
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
                tr("compress.working", percent=f"{100 * done:.0f}"))


def frontier_ui(rows: list[dict]) -> None:
    st.subheader(tr("compress.frontier_title"))
    labels = {key: tr(f"compress.fig.{key}") for key in FIG_KEYS}
    for column, axis in zip(st.columns(2), ("size", "latency")):
        column.plotly_chart(pareto_figure(rows, axis, labels), width="stretch", key=f"compress_pareto_{axis}")
    st.caption(tr("compress.frontier_help"))


def verdict_ui(rows: list[dict]) -> None:
    st.subheader(tr("compress.verdict_title"))
    lines = []
    for f in findings(rows):
        lines.append("- " + tr(f"compress.verdict.{f['outcome']}", name=f["name"], ratio=f"{f['size_ratio']:.1f}",
                               speed=f"{f['speed_ratio']:.2f}", points=f"{f['points']:+.1f}", p=f"{f['p']:.3g}"))
        if "recovered" in f and f["lost"] > 0:
            lines.append("  " + tr("compress.verdict.recovery", source=tr(f"compress.verdict.source.{f['source']}"),
                                   recovered=f"{f['recovered']:.1f}", lost=f"{f['lost']:.1f}"))
    st.markdown("\n".join(lines))


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
        st.error(tr("common.error", message=str(err)))
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
