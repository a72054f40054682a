"""The job queue's counts, kept in the run store so that every server process on one ``KDLAB_HOME`` shares them.

A class may be served by several Streamlit processes on one machine (two ports behind a proxy, a restart while the
old one drains). Were the queue only in each process's memory, two servers would train twice
``max_concurrent_runs`` runs at once and take twice the queue. So every job a server queues — a run, a teacher a
page needs, a compression, an export — is a row of the ``jobs`` table, ``queued`` until it takes one of the
``max_concurrent_runs`` training slots and ``running`` until it ends, and each change that a cap guards (a run
submitted under ``max_queued_runs`` and ``max_runs_per_browser``, a slot taken) is one SQLite transaction begun with
``BEGIN IMMEDIATE``: it holds the store's write lock from its first read, so no other process can slip in between
the count and the write.

Order: every job in the order it came, except warm-up teachers (``low``, ``kdlab.teacher_warmup``): they take a slot
only while no other job waits for one, so a class arriving at start-up does not queue behind them; a page asking for
one of them raises it to normal priority, from then on (its place is taken anew). Rows of a process that no longer
exists are dropped (its queued runs become ``interrupted``), so a server that crashed holds no slot.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..checks import process_alive
from ..errors import UserError
from .store import ACTIVE, RunStore, StoreUnavailable

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    low INTEGER NOT NULL,
    owner TEXT,
    pid INTEGER NOT NULL,
    queue TEXT NOT NULL,
    created REAL NOT NULL
);
"""
ORDER = "low, created, rowid"  # the queue's order: normal priority first, then by when it was queued


@dataclass(frozen=True)
class QueueCaps:
    """The caps a new run is held to: queued jobs of every server together, and one browser's active runs."""

    max_queued: int
    max_per_browser: int


class QueueBusy(UserError):
    """A run refused only for now (the queue, or this browser's share of it, is full): it may be asked again."""


