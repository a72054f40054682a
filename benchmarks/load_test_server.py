"""Classroom load test of the server itself: ``--sessions`` students open the home page, the Temperature page and
the Distill page and start a short distillation, all at once (or spread over ``--ramp`` seconds); the server's own
time per rerun is recorded inside the server.

One real server: ``streamlit run app.py`` through ``timed_server.py``, which times every execution of the script, a
whole page or a fragment, in its script thread (from the ScriptRunner's SCRIPT_STARTED event to its stop event):
the page's code, store reads, building and queueing the messages. Its workers train the runs, its start-up
warm-up trains the pages' teachers (``warm_teachers = pages``; the clock starts once they are cached and a first
visitor has opened the pages; the Distill page's default teacher is trained before, ``load_test.prewarm``;
``--cold`` skips both). With ``--ray``, a local Ray (``ray start --head``, 2 CPUs) trains the runs and the teachers
instead of the server's worker processes (``KDLAB_RAY_ADDRESS``), as a department's cluster would.

Most sessions are light clients (``streamlit_client.StreamlitTab``): Streamlit's websocket protocol, spoken from
``--client-processes`` processes of their own, so that no client shares the server's interpreter lock. A light
session opens home, Temperature and ``/distill?lang=en&ws=load-NN``, sets the epochs, clicks Run, reruns the page's
``run_every`` fragments on their timers as a browser does until a fragment reruns the page with the verdict, then
opens Compare. Each server execution is matched to the request that caused it (session id, time window). The first
``--browsers`` sessions are Chromium pages (Debian's /usr/bin/chromium through Playwright) driven by
``load_test.py``'s session (open Distill, set epochs, Run, wait for the verdict); their executions count in the
server's figures as well. ``--late-after`` seconds into the burst, one more Chromium (the class's 31st browser)
opens the home page; the seconds until its title shows are printed.

The server's CPU per session-minute is its process's CPU seconds (event loop, websocket and script threads) over
the sessions' minutes, and, beside it, the script threads' share. Runs submitted / finished / lost come from the
run store. RSS and CPU are sampled from /proc every 0.5 s for the server, its workers, the client processes and
the browsers. Everything is bounded by ``--timeout``; the server, the clients and the browsers are stopped on every
exit, Ctrl-C and SIGTERM included. The clients and the browsers share the server's two cores here; in a classroom
they would not.

    python3 benchmarks/load_test_server.py                          # 30 sessions at once, 3 of them in Chromium
    python3 benchmarks/load_test_server.py --ramp 60                # the same class, arriving within a minute
    python3 benchmarks/load_test_server.py --ray                    # runs and teachers as tasks on a local Ray
    python3 benchmarks/load_test_server.py --sessions 10 --browsers 0 --json
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # kdlab from this checkout

from app_harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    AppServer,
    HealthProbe,
    _children_map,
    cpu_seconds,
    descendants,
    free_port,
    kill_browsers,
    load_average,
    process_name,
    rss_bytes,
    tear_down,
    tracebacks,
    watchdog,
)
from load_test import ACTIVE, VERDICT, drive, fmt, prewarm, quantile
from streamlit_client import StreamlitTab

WARM_TEACHERS = "pages"  # the server's start-up warm-up: the quick demo's and the Temperature page's teachers
# Ray 2.60 turns on token authentication for a new cluster; this one, on loopback for one benchmark, goes without
NO_RAY_TOKEN = {"RAY_AUTH_MODE": "disabled"}


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=30, help="sessions in all, light and Chromium (default 30)")
    p.add_argument("--browsers", type=int, default=3, help="how many of them are Chromium pages (default 3)")
    p.add_argument("--epochs", type=int, default=5, help="student epochs each session sets (default 5)")
    p.add_argument("--timeout", type=float, default=480, help="limit in seconds for the sessions (default 480)")
    p.add_argument("--ramp", type=float, default=0.0, help="spread the session starts over this many seconds")
    p.add_argument("--rerun-timeout", type=float, default=180, help="limit for one request of a light session")
    p.add_argument("--client-processes", type=int, default=3, help="processes the light sessions share (default 3)")
    p.add_argument("--cold", action="store_true", help="do not pre-train the teacher: every session waits on it")
    p.add_argument("--ray", action="store_true",
                   help="runs and teachers as tasks on a local Ray (ray start --head, 2 CPUs; KDLAB_RAY_ADDRESS)")
    p.add_argument("--late-after", type=float, default=10.0,
                   help="seconds into the burst when one more browser opens the home page (default 10; < 0: none)")
    p.add_argument("--keep-home", action="store_true", help="keep the temporary KDLAB_HOME (prints its path)")
    p.add_argument("--json", action="store_true", help="also print the results as one JSON line")
    args = p.parse_args(argv)
    if args.sessions < 1 or not 0 <= args.browsers <= args.sessions or args.epochs < 1 or args.timeout <= 0 \
            or args.client_processes < 1:
        p.error("--sessions >= 1, 0 <= --browsers <= --sessions, --epochs >= 1, --timeout > 0, --client-processes >= 1")
    return args


# ---- light clients: Streamlit's websocket protocol, from processes of their own ----

class TimedServer(AppServer):
    """The real server, through ``timed_server.py``: every script execution is timed in its script thread and
    written to ``rerun_log`` (one JSON line each)."""

    def __init__(self, home: Path, rerun_log: Path, **kwargs):
        super().__init__(home, **kwargs)
        self.rerun_log = rerun_log

    def command(self) -> list[str]:
        command = super().command()
        assert command[1:4] == ["-m", "streamlit", "run"], command  # then app.py and the server's options
        return [sys.executable, str(ROOT / "benchmarks" / "timed_server.py"), str(self.rerun_log), *command[4:]]


async def light_session(index: int, url: str, args, start_at: float, deadline: float) -> dict:
    """One student as the protocol client: open home, Temperature, Distill; set the epochs; Run; rerun the live
    fragments on their timers until the page has drawn the verdict; open Compare. Every request is recorded with its
    wall-clock window, so that the server's executions can be matched to it (by session id and time)."""
    rec = {"session": index, "kind": "light", "workspace": f"load-{index:02d}", "stage": "waiting",
           "clicked": False, "refused": None, "title_s": None, "run_s": None, "compare_s": None,
           "verdict_shown": False, "polls": 0, "problems": [], "page_errors": [], "error": None,
           "session_id": None, "requests": []}
    await asyncio.sleep(max(0.0, start_at + args.ramp * index / max(args.sessions - 1, 1) - time.time()))

    async def request(action: str, call):
        rec["stage"], sent = action, time.time()
        reply = await asyncio.wait_for(call, timeout=max(1.0, min(args.rerun_timeout, deadline - time.time())))
        rec["requests"].append({"action": action, "sent": sent, "done": time.time(),
                                "round_trip_s": reply.round_trip_s})
        rec["problems"] += [f"{action}: exception {text}"[:300] for text in tab.exceptions()]
        return reply

    try:
        async with StreamlitTab(url, f"lang=en&ws={rec['workspace']}") as tab:
            await request("open home", tab.open("home"))
            rec["session_id"] = tab.session_id
            await request("open Temperature", tab.open("temperature"))
            rec["title_s"] = (await request("open Distill", tab.open("distill"))).round_trip_s
            await request("set epochs", tab.set("distill_epochs", args.epochs))
            clicked = time.time()
            await request("click Run", tab.click("distill_run"))
            rec["clicked"] = True
            if not tab.timers:  # no live view: the page refused the run (the parent checks the store too)
                rec["refused"] = "; ".join(tab.texts("alert")) or "no live view and no message"
                return rec
            rec["stage"], sent = "polling", time.time()
            replies = await tab.follow_fragments(time.monotonic() + deadline - time.time())
            rec["requests"].append({"action": "polling", "sent": sent, "done": time.time(),
                                    "round_trip_s": None, "polls": [r.round_trip_s for r in replies]})
            rec["polls"], rec["run_s"] = len(replies), time.time() - clicked
            rec["verdict_shown"] = any(VERDICT.search(text) for text in tab.texts("markdown", "alert"))
            rec["compare_s"] = (await request("open Compare", tab.open("compare"))).round_trip_s
            rec["stage"] = "done"
    except Exception as err:  # noqa: BLE001  (one failed session must not hide the others' numbers)
        first_line = str(err).splitlines()[0][:300] if str(err) else ""
        rec["error"] = f"{type(err).__name__} while {rec['stage']}: {first_line}"
    return rec


