"""The app's job queue on a Ray cluster: with ``ray_address`` set (``KDLAB_RAY_ADDRESS``), runs, teacher jobs and
compressions train as Ray tasks instead of on the server's worker processes.

``JobRunner`` keeps its queue, its caps and its turns; a job of a kind that may run on Ray (``on_ray`` in
``kdlab.serve.job_kinds``) is handed to a ``RayWorker`` instead of a worker process. A ``RayWorker`` has a worker's
interface (``begin``, ``wait``, ``stop``, ``progress``, ``error``), so the queue's code is the same for both. The task
(``kdlab.serve.ray_tasks.do_job``) asks Ray for ``ray_cpus_per_run`` CPUs (its torch threads) and
``ray_gpus_per_run`` GPUs; while it trains, ``wait`` takes what it posted to this server's mailbox actor every
``POLL_SECONDS`` and writes it into the run store, so the live pages see the curves grow as with a local worker.
At the end the task's result brings the weights (or a compression's variants) and any teacher it trained, which is
written into this server's teacher cache, as a local worker would have left it there.

The server joins the cluster at the first such job, in that job's thread (never a page's), and never trains: this
module imports ray and the run store, nothing of training. Ray's own SIGTERM handler is not installed from a
thread other than the main one, which is where the job queue's threads run.
"""
from __future__ import annotations

import socket
import threading

from ..config import RunConfig
from ..data import kdlab_home
from ..data.upload_store import PREFIX, datasets_dir
from ..runs.store import RunStore, StoreUnavailable
from ..sweeps.ray_executor import connect
from ..teachers import teacher_path
from ..tensor_files import atomic_file
from .job_kinds import CompressionJob, Job, encode
from .ray_tasks import POSTED, RETURNED, Mailbox, do_job

POLL_SECONDS = 0.25  # how often the server takes a running task's posts: the live page polls every 0.5 s


class RayJobs:
    """This server's side of the cluster: the connection, the mailbox actor and the task, made once."""

    def __init__(self, settings):
        """``settings``: the server's (``ray_address``, ``ray_cpus_per_run``, ``ray_gpus_per_run``); an empty address
        sends no job to Ray."""
        self.address, self.cpus, self.gpus = settings.ray_address, settings.ray_cpus_per_run, settings.ray_gpus_per_run
        self.lock = threading.Lock()
        self.ray = self.mailbox = self.task = None
        self.started = False
        self.shipped: dict[str, object] = {}  # a KDLAB_HOME file by relative path -> object ref of its bytes

    def connected(self) -> "RayJobs":
        """Join the cluster the first time (seconds); ``ValueError`` in one sentence when it cannot be reached."""
        with self.lock:
            if self.ray is None:
                try:
                    answering(self.address)
                    ray, started = connect(self.address)
                    self.mailbox = ray.remote(num_cpus=0)(Mailbox).remote()
                except Exception as err:  # noqa: BLE001  (an address nobody answers, a version mismatch, ...)
                    reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
                    raise ValueError(f"the Ray cluster at {self.address} (ray_address in kdlab.toml or "
                                     f"KDLAB_RAY_ADDRESS) cannot be used: {reason}") from None
                # a task given no GPU sees none (Ray 2.60 leaves CUDA_VISIBLE_DEVICES alone at 0 GPUs), so that a
                # run on "auto" trains on the CPU it was given, not on a GPU another task holds
                hidden = {} if self.gpus else {"runtime_env": {"env_vars": {"CUDA_VISIBLE_DEVICES": ""}}}
                self.task = ray.remote(num_cpus=self.cpus, num_gpus=self.gpus, max_retries=0, **hidden)(do_job)
                self.ray, self.started = ray, started
        return self

    def takes(self, job: Job) -> bool:
        """Whether ``job`` trains on the cluster: this server has one and the job's kind may go there."""
        return bool(self.address) and job.on_ray

    def worker(self, store: RunStore | StoreUnavailable) -> "RayWorker":
        """A handle for one job; ``store``: the server's (a teacher job writes nothing there)."""
        return RayWorker(self, store)

    def ship(self, relative: str) -> object:
        """An object ref of a ``KDLAB_HOME`` file's bytes, put once: a cached teacher or an upload never changes."""
        with self.lock:
            if relative not in self.shipped:
                self.shipped[relative] = self.ray.put((kdlab_home() / relative).read_bytes())
            return self.shipped[relative]

    def close(self) -> None:
        """Leave the cluster, if this server joined it."""
        if self.started:
            self.ray.shutdown()
            self.ray, self.started = None, False


def answering(address: str, timeout_s: float = 5) -> None:
    """``OSError`` unless something accepts connections at a ``HOST:PORT`` address (``ray.init`` would wait for a
    cluster that is not there for ever, retrying); ``auto`` is found or refused by Ray itself, at once."""
    if address != "auto":
        host, port = address.removeprefix("ray://").rsplit(":", 1)
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()


