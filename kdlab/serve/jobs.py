"""Background jobs: a queue in front of the training slots that every server on one store shares.

The app never trains in its own process: it submits a config, gets a run id, and polls the store. A page that
needs a teacher before any run (the Temperature page's default, re-opening or importing a run whose teacher is not
cached) asks for it with ``teacher`` and shows the job's progress; it then reads the teacher from the cache. Every
job is a row of the run store's queue (``kdlab.runs.job_queue``), so the caps hold for every server process on one
``KDLAB_HOME`` together: at most ``max_concurrent_runs`` jobs of all of them train at once, teachers included, and a
run is refused past ``max_queued_runs`` or ``max_runs_per_browser`` whichever server it reaches. Each job gets a
small thread that waits for its turn (``kdlab.serve.turns``) and a free worker process (``kdlab.serve.workers``,
spawned on first need, ended when idle), hands it the job and waits for it to end. The worker writes a run's events
and results to the store, so any page — in any browser, after any refresh, on any server — redraws from the store.
Compressing a finished run and exporting its models go the same way (``kdlab.serve.model_jobs``).
"""
from __future__ import annotations

import os
import queue
import threading
import uuid
from dataclasses import replace

from ..config import RunConfig
from ..errors import Phrase, UserError
from ..runs.job_queue import QueueCaps, SharedQueue
from ..runs.store import ACTIVE, RunStore, StoreUnavailable
from ..teachers import teacher_path
from ..policy.admission import Admitted, admit
from .job_kinds import Job, RunJob, TeacherTrainJob, failure_text
from .model_jobs import CompressJob, ExportJob, JobStatus, ModelJobs, TeacherJob, run_owned
from ..policy.settings import ServerSettings
from .ray_jobs import RayJobs
from .turns import Turns
from .workers import Worker


def training_cores() -> int:
    """The cores runs may use: all but one, which stays with the app server (and, on a laptop, the browser).
    With that core training too, a watched run on 2 cores went 66% slower than headless instead of 29%."""
    return max(1, (os.cpu_count() or 1) - 1)


