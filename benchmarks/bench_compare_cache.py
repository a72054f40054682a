"""The server's memory while one browser opens many large runs on Compare, one after another (issue 24, case 7).

Each run re-opened on Compare is kept by the server (``LoadedRuns``) so that the next rerun does not load it again;
that cache is bounded by the ``loaded_runs_mb`` setting, not by a count, since one run of a large model holds
hundreds of MB. ``--runs`` finished runs, each with a ~``depth·hidden²``-parameter MLP student and baseline (weights
as built: Compare does not care), are written into a fresh KDLAB_HOME; a real ``streamlit run app.py`` serves them
and real Chromium opens each on Compare until its table is drawn. Printed: one run's bytes as the cache counts them,
the budget, the server's RSS before and its peak, and how far the peak went past the budget.

    python benchmarks/bench_compare_cache.py [--runs 32] [--hidden 2048 --depth 5] [--budget-mb 1024] [--json]
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
from app_harness import CHROMIUM, CHROMIUM_ARGS, AppServer, load_average, rss_bytes  # noqa: E402
from bench_upload_storm import ServerRss  # noqa: E402

TABLE = '[data-testid="stDataFrame"], [data-testid="stTable"]'


def make_runs(home: Path, count: int, hidden: int, depth: int) -> tuple[list[str], int]:
    """``count`` finished runs in ``home``'s store (their teacher trained once, into its cache); returns their ids
    and one run's bytes as ``LoadedRuns`` counts them."""
    os.environ["KDLAB_HOME"] = str(home)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from kdlab.config import RunConfig
    from kdlab.models import InputSpec, build_model
    from kdlab.runs.loading import load_run, run_bytes
    from kdlab.runs.store import RunStore
    from kdlab.teachers import load_teacher
    from kdlab.train import prepare_teacher

    config = RunConfig(dataset="digits", teacher="mlp-small", student="mlp", student_kw={"hidden": hidden,
                                                                                          "depth": depth})
    prepare_teacher(config)
    spec, store, ids = InputSpec.of(load_teacher(config)[1]), RunStore(), []
    for seed in range(count):  # one teacher for all (the run's seed picks it): Compare waits on no worker
        run = store.create(config.to_dict(), "default")
        weights = {role: build_model("mlp", spec, seed, config.student_kw).state_dict()
                   for role in ("student", "baseline")}
        store.finish(run, {"student_acc": 0.1, "teacher_acc": 0.1, "baseline_acc": 0.1}, weights)
        ids.append(run)
    return ids, run_bytes(load_run(store, ids[0]))


def measure(count: int, hidden: int, depth: int, budget_mb: int) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kdlab-compare-cache-") as home:
        ids, one_run = make_runs(Path(home), count, hidden, depth)
        server = AppServer(Path(home), {"KDLAB_WARM_TEACHERS": "none", "KDLAB_LOADED_RUNS_MB": str(budget_mb)})
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                page = browser.new_page()
                page.set_default_timeout(300_000)
                page.goto(f"{server.url}/home?lang=en")
                page.locator(".st-key-home_demo").wait_for()
                before = rss_bytes(server.pid)
                started = time.monotonic()
                with ServerRss(server.pid) as rss:
                    for run_id in ids:
                        page.goto(f"{server.url}/compare?lang=en&ws=default&run={run_id}")
                        page.get_by_text(run_id).first.wait_for()
                        page.locator(TABLE).first.wait_for()
                seconds = time.monotonic() - started
                browser.close()
        finally:
            server.stop()
    budget = budget_mb * 2**20
    return {"runs": count, "run_mb": round(one_run / 2**20), "budget_mb": budget_mb,
            "server_rss_before_mb": before // 2**20, "server_rss_peak_mb": rss.peak // 2**20,
            "peak_over_before_mb": (rss.peak - before) // 2**20,
            "peak_past_budget_mb": max(0, rss.peak - before - budget) // 2**20,
            "seconds_per_run": round(seconds / count, 2), "load_average": load_average()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=2048)
    parser.add_argument("--depth", type=int, default=5)
    parser.add_argument("--budget-mb", type=int, default=1024, help="the server's loaded_runs_mb setting")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.runs, args.hidden, args.depth, args.budget_mb)
    print(json.dumps(result) if args.json else "\n".join(f"{k:22} {v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