class SharedQueue:
    """One server process's handle on the shared queue; ``name`` tells its rows from those of another runner in
    the same process (tests run several). Thread-safe: every call is its own connection and transaction."""

    def __init__(self, store: RunStore, name: str):
        self.store, self.name = store, name
        with store.transaction() as db:
            db.executescript(SCHEMA)

    @classmethod
    def of(cls, store: RunStore | StoreUnavailable) -> "SharedQueue":
        """A new runner's queue: in the run store, or, when that cannot be used (runs are refused then, teachers
        still train), in a store of this process's own."""
        if isinstance(store, StoreUnavailable):
            store = RunStore(Path(tempfile.mkdtemp(prefix="kdlab-queue-")) / "queue.sqlite")
        return cls(store, uuid.uuid4().hex[:8])

    def submit_run(self, config: dict, workspace: str, source: str, owner: str | None, caps: QueueCaps) -> str:
        """Record a run as queued and queue its job, or raise ``QueueBusy``: the counts, the run's row and its place
        in the queue in one transaction. Queued jobs of every kind count (warm-up teachers excepted)."""
        with self.store.transaction() as db:
            self._drop_dead(db)
            queued = db.execute("SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND low = 0").fetchone()[0]
            if queued >= caps.max_queued:
                raise QueueBusy("queue.full", "the queue is full ({count} runs waiting, the most this server takes: "
                                "{name} in kdlab.toml or {env}); try again when some have finished", count=queued,
                                name="max_queued_runs", env="KDLAB_MAX_QUEUED_RUNS")
            mine = db.execute("SELECT COUNT(*) FROM jobs WHERE owner = ? AND kind = 'run'", (owner,)).fetchone()[0]
            if owner is not None and mine >= caps.max_per_browser:
                raise QueueBusy("queue.browser", "this browser already has {count} runs queued or running, the most "
                                "this server allows ({name} in kdlab.toml or {env}); wait for one to finish or stop it",
                                count=caps.max_per_browser, name="max_runs_per_browser",
                                env="KDLAB_MAX_RUNS_PER_BROWSER")
            run_id = self.store.create(config, workspace, source=source, owner=owner, db=db)
            self._insert(db, run_id, "run", owner, low=False)
        return run_id

    def add(self, job_id: str, kind: str, owner: str | None = None, low: bool = False) -> None:
        """Queue a job that is not a run (a teacher, a compression, an export); ``low``: a warm-up job."""
        with self.store.transaction() as db:
            self._insert(db, job_id, kind, owner, low)

    def _insert(self, db: sqlite3.Connection, job_id: str, kind: str, owner: str | None, low: bool) -> None:
        db.execute("INSERT INTO jobs (id, kind, state, low, owner, pid, queue, created) "
                   "VALUES (?, ?, 'queued', ?, ?, ?, ?, ?)", (job_id, kind, int(low), owner, os.getpid(), self.name,
                                                              time.time()))

    def claim(self, max_running: int) -> list[str]:
        """Take the free training slots for this runner's queued jobs that are next in line, all servers' jobs
        considered: returns their ids (now ``running``), oldest first; none while the slots are taken or another
        server's jobs are ahead."""
        with self.store.transaction() as db:
            self._drop_dead(db)
            running = db.execute("SELECT COUNT(*) FROM jobs WHERE state = 'running'").fetchone()[0]
            if running >= max_running:
                return []
            rows = db.execute(f"SELECT id, pid, queue FROM jobs WHERE state = 'queued' ORDER BY {ORDER} LIMIT ?",
                              (max_running - running,)).fetchall()
            ours = [row["id"] for row in rows if (row["pid"], row["queue"]) == (os.getpid(), self.name)]
            db.executemany("UPDATE jobs SET state = 'running' WHERE id = ?", [(job_id,) for job_id in ours])
        return ours

    def release(self, job_id: str) -> None:
        """A job has ended (or was cancelled while queued): its slot, or its place in the queue, is free."""
        with self.store.transaction() as db:
            db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))

    def promote(self, job_id: str) -> None:
        """A warm-up job somebody now waits for: normal priority, queued as of now."""
        with self.store.transaction() as db:
            db.execute("UPDATE jobs SET low = 0, created = ? WHERE id = ? AND low = 1", (time.time(), job_id))

    def position(self, job_id: str) -> int | None:
        """1 for the next job to take a slot, all servers' jobs counted; None once it has one (or if unknown)."""
        with self.store.transaction(immediate=False) as db:
            row = db.execute("SELECT low, created, rowid FROM jobs WHERE id = ? AND state = 'queued'",
                             (job_id,)).fetchone()
            if row is None:
                return None
            return 1 + db.execute("SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND (low, created, rowid) < "
                                  "(?, ?, ?)", tuple(row)).fetchone()[0]

    def counts(self) -> dict[str, int]:
        """Jobs of every server: ``running`` (holding a slot), ``queued`` (warm-up teachers apart, in
        ``warming``) and ``teachers`` among them (queued or running)."""
        with self.store.transaction(immediate=False) as db:
            row = db.execute("SELECT SUM(state = 'running'), SUM(state = 'queued' AND low = 0), "
                             "SUM(state = 'queued' AND low = 1), SUM(kind = 'teacher') FROM jobs").fetchone()
        return dict(zip(("running", "queued", "warming", "teachers"), (value or 0 for value in row)))

    def leave(self) -> None:
        """This runner closes: its rows go (its jobs' threads fail or drop them)."""
        with self.store.transaction() as db:
            db.execute("DELETE FROM jobs WHERE pid = ? AND queue = ?", (os.getpid(), self.name))

    @staticmethod
    def _drop_dead(db: sqlite3.Connection) -> None:
        """Rows of processes that no longer exist: their slots are free and their queued runs ``interrupted``."""
        pids = [row[0] for row in db.execute("SELECT DISTINCT pid FROM jobs")]
        dead = [pid for pid in pids if not process_alive(pid)]
        if not dead:
            return
        marks = ",".join("?" * len(dead))
        db.execute(f"UPDATE runs SET status = 'interrupted', error = 'the server stopped during this run', "
                   f"updated = ? WHERE status IN {ACTIVE} AND id IN (SELECT id FROM jobs WHERE pid IN ({marks}))",
                   (time.time(), *dead))
        db.execute(f"DELETE FROM jobs WHERE pid IN ({marks})", dead)
