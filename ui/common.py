"""Language, workspace, the shared job runner and the session's runs: the state every page needs.

Streamlit state lives under a few ``kdlab_*`` keys in ``st.session_state``; durable state lives in the run store.
Language and workspace live in the URL, so a link carries them.
"""
from __future__ import annotations

import re
import secrets

import streamlit as st

from kdlab.config import RunConfig
from kdlab.evaluate import predict
from kdlab.runs.loading import LoadedRun, LoadedRuns, load_run
from kdlab.runs.store import DEFAULT_WORKSPACE, RunStore, StoreUnavailable, check_workspace
from kdlab.policy.admission import Admitted
from kdlab.serve.heap import return_large_blocks
from kdlab.serve.jobs import JobRunner
from kdlab.policy.settings import ServerSettings
from kdlab.teacher_warmup import at_start_up
from kdlab.teachers import TeacherNotCached, load_teacher, teacher_path
from ui import text as i18n
from ui.wording import error_words

RUNS_KEY = "kdlab_runs"  # ids of the runs this browser started (this session's, and earlier ones from the store)
SELECTED_KEY = "kdlab_selected_run"  # the finished run that Temperature, Attention and Compare show


URL_KEYS = {"lang": "kdlab_lang", "ws": "kdlab_workspace", "run": SELECTED_KEY}  # URL key -> session key
BROWSER_COOKIE = "kdlab_browser"  # also its session_state key, for a browser whose cookie is not set yet
BROWSER_PATTERN = re.compile(r"^[0-9a-f]{32}$")
RUN_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")  # as RunStore.create writes them
SHOWN_CHARS = 300  # a value shown in a sentence: a name, a number, a one-line message
MARKUP = re.compile(r"[\\`*\[\]()<>!#|~$:]")  # what could turn text into a link, HTML, code or a formula
AUTOLINK = re.compile(r"(?i)\b(?:https?|ftp|mailto|www)(?=[:.])|@")  # broken by a zero-width space after it
# A teacher trains for tens of seconds: a progress bar moved every 2 s is enough, and each poll costs the server about
# 20 ms of CPU (benchmarks/bench_live_views.py), so a page waiting on a teacher costs it under 1 s a minute.
TEACHER_POLL_SECONDS = 2.0


def _from_url(name: str) -> str | None:
    """A value kept in the URL: the address bar wins (a pasted link, a refresh), else what this session had,
    since moving to another page may drop the query string. A run id that is not one (``RUN_ID``) is ignored: the
    URL is user text."""
    value = st.query_params.get(name)
    if value is not None and (name != "run" or RUN_ID.fullmatch(value)):
        st.session_state[URL_KEYS[name]] = value
    return st.session_state.get(URL_KEYS[name])


def plain(value, limit: int = SHOWN_CHARS) -> str:
    """User text made safe to show in Markdown: cut to ``limit`` characters, every character that could make a
    link, an image, HTML, code or a formula backslash-escaped, and a zero-width space after "http", "www" and "@"
    (Markdown turns bare URLs and e-mail addresses into links whatever the escapes), so it reads as typed and
    never renders as markup."""
    text = "".join(c if c.isprintable() else "?" for c in str(value))
    text = text if len(text) <= limit else text[:limit] + "…"
    text = AUTOLINK.sub("\\g<0>\u200b", text)  # Markdown links bare URLs and e-mails in text, escaped or not
    return MARKUP.sub(r"\\\g<0>", text)


def _to_url(name: str, value: str) -> None:
    st.session_state[URL_KEYS[name]] = value
    if st.query_params.get(name) != value:
        st.query_params[name] = value


def lang() -> str:
    code = _from_url("lang")
    return code if code in i18n.LANGUAGES else "en"


def tr(key: str, **values) -> str:
    """The translated text; every value filled in is data (a name, a number, a message that may echo a URL or an
    upload), so it is passed through ``plain`` — the template's own Markdown stays Markdown."""
    return i18n.t(key, lang(), **{k: v if isinstance(v, (int, float)) else plain(v) for k, v in values.items()})


def error_text(err: Exception) -> str:
    """An error as the reader's language says it (``ui.wording.error_words``: a ``kdlab.errors.UserError`` from its
    key and values, anything else in its own words). Pages show it through ``tr(..., message=error_text(err))``."""
    return error_words(err, lang())