def light_sessions(indexes: list[int], url: str, args, start_at: float, deadline: float) -> list[dict]:
    """A client process's share of the light sessions, all at once on one event loop."""

    async def together() -> list[dict]:
        return await asyncio.gather(*(light_session(i, url, args, start_at, deadline) for i in indexes))

    return asyncio.run(together())


def executions_by_request(rerun_log: Path, light: list[dict], clock: float) -> list[dict]:
    """The server's executions (``timed_server.py``'s log), each named after the request that caused it: a light
    session's execution by the request whose window holds its start; any other session's is a Chromium page's.
    ``t``: seconds from ``clock`` (a ``time.time()``) to the execution's start.
    During polling, a fragment execution is a poll and a whole-page one is the rerun that ends the live view."""
    windows: dict[str, list[dict]] = {}
    for rec in light:
        if rec["session_id"]:
            windows[rec["session_id"]] = rec["requests"]
    executions = []
    for line in rerun_log.read_text(encoding="utf-8").splitlines():
        run = json.loads(line)
        requests = windows.get(run["session"])
        if requests is None:
            action = "Chromium page (fragment)" if run["fragment"] else "Chromium page"
        else:
            began = [r for r in requests if r["sent"] - 0.01 <= run["start"]]  # the clocks: to 10 ms
            action = began[-1]["action"] if began and run["start"] <= began[-1]["done"] + 0.01 else "between requests"
            if action == "polling":
                action = "poll fragment" if run["fragment"] else "page rerun by the fragment (run ended)"
        executions.append({**run, "action": action, "t": run["start"] - clock})
    return executions


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
    """Every ``interval`` s: RSS of the real server, of its worker processes, of a local Ray's processes, of the
    light clients' processes and of the browsers; the CPU seconds of each group from the first sample on; every 5 s
    the store's counts."""

    GROUPS = ("server", "server_workers", "ray", "clients", "browsers")

    def __init__(self, store, reruns_so_far, server: AppServer, ray_head: subprocess.Popen | None,
                 interval: float = 0.5):
        self.store, self.reruns_so_far, self.server, self.interval = store, reruns_so_far, server, interval
        self.ray_pid = ray_head.pid if ray_head is not None else None
        self.peak = dict.fromkeys((*self.GROUPS, "worker_max", "all_kdlab"), 0)
        self.workers: dict[str, set[int]] = {"server_workers": set()}
        self.cpu: dict[int, tuple[str, float, float]] = {}  # pid -> (group, CPU s at its first sample, CPU s now)
        self.sampled = False
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
        ray_tree = set(descendants(self.ray_pid, kids)) if self.ray_pid else set()
        found = {name: [] for name in self.GROUPS}
        if server_pid:
            found["server"].append(server_pid)
        for pid in descendants(me, kids):
            if pid == me or pid == server_pid:
                continue
            if pid in ray_tree:
                found["ray"].append(pid)
            elif pid in server_tree:
                if is_worker(pid):
                    found["server_workers"].append(pid)
            elif "chrom" in process_name(pid):
                found["browsers"].append(pid)
            elif "python" in process_name(pid):
                found["clients"].append(pid)
        return found

    def sample(self) -> None:
        found = self.groups()
        rss = {name: {pid: rss_bytes(pid) for pid in pids} for name, pids in found.items()}
        for name in self.GROUPS:
            self.peak[name] = max(self.peak[name], sum(rss[name].values()))
        for name in self.workers:
            self.workers[name].update(found[name])
            self.peak["worker_max"] = max([self.peak["worker_max"], *rss[name].values()])
        self.peak["all_kdlab"] = max(self.peak["all_kdlab"], sum(sum(rss[n].values()) for n in self.GROUPS[:2]))
        for name, pids in found.items():
            for pid in pids:
                now = cpu_seconds(pid)  # since the process started: what it had at the first sample is not ours
                since = self.cpu[pid][1] if pid in self.cpu else (now if not self.sampled else 0.0)
                self.cpu[pid] = (name, since, now)
        self.sampled = True
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
        for name, since, now in self.cpu.values():
            totals[name] += now - since
        return totals

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


