"""Trials of a sweep started from the app: each one an ordinary run on the app's job queue (``JobRunner``), so
it trains in a worker process under the server's caps, never in the server; the driver runs in a thread of the
server and only submits runs and reads the store.

``start_in_background`` records the sweep under its owner (the browser) and drives it in a daemon thread that
holds the sweep's ``DriverLease``; ``SweepRecords.request_stop`` by that owner stops it (the trials still training
are stopped too). A server that restarts leaves the sweep's row as it was; the page resumes it (``resume``),
finished trials are not redone, and a sweep another driver still holds is refused (``ValueError``).

With a Ray address (``KDLAB_RAY_ADDRESS``) the driver must not run in the server (Ray installs signal handlers and
must not be initialised twice by reruns): the sweep is recorded here and driven by a worker process of its own
(``kdlab.serve.workers``, job kind "sweep"), its trials Ray tasks; it takes none of the queue's training slots.
"""
from __future__ import annotations

import threading
import time

from ..config import RunConfig
from ..runs.store import ACTIVE
from ..runs.sweep_store import DriverLease, SweepRecords, still_driven
from ..runs.job_queue import QueueBusy
from ..sweeps.driver import run_sweep
from ..sweeps.executors import Outcome, TrialJob
from ..sweeps.spec import SweepSpec

POLL_SECONDS = 0.3


class QueueExecutor:
    """At most ``max_runs_per_browser`` trials at once (the cap one browser has), submitted as that browser."""

    def __init__(self, runner, owner: str | None, stop: threading.Event | None = None):
        self.runner, self.owner, self.stop, self.stopping = runner, owner, stop, False
        self.slots = max(1, runner.settings.max_runs_per_browser)
        self.running: dict[str, str] = {}  # run id -> trial key

    def submit_config(self, key: str, config: RunConfig, workspace: str) -> str:
        """Submit a trial; while the queue or this browser's share of it is full (another run of the same browser,
        a class's worth of runs), wait for room instead of failing the sweep."""
        while True:
            try:
                run_id = self.runner.submit(config, workspace, self.owner, source="sweep")
                break
            except QueueBusy:
                if self.stop is not None and self.stop.is_set():
                    raise
                time.sleep(POLL_SECONDS)
        self.running[run_id] = key
        return run_id

    def next_done(self) -> tuple[TrialJob, Outcome]:
        while True:
            if self.stop is not None and self.stop.is_set() and not self.stopping:  # stop the trials now
                self.stopping = True
                self.close()
            for run_id, key in list(self.running.items()):
                record = self.runner.store.get(run_id)
                if record.status not in ACTIVE:
                    del self.running[run_id]
                    return TrialJob(key, record.config, run_id), Outcome(record.summary, record.error)
            time.sleep(POLL_SECONDS)

    def prune(self, run_id: str) -> None:
        """Stop one trial Optuna pruned (``kdlab.sweeps.search.PruneMonitor``)."""
        try:
            self.runner.stop(run_id, self.owner)
        except ValueError:  # deleted, or already ended
            pass

    def close(self) -> None:
        for run_id in list(self.running):
            self.prune(run_id)


def start_in_background(runner, spec: SweepSpec, workspace: str, owner: str | None,
                        resume: str | None = None, ray_address: str | None = None) -> str:
    """Record the sweep (unless resuming it), take its lease here (``ValueError`` while another driver holds it)
    and drive it in a daemon thread of the server, or with ``ray_address`` on a worker process: its id."""
    records = SweepRecords(runner.store)
    sweep_id = resume or records.create(spec.kind, spec.to_dict(), workspace, owner)
    if ray_address:
        if records.get(sweep_id).driven():
            raise still_driven(sweep_id, records.get(sweep_id).driver)
        records.set_status(sweep_id, "running")
        threading.Thread(target=drive_on_worker, args=(runner.store.path, sweep_id, ray_address),
                         name=f"kdlab-{sweep_id}", daemon=True).start()
        return sweep_id
    lease = DriverLease(records, sweep_id).acquire()
    records.set_status(sweep_id, "running")  # now, not when the thread starts: a page drawn next shows it running

    def drive() -> None:
        executor = QueueExecutor(runner, owner, lease.stop)
        try:
            run_sweep(spec, executor, runner.store, workspace, resume=sweep_id, settings=runner.settings, lease=lease)
        except Exception:  # noqa: BLE001  (run_sweep recorded the failure in the sweep's row)
            pass
        finally:
            executor.close()

    threading.Thread(target=drive, name=f"kdlab-{sweep_id}", daemon=True).start()
    return sweep_id



def drive_on_worker(store_path, sweep_id: str, ray_address: str) -> None:
    """A server thread that starts a worker process for the sweep's driver and waits for it to end; the worker
    records everything (a server that goes away leaves the sweep failed, resumable)."""
    from .job_kinds import SweepDriverJob
    from .workers import Worker

    try:
        worker = Worker(store_path)
    except OSError:  # no process could start; the sweep's row stays resumable
        return
    try:
        worker.begin(f"sweep-{sweep_id}", SweepDriverJob(sweep_id, ray_address), threads=1)
        worker.wait(f"sweep-{sweep_id}")
    except OSError:  # the process could not take the job; the sweep's row stays resumable
        pass
    finally:
        worker.close()
