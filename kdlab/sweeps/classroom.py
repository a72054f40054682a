"""A class as its instructor sees it: every run of a workspace under a student alias, its results as CSV, and the
class sweep, where each student's next run is one cell of a grid the instructor set and the map fills in.

An alias is a stable pseudonym of a browser key (a keyed hash cut short): the same browser always gets the same
alias, and the alias does not give the key back, so the instructor's table never shows what would let anyone stop
or delete a student's runs. The class sweep lives in the run store (two tables), so every server process on one
``KDLAB_HOME`` assigns from the same grid: the n-th cell handed out is cell ``n mod cells`` with seed
``n div cells``, handed out when Run is clicked and numbered in one SQL statement, so two students clicking at once
never get the same one. A cell's run is the browser's first run from the Distill page after its cell was handed out
that has the cell's values and seed; the map is a sweep report (``kdlab.sweeps.results``) of those runs, with each
cell's seed interval.
"""
from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from ..config import RunConfig
from ..errors import UserError
from .results import build_cells
from .spec import SweepSpec, trial_key, with_values
from ..viz.summary import verdict
from ..runs.store import RunRecord, RunStore, check_workspace
from ..runs.tables import config_columns, config_value, method_label, run_source

SCHEMA = """
CREATE TABLE IF NOT EXISTS class_sweeps (
    id TEXT PRIMARY KEY,
    workspace TEXT NOT NULL,
    created REAL NOT NULL,
    base TEXT NOT NULL,
    axes TEXT NOT NULL,
    active INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS class_cells (
    sweep_id TEXT NOT NULL REFERENCES class_sweeps (id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    owner TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (sweep_id, n)
);
"""
ALIAS_SALT = b"kdlab student alias"  # a keyed hash, so an alias cannot be looked up from a list of hashed keys
CLASS_SOURCE = "distill"  # the page whose next run is a cell
CSV_COLUMNS = ("alias", "run_id", "created", "source", "status", *config_columns(), "seed", "student_acc",
               "baseline_acc", "gain_points", "verdict", "p_value")


def alias(owner: str | None) -> str | None:
    """A browser's stable pseudonym ("S-3f9a2c"); None for a run no browser started (the CLI, an import)."""
    if not owner:
        return None
    return "S-" + hashlib.blake2b(owner.encode(), key=ALIAS_SALT, digest_size=3).hexdigest()


def class_row(record: RunRecord) -> dict[str, Any]:
    """One run of the class in plain values, the config's own names as columns: what the table and the CSV show."""
    config, summary = record.config, record.summary or {}
    judged = verdict(summary) if summary.get("student_acc") is not None and "teacher_acc" in summary else {}
    row = {"alias": alias(record.owner), "run_id": record.id, "created": record.created,
           "source": run_source(record), "status": record.status}
    row.update({column: method_label(config) if column == "method" else config_value(config, column)
                for column in config_columns()})
    row.update(seed=config.get("seed"), student_acc=summary.get("student_acc"),
               baseline_acc=summary.get("baseline_acc"), gain_points=judged.get("gain_points"),
               verdict=judged.get("kind"), p_value=judged.get("p_value"))
    return row


def class_rows(store: RunStore, workspace: str) -> list[dict[str, Any]]:
    """Every run of the workspace, newest first."""
    return [class_row(record) for record in store.list(workspace)]


