"""Sweeps and searches: the seed statistics on constructed data with known answers, the spec's validation, a grid
and an Optuna search recorded as ordinary runs, resume after a kill, the CLI, and Ray giving the local executor's
exact numbers."""
from __future__ import annotations

import json
import math
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kdlab.cli import main
from kdlab.config import MAX_SEED, RunConfig
from kdlab.sweeps.methods import plan as methods_plan
from kdlab.runs.store import RunStore
from kdlab.runs.sweep_store import DriverLease, SweepRecords
from kdlab.policy.settings import ServerSettings
from kdlab.stats import difference_summary, interval_verdict, seed_summary
from kdlab.sweeps.driver import load_spec, run_sweep
from kdlab.sweeps.results import interval_text
from kdlab.sweeps.executors import InlineExecutor, LocalExecutor
from kdlab.sweeps.results import best_cell, build_cells
from kdlab.sweeps.spec import SearchRange, SweepSpec, parse_axis, parse_range, trial_key
from kdlab.viz.sweep_figures import DEFAULT_LABELS, cell_text, report_rows, report_table, sweep_figure
from tests.conftest import tiny_config

REPO = Path(__file__).resolve().parents[1]
T_975_2 = 4.302652729911275  # Student's t, 97.5th percentile, 2 degrees of freedom
TOO_BIG = f"{{name}} must be an integer >= 0 and <= 4294967295 (2**32 - 1), got {10**30}"
TINY = ["--dataset", "digits", "--teacher", "cnn-large", "--student", "mlp-small", "--teacher-epochs", "2",
        "--epochs", "2", "--batch-size", "128", "--train-limit", "300"]


def base(**overrides) -> dict:
    return tiny_config(teacher_epochs=2, epochs=2, train_limit=300, **overrides).validate().to_dict()


# --- statistics -------------------------------------------------------------------------------------------------

def test_seed_summary_gives_mean_sample_std_and_the_t_interval():
    s = seed_summary([1.0, 2.0, 3.0])
    assert (s["mean"], s["std"], s["n"]) == (2.0, 1.0, 3)
    half = T_975_2 * 1.0 / math.sqrt(3)
    assert s["low"] == pytest.approx(2 - half) and s["high"] == pytest.approx(2 + half)


def test_one_seed_has_no_spread_and_no_interval():
    assert seed_summary([0.9]) == {"mean": 0.9, "std": None, "n": 1, "low": None, "high": None}
    assert seed_summary([])["n"] == 0
    assert interval_verdict(seed_summary([0.05])) == "no_difference"  # one run cannot call a difference


def test_a_gain_is_called_only_when_its_interval_leaves_zero():
    assert interval_verdict(seed_summary([0.010, 0.012, 0.011])) == "better"
    assert interval_verdict(seed_summary([-0.010, -0.012, -0.011])) == "worse"
    assert interval_verdict(seed_summary([0.02, -0.01, 0.005])) == "no_difference"  # noisy: crosses zero


def test_difference_of_two_groups_uses_welch():
    assert interval_verdict(difference_summary([0.9, 0.91, 0.92], [0.80, 0.81, 0.82])) == "better"
    assert interval_verdict(difference_summary([0.9, 0.8, 0.85], [0.86, 0.84, 0.85])) == "no_difference"
    same = difference_summary([0.5, 0.5], [0.5, 0.5])
    assert (same["diff"], same["low"], same["high"]) == (0.0, None, None)
    ahead = difference_summary([0.6, 0.6], [0.5, 0.5])  # one image ahead on both seeds: a tie, not a certainty
    assert interval_verdict(ahead) == "no_difference"
    assert interval_verdict(seed_summary([1 / 360, 1 / 360])) == "no_difference"
    # equal variances and sizes: Welch's dof is 2(n-1) = 4 and se = sqrt(2 s²/n)
    d = difference_summary([1.0, 2.0, 3.0], [0.0, 1.0, 2.0])
    assert d["high"] - d["diff"] == pytest.approx(2.7764451051977987 * math.sqrt(2 / 3))


