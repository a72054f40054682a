"""The sweep driver: records the sweep, trains each teacher once, keeps the executor's slots full, records every
trial as an ordinary run tagged with the sweep, and writes the report after each trial.

Resuming (``resume=ID``) reads which trials of that sweep finished and runs only the rest; a trial left ``queued``
or ``running`` by a killed driver is marked ``interrupted`` and redone under a new run id. A driver holds the
sweep's ``DriverLease`` while it runs: a second driver (a CLI ``--resume`` while the app drives it) is refused
until the first has ended or been killed.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..config import RunConfig
from ..runs.store import ACTIVE, DEFAULT_WORKSPACE, RunStore
from ..errors import UserError
from ..runs.sweep_store import DriverLease, SweepRecords, still_driven
from ..policy.settings import ServerSettings
from ..teachers import teacher_path
from .executors import InlineExecutor, LocalExecutor, Outcome, TrialJob
from .results import sweep_report
from .spec import SweepSpec, trial_config, trial_key

Progress = Callable[[dict, dict | None], None]  # (report so far, the trial just ended: key, run id, outcome)


class GridSource:
    """The grid's trials not finished yet, in grid order (every seed of a cell before the next cell)."""

    def __init__(self, spec: SweepSpec, finished: set[str], settings: ServerSettings):
        self.jobs = [(trial_key(values, seed), trial_config(spec.base, values, seed, settings))
                     for values in spec.cells() for seed in spec.seeds]
        self.jobs = [job for job in self.jobs if job[0] not in finished]

    def next(self) -> tuple[str, RunConfig] | None:
        return self.jobs.pop(0) if self.jobs else None

    def done(self, key: str, summary: dict | None, pruned: bool = False) -> None:
        pass

    def close(self) -> None:
        pass


def ensure_teacher(config: RunConfig) -> None:
    """Train and cache the trial's teacher here, before it fans out, unless it is cached already: every trial with
    the same teacher (same dataset, architecture, knobs, epochs, lr and seed) then loads it."""
    if not teacher_path(config).exists():
        from ..train import prepare_teacher

        prepare_teacher(config)


def run_sweep(spec: SweepSpec, executor, store: RunStore | None = None, workspace: str = DEFAULT_WORKSPACE,
              resume: str | None = None, progress: Progress | None = None,
              settings: ServerSettings | None = None, stop=None, lease: DriverLease | None = None) -> dict[str, Any]:
    """Run (or resume) a sweep to the end on ``executor`` and return its report (``results.sweep_report``).

    ``spec`` must be validated; with ``resume`` it is the stored one (``load_spec``). Ctrl-C, ``stop`` (anything
    with ``is_set()``) once set, or a stop its owner asked for (``SweepRecords.request_stop``) ends the sweep
    ``cancelled`` with the report so far; resume it later. ``lease``: the sweep's ``DriverLease``, already
    acquired by the caller (taken here otherwise; released here in both cases). An executor with
    ``submit_config(config, workspace) -> run_id`` (the app's job queue) records its runs itself.
    """
    if spec.prune and not hasattr(executor, "prune"):
        raise ValueError("--prune needs trials that record their epoch curves while they train (this process, "
                         "--workers, the app's queue); Ray tasks send theirs back only when they end")
    store, settings = store or RunStore(), settings or ServerSettings.load()
    sweeps = SweepRecords(store)
    sweep_id = resume or sweeps.create(spec.kind, spec.to_dict(), workspace)
    lease = lease or DriverLease(sweeps, sweep_id).acquire()

    def stopped() -> bool:
        return lease.stop.is_set() or (stop is not None and stop.is_set())

    try:
        return _drive(spec, executor, store, sweeps, sweep_id, progress, settings, stopped)
    finally:
        lease.release()