# ---- the run, the report ----

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


def summarize(args, light: list[dict], browser_records: list[dict], executions: list[dict], store,
              sampler: Sampler, extra: dict) -> dict:
    actions: dict[str, list[dict]] = {}
    for run in executions:
        actions.setdefault(run["action"], []).append(run)
    trips = [r["round_trip_s"] for rec in light for r in rec["requests"] if r["round_trip_s"] is not None]
    trips += [t for rec in light for r in rec["requests"] for t in r.get("polls", ())]
    mib = lambda b: round(b / 2 ** 20)
    session_minutes = args.sessions * extra["sessions_wall_s"] / 60
    cpu = sampler.cpu_by_group()
    return {
        "sessions": args.sessions, "light_sessions": len(light), "browser_sessions": len(browser_records),
        "client_processes": args.client_processes, "epochs": args.epochs, "ramp_s": args.ramp,
        "executor": "a local Ray" if args.ray else "the server's worker processes",
        "teacher": "cold" if args.cold else "pre-trained",
        "server_time_per_rerun": stats([r["wall_s"] for r in executions]),
        "server_cpu_per_rerun": stats([r["cpu_s"] for r in executions]),
        "script_cpu_s_per_session_minute": sum(r["cpu_s"] for r in executions) / max(session_minutes, 1e-9),
        "server_cpu_s_per_session_minute": cpu["server"] / max(session_minutes, 1e-9),
        "full_reruns": stats([r["wall_s"] for r in executions if not r["fragment"]]),
        "fragment_reruns": stats([r["wall_s"] for r in executions if r["fragment"]]),
        "by_action": {a: {**stats([r["wall_s"] for r in rs]), "cpu_p50": quantile([r["cpu_s"] for r in rs], 0.5)}
                      for a, rs in actions.items()},
        "client_round_trip": stats(trips),
        "worst_reruns": sorted(({k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()
                                 if k in ("action", "wall_s", "cpu_s", "t")} for r in executions),
                               key=lambda r: -r["wall_s"])[:5],
        **run_accounting(store, light + browser_records),
        "light_verdicts_shown": sum(rec["verdict_shown"] for rec in light),
        "light_compare_opened": sum(rec["compare_s"] is not None for rec in light),
        "light_polls": sum(rec["polls"] for rec in light),
        "browser_title": stats([r["title_s"] for r in browser_records if r["title_s"] is not None]),
        "browser_ack": stats([r["ack_s"] for r in browser_records if r["ack_s"] is not None]),
        "browser_run": stats([r["run_s"] for r in browser_records if r["run_s"] is not None]),
        "browser_verdicts_shown": sum(r["verdict_shown"] for r in browser_records),
        "peak_rss_mib": {k: mib(v) for k, v in sampler.peak.items()},
        "worker_processes": {k: len(v) for k, v in sampler.workers.items()},
        "cpu_s": {k: round(v, 1) for k, v in cpu.items()},
        "load_max_1min": sampler.load_max, "timeline": sampler.timeline,
        "session_errors": [f"{r['kind']} {r['workspace']}: {r['error']}" for r in light + browser_records
                           if r["error"]],
        "page_problems": [f"{r['kind']} {r['workspace']}: {p}" for r in light + browser_records
                          for p in r["problems"]],
        "browser_js_errors": [f"{r['workspace']}: {p}" for r in browser_records for p in r["page_errors"]],
        **extra,
    }


