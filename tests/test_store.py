"""The run store: WAL, round trips, durability across store objects and processes, hostile workspace names, and a
worker killed with SIGKILL in the middle of a run."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from kdlab.cli import main
from kdlab.runs.store import RunStore, check_workspace

from .conftest import tiny_config

REPO = Path(__file__).resolve().parents[1]


def event(phase: str, step: int, **metrics) -> dict:
    return {"phase": phase, "kind": "step", "epoch": 1, "step": step, "progress": step / 100, "metrics": metrics}


@pytest.fixture
def store(tmp_path) -> RunStore:
    return RunStore(tmp_path / "runs.sqlite")


def run_count(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT COUNT(*) FROM runs").fetchone()[0]


def test_the_store_runs_in_wal_mode_so_readers_do_not_block_the_writer(store):
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_create_get_list_and_events_round_trip(store):
    config = tiny_config().to_dict()
    first = store.create(config, "class-7b")
    second = store.create(config, "三年二班", source="cli", status="running")
    store.append_events(first, [event("student", 1, ce=2.0, total=1.5), event("student", 2, ce=1.0, total=0.5)])

    record = store.get(first)
    assert (record.id, record.workspace, record.status, record.source) == (first, "class-7b", "queued", "app")
    assert record.config == config and record.summary is None and record.error is None
    assert store.get(second).status == "running" and store.get(second).workspace == "三年二班"
    assert {r.id for r in store.list()} == {first, second}
    assert [r.id for r in store.list("三年二班")] == [second]
    assert sorted(store.workspaces()) == sorted(["class-7b", "三年二班"])

    events = store.events(first)
    assert [(e["seq"], e["step"], e["metrics"]) for e in events] == [
        (0, 1, {"ce": 2.0, "total": 1.5}), (1, 2, {"ce": 1.0, "total": 0.5})]
    assert store.events(first, after=0)[0]["step"] == 2 and store.events(second) == []
    with pytest.raises(ValueError, match="no run"):
        store.get("nope")


def test_events_appended_in_batches_keep_their_order(store):
    run_id = store.create(tiny_config().to_dict())
    steps = list(range(1, 26))
    for batch in (steps[:3], steps[3:4], [], steps[4:20], steps[20:]):
        store.append_events(run_id, [event("baseline" if s < 10 else "student", s, total=1 / s) for s in batch])
    events = store.events(run_id)
    assert [e["seq"] for e in events] == list(range(25))
    assert [e["step"] for e in events] == steps
    assert [e["step"] for e in store.events(run_id, after=events[9]["seq"])] == steps[10:]


def test_a_finished_run_survives_reopening_the_store(tmp_path):
    path = tmp_path / "runs.sqlite"
    writer = RunStore(path)
    run_id = writer.create(tiny_config().to_dict(), status="running")
    writer.append_events(run_id, [event("student", 1, total=1.0)])
    weights = {"student": {"w": torch.arange(6.0).reshape(2, 3)}, "baseline": {"w": torch.ones(2, 3)}}
    writer.finish(run_id, {"student_acc": 0.9, "baseline_acc": 0.8}, weights)
    del writer

    reader = RunStore(path)
    record = reader.get(run_id)
    assert record.status == "finished" and record.summary == {"student_acc": 0.9, "baseline_acc": 0.8}
    stored = reader.weights(run_id)
    assert set(stored) == {"student", "baseline"}
    assert torch.equal(stored["student"]["w"], weights["student"]["w"])
    assert len(reader.events(run_id)) == 1


def test_runs_are_found_by_the_browser_that_started_them(store):
    mine = [store.create({"n": i}, owner="a" * 32) for i in range(2)]
    store.create({"n": 9}, owner="b" * 32)
    store.create({"n": 10})  # a CLI run: no owner
    assert store.owned("a" * 32) == mine
    assert store.owned("c" * 32) == []


def test_a_store_written_before_runs_had_owners_gains_the_column_and_keeps_its_runs(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:  # the schema as it was, without the owner column
        db.executescript("""CREATE TABLE runs (id TEXT PRIMARY KEY, workspace TEXT NOT NULL, status TEXT NOT NULL,
            source TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL, pid INTEGER NOT NULL,
            config TEXT NOT NULL, summary TEXT, error TEXT);
            INSERT INTO runs VALUES ('old-run', 'default', 'finished', 'cli', 1, 1, 1, '{}', '{}', NULL);""")
    store = RunStore(path)
    assert store.get("old-run").status == "finished"
    new = store.create({}, owner="d" * 32)
    assert store.owned("d" * 32) == [new]
    assert [r.id for r in store.list()] == [new, "old-run"]


def test_delete_removes_the_run_with_its_events_and_weights(store):
    keep = store.create(tiny_config().to_dict())
    gone = store.create(tiny_config().to_dict())
    for run_id in (keep, gone):
        store.append_events(run_id, [event("student", 1, total=1.0)])
        store.finish(run_id, {"student_acc": 0.5}, {"student": {"w": torch.zeros(2)}})
    store.delete(gone)
    with sqlite3.connect(store.path) as db:
        for table, column in (("runs", "id"), ("events", "run_id"), ("weights", "run_id")):
            assert db.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (gone,)).fetchone()[0] == 0
            assert db.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (keep,)).fetchone()[0] == 1
    with pytest.raises(ValueError):
        store.weights(gone)


HOSTILE = ["../x", "a/b", "x'; DROP TABLE runs;--", "", "   ", "a" * 41, "..", "a\nb", "a\x00b"]


@pytest.mark.parametrize("name", HOSTILE)
def test_check_workspace_refuses_names_that_are_not_plain_words(name):
    with pytest.raises(ValueError, match="workspace name"):
        check_workspace(name)


@pytest.mark.parametrize("name", ["class-7b", "三年二班", "default", "a" * 40, "Period 3_b"])
def test_check_workspace_accepts_short_words_in_any_script(name):
    assert check_workspace(name) == name


def test_the_store_stays_intact_after_a_hostile_workspace_is_refused(store):
    run_id = store.create(tiny_config().to_dict(), "class-7b")
    for name in HOSTILE:
        with pytest.raises(ValueError):
            store.create(tiny_config().to_dict(), name)
        with pytest.raises(ValueError):
            store.list(name)
    assert run_count(store.path) == 1
    assert [r.id for r in RunStore(store.path).list()] == [run_id]
    assert store.workspaces() == ["class-7b"]


DISTILL = ["distill", "--dataset", "digits", "--teacher", "cnn-small", "--student", "mlp-small", "--teacher-epochs", "2",
           "--workspace", "kill-test"]


def start_worker(home: Path, *args: str) -> subprocess.Popen:
    # One torch thread: on a shared 2-core machine, oversubscribed threads make every step many times slower.
    env = {**os.environ, "KDLAB_HOME": str(home), "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1",
           "KDLAB_MAX_EPOCHS": "1000"}  # long on purpose; the CLI applies caps only with cli_caps, this keeps it so
    return subprocess.Popen([sys.executable, "-m", "kdlab", *DISTILL, *args], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow  # trains in a subprocess (over 10 s)
def test_a_worker_killed_mid_run_leaves_its_run_interrupted_and_finished_runs_intact(tmp_path, monkeypatch):
    home = tmp_path / "home"
    deadline = time.monotonic() + 50
    # A quick run that finishes, in this process to save a torch import (it also caches the teacher, so the long
    # run starts training at once).
    monkeypatch.setenv("KDLAB_HOME", str(home))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        assert main([*DISTILL, "--epochs", "2", "--no-baseline"]) == 0
    finally:
        torch.set_num_threads(threads)
    store = RunStore(home / "runs.sqlite")
    (finished,) = store.list()
    assert finished.status == "finished"
    weights_before = store.weights_bytes(finished.id)

    worker = start_worker(home, "--epochs", "500")
    try:
        while True:
            assert worker.poll() is None, worker.stderr.read()
            assert time.monotonic() < deadline, "the long run never recorded events"
            running = [r for r in store.list("kill-test") if r.status == "running"]
            if running and store.events(running[0].id):
                break
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)  # reaped: a zombie would still look alive to mark_interrupted
        worker.stderr.close()
    (victim,) = running
    events_seen = store.events(victim.id)
    assert worker.returncode == -signal.SIGKILL

    reopened = RunStore(home / "runs.sqlite")
    assert reopened.get(victim.id).status == "running"  # nothing could record the SIGKILL
    assert reopened.mark_interrupted() == 1
    after = reopened.get(victim.id)
    assert after.status == "interrupted" and after.error
    assert reopened.events(victim.id)[:len(events_seen)] == events_seen
    assert len(reopened.events(victim.id)) >= len(events_seen) > 0

    survivor = reopened.get(finished.id)
    assert survivor.status == "finished" and survivor.summary == finished.summary
    assert reopened.weights_bytes(finished.id) == weights_before
    assert set(reopened.weights(finished.id)) == {"student"}
    assert reopened.mark_interrupted() == 0
