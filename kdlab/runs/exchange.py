"""Runs in and out of the store: metrics as CSV and a run as JSON (export), and a run trained elsewhere (import).

Export is plain text a spreadsheet or a notebook reads. Import is the reverse trip for a run trained by the CLI on
another machine (a GPU box): its config JSON and its weights file. Both are untrusted input, so the config goes
through ``RunConfig.from_dict`` and the weights only through ``load_tensors`` (``weights_only=True``, never a
plain unpickle); the numbers shown for an imported run are recomputed here on the test set, never taken on trust.
Nothing is written to the store unless everything checks out.

Import needs the run's teacher. The app server reads it from the cache (``load_teacher``, which raises
``TeacherNotCached`` and never trains); the CLI may pass ``kdlab.train.prepare_teacher``, which trains it.
"""
from __future__ import annotations

import csv
import io
import json
import warnings
import zipfile
from dataclasses import replace
from datetime import datetime
from typing import Callable

import torch
from torch import nn

from ..config import RunConfig
from ..config_io import config_document
from ..errors import UserError
from ..data import Splits, load_dataset
from ..evaluate import RunResult, agreement, paired_counts, phase_result, predict
from ..models import InputSpec, build_model
from ..teachers import load_teacher
from ..tensor_files import load_tensors
from .loading import rebuild_student
from .store import RunStore, check_workspace

EVENT_COLUMNS = ("seq", "phase", "kind", "epoch", "step", "progress")
WEIGHT_ROLES = ("student", "baseline")
ARCHIVE_SLACK = 256 * 1024  # the archive's pickled names and record headers, beyond the tensors' bytes


def metrics_csv(store: RunStore, run_id: str) -> str:
    """One row per event: the event columns, then one column per metric name (in first-seen order), blank where
    an event does not have that metric (step events have no test accuracy, for example)."""
    store.get(run_id)  # an unknown id is an error, not an empty file
    events = store.events(run_id)
    names = list(dict.fromkeys(name for event in events for name in event["metrics"]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*EVENT_COLUMNS, *names])
    for event in events:
        writer.writerow([*(event[c] for c in EVENT_COLUMNS), *(event["metrics"].get(n, "") for n in names)])
    return out.getvalue()


def run_json(store: RunStore, run_id: str) -> str:
    """The run record as pretty JSON: id, workspace, status, created (local time, ISO 8601), config, summary and
    error (why it did not finish)."""
    record = store.get(run_id)
    return json.dumps({"id": record.id, "workspace": record.workspace, "status": record.status,
                       "created": created_text(record.created), "config": record.config, "summary": record.summary,
                       "error": record.error}, indent=2, ensure_ascii=False)


def created_text(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).isoformat(timespec="seconds")


def import_run(store: RunStore, config_data: dict | str | bytes, weights: bytes, workspace: str,
               teacher_for: Callable[[RunConfig], tuple[nn.Module, Splits]] = load_teacher,
               admit: Callable[[RunConfig], object] = RunConfig.validate, owner: str | None = None) -> str:
    """Add a run trained elsewhere as ``finished``; returns its id. Raises ``ValueError`` (one sentence) for a
    bad workspace, config or weights file, and then writes nothing.

    ``config_data`` is the run's config (a dict or its JSON text, as ``kdlab runs export --what config`` writes
    it) or a whole run record (``runs show --json``, the History page's JSON download); ``weights`` the bytes
    of a ``torch.save`` of ``{"student": state_dict, "baseline": state_dict}`` (the baseline is optional), as
    ``kdlab runs export --what weights`` writes them. ``teacher_for(config)`` gives the teacher and the data;
    ``admit(config)`` raises ValueError for a config the caller refuses (the app: its server's caps); ``owner``
    is the browser that imported it (the one that may delete it).

    The weights file is checked against the declared student before any of its tensors exists: its archive must
    hold no more bytes than that student's state dicts (a small file must not unpack into gigabytes), then every
    name and shape must match.
    """
    workspace = check_workspace(workspace)
    config = RunConfig.from_dict(config_document(config_data))
    admit(config)
    spec = InputSpec.of(load_dataset(config.dataset, seed=config.seed, data_root=config.data_root,
                                     **config.dataset_kw))
    _check_archive(weights, expected_bytes=len(WEIGHT_ROLES) * state_bytes(config, spec) + ARCHIVE_SLACK)
    states = _parse_weights(weights)
    teacher, splits = teacher_for(replace(config, device="cpu"))
    teacher = teacher.cpu().eval()
    students = {role: rebuild_student(config, InputSpec.of(splits), role, state) for role, state in states.items()}
    models = {"teacher": teacher, **students}
    logits = {role: predict(model, splits.x_test).logits.float() for role, model in models.items()}
    phases = {role: phase_result(model, logits[role], splits.y_test, splits.num_classes)
              for role, model in models.items()}
    paired = (paired_counts(logits["student"], logits["baseline"], splits.y_test) if "baseline" in logits
              else None)
    summary = {**_summary(config, phases, agreement(logits["student"], logits["teacher"]).item(), paired, splits),
               "imported": True}
    run_id = store.create(config.to_dict(), workspace, source="import", status="running", owner=owner)
    try:
        store.finish(run_id, summary, {role: model.state_dict() for role, model in students.items()})
    except BaseException:
        store.delete(run_id)
        raise
    return run_id


