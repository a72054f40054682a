"""A finished run's models made smaller or written out, on the job queue's worker processes, for its owner only.

Compressing a run and exporting one of its models (ONNX, exported and checked with onnxruntime; or a safetensors
file) both take seconds to minutes and hundreds of megabytes for a large student, so the server never does them:
``JobRunner`` (which mixes this in) hands them to a worker like a run. Only the browser that started the run may
compress it or export its models (``run_owned``), as only it may stop or delete the run. An export is written
atomically under ``KDLAB_HOME/exports`` with its facts beside it (``kdlab.compress.record.export_to_file``); the
page reads the file back for its download. A compression replaces the run's variants of the same name, so it
drops the run's exports, which are made again when asked.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..compress.config import CompressRequest
from ..compress.record import EXPORT_FORMATS
from ..data import kdlab_home
from ..errors import Phrase, UserError
from .job_kinds import CompressionJob, ExportFileJob


@dataclass
class JobStatus:
    """A job that is not a run, as the pages follow it: ``status`` is "queued", "running", "ready" or "failed"
    (``error`` says why). What the worker does is its ``kdlab.serve.job_kinds`` job."""

    id: str
    status: str
    error: str | None = None


@dataclass
class TeacherJob(JobStatus):
    """Training one teacher for the pages; pages asking for the same teacher share one job."""


@dataclass
class CompressJob(JobStatus):
    """Compressing one finished run's students (``kdlab.compress``); the variants land in the run store."""

    run_id: str = ""


@dataclass
class ExportJob(JobStatus):
    """One model of a run written out as ``what`` (onnx or safetensors) at ``path`` once "ready"."""

    run_id: str = ""
    name: str = ""
    what: str = ""
    path: str = ""

    def facts(self) -> dict:
        """What the worker measured of the file: its ``bytes``, and for ONNX its ``agreement`` with PyTorch on
        ``samples`` test samples."""
        return json.loads(Path(self.path + ".json").read_text())


def run_owned(store, run_id: str, owner: str | None, verb: Phrase) -> None:
    """``ValueError`` unless ``owner`` is the key of the browser that started the run."""
    if owner is None or store.get(run_id).owner != owner:
        raise UserError("queue.not_owner", "run {run_id} was started in another browser: only that browser can "
                        "{verb}", run_id=run_id, verb=verb)


class ModelJobs:
    """Compressions and exports; mixed into ``JobRunner``, whose queue (``lock``, ``waiting``, ``_start``) and
    ``store`` they use."""

    def compress(self, run_id: str, request: CompressRequest, owner: str | None) -> CompressJob:
        """Compress a finished run on a worker process (the job already running for it, while it lasts);
        ``ValueError`` for a bad request, an unfinished run or another browser's run, before anything is queued."""
        request.validate(max_epochs=self.settings.max_epochs)
        run_owned(self.store, run_id, owner, Phrase("action.compress", "compress it"))
        if self.store.get(run_id).status != "finished":
            raise UserError("queue.compress_unfinished", "run {run_id} is not finished: only a finished run has a "
                            "student to compress", run_id=run_id)
        with self.lock:
            job = self.compressions.get(run_id)
            if job is not None and job.status in ("queued", "running"):
                return job
            job = self.compressions[run_id] = CompressJob(f"compress-{uuid.uuid4().hex[:8]}", "queued", None, run_id)
            self.side_jobs[job.id] = job
            self.waiting.append(job.id)
            self._drop_exports(run_id)
        self._start(job.id, CompressionJob(run_id, request.to_dict()))
        return job

    def export(self, run_id: str, name: str, what: str, owner: str | None, retry: bool = False) -> ExportJob:
        """The job that writes a run's ``student``, ``baseline`` or stored variant as ``what`` (the one already
        made or under way, or a failed one until ``retry``); ``ValueError`` for another browser's run or an
        unknown format, before anything is queued."""
        if what not in EXPORT_FORMATS:
            raise UserError("queue.export_format", "export format must be one of {choices}, got {value!r}",
                            choices=", ".join(EXPORT_FORMATS), value=str(what)[:40])
        run_owned(self.store, run_id, owner, Phrase("action.export", "export its models"))
        with self.lock:
            job = self.exports.get((run_id, name, what))
            if job is not None and (job.status != "failed" or not retry):
                return job
            job_id = f"export-{uuid.uuid4().hex[:8]}"
            path = str(kdlab_home() / "exports" / f"{job_id}.{what}")
            job = self.exports[(run_id, name, what)] = ExportJob(job_id, "queued", None, run_id, name, what, path)
            self.side_jobs[job.id] = job
            self.waiting.append(job.id)
        self._start(job.id, ExportFileJob(run_id, name, what, path))
        return job

    def _drop_exports(self, run_id: str) -> None:
        """Forget a run's exports and delete their files (call with the lock held): its models changed or went."""
        for key in [key for key in self.exports if key[0] == run_id]:
            job = self.exports.pop(key)
            if job.status not in ("queued", "running"):  # a job under way still writes; its file is made again
                for path in (Path(job.path), Path(job.path + ".json")):
                    path.unlink(missing_ok=True)
