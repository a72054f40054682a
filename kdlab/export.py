"""Runs in and out of the store: metrics as CSV, a run as JSON, and importing a run trained elsewhere.

Export is plain text a spreadsheet or a notebook reads. Import is the reverse trip for a run trained by the CLI on
another machine (a GPU box): its config JSON and its weights file. Both are untrusted input, so the config goes
through ``RunConfig.from_dict`` and the weights only through ``load_tensors`` (``weights_only=True``, never a
plain unpickle); the numbers shown for an imported run are recomputed here on the test set, never taken on trust.
Nothing is written to the store unless everything checks out.
"""
from __future__ import annotations

import csv
import io
import json
import warnings
from datetime import datetime
from typing import Any

import torch

from .config import RunConfig
from .data import load_dataset
from .models import InputSpec, build_model, parameter_count, size_bytes
from .storage import load_tensors
from .store import RunStore, check_workspace
from .train import PhaseResult, RunResult, per_class_accuracy, predict, prepare_teacher

EVENT_COLUMNS = ("seq", "phase", "kind", "epoch", "step", "progress")
WEIGHT_ROLES = ("student", "baseline")


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


def import_run(store: RunStore, config_data: dict | str | bytes, weights: bytes, workspace: str) -> str:
    """Add a run trained elsewhere as ``finished``; returns its id. Raises ``ValueError`` (one sentence) for a
    bad workspace, config or weights file, and then writes nothing.

    ``config_data`` is the run's config (a dict or its JSON text, as ``kdlab runs export --what config`` writes
    it) or a whole run record (``runs show --json``, the History page's JSON download); ``weights`` the bytes
    of a ``torch.save`` of ``{"student": state_dict, "baseline": state_dict}`` (the baseline is optional), as ``kdlab runs export --what weights`` writes them.
    """
    workspace = check_workspace(workspace)
    config = RunConfig.from_dict(_parse_config(config_data))
    states = _parse_weights(weights)
    eval_config = RunConfig.from_dict({**config.to_dict(), "device": "cpu"})
    splits = load_dataset(config.dataset, seed=config.seed, data_root=config.data_root, download=config.download,
                          **config.dataset_kw)
    models = {role: _fitted(config, InputSpec.of(splits), role, state) for role, state in states.items()}
    teacher, splits = prepare_teacher(eval_config)  # the cached teacher, trained first if this server lacks it
    teacher_logits = predict(teacher.cpu(), splits.x_test).logits.float()
    phases = {role: _evaluate(model, predict(model, splits.x_test).logits, splits)
              for role, model in {"teacher": teacher, **models}.items()}
    student_logits = predict(models["student"], splits.x_test).logits
    agreement = (student_logits.argmax(1) == teacher_logits.argmax(1)).float().mean().item()
    result = RunResult(config, "cpu", phases["teacher"], phases["student"], phases.get("baseline"),
                       teacher_cached=None, agreement=agreement, splits=splits)
    summary = {**result.summary(), "imported": True}
    run_id = store.create(config.to_dict(), workspace, source="import", status="running")
    try:
        store.finish(run_id, summary, {role: model.state_dict() for role, model in models.items()})
    except BaseException:
        store.delete(run_id)
        raise
    return run_id


def _parse_config(data: Any) -> Any:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("the config file is not UTF-8 text (expected the run's config JSON)") from None
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as err:
            raise ValueError(f"the config is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}") \
                from None
    if isinstance(data, dict) and {"id", "config", "summary"} <= set(data):
        return data["config"]  # a whole run record, as `runs show --json` and the History download write it
    return data


def _parse_weights(weights: bytes) -> dict[str, dict[str, torch.Tensor]]:
    if not isinstance(weights, (bytes, bytearray)):
        raise ValueError("the weights must be the bytes of a kdlab weights file")
    try:
        with warnings.catch_warnings():  # torch warns about foreign pickle protocols before refusing them
            warnings.simplefilter("ignore")
            data = load_tensors(io.BytesIO(bytes(weights)))  # weights_only=True: tensors and containers only
    except ValueError:
        raise ValueError("the weights file is not a kdlab weights file: only a torch.save of tensors is accepted, "
                         "anything else (other pickled objects, code) is refused without being run") from None
    unknown = sorted(str(k) for k in data if k not in WEIGHT_ROLES)
    if "student" not in data or unknown:
        raise ValueError('not a kdlab run weights file: expected {"student": state_dict} and optionally "baseline"'
                         + (f", found {', '.join(unknown)}" if unknown else ""))
    for role, state in data.items():
        if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                                  for k, v in state.items()):
            raise ValueError(f"the {role} weights are not a state dict (a mapping of parameter names to tensors)")
    return data


def _fitted(config: RunConfig, spec: InputSpec, role: str, state: dict[str, torch.Tensor]) -> torch.nn.Module:
    """A fresh ``config.student`` for this dataset with ``state`` loaded strictly, or a one-sentence ValueError."""
    model = build_model(config.student, spec, config.seed, config.student_kw)
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    reshaped = [k for k in expected if k in state and state[k].shape != expected[k].shape]
    if missing or unexpected or reshaped:
        problems = []
        if missing:
            problems.append(f"{len(missing)} missing (e.g. {missing[0]!r})")
        if unexpected:
            problems.append(f"{len(unexpected)} unexpected (e.g. {unexpected[0]!r})")
        if reshaped:
            k = reshaped[0]
            problems.append(f"{len(reshaped)} of another shape (e.g. {k!r} is {list(state[k].shape)}, "
                            f"expected {list(expected[k].shape)})")
        raise ValueError(f"the {role} weights do not fit a {config.student!r} student for {config.dataset}: "
                         f"{'; '.join(problems)} — check that the config is the one these weights were trained with")
    model.load_state_dict(state, strict=True)
    return model.eval()


def _evaluate(model: torch.nn.Module, logits: torch.Tensor, splits) -> PhaseResult:
    """Test accuracy, per-class accuracy and size; training time is unknown for an imported run (None)."""
    accuracy = (logits.argmax(1) == splits.y_test).float().mean().item()
    return PhaseResult(accuracy, per_class_accuracy(logits, splits.y_test, splits.num_classes),
                       parameter_count(model), size_bytes(model), None, None)
