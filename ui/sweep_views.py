"""The Sweep page's parts: the grid or search form, and a sweep's live report — progress, Stop and Resume for the
browser that started it, the figure whose cells open their runs on Compare, the best settings that fill the Distill
form, and the exports.

A page switch is asked for in ``st.session_state["sweep_go"]`` and done by ``follow_link`` at the top of the page,
outside the live fragment (a fragment only reruns itself).
"""
from __future__ import annotations

import json
import os
import re

import pandas as pd
import streamlit as st

from kdlab import RunConfig
from kdlab.losses import terms
from kdlab.runs.sweep_store import SweepRecord, SweepRecords
from kdlab.checks import parse_seeds
from kdlab.sweeps.ray_executor import RAY_ENV
from kdlab.serve.queue_executor import start_in_background
from kdlab.sweeps.spec import OBJECTIVES, SweepSpec, parse_axis, parse_range, with_values
from kdlab.viz.numbers import count
from kdlab.viz.sweep_figures import (DEFAULT_LABELS, cell_at, figure_html, gain_text, interval_text, report_rows,
                                     report_table, seeds_text, shown_value, sweep_figure)
from ui import text as i18n
from ui.common import browser_key, error_text, lang, runner, select_run, tr, worded, workspace
from ui.loss_controls import form_state as loss_form_state
from ui.weights import setting_words

SETTINGS = ("temperature", "lr", "train_fraction", "epochs")  # the form's settings besides the loss weights
GRID_DEFAULTS = (("temperature", "1,2,4,8"), ("terms.soft", "0.5,0.9"))
RANGE_DEFAULTS = (("temperature", "1:20:log"), ("terms.soft", "0:1"))
LIVE_SECONDS = 2.0  # a trial takes seconds; every poll costs the server a figure sent again (about 10 ms)
FIGURE_KEY = "sweep_figure_drawn"  # session_state: (report, language) and the figure drawn from them
SWEEP_ID = re.compile(r"^sweep-\d{8}-\d{6}-[0-9a-f]{6}$")  # as SweepRecords.create writes them
KEPT_BY_DISTILL = ("distill_config", "distill_link_read", "distill_upload", "distill_upload_seen", "distill_notes",
                   "distill_data_file")  # the Distill page's own state, not its form's widgets


def words(key: str, **values) -> str:
    """A text filled with our own values (registry labels, formatted numbers) for a widget's options, a figure or a
    table, which show it as it is: unlike ``tr``, nothing is escaped for Markdown."""
    return i18n.t(key, lang(), **values)


def plural(key: str, number: int, **values) -> str:
    """``key_one`` or ``key_many`` by ``number`` (given to it as ``count``, written with separators)."""
    return tr(f"{key}_{'one' if number == 1 else 'many'}", count=count(number), **values)


def axes() -> list[str]:
    """The settings the form offers: T, every registered loss weight (from the registry), the schedule's."""
    return [SETTINGS[0], *(spec.weight_name for spec in terms() if not spec.complement), *SETTINGS[1:]]


def setting_label(name: str) -> str:
    """A setting as every page names it, in this page's language (``ui.weights.setting_words``)."""
    return setting_words(name, lang())


def figure_labels(report: dict) -> dict:
    """The figure's and the table's words in this page's language, with every axis of ``report`` named."""
    return {**{k: words(f"sweep.fig.{k}") for k in DEFAULT_LABELS}, "axes": {n: setting_label(n) for n in report["axes"]}}


def describe(values: dict) -> str:
    """A cell's settings, "T = 4, α — soft targets = 0.9", for a widget's option or a sentence."""
    labels = figure_labels({"axes": values})
    return ", ".join(f"{setting_label(name)} = {shown_value(value, labels, escape=str)}" for name, value in values.items())


def ray_address() -> str | None:
    """The Ray cluster this server sends sweeps to (``KDLAB_RAY_ADDRESS``), or None: the job queue."""
    return os.environ.get(RAY_ENV) or None


def pairs_ui(kind: str, defaults: tuple) -> dict[str, str]:
    """One or two settings and their values (``kind="values"``) or ranges (``"range"``), as typed: parsed where
    the sweep is built, so that a bad one is one error box."""
    chosen = {}
    for i, column in enumerate(st.columns(2)):
        options = [None, *axes()] if i else axes()
        with column:
            name = st.selectbox(tr("sweep.axis", number=i + 1), options, index=options.index(defaults[i][0]),
                                format_func=worded(options, lambda n: setting_label(n) if n else tr("sweep.none")),
                                key=f"sweep_{kind}_axis_{i}")
            text = st.text_input(tr(f"sweep.{kind}", number=i + 1), defaults[i][1], key=f"sweep_{kind}_{i}",
                                 help=tr(f"sweep.{kind}_help"))
        if name:
            chosen[name] = text
    return chosen