# --- every consumer of the statistics takes every case: one seed, seeds that tie, seeds that spread ---------------

IMAGES = 360  # digits' test set: one image is 0.28 points, so seeds often tie
seed_pairs = st.lists(st.tuples(st.integers(250, IMAGES), st.integers(250, IMAGES)), min_size=1, max_size=3)
tied_pairs = st.builds(lambda lead, students: [(s, s - lead) for s in students], st.integers(-3, 3),
                       st.lists(st.integers(260, IMAGES - 5), min_size=2, max_size=3))
VISIBLE_NONSENSE = re.compile(r"\bNone\b|\bnan\b|\binf\b", re.IGNORECASE)


def grid_report(axes: dict, cells_seeds: list[list[tuple[int, int]]]) -> dict:
    """A grid's report built from finished trials with these (student, baseline) test images right per seed."""
    order = SweepSpec({}, axes=axes).cells()
    trials = [{"key": trial_key(values, seed), "status": "finished", "run_id": f"run-{i}-{seed}", "error": None,
               "summary": {"student_acc": s / IMAGES, "baseline_acc": b / IMAGES, "agreement": 0.9,
                           "student_macro_f1": s / IMAGES, "baseline_macro_f1": b / IMAGES}}
              for i, (values, seeds) in enumerate(zip(order, cells_seeds)) for seed, (s, b) in enumerate(seeds)]
    cells = build_cells(trials, order)
    return {"sweep_id": "sweep-20260101-000000-abcdef", "kind": "grid", "axes": axes, "cells": cells,
            "best": best_cell(cells, "gain"), "objective": "gain"}


@settings(deadline=None, database=None, max_examples=60)
@given(st.lists(seed_pairs | tied_pairs, min_size=4, max_size=4), st.sampled_from([1, 2]))
def test_the_report_figures_table_csv_and_cli_take_every_case_and_never_show_none(cells_seeds, n_axes):
    axes = {"temperature": [1.0, 4.0], "terms.soft": [0.3, 0.7]} if n_axes == 2 else {"temperature": [1.0, 2.0, 4.0, 8.0]}
    report = grid_report(axes, cells_seeds)
    figure = sweep_figure(report)
    shown = json.dumps(figure) + json.dumps(report_table(report)) + " ".join(
        interval_text(c["stats"]["gain"], "gain") for c in report["cells"])
    assert not VISIBLE_NONSENSE.search(shown), shown
    assert all(v is not None for row in report_rows(report) for v in row.values())
    for cell in report["cells"]:
        hover = cell_text(cell)
        gains = {s - b for s, b in cells_seeds[report["cells"].index(cell)]}
        if cell["n"] == 1:
            assert DEFAULT_LABELS["one_seed"] in hover and "±" not in hover
        elif len(gains) == 1:  # every seed the same images ahead: a tie, said so, never a verdict
            assert DEFAULT_LABELS["tie"] in hover and cell["verdict"] == "no_difference"
        else:
            assert "95 % interval" in hover and " ± " in hover
        assert ("1 seed" if cell["n"] == 1 else f"{cell['n']} seeds") in hover


# --- the spec ---------------------------------------------------------------------------------------------------

def test_axes_and_ranges_parse_to_typed_values():
    assert parse_axis("temperature=1,2,4.5") == ("temperature", [1, 2, 4.5])
    assert parse_axis("student=mlp-small,mlp") == ("student", ["mlp-small", "mlp"])
    assert parse_range("temperature=1:20:log") == ("temperature", SearchRange(1, 20, log=True))
    assert parse_range("epochs=2:8:int") == ("epochs", SearchRange(2, 8, integer=True))
    assert parse_range("student=mlp-small,mlp") == ("student", SearchRange(choices=["mlp-small", "mlp"]))


