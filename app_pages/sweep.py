"""Sweep: one or two settings x seeds on the server's training processes; the heatmap fills in as runs finish."""
import json
import re

import pandas as pd
import streamlit as st

from kdlab import RunConfig
from kdlab.runs.sweeps import SweepRecords
from kdlab.sweeps.cli import parse_seeds
from kdlab.sweeps.queue_executor import start_in_background
from kdlab.sweeps.spec import SweepSpec, parse_axis
from kdlab.viz.sweep_figures import report_rows, sweep_figure
from ui.common import browser_key, runner, tr, workspace

AXES = ("temperature", "alpha", "beta", "gamma", "lr", "train_fraction", "epochs")
DEFAULTS = (("temperature", "1,2,4,8"), ("alpha", "0.5,0.9"))
SWEEP_ID = re.compile(r"^sweep-\d{8}-\d{6}-[0-9a-f]{6}$")  # as SweepRecords.create writes them


@st.cache_resource
def stop_events() -> dict:
    """Sweep id -> the event that stops its driver thread, for the sweeps this server process is driving."""
    return {}


def axes_ui() -> dict[str, str]:
    """The chosen settings and their values as typed (parsed where the sweep is built, so errors show there)."""
    axes = {}
    for i, column in enumerate(st.columns(2)):
        options = [None, *AXES] if i else list(AXES)
        with column:
            name = st.selectbox(tr("sweep.axis", number=i + 1), options, index=options.index(DEFAULTS[i][0]),
                                format_func=lambda n: tr("sweep.none") if n is None else n, key=f"sweep_axis_{i}")
            values = st.text_input(tr("sweep.values", number=i + 1), DEFAULTS[i][1], help=tr("sweep.values_help"),
                                   key=f"sweep_values_{i}")
        if name:
            axes[name] = values
    return axes


def launch(spec_of) -> None:
    try:
        spec = spec_of().validate(runner().settings)
        sweep_id, stop = start_in_background(runner(), spec, workspace(), browser_key())
    except ValueError as err:
        st.error(tr("common.error", message=str(err)))
        return
    stop_events()[sweep_id] = stop
    st.query_params["sweep"] = st.session_state["sweep_id"] = sweep_id


def show(sweep_id: str) -> None:
    record = SweepRecords(runner().store).get(sweep_id)
    report = record.report or {"trials_done": 0, "trials_total": 0, "cells": [], "best": None, "axes": {}}
    st.progress(report["trials_total"] and report["trials_done"] / report["trials_total"],
                tr("sweep.progress", done=report["trials_done"], total=report["trials_total"], status=record.status))
    stop = stop_events().get(sweep_id)
    if record.status == "running" and stop is not None and not stop.is_set():
        if st.button(tr("sweep.stop"), key="sweep_stop"):
            stop.set()
    elif record.status in ("cancelled", "failed", "interrupted") or (record.status == "running" and stop is None):
        if st.button(tr("sweep.resume"), key="sweep_resume"):
            _, stop_events()[sweep_id] = start_in_background(runner(), SweepSpec.from_dict(record.spec),
                                                             record.workspace, browser_key(), resume=sweep_id)
    if report["cells"]:
        labels = {k: tr(f"sweep.{k}") for k in ("gain", "no_difference", "better", "worse", "n")}
        st.plotly_chart(sweep_figure(report, labels), key="sweep_figure")
        best = report["best"]
        if best:
            gain = next(c for c in report["cells"] if c["values"] == best["values"])["stats"]["gain"]["mean"]
            st.markdown(tr("sweep.best", values=", ".join(f"{k} = {v}" for k, v in best["values"].items()),
                           gain=f"{100 * gain:+.2f}", clear=tr("sweep.clear" if best["clear"] else "sweep.not_clear")))
        rows = pd.DataFrame(report_rows(report))
        st.dataframe(rows, hide_index=True)
        left, right = st.columns(2)
        left.download_button(tr("sweep.csv"), rows.to_csv(index=False), f"{sweep_id}.csv", "text/csv",
                             key="sweep_csv")
        right.download_button(tr("sweep.json"), json.dumps(report, indent=1), f"{sweep_id}.json",
                              "application/json", key="sweep_json")


@st.fragment(run_every=1.0)
def live(sweep_id: str) -> None:
    show(sweep_id)
    if SweepRecords(runner().store).get(sweep_id).status != "running":
        st.rerun()  # drawn once more by the page, without the timer


st.title(tr("sweep.title"))
st.markdown(tr("sweep.intro"))
base = st.session_state.get("distill_config", RunConfig())
st.caption(tr("sweep.base", dataset=base.dataset, teacher=base.teacher, student=base.student, epochs=base.epochs))
axes = axes_ui()
seeds = st.text_input(tr("sweep.seeds"), "0,1,2", help=tr("sweep.seeds_help"), key="sweep_seeds")
if st.button(tr("sweep.launch"), type="primary", key="sweep_launch"):
    launch(lambda: SweepSpec(base.to_dict(), axes=dict(parse_axis(f"{k}={v}") for k, v in axes.items()),
                             seeds=parse_seeds(seeds, 0)))
chosen = st.query_params.get("sweep") or st.session_state.get("sweep_id")
if not chosen or not SWEEP_ID.match(chosen):
    st.info(tr("sweep.empty"))
    st.stop()
st.session_state["sweep_id"] = chosen
try:
    status = SweepRecords(runner().store).get(chosen).status
except ValueError as err:
    st.error(tr("common.error", message=str(err)))
    st.stop()
if status == "running":
    live(chosen)
else:
    show(chosen)
