"""History: the workspace's runs — filter, compare, T × α maps, re-open, re-run, download, delete, import."""
import pandas as pd
import streamlit as st

from kdlab import RunConfig
from kdlab.losses import term, terms
from kdlab.runs import tables as hist
from kdlab.runs.exchange import import_run, metrics_csv, run_json
from kdlab.runs.store import ACTIVE, SOURCES, STATUSES
from kdlab.runs.teacher_runs import teacher_chain
from kdlab.policy.admission import admit
from kdlab.viz import figures, numbers
from kdlab.measures import boundary_panels as boundary_panels_of
from ui.common import (SELECTED_KEY, browser_key, error_text, lang, loaded, runner, select_run, submit, teacher_of,
                       tr, worded, workspace)
from ui.run_picker import choice_label, source_name
from ui.variants import variant_downloads, variants_table

FIG_KEYS = ("epoch", "test_accuracy", "loss", "temperature", "feature_1", "feature_2", "class", "teacher", "baseline",
            "student", "accuracy_title", "decision_title", "tuning_title")
store = runner().store
PENDING_IMPORT = "history_pending_import"  # session_state: (config bytes, weights bytes) until imported


def labels() -> dict:
    return {key: tr(f"history.fig.{key}") for key in FIG_KEYS}


def clear_selection() -> None:
    """Selections are row positions: once the rows change (filter, sort, delete), they would point elsewhere."""
    st.session_state["history_table"] = {"selection": {"rows": [], "columns": []}}


def filters_ui(options: dict) -> tuple[dict, str, bool]:
    cols = st.columns(len(hist.FILTERS) + 1)
    chosen = {name: cols[i].multiselect(tr(f"history.filter_{name}"), options[name], key=f"history_filter_{name}",
                                        placeholder=tr("common.choose"),
                                        help=tr("history.filter_method_help") if name == "method" else None,
                                        on_change=clear_selection)
              for i, name in enumerate(hist.FILTERS)}
    names = {key: tr(f"history.sort.{key}") for key in hist.SORTS}
    sort = cols[-1].selectbox(tr("history.sort"), list(names), format_func=names.get, key="history_sort",
                             on_change=clear_selection)
    return chosen, sort, st.toggle(tr("history.show_all"), help=tr("history.show_all_help"), key="history_show_all")


def column_title(column: str) -> str:
    """A table column's title: its translation, or for a loss weight the registry's: its letter (α, β, γ) where the
    formula has one, else its term's label."""
    if column.startswith("terms."):
        spec = term(column.removeprefix("terms."))
        return spec.weight_letter or spec.text("label", lang())
    return tr(f"history.col.{column}")


def weight_title(column: str) -> str:
    """A loss weight's column in words, as the registry gives them: "α — soft targets"."""
    return term(column.removeprefix("terms.")).weight_label(lang())


def in_percent(value) -> str:
    """A row's accuracy (already in %, as the column's title says) with one decimal: 98.33 -> "98.3"."""
    return numbers.percent_number(None if value is None else value / 100)


def in_points(value) -> str:
    """A row's gain (already in points) with its sign: -0.84 -> "−0.8"."""
    return numbers.signed_points(None if value is None else value / 100)


def as_written(rows: list[dict]) -> list[dict]:
    """Rows as a person writes their numbers: weights and T as typed (0.9, not 0.900000), accuracies with one
    decimal, times in seconds, gains signed; a missing number is a dash, never "None"."""
    formats = {"temperature": numbers.weight, **dict.fromkeys(hist.weight_columns(), numbers.weight),
               "epochs": numbers.count, "distill_seconds": numbers.seconds, "gain": in_points,
               **dict.fromkeys(("student_acc", "student_macro_f1", "baseline_acc", "teacher_acc"), in_percent)}
    return [{column: formats[column](value) if column in formats else value for column, value in row.items()}
            for row in rows]


def table_ui(rows: list[dict], differing: list[str], show_all: bool) -> list[str]:
    """The runs table; returns the ids of the ticked rows."""
    shown = [c for c in hist.config_columns() if show_all or c in differing]
    order = ["id", "status", "created", *shown, *hist.RESULT_COLUMNS]
    frame = pd.DataFrame(as_written(rows), columns=list(hist.table_columns()))
    styled = frame.style.set_properties(subset=differing, **{"background-color": "#fff3bf"})
    config = {c: st.column_config.Column(column_title(c)) for c in hist.table_columns()}
    event = st.dataframe(styled, key="history_table", on_select="rerun", selection_mode="multi-row", hide_index=True,
                         column_order=order, column_config=config)
    st.caption(tr("history.differing", columns=", ".join(column_title(c) for c in differing))
               if differing else tr("history.all_same"))
    return [rows[i]["id"] for i in event.selection.rows if i < len(rows)]