def test_grid_cells_are_every_combination_in_order():
    spec = SweepSpec(base(), axes={"temperature": [1, 4], "terms.soft": [0.5, 0.9]}, seeds=[0, 1]).validate()
    assert spec.cells() == [{"temperature": 1, "terms.soft": 0.5}, {"temperature": 1, "terms.soft": 0.9},
                            {"temperature": 4, "terms.soft": 0.5}, {"temperature": 4, "terms.soft": 0.9}]
    assert spec.total() == 8


@pytest.mark.parametrize("spec, message", [
    ({"axes": {"temprature": [1]}}, "unknown axis 'temprature'"),
    ({"axes": {"temperature": [1, 0]}}, "temperature=0: temperature must be > 0"),
    ({"axes": {"seed": [1, 2]}}, "seeds are given with --seeds"),
    ({"axes": {"terms.soft": [0.5]}, "seeds": [1, 1]}, "a seed is listed twice"),
    ({"axes": {"terms.nonsense": [1.0]}}, "unknown loss term 'nonsense'"),
    ({"kind": "search", "ranges": {"temperature": SearchRange(0, 4, log=True)}, "trials": 3}, "log range"),
    ({"kind": "search", "ranges": {"terms.soft": SearchRange(0, 1)}, "trials": 0}, "trials must be an integer >= 1, got 0"),
    ({"axes": {"terms.soft": [0.5]}, "objective": "loss"}, "unknown objective 'loss'"),
])
def test_a_bad_spec_is_one_clear_value_error(spec, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        SweepSpec(base(), **spec).validate()


# --- a grid, recorded -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def grid() -> tuple[dict, RunStore]:
    spec = SweepSpec(base(), axes={"temperature": [1.0, 4.0]}, seeds=[0, 1]).validate()
    store = RunStore()
    return run_sweep(spec, InlineExecutor(str(store.path)), store), store


def test_a_grid_reports_every_cell_with_its_seeds_and_interval(grid):
    report, _ = grid
    assert report["trials_done"] == report["trials_total"] == 4
    assert [c["values"] for c in report["cells"]] == [{"temperature": 1.0}, {"temperature": 4.0}]
    for cell in report["cells"]:
        assert [row["seed"] for row in cell["seeds"]] == [0, 1] and cell["n"] == 2
        accs = [row["student_acc"] for row in cell["seeds"]]
        assert cell["stats"]["student_acc"] == seed_summary(accs)
        assert cell["verdict"] in ("better", "worse", "no_difference")
    assert report["best"]["values"] in [c["values"] for c in report["cells"]]


def test_every_trial_is_an_ordinary_run_tagged_with_its_sweep_and_the_teacher_came_from_the_cache(grid):
    report, store = grid
    trials = SweepRecords(store).trials(report["sweep_id"])
    assert len(trials) == 4 and {t["status"] for t in trials} == {"finished"}
    for trial in trials:
        record = store.get(trial["run_id"])
        assert record.source == "sweep" and record.summary["teacher_cached"] is True  # trained before fan-out
        assert record.config["temperature"] == json.loads(trial["key"])["values"]["temperature"]
    sweep = SweepRecords(store).get(report["sweep_id"])
    assert sweep.status == "finished" and sweep.report["cells"] == report["cells"]


# --- a search ---------------------------------------------------------------------------------------------------

def test_a_search_stopped_after_two_trials_resumes_with_those_two_kept():
    spec = SweepSpec(base(), kind="search", ranges={"temperature": SearchRange(1, 20, log=True),
                                                    "terms.soft": SearchRange(0, 1)}, trials=3, objective="gain").validate()
    store = RunStore()

    def stop_after_two(report, trial):
        if report["trials_done"] == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, InlineExecutor(str(store.path)), store, progress=stop_after_two)
    sweep_id = next(s.id for s in SweepRecords(store).list() if s.kind == "search" and s.status == "cancelled")
    first = {t["key"]: t["run_id"] for t in SweepRecords(store).trials(sweep_id)}
    report = run_sweep(spec, InlineExecutor(str(store.path)), store, resume=sweep_id)
    trials = SweepRecords(store).trials(sweep_id)
    assert report["trials_done"] == 3 and len(trials) == 3
    assert {t["key"]: t["run_id"] for t in trials if t["key"] in first} == first  # not redone
    for cell in report["cells"]:
        t, alpha = cell["values"]["temperature"], cell["values"]["terms.soft"]
        assert t >= 1 and t <= 20 and alpha >= 0 and alpha <= 1  # inside the searched ranges
    assert report["best"]["objective"] == "gain"


