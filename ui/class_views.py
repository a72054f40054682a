"""The instructor's view of the class and the class sweep: the key check, the live table of every run, Stop, the
CSV, the sweep's form and map, and the Distill page's hook that turns a student's next run into a cell.

The instructor key is typed once per browser into a password field, compared in constant time, and remembered as a
keyed hash of this browser's key: in the session and in a cookie, so a refresh does not ask again. Neither holds
the key itself, and nothing of it ever reaches the URL.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

import pandas as pd
import streamlit as st

from kdlab.config import RunConfig
from kdlab.losses import term, terms
from kdlab.sweeps.classroom import CSV_COLUMNS, ClassSweep, ClassSweeps, class_rows, csv_rows
from kdlab.runs.store import ACTIVE, STATUSES
from kdlab.sweeps.spec import parse_axis
from kdlab.viz import numbers
from kdlab.viz.sweep_figures import sweep_figure
from ui.common import _runner, browser_key, error_text, lang, runner, store_problem, tr, worded, workspace
from ui.run_picker import source_name
from ui.sweep_views import GRID_DEFAULTS, axes, describe, figure_labels, setting_label

PASS_KEY = "kdlab_instructor"  # session_state and cookie: HMAC(instructor key, browser key), never the key
SHOWN_RUNS = 500  # the newest runs the table shows (the CSV has them all)


@st.cache_resource
def class_sweeps() -> ClassSweeps:
    """The run store's class sweeps, one per server process: its tables are created once, not on every rerun of
    every Distill page."""
    return ClassSweeps(runner().store)


def instructor_key() -> str:
    """The configured key, "" when none (or when the settings are broken: every page says so already)."""
    try:
        return _runner().settings.instructor_key
    except ValueError:
        return ""


def _pass(key: str) -> str:
    return hmac.new(key.encode(), browser_key().encode(), hashlib.sha256).hexdigest()


def signed_in() -> bool:
    """Whether this browser proved it knows the key: asked once in a password field, then remembered."""
    key = instructor_key()
    if not key:
        return False
    expected = _pass(key)
    remembered = st.session_state.get(PASS_KEY) or st.context.cookies.get(PASS_KEY) or ""
    return isinstance(remembered, str) and hmac.compare_digest(remembered, expected)


def sign_in_ui() -> bool:
    """The password field; True once the right key was typed, which is remembered for this browser (session and
    cookie); a wrong one is refused."""
    with st.form("instructor_sign_in", clear_on_submit=True):
        typed = st.text_input(tr("instructor.key"), type="password", help=tr("instructor.key_help"),
                              key="instructor_typed")
        sent = st.form_submit_button(tr("instructor.open"), type="primary", key="instructor_open")
    if not sent:
        return False
    key = instructor_key()
    if not hmac.compare_digest(typed.encode(), key.encode()):
        st.error(tr("instructor.wrong_key"))
        return False
    st.session_state[PASS_KEY] = _pass(key)
    st.html(f"<script>document.cookie = '{PASS_KEY}={_pass(key)}; path=/; max-age=86400; SameSite=Strict';"
            "</script>", width="content", unsafe_allow_javascript=True)
    return True


def table(rows: list[dict]) -> pd.DataFrame:
    """The class's runs as the page shows them: aliases, words and numbers as a person writes them."""
    names = {spec.name: spec.text("label", lang()) for spec in terms()}
    shown = []
    for row in rows[:SHOWN_RUNS]:
        method = " + ".join(names.get(part, part) for part in row["method"].split(" + "))
        shown.append({
            tr("instructor.col.student"): row["alias"] or tr("instructor.no_alias"),
            tr("history.col.created"): datetime.fromtimestamp(row["created"]).strftime("%m-%d %H:%M:%S"),
            tr("history.col.source"): source_name(row["source"]),
            tr("history.col.status"): tr(f"history.status.{row['status']}") if row["status"] in STATUSES else "",
            tr("history.col.dataset"): row["dataset"], tr("history.col.teacher"): row["teacher"],
            tr("history.col.student"): row["student"], tr("history.col.method"): method,
            tr("history.col.temperature"): numbers.weight(row["temperature"]),
            term("soft").weight_letter: numbers.weight(row["terms.soft"]),
            tr("instructor.col.seed"): numbers.count(row["seed"]),
            tr("history.col.student_acc"): numbers.percent_number(row["student_acc"]),
            tr("history.col.gain"): numbers.MISSING if row["gain_points"] is None
            else numbers.signed_points(row["gain_points"] / 100),
            tr("instructor.col.verdict"): tr(f"instructor.verdict.{row['verdict']}") if row["verdict"] else "",
            tr("history.col.id"): row["run_id"]})
    return pd.DataFrame(shown)


