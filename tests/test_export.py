"""Export (metrics CSV, run JSON) and import of a run trained elsewhere — which must never run foreign code — and
model files whose crafted recipe is refused in one sentence before anything is allocated."""
from __future__ import annotations

import csv
import io
import json
import os
import pickle
import resource

import pytest
import torch
from safetensors.torch import save

from kdlab.compress.export import rebuild, recipe_of
from kdlab.compress.lowrank import factorise
from kdlab.compress.prune import prune_structured
from kdlab.compress.recipe import RecipeCaps
from kdlab.models import InputSpec, build_model

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
        "soft weight out of range": ({**config, "terms": {**config["terms"], "soft": 3}}, weights, "terms.soft"),
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


CASES = ["malformed JSON", "unknown config key", "soft weight out of range", "random bytes", "no student entry",
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


CAPS = RecipeCaps(max_params=20_000_000, max_knob=4096)  # the server's defaults
DIGITS = InputSpec("image", (1, 8, 8), 10)


def model_file(structured: bool = False, rank: int | None = None) -> tuple[dict, dict]:
    """A real small model file's tensors and recipe (an MLP, structurally pruned or factorised when asked)."""
    model = build_model("mlp", DIGITS, 0, {"hidden": 64, "depth": 1})
    steps = []
    if structured:
        steps.append({"step": "prune", "sparsity": 0.5, "structured": True, "plan": prune_structured(model, 0.5)})
    if rank:
        steps.append({"step": "lowrank", "rank": rank, "energy": None, "plan": factorise(model, rank=rank)})
    return model.state_dict(), recipe_of("mlp", {"hidden": 64, "depth": 1}, DIGITS, steps)


def crafted(recipe: dict, state: dict) -> bytes:
    return save({k: v.contiguous() for k, v in state.items()}, metadata={"kdlab": json.dumps(recipe)})


def without(mapping: dict, key: str) -> dict:
    return {k: v for k, v in mapping.items() if k != key}


def with_input(recipe: dict, **values) -> dict:
    return {**recipe, "input": {**recipe["input"], **values}}


def with_plan(recipe: dict, plan: dict) -> dict:
    return {**recipe, "steps": [{**recipe["steps"][0], "plan": plan}]}


RECIPES = {  # case: (how the file is made, what the one sentence says)
    "missing input": (lambda r: without(r, "input"), "it has no input"),
    "steps not a list": (lambda r: {**r, "steps": "prune"}, "steps is not a list"),
    "a step not a mapping": (lambda r: {**r, "steps": [7]}, "a step is not a mapping"),
    "unknown step": (lambda r: {**r, "steps": [{"step": "explode"}]}, "unknown step 'explode'"),
    "a step missing its keys": (lambda r: {**r, "steps": [{"step": "prune"}]}, "the prune step has the keys"),
    "unknown model": (lambda r: {**r, "model": "os.system"}, "unknown model"),
    "a step repeated": (lambda r: {**r, "steps": [{"step": "int8"}] * 3}, "a step is repeated"),
    "absurd width": (lambda r: {**r, "model_kw": {"hidden": 10**9}}, "model knob 'hidden' is 1000000000"),
    "width of text": (lambda r: {**r, "model_kw": {"hidden": "wide"}}, "cannot be built with its knobs"),
    "too many parameters": (lambda r: {**r, "model_kw": {"hidden": 4096, "depth": 100}}, "above the cap of 20,0"),
    "absurd classes": (lambda r: with_input(r, num_classes=10**9), "num_classes must be in 2..4,096"),
    "absurd input shape": (lambda r: with_input(r, input_shape=[1, 10**6, 10**6]), "input_shape must be"),
    "an input too large for the model": (lambda r: with_input(r, input_shape=[3, 4096, 4096]), "parameters, above"),
    "input shape not a list": (lambda r: with_input(r, input_shape="big"), "input_shape must be"),
    "unknown modality": (lambda r: with_input(r, modality="video"), "input modality must be one of"),
}


@pytest.mark.parametrize("case", list(RECIPES))
def test_a_crafted_recipe_is_refused_in_one_sentence_before_anything_is_allocated(case):
    state, recipe = model_file()
    change, message = RECIPES[case]
    check_refused(crafted(change(recipe), state), message)


PLANS = {  # case: (structured pruning or a rank, the crafted plan, what the sentence says)
    "a prune plan of 10⁹": (True, {"hidden.0.0": 10**9}, "keeps 1,000,000,000 of the 64 outputs"),
    "a prune plan of another layer": (True, {"head": 5}, "not a layer that can shrink"),
    "a prune plan of text": (True, {"hidden.0.0": "all"}, "plan is not a mapping of layer names to whole numbers"),
    "a rank plan of 10⁹": (False, {"head": 10**9}, "would not make it smaller"),
    "a rank plan of no layer": (False, {"nope": 2}, "not a layer that can be factorised"),
}


@pytest.mark.parametrize("case", list(PLANS))
def test_a_crafted_plan_is_refused_in_one_sentence_before_anything_is_allocated(case):
    structured, plan, message = PLANS[case]
    state, recipe = model_file(structured=structured, rank=None if structured else 4)
    check_refused(crafted(with_plan(recipe, plan), state), message)


def check_refused(data: bytes, message: str) -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    with pytest.raises(ValueError) as refused:
        rebuild(data, CAPS)
    assert message in str(refused.value) and "\n" not in str(refused.value), str(refused.value)
    assert str(refused.value).startswith("this file's recipe cannot be rebuilt")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 200 * 1024, "it allocated before refusing"


@pytest.mark.parametrize("structured", [False, True])
def test_the_real_files_those_were_crafted_from_rebuild(structured):
    state, recipe = model_file(structured=structured, rank=None if structured else 4)
    model, again = rebuild(crafted(recipe, state), CAPS)
    assert again == recipe and model(torch.zeros(2, 1, 8, 8)).logits.shape == (2, 10)
