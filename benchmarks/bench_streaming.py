"""Does streaming a run to the page cost under 10% of its headless speed?

The same config (digits, cnn-large → mlp-small, ``--epochs`` student epochs, the Distill page's other defaults)
runs two to five ways, and each reports the student phase's ``samples_per_second`` / ``distill_seconds`` from
``RunResult.summary()`` (the app's runs: from the run store's summary):

- **headless**: ``kdlab.run_distillation`` in a fresh Python process (its main thread, torch's default threads,
  i.e. every core), nothing listening;
- **watched**: through the app — ``streamlit run app.py`` on a loopback port, one real Chromium page on Distill
  clicks Run and stays open while the live curves redraw (every ``ui.live.LIVE_SECONDS``), until the verdict
  shows. The app trains in a worker process with all cores but one (``kdlab.serve.jobs``);
- with ``--breakdown``, three more sides that tell where a difference comes from:
  **headless_app_threads**: headless with the torch threads the app gives a run alone (all cores but one);
  **recorded**: ``kdlab.runs.recording.run_recorded`` in a fresh process, default threads (what the CLI does: every
  step's event kept and written to the run store up to five times a second, summary and weights stored); and
  **unwatched**: through the app, but the page leaves (about:blank) right after the run is acknowledged, so the
  server trains with no session polling it.

The teacher is trained and cached first (not timed) in the server's own KDLAB_HOME. One untimed warm-up of each
side, then ``--repeats`` rounds in alternating order; medians are reported. ``OMP_NUM_THREADS`` is left as it is.
The default of 150 epochs makes the student phase last a few seconds on 2 cores (40 epochs take under one second,
i.e. one or two redraws of the page), so the page gets several chances to get in the way.

    python3 benchmarks/bench_streaming.py                              # 150 epochs, 3 repeats
    python3 benchmarks/bench_streaming.py --epochs 40 --repeats 5 --breakdown --json

The browser runs on the same cores as the server here (in a classroom it would not), so the watched overhead is an
upper bound; the CPU seconds Chromium used during the watched runs are printed next to it. On 2 cores the app's
runs get one torch thread and headless gets two: ``headless_app_threads`` separates that choice (a core left to
the server and the browser) from what streaming itself costs.
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
    AppServer,
    Monitor,
    install_signal_handlers,
    load_average,
    tear_down,
    watchdog,
)
from load_test import EPOCHS_LABEL, TITLE, TRAINING_HEADER, VERDICT  # noqa: E402

WORKSPACE = "bench-streaming"


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=150, help="student epochs (default 150: a few seconds on 2 cores)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1, help="untimed rounds first (default 1)")
    p.add_argument("--breakdown", action="store_true",
                   help="also run 'recorded' (headless into the run store) and 'unwatched' (the app, no page open)")
    p.add_argument("--timeout", type=float, default=600, help="global limit in seconds (default 600)")
    p.add_argument("--keep-home", action="store_true")
    p.add_argument("--json", action="store_true", help="also print the results as one JSON line")
    args = p.parse_args(argv)
    if args.epochs < 1 or args.repeats < 1 or args.warmup < 0 or args.timeout <= 0:
        p.error("--epochs and --repeats must be >= 1, --warmup >= 0, --timeout > 0")
    return args


HEADLESS = """
import json, sys
import torch
from kdlab import RunConfig, run_distillation
from kdlab.runs.recording import run_recorded
from kdlab.runs.store import RunStore
config, threads, store_path = RunConfig.from_dict(json.loads(sys.argv[1])), int(sys.argv[2]), sys.argv[3]
if threads:
    torch.set_num_threads(threads)
if store_path:
    store = RunStore(store_path)
    run_id = store.create(config.to_dict(), "bench-recorded", source="cli", status="running")
    summary = run_recorded(store, run_id, config).summary()
else:
    summary = run_distillation(config).summary()