@st.fragment(run_every=2.0)
def class_ui() -> None:
    """Every run of the workspace, redrawn every 2 s on its own (the page does not rerun), with Stop."""
    rows = class_rows(runner().store, workspace())
    if not rows:
        st.info(tr("instructor.no_runs", workspace=workspace()))
        return
    active = [row for row in rows if row["status"] in ACTIVE]
    st.caption(tr("instructor.counts", total=numbers.count(len(rows)), active=numbers.count(len(active)),
                  finished=numbers.count(sum(row["status"] == "finished" for row in rows))))
    st.dataframe(table(rows), hide_index=True, key="instructor_table")
    if not active:
        st.caption(tr("instructor.nothing_to_stop"))
        return
    pick, button = st.columns([4, 1], vertical_alignment="bottom")
    labels = {row["run_id"]: f"{row['alias'] or tr('instructor.no_alias')} · {row['run_id']}" for row in active}
    chosen = pick.selectbox(tr("instructor.stop_pick"), list(labels), format_func=labels.get,
                            key="instructor_stop_pick")
    if button.button(tr("instructor.stop"), key="instructor_stop"):
        runner().stop(chosen, None, instructor=True)
        st.success(tr("instructor.stopped", run_id=chosen))


def csv_ui() -> None:
    rows = csv_rows(class_rows(runner().store, workspace()))
    st.download_button(tr("instructor.csv"), pd.DataFrame(rows, columns=CSV_COLUMNS).to_csv(index=False),
                       file_name=f"class-{workspace()}.csv", mime="text/csv", key="instructor_csv", on_click="ignore")


def base_text(config: RunConfig) -> str:
    return f"{config.dataset}, {config.teacher} → {config.student}"


def sweep_form_ui(sweeps: ClassSweeps, current: ClassSweep | None) -> None:
    """The grid: two settings from the ones a sweep offers (the loss registry's weights, T, the schedule's) and
    their values; the settings the cells share are the Distill form's in this session, else the defaults."""
    base = st.session_state.get("distill_config", RunConfig())
    st.caption(tr("instructor.sweep_intro", base=base_text(base)))
    offered = axes()
    grid = {}
    for number, (column, (name, values)) in enumerate(zip(st.columns(2), GRID_DEFAULTS), 1):
        chosen = column.selectbox(tr("sweep.axis", number=number), offered, index=offered.index(name),
                                  format_func=worded(offered, setting_label), key=f"instructor_axis_{number}")
        typed = column.text_input(tr("sweep.values", number=number), values, key=f"instructor_values_{number}",
                                  help=tr("sweep.values_help"))
        grid[chosen] = typed
    left, right = st.columns(2)
    if left.button(tr("instructor.sweep_start"), type="primary", key="instructor_sweep_start"):
        try:
            axes_values = dict(parse_axis(f"{name}={values}") for name, values in grid.items())
            sweeps.start(workspace(), base, axes_values, runner().settings)
        except ValueError as err:
            st.error(tr("instructor.sweep_invalid", message=error_text(err)))
        else:
            st.rerun()
    if current is not None and current.active and right.button(tr("instructor.sweep_end"), key="instructor_sweep_end"):
        sweeps.end(current.id)
        st.rerun()


@st.fragment(run_every=3.0)
def class_map_ui(sweep_id: str) -> None:
    """The class map, anonymous (cells, gains and intervals; no alias), redrawn every 3 s on its own."""
    sweeps = class_sweeps()
    sweep = sweeps.get(sweep_id)
    report = sweeps.report(sweep)
    st.caption(tr(f"class.progress_{'one' if report['grid'] == 1 else 'many'}", count=numbers.count(report["grid"]),
                  finished=numbers.count(report["finished"]), handed=numbers.count(report["handed_out"])))
    if not report["cells"]:
        st.info(tr("class.empty"))
        return
    labels = {**figure_labels(report), "one_seed": tr("class.one_run")}
    st.plotly_chart(sweep_figure(report, labels), key=f"class_map_{sweep_id}")


def class_cell(config: RunConfig, where) -> RunConfig:
    """The Distill page's hook: with a class sweep on in this workspace, this browser's next run is a cell of it
    (the class's settings, the cell's values and seed), said in ``where`` with the class map; else ``config`` as it
    is. The cell is handed out when Run is clicked (this rerun), so a student who never runs holds none."""
    if store_problem():
        return config
    sweeps = class_sweeps()
    sweep = sweeps.current(workspace())
    if sweep is None or not sweep.active:
        return config
    run_clicked = st.session_state.get("distill_run", False)  # the Run button's value in the rerun it was clicked
    n = sweeps.hand_out(sweep, browser_key()) if run_clicked else sweeps.next_number(sweep)
    values, seed = sweep.cell(n)
    cell = sweep.config(n)
    where.info(tr("class.note", cell=describe(values), seed=numbers.count(seed), base=base_text(cell)),
               icon=":material/groups:")
    with where.expander(tr("class.map_title")):
        class_map_ui(sweep.id)
    return cell