def _drive(spec: SweepSpec, executor, store: RunStore, sweeps: SweepRecords, sweep_id: str,
           progress: Progress | None, settings: ServerSettings, stopped: Callable[[], bool]) -> dict[str, Any]:
    workspace = sweeps.get(sweep_id).workspace
    trials = sweeps.trials(sweep_id)
    for trial in trials:
        if trial["status"] in ACTIVE:  # its driver was killed: the run will be redone
            store.set_status(trial["run_id"], "interrupted", "the sweep stopped during this trial")
    trials = sweeps.trials(sweep_id)
    finished = {t["key"]: t["summary"] for t in trials if t["status"] == "finished"}
    sweeps.set_status(sweep_id, "running")
    monitor = None
    if spec.kind == "grid":
        source = GridSource(spec, set(finished), settings)
    else:
        from .search import PruneMonitor, SearchSource, pruned_keys

        source = SearchSource(spec, finished, settings, pruned_keys(trials))
        monitor = PruneMonitor(source, store, executor) if spec.prune else None
    in_flight: set[str] = set()
    status, error = "finished", None
    if progress:
        progress(sweep_report(sweep_id, spec, sweeps.trials(sweep_id)), None)
    try:
        while not stopped():
            while len(in_flight) < executor.slots and (item := source.next()) is not None:
                key, config = item
                if hasattr(executor, "submit_config"):  # its workers train the teacher once, under a lock
                    run_id = executor.submit_config(key, config, workspace)
                    sweeps.add_trial(sweep_id, key, run_id)
                    if monitor:
                        monitor.watch(key, run_id)
                else:
                    ensure_teacher(config)
                    run_id = store.create(config.to_dict(), workspace, source="sweep", status="queued")
                    sweeps.add_trial(sweep_id, key, run_id)
                    if monitor:  # before submit: this process's executor trains the trial inside submit
                        monitor.watch(key, run_id)
                    executor.submit(TrialJob(key, config.to_dict(), run_id))
                in_flight.add(key)
            if not in_flight:
                break
            job, outcome = executor.next_done()
            in_flight.discard(job.key)
            pruned = monitor.ended(job.run_id) if monitor else None
            if pruned:
                store.set_status(job.run_id, "cancelled", pruned)
                outcome = Outcome(None, pruned)
            record(store, job, outcome)
            source.done(job.key, outcome.summary, pruned=pruned is not None)
            report = sweep_report(sweep_id, spec, sweeps.trials(sweep_id))
            sweeps.set_status(sweep_id, "running", report)
            if progress:
                progress(report, {"key": json.loads(job.key), "run_id": job.run_id, "summary": outcome.summary,
                                  "error": outcome.error})
        if stopped():  # the executor's close() stops the trials still training
            status, error = "cancelled", "stopped"
    except KeyboardInterrupt:
        status, error = "cancelled", "interrupted with Ctrl-C; resume it with --resume " + sweep_id
        raise
    except BaseException as err:
        status, error = "failed", f"{type(err).__name__}: {err}"
        raise
    finally:
        source.close()
        if monitor:
            monitor.close()
        report = sweep_report(sweep_id, spec, sweeps.trials(sweep_id))
        sweeps.set_status(sweep_id, status, report, error)
    return report


def record(store: RunStore, job: TrialJob, outcome: Outcome) -> None:
    """Write a trial that could not record itself (a Ray task) into its run row; a local one already did."""
    current = store.get(job.run_id).status
    if outcome.events is not None and outcome.summary is not None:
        store.set_status(job.run_id, "running")
        store.append_events(job.run_id, outcome.events)
        store.finish(job.run_id, outcome.summary, outcome.weights or {})
    elif outcome.summary is None and current in ACTIVE:
        store.set_status(job.run_id, "failed", outcome.error)


def load_spec(store: RunStore, sweep_id: str) -> tuple[SweepSpec, str]:
    """The stored spec of a sweep to resume, and its workspace."""
    record_ = SweepRecords(store).get(sweep_id)
    if record_.status == "finished":
        raise UserError("sweep.finished", "sweep {sweep_id} has finished already; `kdlab runs list` shows its runs",
                        sweep_id=sweep_id)
    if record_.driven():
        raise still_driven(sweep_id, record_.driver)
    return SweepSpec.from_dict(record_.spec), record_.workspace


def make_executor(workers: int, store_path: str, ray_address: str | None = None, cpus_per_trial: int = 1,
                  gpus_per_trial: float = 0, threads: int | None = None):
    """Ray when an address is given, else ``workers`` local processes (or this process for one worker)."""
    if ray_address:
        from .ray_executor import RayExecutor

        return RayExecutor(ray_address, cpus_per_trial=cpus_per_trial, gpus_per_trial=gpus_per_trial,
                           slots=workers if workers > 1 else None)
    if workers < 1:
        raise ValueError(f"--workers must be >= 1, got {workers}")
    return InlineExecutor(store_path, threads) if workers == 1 else LocalExecutor(workers, store_path, threads)


def drive_on_ray(store: RunStore, sweep_id: str, ray_address: str, stop=None) -> None:
    """A worker process's sweep job (``kdlab.serve.workers``): resume the recorded sweep with its trials as Ray
    tasks, one at a time per CPU of the cluster; ``stop``: the worker's link to the server (gone: the sweep stops)."""
    spec, workspace = load_spec(store, sweep_id)
    executor = make_executor(1, str(store.path), ray_address)
    try:
        run_sweep(spec, executor, store, workspace, resume=sweep_id, stop=stop)
    finally:
        executor.close()