# --- the CLI, and resume after a real kill ----------------------------------------------------------------------

def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_sweep_cli_prints_the_report_as_json(capsys):
    code, out, err = run_cli(capsys, "sweep", *TINY, "--grid", "terms.soft=0.5,0.9", "--seeds", "0", "--json")
    assert code == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    assert [c["values"] for c in report["cells"]] == [{"terms.soft": 0.5}, {"terms.soft": 0.9}]
    assert {"mean", "std", "n", "low", "high"} <= set(report["cells"][0]["stats"]["student_acc"])
    assert "[sweep] 2/2" in err


@pytest.mark.parametrize("argv, message", [
    (["sweep", "--grid", "temperature=0,1"], "kdlab: error: temperature=0: temperature must be > 0"),
    (["sweep", "--grid", "nonsense=1"], "kdlab: error: unknown axis 'nonsense'"),
    (["sweep", "--grid", "terms.soft"], "kdlab: error: --grid takes name=v1,v2"),
    (["tune", "--search", "terms.soft=0:1:cubic"], "kdlab: error: --search terms.soft: a range flag is log or int"),
    (["sweep", "--grid", "terms.soft=0.5", "--seeds", "a"], "kdlab: error: --seeds takes whole numbers"),
    (["sweep", "--resume", "sweep-nope"], "kdlab: error: no sweep with id 'sweep-nope'"),
    (["tune", *TINY, "--search", "terms.soft=0:1", "--prune", "--ray", "local"],
     "kdlab: error: --prune cannot apply to Ray tasks"),
    (["sweep", "--grid", "terms.soft=0.5", "--seeds", f"0,{10**30}"], f"kdlab: error: {TOO_BIG.format(name='seed')}"),
    (["sweep", "--grid", "terms.soft=0.5", "--seed", str(2**32)], "kdlab: error: seed must be an integer >= 0 and <= "),
    (["tune", "--search", "terms.soft=0:1", "--seeds", f"{10**30}"], f"kdlab: error: {TOO_BIG.format(name='seed')}"),
    (["tune", "--search", "terms.soft=0:1", "--sampler-seed", str(2**32)], "kdlab: error: sampler_seed must be an integer >= 0"),
    (["distill", "--seed", str(10**30)], f"kdlab: error: {TOO_BIG.format(name='seed')}"),
    (["compare-methods", "--seeds", f"0,{10**30}"], f"kdlab: error: {TOO_BIG.format(name='seed')}"),
])
def test_bad_sweep_input_is_one_error_line_and_exit_2(capsys, argv, message):
    sweeps_before = len(SweepRecords(RunStore()).list())
    code, _out, err = run_cli(capsys, *argv)
    assert code == 2 and err.startswith(message) and len(err.strip().splitlines()) == 1, err
    assert len(SweepRecords(RunStore()).list()) == sweeps_before  # nothing was created to fail later


def test_seeds_are_bounded_where_they_enter_and_the_bounds_themselves_are_seeds():
    SweepSpec(base(), axes={"terms.soft": [0.5]}, seeds=[0, MAX_SEED], sampler_seed=MAX_SEED).validate()
    RunConfig(seed=MAX_SEED).validate()
    for make in (lambda: RunConfig(seed=MAX_SEED + 1).validate(), lambda: RunConfig(seed=10**5000).validate(),
                 lambda: SweepSpec(base(), axes={"terms.soft": [0.5]}, seeds=[0, 10**30]).validate(),
                 lambda: methods_plan(RunConfig(), ["kd"], [0, 10**30])):
        with pytest.raises(ValueError, match=r"must be an integer >= 0 and <= 4294967295 \(2\*\*32 - 1\), got "):
            make()


