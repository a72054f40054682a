"""How long the Temperature page takes to re-render when the T slider moves (the budget is 150 ms of server time).

Drives the real app through Streamlit's AppTest (app.py's navigation, the sidebar, the page) in this process and
times ``at.slider("temperature_t").set_value(v).run()``: one full script rerun, as a browser's slider move causes,
plus AppTest's own small overhead. The page and its cached test-set logits are warmed up first (the first visit
waits while a worker trains the teacher, or loads it; a new sample builds its charts once); then T moves through
``--moves`` values, each different from the one before, and the median and 90th percentile of the wall time are printed, with the CPU time
of this process per move (on a busy machine the wall time includes waiting for a core; the CPU time does not).

    python benchmarks/bench_temperature_page.py                 # the default teacher, no run yet
    python benchmarks/bench_temperature_page.py --with-student  # a tiny finished run: teacher and student
    python benchmarks/bench_temperature_page.py --json

The teacher cache lives in ``$KDLAB_HOME`` if set, else in a temporary folder removed at exit (the default teacher,
cnn-large on digits, is then trained once first: about ten seconds on an idle CPU).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing kdlab
if "KDLAB_HOME" not in os.environ:
    _home = tempfile.TemporaryDirectory(prefix="kdlab-bench-")
    os.environ["KDLAB_HOME"] = _home.name

from streamlit.testing.v1 import AppTest  # noqa: E402

from kdlab import RunConfig  # noqa: E402
from kdlab.runs.store import ACTIVE, RunStore  # noqa: E402
from kdlab.serve.jobs import JobRunner  # noqa: E402

VALUES = (1.0, 2.0, 4.0, 8.0, 12.0, 20.0, 0.5, 3.0, 6.0, 16.0)


def tiny_run() -> str:
    """A finished digits run (cnn-large for 4 epochs -> mlp-small for 3) recorded in the store, like the app's."""
    runner = JobRunner(RunStore())
    run_id = runner.submit(RunConfig(teacher_epochs=4, epochs=3, batch_size=128, baseline=False), "bench")
    while runner.store.get(run_id).status in ACTIVE:
        time.sleep(0.2)
    record = runner.store.get(run_id)
    if record.status != "finished":
        raise SystemExit(f"the benchmark's run ended as {record.status}: {record.error}")
    return run_id


def wait_for_teachers() -> None:
    """Until the app's job runner has no teacher job queued or running."""
    from ui.common import runner

    while any(job.status in ("queued", "running") for job in list(runner().teachers.values())):
        time.sleep(0.2)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=30, help="timed slider moves (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed slider moves first (default 3)")
    parser.add_argument("--sample", type=int, default=7, help="test sample shown (default 7)")
    parser.add_argument("--with-student", action="store_true", help="select a tiny finished run first")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    if args.with_student:
        run_id = tiny_run()
        at.session_state["kdlab_runs"] = [run_id]
        at.session_state["kdlab_selected_run"] = run_id
    at.run()
    started = time.perf_counter()
    at.switch_page("app_pages/temperature.py").run()
    wait_for_teachers()  # a fresh KDLAB_HOME: a worker process trains the default teacher while the page waits
    at.run()
    first_visit = time.perf_counter() - started
    at.number_input(key="temperature_sample").set_value(args.sample).run()
    for i in range(args.warmup):
        at.slider(key="temperature_t").set_value(VALUES[-1 - i]).run()

    wall, cpu = [], []
    for i in range(args.moves):
        slider = at.slider(key="temperature_t")
        value = VALUES[i % len(VALUES)]
        if value == slider.value:
            value = VALUES[(i + 1) % len(VALUES)]
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        at.slider(key="temperature_t").set_value(value).run()
        wall.append(1000 * (time.perf_counter() - wall_start))
        cpu.append(1000 * (time.process_time() - cpu_start))
        if at.exception or at.error:
            raise SystemExit(f"the page failed at T = {value}: {[e.value for e in (*at.exception, *at.error)]}")

    result = {"moves": len(wall), "with_student": args.with_student, "first_visit_s": round(first_visit, 2),
              "wall_median_ms": round(statistics.median(wall), 1), "wall_p90_ms": round(percentile(wall, 0.9), 1),
              "cpu_median_ms": round(statistics.median(cpu), 1), "cpu_p90_ms": round(percentile(cpu, 0.9), 1),
              "budget_ms": 150, "load_average_1min": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()}
    if args.json:
        print(json.dumps(result))
        return
    print(f"Temperature page, T slider moves ({result['moves']} timed, "
          f"{'teacher and student' if args.with_student else 'default teacher only'}):")
    print(f"  wall  median {result['wall_median_ms']:.1f} ms   p90 {result['wall_p90_ms']:.1f} ms   (budget 150 ms)")
    print(f"  CPU   median {result['cpu_median_ms']:.1f} ms   p90 {result['cpu_p90_ms']:.1f} ms")
    print(f"  first visit {result['first_visit_s']:.2f} s; load average {result['load_average_1min']} on "
          f"{result['cpus']} CPUs")


if __name__ == "__main__":
    main()
