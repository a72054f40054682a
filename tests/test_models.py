"""The model contract, checked for every registered architecture and preset on every modality it declares:
a newly registered model is tested here with no new test code."""
from __future__ import annotations

from functools import lru_cache

import pytest
import torch

from kdlab.losses.tokens import cross_entropy_loss
from kdlab.models import MODELS, PRESETS, InputSpec, ModelOutput, build_model, model_meta, resolve
from kdlab.models.transformer import default_patch

BATCH = 3
SPECS = {
    "image": [InputSpec("image", (1, 8, 8), 10), InputSpec("image", (3, 32, 32), 10)],
    "points": [InputSpec("points", (2,), 3)],
    "tokens": [InputSpec("tokens", (12,), 4, vocab_size=50)],
    "sequence": [InputSpec("sequence", (12,), 20, vocab_size=20)],  # a language model: a class per token
}
TOKEN_LENGTHS = (9, 5, 2)  # real tokens per sample; the rest is padding (id 0), so positions 9.. are all padding


def cases(every_spec: bool = False) -> list:
    """Every architecture and preset on the first (smallest) spec of each of its modalities; with ``every_spec``,
    architectures on all specs (the forward-only contract test, since ResNet-18 on 32x32 is slow to train)."""
    found = []
    for name in MODELS.names() + PRESETS.names():
        if model_meta(name).get("pretrained"):  # weights to read from a folder: tests/test_hf_teacher.py
            continue
        for modality in model_meta(name)["modalities"]:
            specs = SPECS[modality] if every_spec and name in MODELS else SPECS[modality][:1]
            found += [pytest.param(name, spec, id=f"{name}-{modality}{'x'.join(map(str, spec.input_shape))}")
                      for spec in specs]
    return found


def token_cases() -> list:
    return [case for case in cases() if case.values[1].modality == "tokens"]


def example_inputs(spec: InputSpec) -> torch.Tensor:
    gen = torch.Generator().manual_seed(0)
    if spec.modality not in ("tokens", "sequence"):
        return torch.randn(BATCH, *spec.input_shape, generator=gen)
    ids = torch.randint(1, spec.vocab_size, (BATCH, *spec.input_shape), generator=gen)
    real = torch.arange(spec.input_shape[0]) < torch.tensor(TOKEN_LENGTHS)[:, None]
    return ids * real


@lru_cache(maxsize=None)
def built(name: str, spec: InputSpec) -> torch.nn.Module:
    """Built once at seed 0 and shared by the tests that only run it (each sets train/eval mode itself)."""
    return build_model(name, spec, seed=0)


def evaluate(name: str, spec: InputSpec, x: torch.Tensor) -> ModelOutput:
    with torch.no_grad():
        return built(name, spec).eval()(x)


@pytest.mark.parametrize("name, spec", cases(every_spec=True))
def test_output_follows_the_contract(name, spec):
    out = evaluate(name, spec, example_inputs(spec))
    per_position = (spec.input_shape[0],) if spec.modality == "sequence" else ()  # a language model's answers
    assert out.logits.shape == (BATCH, *per_position, spec.num_classes)
    assert out.features["embedding"].dim() == 2 + len(per_position) and len(out.features["embedding"]) == BATCH
    assert len(out.features["mid"]) == BATCH
    attention = model_meta(name)["attention"]
    assert bool(out.attentions) == (attention == "tokens")
    assert bool(out.activation_maps) == (attention == "spatial")
    for maps in out.attentions:
        assert maps.dim() == 4 and maps.shape[0] == BATCH
        assert torch.allclose(maps.sum(-1), torch.ones(maps.shape[:-1]), atol=1e-5)
    for maps in out.activation_maps:
        assert maps.dim() == 3 and maps.shape[0] == BATCH
        assert (maps >= 0).all()


@pytest.mark.parametrize("name, spec", token_cases())
def test_padding_changes_nothing(name, spec):
    """Dropping the trailing positions that are padding in every sample leaves the logits unchanged."""
    x = example_inputs(spec)
    full, cut = evaluate(name, spec, x), evaluate(name, spec, x[:, :max(TOKEN_LENGTHS)])
    assert torch.allclose(full.logits, cut.logits, atol=1e-5)


@pytest.mark.parametrize("name, spec", token_cases())
def test_padding_draws_no_attention(name, spec):
    out = evaluate(name, spec, example_inputs(spec))
    for maps in out.attentions:
        for sample, length in enumerate(TOKEN_LENGTHS):
            pad_keys = spec.input_shape[0] - length  # trailing tokens are the trailing keys, after any CLS
            assert maps[sample, ..., -pad_keys:].abs().max() < 1e-6


@pytest.mark.parametrize("name, spec", cases())
def test_build_is_deterministic_for_a_seed(name, spec):
    reference, same, other = (build_model(name, spec, seed=seed).state_dict() for seed in (0, 0, 1))
    assert all(torch.equal(reference[key], same[key]) for key in reference)
    assert any(not torch.equal(reference[key], other[key]) for key in reference if reference[key].is_floating_point())


@pytest.mark.parametrize("name, spec", cases())
def test_backward_reaches_every_parameter_with_finite_gradients(name, spec):
    model = built(name, spec).train()
    model.zero_grad()
    logits = model(example_inputs(spec)).logits
    labels = torch.arange(logits[..., 0].numel()).view(logits.shape[:-1]) % spec.num_classes
    cross_entropy_loss(logits, labels).backward()
    for param_name, param in model.named_parameters():
        assert param.grad is not None, f"{param_name} is unused"
        assert torch.isfinite(param.grad).all(), param_name


@pytest.mark.parametrize("name", [n for n in MODELS.names() if set(SPECS) - set(MODELS.get(n).meta["modalities"])])
def test_unsupported_modality_raises(name):
    modality = sorted(set(SPECS) - set(MODELS.get(name).meta["modalities"]))[0]
    with pytest.raises(ValueError, match="does not take"):
        build_model(name, SPECS[modality][0])


@pytest.mark.parametrize("name", MODELS.names())
def test_unknown_knob_raises(name):
    spec = SPECS[MODELS.get(name).meta["modalities"][0]][0]
    with pytest.raises(ValueError, match="no_such_knob"):
        build_model(name, spec, knobs={"no_such_knob": 1})


@pytest.mark.parametrize("name", PRESETS.names())
def test_preset_names_a_registered_architecture(name):
    assert resolve(name)[0] in MODELS and PRESETS.get(name).meta["summary"]


@pytest.mark.parametrize("depth", [7, 9, 2])
def test_resnet_depth_must_be_6n_plus_2(depth):
    with pytest.raises(ValueError, match="6n\\+2"):
        build_model("resnet", SPECS["image"][0], knobs={"depth": depth})


@pytest.mark.parametrize("height, width, patch", [(8, 8, 2), (28, 28, 7), (32, 32, 8), (8, 16, 4)])
def test_vit_default_patch_is_the_smallest_giving_at_most_16_patches(height, width, patch):
    assert default_patch(height, width) == patch


def test_vit_patch_must_divide_the_image():
    with pytest.raises(ValueError, match="patch"):
        build_model("vit", SPECS["image"][0], knobs={"patch": 3})