print(json.dumps(summary))
"""


def headless_summary(config, threads: int = 0, store_path: str = "") -> dict:
    """A run's summary from a fresh Python process, trained in its main thread as the app's workers train."""
    root = str(Path(__file__).resolve().parent.parent)
    done = subprocess.run([sys.executable, "-c", HEADLESS, json.dumps(config.to_dict()), str(threads), store_path],
                          capture_output=True, text=True, check=True, cwd=root,
                          env={**os.environ, "PYTHONPATH": root})
    return json.loads(done.stdout.strip().splitlines()[-1])


class Bench:
    def __init__(self, args, server: AppServer, monitor: Monitor, store, config, deadline: float):
        self.args, self.server, self.monitor, self.store = args, server, monitor, store
        self.config, self.deadline = config, deadline

    def left_ms(self) -> float:
        return max(1.0, self.deadline - time.monotonic()) * 1000

    def headless(self, side: str) -> dict:
        from kdlab.serve.jobs import training_cores

        threads = training_cores() if side == "headless_app_threads" else 0
        store_path = str(self.store.path) if side == "recorded" else ""
        self.monitor.pause()  # its /proc scans would take CPU from the run
        try:
            started = time.monotonic()
            summary = headless_summary(self.config, threads, store_path)
        finally:
            self.monitor.resume()
        return {"samples_per_second": summary["samples_per_second"], "distill_seconds": summary["distill_seconds"],
                "baseline_seconds": summary["baseline_seconds"], "wall_s": time.monotonic() - started,
                "run_s": time.monotonic() - started, "teacher_cached": summary["teacher_cached"]}

    async def open_distill(self, page) -> None:
        await page.goto(f"{self.server.url}/distill?lang=en&ws={WORKSPACE}", timeout=self.left_ms())
        await page.locator("h1", has_text=TITLE).first.wait_for(timeout=self.left_ms())
        await page.get_by_text(TRAINING_HEADER).click(timeout=self.left_ms())  # the field is behind this expander
        epochs = page.get_by_label(EPOCHS_LABEL, exact=True)
        if await epochs.input_value(timeout=self.left_ms()) != str(self.args.epochs):
            await epochs.fill(str(self.args.epochs), timeout=self.left_ms())
            await epochs.press("Enter", timeout=self.left_ms())
            await page.wait_for_timeout(1500)  # let the rerun with the new value land before Run is clicked

    async def through_app(self, page, watched: bool) -> dict:
        before = {r.id for r in self.store.list(WORKSPACE)}
        if not watched:
            await self.open_distill(page)
        server_cpu0, browser_cpu0 = self.monitor.snapshot()
        mark = self.monitor.mark()
        started = time.monotonic()
        await page.get_by_role("button", name=re.compile(r"^Run$")).click(timeout=self.left_ms())
        run_id = await self.new_run(before)
        # the live block of THIS run (the page may still show the previous run's verdict until it reruns)
        await page.get_by_text(f"Run {run_id}").first.wait_for(timeout=self.left_ms())
        if not watched:
            await page.goto("about:blank")
        run = await self.wait_finished(before)
        to_verdict = None
        if watched:
            await page.get_by_text(f"Run {run_id}").first.wait_for(timeout=self.left_ms())
            await page.locator('[data-testid="stProgress"]').first.wait_for(state="detached", timeout=self.left_ms())
            await page.get_by_text(VERDICT).filter(visible=True).first.wait_for(timeout=self.left_ms())
            to_verdict = time.monotonic() - started
            problems = page.locator(PROBLEMS)
            if await problems.count():
                raise RuntimeError(f"error on the page: {(await problems.first.inner_text())[:300]}")
        trainer = self.monitor.busiest_thread_since(mark)
        server_cpu1, browser_cpu1 = self.monitor.snapshot()
        if run.status != "finished":
            raise RuntimeError(f"app run {run.id} ended {run.status}: {run.error}")
        mismatch = {k for k, v in self.config.to_dict().items() if run.config.get(k) != v}
        if mismatch:
            raise RuntimeError(f"the app ran a different config than headless: {sorted(mismatch)}")
        summary = run.summary
        return {"samples_per_second": summary["samples_per_second"], "distill_seconds": summary["distill_seconds"],
                "baseline_seconds": summary["baseline_seconds"], "wall_s": to_verdict,
                "run_s": run.updated - run.created, "teacher_cached": summary["teacher_cached"], "run_id": run.id,
                "trainer": trainer,
                "server_cpu_s": server_cpu1 - server_cpu0, "browser_cpu_s": browser_cpu1 - browser_cpu0}

    async def new_run(self, before: set) -> str:
        while time.monotonic() < self.deadline:
            runs = [r for r in await asyncio.to_thread(self.store.list, WORKSPACE) if r.id not in before]
            if runs:
                return runs[0].id
            await asyncio.sleep(0.1)
        raise TimeoutError("Run was clicked but no run reached the store before --timeout")

    async def wait_finished(self, before: set):
        while time.monotonic() < self.deadline:
            runs = [r for r in await asyncio.to_thread(self.store.list, WORKSPACE) if r.id not in before]
            if runs and runs[0].status not in ("queued", "running"):
                return runs[0]
            await asyncio.sleep(0.25)
        raise TimeoutError("the app run did not finish before --timeout")

    async def run(self) -> list[dict]:
        from playwright.async_api import async_playwright

        sides = ["headless", "watched"]
        if self.args.breakdown:
            sides += ["headless_app_threads", "recorded", "unwatched"]
        rows = []
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                watched_page = await (await browser.new_context(viewport={"width": 1400, "height": 900})).new_page()
                other_page = await (await browser.new_context(viewport={"width": 1400, "height": 900})).new_page()
                await self.open_distill(watched_page)
                for round_ in range(self.args.warmup + self.args.repeats):
                    order = sides if round_ % 2 == 0 else sides[::-1]
                    for side in order:
                        if side in ("headless", "headless_app_threads", "recorded"):
                            row = await asyncio.to_thread(self.headless, side)
                        else:
                            row = await self.through_app(watched_page if side == "watched" else other_page,
                                                         watched=side == "watched")
                        row.update(side=side, round=round_, warmup=round_ < self.args.warmup, load=load_average())
                        rows.append(row)
                        print(f"round {round_}{' (warm-up)' if row['warmup'] else ''} {side:20} "
                              f"{row['samples_per_second']:9,.0f} samples/s  distill {row['distill_seconds']:.2f} s  "
                              f"load {row['load']}", file=sys.stderr)
            finally:
                await asyncio.wait_for(browser.close(), 30)
        return rows


def summarize(args, rows: list[dict], extra: dict) -> dict:
    timed = [r for r in rows if not r["warmup"]]
    out = {"epochs": args.epochs, "repeats": args.repeats, "sides": {}, **extra}
    for side in dict.fromkeys(r["side"] for r in timed):
        mine = [r for r in timed if r["side"] == side]
        out["sides"][side] = {
            "samples_per_second": statistics.median(r["samples_per_second"] for r in mine),
            "distill_seconds": statistics.median(r["distill_seconds"] for r in mine),
            "wall_s": statistics.median(r["wall_s"] for r in mine) if mine[0]["wall_s"] is not None else None,
            "run_s": statistics.median(r["run_s"] for r in mine),
            "baseline_seconds": statistics.median(r["baseline_seconds"] for r in mine),
            "all_samples_per_second": [round(r["samples_per_second"]) for r in mine],
            "server_cpu_s": statistics.median(r["server_cpu_s"] for r in mine) if "server_cpu_s" in mine[0] else None,
            "browser_cpu_s": statistics.median(r["browser_cpu_s"] for r in mine) if "browser_cpu_s" in mine[0] else None,
        }
        trainers = [r["trainer"] for r in mine if r.get("trainer")]
        if trainers:  # how the training thread's life split up (fractions, medians over the runs)
            out["sides"][side]["trainer_thread"] = {
                part: statistics.median(t[f"{part}_s"] / t["life_s"] for t in trainers)
                for part in ("on_cpu", "runqueue", "sleep")}
    base = out["sides"]["headless"]["samples_per_second"]
    for side, values in out["sides"].items():
        values["overhead_pct"] = 100.0 * (1 - values["samples_per_second"] / base)
    out["watched_overhead_pct"] = out["sides"]["watched"]["overhead_pct"]
    if "headless_app_threads" in out["sides"]:  # what streaming costs, with the torch threads held equal
        same = out["sides"]["headless_app_threads"]["samples_per_second"]
        out["watched_overhead_same_threads_pct"] = 100.0 * (1 - out["sides"]["watched"]["samples_per_second"] / same)
    out["under_10_pct"] = out["watched_overhead_pct"] < 10.0
    return out


def print_table(out: dict) -> None:
    print(f"digits, cnn-large -> mlp-small, {out['epochs']} student epochs, medians of {out['repeats']} "
          f"(teacher cached: {out['teacher_seconds']:.1f} s to train it first)")
    print("| side                 | samples/s | distill s | overhead | baseline s | run s | to verdict s | samples/s each run     | "
          "server CPU s | browser CPU s |")
    print("|----------------------|----------:|----------:|---------:|-----------:|------:|-------------:|------------------------|"
          "-------------:|--------------:|")
    for side, v in out["sides"].items():
        cpu = lambda x: "-" if x is None else f"{x:.1f}"  # noqa: E731
        to_verdict = f"{v['wall_s']:.2f}" if side == "watched" else "-"
        print(f"| {side:20} | {v['samples_per_second']:9,.0f} | {v['distill_seconds']:9.2f} | "
              f"{v['overhead_pct']:7.1f}% | {v['baseline_seconds']:10.2f} | {v['run_s']:5.2f} | "
              f"{to_verdict:>12} | {str(v['all_samples_per_second']):22} | "
              f"{cpu(v['server_cpu_s']):>12} | {cpu(v['browser_cpu_s']):>13} |")
    for side, v in out["sides"].items():
        if "trainer_thread" in v:
            t = v["trainer_thread"]
            print(f"{side}: from Run to the end, the training thread spent {100 * t['on_cpu']:.0f}% on a CPU, "
                  f"{100 * t['runqueue']:.0f}% waiting for a free core, {100 * t['sleep']:.0f}% asleep "
                  "(GIL, locks, I/O, before and after training)")
    verdict = "under" if out["under_10_pct"] else "NOT under"
    print("run s: headless/recorded = the whole call; app = submit -> finished in the store. "
          "to verdict s: Run click -> this run's verdict on the watched page.")
    if "watched_overhead_same_threads_pct" in out:
        print(f"watched overhead against headless with the app's torch threads: "
              f"{out['watched_overhead_same_threads_pct']:.1f}%")
    print(f"watched overhead {out['watched_overhead_pct']:.1f}%: {verdict} 10%. peak server RSS "
          f"{out['peak_rss_mib']:.0f} MiB. load average before {out['load_before']}, after {out['load_after']}. "
          f"total {out['wall_s']:.0f} s")


def main(argv=None) -> int:
    args = parse_args(argv)
    wall_start = time.monotonic()
    deadline = wall_start + args.timeout
    load_before = load_average()
    home = Path(tempfile.mkdtemp(prefix="kdlab-stream-"))
    os.environ["KDLAB_HOME"] = str(home)  # this process's headless runs and the server share the teacher cache
    server = AppServer(home)
    install_signal_handlers(server)
    dog = watchdog(args.timeout + 60, server)
    monitor = None
    try:
        from kdlab import RunConfig
        from kdlab.runs.store import RunStore
        from kdlab.policy.settings import ServerSettings
        from kdlab.train import prepare_teacher

        # the config the Distill page builds from its defaults with the epochs changed, capped like the server does
        config = ServerSettings.load().cap_transfer(RunConfig(epochs=args.epochs).validate())
        started = time.monotonic()
        prepare_teacher(config)
        teacher_seconds = time.monotonic() - started
        server.start(timeout=min(90, max(5, deadline - time.monotonic())))
        monitor = Monitor(server.pid).start()
        store = RunStore(home / "runs.sqlite")
        rows = asyncio.run(Bench(args, server, monitor, store, config, deadline).run())
        out = summarize(args, rows, {"teacher_seconds": teacher_seconds, "peak_rss_mib": monitor.peak_rss / 2 ** 20,
                                     "load_before": load_before, "load_after": load_average(),
                                     "wall_s": time.monotonic() - wall_start,
                                     "server_tracebacks": server.log_text().count("Traceback")})
    finally:
        tear_down(server, dog, home, args.keep_home, monitor)
    print_table(out)
    if args.json:
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
