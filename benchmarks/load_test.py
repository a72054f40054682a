"""Classroom load test: N browser sessions start a short distillation on the Distill page at the same time.

Starts ``python3 -m streamlit run app.py`` on a free loopback port with its own temporary ``KDLAB_HOME``, waits for
``/_stcore/health``, trains the teacher the sessions will use once (``python3 -m kdlab distill --epochs 1
--no-record`` with the same KDLAB_HOME; skip with ``--cold`` to measure thirty students waiting on the first
teacher), then opens ``--sessions`` pages in one Chromium, each in its own browser context (= its own Streamlit
session), all driven concurrently. Each session opens ``/distill?lang=en&ws=load-NN``, sets the epochs, clicks
Run and waits for the finished verdict. The first ``--refresh`` sessions reload the page once mid-run (as soon as
the store says their run is ``running``): the run must keep going and end ``finished`` in the store, and the
reloaded page should show the same run again (Streamlit resumes the session) and then its verdict. Each session uses its own workspace, so every run in the store
can be traced to the session that submitted it.

Reports runs submitted / completed / lost (from the run store), peak RSS of the server process tree, the slowest
page response (goto → title, and Run → first queued/running/progress indicator), the slowest run, the server's
and the browsers' CPU seconds (the browsers share the cores with the server here; in a classroom they would not),
and the total wall time. Everything is bounded by ``--timeout``; the server is always stopped.

    python3 benchmarks/load_test.py                        # 20 sessions, teacher pre-warmed
    python3 benchmarks/load_test.py --sessions 5 --cold    # 5 sessions all waiting on the first teacher
    python3 benchmarks/load_test.py --max-concurrent-runs 1 --json
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # kdlab from this checkout

from app_harness import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PROBLEMS,
    ROOT,
    AppServer,
    HealthProbe,
    Monitor,
    install_signal_handlers,
    load_average,
    tear_down,
    tracebacks,
    watchdog,
)

TITLE = "Distill a student"  # i18n distill.title (en)
EPOCHS_LABEL = "Epochs (each student)"  # i18n distill.epochs (en)
TRAINING_HEADER = "Training: epochs, learning rate, seed, model sizes, device"  # i18n distill.training_header (en)
VERDICT = re.compile("parameters than the teacher")  # live.size_smaller / live.size_larger (en)
INDICATOR = re.compile(r"Queued|Loading the data|Training the|Distilling|% done|parameters than the teacher")
ACTIVE = ("queued", "running")


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions (default 20)")
    p.add_argument("--refresh", type=int, default=3, help="how many sessions reload the page once mid-run")
    p.add_argument("--epochs", type=int, default=5, help="student epochs each session sets (default 5)")
    p.add_argument("--timeout", type=float, default=600, help="global limit in seconds (default 600)")
    p.add_argument("--cold", action="store_true", help="do not pre-train the teacher: every session waits on it")
    p.add_argument("--ramp", type=float, default=0.0, help="spread the session starts over this many seconds")
    p.add_argument("--max-concurrent-runs", type=int, default=None,
                   help="passed to the server as KDLAB_MAX_CONCURRENT_RUNS (default: the server's own setting)")
    p.add_argument("--server-env", action="append", default=[], metavar="KEY=VALUE",
                   help="an extra environment variable for the server only (repeatable), e.g. OMP_NUM_THREADS=1")
    p.add_argument("--keep-home", action="store_true", help="keep the temporary KDLAB_HOME (prints its path)")
    p.add_argument("--json", action="store_true", help="also print the results as one JSON line")
    args = p.parse_args(argv)
    if args.sessions < 1 or args.refresh < 0 or args.epochs < 1 or args.timeout <= 0:
        p.error("--sessions and --epochs must be >= 1, --refresh >= 0, --timeout > 0")
    return args


def prewarm(home: Path, timeout: float) -> float:
    """Train and cache the default teacher (what the Distill page's defaults use) with the server's KDLAB_HOME."""
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "kdlab", "distill", "--epochs", "1", "--no-record"], cwd=ROOT,
                   env={**os.environ, "KDLAB_HOME": str(home)}, check=True, timeout=timeout,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.monotonic() - started


async def settle(page, quiet: float = 0.7, limit: float = 60) -> None:
    """Wait (at most ``limit`` s) until the script has not been running for ``quiet`` seconds."""
    deadline, quiet_since = time.monotonic() + limit, None
    while time.monotonic() < deadline:
        if await page.locator('[data-testid="stStatusWidget"]').count() == 0:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= quiet:
                return
        else:
            quiet_since = None
        await page.wait_for_timeout(200)


async def store_runs(store, workspace: str):
    return await asyncio.to_thread(store.list, workspace)


def new_record(index: int, args) -> dict:
    return {"session": index, "workspace": f"load-{index:02d}", "refresh": index < args.refresh, "clicked": False,
            "stage": "waiting", "title_s": None, "reload_title_s": None, "ack_s": None, "run_s": None,
            "run_shown_after_reload_s": None, "session_resumed": None,
            "verdict_shown": False, "status_at_reload": None, "problems": [], "page_errors": [], "error": None}


async def session(rec: dict, browser, url: str, store, args, deadline: float) -> dict:
    """One student: open Distill, set epochs, Run, (maybe reload mid-run), wait until the run has finished.
    ``rec`` is filled in as it goes (``stage`` says where it is), so a session stopped by --timeout still reports."""
    index, workspace = rec["session"], rec["workspace"]
    if args.ramp:
        await asyncio.sleep(args.ramp * index / max(args.sessions - 1, 1))
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    page.on("pageerror", lambda err: rec["page_errors"].append(str(err)[:300]))
    left = lambda: max(1.0, deadline - time.monotonic()) * 1000  # noqa: E731  (ms, for Playwright timeouts)
    try:
        rec["stage"] = "opening the page"
        started = time.monotonic()
        await page.goto(f"{url}/distill?lang=en&ws={workspace}", timeout=left())
        await page.locator("h1", has_text=TITLE).first.wait_for(timeout=left())
        rec["title_s"] = time.monotonic() - started
        rec["stage"] = "setting epochs"
        if args.epochs != 20:  # 20 is the page's default
            await page.get_by_text(TRAINING_HEADER).click(timeout=left())  # the field is behind this expander
            epochs = page.get_by_label(EPOCHS_LABEL, exact=True)
            await epochs.fill(str(args.epochs), timeout=left())
            await epochs.press("Enter", timeout=left())
            await settle(page, limit=min(60, left() / 1000))
        rec["stage"] = "clicking Run"
        clicked = time.monotonic()
        await page.get_by_role("button", name=re.compile(r"^Run$")).click(timeout=left())
        rec["clicked"] = True
        rec["stage"] = "waiting for the run to start" if rec["refresh"] else "waiting for an indicator"
        if rec["refresh"]:  # reload once the store says the run is training (it is in the store by then)
            runs = []
            while time.monotonic() < deadline:
                runs = await store_runs(store, workspace)
                if runs and runs[0].status != "queued":
                    break
                await asyncio.sleep(0.2)
            rec["status_at_reload"] = runs[0].status if runs else "none"
            rec["stage"] = "reloading"
            reloaded = time.monotonic()
            await page.reload(timeout=left())
            await page.locator("h1", has_text=TITLE).first.wait_for(timeout=left())
            rec["reload_title_s"] = time.monotonic() - reloaded
            run_button = page.locator('[data-testid="stMain"]').get_by_role("button", name=re.compile(r"^Run$"))
            enabled = await run_button.is_enabled(timeout=left())
            now = await store_runs(store, workspace)  # Run is rightly enabled again once the run has ended
            rec["run_enabled_after_reload"] = enabled and bool(now) and now[0].status in ACTIVE
            if args.epochs != 20:  # the epochs we typed survive only if Streamlit resumed the same session
                await page.get_by_text(TRAINING_HEADER).click(timeout=left())
                value = await page.get_by_label(EPOCHS_LABEL, exact=True).input_value(timeout=left())
                rec["session_resumed"] = value == str(args.epochs)
            rec["stage"] = "waiting for the reloaded page to show the run again"
            try:  # the reloaded page should show the same run (Streamlit resumes the session) and its verdict
                if not runs:
                    raise RuntimeError("the click left no run in the store")
                await page.get_by_text(f"Run {runs[0].id}").first.wait_for(timeout=min(left(), 180_000))
                rec["run_shown_after_reload_s"] = time.monotonic() - reloaded
                rec["stage"] = "waiting for the verdict after the reload"
                await page.get_by_text(VERDICT).filter(visible=True).first.wait_for(timeout=left())
                rec["verdict_shown"] = True
            except Exception:  # noqa: BLE001  (playwright TimeoutError: the view is lost; the store still tells)
                rec["verdict_shown"] = False
            rec["stage"] = "waiting for the store to say finished"
            while time.monotonic() < deadline:  # the store is the truth after a reload
                runs = await store_runs(store, workspace)
                if runs and runs[0].status not in ACTIVE:
                    break
                await asyncio.sleep(1.0)
            rec["run_s"] = time.monotonic() - clicked
        else:
            await page.get_by_text(INDICATOR).filter(visible=True).or_(page.locator('[data-testid="stProgress"]')).first.wait_for(
                timeout=left())
            rec["ack_s"] = time.monotonic() - clicked
            rec["stage"] = "waiting for the verdict"
            await page.get_by_text(VERDICT).filter(visible=True).first.wait_for(timeout=left())
            rec["run_s"] = time.monotonic() - clicked
            rec["verdict_shown"] = True
        rec["stage"] = "checking for errors"
        await settle(page, quiet=0.5, limit=min(15, left() / 1000))
        problems = page.locator(PROBLEMS)
        rec["problems"] = [(await problems.nth(i).inner_text())[:300] for i in range(await problems.count())]
        rec["stage"] = "done"
    except asyncio.CancelledError:
        rec["error"] = f"stopped by --timeout while {rec['stage']}"
        raise
    except Exception as err:  # noqa: BLE001  (one failed session must not hide the others' numbers)
        rec["error"] = f"{type(err).__name__} while {rec['stage']}: {str(err).splitlines()[0][:300]}"
    finally:
        try:
            await asyncio.wait_for(context.close(), 15)
        except Exception:  # noqa: BLE001
            pass
    return rec


async def timeline(store, started: float, deadline: float, every: float = 5.0) -> list[dict]:
    """Every ``every`` s: how many runs are queued / running / finished, and the progress of the running ones."""
    points: list[dict] = []
    try:
        while time.monotonic() < deadline:
            runs = await asyncio.to_thread(store.list)
            point = {"t": round(time.monotonic() - started), "queued": 0, "running": 0, "finished": 0, "other": 0}
            progress = []
            for run in runs:
                key = run.status if run.status in point else "other"
                point[key] += 1
                if run.status == "running":
                    events = await asyncio.to_thread(store.events, run.id)
                    last = events[-1] if events else None
                    progress.append(f"{last['phase']} {100 * last['progress']:.0f}%" if last else "starting")
            point["running_progress"] = progress
            points.append(point)
            await asyncio.sleep(every)
    except asyncio.CancelledError:
        pass
    return points


async def drive(args, url: str, store, deadline: float) -> tuple[list[dict], list[dict]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            records = [new_record(i, args) for i in range(args.sessions)]
            watch = asyncio.create_task(timeline(store, time.monotonic(), deadline))
            tasks = [asyncio.create_task(session(rec, browser, url, store, args, deadline)) for rec in records]
            _, pending = await asyncio.wait(tasks, timeout=max(1.0, deadline - time.monotonic()))
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            watch.cancel()
            return records, await watch
        finally:
            await asyncio.wait_for(browser.close(), 30)


def wait_for_drain(store, deadline: float) -> None:
    while time.monotonic() < deadline:
        if not any(r.status in ACTIVE for r in store.list()):
            return
        time.sleep(1.0)


def quantile(values: list[float], q: float) -> float | None:
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    return statistics.median(values) if q == 0.5 else values[min(len(values) - 1, int(q * len(values)))]


def report(args, records: list[dict], store, extra: dict) -> dict:
    runs = store.list()
    by_status: dict[str, int] = {}
    for r in runs:
        by_status[r.status] = by_status.get(r.status, 0) + 1
    clicked = sum(1 for r in records if r.get("clicked"))
    workspaces_with_run = {r.workspace for r in runs}
    no_row = [r["workspace"] for r in records if r.get("clicked") and r["workspace"] not in workspaces_with_run]
    lost = [r.id for r in runs if r.status not in ("finished", "cancelled", *ACTIVE)]
    unfinished = [r.id for r in runs if r.status in ACTIVE]
    titles = [r.get("title_s") for r in records] + [r.get("reload_title_s") for r in records]
    acks = [r.get("ack_s") for r in records]
    run_times = [r.get("run_s") for r in records]
    finished = [r for r in runs if r.status == "finished" and r.summary]
    distill_s = [r.summary["distill_seconds"] for r in finished]
    store_s = [r.updated - r.created for r in finished]  # submit -> finished, as the server saw it
    refreshed = [r for r in records if r.get("refresh")]
    errors = [f"session {r['session']}: {r['error']}" for r in records if r.get("error")]
    problems = [f"session {r['session']}: {p}" for r in records for p in r.get("problems") or []]
    page_errors = [f"session {r['session']}: {p}" for r in records for p in r.get("page_errors") or []]
    return {
        "sessions": args.sessions, "epochs": args.epochs, "teacher": "cold" if args.cold else "pre-warmed",
        "max_concurrent_runs": args.max_concurrent_runs or os.environ.get("KDLAB_MAX_CONCURRENT_RUNS") or "default",
        "runs_clicked": clicked, "runs_submitted": len(runs), "runs_completed": by_status.get("finished", 0),
        "runs_by_status": by_status, "runs_lost": len(lost) + len(no_row), "lost_run_ids": lost,
        "runs_unfinished_at_timeout": len(unfinished),
        "clicks_without_a_run": no_row,
        "refreshed_sessions": len(refreshed),
        "refreshed_status_at_reload": [r.get("status_at_reload") for r in refreshed],
        "refreshed_runs_finished": sum(1 for r in refreshed for run in runs
                                       if run.workspace == r["workspace"] and run.status == "finished"),
        "refreshed_pages_showing_their_run": sum(1 for r in refreshed if r.get("run_shown_after_reload_s")),
        "refreshed_pages_showing_the_verdict": sum(1 for r in refreshed if r.get("verdict_shown")),
        "refreshed_sessions_resumed": [r.get("session_resumed") for r in refreshed],
        "reload_to_run_shown_max_s": quantile([r.get("run_shown_after_reload_s") for r in refreshed], 1.0),
        "refreshed_run_button_enabled": sum(1 for r in refreshed if r.get("run_enabled_after_reload")),
        "verdicts_shown": sum(1 for r in records if r.get("verdict_shown") and not r.get("refresh")),
        "title_p50_s": quantile(titles, 0.5), "title_max_s": quantile(titles, 1.0),
        "ack_p50_s": quantile(acks, 0.5), "ack_max_s": quantile(acks, 1.0),
        "run_p50_s": quantile(run_times, 0.5), "run_max_s": quantile(run_times, 1.0),
        "distill_seconds_p50": statistics.median(distill_s) if distill_s else None,
        "store_run_p50_s": quantile(store_s, 0.5), "store_run_max_s": quantile(store_s, 1.0),
        "teacher_cached_runs": sum(1 for r in finished if r.summary.get("teacher_cached")),
        "session_errors": errors, "error_boxes": problems, "page_errors": page_errors,
        "sessions_detail": records, **extra,
    }


def fmt(value, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}{unit}"
    return f"{value}{unit}"


def print_table(out: dict) -> None:
    rows = [
        ("sessions (browser contexts)", out["sessions"]),
        ("student epochs per run", out["epochs"]),
        ("teacher", f"{out['teacher']} (prewarm {fmt(out.get('prewarm_s'), ' s')})"),
        ("max concurrent runs", out["max_concurrent_runs"]),
        ("extra server env", " ".join(out["server_env"]) or "-"),
        ("Run clicks", out["runs_clicked"]),
        ("runs submitted (store rows)", out["runs_submitted"]),
        ("runs completed (finished)", out["runs_completed"]),
        ("runs by status", ", ".join(f"{k}={v}" for k, v in sorted(out["runs_by_status"].items()))),
        ("runs lost (failed/interrupted/no row)", out["runs_lost"]),
        ("runs still queued/running at --timeout", out["runs_unfinished_at_timeout"]),
        ("refreshed mid-run: finished in store", f"{out['refreshed_runs_finished']}/{out['refreshed_sessions']} "
                                                 f"(status at reload: {', '.join(map(str, out['refreshed_status_at_reload'])) or '-'})"),
        ("refreshed pages showing their run again", f"{out['refreshed_pages_showing_their_run']}/"
                                                    f"{out['refreshed_sessions']} (slowest after "
                                                    f"{fmt(out['reload_to_run_shown_max_s'], ' s')}), verdict "
                                                    f"{out['refreshed_pages_showing_the_verdict']}/"
                                                    f"{out['refreshed_sessions']}"),
        ("refreshed: same session resumed (epochs kept)", ", ".join(map(str, out["refreshed_sessions_resumed"]))),
        ("refreshed pages with Run enabled, run active", f"{out['refreshed_run_button_enabled']}/"
                                                       f"{out['refreshed_sessions']}"),
        ("verdicts shown (not refreshed)", out["verdicts_shown"]),
        ("page title p50 / max", f"{fmt(out['title_p50_s'], ' s')} / {fmt(out['title_max_s'], ' s')}"),
        ("Run -> indicator p50 / max (not refreshed)", f"{fmt(out['ack_p50_s'], ' s')} / {fmt(out['ack_max_s'], ' s')}"),
        ("Run -> finished p50 / max", f"{fmt(out['run_p50_s'], ' s')} / {fmt(out['run_max_s'], ' s')}"),
        ("server: submit -> finished p50 / max", f"{fmt(out['store_run_p50_s'], ' s')} / "
                                                 f"{fmt(out['store_run_max_s'], ' s')}"),
        ("distill phase per run p50", fmt(out["distill_seconds_p50"], " s")),
        ("/_stcore/health p50 / max", f"{fmt(out['health_p50_s'], ' s')} / {fmt(out['health_max_s'], ' s')}"),
        ("/_stcore/health no answer in 10 s (at t=)", f"{out['health_failures']} "
         + (f"({', '.join(f'{t:.0f}' for t in out['health_failures_at_s'][:10])} s)" if out["health_failures"] else "")),
        ("health stalls > 1 s (count, worst 3 at t=)", f"{len(out['health_stalls_over_1s'])}, "
         + ", ".join(f"{d:.1f} s at {t:.0f} s" for t, d in sorted(out["health_stalls_over_1s"], key=lambda x: -x[1])[:3])),
        ("peak server RSS (with children)", f"{out['peak_rss_mib']:.0f} MiB"),
        ("server CPU / browsers CPU", f"{out['server_cpu_s']:.0f} s / {out['browser_cpu_s']:.0f} s"),
        ("server threads: on a CPU / waiting for a core", f"{out['server_threads_on_cpu_s']:.0f} s / "
                                                          f"{out['server_threads_waiting_for_a_core_s']:.0f} s"),
        ("server start (health)", fmt(out["server_start_s"], " s")),
        ("total wall time", fmt(out["wall_s"], " s")),
        ("load average before / after", f"{out['load_before']} / {out['load_after']}"),
        ("session errors", len(out["session_errors"])),
        ("error boxes on pages", len(out["error_boxes"])),
        ("browser JS errors", len(out["page_errors"])),
        ("tracebacks in server log", out["server_tracebacks"]),
        ("'fragment ... does not exist anymore' lines", out["fragment_gone_warnings"]),
        ("server log", out["server_log"]),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"| {'metric':<{width}} | value")
    print(f"|{'-' * (width + 2)}|------")
    for key, value in rows:
        print(f"| {key:<{width}} | {value}")
    print("timeline (t s: queued/running/finished [progress of running runs]): " + "; ".join(
        f"{p['t']}: {p['queued']}/{p['running']}/{p['finished']}"
        + (f" [{', '.join(p['running_progress'])}]" if p["running_progress"] else "") for p in out["timeline"]))
    for title in ("session_errors", "error_boxes", "page_errors"):
        for line in out[title][:10]:
            print(f"{title}: {line}")
    if out["lost_run_ids"] or out["clicks_without_a_run"]:
        print(f"lost: {out['lost_run_ids']} clicks without a run: {out['clicks_without_a_run']}")


def main(argv=None) -> int:
    args = parse_args(argv)
    wall_start = time.monotonic()
    deadline = wall_start + args.timeout
    load_before = load_average()
    home = Path(tempfile.mkdtemp(prefix="kdlab-load-"))
    extra_env = {"KDLAB_HOME": str(home)}
    if args.max_concurrent_runs:
        extra_env["KDLAB_MAX_CONCURRENT_RUNS"] = str(args.max_concurrent_runs)
    for pair in args.server_env:
        key, _, value = pair.partition("=")
        extra_env[key] = value
    log_path = Path(tempfile.gettempdir()) / f"kdlab-load-test-{time.strftime('%Y%m%d-%H%M%S')}.log"
    server = AppServer(home, extra_env, log_path=log_path)
    install_signal_handlers(server)
    dog = watchdog(args.timeout + 60, server)
    monitor = probe = None
    try:
        prewarm_s = None if args.cold else prewarm(home, timeout=args.timeout / 2)
        server_start_s = server.start(timeout=min(90, max(5, deadline - time.monotonic())))
        monitor = Monitor(server.pid).start()
        probe = HealthProbe(server.url).start()
        os.environ["KDLAB_HOME"] = str(home)
        from kdlab.runs.store import RunStore

        store = RunStore(home / "runs.sqlite")
        records, points = asyncio.run(drive(args, server.url, store, deadline))
        wait_for_drain(store, min(deadline, time.monotonic() + 120))
        server_cpu, browser_cpu = monitor.snapshot()
        on_cpu, queued = monitor.server_sched()
        probe.stop()
        log = server.log_text()
        out = report(args, records, store, {
            "prewarm_s": prewarm_s, "server_start_s": server_start_s, "peak_rss_mib": monitor.peak_rss / 2 ** 20,
            "server_cpu_s": server_cpu, "browser_cpu_s": browser_cpu, "health_failures": probe.failures,
            "server_threads_on_cpu_s": on_cpu, "server_threads_waiting_for_a_core_s": queued,
            "health_p50_s": quantile(probe.latencies, 0.5), "health_max_s": quantile(probe.latencies, 1.0),
            "health_stalls_over_1s": [(round(t, 1), round(d, 2)) for t, d in probe.stalls(1.0, wall_start)],
            "server_env": args.server_env, "wall_s": time.monotonic() - wall_start,
            "load_before": load_before, "load_after": load_average(), "server_tracebacks": log.count("Traceback"),
            "traceback_samples": tracebacks(log), "server_log": str(log_path), "timeline": points,
            "fragment_gone_warnings": log.count("does not exist anymore"),
            "health_failures_at_s": [round(t - wall_start, 1) for t in probe.failure_times],
        })
    finally:
        tear_down(server, dog, home, args.keep_home, monitor, probe)
    print_table(out)
    for block in out["traceback_samples"]:
        print("server traceback:\n" + block)
    if args.json:
        print(json.dumps({k: v for k, v in out.items() if k != "sessions_detail"}))
    return 1 if out["runs_lost"] or out["runs_unfinished_at_timeout"] or out["session_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
