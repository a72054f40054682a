"""Classroom load test of the server itself: ``--sessions`` students start a short distillation on the Distill page
at once, most of them driven by a light client and ``--browsers`` of them by Chromium; the server's own time per
rerun is recorded.

Light clients are Streamlit AppTest sessions in this process, each in its own thread. This process is then a
Streamlit server for them: the same app.py and pages, one job runner (``ui.common.runner``) with its worker
processes, the same ``KDLAB_HOME`` and run store as the real server (the two runners share the queue's caps, as two
servers on one home do). Every execution of the script, a full rerun or a fragment rerun, is timed inside the
script thread from the ScriptRunner's SCRIPT_STARTED event to its stop event: that is the work the server does for
the rerun (page code, store reads, building and queueing the messages), without the websocket, the browser, or
AppTest's own parsing of the messages. A light session opens the home page, the Temperature page and
``/distill?lang=en&ws=load-NN``, sets the epochs, clicks Run, then polls as the page's fragments do in a browser
(each ``run_every`` fragment on its own timer: fragment reruns, not whole pages) until the run has ended and the
fragment reruns the page, then opens Compare once. The server's CPU per session-minute is the script threads' CPU
seconds over the sessions' minutes (and, as an upper bound, this process's CPU, AppTest's own work included).

``--late-after`` seconds into the burst, one more Chromium browser (the class's 31st) opens the real server's home
page; the seconds until its title shows are printed.

The first ``--browsers`` sessions are Chromium pages (Debian's /usr/bin/chromium through Playwright) on a real
``streamlit run app.py`` with the same KDLAB_HOME, driven by ``load_test.py``'s session (open, set epochs, Run, wait
for the verdict); for them the page timings are reported. The page's default teacher is trained once before the
clock starts (``load_test.prewarm``; ``--cold`` skips it). Runs submitted / finished / lost come from the run
store. Peak RSS is sampled from /proc every 0.5 s for this process, the real server, and the worker processes of
each. Everything is bounded by ``--timeout``; the server, the browsers and the worker processes are stopped on
every exit, Ctrl-C and SIGTERM included.

    python3 benchmarks/load_test_server.py                          # 30 sessions, 3 of them in Chromium
    python3 benchmarks/load_test_server.py --sessions 10 --browsers 0 --json
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # kdlab and ui from this checkout

from app_harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    AppServer,
    HealthProbe,
    _children_map,
    cpu_seconds,
    descendants,
    kill_browsers,
    load_average,
    process_name,
    rss_bytes,
    tear_down,
    tracebacks,
    watchdog,
)
from load_test import ACTIVE, VERDICT, drive, fmt, prewarm, quantile

APP = str(ROOT / "app.py")
DISTILL, COMPARE, TEMPERATURE = "app_pages/distill.py", "app_pages/compare.py", "app_pages/temperature.py"
_LOCAL = threading.local()  # .session: the LightSession calling AppTest.run in this thread; .fragment: what to rerun


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=30, help="sessions in all, light and Chromium (default 30)")
    p.add_argument("--browsers", type=int, default=3, help="how many of them are Chromium pages (default 3)")
    p.add_argument("--epochs", type=int, default=5, help="student epochs each session sets (default 5)")
    p.add_argument("--timeout", type=float, default=480, help="limit in seconds for the sessions (default 480)")
    p.add_argument("--ramp", type=float, default=0.0, help="spread the session starts over this many seconds")
    p.add_argument("--rerun-timeout", type=float, default=180, help="limit for one rerun of a light session")
    p.add_argument("--cold", action="store_true", help="do not pre-train the teacher: every session waits on it")
    p.add_argument("--late-after", type=float, default=10.0,
                   help="seconds into the burst when one more browser opens the home page (default 10; < 0: none)")
    p.add_argument("--keep-home", action="store_true", help="keep the temporary KDLAB_HOME (prints its path)")
    p.add_argument("--json", action="store_true", help="also print the results as one JSON line")
    args = p.parse_args(argv)
    if args.sessions < 1 or not 0 <= args.browsers <= args.sessions or args.epochs < 1 or args.timeout <= 0:
        p.error("--sessions >= 1, 0 <= --browsers <= --sessions, --epochs >= 1, --timeout > 0")
    return args


# ---- light clients: AppTest sessions in threads, every script execution timed in the script thread ----

def install_apptest_shims() -> None:
    """Let AppTest sessions run in many threads at once, and time and steer each of their script runs.

    AppTest swaps process-wide state around each run (``Runtime._instance`` set, then None; ``config.get_option``
    patched, then restored): with runs overlapping, one run's end would pull the Runtime from under another's
    script. Here the Runtime stays the last one set and ``global.appTest`` stays on for the whole process. AppTest
    also compiles app.py and the page again on every run, with a new ScriptCache: besides costing time a server
    does not spend, Python 3.11's compiler is not thread-safe ("SystemError: AST constructor recursion depth
    mismatch"). Here all sessions share one ScriptCache, as all sessions of a server do."""
    from streamlit import config
    from streamlit import logger as streamlit_logger
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner
    from streamlit.testing.v1.util import build_mock_config_get_option

    last: list = [None]

    def instance(cls):
        if cls._instance is not None:
            last[0] = cls._instance
            return cls._instance
        if last[0] is None:
            raise RuntimeError("Runtime hasn't been created!")
        return last[0]

    Runtime.instance = classmethod(instance)
    Runtime.exists = classmethod(lambda cls: cls._instance is not None or last[0] is not None)
    # logger.level: Streamlit resets every logger's level from it when the config is parsed (first run)
    config.get_option = build_mock_config_get_option({"global.appTest": True, "logger.level": "error"})
    app_test.patch_config_options = lambda overrides: contextlib.nullcontext()
    app_test.LocalScriptRunner = _timed_runner_class()
    shared_cache = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared_cache
    streamlit_logger.set_log_level("error")  # "missing ScriptRunContext" from the session threads, ...


