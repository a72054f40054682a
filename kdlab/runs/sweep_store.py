"""A sweep's rows in the run store: the sweep itself (its spec, status and latest report) and which runs are its
trials. Each trial is an ordinary run (``RunStore.create``); the ``sweep_trials`` table tags it with its sweep and
its trial key, so ``--resume`` finds what finished and a page finds a sweep's runs.

A sweep row also names its ``owner`` (the browser that started it in the app, as a run does; None from the CLI),
which alone may ask it to stop (``request_stop``; the driver reads the request within a heartbeat), and its live
driver (``DriverLease``): the process and a heartbeat, so that a sweep still driven by a CLI or another server is
never resumed a second time."""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from ..checks import process_alive
from ..errors import UserError
from .store import DEFAULT_WORKSPACE, RunStore, check_workspace

SWEEP_STATUSES = ("running", "finished", "failed", "cancelled", "interrupted")
HEARTBEAT_SECONDS = 1.0  # a driver writes its heartbeat (and reads a stop request) this often
STALE_SECONDS = 15.0  # a driver silent for longer is gone (killed, or its machine is)
SWEEP_TABLES = """
CREATE TABLE IF NOT EXISTS sweeps (
    id TEXT PRIMARY KEY,
    workspace TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    spec TEXT NOT NULL,
    report TEXT,
    error TEXT
);
CREATE TABLE IF NOT EXISTS sweep_trials (
    sweep_id TEXT NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
    trial_key TEXT NOT NULL,
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    PRIMARY KEY (sweep_id, run_id)
);
"""
COLUMNS = {"owner": "TEXT", "driver": "TEXT", "heartbeat": "REAL", "stop_requested": "INTEGER NOT NULL DEFAULT 0"}
# A trial key of a sweep is finished at most once, whoever writes the run (a worker, a Ray driver, an orphan of a
# killed driver): the store refuses, in the same transaction, to finish a trial's run that is no longer queued or
# running (a resumed driver marked it interrupted and redoes it) or whose key another run of the sweep finished.
FINISHED_ONCE = """
CREATE TRIGGER IF NOT EXISTS sweep_trial_finished_once BEFORE UPDATE OF status ON runs
WHEN NEW.status = 'finished' AND EXISTS (SELECT 1 FROM sweep_trials WHERE run_id = NEW.id) AND (
    OLD.status NOT IN ('queued', 'running') OR EXISTS (
        SELECT 1 FROM sweep_trials mine
        JOIN sweep_trials other ON other.sweep_id = mine.sweep_id AND other.trial_key = mine.trial_key
                                   AND other.run_id != mine.run_id
        JOIN runs done ON done.id = other.run_id AND done.status = 'finished'
        WHERE mine.run_id = NEW.id))
BEGIN SELECT RAISE(ABORT, 'this sweep trial was finished or redone by another run: it is not recorded twice'); END
"""


@dataclass
class SweepRecord:
    id: str
    workspace: str
    kind: str
    status: str
    created: float
    updated: float
    spec: dict[str, Any]
    report: dict[str, Any] | None
    error: str | None
    owner: str | None = None  # the key of the browser that started it; None for the CLI
    driver: str | None = None  # "host:pid:token" of the process driving it now, None when nobody does
    heartbeat: float | None = None

    def driven(self, now: float | None = None) -> bool:
        """Whether a live driver holds this sweep: its heartbeat is fresh and, on this machine, its process
        exists (a killed CLI is seen at once; another machine's driver only by its heartbeat)."""
        if self.driver is None or self.heartbeat is None:
            return False
        if (now or time.time()) - self.heartbeat > STALE_SECONDS:
            return False
        host, pid, _token = self.driver.rsplit(":", 2)
        return host != socket.gethostname() or process_alive(int(pid))