def form_ui(base: RunConfig):
    """The form: a grid or a search, the seeds; returns a function that builds the sweep's spec (raises
    ``ValueError`` in one sentence)."""
    mode = st.radio(tr("sweep.mode"), ("grid", "search"), horizontal=True, key="sweep_mode",
                    format_func=worded(("grid", "search"), lambda m: tr(f"sweep.mode_{m}")))
    if mode == "grid":
        axes = pairs_ui("values", GRID_DEFAULTS)
    else:
        ranges = pairs_ui("range", RANGE_DEFAULTS)
        left, middle, right = st.columns(3)
        trials = left.number_input(tr("sweep.trials"), 1, 200, 8, key="sweep_trials", help=tr("sweep.trials_help"))
        objective = middle.selectbox(tr("sweep.objective"), list(OBJECTIVES), index=list(OBJECTIVES).index("gain"),
                                     key="sweep_objective",
                                     format_func=worded(OBJECTIVES, lambda o: words(f"sweep.objective.{o}")))
        prune = right.checkbox(tr("sweep.prune"), key="sweep_prune", disabled=ray_address() is not None,
                               help=tr("sweep.prune_on_ray") if ray_address() else tr("sweep.prune_help"))
    seeds = st.text_input(tr("sweep.seeds"), "0,1,2", help=tr("sweep.seeds_help"), key="sweep_seeds")

    def spec() -> SweepSpec:
        chosen = parse_seeds(seeds) if seeds.strip() else [0]
        if mode == "grid":
            return SweepSpec(base.to_dict(), axes=dict(parse_axis(f"{k}={v}") for k, v in axes.items()),
                             seeds=chosen)
        return SweepSpec(base.to_dict(), "search", ranges=dict(parse_range(f"{k}={v}") for k, v in ranges.items()),
                         trials=int(trials), objective=objective, prune=bool(prune), seeds=chosen)
    return spec


def launch(make_spec) -> None:
    """Validate the sweep and start it on this server's queue (or its Ray cluster); an error is one box."""
    try:
        spec = make_spec().validate(runner().settings)
        sweep_id = start_in_background(runner(), spec, workspace(), browser_key(), ray_address=ray_address())
    except ValueError as err:
        st.error(tr("common.error", message=error_text(err)))
        return
    keep_in_url(sweep_id)


def keep_in_url(sweep_id: str) -> None:
    st.session_state["sweep_id"] = sweep_id
    if st.query_params.get("sweep") != sweep_id:
        st.query_params["sweep"] = sweep_id


def chosen_sweep() -> str | None:
    """The sweep shown: the URL's (a refresh, a shared link), else this session's, else this browser's latest."""
    for sweep_id in (st.query_params.get("sweep"), st.session_state.get("sweep_id")):
        if sweep_id and SWEEP_ID.match(sweep_id):
            keep_in_url(sweep_id)
            return sweep_id
    owned = SweepRecords(runner().store).owned(browser_key())
    if owned:
        keep_in_url(owned[0])
    return owned[0] if owned else None


def follow_link() -> None:
    """Do the page switch a button of the report asked for: a run on Compare, or the best settings on Distill."""
    go = st.session_state.pop("sweep_go", None)
    if go is None:
        return
    kind, value = go
    if kind == "compare":
        select_run(value)
        st.switch_page("app_pages/compare.py")
    fill_distill_form(RunConfig.from_dict(value))
    st.switch_page("app_pages/distill.py")


def fill_distill_form(config: RunConfig) -> None:
    """Make the Distill form show ``config``: its loss widgets are set through the Session State API (so the
    browser's widgets take the values too), the rest are cleared so that they are built from ``distill_config``."""
    for key in [k for k in st.session_state if k.startswith("distill_") and k not in KEPT_BY_DISTILL]:
        del st.session_state[key]
    st.session_state.update(loss_form_state(config))
    st.session_state["distill_config"] = config
    st.session_state["distill_link_read"] = True  # a link's settings must not replace these on the first visit


def controls(record: SweepRecord, report: dict) -> None:
    """Progress; Stop while it runs and Resume once it has stopped, for the browser that started it only."""
    driven = record.driven()
    status = record.status if record.status != "running" or driven else "interrupted"
    st.progress(min(1.0, report["trials_total"] and report["trials_done"] / report["trials_total"]),
                plural("sweep.progress", report["trials_total"], done=count(report["trials_done"]),
                       status=tr(f"history.status.{status}")))
    if record.owner != browser_key():
        st.caption(tr("sweep.not_owner"))
    elif status == "running":
        if st.button(tr("sweep.stop"), key="sweep_stop"):
            SweepRecords(runner().store).request_stop(record.id, browser_key())
    elif status != "finished":
        if driven:
            st.caption(tr("sweep.driven_elsewhere"))
        elif st.button(tr("sweep.resume"), key="sweep_resume"):
            try:
                start_in_background(runner(), SweepSpec.from_dict(record.spec), record.workspace, browser_key(),
                                    resume=record.id, ray_address=ray_address())
            except ValueError as err:
                st.error(tr("common.error", message=error_text(err)))
            else:
                st.rerun(scope="app")  # the live view takes over
    if report.get("pruned"):
        st.caption(plural("sweep.pruned", len(report["pruned"])))
    if report.get("failed"):
        st.warning(plural("sweep.failed_runs", len(report["failed"]), message=report["failed"][0]["error"] or ""))


