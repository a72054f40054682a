"""Background runs: a queue in front of a fixed number of training processes, recording into the run store.

The app never trains in its own process: it submits a config, gets a run id, and polls the store. Each submitted
run gets a small thread that waits for a free worker process (``kdlab.workers``; at most
``max_concurrent_runs``, spawned on first need), hands it the run and waits for it to end. The worker writes the
run's events and results to the store, so any page — in any browser, after any refresh — redraws from the store.
"""
from __future__ import annotations

import os
import queue
import threading

from .config import RunConfig
from .settings import ServerSettings
from .store import ACTIVE, RunStore
from .workers import Worker


def training_cores() -> int:
    """The cores runs may use: all but one, which stays with the app server (and, on a laptop, the browser).
    With that core training too, a watched run on 2 cores went 66% slower than headless instead of 29%."""
    return max(1, (os.cpu_count() or 1) - 1)


class JobRunner:
    """Thread-safe; one per server process (the app holds it with ``st.cache_resource``)."""

    def __init__(self, store: RunStore, settings: ServerSettings = ServerSettings()):
        self.store, self.settings = store, settings
        self.cores = training_cores()
        # LIFO, so a warm process is reused before a new one is spawned; None: a slot with no process yet
        self.idle: queue.LifoQueue[Worker | None] = queue.LifoQueue()
        for _ in range(settings.max_concurrent_runs):
            self.idle.put(None)
        self.lock = threading.Lock()
        self.waiting: list[str] = []  # queued run ids, oldest first
        self.cancelled: set[str] = set()  # queued runs stopped before they got a worker
        self.running: dict[str, Worker] = {}
        self.closed = False
        store.mark_interrupted()

    def warm_up(self) -> None:
        """Start one worker process now, so the first run does not wait for it to import torch (seconds)."""
        try:
            worker = self.idle.get_nowait()
        except queue.Empty:
            return
        try:
            worker = self._usable(worker)
        finally:  # the slot goes back even if no process could start
            self.idle.put(worker)

    def _usable(self, worker: Worker | None) -> Worker:
        """``worker`` if its process is alive, else a new one (a dead one is cleaned up)."""
        if worker is not None and worker.alive():
            return worker
        if worker is not None:
            worker.close()
        return Worker(self.store.path)

    def submit(self, config: RunConfig, workspace: str, owner: str | None = None) -> str:
        """Validate, record as 'queued' and start; raises ValueError for a config this server refuses.
        ``owner``: the key of the browser that asked (``RunStore.owned``)."""
        config.validate()
        self.settings.check(config)
        config = self.settings.cap_transfer(config)
        run_id = self.store.create(config.to_dict(), workspace, source="app", owner=owner)
        with self.lock:
            self.waiting.append(run_id)
        threading.Thread(target=self._run, args=(run_id, config), name=f"kdlab-run-{run_id}", daemon=True).start()
        return run_id

    def queue_position(self, run_id: str) -> int | None:
        """1 for the next run to start; None once it runs (or if unknown)."""
        with self.lock:
            return self.waiting.index(run_id) + 1 if run_id in self.waiting else None

    def progress(self, run_id: str) -> float | None:
        """The fraction done of a running run, updated at every logged step; None when it is not running here."""
        with self.lock:
            worker = self.running.get(run_id)
            return worker.progress if worker is not None else None

    def stop(self, run_id: str) -> None:
        """Ask a running run to stop after its current step; a queued one is cancelled at once."""
        with self.lock:
            if run_id in self.running:
                self.running[run_id].stop(run_id)
                return
            if run_id not in self.waiting:
                return
            self.waiting.remove(run_id)  # the runs behind it move up now
            self.cancelled.add(run_id)
        self.store.set_status(run_id, "cancelled", "stopped before it started")

    def close(self) -> None:
        """End every worker process; a run in progress ends 'failed', a queued one never starts."""
        with self.lock:
            self.closed = True
            busy = list(self.running.values())
        for worker in busy:  # their run threads see the process end, record it, and close them
            worker.process.terminate()
        while True:
            try:
                worker = self.idle.get_nowait()
            except queue.Empty:
                break
            if worker is not None:
                worker.close()

    def _threads(self, runs: int) -> int:
        return max(1, self.cores // runs)

    def _share_cores(self) -> None:
        """Each running run gets an equal share of ``cores``: all of them when alone (call with the lock held)."""
        for run_id, worker in self.running.items():
            worker.share_cores(run_id, self._threads(len(self.running)))

    def _dropped(self, run_id: str) -> bool:
        """Whether a queued run must not start (stopped, or the runner closed); forgets the stop. Call with the
        lock held."""
        dropped = run_id in self.cancelled or self.closed
        self.cancelled.discard(run_id)
        return dropped

    def _run(self, run_id: str, config: RunConfig) -> None:
        worker = self.idle.get()  # blocks while every worker is busy: this is the queue
        try:
            worker = self._train(run_id, config, worker)
        finally:
            self.idle.put(worker)

    def _train(self, run_id: str, config: RunConfig, worker: Worker | None) -> Worker | None:
        """Train one run on ``worker`` (started first if needed); returns what goes back to the pool."""
        try:
            with self.lock:
                if self._dropped(run_id):  # stopped while queued: no process to start
                    return worker
            worker = self._usable(worker)
            with self.lock:  # leaves 'waiting' and enters 'running' at once, so a Stop always finds it
                if self._dropped(run_id):  # stopped while its process started
                    return worker
                self.waiting.remove(run_id)
                worker.begin(run_id, config.to_dict(), self._threads(len(self.running) + 1))
                self.running[run_id] = worker
                self._share_cores()
            failure = worker.wait(run_id)
        except Exception as err:  # noqa: BLE001  (no process could start, or it died before taking the run)
            failure = f"the training process could not take the run: {type(err).__name__}: {err}"
        finally:
            with self.lock:
                self.running.pop(run_id, None)
                if run_id in self.waiting:
                    self.waiting.remove(run_id)
                self._share_cores()
        if failure is None:
            return worker
        try:
            if self.store.get(run_id).status in ACTIVE:  # else the worker stored the run's end before it died
                self.store.set_status(run_id, "failed", failure)
        except ValueError:  # the run was deleted meanwhile
            pass
        if worker is not None:
            worker.close()
        return None