def listed(items) -> str:
    """Items of a list in a sentence, joined the way this run's language does it: "0, 1, 2" / "0、1、2"."""
    return tr("common.list_separator").join(map(str, items))


def worded(options, word):
    """A widget's ``format_func`` whose labels are worded now, in this run's language: Streamlit keeps a
    selectbox's or radio's value as its label and words it again later, where a lazy ``tr`` would answer in
    English and lose a Chinese session's choice on the next rerun."""
    return {option: word(option) for option in options}.__getitem__


def workspace() -> str:
    try:
        return check_workspace(_from_url("ws") or DEFAULT_WORKSPACE)
    except ValueError:
        return DEFAULT_WORKSPACE


def runner() -> JobRunner:
    """One per server process, shared by every session (it is thread-safe); its first training process starts
    importing torch now, while the user reads the page. A run store that cannot be opened leaves a runner that
    still trains teachers (``JobRunner.store_problem`` says why runs cannot be kept). A setting that is not right
    (``kdlab.toml``, a ``KDLAB_*`` variable) is one sentence on every page and stops it, not a traceback; nothing is
    cached then, so the page works again once the setting is fixed."""
    try:
        return _runner()
    except ValueError as err:
        st.error(tr("common.settings_broken", message=error_text(err)))
        st.stop()


@st.cache_resource
def _runner() -> JobRunner:
    try:
        store = RunStore()
    except StoreUnavailable as err:
        store = err
    jobs = JobRunner(store, ServerSettings.load())
    return_large_blocks()  # re-opened runs' weights leave the process when they leave its caches
    jobs.warm_up()
    jobs.warm_teachers(at_start_up(jobs.settings.warm_teachers))  # at low priority: students' runs go first
    return jobs


def store_problem() -> str | None:
    """Why runs cannot be kept on this server (one sentence), or None when the run store works."""
    return runner().store_problem


def sidebar() -> None:
    """The language switch and the workspace, on every page."""
    codes = list(i18n.LANGUAGES)
    chosen = st.sidebar.selectbox(tr("common.language"), codes, index=codes.index(lang()),
                                  format_func=i18n.LANGUAGES.get, key="common_lang")
    if chosen != lang():
        _to_url("lang", chosen)
        st.rerun()
    typed = st.sidebar.text_input(tr("common.workspace"), value=workspace(), help=tr("common.workspace_help"),
                                  key="common_workspace")
    try:
        name = check_workspace(typed)
    except ValueError as err:
        st.sidebar.error(tr("common.error", message=error_text(err)))
    else:
        _to_url("ws", name)
    _to_url("lang", lang())
    if _from_url("run"):  # the run shown stays in the address bar from page to page
        _to_url("run", st.session_state[SELECTED_KEY])
    keep_browser_key()


def browser_key() -> str:
    """An opaque random key of this browser, kept in a cookie. The runs it starts are recorded under it, so after a
    refresh (a new Streamlit session) its pages find them again, even a run started a moment before. The URL could
    not do this: a reload can beat the URL update, and a shared link would share the runs."""
    key = st.context.cookies.get(BROWSER_COOKIE)
    if isinstance(key, str) and BROWSER_PATTERN.match(key):
        return key
    return st.session_state.setdefault(BROWSER_COOKIE, secrets.token_hex(16))


def keep_browser_key() -> None:
    """Until the browser sends the cookie (from its next session on), set it from a one-line script."""
    key = browser_key()
    if st.context.cookies.get(BROWSER_COOKIE) != key:
        st.sidebar.html(f"<script>document.cookie = '{BROWSER_COOKIE}={key}; path=/; max-age=31536000; "
                        "SameSite=Strict';</script>", width="content", unsafe_allow_javascript=True)


def submit(config: RunConfig | Admitted, source: str = "distill") -> str:
    """Start a run for this browser and remember it; raises ValueError for a config this server refuses (a
    ``RunConfig`` is admitted on the way, an ``Admitted`` one is taken as it is). ``source``: the page that started
    it (``kdlab.runs.store.SOURCES``), which run lists show."""
    run_id = runner().submit(config, workspace(), browser_key(), source)
    remember_run(run_id)
    return run_id