def home_files(config: dict) -> tuple[list[str], list[str]]:
    """The ``KDLAB_HOME`` files a job of ``config`` reads, relative to it: its teachers' cache files and an uploaded
    dataset. Returns (those this server has, to ship; the teachers it lacks, to take back from the node)."""
    run = RunConfig.from_dict(config, validate=False)
    teachers = [teacher_path(run.teacher_config(name)) for name in run.teachers]
    uploads = [datasets_dir() / f"{run.dataset}.pt"] if run.dataset.startswith(PREFIX) else []
    home = kdlab_home()
    have = [str(p.relative_to(home)) for p in teachers + uploads if p.exists()]
    return have, [str(p.relative_to(home)) for p in teachers if not p.exists()]


class RayWorker:
    """One job as one Ray task, with a local worker's interface (``kdlab.serve.workers.Worker``)."""

    def __init__(self, jobs: RayJobs, store: RunStore | StoreUnavailable):
        self.jobs, self.store, self.ref, self.job_id = jobs, store, None, None
        self.progress, self.threads, self.error = 0.0, jobs.cpus, None

    def alive(self) -> bool:
        """Ready for its job once the cluster is reached (here, outside the queue's lock, as a process starts)."""
        self.jobs.connected()
        return True

    def begin(self, job_id: str, job: Job, threads: int, max_seconds: float) -> None:
        """Submit ``job``; Ray queues it until a node has the CPUs and GPUs it asks for. ``threads`` is the local
        workers' share of the server's cores: a task has its own CPUs."""
        jobs, self.job_id = self.jobs, job_id
        records, weights = {}, {}
        if isinstance(job, CompressionJob):  # what the compression reads of the run, from this server's store
            records[job.run_id] = self.store.get(job.run_id)
            weights[job.run_id] = self.store.weights_bytes(job.run_id)
            config = records[job.run_id].config
        else:
            config = job.config
        have, wanted = home_files(config)
        shipped = {relative: jobs.ship(relative) for relative in have}
        kind, fields = encode(job)
        self.ref = jobs.task.remote(jobs.mailbox, job_id, kind, fields, jobs.cpus,
                                    max_seconds if job.timed else float("inf"), shipped, wanted, records, weights)

    def wait(self, job_id: str) -> str | None:
        """Write what the task posts into the store until it ends; then its result, as a local worker would have.
        None when the task ended (a run's end is in the store, another job's error in ``error``); else why not."""
        ray = self.jobs.ray
        try:
            while not ray.wait([self.ref], timeout=POLL_SECONDS)[0]:
                self._apply(ray.get(self.jobs.mailbox.take.remote(job_id)))
            self._apply(ray.get(self.jobs.mailbox.take.remote(job_id)))
            result = ray.get(self.ref)
        except Exception as err:  # noqa: BLE001  (the node died, the task was cancelled, the cluster went away)
            reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            return f"the Ray task ended unexpectedly ({type(err).__name__}: {reason})"
        finally:
            self._forget(job_id)
        for relative, data in result["files"].items():  # a teacher it trained: cached here as a local worker would
            path = kdlab_home() / relative
            with atomic_file(path) as handle:
                handle.write(data)
        self._apply(result["calls"], RETURNED)
        self.error = result["error"] if self.error is None else self.error
        return None

    def _apply(self, calls: list[tuple[str, tuple]], allowed: tuple[str, ...] = POSTED) -> None:
        """The task's store calls on this server's store, in order; a progress report updates ``progress``."""
        for name, args in calls:
            if name == "progress":
                self.progress = args[0]
            elif name in allowed and self.error is None:
                try:
                    getattr(self.store, name)(*args)
                except ValueError as err:  # the store refused (full, read-only, the run deleted): stop the task
                    self.error = str(err)
                    self.stop(self.job_id)

    def _forget(self, job_id: str) -> None:
        try:
            self.jobs.mailbox.forget.remote(job_id)
        except Exception:  # noqa: BLE001  (the cluster is gone: nothing is kept there for the job any more)
            pass

    def stop(self, job_id: str) -> None:
        """Ask the task to stop after its current step (it ends 'cancelled', as on a local worker)."""
        self.jobs.mailbox.stop.remote(job_id)

    def share_cores(self, job_id: str, threads: int) -> None:
        """A task keeps the CPUs Ray gave it: nothing to share."""

    def terminate(self) -> None:
        """The server is closing: end the task now (its thread records the run's end)."""
        if self.ref is not None:
            self.jobs.ray.cancel(self.ref, force=True)

    def close(self) -> None:
        self.terminate()