class SweepRecords:
    """The sweep tables of one ``RunStore`` (same file, same connections, same error handling)."""

    def __init__(self, store: RunStore):
        self.store = store
        with store._connect() as db:
            db.executescript(SWEEP_TABLES)
            have = {row["name"] for row in db.execute("PRAGMA table_info(sweeps)")}
            for name, kind in COLUMNS.items():
                if name not in have:
                    try:  # a store written before sweeps had owners and drivers
                        db.execute(f"ALTER TABLE sweeps ADD COLUMN {name} {kind}")
                    except sqlite3.OperationalError:  # another process added it first
                        pass
            db.execute("CREATE INDEX IF NOT EXISTS sweep_trials_by_run ON sweep_trials (run_id)")
            db.execute(FINISHED_ONCE)

    def create(self, kind: str, spec: dict, workspace: str = DEFAULT_WORKSPACE, owner: str | None = None) -> str:
        sweep_id = "sweep-" + time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        now = time.time()
        with self.store._connect() as db:
            db.execute("INSERT INTO sweeps (id, workspace, kind, status, created, updated, spec, owner) "
                       "VALUES (?, ?, ?, 'running', ?, ?, ?, ?)",
                       (sweep_id, check_workspace(workspace), kind, now, now, json.dumps(spec), owner))
        return sweep_id

    def request_stop(self, sweep_id: str, owner: str | None) -> None:
        """Ask the sweep's driver to stop (it stops its trials still training); only the browser that started the
        sweep may: ``ValueError`` for anyone else, and for a CLI's sweep (stopped with Ctrl-C where it runs)."""
        if owner is None or self.get(sweep_id).owner != owner:
            raise UserError("sweep.not_owner", "sweep {sweep_id} was started elsewhere: only the browser that started "
                            "it can stop it", sweep_id=sweep_id)
        with self.store._connect() as db:
            db.execute("UPDATE sweeps SET stop_requested = 1 WHERE id = ?", (sweep_id,))

    def owned(self, owner: str) -> list[str]:
        """The ids of the sweeps a browser started, newest first."""
        with self.store._connect() as db:
            rows = db.execute("SELECT id FROM sweeps WHERE owner = ? ORDER BY created DESC", (owner,))
            return [row["id"] for row in rows]

    def set_status(self, sweep_id: str, status: str, report: dict | None = None, error: str | None = None) -> None:
        """The sweep's status, and its latest report when given (kept otherwise)."""
        assert status in SWEEP_STATUSES, status
        with self.store._connect() as db:
            db.execute("UPDATE sweeps SET status = ?, error = ?, updated = ?, report = COALESCE(?, report) "
                       "WHERE id = ?", (status, error, time.time(), json.dumps(report) if report else None, sweep_id))

    def get(self, sweep_id: str) -> SweepRecord:
        with self.store._connect() as db:
            row = db.execute("SELECT * FROM sweeps WHERE id = ?", (sweep_id,)).fetchone()
        if row is None:
            raise no_sweep(sweep_id)
        return _record(row)

    def list(self, workspace: str | None = None) -> list[SweepRecord]:
        query, args = "SELECT * FROM sweeps", ()
        if workspace is not None:
            query, args = query + " WHERE workspace = ?", (check_workspace(workspace),)
        with self.store._connect() as db:
            return [_record(row) for row in db.execute(query + " ORDER BY created DESC", args)]

    def add_trial(self, sweep_id: str, trial_key: str, run_id: str) -> None:
        with self.store._connect() as db:
            db.execute("INSERT INTO sweep_trials (sweep_id, trial_key, run_id) VALUES (?, ?, ?)",
                       (sweep_id, trial_key, run_id))

    def trials(self, sweep_id: str) -> list[dict[str, Any]]:
        """Every run of the sweep, oldest first: its trial key, run id, status, summary and error."""
        with self.store._connect() as db:
            rows = db.execute("SELECT t.trial_key, r.id, r.status, r.summary, r.error FROM sweep_trials t "
                              "JOIN runs r ON r.id = t.run_id WHERE t.sweep_id = ? ORDER BY r.created, r.rowid",
                              (sweep_id,)).fetchall()
        return [{"key": row[0], "run_id": row[1], "status": row[2], "error": row[4],
                 "summary": json.loads(row[3]) if row[3] else None} for row in rows]


class DriverLease:
    """The right to drive one sweep, held by one process (and thread) at a time.

    ``acquire`` takes it in one transaction, or raises ``ValueError`` while another live driver holds it; then a
    daemon thread writes a heartbeat every ``HEARTBEAT_SECONDS`` and sets ``stop`` (a ``threading.Event``, the
    driver's stop flag) once the owner asked for a stop; ``release`` gives it back."""

    def __init__(self, records: SweepRecords, sweep_id: str, stop: threading.Event | None = None):
        self.records, self.sweep_id = records, sweep_id
        self.stop = stop or threading.Event()
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.released = threading.Event()

    def acquire(self) -> DriverLease:
        with self.records.store._connect() as db:
            db.execute("BEGIN IMMEDIATE")  # read and claim together: two resumes at once cannot both win
            row = db.execute("SELECT * FROM sweeps WHERE id = ?", (self.sweep_id,)).fetchone()
            if row is None:
                raise no_sweep(self.sweep_id)
            if _record(row).driven():
                raise still_driven(self.sweep_id, row["driver"])
            db.execute("UPDATE sweeps SET driver = ?, heartbeat = ?, stop_requested = 0 WHERE id = ?",
                       (self.name, time.time(), self.sweep_id))
        threading.Thread(target=self._beat, name=f"kdlab-lease-{self.sweep_id}", daemon=True).start()
        return self

    def _beat(self) -> None:
        while not self.released.wait(HEARTBEAT_SECONDS):
            try:
                with self.records.store._connect() as db:
                    db.execute("UPDATE sweeps SET heartbeat = ? WHERE id = ? AND driver = ?",
                               (time.time(), self.sweep_id, self.name))
                    row = db.execute("SELECT stop_requested FROM sweeps WHERE id = ?", (self.sweep_id,)).fetchone()
            except Exception:  # noqa: BLE001, S112  (the store is busy or gone: try again at the next beat)
                continue
            if row is None or row["stop_requested"]:
                self.stop.set()

    def release(self) -> None:
        self.released.set()
        with self.records.store._connect() as db:
            db.execute("UPDATE sweeps SET driver = NULL, heartbeat = NULL WHERE id = ? AND driver = ?",
                       (self.sweep_id, self.name))


def no_sweep(sweep_id: str) -> UserError:
    return UserError("sweep.no_sweep", "no sweep with id {sweep_id!r}", sweep_id=str(sweep_id)[:80])


def still_driven(sweep_id: str, driver: str | None) -> UserError:
    """A resume refused while the sweep's driver (``pid@host``) still works on it: the app's, a shell's, Ray's."""
    return UserError("sweep.driven", "sweep {sweep_id} is still being driven (by process {driver}); stop it there, or "
                     "wait until it ends, before resuming it", sweep_id=sweep_id, driver=driver)


def _record(row) -> SweepRecord:
    keys = row.keys()
    return SweepRecord(row["id"], row["workspace"], row["kind"], row["status"], row["created"], row["updated"],
                       json.loads(row["spec"]), json.loads(row["report"]) if row["report"] else None, row["error"],
                       *(row[k] if k in keys else None for k in ("owner", "driver", "heartbeat")))