def span(s: dict, unit: str = " s") -> str:
    return f"{fmt(s['p50'], unit)} / {fmt(s['p95'], unit)} / {fmt(s['max'], unit)}  (n={s['n']})"


def print_report(out: dict) -> None:
    rss, cpu = out["peak_rss_mib"], out["cpu_s"]
    rows = [
        ("sessions: light (protocol clients) + Chromium",
         f"{out['light_sessions']} + {out['browser_sessions']} ({out['client_processes']} client processes)"),
        ("session starts spread over", fmt(out["ramp_s"], " s")),
        ("runs and teachers trained by", out["executor"]),
        ("student epochs per run (page defaults otherwise)", out["epochs"]),
        ("teacher", f"{out['teacher']} (prewarm {fmt(out['prewarm_s'], ' s')}; server warm-up "
                    f"{fmt(out['warm_up_s'], ' s')})"),
        ("SERVER TIME PER RERUN p50 / p95 / max", span(out["server_time_per_rerun"])),
        ("  CPU per rerun p50 / p95 / max", span(out["server_cpu_per_rerun"])),
        ("SERVER CPU s PER SESSION-MINUTE: process (script threads)",
         f"{out['server_cpu_s_per_session_minute']:.2f} ({out['script_cpu_s_per_session_minute']:.2f})"),
        ("  full-page reruns", span(out["full_reruns"])),
        ("  fragment reruns (live polling)", span(out["fragment_reruns"])),
        *((f"  {a}", span(s) + f", CPU p50 {fmt(s['cpu_p50'], ' s')}") for a, s in out["by_action"].items()),
        ("light clients' round trip per request", span(out["client_round_trip"])),
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
        ("PEAK RSS server process", f"{rss['server']} MiB"),
        ("PEAK RSS its workers (sum; processes)", (f"{rss['server_workers']} MiB; "
                                                  f"{out['worker_processes']['server_workers']}")),
        ("PEAK RSS one worker (max)", f"{rss['worker_max']} MiB"),
        ("PEAK RSS server and workers together", f"{rss['all_kdlab']} MiB"),
        ("peak RSS light clients / Chromium", f"{rss['clients']} MiB / {rss['browsers']} MiB"),
        ("peak RSS local Ray (all its processes)", f"{rss['ray']} MiB"),
        ("CPU s: server / its workers / Ray / light clients / Chromium",
         " / ".join(f"{cpu[k]:.0f}" for k in Sampler.GROUPS)),
        ("total wall time (sessions; whole benchmark)", (f"{fmt(out['sessions_wall_s'], ' s')}; "
                                                        f"{fmt(out['wall_s'], ' s')}")),
        ("load average before / max 1-min / after", (f"{out['load_before']} / {out['load_max_1min']:.2f} / "
                                                    f"{out['load_after']} ({os.cpu_count()} cores)")),
        ("session errors", len(out["session_errors"])),
        ("page exceptions / error boxes", len(out["page_problems"])),
        ("browser JS errors", len(out["browser_js_errors"])),
        ("tracebacks in the server's log", out["server_tracebacks"]),
    ]
    width = max(map(len, (key for key, _ in rows)))
    print("\n".join([f"| {'metric':<{width}} | value", f"|{'-' * (width + 2)}|------",
                     *(f"| {key:<{width}} | {value}" for key, value in rows)]))
    print("timeline (t s: queued/running/finished, reruns so far, load): " + "; ".join(
        f"{p['t']}: {p['queued']}/{p['running']}/{p['finished']} {p['reruns']} {p['load1']}" for p in out["timeline"]))
    print("slowest reruns: " + "; ".join(f"{r['wall_s']} s ({r['action']}, t={r['t']:.0f} s, CPU {r['cpu_s']} s)"
                                         for r in out["worst_reruns"]))
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


