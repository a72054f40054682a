"""Where a sweep's trials train: in this process (one at a time), on a pool of local worker processes, or (see
``kdlab.sweeps.ray_executor``) as Ray tasks. All of them call ``train_trial`` with the same config and the same
number of torch threads, so a trial gives the same numbers wherever it ran (CPU, fixed seed).

An executor has ``slots`` (trials it runs at once), ``submit(job)`` and ``next_done() -> (job, outcome)``; the
driver (``kdlab.sweeps.driver``) keeps the slots full. A local trial records itself in the run store as it trains
(live curves); a Ray trial returns its events, summary and weights and the driver records them.

A local worker process ends with the driver that started it, even when the driver is killed with SIGKILL (which
runs none of its clean-up): an orphan would go on training, and record a trial that a resumed driver redoes.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from typing import Any

import torch


@dataclass
class TrialJob:
    """One run of a sweep: its trial key, its validated config (``RunConfig.to_dict()``) and its store row."""

    key: str
    config: dict[str, Any]
    run_id: str


@dataclass
class Outcome:
    """How a trial ended: its summary (None when it failed, then ``error`` says why)."""

    summary: dict[str, Any] | None
    error: str | None = None
    events: list[dict] | None = None  # only when the trial did not record itself (Ray)
    weights: dict | None = None


class EventCollector:
    """A trainer listener that keeps every event, for a trial that cannot reach the run store."""

    def __init__(self):
        self.events: list[dict] = []

    def on_step(self, event) -> None:
        self.events.append(asdict(event))

    def on_epoch_end(self, event) -> None:
        self.on_step(event)


class FileFlag:
    """A stop flag another process sets by creating a file (``LocalExecutor.prune``): one ``stat`` per step."""

    def __init__(self, path: str):
        self.path = path

    def is_set(self) -> bool:
        return os.path.exists(self.path)


class StopFiles:
    """One stop file per run in a private folder under ``$KDLAB_HOME`` (not the machine's shared /tmp): how the
    driver stops (prunes) a trial in this or another process."""

    def __init__(self):
        from ..data import kdlab_home

        parent = kdlab_home() / "sweep-stops"
        parent.mkdir(parents=True, exist_ok=True)
        self.folder = tempfile.mkdtemp(prefix=f"driver-{os.getpid()}-", dir=parent)

    def path(self, run_id: str) -> str:
        return os.path.join(self.folder, run_id)

    def prune(self, run_id: str) -> None:
        open(self.path(run_id), "w").close()

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def train_trial(config: dict, threads: int, store_path: str | None = None, run_id: str | None = None,
                teacher: tuple[str, bytes] | None = None, stop_file: str | None = None) -> Outcome:
    """Train one trial in this process with ``threads`` torch threads.

    With ``store_path`` it records itself into the run ``run_id`` (``run_recorded``); without, it returns its events
    and weights too. ``teacher``: the cached teacher file's name and bytes, written into this machine's teacher
    cache first when it is missing there (a Ray node that has never seen it), so no trial trains a teacher.
    ``stop_file``: the trial stops (ends 'cancelled') once that file exists (``StopFiles.prune``).
    """
    from ..config import RunConfig
    from ..runs.recording import run_recorded
    from ..runs.store import RunStore
    from ..teachers import teacher_path
    from ..tensor_files import atomic_file
    from ..train import run_distillation

    torch.set_num_threads(threads)
    run_config = RunConfig.from_dict(config, validate=False)  # validated and admitted by the driver
    if teacher is not None and not teacher_path(run_config).exists():
        with atomic_file(teacher_path(run_config)) as handle:
            handle.write(teacher[1])
    try:
        if store_path is not None:
            stop = FileFlag(stop_file) if stop_file else None
            result = run_recorded(RunStore(store_path), run_id, run_config, stop=stop)
            return Outcome(result.summary())
        collector = EventCollector()
        result = run_distillation(run_config, listeners=[collector])
        weights = {role: {k: v.detach().cpu() for k, v in model.state_dict().items()}
                   for role, model in result.models.items() if role != "teacher"}
        return Outcome(result.summary(), events=collector.events, weights=weights)
    except Exception as err:  # noqa: BLE001  (one failed trial ends failed; the sweep goes on)
        return Outcome(None, str(err) if isinstance(err, ValueError) else f"{type(err).__name__}: {err}")


PR_SET_PDEATHSIG = 1  # linux/prctl.h: the signal this process gets when the thread that started it ends
PARENT_POLL_SECONDS = 0.5


def die_with_parent(parent: int) -> None:
    """A pool worker's initializer: end this process when ``parent`` (the driver) ends, however it ends.

    On Linux the kernel sends SIGKILL at once (``prctl(PR_SET_PDEATHSIG)``; "parent" there is the driver's thread
    that started the worker: the thread that submits trials, which lives as long as the sweep). Everywhere, a
    daemon thread also checks twice a second whether this process was handed to another parent (its own died),
    and the check is made once now, for a driver killed before this ran.
    """
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # no prctl in this libc: the watcher below still ends the worker
            pass
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    threading.Thread(target=_watch_parent, args=(parent,), name="kdlab-parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    never = threading.Event()
    while not never.wait(PARENT_POLL_SECONDS):
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class InlineExecutor(StopFiles):
    """One trial at a time in this process: no process start-up, and Ctrl-C reaches the trial directly."""

    def __init__(self, store_path: str, threads: int | None = None):
        super().__init__()
        self.slots, self.store_path, self.threads = 1, store_path, threads or cores()
        self.done: list[tuple[TrialJob, Outcome]] = []

    def submit(self, job: TrialJob) -> None:
        self.done.append((job, train_trial(job.config, self.threads, self.store_path, job.run_id,
                                           stop_file=self.path(job.run_id))))

    def next_done(self) -> tuple[TrialJob, Outcome]:
        return self.done.pop(0)


class LocalExecutor(StopFiles):
    """``workers`` local processes (spawned: a fork of a process that has run torch threads can hang), each trial
    with ``cores // workers`` torch threads so that the workers never oversubscribe the cores."""

    def __init__(self, workers: int, store_path: str, threads: int | None = None):
        super().__init__()
        self.slots, self.store_path = workers, store_path
        self.threads = threads or max(1, cores() // workers)
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=die_with_parent, initargs=(os.getpid(),))
        self.running: dict[Future, TrialJob] = {}

    def submit(self, job: TrialJob) -> None:
        future = self.pool.submit(train_trial, job.config, self.threads, self.store_path, job.run_id, None,
                                  self.path(job.run_id))
        self.running[future] = job

    def next_done(self) -> tuple[TrialJob, Outcome]:
        done, _ = wait(list(self.running), return_when=FIRST_COMPLETED)
        future = next(iter(done))
        job = self.running.pop(future)
        try:
            return job, future.result()
        except Exception as err:  # noqa: BLE001  (the worker process died: the run's row says it is still active)
            return job, Outcome(None, f"the trial's process ended unexpectedly ({type(err).__name__}: {err})")

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        super().close()