def boundary_panels(run_ids: tuple[str, ...], names: tuple[str, ...]) -> dict:
    """The runs are loaded first, outside the cache: one whose teacher must be trained shows its progress (widgets
    cannot be drawn inside a cached function)."""
    runs = {name: loaded(run_id) for run_id, name in zip(run_ids, names)}
    return _panels(run_ids, names, runs)


@st.cache_data(max_entries=8, show_spinner=False)
def _panels(run_ids: tuple[str, ...], names: tuple[str, ...], _runs: dict) -> dict:
    return boundary_panels_of(_runs)


def compare_ui(records: list) -> None:
    st.subheader(tr("history.compare"))
    st.caption(tr("history.curves_help"))
    names = [f"{r.id} · {hist.short_label(r.config)}" for r in records]
    curves = [hist.student_curves(store.events(r.id)) for r in records]
    left, right = st.columns(2)
    for column, metric, y_key, title in ((left, "test_acc", "test_accuracy", "history.acc_title"),
                                         (right, "total", "loss", "history.loss_title")):
        fig = figures.run_overlay({n: c[metric] for n, c in zip(names, curves)}, y_key, title=tr(title),
                                  labels=labels())
        column.plotly_chart(fig, width="stretch", key=f"history_overlay_{metric}")
    st.caption(tr("history.png_hint"))
    st.caption(tr("history.final"))
    final = pd.DataFrame(as_written(hist.final_numbers([hist.run_row(r) for r in records])))
    st.dataframe(final.rename(columns=lambda c: tr(f"history.col.{c}")), hide_index=True)
    flat = [(r.id, n) for r, n in zip(records, names) if r.status == "finished" and hist.is_2d(r.config)]
    if flat:
        try:
            panels = boundary_panels(*map(tuple, zip(*flat)))
        except ValueError as err:
            st.error(tr("history.boundaries_failed", message=error_text(err)))
            return
        for dataset, p in panels.items():
            st.caption(tr("history.boundaries", dataset=dataset))
            fig = figures.decision_boundaries(p["grids"], p["points"], p["labels"], class_names=p["class_names"],
                                              labels=labels())
            st.plotly_chart(fig, width="stretch", key=f"history_boundaries_{dataset}")


def flash(kind: str, message: str, rerun: bool = False) -> None:
    """A message shown at the top of the next run (after a change the table above must reflect)."""
    st.session_state["history_flash"] = (kind, message)
    if rerun:
        st.rerun()


def delete(run_id: str) -> None:
    """Button callback, so the table drawn after it no longer lists the run."""
    if not st.session_state.get(f"history_confirm_{run_id}"):
        return flash("warning", tr("history.delete_needs_confirm"))
    try:
        runner().delete(run_id, browser_key())
    except ValueError as err:
        return flash("error", tr("history.error", message=error_text(err)))
    clear_selection()
    flash("success", tr("history.deleted", run_id=run_id))


def actions_ui(record) -> None:
    st.subheader(tr("history.actions", run_id=record.id))
    if chain := teacher_chain(record, store.get):  # its teacher is an earlier run's student
        st.caption(tr("history.teacher_chain", chain=" → ".join(reversed(chain))))
    finished = record.status == "finished"
    if record.status not in ("finished", *ACTIVE):
        st.warning(tr("history.failed", status=tr(f"history.status.{record.status}"), message=record.error or ""))
    reopen, rerun, remove = st.columns(3)
    if reopen.button(tr("history.reopen"), help=tr("history.reopen_help"), disabled=not finished, key="history_reopen"):
        select_run(record.id)
    if rerun.button(tr("history.rerun"), help=tr("history.rerun_help"), key="history_rerun"):
        try:
            new_id = submit(RunConfig.from_dict(record.config))
        except ValueError as err:
            st.error(tr("history.error", message=error_text(err)))
        else:
            flash("success", tr("history.rerun_started", run_id=new_id), rerun=True)
    if record.status in ACTIVE:
        remove.caption(tr("history.delete_active"))
    elif record.owner != browser_key():
        remove.caption(tr("history.delete_not_yours"))
    else:
        remove.checkbox(tr("history.confirm_delete"), key=f"history_confirm_{record.id}")
        remove.button(tr("history.delete"), key="history_delete", on_click=delete, args=(record.id,))
    if finished:
        with st.expander(tr("history.models")):
            if rows := runner().store.variants(record.id):
                variants_table(rows, "history")
            variant_downloads(record.id, rows, "history")
    if st.session_state.get(SELECTED_KEY) == record.id and finished:
        st.caption(tr("history.reopened", run_id=record.id))
        links = st.columns(3)
        for column, page, nav in zip(links, ("temperature", "attention", "compare"),
                                     ("nav.temperature", "nav.attention", "nav.compare")):
            column.page_link(f"app_pages/{page}.py", label=tr(nav))
    if not finished:
        st.caption(tr("history.not_finished", status=tr(f"history.status.{record.status}")))
        return
    st.caption(tr("history.downloads"))
    fig = figures.accuracy_curves(store.events(record.id), record.summary.get("teacher_acc"), labels=labels())
    files = (("csv", lambda: metrics_csv(store, record.id), "metrics.csv", "text/csv"),
             ("json", lambda: run_json(store, record.id), "run.json", "application/json"),
             ("weights", lambda: store.weights_bytes(record.id), "weights.pt", "application/octet-stream"),
             ("html", lambda: fig.to_html(include_plotlyjs=True), "curves.html", "text/html"))
    for column, (kind, data, suffix, mime) in zip(st.columns(4), files):
        column.download_button(tr(f"history.download_{kind}"), data, file_name=f"kdlab-{record.id}-{suffix}",
                               mime=mime, on_click="ignore", key=f"history_download_{kind}")


