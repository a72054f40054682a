"""Compression of a student: each variant on a tiny model moves its numbers the expected way (sparsity reached,
rank reached, size drops), FLOPs of a layer with known FLOPs, ONNX and safetensors round trips, the compression of
a real stored run (variants kept with it), and bad knobs refused in one line with nothing written."""
from __future__ import annotations

import copy
import json

import pytest
import torch
from torch import nn

from kdlab.cli import main
from kdlab.compress.config import CompressRequest
from kdlab.compress.export import onnx_agreement, rebuild, recipe_of, to_onnx, to_safetensors
from kdlab.compress.lowrank import factorise, rank_for_energy
from kdlab.compress.measure import flops_per_sample, latency_ms, parameter_counts
from kdlab.compress.prune import prune_structured, prune_unstructured, weight_sparsity
from kdlab.compress.quantize import note_text, quantize_int8
from kdlab.compress.recipe import RecipeCaps
from kdlab.compress.record import compress_stored_run, model_file
from kdlab.compress.verdict import findings, pareto_front
from kdlab.models import InputSpec, ModelOutput, build_model
from kdlab.runs.store import RunStore

from .conftest import finished_run, tiny_config

pytestmark = pytest.mark.shared_home  # runs recorded by the app's job runner: the session's home (tests/conftest.py)

DIGITS = InputSpec("image", (1, 8, 8), 10)
TOKENS = InputSpec("tokens", (12,), 2, vocab_size=50)
X = torch.randn(40, 1, 8, 8, generator=torch.Generator().manual_seed(0))
CAPS = RecipeCaps(max_params=20_000_000, max_knob=4096)  # the server's defaults


def mlp(hidden: int = 64, depth: int = 1) -> nn.Module:
    return build_model("mlp", DIGITS, seed=0, knobs={"hidden": hidden, "depth": depth}).eval()


def logits(model: nn.Module, x: torch.Tensor = X) -> torch.Tensor:
    with torch.no_grad():
        return model.eval()(x).logits


def file_size(model: nn.Module, steps=()) -> int:
    return len(to_safetensors(model, recipe_of("mlp", {}, DIGITS, list(steps))))


def test_int8_makes_the_saved_file_at_least_three_times_smaller_and_keeps_the_answers():
    full, small = mlp(), mlp()
    result = quantize_int8(small)
    assert result.quantized == ["hidden.0.0", "head"] and result.notes == []
    assert file_size(full) >= 3 * file_size(small, [{"step": "int8"}])
    assert (logits(full).argmax(1) == logits(small).argmax(1)).float().mean() >= 0.9


def test_int8_leaves_an_lstm_in_float_and_says_so():
    model = build_model("lstm", TOKENS, seed=0, knobs={"dim": 8})
    result = quantize_int8(model)
    assert {"note": "float_layers", "kind": "LSTM", "count": 1} in result.notes
    assert "torchao has no int8 kernel for LSTM layers: 1 left in float" in map(note_text, result.notes)
    assert model.lstm.weight_ih_l0.dtype == torch.float32


@pytest.mark.parametrize("sparsity", [0.3, 0.5, 0.9])
def test_unstructured_pruning_reaches_the_sparsity_and_keeps_every_shape(sparsity):
    model = mlp()
    shapes = {k: v.shape for k, v in model.state_dict().items()}
    prune_unstructured(model, sparsity)
    assert weight_sparsity(model) == pytest.approx(sparsity, abs=0.01)
    assert {k: v.shape for k, v in model.state_dict().items()} == shapes  # dense storage: the file does not shrink
    total, nonzero = parameter_counts(model)
    assert nonzero < total * (1 - sparsity) + 100  # the biases are not pruned


def test_structured_pruning_removes_neurons_and_computes_what_the_full_model_does_without_them():
    full = mlp(hidden=32, depth=2)
    pruned = copy.deepcopy(full)
    plan = prune_structured(pruned, 0.5)
    assert plan == {"hidden.0.0": 16, "hidden.1.0": 16}
    assert pruned.hidden[0][0].weight.shape == (16, 64) and pruned.head.weight.shape == (10, 16)
    assert parameter_counts(pruned)[0] < 0.45 * parameter_counts(full)[0]
    assert file_size(pruned) < 0.5 * file_size(full)
    assert flops_per_sample(pruned, X) < 0.5 * flops_per_sample(full, X)
    # the same network with the removed neurons' rows zeroed gives exactly the pruned network's logits
    zeroed = copy.deepcopy(full)
    with torch.no_grad():
        for layer, reader in ((zeroed.hidden[0][0], zeroed.hidden[1][0]), (zeroed.hidden[1][0], zeroed.head)):
            drop = (layer.weight.norm(dim=1) * reader.weight.norm(dim=0)).argsort()[:16]
            layer.weight[drop], layer.bias[drop] = 0, 0
    assert torch.allclose(logits(zeroed), logits(pruned), atol=1e-5)