@pytest.mark.slow  # sweeps in subprocesses, pools or Ray (over 10 s)
def test_a_killed_sweep_resumes_without_redoing_finished_trials():
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    argv = [sys.executable, "-m", "kdlab", "sweep", *TINY, "--grid", "temperature=2,3,5", "--seeds", "0"]
    with subprocess.Popen(argv, cwd=REPO, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                          text=True) as sweep:
        for line in sweep.stderr:  # wait for the first finished trial, then kill the driver mid-sweep
            if line.startswith("[sweep] 1/3"):
                sweep.kill()
                break
        sweep.wait()
    store = RunStore()
    sweep_id = next(s.id for s in SweepRecords(store).list() if s.spec["axes"] == {"temperature": [2, 3, 5]})
    before = SweepRecords(store).trials(sweep_id)
    done_before = {t["key"]: t["run_id"] for t in before if t["status"] == "finished"}
    assert len(done_before) >= 1
    resumed = subprocess.run([sys.executable, "-m", "kdlab", "sweep", "--resume", sweep_id, "--json"], cwd=REPO,
                             env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(resumed.stdout.strip().splitlines()[-1])
    assert report["trials_done"] == 3 and len(report["cells"]) == 3
    after = SweepRecords(store).trials(sweep_id)
    assert {t["key"]: t["run_id"] for t in after if t["key"] in done_before and t["status"] == "finished"} \
        == done_before
    assert all(t["status"] in ("finished", "interrupted") for t in after)
    assert SweepRecords(store).get(sweep_id).status == "finished"


def children(pid: int) -> list[int]:
    """The live processes whose parent is ``pid`` (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # ended while we looked
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` still runs: a zombie (killed, not yet reaped by whoever adopted it) does not."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def sweep_runs(store: RunStore, sweep_id: str) -> dict[str, str]:
    return {t["run_id"]: t["status"] for t in SweepRecords(store).trials(sweep_id)}


@pytest.mark.slow  # sweeps in subprocesses, pools or Ray (over 10 s)
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_driver_takes_its_pool_workers_with_it_and_the_resume_records_each_trial_once():
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    grid = "temperature=2,3,5,7"
    argv = [sys.executable, "-m", "kdlab", "sweep", *TINY, "--epochs", "12", "--grid", grid, "--seeds", "0",
            "--workers", "2"]
    store, records = RunStore(), SweepRecords(RunStore())
    with subprocess.Popen(argv, cwd=REPO, env=env, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL) as driver:
        deadline, sweep_id, workers = time.monotonic() + 300, None, []
        while not (sweep_id and list(sweep_runs(store, sweep_id).values()).count("running") == 2):
            assert driver.poll() is None and time.monotonic() < deadline, "two trials never ran at once"
            sweep_id = sweep_id or next((r.id for r in records.list() if r.spec["axes"] == {"temperature": [2, 3, 5, 7]}
                                         and r.driver and r.driver.split(":")[1] == str(driver.pid)), None)
            time.sleep(0.1)
        workers = [pid for pid in children(driver.pid) if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]
        assert len(workers) == 2, workers
        driver.kill()  # SIGKILL: the driver runs no clean-up of its own
    at_kill = sweep_runs(store, sweep_id)
    deadline = time.monotonic() + 15
    while any(alive(pid) for pid in workers):
        assert time.monotonic() < deadline, f"orphaned workers still alive: {[p for p in workers if alive(p)]}"
        time.sleep(0.1)
    after_kill = sweep_runs(store, sweep_id)
    assert not [r for r, status in at_kill.items() if status == "running" and after_kill[r] == "finished"]
    resumed = subprocess.run([sys.executable, "-m", "kdlab", "sweep", "--resume", sweep_id, "--workers", "2", "--json"],
                             cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    trials = SweepRecords(store).trials(sweep_id)
    finished = [t["key"] for t in trials if t["status"] == "finished"]
    assert sorted(finished) == sorted(set(finished)) and len(finished) == 4  # each trial key finished once
    assert json.loads(resumed.stdout.strip().splitlines()[-1])["trials_done"] == 4
    for run_id in [r for r, status in at_kill.items() if status == "running"]:
        with pytest.raises(sqlite3.IntegrityError, match="not recorded twice"):  # an orphan's late finish
            store.finish(run_id, {"student_acc": 1.0}, {})
    assert list((Path(os.environ["KDLAB_HOME"]) / "sweep-stops").glob(f"driver-{driver.pid}-*"))  # not in /tmp


def test_the_store_finishes_a_trial_key_once_and_never_a_trial_a_resume_redoes():
    store = RunStore()
    records = SweepRecords(store)
    sweep_id = records.create("grid", SweepSpec(base(), axes={"terms.soft": [0.5]}).validate().to_dict())
    first, redo, other = (store.create(base(), source="sweep") for _ in range(3))
    key = trial_key({"terms.soft": 0.5}, 0)
    for run_id, trial in ((first, key), (redo, key), (other, trial_key({"terms.soft": 0.5}, 1))):
        records.add_trial(sweep_id, trial, run_id)
    store.set_status(first, "interrupted", "the sweep stopped during this trial")  # as a resume marks it
    with pytest.raises(sqlite3.IntegrityError, match="not recorded twice"):
        store.finish(first, {"student_acc": 0.9}, {})
    store.finish(redo, {"student_acc": 0.9}, {})
    store.set_status(first, "running")  # even back to running, its key is taken
    with pytest.raises(sqlite3.IntegrityError, match="not recorded twice"):
        store.finish(first, {"student_acc": 0.9}, {})
    store.finish(other, {"student_acc": 0.8}, {})  # another key: free
    assert [t["status"] for t in records.trials(sweep_id)] == ["running", "finished", "finished"]
    plain = store.create(base())
    store.finish(plain, {"student_acc": 0.7}, {})  # a run of no sweep: untouched by the rule
    store.set_status(plain, "finished")


# --- Ray --------------------------------------------------------------------------------------------------------

@pytest.mark.slow  # sweeps in subprocesses, pools or Ray (over 10 s)
def test_a_local_ray_gives_exactly_the_local_executors_numbers():
    pytest.importorskip("ray")
    from kdlab.sweeps.ray_executor import RayExecutor

    spec = SweepSpec(base(), axes={"temperature": [1.0, 4.0], "terms.soft": [0.5, 0.9]}, seeds=[3]).validate()
    store = RunStore()
    local_executor = LocalExecutor(2, str(store.path), threads=1)
    try:
        local = run_sweep(spec, local_executor, store)
    finally:
        local_executor.close()
    ray_executor = RayExecutor("local", cpus_per_trial=1, local_cpus=2)
    try:
        on_ray = run_sweep(spec, ray_executor, store)
    finally:
        ray_executor.close()
    numbers = ("student_acc", "baseline_acc", "student_macro_f1", "agreement")
    assert [[{k: r[k] for k in numbers} for r in c["seeds"]] for c in on_ray["cells"]] == \
        [[{k: r[k] for k in numbers} for r in c["seeds"]] for c in local["cells"]]
    assert on_ray["trials_done"] == 4
    ray_runs = [store.get(t["run_id"]) for t in SweepRecords(store).trials(on_ray["sweep_id"])]
    assert all(r.status == "finished" and store.events(r.id) for r in ray_runs)  # the driver recorded them
    assert set(store.weights(ray_runs[0].id)) == {"student", "baseline"}


@pytest.mark.slow  # sweeps in subprocesses, pools or Ray (over 10 s)
def test_a_sweep_in_a_worker_process_runs_its_trials_on_ray_and_never_starts_ray_here():
    """The app's path with KDLAB_RAY_ADDRESS: the driver runs in a worker process (kdlab.serve.workers, kind
    "sweep"), not in the server's threads."""
    pytest.importorskip("ray")
    import ray

    from kdlab.serve.queue_executor import start_in_background

    store = RunStore()
    spec = SweepSpec(base(), axes={"terms.soft": [0.5, 0.9]}, seeds=[0]).validate()
    sweep_id = start_in_background(SimpleNamespace(store=store), spec, "default", "c" * 32, ray_address="local")
    records, deadline = SweepRecords(store), time.monotonic() + 300
    while not (records.get(sweep_id).status != "running" and not records.get(sweep_id).driven()):
        assert time.monotonic() < deadline, "the sweep did not finish on Ray in time"
        time.sleep(0.5)
    record = records.get(sweep_id)
    assert record.status == "finished", record.error
    assert record.report["trials_done"] == 2 and record.owner == "c" * 32
    assert not ray.is_initialized()  # Ray ran in the worker process only


