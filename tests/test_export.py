"""Export (metrics CSV, run JSON) and import of a run trained elsewhere — which must never run foreign code."""
from __future__ import annotations

import csv
import io
import json
import os
import pickle

import pytest
import torch

from kdlab.runs.exchange import EVENT_COLUMNS, import_run, metrics_csv, run_json
from kdlab.runs.recording import run_recorded
from kdlab.runs.store import RunStore

from .conftest import tiny_config


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> tuple[RunStore, str]:
    """A real finished digits run (same teacher as the CLI tests, so the teacher cache is shared)."""
    store = RunStore(tmp_path_factory.mktemp("export") / "runs.sqlite")
    config = tiny_config(teacher="cnn-small", teacher_epochs=2, epochs=2)
    run_id = store.create(config.to_dict(), "class-7b")
    run_recorded(store, run_id, config)
    return store, run_id


def test_metrics_csv_has_one_row_per_event_and_one_column_per_metric(finished):
    store, run_id = finished
    events = store.events(run_id)
    rows = list(csv.reader(io.StringIO(metrics_csv(store, run_id))))
    header, body = rows[0], rows[1:]
    names = {name for e in events for name in e["metrics"]}
    assert tuple(header[:len(EVENT_COLUMNS)]) == EVENT_COLUMNS
    assert set(header[len(EVENT_COLUMNS):]) == names >= {"ce", "soft", "total", "train_acc", "test_acc", "agreement"}
    assert len(body) == len(events) > 0
    for row, event in zip(body, events):
        values = dict(zip(header, row))
        assert (int(values["seq"]), values["phase"], values["kind"]) == (event["seq"], event["phase"], event["kind"])
        for name in names:
            if name in event["metrics"]:
                assert float(values[name]) == pytest.approx(event["metrics"][name])
            else:
                assert values[name] == ""  # e.g. test accuracy on a step event
    assert any(r[header.index("test_acc")] == "" for r in body) and any(r[header.index("test_acc")] for r in body)


def test_metrics_csv_of_an_unknown_run_is_an_error(finished):
    with pytest.raises(ValueError, match="no run"):
        metrics_csv(finished[0], "nope")


def test_run_json_round_trips_the_record(finished):
    store, run_id = finished
    data = json.loads(run_json(store, run_id))
    record = store.get(run_id)
    assert set(data) == {"id", "workspace", "status", "created", "config", "summary", "error"}
    assert (data["id"], data["workspace"], data["status"], data["error"]) == (run_id, "class-7b", "finished", None)
    assert data["config"] == record.config and data["summary"] == record.summary
    assert data["created"][:4].isdigit() and "T" in data["created"]


def test_an_exported_run_imports_as_finished_with_the_same_accuracies(finished):
    store, run_id = finished
    original = store.get(run_id)
    config_text = json.dumps(original.config, indent=2)
    new_id = import_run(store, config_text, store.weights_bytes(run_id), "三年二班")
    imported = store.get(new_id)
    assert (imported.status, imported.source, imported.workspace) == ("finished", "import", "三年二班")
    assert imported.config == original.config
    for key in ("student_acc", "baseline_acc", "teacher_acc", "student_params", "teacher_params"):
        assert imported.summary[key] == pytest.approx(original.summary[key]), key
    assert imported.summary["per_class_acc"]["student"] == pytest.approx(original.summary["per_class_acc"]["student"])
    assert imported.summary["imported"] is True and imported.summary["distill_seconds"] is None
    for role, state in store.weights(run_id).items():
        assert all(torch.equal(state[k], v) for k, v in store.weights(new_id)[role].items())
    store.delete(new_id)


def test_a_whole_run_record_imports_through_its_config(finished):
    store, run_id = finished
    new_id = import_run(store, run_json(store, run_id), store.weights_bytes(run_id), "class-7b")
    assert store.get(new_id).config == store.get(run_id).config
    store.delete(new_id)


class RunsCode:
    """A pickle that runs a shell command when it is unpickled."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def torch_bytes(obj) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def refused_imports(store: RunStore, run_id: str, marker) -> dict[str, tuple]:
    config = store.get(run_id).config
    weights = store.weights_bytes(run_id)
    student = store.weights(run_id)["student"]
    first = next(iter(student))
    return {
        "malformed JSON": ('{"dataset": "digits",', weights, "not valid JSON"),
        "unknown config key": ({**config, "temprature": 2.0}, weights, "temprature"),
        "alpha out of range": ({**config, "alpha": 3}, weights, "alpha"),
        "random bytes": (config, os.urandom(4096), "not a kdlab weights file"),
        "no student entry": (config, torch_bytes({"teacher": student}), "student"),
        "state dict of another shape": (config, torch_bytes({"student": {**student, first: torch.zeros(3, 3)}}),
                                        "do not fit"),
        "state dict of another model": (config, torch_bytes({"student": {"conv.weight": torch.zeros(4)}}),
                                        "do not fit"),
        "plain pickle that runs code": (config, pickle.dumps(RunsCode(marker)), "not a kdlab weights file"),
        "pickle inside the weights": (config, pickle.dumps({"student": RunsCode(marker)}), "not a kdlab weights"),
        "torch.save of code": (config, torch_bytes({"student": RunsCode(marker)}), "not a kdlab weights file"),
        "torch.save of code alone": (config, torch_bytes(RunsCode(marker)), "not a kdlab weights file"),
        "hostile workspace": (config, weights, "workspace"),
    }


CASES = ["malformed JSON", "unknown config key", "alpha out of range", "random bytes", "no student entry",
         "state dict of another shape", "state dict of another model", "plain pickle that runs code",
         "pickle inside the weights", "torch.save of code", "torch.save of code alone", "hostile workspace"]


@pytest.mark.parametrize("case", CASES)
def test_a_bad_import_is_refused_in_one_sentence_and_writes_nothing(finished, case, tmp_path):
    store, run_id = finished
    marker = tmp_path / "pwned"
    config, weights, message = refused_imports(store, run_id, marker)[case]
    workspace = "../x" if case == "hostile workspace" else "imports"
    before = len(store.list())
    with pytest.raises(ValueError, match=message) as refused:
        import_run(store, config, weights, workspace)
    assert "\n" not in str(refused.value)
    assert len(store.list()) == before
    assert not marker.exists(), "unpickling ran the attacker's command"


def test_the_code_running_pickle_really_would_run_code_if_unpickled(tmp_path):
    """Guards the test above: its payload is live, so "no marker file" means the import refused it."""
    marker = tmp_path / "pwned"
    pickle.loads(pickle.dumps(RunsCode(marker)))
    assert marker.exists()
