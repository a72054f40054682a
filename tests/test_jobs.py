"""The job runner and its training processes, for real: queue, progress, Stop, a worker killed mid-run."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from kdlab.runs.store import ACTIVE, RunStore
from kdlab.serve.jobs import JobRunner
from kdlab.serve.workers import WORKER_NICENESS
from kdlab.policy.settings import ServerSettings

from .conftest import tiny_config

LONG = dict(epochs=200, batch_size=32)  # tens of seconds: long enough to be caught running
OWNER = "0123456789abcdef0123456789abcdef"  # a browser key: the only one that may stop these runs


@pytest.fixture
def jobs(tmp_path):
    runner = JobRunner(RunStore(tmp_path / "runs.sqlite"), ServerSettings(max_concurrent_runs=1))
    yield runner
    runner.close()


def wait_for(condition, what: str, deadline_s: float = 120) -> None:
    deadline = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen in {deadline_s} s"
        time.sleep(0.05)


def ended(jobs: JobRunner, run_id: str) -> str:
    wait_for(lambda: jobs.store.get(run_id).status not in ACTIVE, f"the end of run {run_id}")
    return jobs.store.get(run_id).status


def test_runs_train_in_a_reused_worker_process_that_reports_progress(jobs):
    first = jobs.submit(tiny_config(**LONG), "jobs", OWNER)
    wait_for(lambda: (jobs.progress(first) or 0) > 0, "progress from the worker")
    worker = jobs.running[first]
    assert worker.process.pid != os.getpid()
    assert os.getpriority(os.PRIO_PROCESS, worker.process.pid) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + WORKER_NICENESS), \
        "a worker trains at a lower CPU priority than the server"
    assert os.getsid(worker.process.pid) != os.getsid(0), "in a CPU group (session) of its own"
    autogroup = Path(f"/proc/{worker.process.pid}/autogroup")
    if autogroup.exists():  # Linux with autogroup scheduling: the group's niceness is the one that counts
        assert autogroup.read_text().split()[-1] == str(WORKER_NICENESS)
    assert 0 < jobs.progress(first) < 1
    jobs.stop(first, OWNER)
    assert ended(jobs, first) == "cancelled"
    second = jobs.submit(tiny_config(), "jobs", OWNER)
    assert ended(jobs, second) == "finished", jobs.store.get(second).error
    wait_for(lambda: second not in jobs.running and jobs.idle.qsize() == 1, "the worker back in the pool", 30)
    assert jobs.progress(second) is None  # not running any more
    assert jobs.idle.get_nowait() is worker, "the warm worker took the next run"
    events = jobs.store.events(second)
    assert events and events[-1]["progress"] == pytest.approx(1.0)


def test_stop_ends_a_running_run_and_cancels_a_queued_one_at_once(jobs):
    running = jobs.submit(tiny_config(**LONG), "jobs", OWNER)
    wait_for(lambda: running in jobs.running, "the first run to get the only worker")
    queued = jobs.submit(tiny_config(), "jobs", OWNER)
    assert jobs.queue_position(queued) == 1
    jobs.stop(queued, OWNER)
    record = jobs.store.get(queued)
    assert (record.status, record.error) == ("cancelled", "stopped before it started")
    wait_for(lambda: (jobs.progress(running) or 0) > 0, "the first run to start")
    jobs.stop(running, OWNER)
    assert ended(jobs, running) == "cancelled"
    assert jobs.store.get(running).error.startswith("stopped during the")
    assert jobs.store.events(running), "the events before the stop are kept"
    # the cancelled run's turn has come and gone (its thread took the worker, saw the stop and forgot it) and the
    # worker is back in the pool: had it started the run, the run would have ended first, with its events stored
    wait_for(lambda: queued not in jobs.cancelled and jobs.idle.qsize() == 1, "the cancelled run's turn", 30)
    assert jobs.store.get(queued).status == "cancelled" and not jobs.store.events(queued), \
        "a cancelled run never starts later"


def test_a_worker_killed_mid_run_fails_its_run_and_the_next_run_gets_a_new_worker(jobs):
    doomed = jobs.submit(tiny_config(**LONG), "jobs", OWNER)
    wait_for(lambda: (jobs.progress(doomed) or 0) > 0, "the run to start")
    os.kill(jobs.running[doomed].process.pid, signal.SIGKILL)
    assert ended(jobs, doomed) == "failed"
    assert "ended unexpectedly" in jobs.store.get(doomed).error
    after = jobs.submit(tiny_config(), "jobs", OWNER)
    assert ended(jobs, after) == "finished", jobs.store.get(after).error


def test_an_idle_worker_exits_when_the_server_is_gone(jobs):
    jobs.warm_up()
    worker = jobs.idle.get_nowait()
    assert worker.alive()
    worker.conn.close()  # what the server's death does to the worker's socket
    assert worker.process.wait(timeout=60) == 0


def test_concurrent_runs_share_the_cores_and_a_run_left_alone_gets_them_all(tmp_path):
    jobs = JobRunner(RunStore(tmp_path / "runs.sqlite"), ServerSettings(max_concurrent_runs=2))
    jobs.cores = 4  # as on a 5-core server, whatever this machine has
    try:
        first = jobs.submit(tiny_config(**LONG), "jobs", OWNER)
        wait_for(lambda: first in jobs.running, "the first run to start")
        assert jobs.running[first].threads == 4
        second = jobs.submit(tiny_config(**LONG), "jobs", OWNER)
        wait_for(lambda: second in jobs.running, "the second run to start")
        assert [jobs.running[r].threads for r in (first, second)] == [2, 2]
        jobs.stop(second, OWNER)
        assert ended(jobs, second) == "cancelled"
        wait_for(lambda: jobs.running[first].threads == 4, "the first run to get the cores back", 10)
        jobs.stop(first, OWNER)
        assert ended(jobs, first) == "cancelled"
    finally:
        jobs.close()