# --- the driver's lease, the owner's stop, and pruning -----------------------------------------------------------

def test_a_sweep_still_driven_is_not_resumed_twice_and_only_its_owner_may_stop_it(capsys):
    store = RunStore()
    records = SweepRecords(store)
    spec = SweepSpec(base(), axes={"terms.soft": [0.5]}, seeds=[0]).validate()
    sweep_id = records.create("grid", spec.to_dict(), owner="a" * 32)
    lease = DriverLease(records, sweep_id).acquire()
    try:
        assert records.get(sweep_id).driven()
        with pytest.raises(ValueError, match="is still being driven"):
            DriverLease(records, sweep_id).acquire()
        code, _out, err = run_cli(capsys, "sweep", "--resume", sweep_id)
        assert code == 2 and err.startswith(f"kdlab: error: sweep {sweep_id} is still being driven")
        with pytest.raises(ValueError, match="only the browser that started it"):
            records.request_stop(sweep_id, "b" * 32)
        records.request_stop(sweep_id, "a" * 32)
        assert lease.stop.wait(10)  # the driver reads the request within a heartbeat
    finally:
        lease.release()
    assert not records.get(sweep_id).driven()
    load_spec(store, sweep_id)  # free to resume now


def test_a_killed_driver_does_not_hold_its_sweep():
    store = RunStore()
    records = SweepRecords(store)
    sweep_id = records.create("grid", SweepSpec(base(), axes={"terms.soft": [0.5]}).validate().to_dict())
    dead = subprocess.Popen(["true"])
    dead.wait()
    with store._connect() as db:  # as a killed CLI leaves it: its pid, a heartbeat a moment old
        db.execute("UPDATE sweeps SET driver = ?, heartbeat = ? WHERE id = ?",
                   (f"{socket.gethostname()}:{dead.pid}:abcdef", time.time(), sweep_id))
    assert not records.get(sweep_id).driven()
    DriverLease(records, sweep_id).acquire().release()


