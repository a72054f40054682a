"""The Temperature page's first draw on a fresh server with an empty teacher cache, in real Chromium.

The page needs the default teacher (cnn-large on digits), which nobody has trained yet. The server must not train
it in its own process: the page shows a progress bar at once while a worker process trains the teacher, other pages
stay responsive meanwhile, and the page draws itself when the teacher is cached. Printed: seconds until the
progress bar, until the page's metrics, the Distill page's title in a second tab opened while the teacher trains,
and the CPU seconds the server process itself spent (its worker processes are counted apart).

With ``--warm``, the case a class meets: a fresh server that warms its teachers up at start-up (``warm_teachers =
pages``). A first browser opens the home page (the server imports torch and the pages once, and queues the
teachers); once the warm-up has finished (the quick demo's and the Temperature page's teachers cached: until then a
worker trains on the same cores), a new browser opens the Temperature page and the seconds until its charts are drawn
are printed (the target is under 2 s), then the same for a second new browser. Then four times the path a class takes:
a new browser opens the home page, and the seconds from a click on the sidebar's Temperature link until the charts
are drawn (Streamlit's scripts are then in that browser already; Chromium runs on the server's two cores here, while
in a class each browser has a laptop of its own).

    python benchmarks/bench_first_draw.py [--warm] [--json]
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
from app_harness import CHROMIUM, CHROMIUM_ARGS, AppServer, cpu_seconds, descendants, load_average  # noqa: E402

PROGRESS = '[data-testid="stProgress"]'
METRIC = '[data-testid="stMetric"]'
HOME_READ_S = 3.0


def measure() -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kdlab-first-draw-") as home:
        server = AppServer(Path(home))
        started_in = server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                page = browser.new_page()
                server_cpu = cpu_seconds(server.pid)
                opened = time.monotonic()
                page.goto(f"{server.url}/temperature")
                page.wait_for_selector(PROGRESS, timeout=120_000)
                progress_s = time.monotonic() - opened
                other = browser.new_page()
                other_opened = time.monotonic()
                other.goto(f"{server.url}/distill")
                other.get_by_text("Distill a student").first.wait_for(timeout=120_000)
                other_s = time.monotonic() - other_opened
                page.wait_for_selector(METRIC, timeout=300_000)
                drawn_s = time.monotonic() - opened
                workers = [p for p in descendants(server.pid) if p != server.pid]
                result = {"server_start_s": round(started_in, 2), "progress_bar_s": round(progress_s, 2),
                          "other_page_while_training_s": round(other_s, 2), "page_drawn_s": round(drawn_s, 2),
                          "server_cpu_s": round(cpu_seconds(server.pid) - server_cpu, 2),
                          "worker_cpu_s": round(sum(cpu_seconds(p) for p in workers), 2),
                          "load_average": load_average()}
                browser.close()
        finally:
            server.stop()
    return result


def drawn_in(browser, url: str) -> float:
    """Seconds from opening ``url`` in a new browser context (a new session) until the page's metrics show."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    opened = time.monotonic()
    page.goto(url)
    page.wait_for_selector(METRIC, timeout=300_000)
    seconds = time.monotonic() - opened
    context.close()
    return round(seconds, 2)


def drawn_after_home(browser, url: str) -> float:
    """Seconds from clicking the Temperature page's link in the sidebar until its metrics show, in a new browser
    context that opened the home page first: a class's path (the lesson starts at home), where the browser already
    holds Streamlit's scripts and the session is open, so what is timed is the page's own script and its charts."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{url}/home?lang=en")
    page.locator("h1").first.wait_for(timeout=300_000)
    time.sleep(HOME_READ_S)  # a student reads the home page before clicking on: its script has finished meanwhile
    opened = time.monotonic()
    page.locator('[data-testid="stSidebarNav"] a[href$="/temperature"]').first.dispatch_event("click")
    page.wait_for_selector(METRIC, timeout=300_000)
    seconds = time.monotonic() - opened
    context.close()
    return round(seconds, 2)


def measure_warm() -> dict:
    """The Temperature page on a fresh server whose start-up warm-up has cached its teacher."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kdlab-first-draw-") as home:
        os.environ["KDLAB_HOME"] = home
        from kdlab.teacher_warmup import at_start_up
        from kdlab.teachers import teacher_path

        server = AppServer(Path(home), {"KDLAB_WARM_TEACHERS": "pages"})
        started_in = server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                first = browser.new_page()
                opened = time.monotonic()
                first.goto(f"{server.url}/home?lang=en")
                first.locator("h1").first.wait_for(timeout=300_000)
                home_s = time.monotonic() - opened
                while not all(teacher_path(config).exists() for config in at_start_up("pages")):
                    if time.monotonic() - opened > 900:
                        raise SystemExit("the warm-up did not cache its teachers in 900 s")
                    time.sleep(0.2)
                warm_s = time.monotonic() - opened
                time.sleep(2)  # the warm-up's worker has written the file; let it settle
                cpu = cpu_seconds(server.pid)
                result = {"server_start_s": round(started_in, 2), "first_home_page_s": round(home_s, 2),
                          "warm_up_finished_after_s": round(warm_s, 2),
                          "temperature_first_visit_s": drawn_in(browser, f"{server.url}/temperature?lang=en"),
                          "temperature_second_visit_s": drawn_in(browser, f"{server.url}/temperature?lang=en"),
                          "server_cpu_both_visits_s": round(cpu_seconds(server.pid) - cpu, 2)}
                result.update({f"temperature_from_home_{n}_s": drawn_after_home(browser, server.url) for n in (1, 2, 3, 4)})
                result["load_average"] = load_average()
                browser.close()
        finally:
            server.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warm", action="store_true", help="teachers warmed up at start-up, then the page")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure_warm() if args.warm else measure()
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:30} {value}")


if __name__ == "__main__":
    main()
