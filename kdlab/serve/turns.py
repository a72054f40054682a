"""Who takes a free worker process next: every job in the order it came, except warm-up jobs, which wait.

At start-up the server queues the teachers its pages and lessons need (``kdlab.teacher_warmup``) so that the first
visits find them cached; a class arriving meanwhile must not queue behind them. A warm-up job therefore takes a
worker only while one is free and no job of normal priority waits for one; a page asking for a teacher that is
queued for warm-up raises it to normal priority.
"""
from __future__ import annotations

import queue
import threading


class Turns:
    """Thread-safe; wraps the job queue's pool of idle workers (``JobRunner.idle``)."""

    def __init__(self, idle: queue.Queue):
        self.idle = idle
        self.changed = threading.Condition()  # guards ``low`` and ``wanting``
        self.low: set[str] = set()  # queued warm-up jobs
        self.wanting = 0  # jobs of normal priority waiting for a worker now

    def add_low(self, job_id: str) -> None:
        with self.changed:
            self.low.add(job_id)

    def is_low(self, job_id: str) -> bool:
        with self.changed:
            return job_id in self.low

    def promote(self, job_id: str) -> None:
        """A warm-up job somebody now waits for takes its turn as any other job."""
        with self.changed:
            if job_id in self.low:
                self.low.discard(job_id)
                self.changed.notify_all()

    def give_back(self, worker) -> None:
        """A worker (or an empty slot) is free again: it goes to the next job."""
        with self.changed:
            self.idle.put(worker)
            self.changed.notify_all()

    def take(self, job_id: str):
        """Block until ``job_id`` may have a free worker and return it (None: a slot with no process yet); it
        leaves the warm-up set then. A job of normal priority waits in the queue itself; a warm-up job never does:
        it takes a worker only when one is free and no other job wants it, and it takes its turn as any other job
        from the moment it is promoted."""
        with self.changed:
            while job_id in self.low:
                if not self.wanting:
                    try:
                        worker = self.idle.get_nowait()
                    except queue.Empty:
                        pass
                    else:
                        self.low.discard(job_id)
                        return worker
                self.changed.wait()
            self.wanting += 1
        try:
            return self.idle.get()  # blocks while every worker is busy: this is the queue
        finally:
            with self.changed:
                self.wanting -= 1
                self.changed.notify_all()