class CurveStore:
    """The run store's events of running trials, as a pruning monitor reads them."""

    def __init__(self):
        self.curves: dict[str, list[dict]] = {}

    def events(self, run_id: str, after: int = -1) -> list[dict]:
        return [e for e in self.curves.get(run_id, []) if e["seq"] > after]


def curve(accs: list[float], baseline: float = 0.5) -> list[dict]:
    events = [{"phase": "baseline", "kind": "epoch", "epoch": i + 1, "metrics": {"test_acc": baseline}}
              for i in range(len(accs))]
    events += [{"phase": "student", "kind": "epoch", "epoch": i + 1, "metrics": {"test_acc": a, "agreement": a}}
               for i, a in enumerate(accs)]
    return [{**e, "seq": i} for i, e in enumerate(events)]


def test_a_trial_below_the_median_is_pruned_from_its_curve_and_its_other_seeds_never_start():
    from kdlab.sweeps.search import PRUNED, PruneMonitor, SearchSource

    spec = SweepSpec(base(), kind="search", ranges={"terms.soft": SearchRange(0, 1)}, trials=4, seeds=[0, 1],
                     objective="gain", prune=True).validate()
    source = SearchSource(spec, {}, ServerSettings())
    store, stopped = CurveStore(), []
    monitor = PruneMonitor(source, store, SimpleNamespace(prune=stopped.append))
    try:
        for number in (0, 1):  # two good trials, both seeds: +40 points at every epoch
            for seed in (0, 1):
                key, _config = source.next()
                store.curves[f"run-{number}-{seed}"] = curve([0.9, 0.9, 0.9])
                monitor.watch(key, f"run-{number}-{seed}")
                deadline = time.monotonic() + 10
                while store.curves[f"run-{number}-{seed}"][-1]["seq"] > monitor.runs[f"run-{number}-{seed}"]["seq"]:
                    assert time.monotonic() < deadline
                    time.sleep(0.05)
                assert monitor.ended(f"run-{number}-{seed}") is None
                source.done(key, {"student_acc": 0.9, "baseline_acc": 0.5})
        key, _config = source.next()  # a poor third trial: its first seed falls behind at once
        assert json.loads(key)["trial"] == 2
        store.curves["run-2-0"] = curve([0.4, 0.4, 0.4])
        monitor.watch(key, "run-2-0")
        deadline = time.monotonic() + 10
        while not stopped:
            assert time.monotonic() < deadline, "the poor trial was not pruned"
            time.sleep(0.05)
        assert stopped == ["run-2-0"]
        assert monitor.ended("run-2-0").startswith(PRUNED)
        source.done(key, None, pruned=True)
        assert json.loads(source.next()[0])["trial"] == 3  # seed 1 of trial 2 never starts
        states = [t.state.name for t in source.study.trials]
        assert states[:3] == ["COMPLETE", "COMPLETE", "PRUNED"]
    finally:
        monitor.close()