def csv_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows for a spreadsheet: every ``CSV_COLUMNS`` entry, a missing value an empty field, times in ISO form."""
    def cell(name: str, value):
        if value is None:
            return ""
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(value)) if name == "created" else value
    return [{name: cell(name, row.get(name)) for name in CSV_COLUMNS} for row in rows]


@dataclass
class ClassSweep:
    id: str
    workspace: str
    created: float
    base: dict[str, Any]  # a RunConfig as a dict: the settings every cell shares
    axes: dict[str, list]  # setting -> values, in the order given (a RunConfig field, or field.key)
    active: bool

    def cells(self) -> list[dict[str, Any]]:
        return SweepSpec(self.base, axes=self.axes).cells()

    def cell(self, n: int) -> tuple[dict[str, Any], int]:
        """The values and the seed of the n-th cell handed out: round after round over the grid, a new seed each."""
        cells = self.cells()
        return cells[n % len(cells)], n // len(cells)

    def config(self, n: int) -> RunConfig:
        values, seed = self.cell(n)
        return RunConfig.from_dict(with_values(self.base, values, seed))


def _sweep(row) -> ClassSweep:
    spec = SweepSpec(json.loads(row["base"]), axes=json.loads(row["axes"]))  # a stored sweep's alpha is terms.soft
    return ClassSweep(row["id"], row["workspace"], row["created"], spec.base, spec.axes, bool(row["active"]))


class ClassSweeps:
    """The class sweeps of one ``RunStore`` (same file, same connections, same error handling)."""

    def __init__(self, store: RunStore):
        self.store = store
        with store._connect() as db:
            db.executescript(SCHEMA)

    def start(self, workspace: str, base: RunConfig, axes: dict[str, list], settings=None) -> ClassSweep:
        """A new class sweep of ``workspace`` (the one before it ends): every cell is checked as a sweep's would be
        (axes named by the config's own fields, each cell admitted by this server) before any is handed out."""
        spec = SweepSpec(base.to_dict(), axes=axes, seeds=[0]).validate(settings)
        sweep_id = f"class-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        with self.store._connect() as db:
            db.execute("UPDATE class_sweeps SET active = 0 WHERE workspace = ?", (check_workspace(workspace),))
            db.execute("INSERT INTO class_sweeps (id, workspace, created, base, axes, active) "
                       "VALUES (?, ?, ?, ?, ?, 1)",
                       (sweep_id, workspace, time.time(), json.dumps(spec.base), json.dumps(spec.axes)))
        return self.get(sweep_id)

    def get(self, sweep_id: str) -> ClassSweep:
        with self.store._connect() as db:
            row = db.execute("SELECT * FROM class_sweeps WHERE id = ?", (sweep_id,)).fetchone()
        if row is None:
            raise UserError("class.no_sweep", "no class sweep with id {sweep_id!r}", sweep_id=str(sweep_id)[:80])
        return _sweep(row)

    def current(self, workspace: str) -> ClassSweep | None:
        """The workspace's latest class sweep, ended or not; None when it never had one."""
        with self.store._connect() as db:
            row = db.execute("SELECT * FROM class_sweeps WHERE workspace = ? ORDER BY created DESC, rowid DESC "
                             "LIMIT 1", (workspace,)).fetchone()
        return None if row is None else _sweep(row)

    def end(self, sweep_id: str) -> None:
        """No more cells are handed out; the map keeps what the class ran."""
        with self.store._connect() as db:
            db.execute("UPDATE class_sweeps SET active = 0 WHERE id = ?", (sweep_id,))

    def _handed(self, sweep_id: str, owner: str | None = None) -> list:
        query = "SELECT n, owner, created FROM class_cells WHERE sweep_id = ?" + (" AND owner = ?" if owner else "")
        with self.store._connect() as db:
            return db.execute(query + " ORDER BY n", (sweep_id, owner) if owner else (sweep_id,)).fetchall()

    def _run_of(self, sweep: ClassSweep, n: int, owner: str, since: float) -> RunRecord | None:
        """The run that filled cell ``n``: the owner's first Distill run since then with the cell's values."""
        values, seed = sweep.cell(n)
        with self.store._connect() as db:
            rows = db.execute("SELECT * FROM runs WHERE owner = ? AND source = ? AND created >= ? ORDER BY created, "
                              "rowid", (owner, CLASS_SOURCE, since)).fetchall()
        for row in rows:
            record = RunRecord.from_row(row)
            if with_values(record.config, values, seed) == record.config:  # the cell's values and seed
                return record
        return None

    def next_number(self, sweep: ClassSweep) -> int:
        """The number the next cell handed out will have, to show before Run (another browser may take it first)."""
        with self.store._connect() as db:
            return db.execute("SELECT COUNT(*) FROM class_cells WHERE sweep_id = ?", (sweep.id,)).fetchone()[0]

    def hand_out(self, sweep: ClassSweep, owner: str) -> int:
        """The number of the cell this browser's run, submitted now, fills: numbered in the statement that stores
        it, so two browsers clicking Run at once get two cells."""
        with self.store._connect() as db:
            rowid = db.execute("INSERT INTO class_cells (sweep_id, n, owner, created) SELECT ?, COUNT(*), ?, ? "
                               "FROM class_cells WHERE sweep_id = ?",
                               (sweep.id, owner, time.time(), sweep.id)).lastrowid
            return db.execute("SELECT n FROM class_cells WHERE rowid = ?", (rowid,)).fetchone()["n"]

    def report(self, sweep: ClassSweep) -> dict[str, Any]:
        """The class map as a sweep report (``kdlab.viz.sweep_figures`` draws it): a cell per finished run's
        values, with the mean gain and its seed interval; no browser, key or alias in it."""
        trials = []
        for handed in self._handed(sweep.id):
            record = self._run_of(sweep, handed["n"], handed["owner"], handed["created"])
            if record is not None:
                values, seed = sweep.cell(handed["n"])
                trials.append({"key": trial_key(values, seed), "status": record.status, "summary": record.summary,
                               "run_id": record.id, "error": record.error})
        cells = build_cells(trials, sweep.cells())
        return {"sweep_id": sweep.id, "kind": "grid", "axes": sweep.axes, "cells": cells,
                "handed_out": len(self._handed(sweep.id)), "running": sum(t["status"] in ("queued", "running")
                                                                          for t in trials),
                "finished": sum(t["status"] == "finished" for t in trials), "grid": len(sweep.cells())}