def tuning_ui(records: list) -> None:
    st.subheader(tr("history.tuning"))
    weight = st.selectbox(tr("history.tuning_weight"), hist.weight_columns(),
                          format_func=worded(hist.weight_columns(), weight_title),
                          key="history_tuning_weight")
    maps = hist.tuning_maps(records, weight)
    if not maps:
        st.caption(tr("history.tuning_hint"))
        return
    st.caption(tr("history.tuning_help"))
    names = [tr("history.tuning_group_label", cells=m.cells, **{k: m.config.get(k) for k in
                                                                   ("dataset", "teacher", "student", "epochs", "seed")})
             for m in maps]
    index = st.selectbox(tr("history.tuning_group"), range(len(maps)), format_func=names.__getitem__,
                         key="history_tuning_group")
    m = maps[index]
    st.plotly_chart(figures.accuracy_heatmap(m.temperatures, m.weights, m.accuracy, weight_label=weight_title(weight),
                                             title=tr("history.tuning_title", weight=column_title(weight)),
                                             labels=labels()), width="stretch", key="history_tuning_map")


def import_ui() -> None:
    """Import a run trained elsewhere. Its numbers are recomputed against its teacher; a teacher this server has not
    trained yet is trained by a worker process first (progress shown), then the import finishes by itself."""
    with st.expander(tr("history.import"), expanded=PENDING_IMPORT in st.session_state):
        st.caption(tr("history.import_help"))
        config_file = st.file_uploader(tr("history.import_config"), type=["json"], key="history_import_config")
        weights_file = st.file_uploader(tr("history.import_weights"), type=["pt"], key="history_import_weights")
        if st.button(tr("history.import_button"), key="history_import"):
            if config_file is None or weights_file is None:
                st.warning(tr("history.import_missing"))
                return
            st.session_state[PENDING_IMPORT] = (config_file.getvalue(), weights_file.getvalue())
        if PENDING_IMPORT not in st.session_state:
            return
        if st.button(tr("history.import_cancel"), key="history_import_cancel"):  # e.g. its teacher cannot train
            del st.session_state[PENDING_IMPORT]
            st.rerun()
        try:
            run_id = import_run(store, *st.session_state[PENDING_IMPORT], workspace(), teacher_for=teacher_of,
                                admit=lambda config: admit(config, runner().settings, from_user_file=True),
                                owner=browser_key())
        except ValueError as err:
            flash("error", tr("history.import_failed", message=error_text(err)))
        else:
            flash("success", tr("history.imported", run_id=run_id))
        del st.session_state[PENDING_IMPORT]
        st.rerun()


st.title(tr("history.title"))
if flashed := st.session_state.pop("history_flash", None):
    getattr(st, flashed[0])(flashed[1])
records = store.list(workspace())
if not records:
    st.info(tr("history.empty", workspace=workspace()))
    import_ui()
    st.stop()
st.caption(tr("history.intro", workspace=workspace()))
method_names = {hist.LABELS_ONLY: tr("history.method.labels"),
                **{spec.name: spec.text("label", lang()) for spec in terms()}}
rows = [hist.run_row(r, method_names, {s: tr(f"history.status.{s}") for s in STATUSES},
                    {s: source_name(s) for s in SOURCES}) for r in records]
chosen, sort, show_all = filters_ui(hist.filter_options(rows))
rows = hist.sort_rows(hist.filter_rows(rows, **chosen), sort, hist.SORTS[sort])
if not rows:
    st.info(tr("history.no_match"))
    st.stop()
by_id = {r.id: r for r in records}
listed = [by_id[row["id"]] for row in rows]
selected = [by_id[run_id] for run_id in table_ui(rows, hist.differing_columns([r.config for r in listed]), show_all)]
if selected:
    compare_ui(selected)
    chosen_id = st.selectbox(tr("history.action_run"), [r.id for r in selected], key="history_action_run",
                             format_func=worded(by_id, lambda run_id: choice_label(by_id[run_id]))) \
        if len(selected) > 1 else selected[0].id
    actions_ui(by_id[chosen_id])
else:
    st.caption(tr("history.select_hint"))
tuning_ui(listed)
import_ui()