def test_a_search_with_pruning_resumes_with_its_pruned_trial_kept_pruned():
    from kdlab.sweeps.search import PRUNED, SearchSource
    from kdlab.sweeps.spec import trial_key

    spec = SweepSpec(base(), kind="search", ranges={"terms.soft": SearchRange(0, 1)}, trials=2, seeds=[0, 1],
                     prune=True).validate()
    finished = {trial_key({"terms.soft": 0.5}, s, 0): {"student_acc": 0.9} for s in (0, 1)}
    source = SearchSource(spec, finished, ServerSettings(), {trial_key({"terms.soft": 0.1}, 0, 1)})
    assert source.next() is None  # trial 0 finished, trial 1 pruned: nothing to redo
    assert [t.state.name for t in source.study.trials] == ["COMPLETE", "PRUNED"]
    assert PRUNED == "pruned by Optuna"


def test_a_trial_refused_because_the_browser_is_busy_waits_for_room_instead_of_failing(tmp_path):
    import threading

    from kdlab.serve.jobs import JobRunner
    from kdlab.serve.queue_executor import QueueExecutor

    jobs = JobRunner(RunStore(tmp_path / "runs.sqlite"), ServerSettings(max_concurrent_runs=1, max_runs_per_browser=1))
    try:
        busy = jobs.submit(tiny_config(epochs=200, batch_size=32), "q", "b" * 32)  # the browser's one slot
        refused = threading.Event()

        class Refusals:
            """The stop flag, which the executor reads after each refusal, before it waits for room."""
            def is_set(self) -> bool:
                refused.set()
                return False

        executor = QueueExecutor(jobs, "b" * 32, stop=Refusals())
        submitted = {}
        waiter = threading.Thread(target=lambda: submitted.update(
            run_id=executor.submit_config("k", tiny_config(epochs=1).validate(), "q")))
        waiter.start()
        assert refused.wait(60), "the queue never refused the trial"
        assert "run_id" not in submitted and waiter.is_alive()  # refused for now, still waiting
        jobs.stop(busy, "b" * 32)
        waiter.join(timeout=60)
        assert submitted["run_id"] in executor.running
    finally:
        jobs.close()
