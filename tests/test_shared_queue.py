"""Caps shared by every server on one KDLAB_HOME (the queue's counts live in the run store, ``kdlab.runs.job_queue``),
and waits that end: on a teacher another job trains, and of an idle worker.

The fast tests drive two queues on one store as two servers would; the slow ones train for real through two job
runners on one store, a run waiting on a teacher another job holds, and an idle worker giving its memory back."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from kdlab.fit import RunCancelled, RunTimedOut
from kdlab.policy.settings import ServerSettings
from kdlab.runs.job_queue import QueueBusy, QueueCaps, SharedQueue
from kdlab.runs.store import ACTIVE, RunStore
from kdlab.serve.jobs import JobRunner
from kdlab.teachers import teacher_lock, teacher_path

from .conftest import tiny_config

CAPS = QueueCaps(max_queued=3, max_per_browser=2)


@pytest.fixture
def servers(tmp_path):
    """Two servers' queues on one run store."""
    store = RunStore(tmp_path / "runs.sqlite")
    return SharedQueue(store, "one"), SharedQueue(store, "two")


def test_a_browser_capped_on_one_server_is_capped_on_the_other(servers):
    one, two = servers
    one.submit_run({}, "default", "distill", "browser-a", CAPS)
    two.submit_run({}, "default", "distill", "browser-a", CAPS)
    with pytest.raises(QueueBusy) as refused:
        one.submit_run({}, "default", "distill", "browser-a", CAPS)
    assert (refused.value.key, refused.value.values["count"]) == ("queue.browser", 2)
    assert len(one.store.list()) == 2, "a refused run leaves no row"


def test_the_queue_cap_counts_every_servers_jobs_teachers_included_warm_up_apart(servers):
    one, two = servers
    one.submit_run({}, "default", "distill", "browser-a", CAPS)
    two.add("teacher-1", "teacher")
    two.add("teacher-warm", "teacher", low=True)  # a warm-up teacher yields to everything, refuses nothing
    two.submit_run({}, "default", "distill", "browser-b", CAPS)
    with pytest.raises(QueueBusy) as refused:
        one.submit_run({}, "default", "distill", "browser-c", CAPS)
    assert (refused.value.key, refused.value.values["count"]) == ("queue.full", 3)
    assert one.counts() == {"running": 0, "queued": 3, "warming": 1, "teachers": 2}


def test_slots_go_in_queue_order_whichever_server_queued_the_job(servers):
    one, two = servers
    first = one.submit_run({}, "default", "distill", "a", CAPS)
    second = two.submit_run({}, "default", "distill", "b", CAPS)
    third = one.submit_run({}, "default", "distill", "c", CAPS)
    assert [one.position(job) for job in (first, second, third)] == [1, 2, 3]
    assert one.claim(max_running=1) == [first]
    assert two.claim(max_running=1) == [], "one slot, taken"
    one.release(first)
    assert one.claim(max_running=1) == [], "the other server's job is next"
    assert two.claim(max_running=1) == [second]
    assert one.position(third) == 1 and one.position(second) is None


def test_a_warm_up_job_waits_for_every_other_job_until_a_page_asks_for_it(servers):
    one, two = servers
    one.add("teacher-warm", "teacher", low=True)
    run = two.submit_run({}, "default", "distill", "a", CAPS)
    assert one.position("teacher-warm") == 2 and one.claim(max_running=1) == []
    one.promote("teacher-warm")
    another = two.submit_run({}, "default", "distill", "b", CAPS)
    assert [one.position(job) for job in (run, "teacher-warm", another)] == [1, 2, 3]


def test_the_jobs_of_a_server_that_died_free_their_slots_and_its_runs_end_interrupted(servers):
    one, two = servers
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = one.submit_run({}, "default", "distill", "a", CAPS)
    assert one.claim(max_running=1) == [orphan]
    with one.store.transaction() as db:  # as if the server that holds the slot had been killed
        db.execute("UPDATE jobs SET pid = ?", (int(gone.stdout),))
    waiting = two.submit_run({}, "default", "distill", "b", CAPS)
    assert two.claim(max_running=1) == [waiting]
    record = one.store.get(orphan)
    assert (record.status, record.error) == ("interrupted", "the server stopped during this run")