class JobRunner(ModelJobs):
    """Thread-safe; one per server process (the app holds it with ``st.cache_resource``)."""

    def __init__(self, store: RunStore | StoreUnavailable, settings: ServerSettings = ServerSettings()):
        """``store``: the run store, or why it cannot be opened — then runs are refused (``store`` raises that
        error, ``store_problem`` says it) but teachers still train, queued in a store of this process's own, so
        pages that keep no run still work."""
        self._store, self.settings = store, settings
        self.cores = training_cores()
        # LIFO, so a warm process is reused before a new one is spawned; None: a slot with no process yet
        self.idle: queue.LifoQueue[Worker | None] = queue.LifoQueue()
        for _ in range(settings.max_concurrent_runs):
            self.idle.put(None)
        self.lock = threading.Lock()  # the queue's lists; held only for quick changes, never across a store call
        self.waiting: list[str] = []  # queued job ids (runs and teachers), oldest first
        self.cancelled: set[str] = set()  # queued runs stopped before they got a worker
        self.running: dict[str, Worker] = {}
        self.teachers: dict[str, TeacherJob] = {}  # by teacher cache path
        self.compressions: dict[str, CompressJob] = {}  # by run id: its latest compression
        self.exports: dict[tuple[str, str, str], ExportJob] = {}  # by (run id, model name, format)
        self.side_jobs: dict[str, JobStatus] = {}  # every job that is not a run, by job id
        self.ray = RayJobs(settings)  # with ray_address set, runs, teachers and compressions are Ray tasks
        self.closed = False
        if isinstance(store, RunStore):
            try:
                store.mark_interrupted()
            except StoreUnavailable as err:  # opened, but not writable (read-only, full, locked for long)
                self._store = err
        # whose turn it is, all servers on this store together (warm-up jobs last), and idle workers ended
        self.turns = Turns(self.idle, SharedQueue.of(self._store), settings.max_concurrent_runs,
                           settings.worker_idle_seconds)

    @property
    def store(self) -> RunStore:
        if isinstance(self._store, StoreUnavailable):
            raise self._store
        return self._store

    @property
    def store_problem(self) -> str | None:
        return str(self._store) if isinstance(self._store, StoreUnavailable) else None

    def warm_up(self) -> None:
        """Start one worker process now, so the first run does not wait for it to import torch (seconds)."""
        try:
            worker = self.idle.get_nowait()
        except queue.Empty:
            return
        try:
            worker = self._usable(worker)
        finally:  # the slot goes back even if no process could start
            self.turns.give_back(worker)

    def _usable(self, worker: Worker | None) -> Worker:
        """``worker`` if its process is alive, else a new one (a dead one is cleaned up)."""
        if worker is not None and worker.alive():
            return worker
        if worker is not None:
            worker.close()
        return Worker(self._store.path)

    def submit(self, config: RunConfig | Admitted, workspace: str, owner: str | None = None,
               source: str = "distill") -> str:
        """Record a run as 'queued' and start it; raises ValueError, in one sentence, for a config this server
        refuses or a queue that is full. A ``RunConfig`` is admitted here (``kdlab.policy.admission``); an
        ``Admitted`` one (a page that showed its problems before Run) is taken as it is. ``owner``: the key of the
        browser that asked (``RunStore.owned``), which alone may stop or delete the run, and whose active runs are
        capped. ``source``: what started it (``kdlab.runs.store.SOURCES``), so run lists can say and filter."""
        config = (config if isinstance(config, Admitted) else admit(config, self.settings)).config
        if self.store_problem:  # the queue's own store keeps no runs
            raise self._store
        caps = QueueCaps(self.settings.max_queued_runs, self.settings.max_runs_per_browser)
        # the counts of every server, the run's row and its place in the queue in one store transaction (QueueBusy)
        run_id = self.turns.submit_run(config.to_dict(), workspace, source, owner, caps)
        with self.lock:
            self.waiting.append(run_id)
        self._start(run_id, RunJob(config.to_dict(), self.settings.cache_budget_bytes))
        return run_id

    def teacher(self, config: RunConfig, retry: bool = False, low: bool = False) -> TeacherJob:
        """The job that makes ``config``'s teacher available in the cache: "ready" at once when it is cached, else
        queued on a worker process (or the job another page already started for the same teacher). A failed job
        is returned as it is, so a page shows why, until ``retry``. ``low``: a warm-up job (``kdlab.runs.job_queue``);
        asked for again without it, the job takes its turn as any other."""
        key = str(teacher_path(config))
        # where the teacher trains does not change it (the cache key has no device): the fastest this server offers
        config = replace(config, device="auto" if "auto" in self.settings.devices else "cpu")
        with self.lock:
            job = self.teachers.get(key)
            under_way = job is not None and job.status in ("queued", "running")
            if not under_way:
                if job is not None and job.status == "failed" and not retry:
                    return job
                if teacher_path(config).exists():
                    return TeacherJob(key, "ready")
                job = self.teachers[key] = TeacherJob(f"teacher-{uuid.uuid4().hex[:8]}", "queued")
                self.side_jobs[job.id] = job
                self.waiting.append(job.id)
        if not under_way:
            self._start(job.id, TeacherTrainJob(config.to_dict()), low)
        elif not low:
            self.turns.promote(job.id)  # a store write once, for a warm-up job: outside the lock
        return job

    def warm_teachers(self, configs) -> list[TeacherJob]:
        """Queue the teachers of ``configs`` at low priority (``kdlab.teacher_warmup``: what the pages and lessons
        need by default), so first visits find them cached while the runs students submit still go first."""
        return [self.teacher(config, low=True) for config in configs]

    def _start(self, job_id: str, job: Job, low: bool = False) -> None:
        """Start the thread that waits for a worker for a job the caller has just put in ``waiting`` (a run is in
        the shared queue already; any other job joins it here, ``low`` for a warm-up job)."""
        if not isinstance(job, RunJob):
            self.turns.add(job_id, job.kind, low=low)
        threading.Thread(target=self._run, args=(job_id, job), name=f"kdlab-{job_id}", daemon=True).start()

    def queue_position(self, job_id: str) -> int | None:
        """1 for the next job to start, every server's jobs counted; None once it runs (or if unknown). A job of
        normal priority starts before every warm-up job, wherever they are in the queue."""
        with self.lock:
            if job_id not in self.waiting:
                return None
        return self.turns.position(job_id)

    def progress(self, job_id: str) -> float | None:
        """The fraction done of a running job, updated at every logged step; None when it is not running here."""
        with self.lock:
            worker = self.running.get(job_id)
            return worker.progress if worker is not None else None

    def stop(self, run_id: str, owner: str | None, instructor: bool = False) -> None:
        """Ask a running run to stop after its current step; a queued one is cancelled at once. Only the browser
        that started the run may stop it (``ValueError`` for anyone else), or the instructor (``instructor``: the
        page checked the instructor key)."""
        if not instructor:
            run_owned(self.store, run_id, owner, Phrase("action.stop", "stop it"))
        with self.lock:
            if run_id in self.running:
                self.running[run_id].stop(run_id)
                return
            if run_id not in self.waiting:
                return
            self.waiting.remove(run_id)  # the runs behind it move up now
            self.cancelled.add(run_id)
        self.turns.cancel(run_id)
        self.store.set_status(run_id, "cancelled", "stopped before it started")

    def delete(self, run_id: str, owner: str | None) -> None:
        """Delete a run that has ended, with its events and weights; only the browser that started it may."""
        run_owned(self.store, run_id, owner, Phrase("action.delete", "delete it"))
        record = self.store.get(run_id)
        if record.status in ACTIVE:
            raise UserError("queue.delete_active", "run {run_id} is still {status}; stop it before deleting it",
                            run_id=run_id, status=record.status)
        self.store.delete(run_id)
        with self.lock:
            self._drop_exports(run_id)

    def close(self) -> None:
        """End every worker process; a run in progress ends 'failed', a queued one never starts."""
        with self.lock:
            self.closed = True
            busy = list(self.running.values())
        self.turns.close()  # the threads still waiting for a turn end; this server's rows leave the queue
        for worker in busy:  # their job threads see the process (or Ray task) end, record it, and close them
            worker.terminate()
        while True:
            try:
                worker = self.idle.get_nowait()
            except queue.Empty:
                break
            if worker is not None:
                worker.close()
        self.ray.close()  # its tasks were cancelled above; this server leaves the cluster it joined

    def _threads(self, runs: int) -> int:
        return max(1, self.cores // runs)

    def _share_cores(self) -> None:
        """Each running job gets an equal share of ``cores``: all of them when alone (call with the lock held)."""
        for job_id, worker in self.running.items():
            worker.share_cores(job_id, self._threads(len(self.running)))

    def _dropped(self, job_id: str) -> bool:
        """Whether a queued job must not start (stopped, or the runner closed); forgets the stop. Call with the
        lock held."""
        dropped = job_id in self.cancelled or self.closed
        self.cancelled.discard(job_id)
        return dropped

    def _run(self, job_id: str, job: Job) -> None:
        worker = self.turns.take(job_id)  # blocks while every worker is busy (or, for a warm-up job, wanted)
        try:
            ray = self.ray.takes(job)  # a Ray task in this slot: the slot's process stays for the next job
            done = self._train(job_id, job, self.ray.worker(self._store) if ray else worker)
            worker = worker if ray else done
        finally:
            self.turns.give_back(worker, job_id)  # and its training slot

    def _train(self, job_id: str, job: Job, worker: Worker | None) -> Worker | None:
        """Do one job on ``worker`` (started first if needed); returns what goes back to the pool."""
        failure, began, run = None, False, isinstance(job, RunJob)
        try:
            with self.lock:
                if self._dropped(job_id):  # stopped while queued: no process to start
                    return worker
            worker = self._usable(worker)
            with self.lock:  # leaves 'waiting' and enters 'running' at once, so a Stop always finds it
                if self._dropped(job_id):  # stopped while its process started
                    return worker
                self.waiting.remove(job_id)
                worker.begin(job_id, job, self._threads(len(self.running) + 1), self.settings.max_run_seconds)
                self.running[job_id] = worker
                began = True
                self._share_cores()
                if not run:
                    self._teacher_status(job_id, "running", None)
            failure = worker.wait(job_id)
        except Exception as err:  # noqa: BLE001  (no process could start, or it died before taking the job)
            failure = f"the training process could not take the job: {failure_text(err)}"
        finally:
            with self.lock:
                self.running.pop(job_id, None)
                if job_id in self.waiting:
                    self.waiting.remove(job_id)
                self._share_cores()
                if not run:
                    error = failure or (worker.error if began else "the server closed before the job started")
                    self._teacher_status(job_id, "failed" if error else "ready", error)
        if failure is None:
            if run and worker.error:  # e.g. the store refused a write before the run could record it
                self._fail_run(job_id, worker.error)
            return worker
        if run:
            self._fail_run(job_id, failure)
        if worker is not None:
            worker.close()
        return None

    def _teacher_status(self, job_id: str, status: str, error: str | None) -> None:
        """Set a teacher, compression or export job's status (call with the lock held)."""
        job = self.side_jobs.get(job_id) if status == "running" else self.side_jobs.pop(job_id, None)
        if job is not None:
            job.status, job.error = status, error

    def _fail_run(self, run_id: str, failure: str) -> None:
        try:
            if self.store.get(run_id).status in ACTIVE:  # else the worker stored the run's end before it died
                self.store.set_status(run_id, "failed", failure)
        except StoreUnavailable:  # nothing can be recorded now; the pages say why
            pass
        except ValueError:  # the run was deleted meanwhile
            pass