def _timed_runner_class():
    from streamlit.runtime.scriptrunner import ScriptRunnerEvent as E
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    stops = (E.SCRIPT_STOPPED_WITH_SUCCESS, E.SCRIPT_STOPPED_WITH_COMPILE_ERROR, E.SCRIPT_STOPPED_FOR_RERUN,
             E.FRAGMENT_STOPPED_WITH_SUCCESS)

    class TimedScriptRunner(LocalScriptRunner):
        """AppTest's script runner, plus: each execution's wall and CPU seconds in the script thread, the
        ``run_every`` fragments the run declared, and a fragment-only rerun when ``_LOCAL.fragment`` names one
        (what a browser asks for when a fragment's timer fires)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fragment = getattr(_LOCAL, "fragment", None)
            self.executions: list[tuple[bool, float, float]] = []  # (fragment only?, wall s, CPU s)
            self.compile_errors = 0
            self.auto_reruns: dict[str, float] = {}  # fragment id -> run_every seconds
            self._began: tuple[float, float, bool] | None = None
            self.on_event.connect(self._observe, weak=False)
            session = getattr(_LOCAL, "session", None)
            if session is not None:
                session.runner = self

        def _observe(self, sender, event, **kwargs) -> None:
            if event == E.SCRIPT_STARTED:
                self._began = time.perf_counter(), time.thread_time(), bool(kwargs.get("fragment_ids_this_run"))
            elif event in stops and self._began is not None:
                wall, cpu, fragment = self._began
                self.executions.append((fragment, time.perf_counter() - wall, time.thread_time() - cpu))
                self.compile_errors += event == E.SCRIPT_STOPPED_WITH_COMPILE_ERROR
                self._began = None
            elif event == E.ENQUEUE_FORWARD_MSG:
                msg = kwargs["forward_msg"]
                if msg.WhichOneof("type") == "auto_rerun":
                    self.auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval

        def request_rerun(self, rerun_data) -> bool:
            accepted = super().request_rerun(rerun_data)
            if self.fragment:  # the pending request (a full rerun so far) becomes this fragment's auto-rerun
                with self._requests._lock:
                    self._requests._rerun_data = dataclasses.replace(
                        self._requests._rerun_data, fragment_id_queue=[self.fragment], is_auto_rerun=True)
            return accepted

    return TimedScriptRunner


class LightSession:
    """One student through AppTest: open Distill, set the epochs, Run, poll as the fragments do, open Compare."""

    def __init__(self, index: int, args, store, clock: float, deadline: float):
        self.args, self.store, self.clock, self.deadline = args, store, clock, deadline
        self.rec = {"session": index, "kind": "light", "workspace": f"load-{index:02d}", "stage": "waiting",
                    "clicked": False, "run_id": None, "refused": None, "title_s": None, "run_s": None,
                    "compare_s": None, "verdict_shown": False, "polls": 0, "problems": [], "page_errors": [],
                    "error": None}
        self.reruns: list[dict] = []
        self.runner = None

    def rerun(self, at, action: str, fragment: str | None = None):
        """``at.run()``, every script execution it caused recorded under ``action``; returns the script runner."""
        _LOCAL.session, _LOCAL.fragment, self.runner = self, fragment, None
        started = time.perf_counter()
        try:
            at.run(timeout=min(self.args.rerun_timeout, max(5.0, self.deadline - time.monotonic())))
        finally:
            _LOCAL.session = _LOCAL.fragment = None
            trip = time.perf_counter() - started
            for only_fragment, wall, cpu in self.runner.executions if self.runner else []:
                what = action if only_fragment or not fragment else "page rerun by the fragment (run ended)"
                self.reruns.append({"session": self.rec["session"], "action": what, "fragment": only_fragment,
                                    "wall_s": wall, "cpu_s": cpu, "t": time.monotonic() - self.clock})
            self.reruns.append({"session": self.rec["session"], "action": action, "round_trip_s": trip})
        if self.runner is not None and self.runner.compile_errors:
            self.rec["problems"].append(f"{action}: the script stopped with a compile error")
        self.rec["problems"] += [f"{action}: exception {e.value}"[:300] for e in at.exception]
        if not fragment:
            self.rec["problems"] += [f"{action}: error box {e.value}"[:300] for e in at.error]
        return self.runner

    def run(self) -> None:
        from streamlit.testing.v1 import AppTest

        rec = self.rec
        try:
            if self.args.ramp:
                time.sleep(self.args.ramp * rec["session"] / max(self.args.sessions - 1, 1))
            rec["stage"] = "opening the home page"
            at = AppTest.from_file(APP, default_timeout=self.args.rerun_timeout)
            at.query_params.update({"lang": "en", "ws": rec["workspace"]})
            self.rerun(at, "open home")
            rec["stage"] = "opening the Temperature page"
            at.switch_page(TEMPERATURE)
            self.rerun(at, "open Temperature")
            rec["stage"] = "opening the Distill page"
            at.switch_page(DISTILL)
            started = time.monotonic()
            self.rerun(at, "open Distill")
            rec["title_s"] = time.monotonic() - started
            rec["stage"] = "setting epochs"
            at.number_input(key="distill_epochs").set_value(self.args.epochs)
            self.rerun(at, "set epochs")
            rec["stage"] = "clicking Run"
            before = list(at.session_state["kdlab_runs"])
            clicked = time.monotonic()
            at.button(key="distill_run").click()
            runner = self.rerun(at, "click Run")
            rec["clicked"] = True
            runs = at.session_state["kdlab_runs"]
            if len(runs) == len(before):
                rec["refused"] = "; ".join(e.value for e in at.error) or "no run and no message"
                return
            rec["run_id"] = runs[-1]
            rec["stage"] = "polling"
            at = self.poll(at, runner, rec["run_id"])
            rec["run_s"] = time.monotonic() - clicked
            rec["verdict_shown"] = any(VERDICT.search(m.value) for m in (*at.success, *at.info, *at.warning))
            rec["stage"] = "opening Compare"
            at.switch_page(COMPARE)
            started = time.monotonic()
            self.rerun(at, "open Compare")
            rec["compare_s"] = time.monotonic() - started
            rec["stage"] = "done"
        except Exception as err:  # noqa: BLE001  (one failed session must not hide the others' numbers)
            rec["error"] = f"{type(err).__name__} while {rec['stage']}: {str(err).splitlines()[0][:300]}"

    def poll(self, at, runner, run_id: str):
        """Rerun the page's ``run_every`` fragments on their timers, as a browser does, until one of them reruns the
        whole page (the run has ended); a page with no such fragment (an old layout) is rerun whole every second."""
        timers = dict(runner.auto_reruns)
        due = {fragment: time.monotonic() + every for fragment, every in timers.items()}
        ended_at = None
        while True:
            if time.monotonic() > self.deadline:
                raise TimeoutError(f"run {run_id} still polled at --timeout")
            if not timers:
                if self.store.get(run_id).status not in ACTIVE:
                    return at
                time.sleep(1.0)
                timers = dict(self.rerun(at, "poll (whole page)").auto_reruns)
                due = {fragment: time.monotonic() + every for fragment, every in timers.items()}
                continue
            fragment = min(due, key=due.get)
            time.sleep(max(0.0, due[fragment] - time.monotonic()))
            saved = at._tree, at._registered_pages, at._finished_page_script_hash, dict(at.query_params)
            self.rec["polls"] += 1
            runner = self.rerun(at, f"poll fragment ({timers[fragment]:g} s)", fragment)
            if any(not only_fragment for only_fragment, _, _ in runner.executions):  # it reran the page
                timers = dict(runner.auto_reruns)
                due = {f: time.monotonic() + every for f, every in timers.items()}
                if not timers:
                    return at
                continue
            at._tree, at._registered_pages, at._finished_page_script_hash, at.query_params = saved  # whole page
            due[fragment] = max(due[fragment] + timers[fragment], time.monotonic())
            if self.store.get(run_id).status not in ACTIVE:  # the fragment should rerun the page within 1 s
                ended_at = ended_at or time.monotonic()
                if time.monotonic() - ended_at > 10:
                    self.rec["problems"].append(f"run {run_id} ended, page still polling after 10 s")
                    timers = dict(self.rerun(at, "poll (whole page)").auto_reruns)
                    due = {f: time.monotonic() + every for f, every in timers.items()}
                    if not timers:
                        return at


# ---- Chromium sessions on the real server: load_test.py's, in a thread of their own ----

def browsers_thread(args, url: str, store, deadline: float, out: list[dict], failures: list[str]) -> threading.Thread:
    """``load_test.drive`` for the first ``--browsers`` workspaces (load-00, ...), none reloading mid-run; their
    records land in ``out``."""
    own = argparse.Namespace(sessions=args.browsers, refresh=0, epochs=args.epochs, ramp=args.ramp)

    def body() -> None:
        try:
            records, _ = asyncio.run(drive(own, url, store, deadline))
        except Exception as err:  # noqa: BLE001
            failures.append(f"Chromium: {type(err).__name__}: {str(err).splitlines()[0][:300]}")
            return
        for rec in records:
            rec.update(kind="browser", refused=None, compare_s=None, polls=0)
        out.extend(records)

    thread = threading.Thread(target=body, name="chromium", daemon=True)
    thread.start()
    return thread


def late_browser_thread(url: str, after: float, out: dict) -> threading.Thread:
    """``after`` seconds from now, a new Chromium (the class's 31st browser) opens the real server's home page:
    ``out["late_title_s"]`` is the seconds until its title shows (``out["late_error"]`` if it did not)."""

    def body() -> None:
        from playwright.sync_api import sync_playwright

        time.sleep(after)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                page = browser.new_page()
                opened = time.monotonic()
                page.goto(f"{url}/home?lang=en", timeout=300_000)
                page.locator("h1").first.wait_for(timeout=300_000)
                out["late_title_s"] = time.monotonic() - opened
                browser.close()
        except Exception as err:  # noqa: BLE001  (reported, not fatal)
            out["late_error"] = f"{type(err).__name__}: {str(err).splitlines()[0][:300]}"

    thread = threading.Thread(target=body, name="late-browser", daemon=True)
    thread.start()
    return thread


# ---- memory, CPU and the store over time ----

def is_worker(pid: int) -> bool:
    try:
        return b"kdlab.serve.workers" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class Sampler:
    """Every ``interval`` s: RSS of this process (the light clients' server), of the real server, of the worker
    processes of each and of the browsers; the CPU seconds of each group; every 5 s the store's counts."""

    GROUPS = ("bench", "bench_workers", "server", "server_workers", "browsers")

    def __init__(self, store, reruns_so_far, server: AppServer, interval: float = 0.5):
        self.store, self.reruns_so_far, self.server, self.interval = store, reruns_so_far, server, interval
        self.peak = dict.fromkeys((*self.GROUPS, "worker_max", "all_kdlab"), 0)
        self.workers: dict[str, set[int]] = {"bench_workers": set(), "server_workers": set()}
        self.cpu: dict[int, tuple[str, float]] = {}
        self.load_max = 0.0
        self.timeline: list[dict] = []
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sampler", daemon=True)

    def start(self) -> Sampler:
        self._thread.start()
        return self

    def groups(self) -> dict[str, list[int]]:
        me, kids = os.getpid(), _children_map()  # one scan of /proc: a process started meanwhile is in both trees
        server_pid = self.server.process.pid if self.server.process is not None else None
        server_tree = set(descendants(server_pid, kids)) if server_pid else set()
        found = {name: [] for name in self.GROUPS}
        found["bench"].append(me)
        if server_pid:
            found["server"].append(server_pid)
        for pid in descendants(me, kids):
            if pid == me or pid == server_pid:
                continue
            if is_worker(pid):
                found["server_workers" if pid in server_tree else "bench_workers"].append(pid)
            elif pid not in server_tree and "chrom" in process_name(pid):
                found["browsers"].append(pid)
        return found

    def sample(self) -> None:
        found = self.groups()
        rss = {name: {pid: rss_bytes(pid) for pid in pids} for name, pids in found.items()}
        for name in self.GROUPS:
            self.peak[name] = max(self.peak[name], sum(rss[name].values()))
        for name in self.workers:
            self.workers[name].update(found[name])
            self.peak["worker_max"] = max([self.peak["worker_max"], *rss[name].values()])
        self.peak["all_kdlab"] = max(self.peak["all_kdlab"], sum(sum(rss[n].values()) for n in self.GROUPS[:4]))
        for name, pids in found.items():
            for pid in pids:
                self.cpu[pid] = (name, max(self.cpu.get(pid, (name, 0.0))[1], cpu_seconds(pid)))
        self.load_max = max(self.load_max, float(load_average().split()[0]))

    def _loop(self) -> None:
        next_point = time.monotonic()
        while not self._stop.is_set():
            self.sample()
            if time.monotonic() >= next_point:
                next_point += 5.0
                counts = dict.fromkeys(("queued", "running", "finished", "other"), 0)
                for run in self.store.list():
                    counts[run.status if run.status in counts else "other"] += 1
                self.timeline.append({"t": round(time.monotonic() - self.started), **counts,
                                      "reruns": self.reruns_so_far(), "load1": load_average().split()[0]})
            self._stop.wait(self.interval)

    def cpu_by_group(self) -> dict[str, float]:
        totals = dict.fromkeys(self.GROUPS, 0.0)
        for name, seconds in self.cpu.values():
            totals[name] += seconds
        return totals

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


# ---- the run, the report ----

def stop_workers(jobs) -> None:
    """End this process's job runner and any worker process of ours it left (by pid), then give the runner's job
    threads a moment to record how their runs ended (a run stopped here ends 'failed'), so that nothing writes to
    KDLAB_HOME after it is removed."""
    if jobs is not None:
        with contextlib.suppress(Exception):
            jobs.close()
    deadline = time.monotonic() + 5
    while (left := [p for p in descendants(os.getpid()) if p != os.getpid() and is_worker(p)]) and \
            time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)


def stats(values: list[float]) -> dict:
    return {"n": len(values), "p50": quantile(values, 0.5), "p95": quantile(values, 0.95), "max": quantile(values, 1)}


def run_accounting(store, records: list[dict]) -> dict:
    runs = [r for r in store.list() if r.workspace.startswith("load-")]
    by_status: dict[str, int] = {}
    for run in runs:
        by_status[run.status] = by_status.get(run.status, 0) + 1
    with_row = {run.workspace for run in runs}
    no_row = [r["workspace"] for r in records if r["clicked"] and not r["refused"] and r["workspace"] not in with_row]
    lost = [f"{run.id} ({run.status}: {(run.error or '').strip()[:120]})" for run in runs
            if run.status not in ("finished", *ACTIVE)]
    finished = [run for run in runs if run.status == "finished"]
    return {"runs_clicked": sum(r["clicked"] for r in records), "runs_submitted": len(runs),
            "runs_finished": len(finished), "runs_by_status": by_status, "runs_lost": len(lost) + len(no_row),
            "lost_runs": lost, "clicks_without_a_run": no_row,
            "runs_refused": [f"{r['workspace']}: {r['refused']}" for r in records if r["refused"]],
            "runs_unfinished_at_timeout": sum(1 for run in runs if run.status in ACTIVE),
            "submit_to_finished": stats([run.updated - run.created for run in finished])}


def summarize(args, light: list[LightSession], browser_records: list[dict], store, sampler: Sampler,
              extra: dict) -> dict:
    executions = [r for s in light for r in s.reruns if "wall_s" in r]
    trips = [r["round_trip_s"] for s in light for r in s.reruns if "round_trip_s" in r]
    actions: dict[str, list[dict]] = {}
    for r in executions:
        actions.setdefault(r["action"], []).append(r)
    records = [s.rec for s in light] + browser_records
    mib = lambda b: round(b / 2 ** 20)
    session_minutes = len(light) * extra["sessions_wall_s"] / 60
    return {
        "sessions": args.sessions, "light_sessions": len(light), "browser_sessions": len(browser_records),
        "epochs": args.epochs, "teacher": "cold" if args.cold else "pre-trained",
        "server_time_per_rerun": stats([r["wall_s"] for r in executions]),
        "server_cpu_per_rerun": stats([r["cpu_s"] for r in executions]),
        "script_cpu_s_per_session_minute": sum(r["cpu_s"] for r in executions) / max(session_minutes, 1e-9),
        "process_cpu_s_per_session_minute": sampler.cpu_by_group()["bench"] / max(session_minutes, 1e-9),
        "full_reruns": stats([r["wall_s"] for r in executions if not r["fragment"]]),
        "fragment_reruns": stats([r["wall_s"] for r in executions if r["fragment"]]),
        "by_action": {a: {**stats([r["wall_s"] for r in rs]), "cpu_p50": quantile([r["cpu_s"] for r in rs], 0.5)}
                      for a, rs in actions.items()},
        "apptest_round_trip": stats(trips),
        "worst_reruns": sorted(({k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()}
                                for r in executions), key=lambda r: -r["wall_s"])[:5],
        **run_accounting(store, records),
        "light_verdicts_shown": sum(s.rec["verdict_shown"] for s in light),
        "light_compare_opened": sum(s.rec["compare_s"] is not None for s in light),
        "light_polls": sum(s.rec["polls"] for s in light),
        "browser_title": stats([r["title_s"] for r in browser_records if r["title_s"] is not None]),
        "browser_ack": stats([r["ack_s"] for r in browser_records if r["ack_s"] is not None]),
        "browser_run": stats([r["run_s"] for r in browser_records if r["run_s"] is not None]),
        "browser_verdicts_shown": sum(r["verdict_shown"] for r in browser_records),
        "peak_rss_mib": {k: mib(v) for k, v in sampler.peak.items()},
        "worker_processes": {k: len(v) for k, v in sampler.workers.items()},
        "cpu_s": {k: round(v, 1) for k, v in sampler.cpu_by_group().items()},
        "load_max_1min": sampler.load_max, "timeline": sampler.timeline,
        "session_errors": [f"{r['kind']} {r['workspace']}: {r['error']}" for r in records if r["error"]],
        "page_problems": [f"{r['kind']} {r['workspace']}: {p}" for r in records for p in r["problems"]],
        "browser_js_errors": [f"{r['workspace']}: {p}" for r in browser_records for p in r["page_errors"]],
        **extra,
    }


def span(s: dict, unit: str = " s") -> str:
    return f"{fmt(s['p50'], unit)} / {fmt(s['p95'], unit)} / {fmt(s['max'], unit)}  (n={s['n']})"


def print_report(out: dict) -> None:
    rss, cpu = out["peak_rss_mib"], out["cpu_s"]
    rows = [
        ("sessions: light (AppTest) + Chromium", f"{out['light_sessions']} + {out['browser_sessions']}"),
        ("student epochs per run (page defaults otherwise)", out["epochs"]),
        ("teacher", f"{out['teacher']} (prewarm {fmt(out['prewarm_s'], ' s')})"),
        ("first draw in this process (imports, not counted)", fmt(out["first_draw_s"], " s")),
        ("SERVER TIME PER RERUN p50 / p95 / max", span(out["server_time_per_rerun"])),
        ("  CPU per rerun p50 / p95 / max", span(out["server_cpu_per_rerun"])),
        ("SERVER CPU s PER SESSION-MINUTE: script threads (process)",
         f"{out['script_cpu_s_per_session_minute']:.2f} ({out['process_cpu_s_per_session_minute']:.2f})"),
        ("  full-page reruns", span(out["full_reruns"])),
        ("  fragment reruns (live polling)", span(out["fragment_reruns"])),
        *((f"  {a}", span(s) + f", CPU p50 {fmt(s['cpu_p50'], ' s')}") for a, s in out["by_action"].items()),
        ("AppTest round trip per run() (client side)", span(out["apptest_round_trip"])),
        ("Run clicks / runs submitted (store)", f"{out['runs_clicked']} / {out['runs_submitted']}"),
        ("runs finished", out["runs_finished"]),
        ("runs by status", ", ".join(f"{k}={v}" for k, v in sorted(out["runs_by_status"].items()))),
        ("RUNS LOST (failed/interrupted/cancelled/no row)", out["runs_lost"]),
        ("runs refused by the server", len(out["runs_refused"])),
        ("runs still queued/running at --timeout", out["runs_unfinished_at_timeout"]),
        ("server: submit -> finished p50 / p95 / max", span(out["submit_to_finished"])),
        ("light: verdicts shown / Compare opened / polls", (f"{out['light_verdicts_shown']} / "
                                                          f"{out['light_compare_opened']} / {out['light_polls']}")),
        ("Chromium: goto -> title p50/p95/max", span(out["browser_title"])),
        ("31ST BROWSER: home page title during the burst", (fmt(out.get("late_title_s"), " s") if out.get(
            "late_title_s") is not None else out.get("late_error", "not run"))),
        ("Chromium: Run -> indicator", span(out["browser_ack"])),
        ("Chromium: Run -> verdict", span(out["browser_run"])),
        ("Chromium: verdicts shown", f"{out['browser_verdicts_shown']}/{out['browser_sessions']}"),
        ("real server /_stcore/health p50 / max", (f"{fmt(out['health_p50_s'], ' s')} / "
                                                  f"{fmt(out['health_max_s'], ' s')} ({out['health_failures']} "
                                                  "failures)")),
        ("PEAK RSS this process (light clients' server)", f"{rss['bench']} MiB"),
        ("PEAK RSS its workers (sum; processes)", (f"{rss['bench_workers']} MiB; "
                                                  f"{out['worker_processes']['bench_workers']}")),
        ("PEAK RSS real server process", f"{rss['server']} MiB"),
        ("PEAK RSS its workers (sum; processes)", (f"{rss['server_workers']} MiB; "
                                                  f"{out['worker_processes']['server_workers']}")),
        ("PEAK RSS one worker (max)", f"{rss['worker_max']} MiB"),
        ("PEAK RSS all kdlab processes together", f"{rss['all_kdlab']} MiB"),
        ("peak RSS Chromium (all its processes)", f"{rss['browsers']} MiB"),
        ("CPU s: this process / its workers / server / its workers / Chromium",
         " / ".join(f"{cpu[k]:.0f}" for k in Sampler.GROUPS)),
        ("total wall time (sessions; whole benchmark)", (f"{fmt(out['sessions_wall_s'], ' s')}; "
                                                        f"{fmt(out['wall_s'], ' s')}")),
        ("load average before / max 1-min / after", (f"{out['load_before']} / {out['load_max_1min']:.2f} / "
                                                    f"{out['load_after']} ({os.cpu_count()} cores)")),
        ("session errors", len(out["session_errors"])),
        ("page exceptions / error boxes", len(out["page_problems"])),
        ("browser JS errors", len(out["browser_js_errors"])),
        ("tracebacks in the real server's log", out["server_tracebacks"]),
    ]
    width = max(map(len, (key for key, _ in rows)))
    print("\n".join([f"| {'metric':<{width}} | value", f"|{'-' * (width + 2)}|------",
                     *(f"| {key:<{width}} | {value}" for key, value in rows)]))
    print("timeline (t s: queued/running/finished, reruns so far, load): " + "; ".join(
        f"{p['t']}: {p['queued']}/{p['running']}/{p['finished']} {p['reruns']} {p['load1']}" for p in out["timeline"]))
    print("slowest reruns: " + "; ".join(f"{r['wall_s']} s ({r['action']}, session {r['session']}, t={r['t']:.0f} s,"
                                         f" CPU {r['cpu_s']} s)" for r in out["worst_reruns"]))
    for title in ("session_errors", "page_problems", "browser_js_errors", "runs_refused", "lost_runs",
                  "clicks_without_a_run", "harness_failures"):
        for line in out[title][:10]:
            print(f"{title}: {line}")
    for block in out["traceback_samples"]:
        print("server traceback:\n" + block)


def handle_signals() -> None:
    """Ctrl-C and SIGTERM end the main thread through its ``finally``, which stops everything started."""

    def handler(signum, _frame) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def main(argv=None) -> int:
    args = parse_args(argv)
    wall_start = time.monotonic()
    load_before = load_average()
    home = Path(tempfile.mkdtemp(prefix="kdlab-load-server-"))
    os.environ["KDLAB_HOME"] = str(home)  # before kdlab reads it: this process is the light clients' server
    log_path = Path(tempfile.gettempdir()) / f"kdlab-load-test-server-{time.strftime('%Y%m%d-%H%M%S')}.log"
    server = AppServer(home, log_path=log_path)
    handle_signals()
    dog = watchdog(args.timeout + 300, server)  # past prewarm, drain and tear-down: whatever hangs, all is killed
    jobs = sampler = probe = None
    browser_records: list[dict] = []
    failures: list[str] = []
    try:
        prewarm_s = None if args.cold else prewarm(home, timeout=300)
        from streamlit.testing.v1 import AppTest

        from kdlab.runs.store import RunStore

        install_apptest_shims()
        store = RunStore(home / "runs.sqlite")
        first = time.monotonic()  # imports the pages and starts this process's job runner, like a first visitor
        warm = AppTest.from_file(APP, default_timeout=120)
        warm.query_params.update({"lang": "en", "ws": "warm-up"})
        warm.switch_page(DISTILL).run()
        first_draw_s = time.monotonic() - first
        failures += [f"warm-up Distill page: {e.value}"[:300] for e in (*warm.exception, *warm.error)]
        from ui.common import runner

        jobs = runner()
        if args.browsers or args.late_after >= 0:
            server.start(timeout=90)
            probe = HealthProbe(server.url).start()
        clock = time.monotonic()
        deadline = clock + args.timeout
        light = [LightSession(i, args, store, clock, deadline) for i in range(args.browsers, args.sessions)]
        sampler = Sampler(store, lambda: sum("wall_s" in r for s in light for r in s.reruns), server).start()
        threads = [threading.Thread(target=s.run, name=f"light-{s.rec['session']:02d}", daemon=True) for s in light]
        for thread in threads:
            thread.start()
        if args.browsers:
            threads.append(browsers_thread(args, server.url, store, deadline, browser_records, failures))
        late: dict = {}
        if args.late_after >= 0:
            threads.append(late_browser_thread(server.url, args.late_after, late))
        for thread in threads:
            while thread.is_alive() and time.monotonic() < deadline + 60:
                thread.join(0.5)
        sessions_wall_s = time.monotonic() - clock
        while time.monotonic() < deadline and any(r.status in ACTIVE for r in store.list()):
            time.sleep(1.0)
        sampler.sample()
        if probe:
            probe.stop()
        log = server.log_text() if server.process is not None else ""
        out = summarize(args, light, browser_records, store, sampler, {
            "prewarm_s": prewarm_s, "first_draw_s": first_draw_s, "sessions_wall_s": sessions_wall_s,
            "wall_s": time.monotonic() - wall_start, "load_before": load_before, "load_after": load_average(),
            "health_p50_s": quantile(probe.latencies, 0.5) if probe else None,
            "health_max_s": quantile(probe.latencies, 1.0) if probe else None,
            "health_failures": probe.failures if probe else 0,
            "server_tracebacks": log.count("Traceback"), "traceback_samples": tracebacks(log),
            "server_log": str(log_path) if args.browsers else None, "harness_failures": failures, **late,
        })
    finally:
        stop_workers(jobs)
        kill_browsers([p for p in descendants(os.getpid()) if "chrom" in process_name(p)])
        tear_down(server, dog, home, args.keep_home, sampler, probe)
    print_report(out)
    if args.json:
        print(json.dumps(out, default=str))
    bad = out["runs_lost"] or out["runs_unfinished_at_timeout"] or out["session_errors"] or out["runs_refused"]
    sys.stdout.flush()
    os._exit(1 if bad else 0)  # light sessions are daemon threads inside AppTest; do not wait on interpreter exit


if __name__ == "__main__":
    main()