def test_a_wait_for_a_teacher_another_job_trains_ends_when_the_run_is_stopped_or_late(tmp_path):
    path = tmp_path / "teachers" / "digits-cnn-large-0.pt"

    class Late:
        def is_set(self):
            raise RunTimedOut("the run took longer than this server's limit of 1 s and was stopped")

    stop = threading.Event()
    with teacher_lock(path):  # another job holds it
        stop.set()
        with pytest.raises(RunCancelled, match="stopped while it waited for its teacher"):
            with teacher_lock(path, stop):
                pass
        with pytest.raises(RunTimedOut, match="limit of 1 s and was stopped, while it waited for its teacher"):
            with teacher_lock(path, Late()):
                pass
    with teacher_lock(path, Late()):  # free: taken at once, the flag never asked
        pass


def wait_for(condition, what: str, deadline_s: float = 180) -> None:
    deadline = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen in {deadline_s} s"
        time.sleep(0.05)


@pytest.mark.slow
def test_two_servers_on_one_home_together_train_at_most_max_concurrent_runs(tmp_path):
    settings = ServerSettings(max_concurrent_runs=2, max_runs_per_browser=10)
    runners = [JobRunner(RunStore(tmp_path / "runs.sqlite"), settings) for _ in range(2)]
    try:
        ids = [runner.submit(tiny_config(epochs=15), "two-servers", f"browser-{n}") for n in range(3)
               for runner in runners]
        most, store = 0, runners[0].store
        while any(store.get(run_id).status in ACTIVE for run_id in ids):
            training = sum(len(runner.running) for runner in runners)
            recorded = sum(store.get(run_id).status == "running" for run_id in ids)
            assert training <= 2 and recorded <= 2, (training, recorded)
            most = max(most, training)
            time.sleep(0.05)
        assert most == 2, "the two slots were used at once"
        assert [store.get(run_id).status for run_id in ids] == ["finished"] * 6, [store.get(i).error for i in ids]
        wait_for(lambda: runners[0].turns.shared.counts()["running"] == 0, "the last slot freed", 30)
        assert runners[0].turns.shared.counts() == {"running": 0, "queued": 0, "warming": 0, "teachers": 0}
    finally:
        for runner in runners:
            runner.close()


@pytest.mark.slow
def test_a_run_waiting_for_a_teacher_another_job_trains_times_out_saying_so(tmp_path):
    config = tiny_config(seed=9137)  # a teacher nobody has cached
    jobs = JobRunner(RunStore(tmp_path / "runs.sqlite"), ServerSettings(max_run_seconds=3))
    try:
        with teacher_lock(teacher_path(config)):  # another job is training this teacher, for longer than 3 s
            run_id = jobs.submit(config, "teacher-wait", "browser-a")
            wait_for(lambda: jobs.store.get(run_id).status not in ACTIVE, "the run's end", 120)
        record = jobs.store.get(run_id)
        assert record.status == "failed"
        assert record.error.startswith("the run took longer than this server's limit of 3 s"), record.error
        assert record.error.endswith("while it waited for its teacher (another job is training it)"), record.error
        assert not teacher_path(config).exists()
    finally:
        jobs.close()


@pytest.mark.slow
def test_an_idle_worker_ends_and_the_next_job_starts_a_new_one(tmp_path):
    jobs = JobRunner(RunStore(tmp_path / "runs.sqlite"), ServerSettings(worker_idle_seconds=2))
    try:
        first = jobs.submit(tiny_config(), "idle", "browser-a")
        wait_for(lambda: jobs.store.get(first).status not in ACTIVE and any(jobs.idle.queue), "the first run's end")
        worker, = filter(None, jobs.idle.queue)
        worker.process.wait(timeout=30)  # ended by the server once idle for 2 s: its memory is back
        assert not any(jobs.idle.queue), "its slot stays, empty"
        second = jobs.submit(tiny_config(), "idle", "browser-a")
        wait_for(lambda: jobs.store.get(second).status not in ACTIVE, "the second run's end")
        assert jobs.store.get(second).status == "finished", jobs.store.get(second).error
    finally:
        jobs.close()
