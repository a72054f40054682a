"""A sweep's rows in the run store: the sweep itself (its spec, status and latest report) and which runs are its
trials. Each trial is an ordinary run (``RunStore.create``); the ``sweep_trials`` table tags it with its sweep and
its trial key, so ``--resume`` finds what finished and a page finds a sweep's runs."""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from .store import DEFAULT_WORKSPACE, RunStore, check_workspace

SWEEP_STATUSES = ("running", "finished", "failed", "cancelled", "interrupted")


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


class SweepRecords:
    """The sweep tables of one ``RunStore`` (same file, same connections, same error handling)."""

    def __init__(self, store: RunStore):
        self.store = store

    def create(self, kind: str, spec: dict, workspace: str = DEFAULT_WORKSPACE) -> str:
        sweep_id = "sweep-" + time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        now = time.time()
        with self.store._connect() as db:
            db.execute("INSERT INTO sweeps (id, workspace, kind, status, created, updated, spec) "
                       "VALUES (?, ?, ?, 'running', ?, ?, ?)",
                       (sweep_id, check_workspace(workspace), kind, now, now, json.dumps(spec)))
        return sweep_id

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
            raise ValueError(f"no sweep with id {sweep_id!r}")
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


def _record(row) -> SweepRecord:
    return SweepRecord(row["id"], row["workspace"], row["kind"], row["status"], row["created"], row["updated"],
                       json.loads(row["spec"]), json.loads(row["report"]) if row["report"] else None, row["error"])
