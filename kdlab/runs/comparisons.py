"""The methods comparison a browser launched last, kept in the run store so a refresh does not forget it.

A comparison's runs are ordinary runs, submitted a few at a time as the browser's slots free up; which ones make up
the comparison (the base config, the methods, the seeds) lives only in the page's session. A refresh starts a new
session: without this row the page would show its defaults and feed nobody's comparison, and Run would launch a
different one. One row per (browser, workspace), replaced by the next launch.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass

from .store import RunStore, check_workspace

SCHEMA = """
CREATE TABLE IF NOT EXISTS comparisons (
    owner TEXT NOT NULL,
    workspace TEXT NOT NULL,
    created REAL NOT NULL,
    plan TEXT NOT NULL,
    PRIMARY KEY (owner, workspace)
);
"""


@dataclass
class LaunchedComparison:
    base: dict  # the base RunConfig as a dict (the Distill form's pair, data and schedule)
    methods: list[str]
    seeds: list[int]
    created: float


class Comparisons:
    """The ``comparisons`` table of one ``RunStore`` (same file, same connections, same error handling)."""

    def __init__(self, store: RunStore):
        self.store = store
        with store._connect() as db:
            db.executescript(SCHEMA)

    def launch(self, owner: str, workspace: str, base: dict, methods: list[str], seeds: list[int]) -> None:
        plan = json.dumps({"base": base, "methods": list(methods), "seeds": list(seeds)})
        with self.store._connect() as db:
            db.execute("INSERT OR REPLACE INTO comparisons (owner, workspace, created, plan) VALUES (?, ?, ?, ?)",
                       (owner, check_workspace(workspace), time.time(), plan))

    def latest(self, owner: str, workspace: str) -> LaunchedComparison | None:
        """The comparison this browser launched last in this workspace, or None."""
        with self.store._connect() as db:
            row = db.execute("SELECT created, plan FROM comparisons WHERE owner = ? AND workspace = ?",
                             (owner, workspace)).fetchone()
        if row is None:
            return None
        plan = json.loads(row["plan"])
        return LaunchedComparison(plan["base"], plan["methods"], plan["seeds"], row["created"])