def test_structured_pruning_shrinks_the_channels_of_a_cnn_with_its_batch_norms():
    model = build_model("cnn-small", DIGITS, seed=0).eval()
    plan = prune_structured(model, 0.5)
    assert plan == {"stages.0.0": 4, "stages.1.0": 8}
    assert model.stages[0][1].running_mean.shape == (4,) and model.head[1].weight.shape == (10, 8)
    assert logits(model).shape == (40, 10)


def test_structured_pruning_refuses_a_model_with_no_removable_neuron():
    class HeadOnly(nn.Module):
        def __init__(self):
            super().__init__()
            self.head = nn.Linear(64, 10)

        def forward(self, x):
            return ModelOutput(self.head(x.flatten(1)))

    with pytest.raises(ValueError, match="no layer whose neurons can be removed"):
        prune_structured(HeadOnly(), 0.5)


def test_low_rank_factorisation_reaches_the_rank_and_shrinks_the_layer():
    full, small = mlp(), mlp()
    plan = factorise(small, rank=4)
    assert plan == {"hidden.0.0": 4, "head": 4}
    assert small.hidden[0][0][0].weight.shape == (4, 64) and small.hidden[0][0][1].weight.shape == (64, 4)
    assert torch.linalg.matrix_rank(small.hidden[0][0][1].weight @ small.hidden[0][0][0].weight) == 4
    assert file_size(small) < 0.3 * file_size(full)


def test_a_rank_r_layer_factorised_at_rank_r_is_unchanged():
    model = mlp()
    with torch.no_grad():
        w = model.hidden[0][0].weight
        w.copy_(w[:, :3] @ torch.randn(3, 64))  # rank 3
    flat = X.flatten(1)
    before = model.hidden[0][0](flat)
    factorise(model, rank=3)
    assert torch.allclose(model.hidden[0][0](flat), before, atol=1e-4)


def test_the_energy_fraction_picks_the_smallest_rank_that_keeps_it():
    singular_values = torch.tensor([4.0, 3.0])  # squared: 16 and 9 of 25
    assert rank_for_energy(singular_values, 0.64) == 1
    assert rank_for_energy(singular_values, 0.65) == 2


def test_a_rank_that_would_not_save_weights_is_refused():
    with pytest.raises(ValueError, match="would shrink no layer"):
        factorise(mlp(hidden=8), rank=8)


def test_flops_of_a_linear_layer_are_two_times_in_times_out():
    assert flops_per_sample(nn.Linear(64, 32), torch.zeros(5, 64)) == 2 * 64 * 32


def test_latency_is_measured_at_batch_1_and_64():
    timings = latency_ms(mlp(), X, repeats=3, threads=1)
    assert set(timings) == {1, 64} and all(t > 0 for t in timings.values())


@pytest.mark.parametrize("compress", ["plain", "structured", "lowrank", "int8"])
def test_safetensors_round_trip_rebuilds_the_same_model(compress):
    model = mlp(hidden=32, depth=2)
    steps = []
    if compress == "structured":
        steps = [{"step": "prune", "structured": True, "sparsity": 0.5, "plan": prune_structured(model, 0.5)}]
    elif compress == "lowrank":
        steps = [{"step": "lowrank", "plan": factorise(model, rank=4)}]
    elif compress == "int8":
        quantize_int8(model)
        steps = [{"step": "int8"}]
    data = to_safetensors(model, recipe_of("mlp", {"hidden": 32, "depth": 2}, DIGITS, steps))
    rebuilt, recipe = rebuild(data, CAPS)
    assert recipe["steps"] == steps
    assert torch.equal(logits(rebuilt), logits(model))


def test_a_file_that_is_not_a_kdlab_safetensors_file_is_refused():
    with pytest.raises(ValueError, match="not a safetensors file"):
        rebuild(b"\x80\x04 a pickle, perhaps", CAPS)


def test_onnx_round_trip_agrees_with_pytorch_and_int8_says_why_it_cannot():
    model = mlp(hidden=32)
    prune_structured(model, 0.5)
    onnx = to_onnx(model, X)
    assert onnx_agreement(onnx, model, torch.randn(300, 1, 8, 8)) == 1.0  # a batch size it was not traced with
    quantize_int8(model)
    with pytest.raises(ValueError, match="int8 .* has no ONNX export"):
        to_onnx(model, X)


