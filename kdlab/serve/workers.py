"""Training processes: the app server never trains in its own process; each run, and each teacher a page needs
before any run (``JobRunner.teacher``), trains in a worker process.

Why processes and not threads: a run trained in a thread of the Streamlit server shares that process's GIL with
every page rerun, figure build and websocket message; on 2 cores a watched run went ~75% slower than headless.
A worker is started once (importing torch takes seconds), then trains one run after another in its main thread.
The server shares the cores out (all but one, kept for itself): a run alone gets them all, and when a second run
starts each gets half (torch threads change between two steps), so concurrent runs never oversubscribe the cores.
A worker writes events and results to the run store itself, exactly as the CLI does.

Why a worker runs at a lower CPU priority (``WORKER_NICENESS``): training, a teacher warmed up at start-up and an
ONNX export are batch work, while the server's work (a page drawn for a student who just arrived, an upload checked)
is short and someone waits for it. At equal priority a new browser's home page took about 3 s during an export on 2
cores; a worker still gets every cycle the server leaves, so a run alone is as fast as before.

Why ``python -m kdlab.serve.workers`` and not ``multiprocessing``: spawn re-imports the parent's ``__main__`` in the
child, and while a Streamlit page runs, ``__main__`` *is* that page script — the child would run the page. The
server and a worker talk over a socket pair with ``multiprocessing.connection`` messages:

    server -> worker   ("job", job_id, kind, fields, threads, max_seconds)   (``kdlab.serve.job_kinds``: a run,
                       a teacher, a compression, an export, a sweep's driver)   ("threads", id, threads)   ("stop", id)
    worker -> server   ("progress", id, fraction)   ("done", id, error)

A run records how it ended in the run store itself; a teacher job has no row there, so its error (None when the
teacher is cached now) comes back in "done", as a compression's does (its variants are stored with its run) and an
export's (its file and facts are written where the server said).

If the server goes away, a worker stops its run at the next step (the run ends 'interrupted', with its events
kept) and exits. A job past its ``max_seconds`` stops too (a run ends 'failed', saying so). POSIX only.
"""
from __future__ import annotations

import math
import os
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

import torch

from ..fit import RunInterrupted, RunTimedOut
from .job_kinds import Job, decode, encode, failure_text, time_limit_text

PROGRESS_SECONDS = 0.2  # a worker reports progress at most this often (within an epoch too)
WORKER_NICENESS = 10  # about a tenth of the server's CPU weight when both want a core (Linux CFS)


