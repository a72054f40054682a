"""Warm teachers: the list comes from the defaults' own places, the CLI prepares and lists them, and the server's
warm-up jobs never hold up a student's run."""
from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from kdlab import RunConfig
from kdlab.lessons import LESSONS, QUICK_DEMO, lesson
from kdlab.runs.store import ACTIVE, RunStore
from kdlab.serve.jobs import JobRunner
from kdlab.policy.settings import ServerSettings
from kdlab.teacher_warmup import at_start_up, demo_seeds, needed
from kdlab.teachers import teacher_path
from tests.conftest import tiny_config

ROOT = Path(__file__).resolve().parent.parent


def paths(needs) -> set[str]:
    return {str(teacher_path(need.config)) for need in needs}


def test_the_list_is_every_default_teacher_once_read_from_where_the_defaults_live():
    pages = {str(teacher_path(RunConfig()))} | {
        str(teacher_path(replace(lesson(QUICK_DEMO).config, seed=seed))) for seed in demo_seeds()}
    lessons = {str(teacher_path(config.teacher_config(name))) for entry in LESSONS
               for config in (entry.assistant or entry.config, entry.contrast) if config is not None
               for name in config.teachers}
    assert not [n for n in needed() if n.config.dataset == "spirals" and n.config.teacher == "mlp-small"]
    assert paths(needed(with_lessons=False)) == pages
    everything = needed(with_lessons=True)
    assert paths(everything) == pages | lessons and len(everything) == len(pages | lessons)
    assert "several_teachers" in next(n.who for n in everything if n.config.teacher == "mlp-large"
                                      and n.config.dataset == "digits")  # a further teacher is prepared too
    assert {str(teacher_path(c)) for c in at_start_up("lessons")} == paths(everything) and at_start_up("none") == []
    with pytest.raises(ValueError, match="unknown page or lesson 'nope'"):
        needed(only=("nope",))


# The CLI as shipped, with one tiny lesson added to its table so that preparing it takes seconds
CLI = """
import sys
import kdlab.lessons as lessons
from tests.conftest import tiny_config
lessons.LESSONS = (*lessons.LESSONS, lessons.Lesson("tiny", tiny_config(seed=7), lessons.Claim()))
from kdlab.cli import main
sys.exit(main(sys.argv[1:]))
"""


def kdlab(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_the_cli_prepares_the_teachers_it_is_pointed_at_then_lists_them_as_cached():
    assert "missing  digits     cnn-large          seed 7" in kdlab("teachers", "list", "--only", "tiny").stdout
    first = kdlab("teachers", "prepare", "--only", "tiny")
    assert first.returncode == 0, first.stderr
    assert "[1/1] training: digits" in first.stdout and "epoch   4" in first.stderr
    assert teacher_path(tiny_config(seed=7)).exists()
    listed = kdlab("teachers", "list", "--only", "tiny")
    assert "cached   digits     cnn-large          seed 7" in listed.stdout and "1 of 1 cached" in listed.stdout
    again = kdlab("teachers", "prepare", "--only", "tiny")
    assert "[1/1] cached: digits" in again.stdout and "epoch" not in again.stderr  # found, not trained again
    wrong = kdlab("teachers", "prepare", "--only", "nope")
    assert wrong.returncode == 2 and wrong.stderr.startswith("kdlab: error: unknown page or lesson 'nope'")


def wait_until(condition, deadline_s: float, what: str) -> None:
    deadline = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen in {deadline_s} s"
        time.sleep(0.1)


def test_a_run_submitted_after_start_up_starts_before_the_queued_warm_up_teachers(tmp_path):
    jobs = JobRunner(RunStore(tmp_path / "runs.sqlite"), ServerSettings(max_concurrent_runs=1))
    try:
        warm = [tiny_config(seed=seed) for seed in (21, 22, 23)]
        teachers = jobs.warm_teachers(warm)
        wait_until(lambda: teachers[0].status == "running", 120, "the first warm-up teacher starting")
        assert [job.status for job in teachers[1:]] == ["queued", "queued"]
        run_id = jobs.submit(tiny_config(seed=21), "default", owner="a" * 32)
        assert jobs.queue_position(run_id) == 1  # the warm-up jobs queued before it do not count
        assert jobs.queue_position(teachers[1].id) == 2 and jobs.queue_position(teachers[2].id) == 3
        assert jobs.teacher(warm[2]) is teachers[2]  # a page now waits for this one: it goes before the other
        wait_until(lambda: jobs.store.get(run_id).status not in ACTIVE
                   and all(job.status == "ready" for job in teachers), 300, "the run and the warm-up ending")
        record = jobs.store.get(run_id)
        assert record.status == "finished", record.error
        # one worker: the teachers still queued when the run came were trained after it finished, the one a page
        # asked for first
        assert all(teacher_path(config).stat().st_mtime > record.updated for config in warm[1:])
        assert teacher_path(warm[2]).stat().st_mtime < teacher_path(warm[1]).stat().st_mtime
    finally:
        jobs.close()
