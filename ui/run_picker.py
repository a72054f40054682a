"""The run picker of Compare, Compress and History: runs described so that they can be told apart, filtered by
what started them.

A class makes many runs of the same data and models (Distill, lessons, a methods comparison, a sweep's trials), so
"digits, cnn-large → mlp-small" alone names none of them: each choice says when, from where, the method, T, the loss
weights and the distilled student's accuracy (``kdlab.runs.tables.run_choice``).
"""
from __future__ import annotations

from datetime import datetime

import streamlit as st

from kdlab.losses import terms
from kdlab.runs import tables as hist
from kdlab.runs.store import SOURCES
from kdlab.viz import numbers
from ui import text as i18n
from ui.common import SELECTED_KEY, lang, runner, session_runs, store_problem, tr, worded
from ui.weights import weights_text

NAME_CHARS = 40  # a dataset or model name inside a choice


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= NAME_CHARS else text[:NAME_CHARS - 1] + "…"


def source_name(source: str) -> str:
    return tr(f"runs.source.{source if source in SOURCES else 'distill'}")


def choice_label(record) -> str:
    """One run in one line, e.g. "12-02 09:14 · lesson · digits, cnn-large → mlp-small · soft targets · T = 4 ·
    α = 0.9 · 97.2 %". Options of a select box are drawn as plain text, so the names are cut, not escaped."""
    choice = hist.run_choice(record)
    names = {hist.LABELS_ONLY: tr("history.method.labels"),
             **{spec.name: spec.text("label", lang()) for spec in terms()}}
    return i18n.t("runs.choice", lang(), time=datetime.fromtimestamp(choice["created"]).strftime("%m-%d %H:%M"),
                  source=source_name(choice["source"]), dataset=_short(choice["dataset"]),
                  teacher=_short(choice["teacher"]), student=_short(choice["student"]),
                  method=" + ".join(names.get(part, part) for part in choice["method"]),
                  t=numbers.weight(choice["temperature"]), weights=weights_text(record.config, lang()),
                  accuracy=numbers.percent(choice["student_acc"]))


def models_line(record) -> str:
    """Which models the run has: three, or two when it trained no baseline (the Attention demos)."""
    return tr(f"runs.models_{len(hist.run_choice(record)['roles'])}")


def browser_runs() -> list:
    """This browser's finished runs and the selected one (a link, History's "open"), newest first."""
    if store_problem():
        return []
    store, records = runner().store, []
    for run_id in dict.fromkeys(filter(None, [st.session_state.get(SELECTED_KEY), *session_runs()])):
        try:
            record = store.get(run_id)
        except ValueError:  # deleted meanwhile
            continue
        if record.status == "finished":
            records.append(record)
    return sorted(records, key=lambda r: r.created, reverse=True)


def pick_run(key: str, records: list, chosen: str | None) -> str | None:
    """A select box of ``records`` (``chosen`` first selected, else the newest), with a filter by source when they
    come from more than one place; None when the filter leaves none."""
    records = sorted(records, key=lambda r: r.created, reverse=True)
    present = [s for s in SOURCES if any(hist.run_source(r) == s for r in records)]
    if len(present) > 1:
        wanted = st.multiselect(tr("runs.filter"), present, key=f"{key}_sources",
                                format_func=worded(present, source_name), placeholder=tr("common.choose"),
                                help=tr("runs.filter_help"))
        records = [r for r in records if not wanted or hist.run_source(r) in wanted]
    if not records:
        st.info(tr("runs.none_match"))
        return None
    by_id = {r.id: r for r in records}
    ids = list(by_id)
    return st.selectbox(tr("runs.pick"), ids, index=ids.index(chosen) if chosen in ids else 0,
                        format_func=worded(ids, lambda run_id: choice_label(by_id[run_id])), key=key,
                        help=tr("runs.pick_help"))
