"""Another browser's home page while one browser exports a large student to ONNX, in real Chromium.

A finished run with a ~17M-parameter MLP student (digits; its weights as built, no training: an export does not
care) is written into a fresh KDLAB_HOME, owned by browser A. A real ``streamlit run app.py`` serves it. Browser A
opens Compress and presses "Export to ONNX and check it"; while that export runs (on a worker process, or in the
server's own process in code before the job queue took it over), fresh browser contexts (B: a new session each,
as a new student would) open the home page again and again, and the seconds until its Quick demo button is drawn
are recorded, as before the export and after it. Printed: those times, the export's seconds, the server's peak
RSS (its workers included) and its own CPU seconds.

The server starts with ``warm_teachers = "none"``: what is measured is the export's load, not that of the teachers a
fresh server trains at start-up (with those training too, a home page took 2.3-4.4 s before, during and after the
export alike, since the browsers here share the server's two cores). ``--warm-teachers lessons`` measures that.

    python benchmarks/bench_export_load.py [--hidden 2048 --depth 5] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from app_harness import (CHROMIUM, CHROMIUM_ARGS, AppServer, Monitor, cpu_seconds, load_average,  # noqa: E402
                         rss_bytes)

OWNER = "a" * 32
HOME_DRAWN = ".st-key-home_demo button"
ONNX_BUTTON = ".st-key-compress_prepare_onnx button"


def make_run(home: Path, hidden: int, depth: int) -> tuple[str, int]:
    """A finished run owned by OWNER whose student has ~``depth·hidden²`` parameters; returns (id, parameters)."""
    os.environ["KDLAB_HOME"] = str(home)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from kdlab.config import RunConfig
    from kdlab.data import load_dataset
    from kdlab.models import InputSpec, build_model, parameter_count
    from kdlab.runs.store import RunStore

    config = RunConfig(dataset="digits", teacher="mlp-small", student="mlp", baseline=False,
                       student_kw={"hidden": hidden, "depth": depth})
    student = build_model("mlp", InputSpec.of(load_dataset("digits")), 0, config.student_kw)
    store = RunStore()
    run_id = store.create(config.to_dict(), "default", owner=OWNER)
    store.finish(run_id, {"student_acc": 0.1, "teacher_acc": 0.1}, {"student": student.state_dict()})
    row = {"accuracy": 0.1, "macro_f1": 0.1, "agreement": 1.0, "params": parameter_count(student),
           "nonzero_params": parameter_count(student), "bytes": 4 * parameter_count(student), "flops": 1,
           "latency_ms_batch1": 1.0, "latency_ms_batch64": 1.0, "threads": 1, "repeats": 1, "weight_sparsity": 0.0,
           "notes": [], "steps": []}
    store.put_variants(run_id, [("teacher", "teacher", row, None), ("student", "student", row, None)])
    return run_id, parameter_count(student)


def home_seconds(browser, url: str) -> float:
    """A new session (its own context) opens the home page: seconds until its Quick demo button is drawn."""
    context = browser.new_context()
    context.set_default_timeout(180_000)
    try:
        page = context.new_page()
        started = time.monotonic()
        page.goto(f"{url}/home?ws=default")
        page.wait_for_selector(HOME_DRAWN, timeout=120_000)
        return time.monotonic() - started
    finally:
        context.close()


def measure(hidden: int, depth: int, before: int, warm_teachers: str) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kdlab-export-load-") as home:
        run_id, params = make_run(Path(home), hidden, depth)
        server = AppServer(Path(home), {"KDLAB_WARM_TEACHERS": warm_teachers})
        server.start()
        monitor = Monitor(server.pid).start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                owner = browser.new_context()
                owner.set_default_timeout(180_000)
                owner.add_cookies([{"name": "kdlab_browser", "value": OWNER, "url": server.url}])
                page = owner.new_page()
                page.goto(f"{server.url}/compress?ws=default&run={run_id}")
                page.wait_for_selector(ONNX_BUTTON, timeout=120_000)
                idle = [home_seconds(browser, server.url) for _ in range(before)]
                cpu_before, rss_before = cpu_seconds(server.pid), rss_bytes(server.pid)
                started = time.monotonic()
                page.click(ONNX_BUTTON)
                during = []
                checked = page.get_by_text(re.compile("onnxruntime (predicts|agrees)"))  # today's words, or before
                while not checked.count() and time.monotonic() - started < 600:
                    during.append(home_seconds(browser, server.url))
                export_s, seen = time.monotonic() - started, checked.count() > 0
                rss_after = rss_bytes(server.pid)
                after = [home_seconds(browser, server.url) for _ in range(before)]
                browser.close()
        finally:
            monitor.stop()
            server_cpu = cpu_seconds(server.pid) - cpu_before
            server.stop()
    return {"warm_teachers": warm_teachers, "student_params": params, "export_seconds": round(export_s, 1), "checked": seen,
            "home_before_s": [round(s, 2) for s in idle], "home_during_s": [round(s, 2) for s in during],
            "home_after_s": [round(s, 2) for s in after], "server_cpu_during_s": round(server_cpu, 1),
            "server_rss_before_mb": round(rss_before / 2**20),
            "server_rss_after_mb": round(rss_after / 2**20), "peak_rss_tree_mb": round(monitor.peak_rss / 2**20),
            "load_average": load_average()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, default=2048)
    parser.add_argument("--depth", type=int, default=5)
    parser.add_argument("--before", type=int, default=3, help="home-page loads before and after the export")
    parser.add_argument("--warm-teachers", default="none", help="the server's warm_teachers setting")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    out = measure(args.hidden, args.depth, args.before, args.warm_teachers)
    print(json.dumps(out) if args.json else "\n".join(f"{k}: {v}" for k, v in out.items()))


if __name__ == "__main__":
    main()
