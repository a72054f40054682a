"""Trials as Ray tasks, on a cluster (``--ray ADDRESS`` / ``KDLAB_RAY_ADDRESS``) or a local Ray (``--ray local``).

Ray schedules the tasks over the cluster's CPUs and GPUs (``cpus_per_trial``, ``gpus_per_trial``); kdlab writes no
scheduler of its own. Each task trains with ``cpus_per_trial`` torch threads and returns its events, summary and
weights; the driver writes them to its own run store, so the nodes need no access to it. The driver trains each
teacher once and ships its weights in the object store; a node writes them into its own teacher cache.

Ray is initialised here, which runs only in the CLI or a worker process, never in a Streamlit script thread (Ray
installs signal handlers, and a rerun would initialise it twice).
"""
from __future__ import annotations

import os
from pathlib import Path

from .executors import Outcome, TrialJob, train_trial

RAY_ENV = "KDLAB_RAY_ADDRESS"  # where the app's and the CLI's trials go when --ray is not given


def import_ray():
    try:
        import ray
    except ImportError:
        raise ValueError("running on Ray needs the ray package: python3 -m pip install ray==2.60.0") from None
    return ray


def connect(address: str, local_cpus: int | None = None):
    """Ray for this process, joined once: ``(ray, started)``, ``started`` when this call initialised it (its caller
    shuts it down). ``"local"`` starts a Ray of ``local_cpus`` CPUs on this machine, whose workers see this checkout
    and this ``KDLAB_*`` environment (``KDLAB_HOME`` included); any other address (``"auto"``, ``"ray://head:10001"``,
    ``"10.0.0.5:6379"``) joins that cluster and ships this kdlab package to its nodes (``runtime_env``
    ``py_modules``), which need only the same Python with ``requirements.txt`` installed."""
    ray = import_ray()
    if ray.is_initialized():
        return ray, False
    package = str(Path(__file__).resolve().parents[1])
    if address == "local":
        env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(Path(package).parent), os.environ.get("PYTHONPATH")]))}
        env.update({k: v for k, v in os.environ.items() if k.startswith("KDLAB_")})
        ray.init(address="local", num_cpus=local_cpus, include_dashboard=False, log_to_driver=False,
                 runtime_env={"env_vars": env})
    else:
        ray.init(address=address, log_to_driver=False, runtime_env={"py_modules": [package]})
    return ray, True


class RayExecutor:
    def __init__(self, address: str, cpus_per_trial: int = 1, gpus_per_trial: float = 0, slots: int | None = None,
                 local_cpus: int | None = None):
        """``address``: ``"local"`` starts a Ray of ``local_cpus`` CPUs for this process (stopped by ``close``),
        anything else (``"auto"``, ``"ray://head:10001"``, ``"10.0.0.5:6379"``) joins that cluster."""
        if cpus_per_trial < 1 or gpus_per_trial < 0:
            raise ValueError(f"a Ray trial needs >= 1 CPU and >= 0 GPUs, got {cpus_per_trial} and {gpus_per_trial}")
        ray, self.started = connect(address, local_cpus)
        self.ray = ray
        self.threads = cpus_per_trial
        self.remote = ray.remote(num_cpus=cpus_per_trial, num_gpus=gpus_per_trial)(train_trial)
        cluster_cpus = int(ray.cluster_resources().get("CPU", 1))
        self.slots = slots or max(1, cluster_cpus // cpus_per_trial)
        self.running: dict = {}  # object ref -> job
        self.teachers: dict[str, object] = {}  # teacher cache path -> object ref of its bytes

    def submit(self, job: TrialJob) -> None:
        from ..config import RunConfig
        from ..teachers import teacher_path

        path = teacher_path(RunConfig.from_dict(job.config, validate=False))
        if str(path) not in self.teachers:  # the driver trained it before fanning out
            self.teachers[str(path)] = self.ray.put((path.name, path.read_bytes()))
        ref = self.remote.remote(job.config, self.threads, None, None, self.teachers[str(path)])
        self.running[ref] = job

    def next_done(self) -> tuple[TrialJob, Outcome]:
        [ref], _ = self.ray.wait(list(self.running), num_returns=1)
        job = self.running.pop(ref)
        try:
            return job, self.ray.get(ref)
        except Exception as err:  # noqa: BLE001  (the task or its node died)
            return job, Outcome(None, f"the Ray task failed: {type(err).__name__}: {str(err).splitlines()[0]}")

    def close(self) -> None:
        for ref in self.running:
            self.ray.cancel(ref, force=True)
        if self.started:
            self.ray.shutdown()
