"""The run store: every run's config, status, metrics, results and student weights in one SQLite file.

SQLite is the embedded default — no server to start — and in WAL mode thirty readers polling live curves do not
block the writer. A run's row is written when it is submitted, so a crash or restart leaves it ``interrupted``,
never gone; a finished run's summary and weights land in one transaction, so it is all there or not at all.
Weights are ``torch.save`` bytes read back only with ``weights_only=True``.
"""
from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import torch

from ..checks import process_alive
from ..errors import UserError
from ..data import kdlab_home
from ..migrate import migrate_config
from ..tensor_files import load_tensors

ACTIVE = ("queued", "running")
# what started a run (its ``source`` column): app pages, the CLI, an import; "app" (older runs) reads as "distill"
SOURCES = ("distill", "demo", "lesson", "methods", "sweep", "cli", "import")
STATUSES = (*ACTIVE, "finished", "failed", "cancelled", "interrupted")
WORKSPACE_PATTERN = re.compile(r"^\w[\w \-]{0,39}$")
DEFAULT_WORKSPACE = "default"

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    workspace TEXT NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    pid INTEGER NOT NULL,
    config TEXT NOT NULL,
    summary TEXT,
    error TEXT,
    owner TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_workspace ON runs (workspace, created);
CREATE TABLE IF NOT EXISTS events (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    phase TEXT NOT NULL,
    kind TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    step INTEGER NOT NULL,
    progress REAL NOT NULL,
    metrics TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE IF NOT EXISTS weights (
    run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS variants (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE, name TEXT NOT NULL, role TEXT NOT NULL,
    created REAL NOT NULL, metrics TEXT NOT NULL, data BLOB, PRIMARY KEY (run_id, name)
);
"""


def check_workspace(name: str) -> str:
    """Workspace names are short words (letters in any script, digits, spaces, '-' and '_'): never a path."""
    name = name.strip() if isinstance(name, str) else name
    if not isinstance(name, str) or not WORKSPACE_PATTERN.match(name):
        raise UserError("store.workspace", "a workspace name is 1-40 letters, digits, spaces, '-' or '_' (for example "
                        "'class-7b'), got {name!r}", name=str(name)[:80])
    return name


@dataclass
class RunRecord:
    id: str
    workspace: str
    status: str
    source: str
    created: float
    updated: float
    config: dict[str, Any]
    summary: dict[str, Any] | None
    error: str | None
    owner: str | None = None  # the key of the browser that started it; None for the CLI and imports

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "RunRecord":
        return cls(row["id"], row["workspace"], row["status"], row["source"], row["created"], row["updated"],
                   migrate_config(json.loads(row["config"])), json.loads(row["summary"] or "null"), row["error"],
                   row["owner"])  # ``migrate_config``: an older run's alpha reads as terms.soft


class StoreUnavailable(ValueError):
    """The run store cannot be opened, read or written (a KDLAB_HOME that is a file, read-only or full, or a
    damaged runs.sqlite): one sentence that says where and what to do, never a traceback."""

    def __init__(self, path: Path, reason: Exception):
        self.path = path
        text = str(reason).splitlines()[0] if str(reason) else type(reason).__name__
        super().__init__(f"the run store {path} cannot be used ({text}); make KDLAB_HOME a writable folder with free "
                         "space, or move a damaged runs.sqlite away")


class RunStore:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else kdlab_home() / "runs.sqlite"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreUnavailable(self.path, err) from None
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            if "owner" not in {row["name"] for row in db.execute("PRAGMA table_info(runs)")}:
                try:  # a store written before runs had owners
                    db.execute("ALTER TABLE runs ADD COLUMN owner TEXT")
                except sqlite3.OperationalError:  # another process added it first
                    pass
            db.execute("CREATE INDEX IF NOT EXISTS runs_by_owner ON runs (owner, created)")

    @contextmanager
    def _connect(self, synchronous: str = "FULL") -> Iterator[sqlite3.Connection]:
        """One short-lived connection per call: safe from any thread, one transaction per ``with`` block.

        ``synchronous="NORMAL"`` (events only): in WAL mode the commit skips the fsync; a crash of the process
        still loses nothing committed, a power cut may lose the last batches of curve points, never a result."""
        try:
            db = sqlite3.connect(self.path, timeout=30)
            try:
                db.row_factory = sqlite3.Row
                db.execute("PRAGMA foreign_keys=ON")
                db.execute(f"PRAGMA synchronous={synchronous}")
                with db:
                    yield db
            finally:
                db.close()
        except sqlite3.IntegrityError:  # a bug of ours, not the store's state
            raise
        except (sqlite3.DatabaseError, OSError) as err:  # damaged, read-only, full, not a folder
            raise StoreUnavailable(self.path, err) from None

    @contextmanager
    def transaction(self, immediate: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction; ``immediate`` (``BEGIN IMMEDIATE``) holds the write lock from its first read, so what
        it counts cannot change in another process before it commits (the job queue's caps, ``runs.job_queue``)."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
            yield db

    def create(self, config: dict, workspace: str = DEFAULT_WORKSPACE, source: str = "app",
               status: str = "queued", owner: str | None = None, db: sqlite3.Connection | None = None) -> str:
        """A new run's row. ``owner``: an opaque key of the browser that started it (see ``owned``); ``db``: a
        ``transaction`` of the caller's that the row joins."""
        if db is None:
            with self.transaction() as db:
                return self.create(config, workspace, source, status, owner, db)
        now = time.time()
        while True:  # 24 random bits a second: a burst of runs (a sweep's) can draw one id twice
            run_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
            if db.execute("INSERT OR IGNORE INTO runs (id, workspace, status, source, created, updated, pid, config, "
                          "owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (run_id, check_workspace(workspace), status, source, now, now, os.getpid(),
                           json.dumps(config), owner)).rowcount:
                return run_id

    def owned(self, owner: str) -> list[str]:
        """The ids of the runs one browser started, oldest first: what a refreshed page picks up again."""
        with self._connect() as db:
            rows = db.execute("SELECT id FROM runs WHERE owner = ? ORDER BY created, rowid", (owner,))
            return [row["id"] for row in rows]

    def active_count(self, owner: str | None = None) -> int:
        """Runs queued or running, of one browser or (``owner=None``) of everyone."""
        query = f"SELECT COUNT(*) FROM runs WHERE status IN {ACTIVE}" + (" AND owner = ?" if owner else "")
        with self._connect() as db:
            return db.execute(query, (owner,) if owner else ()).fetchone()[0]

    def set_status(self, run_id: str, status: str, error: str | None = None) -> None:
        assert status in STATUSES, status
        with self._connect() as db:
            db.execute("UPDATE runs SET status = ?, error = ?, updated = ? WHERE id = ?",
                       (status, error, time.time(), run_id))

    def append_events(self, run_id: str, events: list[dict]) -> None:
        """Write a batch of events (dicts with phase, kind, epoch, step, progress, metrics) in one transaction."""
        if not events:
            return
        with self._connect(synchronous="NORMAL") as db:
            start = db.execute("SELECT COALESCE(MAX(seq), -1) + 1 FROM events WHERE run_id = ?", (run_id,)).fetchone()[0]
            db.executemany(
                "INSERT INTO events (run_id, seq, phase, kind, epoch, step, progress, metrics) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, start + i, e["phase"], e["kind"], e["epoch"], e["step"], e["progress"],
                  json.dumps(e["metrics"])) for i, e in enumerate(events)])
            db.execute("UPDATE runs SET updated = ? WHERE id = ?", (time.time(), run_id))

    def finish(self, run_id: str, summary: dict, weights: dict[str, dict[str, torch.Tensor]]) -> None:
        """Summary, weights and the 'finished' status in one transaction."""
        buffer = io.BytesIO()
        torch.save({role: {k: v.detach().cpu() for k, v in state.items()} for role, state in weights.items()}, buffer)
        with self._connect() as db:
            db.execute("INSERT OR REPLACE INTO weights (run_id, data) VALUES (?, ?)", (run_id, buffer.getvalue()))
            db.execute("UPDATE runs SET status = 'finished', summary = ?, error = NULL, updated = ? WHERE id = ?",
                       (json.dumps(summary), time.time(), run_id))

    def get(self, run_id: str) -> RunRecord:
        with self._connect() as db:
            row = db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise UserError("store.no_run", "no run with id {run_id!r}", run_id=str(run_id)[:80])
        return RunRecord.from_row(row)

    def list(self, workspace: str | None = None) -> list[RunRecord]:
        query, args = "SELECT * FROM runs", ()
        if workspace is not None:
            query, args = query + " WHERE workspace = ?", (check_workspace(workspace),)
        with self._connect() as db:
            return [RunRecord.from_row(r) for r in db.execute(query + " ORDER BY created DESC", args)]

    def workspaces(self) -> list[str]:
        with self._connect() as db:
            return [r[0] for r in db.execute("SELECT DISTINCT workspace FROM runs ORDER BY workspace")]

    def events(self, run_id: str, after: int = -1) -> list[dict]:
        """Events in order; ``after`` skips those already read (the seq of the last one seen)."""
        with self._connect() as db:
            rows = db.execute("SELECT * FROM events WHERE run_id = ? AND seq > ? ORDER BY seq", (run_id, after))
            return [{"seq": r["seq"], "phase": r["phase"], "kind": r["kind"], "epoch": r["epoch"], "step": r["step"],
                     "progress": r["progress"], "metrics": json.loads(r["metrics"])} for r in rows]

    def weights(self, run_id: str) -> dict[str, dict[str, torch.Tensor]]:
        """``{"student": state_dict, "baseline": state_dict}`` of a finished run."""
        return load_tensors(io.BytesIO(self.weights_bytes(run_id)))

    def weights_bytes(self, run_id: str) -> bytes:
        with self._connect() as db:
            row = db.execute("SELECT data FROM weights WHERE run_id = ?", (run_id,)).fetchone()
        if row is None:
            raise UserError("store.no_weights", "run {run_id!r} has no stored weights (it did not finish)",
                            run_id=run_id)
        return row["data"]

    def delete(self, run_id: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM runs WHERE id = ?", (run_id,))

    def mark_interrupted(self) -> int:
        """Runs left queued/running by a process that no longer exists become 'interrupted'; returns how many."""
        with self._connect() as db:
            rows = db.execute(f"SELECT id, pid FROM runs WHERE status IN {ACTIVE}").fetchall()
            dead = [r["id"] for r in rows if not process_alive(r["pid"])]
            db.executemany("UPDATE runs SET status = 'interrupted', error = 'the server stopped during this run', "
                           "updated = ? WHERE id = ?", [(time.time(), run_id) for run_id in dead])
        return len(dead)

    def put_variants(self, run_id: str, rows: list[tuple[str, str, dict, bytes | None]]) -> None:
        """A compression's measured models of a run (name, role, metrics, safetensors file or None), in one
        transaction, replacing those of the same name (``kdlab.compress``)."""
        with self._connect() as db:
            db.executemany("INSERT OR REPLACE INTO variants (run_id, name, role, created, metrics, data) "
                           "VALUES (?, ?, ?, ?, ?, ?)",
                           [(run_id, n, r, time.time(), json.dumps(m), d) for n, r, m, d in rows])

    def variants(self, run_id: str) -> list[dict]:
        """The run's measured variants without their files: ``{"name", "role", **metrics}`` each."""
        with self._connect() as db:
            rows = db.execute("SELECT * FROM variants WHERE run_id = ? ORDER BY created, rowid", (run_id,))
            return [{"name": r["name"], "role": r["role"], **json.loads(r["metrics"])} for r in rows]

    def variant_file(self, run_id: str, name: str) -> bytes:
        """A stored variant's safetensors file."""
        with self._connect() as db:
            row = db.execute("SELECT data FROM variants WHERE run_id = ? AND name = ?", (run_id, name)).fetchone()
        if row is None or row["data"] is None:
            raise UserError("store.no_variant", "run {run_id!r} has no stored model {name!r} (see `kdlab compress`)",
                            run_id=run_id, name=name)
        return row["data"]
