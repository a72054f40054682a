"""What runs on a Ray node for the app's job queue (``kdlab.serve.ray_jobs`` submits it): one job, as a worker
process would do it, its store calls and progress sent back to the server through a mailbox actor.

A node has no run store. The job's ``do`` (``kdlab.serve.job_kinds``) is handed a ``NodeStore``: the writes a local
worker makes (``set_status``, ``append_events``) are posted to the server's ``Mailbox`` as they happen, so the server
writes the events into its store while the run trains and every page draws the curves live; the large ones
(``finish`` with the weights, ``put_variants``) come back as the task's result; the reads a compression makes
(``get``, ``weights``) are answered from what the server shipped with the job. The server applies every call to its
own store, so a run on Ray is recorded by the same store calls, in the same order, as one on a local worker.

Files of ``KDLAB_HOME`` a job needs (cached teachers, an uploaded dataset) travel with it and are written into the
node's own ``KDLAB_HOME`` when missing; a teacher the server lacks comes back with the result. Stop and the time limit
reach the trainer as on a local worker: ``RayLink.is_set`` asks the mailbox (at most every ``STOP_POLL_SECONDS``,
never blocking a step) and raises ``RunTimedOut`` past the job's ``max_seconds``, counted from the task's start.

This module is imported by the server too (to name the task), so it imports nothing of training at module level.
"""
from __future__ import annotations

import time
from typing import Any

from .job_kinds import decode, failure_text, time_limit_text

STOP_POLL_SECONDS = 0.2  # how often a running task asks whether it was stopped
PROGRESS_SECONDS = 0.2  # a task posts its progress at most this often (the local workers' pace)
POSTED = ("set_status", "append_events")  # store calls posted while the job runs
RETURNED = ("finish", "put_variants")  # store calls carried by the task's result (weights, variant files)


class Mailbox:
    """A Ray actor, one per server: store calls and progress posted by its running tasks, by job id, until the
    server takes them; and which jobs the server asked to stop. Calls from one task run in the order it sent them."""

    def __init__(self):
        self.posts: dict[str, list[tuple[str, tuple]]] = {}
        self.stops: set[str] = set()

    def post(self, job_id: str, call: tuple[str, tuple]) -> None:
        self.posts.setdefault(job_id, []).append(call)

    def take(self, job_id: str) -> list[tuple[str, tuple]]:
        return self.posts.pop(job_id, [])

    def stop(self, job_id: str) -> None:
        self.stops.add(job_id)

    def stopped(self, job_id: str) -> bool:
        return job_id in self.stops

    def forget(self, job_id: str) -> None:
        self.posts.pop(job_id, None)
        self.stops.discard(job_id)


class NodeStore:
    """The run store as a job on a node sees it (see the module's docstring)."""

    def __init__(self, mailbox, job_id: str, records: dict[str, Any], weights: dict[str, bytes]):
        self.mailbox, self.job_id, self.records, self.weight_files = mailbox, job_id, records, weights
        self.returned: list[tuple[str, tuple]] = []

    def set_status(self, run_id: str, status: str, error: str | None = None) -> None:
        self.mailbox.post.remote(self.job_id, ("set_status", (run_id, status, error)))

    def append_events(self, run_id: str, events: list[dict]) -> None:
        if events:
            self.mailbox.post.remote(self.job_id, ("append_events", (run_id, events)))

    def finish(self, run_id: str, summary: dict, weights: dict) -> None:
        self.returned.append(("finish", (run_id, summary, {role: {k: v.detach().cpu() for k, v in state.items()}
                                                           for role, state in weights.items()})))

    def put_variants(self, run_id: str, rows: list) -> None:
        self.returned.append(("put_variants", (run_id, rows)))

    def get(self, run_id: str):
        return self.records[run_id]

    def weights_bytes(self, run_id: str) -> bytes:
        return self.weight_files[run_id]

    def weights(self, run_id: str) -> dict:
        import io

        from ..tensor_files import load_tensors

        return load_tensors(io.BytesIO(self.weights_bytes(run_id)))


class RayLink:
    """A local worker's ``ServerLink`` on a Ray node: the trainer's stop flag and progress listener."""

    def __init__(self, ray, mailbox, run_id: str, max_seconds: float):
        self.ray, self.mailbox, self.run_id = ray, mailbox, run_id
        self.deadline, self.max_seconds = time.monotonic() + max_seconds, max_seconds
        self.stopped, self.asked, self.answer, self.last_report = False, time.monotonic(), None, 0.0

    def is_set(self) -> bool:
        """Polled before every step: the last answer from the mailbox, if it came, and a new question every
        ``STOP_POLL_SECONDS``; ``RunTimedOut`` past the time limit."""
        from ..fit import RunTimedOut

        now = time.monotonic()
        if now - self.asked >= STOP_POLL_SECONDS:
            if self.answer is not None and self.ray.wait([self.answer], timeout=0)[0]:
                self.stopped |= self.ray.get(self.answer)
                self.answer = None
            if self.answer is None:
                self.answer, self.asked = self.mailbox.stopped.remote(self.run_id), now
        if now > self.deadline:
            raise RunTimedOut(time_limit_text(self.max_seconds))
        return self.stopped

    def on_step(self, event) -> None:
        now = time.monotonic()
        if now - self.last_report >= PROGRESS_SECONDS:
            self.last_report = now
            self.send("progress", event.progress)

    def on_epoch_end(self, event) -> None:
        self.on_step(event)

    def send(self, kind: str, *value) -> None:
        self.mailbox.post.remote(self.run_id, (kind, value))


def write_missing(ray, files: dict[str, Any]) -> None:
    """Write the shipped ``KDLAB_HOME`` files (by path relative to it; object refs of their bytes) that this node
    does not have yet: only those are fetched."""
    from ..data import kdlab_home
    from ..tensor_files import atomic_file

    for relative, ref in files.items():
        path = kdlab_home() / relative
        if not path.exists():
            with atomic_file(path) as handle:
                handle.write(ray.get(ref))


def read_present(relatives: list[str]) -> dict[str, bytes]:
    from ..data import kdlab_home

    return {relative: (kdlab_home() / relative).read_bytes() for relative in relatives
            if (kdlab_home() / relative).exists()}


def do_job(mailbox, job_id: str, kind: str, fields: dict, threads: int, max_seconds: float,
           shipped: dict[str, Any], wanted: list[str], records: dict, weights: dict[str, bytes]) -> dict:
    """One job of the app's queue on this node, with ``threads`` torch threads: what ``kdlab.serve.workers.serve``
    does with a job, against a ``NodeStore``. Returns the store calls kept for the result, the error (None when the
    job ended well; a run stored how it ended either way) and the ``wanted`` files this node has."""
    import ray
    import torch

    torch.set_num_threads(threads)
    write_missing(ray, shipped)
    store = NodeStore(mailbox, job_id, records, weights)
    link = RayLink(ray, mailbox, job_id, max_seconds)
    error = None
    try:
        decode(kind, fields).do(lambda: store, link)
    except Exception as err:  # noqa: BLE001  (a run stored why it ended; the server reports the rest)
        error = failure_text(err)
    ray.get(mailbox.stopped.remote(job_id))  # every post above has reached the mailbox before the result is ready
    return {"error": error, "calls": store.returned, "files": read_present(wanted)}

