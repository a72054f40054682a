"""What a page that polls costs the server: CPU seconds of the Streamlit process per minute and per poll, in real
Chromium, for a page waiting on a teacher and for a page watching a run train.

One fresh server (its own temporary ``KDLAB_HOME``, no warm-up teachers). First the server idles with no page open
(its own background cost). Then the Temperature page waits on its teacher: this benchmark holds the teacher's cache
lock, so the worker that would train it waits and the page shows its progress bar for ``--seconds``; the server's
CPU seconds over that window are the price of one browser waiting. The lock is then let go, the teacher trains and
the page draws. Last, a Distill page watches a run train for ``--seconds`` (200 epochs, every training sample,
batch 16: a minute or more on two cores; its status polls twice a second). Only the server process is counted (its worker processes train and are not the server's cost); a poll's
cost is the window's CPU seconds over the number of polls the page's fragment makes in it.

    python3 benchmarks/bench_live_views.py                 # 60 s each
    python3 benchmarks/bench_live_views.py --seconds 20 --json

Targets (issue 22): at most 20 ms of server CPU per poll, under 1 s of server CPU per minute for a page waiting on a
teacher. The machine is shared: CPU seconds are robust to other jobs, wall times are not; the load average is printed.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from app_harness import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    AppServer,
    cpu_seconds,
    install_signal_handlers,
    load_average,
    tear_down,
    watchdog,
)

PROGRESS = '[data-testid="stProgress"]'
METRIC = '[data-testid="stMetric"]'


def window(server: AppServer, seconds: float, poll_seconds: float | None) -> dict:
    """The server's CPU seconds over ``seconds`` of wall time, per minute and (with the page's poll interval) per
    poll."""
    before, started = cpu_seconds(server.pid), time.monotonic()
    time.sleep(seconds)
    used, wall = cpu_seconds(server.pid) - before, time.monotonic() - started
    result = {"wall_s": round(wall, 1), "server_cpu_s": round(used, 2), "cpu_s_per_min": round(60 * used / wall, 2)}
    if poll_seconds:
        result["polls"] = round(wall / poll_seconds)
        result["cpu_ms_per_poll"] = round(1000 * used / (wall / poll_seconds), 1)
    result["load_average"] = load_average()
    print(result, file=sys.stderr)  # as it comes: a later phase that fails keeps this one
    return result


def measure(args) -> dict:
    from playwright.sync_api import sync_playwright

    from kdlab import RunConfig
    from kdlab.teachers import teacher_lock, teacher_path
    from ui.common import TEACHER_POLL_SECONDS
    from ui.live import LIVE_SECONDS

    home = Path(tempfile.mkdtemp(prefix="kdlab-live-views-"))
    os.environ["KDLAB_HOME"] = str(home)  # the teacher's path (and its lock) in the server's home
    server = AppServer(home, {"KDLAB_WARM_TEACHERS": "none"})
    install_signal_handlers(server)
    dog = watchdog(6 * args.seconds + 600, server)
    result = {"load_average_before": load_average()}
    try:
        server.start()
        result["idle"] = window(server, min(args.seconds, 15), None)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            with teacher_lock(teacher_path(RunConfig())):
                page.goto(f"{server.url}/temperature?lang=en")
                page.wait_for_selector(PROGRESS, timeout=300_000)
                time.sleep(3)  # the first draw and the worker's start-up are not the wait's steady cost
                if "teacher" in args.phases:
                    result["teacher_wait"] = window(server, args.seconds, TEACHER_POLL_SECONDS)
            released = time.monotonic()
            page.wait_for_selector(METRIC, timeout=600_000)
            result["teacher_trained_and_drawn_s"] = round(time.monotonic() - released, 1)
            if "run" in args.phases:  # a link sets the run: the server's most epochs, on every training sample
                page.goto(f"{server.url}/distill?lang=en&epochs={args.epochs}&train_fraction=1&batch_size=16")
                page.get_by_role("button", name="Run", exact=True).click(timeout=300_000)
                page.wait_for_selector(PROGRESS, timeout=300_000)
                time.sleep(3)
                result["live_run"] = window(server, args.seconds, LIVE_SECONDS)
            browser.close()
    finally:
        tear_down(server, dog, home, args.keep_home)
    result["load_average_after"] = load_average()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="each measured window (default 60)")
    parser.add_argument("--epochs", type=int, default=200, help="the watched run's epochs (default 200, the cap)")
    parser.add_argument("--phases", default="teacher,run", help="which windows: teacher, run (default both)")
    parser.add_argument("--keep-home", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args)
    for key, value in result.items():
        print(f"{key:28} {value}")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
