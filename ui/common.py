"""Language, workspace, the shared job runner and the session's runs: the state every page needs.

Streamlit state lives under a few ``kdlab_*`` keys in ``st.session_state``; durable state lives in the run store.
Language and workspace live in the URL, so a link carries them.
"""
from __future__ import annotations

import streamlit as st

from kdlab import i18n
from kdlab.jobs import JobRunner
from kdlab.replay import LoadedRun, from_result, load_run
from kdlab.settings import ServerSettings
from kdlab.store import DEFAULT_WORKSPACE, RunStore, check_workspace

RUNS_KEY = "kdlab_runs"  # ids of the runs this browser session started, oldest first
SELECTED_KEY = "kdlab_selected_run"  # the finished run that Temperature, Attention and Compare show


def lang() -> str:
    code = st.query_params.get("lang", "en")
    return code if code in i18n.LANGUAGES else "en"


def tr(key: str, **values) -> str:
    return i18n.t(key, lang(), **values)


def workspace() -> str:
    try:
        return check_workspace(st.query_params.get("ws", DEFAULT_WORKSPACE))
    except ValueError:
        return DEFAULT_WORKSPACE


@st.cache_resource
def runner() -> JobRunner:
    """One per server process, shared by every session (it is thread-safe)."""
    return JobRunner(RunStore(), ServerSettings.load())


def sidebar() -> None:
    """The language switch and the workspace, on every page."""
    codes = list(i18n.LANGUAGES)
    chosen = st.sidebar.selectbox(tr("common.language"), codes, index=codes.index(lang()),
                                  format_func=i18n.LANGUAGES.get, key="common_lang")
    if chosen != lang():
        st.query_params["lang"] = chosen
        st.rerun()
    typed = st.sidebar.text_input(tr("common.workspace"), value=workspace(), help=tr("common.workspace_help"),
                                  key="common_workspace")
    try:
        name = check_workspace(typed)
    except ValueError as err:
        st.sidebar.error(str(err))
    else:
        if name != st.query_params.get("ws", DEFAULT_WORKSPACE):
            st.query_params["ws"] = name


def remember_run(run_id: str) -> None:
    st.session_state.setdefault(RUNS_KEY, []).append(run_id)
    st.session_state[SELECTED_KEY] = run_id


def session_runs() -> list[str]:
    return st.session_state.setdefault(RUNS_KEY, [])


def select_run(run_id: str) -> None:
    st.session_state[SELECTED_KEY] = run_id


@st.cache_resource(max_entries=32)
def _loaded(run_id: str) -> LoadedRun:
    result = runner().result(run_id)
    return from_result(run_id, result) if result is not None else load_run(runner().store, run_id)


def selected_run() -> LoadedRun | None:
    """The run the analysis pages show: the one chosen (or re-opened from History), else this session's latest
    finished run; None when there is none yet."""
    store = runner().store
    candidates = [st.session_state.get(SELECTED_KEY), *reversed(session_runs())]
    for run_id in filter(None, candidates):
        try:
            if store.get(run_id).status == "finished":
                return _loaded(run_id)
        except ValueError:  # deleted meanwhile
            continue
    return None
