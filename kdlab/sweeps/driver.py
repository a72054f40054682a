"""The sweep driver: records the sweep, trains each teacher once, keeps the executor's slots full, records every
trial as an ordinary run tagged with the sweep, and writes the report after each trial.

Resuming (``resume=ID``) reads which trials of that sweep finished and runs only the rest; a trial left ``queued``
or ``running`` by a killed driver is marked ``interrupted`` and redone under a new run id.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..config import RunConfig
from ..runs.store import ACTIVE, DEFAULT_WORKSPACE, RunStore
from ..runs.sweeps import SweepRecords
from ..serve.settings import ServerSettings
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

    def done(self, key: str, summary: dict | None) -> None:
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
              settings: ServerSettings | None = None, stop=None) -> dict[str, Any]:
    """Run (or resume) a sweep to the end on ``executor`` and return its report (``results.sweep_report``).

    ``spec`` must be validated; with ``resume`` it is the stored one (``load_spec``). Ctrl-C, or ``stop`` (a
    ``threading.Event``) once set, ends the sweep ``cancelled`` with the report so far; resume it later. An
    executor with ``submit_config(config, workspace) -> run_id`` (the app's job queue) records its runs itself.
    """
    store, settings = store or RunStore(), settings or ServerSettings.load()
    sweeps = SweepRecords(store)
    sweep_id = resume or sweeps.create(spec.kind, spec.to_dict(), workspace)
    workspace = sweeps.get(sweep_id).workspace
    trials = sweeps.trials(sweep_id)
    for trial in trials:
        if trial["status"] in ACTIVE:  # its driver was killed: the run will be redone
            store.set_status(trial["run_id"], "interrupted", "the sweep stopped during this trial")
    finished = {t["key"]: t["summary"] for t in sweeps.trials(sweep_id) if t["status"] == "finished"}
    sweeps.set_status(sweep_id, "running")
    if spec.kind == "grid":
        source = GridSource(spec, set(finished), settings)
    else:
        from .search import SearchSource

        source = SearchSource(spec, finished, settings)
    in_flight: set[str] = set()
    status, error = "finished", None
    if progress:
        progress(sweep_report(sweep_id, spec, sweeps.trials(sweep_id)), None)
    try:
        while not (stop is not None and stop.is_set()):
            while len(in_flight) < executor.slots and (item := source.next()) is not None:
                key, config = item
                if hasattr(executor, "submit_config"):  # its workers train the teacher once, under a lock
                    sweeps.add_trial(sweep_id, key, executor.submit_config(key, config, workspace))
                else:
                    ensure_teacher(config)
                    run_id = store.create(config.to_dict(), workspace, source="sweep", status="queued")
                    sweeps.add_trial(sweep_id, key, run_id)
                    executor.submit(TrialJob(key, config.to_dict(), run_id))
                in_flight.add(key)
            if not in_flight:
                break
            job, outcome = executor.next_done()
            in_flight.discard(job.key)
            record(store, job, outcome)
            source.done(job.key, outcome.summary)
            report = sweep_report(sweep_id, spec, sweeps.trials(sweep_id))
            sweeps.set_status(sweep_id, "running", report)
            if progress:
                progress(report, {"key": json.loads(job.key), "run_id": job.run_id, "summary": outcome.summary,
                                  "error": outcome.error})
        if stop is not None and stop.is_set():  # the executor's close() stops the trials still training
            status, error = "cancelled", "stopped"
    except KeyboardInterrupt:
        status, error = "cancelled", "interrupted with Ctrl-C; resume it with --resume " + sweep_id
        raise
    except BaseException as err:
        status, error = "failed", f"{type(err).__name__}: {err}"
        raise
    finally:
        source.close()
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
        raise ValueError(f"sweep {sweep_id} has finished already; `kdlab runs list` shows its runs")
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