@pytest.mark.parametrize("knobs, message", [
    ({"prune": 1.5}, "sparsity (prune) must be in [0, 1)"),
    ({"rank": 0}, "rank must be an integer >= 1, got 0"),
    ({"energy": 1.2}, "energy must be in (0, 1]"),
    ({"rank": 4, "energy": 0.9}, "not both"),
    ({"int8": True, "finetune": -1}, "finetune must be a whole number of epochs >= 0"),
    ({"prune": 0.5, "finetune": 2, "finetune_from": "friends"}, "finetune_from must be one of"),
    ({"int8": True, "finetune": 2}, "fine-tuning recovers a pruned or factorised student"),
    ({"structured": True}, "structured pruning needs a sparsity"),
    ({}, "nothing to do"),
])
def test_a_bad_knob_is_one_clear_sentence(knobs, message):
    with pytest.raises(ValueError) as caught:
        CompressRequest(**knobs).validate()
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_the_pareto_front_keeps_the_points_nothing_beats_sorted_by_cost():
    points = [(10, 0.9), (5, 0.9), (5, 0.8), (2, 0.5), (8, 0.95)]
    assert pareto_front(points) == [3, 1, 4]


@pytest.fixture(scope="module")
def compressed():
    run_id = finished_run(tiny_config(teacher="cnn-small", epochs=6, seed=11), "compress-test")
    request = CompressRequest(int8=True, prune=0.5, structured=True, rank=4, finetune=3, finetune_from="both",
                              repeats=3).validate()
    return run_id, {v.name: v for v in compress_stored_run(RunStore(), run_id, request)}


def test_a_stored_run_gets_every_variant_measured_and_kept_with_it(compressed):
    run_id, variants = compressed
    names = {"teacher", "student", "baseline"} | {f"{role}/{v}" for role in ("student", "baseline") for v in (
        "int8", "prune-50-structured", "prune-50-structured+ft3-teacher", "prune-50-structured+ft3-labels", "rank-4",
        "rank-4+ft3-teacher", "rank-4+ft3-labels")}
    assert set(variants) == names
    assert {row["name"] for row in RunStore().variants(run_id)} == names
    student = variants["student"].metrics
    for name in ("student/int8", "student/prune-50-structured", "student/rank-4"):
        assert variants[name].metrics["bytes"] < student["bytes"], name
    assert variants["student/prune-50-structured"].metrics["flops"] < student["flops"]
    assert variants["student/int8"].metrics["flops"] == student["flops"]  # the same multiply-adds, in integers
    assert all(0 <= v.metrics["agreement"] <= 1 for v in variants.values())
    assert variants["teacher"].metrics["agreement"] == 1


def test_fine_tuning_from_the_teacher_recovers_accuracy_that_pruning_lost(compressed):
    _, variants = compressed
    pruned = variants["student/prune-50-structured"].metrics["accuracy"]
    assert variants["student/prune-50-structured+ft3-teacher"].metrics["accuracy"] > pruned
    found = {f["name"]: f for f in findings([v.row() for v in variants.values()])}
    recovery = found["student/prune-50-structured+ft3-teacher"]
    assert recovery["source"] == "teacher" and recovery["recovered"] > 0


def test_a_stored_variant_exports_to_onnx_that_agrees_with_pytorch(compressed):
    run_id, _ = compressed
    data, about = model_file(RunStore(), run_id, "onnx", "student/prune-50-structured+ft3-teacher")
    assert data[:2] and "agrees with PyTorch on 100.00%" in about
    data, about = model_file(RunStore(), run_id, "safetensors", "baseline")
    assert rebuild(data, CAPS)[1]["model"] == "mlp-small"


@pytest.mark.parametrize("structured", [False, True], ids=["unstructured", "structured"])
def test_pruning_with_and_without_fine_tuning_makes_both_variants(compressed, structured):
    """Unstructured pruning's masks once made the pruned model impossible to copy for its fine-tuning."""
    run_id, _ = compressed
    request = CompressRequest(prune=0.5, structured=structured, finetune=1, roles=("student",), repeats=1).validate()
    made = {v.name: v.metrics for v in compress_stored_run(RunStore(), run_id, request)}
    pruned = "student/prune-50" + ("-structured" if structured else "")
    tuned = [name for name in made if name.startswith(pruned + "+ft")]
    assert pruned in made and len(tuned) == 1, list(made)
    if not structured:  # the zeros stay zeros while it is fine-tuned
        assert made[pruned]["weight_sparsity"] >= 0.49 and made[tuned[0]]["weight_sparsity"] >= 0.49
    rebuilt, _ = rebuild(RunStore().variant_file(run_id, tuned[0]), CAPS)  # kept with the run, as plain weights
    assert weight_sparsity(rebuilt) == pytest.approx(made[tuned[0]]["weight_sparsity"])