class Worker:
    """The server's handle on one training process: ``begin`` and ``wait`` run in the run's thread; ``stop`` and
    ``share_cores`` may come from any other."""

    def __init__(self, store_path: str | Path):
        ours, theirs = socket.socketpair()
        package_root = str(Path(__file__).resolve().parents[2])  # kdlab importable whatever the server's cwd
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kdlab.serve.workers", str(theirs.fileno()), str(store_path)],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env=env)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.conn = Connection(ours.detach())
        self.send_lock = threading.Lock()
        self.progress, self.threads, self.error = 0.0, 0, None

    def begin(self, job_id: str, job: Job, threads: int, max_seconds: float = math.inf) -> None:
        """Hand the worker ``job`` to do with ``threads`` torch threads within ``max_seconds`` (a job whose kind
        is not timed has none); raises OSError if the process is gone."""
        self.progress, self.threads, self.error = 0.0, threads, None
        self._send(("job", job_id, *encode(job), threads, max_seconds if job.timed else math.inf))

    def share_cores(self, run_id: str, threads: int) -> None:
        """Change the running run's torch threads (at its next step)."""
        if threads != self.threads:
            self.threads = threads
            self._message(("threads", run_id, threads))

    def wait(self, run_id: str) -> str | None:
        """Block until the worker reports the job done and return None (a run's end is in the store, a teacher
        job's error in ``self.error``); else return why the process is gone."""
        try:
            while True:
                kind, about, *value = self.conn.recv()
                if kind == "done" and about == run_id:
                    self.error = value[0]
                    return None
                if kind == "progress" and about == run_id:
                    self.progress = value[0]
        except (EOFError, OSError):
            return self.gone()

    def gone(self) -> str:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = "none yet"
        return f"the training process ended unexpectedly (exit code {code})"

    def stop(self, run_id: str) -> None:
        self._message(("stop", run_id))

    def terminate(self) -> None:
        """End the process now (the server is closing); the job's thread sees it gone and records that."""
        self.process.terminate()

    def _message(self, message: tuple) -> None:
        try:
            self._send(message)
        except OSError:  # the process is gone: wait() reports that
            pass

    def _send(self, message: tuple) -> None:
        with self.send_lock:
            self.conn.send(message)

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        self.conn.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class ServerLink:
    """The worker's side of the socket, handed to the trainer as its stop flag and as a progress listener."""

    def __init__(self, conn: Connection):
        self.conn, self.run_id, self.stopped, self.orphaned, self.last_report = conn, None, False, False, 0.0
        self.deadline, self.max_seconds = math.inf, 0

    def start(self, run_id: str, max_seconds: int) -> None:
        self.run_id, self.stopped, self.last_report = run_id, False, 0.0
        self.deadline, self.max_seconds = time.monotonic() + max_seconds, max_seconds

    def is_set(self) -> bool:
        """Polled by the trainer before every step: has the server asked this run to stop (or to change its
        share of the cores)? Raises ``RunInterrupted`` once the server is gone and ``RunTimedOut`` past the
        job's time limit."""
        while not self.orphaned and self.conn.poll():
            try:
                kind, about, *value = self.conn.recv()
            except (EOFError, OSError):  # the server is gone: nobody can watch or stop this run any more
                self.orphaned = True
                break
            if about == self.run_id:
                self.stopped |= kind == "stop"
                if kind == "threads":
                    torch.set_num_threads(value[0])
        if self.orphaned:
            raise RunInterrupted("the server stopped during this run")
        if time.monotonic() > self.deadline:
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
        if not self.orphaned:
            try:
                self.conn.send((kind, self.run_id, *value))
            except OSError:
                self.orphaned = True


def yield_the_cores() -> None:
    """Give way on the CPU to the server and to every other process of this machine: niceness ``WORKER_NICENESS``,
    in a CPU group of its own on Linux. With the kernel's autogroup scheduling a niceness counts only within its
    session, so a worker in the server's session still took the server's session's whole share from browsers and
    other programs on the same cores while it exported a large model; in its own session, with that session's
    niceness raised too (``/proc/self/autogroup``), it gets what they leave. The worker still ends with the server:
    its socket closes."""
    os.nice(WORKER_NICENESS)
    if hasattr(os, "setsid"):
        os.setsid()
        try:
            Path("/proc/self/autogroup").write_text(str(WORKER_NICENESS))
        except OSError:  # no autogroup scheduling here: the niceness above is what counts
            pass


def serve(fd: int, store_path: str) -> None:
    """A worker's main loop: do each job it is sent (``kdlab.serve.job_kinds``), in this process's main thread,
    until the server leaves."""
    from ..runs.store import RunStore

    yield_the_cores()
    stores: list[RunStore] = []  # opened for the first job that needs it: a teacher needs none

    def store() -> RunStore:
        if not stores:
            stores.append(RunStore(store_path))
        return stores[0]

    link = ServerLink(Connection(fd))
    while not link.orphaned:
        try:
            message, job_id, *values = link.conn.recv()
        except (EOFError, OSError):
            return
        if message != "job":  # a message about a job that has already ended
            continue
        kind, fields, threads, max_seconds = values
        torch.set_num_threads(threads)
        link.start(job_id, max_seconds)
        error = None
        try:
            decode(kind, fields).do(store, link)
        except Exception as err:  # noqa: BLE001  (a run stored why it ended; the worker takes the next job)
            error = failure_text(err)
        link.send("done", error)


if __name__ == "__main__":
    try:
        serve(int(sys.argv[1]), sys.argv[2])
    except KeyboardInterrupt:  # Ctrl-C on the server's terminal reaches its workers too; a run records it
        sys.exit(130)
