"""Whose turn it is to train, across every server on one ``KDLAB_HOME``, and the idle worker processes of this one.

Every job a server queues is a row of the run store's queue (``kdlab.runs.job_queue``), so ``max_concurrent_runs``
holds for all servers on one home together, teachers included, in the queue's order (warm-up teachers last). One
dispatcher thread per server claims the free slots for this server's queued jobs whose turn it is: at once when a
job of this server arrives or ends, every ``POLL_SECONDS`` while one waits (another server may free a slot). A job's
thread blocks in ``take`` until its slot is claimed, then takes a free worker from the pool (``JobRunner.idle``: a
warm process, or an empty slot where one is started), and gives both back when it ends.

The same thread gives memory back: a worker idle for ``worker_idle_seconds`` is ended (it holds what its last job
loaded, hundreds of MB) and its place in the pool becomes an empty slot again, so the next job starts a new one. The
server ends it, never the worker itself, so a job is never handed to a process that is just exiting.
"""
from __future__ import annotations

import queue
import threading
import time

from ..runs.job_queue import QueueCaps, SharedQueue
from ..runs.store import StoreUnavailable

POLL_SECONDS = 0.5  # how often a server with queued jobs looks for a slot another server has freed


class Turns:
    """Thread-safe; wraps the job queue's pool of idle workers (``JobRunner.idle``: a worker, or None for a slot
    with no process yet)."""

    def __init__(self, idle: queue.LifoQueue, shared: SharedQueue, max_running: int, idle_seconds: float):
        self.idle, self.shared, self.max_running, self.idle_seconds = idle, shared, max_running, idle_seconds
        self.changed = threading.Condition()  # guards the sets below and ``since``
        self.pending: set[str] = set()  # this server's queued jobs without a slot
        self.granted: set[str] = set()  # those that have one, until their thread takes a worker
        self.dropped: set[str] = set()  # cancelled while queued: their thread takes its turn and ends
        self.low: set[str] = set()  # queued warm-up jobs
        self.since: dict = {}  # idle worker -> when it went idle
        self.claim_lock = threading.Lock()  # a job is in ``pending`` before the dispatcher may claim it
        self.unreleased: set[str] = set()  # slots the store refused to free for now: tried again
        self.woken = threading.Event()
        self.closed = False
        threading.Thread(target=self._dispatch, name="kdlab-turns", daemon=True).start()

    def submit_run(self, config: dict, workspace: str, source: str, owner: str | None, caps: QueueCaps) -> str:
        """Record a run and queue it, all servers' caps checked (``QueueBusy`` if one is reached)."""
        with self.claim_lock:
            run_id = self.shared.submit_run(config, workspace, source, owner, caps)
            with self.changed:
                self.pending.add(run_id)
        self.woken.set()
        return run_id

    def add(self, job_id: str, kind: str, owner: str | None = None, low: bool = False) -> None:
        """Queue a job that is not a run; ``low``: a warm-up job. One the store refuses to count (it cannot be
        written now) takes its turn among this server's jobs only: the pool still bounds them."""
        try:
            with self.changed:
                self.pending.add(job_id)
                self.low.update([job_id] if low else [])
            self.shared.add(job_id, kind, owner, low)
        except StoreUnavailable:
            with self.changed:
                self.pending.discard(job_id)
                self.granted.add(job_id)
                self.changed.notify_all()
        self.woken.set()

    def promote(self, job_id: str) -> None:
        """A warm-up job somebody now waits for takes its turn as any other job, queued as of now."""
        with self.changed:
            if job_id not in self.low:
                return
            self.low.discard(job_id)
        self.shared.promote(job_id)
        self.woken.set()

    def position(self, job_id: str) -> int | None:
        """1 for the next job to get a slot, every server's jobs counted; None once it has one (or if unknown)."""
        with self.changed:
            if job_id not in self.pending:
                return None
        try:
            return self.shared.position(job_id)
        except StoreUnavailable:
            return None

    def cancel(self, job_id: str) -> None:
        """A queued job stopped: its place in the queue goes now; its thread takes its turn and ends."""
        self._release(job_id)
        with self.changed:
            if job_id in self.pending:
                self.pending.discard(job_id)
                self.dropped.add(job_id)
                self.changed.notify_all()

    def take(self, job_id: str):
        """Block until ``job_id`` has a slot (or was cancelled) and return a free worker (None: a slot with no
        process yet, or the runner closed)."""
        with self.changed:
            while job_id not in self.granted and job_id not in self.dropped and not self.closed:
                self.changed.wait()
            self.granted.discard(job_id)
            self.dropped.discard(job_id)
            self.low.discard(job_id)
            if self.closed:
                return None
        worker = self.idle.get()  # a slot of this server's pool is free: at most max_running jobs hold one
        with self.changed:
            self.since.pop(worker, None)
        return worker

    def give_back(self, worker, job_id: str | None = None) -> None:
        """A worker (or an empty slot) is free again, and ``job_id``'s training slot with it."""
        with self.changed:
            if worker is not None:
                self.since[worker] = time.monotonic()
            self.idle.put(worker)
        if job_id is not None:
            self._release(job_id)
        self.woken.set()

    def close(self) -> None:
        """The runner closes: its threads stop waiting, and its rows leave the queue."""
        with self.changed:
            self.closed = True
            self.changed.notify_all()
        self.woken.set()
        try:
            self.shared.leave()
        except StoreUnavailable:  # its rows go when this process does
            pass

    def _release(self, job_id: str) -> None:
        try:
            self.shared.release(job_id)
            self.unreleased.discard(job_id)
        except StoreUnavailable:
            self.unreleased.add(job_id)

    def _dispatch(self) -> None:
        while not self.closed:
            self.woken.clear()  # a change from now on wakes the wait at the end
            for job_id in list(self.unreleased):
                self._release(job_id)
            with self.claim_lock:
                with self.changed:
                    waiting = bool(self.pending)
                try:
                    claimed = self.shared.claim(self.max_running) if waiting else []
                except StoreUnavailable:  # tried again at the next poll
                    claimed = []
                with self.changed:
                    stray = [job_id for job_id in claimed if job_id not in self.pending]  # cancelled just now
                    self.pending.difference_update(claimed)
                    self.granted.update(set(claimed) - set(stray))
                    self.changed.notify_all()
            for job_id in stray:
                self._release(job_id)
            due = self._reap()
            self.woken.wait(POLL_SECONDS if waiting or self.unreleased else due)

    def _reap(self) -> float | None:
        """End the workers idle longer than ``idle_seconds`` (their slots stay, empty); returns the seconds until
        the next one is due, None when no worker is idle."""
        now, expired, due = time.monotonic(), [], None
        with self.changed:
            slots = []
            while True:
                try:
                    slots.append(self.idle.get_nowait())  # most recently idle first
                except queue.Empty:
                    break
            for worker in reversed(slots):  # put back in the same order
                since = self.since.get(worker) if worker is not None else None
                if since is not None and now - since >= self.idle_seconds:
                    expired.append(worker)
                    del self.since[worker]
                    worker = None
                elif since is not None:
                    due = min(due or self.idle_seconds, since + self.idle_seconds - now)
                self.idle.put(worker)
        for worker in expired:
            worker.close()
        return due