def start_ray_head(home: Path, temp: str, timeout: float = 240) -> tuple[subprocess.Popen, str]:
    """``ray start --head --block`` on a free port with 2 CPUs; its tasks use ``home`` as their KDLAB_HOME (one
    machine: the node's teacher cache is the server's). Ending this one process ends the cluster."""
    port, log = free_port(), Path(temp) / "head.log"
    with open(log, "w") as out:
        head = subprocess.Popen(["ray", "start", "--head", "--block", f"--port={port}", "--num-cpus=2", "--num-gpus=0",
                                 "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={temp}"],
                                env={**os.environ, "KDLAB_HOME": str(home), **NO_RAY_TOKEN}, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + timeout
    while "Ray runtime started" not in log.read_text(errors="replace"):
        if head.poll() is not None or time.monotonic() > deadline:
            head.kill()
            raise RuntimeError(f"ray start --head failed: {log.read_text(errors='replace')[-1500:]}")
        time.sleep(0.5)
    return head, f"127.0.0.1:{port}"


def stop_ray_head(head: subprocess.Popen | None, temp: str) -> None:
    if head is not None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(head.pid, signal.SIGTERM)
        try:
            head.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
    shutil.rmtree(temp, ignore_errors=True)


def wait_for_warm_up(setting: str, server: AppServer, timeout: float) -> float:
    """A first visitor opens the home page (the server's job runner, and with it the start-up warm-up, starts with
    the first session); once the warm-up has cached every teacher of ``setting``, the visitor opens the other pages
    (imports and caches: a class meets a server that has been up a while). Returns the seconds it all took."""
    from kdlab.teacher_warmup import at_start_up
    from kdlab.teachers import teacher_path

    async def first_visitor() -> None:
        async with StreamlitTab(server.url, "lang=en&ws=warm-up") as tab:
            await tab.open("home")
            while not all(teacher_path(config).exists() for config in at_start_up(setting)):
                if time.monotonic() - started > timeout:
                    raise RuntimeError(f"the server's warm-up had not cached its teachers after {timeout:.0f} s")
                await asyncio.sleep(0.5)
            for page in ("temperature", "distill", "compare"):
                await tab.open(page)

    started = time.monotonic()
    asyncio.run(first_visitor())
    return time.monotonic() - started


def main(argv=None) -> int:
    args = parse_args(argv)
    wall_start = time.monotonic()
    load_before = load_average()
    home = Path(tempfile.mkdtemp(prefix="kdlab-load-server-"))
    os.environ["KDLAB_HOME"] = str(home)  # before kdlab reads it: prewarm, the store and the teacher files
    stamp = time.strftime("%Y%m%d-%H%M%S")
    log_path = Path(tempfile.gettempdir()) / f"kdlab-load-test-server-{stamp}.log"
    rerun_log = Path(tempfile.gettempdir()) / f"kdlab-load-test-reruns-{stamp}.jsonl"
    server = TimedServer(home, rerun_log, extra_env={"KDLAB_WARM_TEACHERS": WARM_TEACHERS}, log_path=log_path)
    handle_signals()
    dog = watchdog(args.timeout + 1200, server)  # past prewarm, warm-up, drain, tear-down: whatever hangs is killed
    sampler = probe = clients = ray_head = None
    ray_temp = tempfile.mkdtemp(prefix="kdray-") if args.ray else ""  # short: Ray's socket paths fit 107 characters
    browser_records: list[dict] = []
    failures: list[str] = []
    try:
        if args.ray:
            ray_head, address = start_ray_head(home, ray_temp)
            server.env.update({"KDLAB_RAY_ADDRESS": address, **NO_RAY_TOKEN})
        prewarm_s = None if args.cold else prewarm(home, timeout=300)
        from kdlab.runs.store import RunStore

        store = RunStore(home / "runs.sqlite")
        server.start(timeout=90)
        warm_up_s = None if args.cold else wait_for_warm_up(WARM_TEACHERS, server, timeout=600)
        probe = HealthProbe(server.url).start()
        clock = time.time()
        deadline, monotonic_deadline = clock + args.timeout, time.monotonic() + args.timeout
        sampler = Sampler(store, lambda: sum(1 for _ in rerun_log.open(encoding="utf-8")), server, ray_head).start()
        indexes = list(range(args.browsers, args.sessions))
        clients = ProcessPoolExecutor(args.client_processes, mp_context=multiprocessing.get_context("spawn"))
        shares = [clients.submit(light_sessions, indexes[n::args.client_processes], server.url, args, clock,
                                 deadline) for n in range(args.client_processes) if indexes[n::args.client_processes]]
        threads = []
        if args.browsers:
            threads.append(browsers_thread(args, server.url, store, monotonic_deadline, browser_records, failures))
        late: dict = {}
        if args.late_after >= 0:
            threads.append(late_browser_thread(server.url, args.late_after, late))
        light: list[dict] = []
        for share in shares:
            try:
                light += share.result(timeout=max(1.0, deadline + 60 - time.time()))
            except Exception as err:  # noqa: BLE001  (a lost client process is reported, the rest still count)
                failures.append(f"client process: {type(err).__name__}: {str(err)[:300]}")
        for thread in threads:
            while thread.is_alive() and time.monotonic() < monotonic_deadline + 60:
                thread.join(0.5)
        sessions_wall_s = time.time() - clock
        while time.time() < deadline and any(r.status in ACTIVE for r in store.list()):
            time.sleep(1.0)
        sampler.sample()
        probe.stop()
        log = server.log_text()
        rerun_log.with_suffix(".sessions.json").write_text(json.dumps(light), encoding="utf-8")
        executions = [run for run in executions_by_request(rerun_log, light, clock) if run["t"] >= 0]
        out = summarize(args, light, browser_records, executions, store, sampler, {
            "prewarm_s": prewarm_s, "warm_up_s": warm_up_s, "sessions_wall_s": sessions_wall_s,
            "wall_s": time.monotonic() - wall_start, "load_before": load_before, "load_after": load_average(),
            "health_p50_s": quantile(probe.latencies, 0.5), "health_max_s": quantile(probe.latencies, 1.0),
            "health_failures": probe.failures, "server_tracebacks": log.count("Traceback"),
            "traceback_samples": tracebacks(log), "server_log": str(log_path),
            "rerun_log": str(rerun_log),  # beside it, .sessions.json: every light session's requests
            "harness_failures": failures, **late,
        })
    finally:
        if clients is not None:
            clients.shutdown(wait=False, cancel_futures=True)
        kill_browsers([p for p in descendants(os.getpid()) if "chrom" in process_name(p)])
        tear_down(server, dog, home, args.keep_home, sampler, probe)
        stop_ray_head(ray_head, ray_temp)
    print_report(out)
    if args.json:
        print(json.dumps(out, default=str))
    bad = out["runs_lost"] or out["runs_unfinished_at_timeout"] or out["session_errors"] or out["runs_refused"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