def _summary(config: RunConfig, phases: dict, student_agreement: float, paired: dict | None, splits: Splits) -> dict:
    return RunResult(config, "cpu", phases["teacher"], phases["student"], phases.get("baseline"),
                     teacher_cached=None, agreement=student_agreement, paired=paired, splits=splits).summary()


def state_bytes(config: RunConfig, spec: InputSpec) -> int:
    """Bytes of the state dict of ``config``'s student, from a copy built on the meta device (no memory)."""
    with torch.device("meta"):
        model = build_model(config.student, spec, config.seed, config.student_kw)
    return sum(t.numel() * t.element_size() for t in model.state_dict().values())


def _check_archive(weights: bytes, expected_bytes: int) -> None:
    """A ``torch.save`` file is a zip of stored (never compressed) records: read its directory, not its data."""
    try:
        entries = zipfile.ZipFile(io.BytesIO(weights)).infolist()
    except zipfile.BadZipFile:
        raise UserError("import.not_archive", "the weights file is not a kdlab weights file (a torch.save archive)") \
            from None
    if any(entry.compress_type != zipfile.ZIP_STORED for entry in entries):
        raise UserError("import.compressed", "the weights file has compressed entries, which torch.save never writes: "
                        "refused unread")
    held = sum(entry.file_size for entry in entries)
    if held > expected_bytes:
        raise UserError("import.too_big", "the weights file unpacks to {held} bytes, more than the declared student's "
                        "weights can take ({expected} bytes): refused unread", held=f"{held:,}",
                        expected=f"{expected_bytes:,}")


def _parse_weights(weights: bytes) -> dict[str, dict[str, torch.Tensor]]:
    if not isinstance(weights, (bytes, bytearray)):
        raise TypeError("the weights must be the bytes of a kdlab weights file")  # the caller's mistake
    try:
        with warnings.catch_warnings():  # torch warns about foreign pickle protocols before refusing them
            warnings.simplefilter("ignore")
            data = load_tensors(io.BytesIO(bytes(weights)))  # weights_only=True: tensors and containers only
    except ValueError:
        raise UserError("import.not_tensors", "the weights file is not a kdlab weights file: only a torch.save of "
                        "tensors is accepted, anything else (other pickled objects, code) is refused without being run") \
            from None
    unknown = sorted(str(k) for k in data if k not in WEIGHT_ROLES)
    if "student" not in data or unknown:
        raise UserError("import.roles", "not a kdlab run weights file: expected the student's weights and perhaps the "
                        "baseline's, found {found}", found=", ".join(map(str, data))[:120] or "nothing")
    for role, state in data.items():
        if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                                  for k, v in state.items()):
            raise UserError("import.state", "the {role} weights are not a state dict (a mapping of parameter names to "
                        "tensors)", role=role)
    return data