@pytest.mark.parametrize("flags", [[], ["--structured"]], ids=["unstructured", "structured"])
def test_the_cli_prunes_and_fine_tunes(capsys, compressed, flags):
    run_id, _ = compressed
    code, out, err = run_cli(capsys, "compress", run_id, "--prune", "0.5", *flags, "--finetune", "1", "--roles",
                             "student", "--repeats", "1", "--json")
    assert code == 0, err
    names = [v["name"] for v in json.loads(out.strip().splitlines()[-1])["variants"]]
    assert len(names) == 4 and names[2].startswith("student/prune-50") and "+ft" in names[3], names


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("flags", [["--prune", "1.5"], ["--rank", "0"], ["--int8", "--finetune", "two"]])
def test_the_cli_refuses_bad_knobs_in_one_line_with_exit_2_and_writes_nothing(capsys, compressed, flags):
    run_id, _ = compressed
    before = RunStore().variants(run_id)
    code, out, err = run_cli(capsys, "compress", run_id, *flags)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("kdlab: error: ")
    assert RunStore().variants(run_id) == before


def test_the_cli_refuses_a_run_without_weights_and_writes_nothing(capsys):
    store = RunStore()
    run_id = store.create(tiny_config().to_dict(), "compress-test", source="cli", status="finished")
    code, _, err = run_cli(capsys, "compress", run_id, "--int8")
    assert code == 2 and "has no stored weights" in err and len(err.strip().splitlines()) == 1
    assert store.variants(run_id) == []


def test_the_cli_prints_every_variant_as_json_and_exports_onnx(capsys, compressed, tmp_path):
    run_id, _ = compressed
    code, out, _ = run_cli(capsys, "compress", run_id, "--int8", "--roles", "student", "--repeats", "2", "--json")
    assert code == 0
    report = json.loads(out.strip().splitlines()[-1])
    assert [v["name"] for v in report["variants"]] == ["teacher", "student", "student/int8"]
    assert report["findings"][0]["size_ratio"] > 2.5
    target = tmp_path / "student.onnx"
    code, out, _ = run_cli(capsys, "runs", "export", run_id, "--what", "onnx", "--output", str(target))
    assert code == 0 and target.stat().st_size > 0 and "agrees with PyTorch" in out


def test_an_architecture_whose_onnx_graph_fixes_the_batch_is_one_clear_error():
    from kdlab.compress.export import to_onnx
    from kdlab.models import InputSpec, build_model

    vit = build_model("vit-tiny", InputSpec("image", (1, 8, 8), 10), 0)
    with pytest.raises(ValueError, match="fixed batch size"):
        to_onnx(vit, torch.rand(5, 1, 8, 8))


def test_the_frontier_hovers_give_numbers_as_a_person_writes_them():
    from kdlab.viz.compress_figures import pareto_figure

    rows = [{"name": "teacher", "role": "teacher", "accuracy": 0.97214, "bytes": 300_000, "latency_ms_batch64": 2.0},
            {"name": "student/<b>x</b>", "role": "student", "accuracy": 0.9123, "bytes": 4_000_000,
             "latency_ms_batch64": 0.5}]
    labels = {key: key for key in ("size", "latency", "accuracy", "frontier", "size_title", "latency_title",
                                   "teacher", "student", "baseline")}
    size, latency = pareto_figure(rows, "size", labels), pareto_figure(rows, "latency", labels)
    assert [list(t.customdata[0]) for t in size.data[:2]] == [["97.2 %", "293.0 KiB"], ["91.2 %", "3.8 MiB"]]
    assert list(latency.data[1].customdata[0]) == ["91.2 %", "0.50 ms"]
    assert size.data[1].text == ("student/&lt;b&gt;x&lt;/b&gt;",) and "customdata" in size.data[0].hovertemplate


def test_a_variant_name_says_every_setting_that_made_it():
    from kdlab.compress.pipeline import step_label

    assert step_label({"step": "finetune", "source": "teacher", "epochs": 5, "lr": 0.01}, 0.01) == "ft5-teacher"
    assert step_label({"step": "finetune", "source": "labels", "epochs": 1, "lr": 0.001}, 0.01) == "ft1-labels-lr0.001"
    assert step_label({"step": "prune", "sparsity": 0.35, "structured": False}, 0.01) == "prune-35"
    assert step_label({"step": "prune", "sparsity": 0.355, "structured": True}, 0.01) == "prune-35.5-structured"
    assert step_label({"step": "lowrank", "rank": None, "energy": 0.9}, 0.01) == "energy-0.9"