def remember_run(run_id: str) -> None:
    session_runs().append(run_id)
    _to_url("run", run_id)


def session_runs() -> list[str]:
    """This browser's runs, oldest first: kept in the session and, in a new session, read back from the store
    (none while the store is unavailable)."""
    if RUNS_KEY not in st.session_state:
        if store_problem():
            return []
        st.session_state[RUNS_KEY] = runner().store.owned(browser_key())
    return st.session_state[RUNS_KEY]


def latest_run() -> str | None:
    """This browser's latest run or, in a new session with none, the run named in the URL."""
    runs = session_runs()
    return runs[-1] if runs else _from_url("run")


def select_run(run_id: str) -> None:
    _to_url("run", run_id)


@st.fragment(run_every=TEACHER_POLL_SECONDS)
def _teacher_progress(config: RunConfig) -> None:
    """The progress of the worker training ``config``'s teacher; the whole page reruns once it is cached."""
    jobs = runner()
    job = jobs.teacher(config)
    if job.status in ("ready", "failed"):
        st.rerun()
    place = jobs.queue_position(job.id)
    done = min(max(jobs.progress(job.id) or 0.0, 0.0), 1.0)
    text = (tr("common.teacher_queued", position=place) if place else
            tr("common.training_teacher", teacher=config.teacher, dataset=config.dataset, percent=f"{100 * done:.0f}"))
    st.progress(done, text=text)


def await_teacher(config: RunConfig) -> None:
    """Stop the page until ``config``'s teacher is cached: a worker process trains it (the server never trains)
    while a progress bar shows how far it is; the page then draws itself again. A failed job is shown and stops."""
    job = runner().teacher(config)
    if job.status == "ready":
        return
    if job.status == "failed":
        st.error(tr("common.teacher_failed", message=job.error or ""))
        if st.button(tr("common.retry"), key="common_teacher_retry"):
            runner().teacher(config, retry=True)
            st.rerun()
        st.stop()
    _teacher_progress(config)
    st.stop()


def teacher_of(config: RunConfig):
    """``config``'s teacher and data, read from the cache; when it is not cached yet, ``await_teacher`` first."""
    key = str(teacher_path(config))
    try:
        return _cached_teacher(key, config)
    except TeacherNotCached:
        await_teacher(config)
        return _cached_teacher(key, config)


@st.cache_resource(show_spinner=False, max_entries=8)
def _cached_teacher(key: str, _config: RunConfig):
    return load_teacher(_config)


def loaded(run_id: str) -> LoadedRun:
    """A finished run's models, read once per server; a teacher missing from the cache is trained by a worker
    first (``await_teacher``)."""
    try:
        return _loaded(run_id)
    except TeacherNotCached as missing:
        await_teacher(missing.config)
        return _loaded(run_id)


@st.cache_resource(show_spinner=False)
def _loaded_runs() -> LoadedRuns:
    """The server's re-opened runs, within ``loaded_runs_mb`` of memory (a run of a large model holds hundreds of
    MB, so a count of runs would bound nothing)."""
    return LoadedRuns(runner().settings.loaded_runs_mb * 2**20)


def _loaded(run_id: str) -> LoadedRun:
    return _loaded_runs().get(run_id, lambda: load_run(runner().store, run_id))


@st.cache_resource(max_entries=16, show_spinner=False)
def logits_of(key: str, _models: dict, _x_test) -> dict:
    """Every model's test-set logits, computed once per server under ``key`` for every page that reads them:
    moving a slider (T, a bias shift) only recomputes what is drawn from these."""
    return {role: predict(model, _x_test).logits.float().cpu() for role, model in _models.items()}


def run_logits(run: LoadedRun) -> dict:
    return logits_of(run.run_id, run.models, run.splits.x_test)


def selected_run() -> LoadedRun | None:
    """The run the analysis pages show: the one chosen (re-opened from History, or in the URL, so a refresh keeps
    it), else this session's latest finished run; None when there is none yet."""
    if store_problem():
        return None
    store = runner().store
    candidates = [_from_url("run"), *reversed(session_runs())]
    for run_id in filter(None, candidates):
        try:
            if store.get(run_id).status == "finished":
                return loaded(run_id)
        except ValueError:  # deleted meanwhile
            continue
    return None