def cells_ui(report: dict, clicked: int | None) -> None:
    """Pick a cell (clicked in the figure or from the list) and open one of its runs on Compare."""
    st.markdown(f"**{tr('sweep.cells_header')}**")
    st.caption(tr("sweep.cells_help"))
    cells = report["cells"]
    if clicked is not None and clicked != st.session_state.get("sweep_clicked"):
        st.session_state["sweep_cell"] = clicked  # set before the widget is drawn, so it shows the click
    st.session_state["sweep_clicked"] = clicked
    labels = figure_labels(report)
    cell_labels = [words("sweep.cell_label", values=describe(cell["values"]),
                         gain=gain_text(cell["stats"]["gain"], labels), seeds=seeds_text(cell["n"], labels))
                   for cell in cells]
    index = st.selectbox(tr("sweep.cell"), range(len(cells)), key="sweep_cell", format_func=cell_labels.__getitem__)
    seeds = cells[index or 0]["seeds"]
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    run_labels = {row["run_id"]: tr("sweep.run_label", run_id=row["run_id"], seed=row["seed"]) for row in seeds}
    run_id = left.selectbox(tr("sweep.run"), list(run_labels), key="sweep_run", format_func=run_labels.__getitem__)
    if right.button(tr("sweep.open_compare"), key="sweep_open_compare"):
        st.session_state["sweep_go"] = ("compare", run_id)
        st.rerun(scope="app")


def best_ui(record: SweepRecord, report: dict) -> None:
    """The best cell so far, and a button that opens the Distill form with the sweep's base run and its values."""
    best = report["best"]
    if not best:
        return
    with st.container(border=True):
        st.markdown(f"**{tr('sweep.best_header')}**")
        cell = next(c for c in report["cells"] if c["values"] == best["values"])
        labels = figure_labels(report)
        st.markdown(tr("sweep.best", values=describe(best["values"]), gain=gain_text(cell["stats"]["gain"], labels),
                       interval=interval_text(cell["stats"]["gain"], labels),
                       clear=tr("sweep.clear" if best["clear"] else "sweep.not_clear")))
        if st.button(tr("sweep.use_best"), key="sweep_use_best", help=tr("sweep.use_best_help")):
            base = record.spec["base"]
            st.session_state["sweep_go"] = ("distill", with_values(base, best["values"], base["seed"]))
            st.rerun(scope="app")


def exports_ui(report: dict, figure: dict) -> None:
    """The cells as a table a person reads; the CSV (the config's own column names, for a script), JSON and HTML."""
    st.dataframe(pd.DataFrame(report_table(report, figure_labels(report))), hide_index=True)
    csv, js, html = st.columns(3)
    sweep_id = report["sweep_id"]
    csv.download_button(tr("sweep.csv"), pd.DataFrame(report_rows(report)).to_csv(index=False), f"{sweep_id}.csv",
                        "text/csv", key="sweep_csv", on_click="ignore", help=tr("sweep.csv_help"))
    js.download_button(tr("sweep.json"), json.dumps(report, indent=1), f"{sweep_id}.json", "application/json",
                       key="sweep_json", on_click="ignore")
    html.download_button(tr("sweep.html"), figure_html(figure), f"{sweep_id}.html", "text/html", key="sweep_html",
                         on_click="ignore")
    st.caption(tr("sweep.png_note"))


def report_figure(report: dict, labels: dict):
    """The sweep's figure, built again only when its report changed: most live polls bring no new trial, and
    building a plotly figure costs the server more than sending it."""
    drawn = st.session_state.get(FIGURE_KEY)
    if drawn is None or drawn[0] != (report, lang()):
        drawn = (report, lang()), sweep_figure(report, labels)
        st.session_state[FIGURE_KEY] = drawn
    return drawn[1]


def show(sweep_id: str) -> SweepRecord:
    """The whole report of one sweep, read from the store (any browser, after any refresh); returns its record."""
    record = SweepRecords(runner().store).get(sweep_id)
    report = record.report or {"sweep_id": sweep_id, "trials_done": 0, "trials_total": 0, "cells": [],
                               "best": None, "axes": {}}
    controls(record, report)
    if not report["cells"]:
        return record
    labels = figure_labels(report)
    figure = report_figure(report, labels)
    event = st.plotly_chart(figure, key="sweep_figure", on_select="rerun", selection_mode="points")
    points = (event or {}).get("selection", {}).get("points", [])
    clicked = cell_at(report, points[0], labels) if points else None
    best_ui(record, report)
    cells_ui(report, clicked)
    if record.status != "running" or not record.driven():
        exports_ui(report, figure)
    return record


@st.fragment(run_every=LIVE_SECONDS)
def live(sweep_id: str) -> None:
    """The report, redrawn every ``LIVE_SECONDS`` while the sweep runs; the page draws it once more when it ends."""
    record = show(sweep_id)
    if record.status != "running" or not record.driven():
        st.rerun(scope="app")
