"""What a worker process is asked to do: one small dataclass per kind of job, and one table (``KINDS``) that both
ends of the worker socket read, so a job crosses it by name and fields, never as a positional tuple.

The server sends ``("job", job_id, kind, fields, threads, max_seconds)``; the worker rebuilds the job with
``decode(kind, fields)`` and calls its ``do``, which imports what it needs (a worker imports torch once, the server
never trains). A config inside a job was admitted where it entered the server; ``do`` only rebuilds it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Callable, ClassVar


@dataclass(frozen=True)
class RunJob:
    """One recorded run: trains and writes its events, results and weights to the run store."""

    config: dict[str, Any]  # an admitted RunConfig's to_dict()
    cache_budget_bytes: int  # memory for the teacher's cached outputs
    kind: ClassVar[str] = "run"
    timed: ClassVar[bool] = True  # ends past the server's max_run_seconds
    on_ray: ClassVar[bool] = True  # a Ray task when the server has a cluster (``kdlab.serve.ray_jobs``)

    def do(self, store, link) -> None:
        from ..config import RunConfig
        from ..runs.recording import run_recorded

        run_recorded(store(), link.run_id, RunConfig.from_dict(self.config, validate=False), listeners=[link],
                     stop=link, cache_budget_bytes=self.cache_budget_bytes)


@dataclass(frozen=True)
class TeacherTrainJob:
    """A teacher a page needs before any run, trained into the teacher cache (no row in the run store)."""

    config: dict[str, Any]
    kind: ClassVar[str] = "teacher"
    timed: ClassVar[bool] = True
    on_ray: ClassVar[bool] = True

    def do(self, store, link) -> None:
        from ..config import RunConfig
        from ..train import prepare_teacher

        prepare_teacher(RunConfig.from_dict(self.config, validate=False), listeners=[link], stop=link)


@dataclass(frozen=True)
class CompressionJob:
    """A finished run's students compressed (``kdlab.compress``); the variants are stored with the run."""

    run_id: str
    request: dict[str, Any]  # a validated CompressRequest's to_dict()
    kind: ClassVar[str] = "compress"
    timed: ClassVar[bool] = True
    on_ray: ClassVar[bool] = True

    def do(self, store, link) -> None:
        from ..compress.config import CompressRequest
        from ..compress.record import compress_stored_run

        compress_stored_run(store(), self.run_id, CompressRequest.from_dict(self.request, False), listeners=[link],
                            stop=link)


@dataclass(frozen=True)
class ExportFileJob:
    """One model of a run written as ``what`` (onnx, safetensors) at ``path``, its facts beside it."""

    run_id: str
    name: str
    what: str
    path: str
    kind: ClassVar[str] = "export"
    timed: ClassVar[bool] = True
    on_ray: ClassVar[bool] = False  # writes its file where the server reads it back

    def do(self, store, link) -> None:
        from ..compress.record import export_to_file

        export_to_file(store(), self.run_id, self.what, self.name, self.path,
                       progress=lambda fraction: link.send("progress", fraction))


@dataclass(frozen=True)
class SweepDriverJob:
    """The driver of a recorded sweep whose trials are Ray tasks (``kdlab.sweeps.driver``): no time limit of its
    own, its trials have theirs."""

    sweep_id: str
    ray: str  # the cluster's address
    kind: ClassVar[str] = "sweep"
    timed: ClassVar[bool] = False
    on_ray: ClassVar[bool] = False  # the driver of Ray tasks itself

    def do(self, store, link) -> None:
        from ..sweeps.driver import drive_on_ray

        drive_on_ray(store(), self.sweep_id, self.ray, stop=link)


Job = RunJob | TeacherTrainJob | CompressionJob | ExportFileJob | SweepDriverJob
KINDS: dict[str, Callable[..., Job]] = {job.kind: job for job in (RunJob, TeacherTrainJob, CompressionJob,
                                                                  ExportFileJob, SweepDriverJob)}


def failure_text(err: Exception) -> str:
    """How a job that raised ``err`` ended, for the server: a ``ValueError``'s own sentence, else its type too."""
    return str(err) if isinstance(err, ValueError) else f"{type(err).__name__}: {err}"


def time_limit_text(max_seconds: float) -> str:
    """Why a job past the server's time limit was stopped (a run ends 'failed' saying it)."""
    return (f"the run took longer than this server's limit of {max_seconds} s and was stopped "
            "(max_run_seconds in kdlab.toml or KDLAB_MAX_RUN_SECONDS)")


def encode(job: Job) -> tuple[str, dict[str, Any]]:
    """``job`` as the socket carries it: its kind's name and its fields."""
    return job.kind, asdict(job)


def decode(kind: str, fields: dict[str, Any]) -> Job:
    """The job ``encode`` sent; ``KeyError``/``TypeError`` for a kind or fields this version does not know."""
    return KINDS[kind](**fields)
