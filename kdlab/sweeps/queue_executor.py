"""Trials of a sweep started from the app: each one an ordinary run on the app's job queue (``JobRunner``), so
it trains in a worker process under the server's caps, never in the server; the driver runs in a thread of the
server and only submits runs and reads the store.

``start_in_background`` records the sweep and drives it in a daemon thread; the returned ``threading.Event``
stops it (the trials still training are stopped too). A server that restarts leaves the sweep's row as it was;
the page resumes it (``resume``), and finished trials are not redone.
"""
from __future__ import annotations

import threading
import time

from ..config import RunConfig
from ..runs.store import ACTIVE
from ..runs.sweeps import SweepRecords
from .driver import run_sweep
from .executors import Outcome, TrialJob
from .spec import SweepSpec

POLL_SECONDS = 0.3


class QueueExecutor:
    """At most ``max_runs_per_browser`` trials at once (the cap one browser has), submitted as that browser."""

    def __init__(self, runner, owner: str | None, stop: threading.Event | None = None):
        self.runner, self.owner, self.stop, self.stopping = runner, owner, stop, False
        self.slots = max(1, runner.settings.max_runs_per_browser)
        self.running: dict[str, str] = {}  # run id -> trial key

    def submit_config(self, key: str, config: RunConfig, workspace: str) -> str:
        run_id = self.runner.submit(config, workspace, self.owner)
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

    def close(self) -> None:
        for run_id in list(self.running):
            try:
                self.runner.stop(run_id, self.owner)
            except ValueError:  # deleted, or already ended
                pass


def start_in_background(runner, spec: SweepSpec, workspace: str, owner: str | None,
                        resume: str | None = None) -> tuple[str, threading.Event]:
    """Record the sweep (unless resuming it) and drive it in a daemon thread: its id, and the event that stops it."""
    sweep_id = resume or SweepRecords(runner.store).create(spec.kind, spec.to_dict(), workspace)
    stop = threading.Event()

    def drive() -> None:
        executor = QueueExecutor(runner, owner, stop)
        try:
            run_sweep(spec, executor, runner.store, workspace, resume=sweep_id, settings=runner.settings, stop=stop)
        except Exception:  # noqa: BLE001  (run_sweep recorded the failure in the sweep's row)
            pass
        finally:
            executor.close()

    threading.Thread(target=drive, name=f"kdlab-{sweep_id}", daemon=True).start()
    return sweep_id, stop
