"""Models: a registry of architectures and named presets, all returning one uniform ``ModelOutput``.

Because every model answers with the same small dataclass, any teacher pairs with any student: the loss terms
read only ``ModelOutput`` and never look inside an architecture.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Callable

import torch
from torch import nn

from ..registry import Registry

ATTENTION_KINDS = ("tokens", "spatial")


@dataclass
class ModelOutput:
    """What every model returns.

    - ``logits``: ``[B, classes]``.
    - ``features``: named hidden representations; every model has ``"embedding"`` (the penultimate vector,
      ``[B, D]``) and ``"mid"`` (a representation halfway up: ``[B, C, H, W]`` maps, ``[B, L, D]`` tokens or
      ``[B, D]``).
    - ``attentions``: transformers' real softmax attention per layer, ``[B, heads, queries, keys]``.
    - ``activation_maps``: CNNs' spatial attention per stage, ``[B, H, W]`` = channel mean of squared activations
      (Zagoruyko & Komodakis 2017), so that attention transfer works for them too.
    """

    logits: torch.Tensor
    features: dict[str, torch.Tensor] = field(default_factory=dict)
    attentions: list[torch.Tensor] = field(default_factory=list)
    activation_maps: list[torch.Tensor] = field(default_factory=list)

    def map(self, fn: Callable[[torch.Tensor], torch.Tensor]) -> "ModelOutput":
        return ModelOutput(fn(self.logits), {k: fn(v) for k, v in self.features.items()},
                           [fn(a) for a in self.attentions], [fn(a) for a in self.activation_maps])

    def keep(self, needs: set[str]) -> "ModelOutput":
        """Only the parts that the active loss terms read (``"attentions"``, ``"activation_maps"``,
        ``"features/<name>"``): what the teacher cache must hold."""
        return ModelOutput(
            self.logits,
            {k: v for k, v in self.features.items() if f"features/{k}" in needs},
            self.attentions if "attentions" in needs else [],
            self.activation_maps if "activation_maps" in needs else [],
        )

    @staticmethod
    def cat(outputs: list["ModelOutput"]) -> "ModelOutput":
        first = outputs[0]
        return ModelOutput(
            torch.cat([o.logits for o in outputs]),
            {k: torch.cat([o.features[k] for o in outputs]) for k in first.features},
            [torch.cat([o.attentions[i] for o in outputs]) for i in range(len(first.attentions))],
            [torch.cat([o.activation_maps[i] for o in outputs]) for i in range(len(first.activation_maps))],
        )


OUTPUT_FIELDS = tuple(f.name for f in fields(ModelOutput))


@dataclass(frozen=True)
class InputSpec:
    """What a model must know about its data to be built."""

    modality: str
    input_shape: tuple[int, ...]
    num_classes: int
    vocab_size: int = 0

    @classmethod
    def of(cls, splits) -> "InputSpec":
        return cls(splits.modality, splits.input_shape, splits.num_classes, splits.vocab_size)


ModelFactory = Callable[..., nn.Module]
MODELS: Registry[ModelFactory] = Registry("model")
PRESETS: Registry[tuple[str, dict]] = Registry("model preset")


def register_model(name: str, *, modalities: tuple[str, ...], attention: str | None, summary: str):
    """Register ``factory(spec: InputSpec, **knobs) -> nn.Module`` whose forward returns ``ModelOutput``.

    ``attention`` says which maps it exposes: ``"tokens"`` (softmax attention), ``"spatial"`` (activation maps)
    or ``None``; the config uses it to refuse β for a pair that has nothing to compare.
    """
    assert attention in (None, *ATTENTION_KINDS), attention
    return MODELS.register(name, modalities=modalities, attention=attention, summary=summary)


def register_preset(name: str, arch: str, summary: str, **knobs) -> None:
    PRESETS.register(name, summary=summary)((arch, knobs))


def resolve(name: str, knobs: dict | None = None) -> tuple[str, dict]:
    """A preset or architecture name plus user knobs -> (architecture, merged knobs)."""
    if name in PRESETS:
        arch, preset_knobs = PRESETS.get(name).factory
        return arch, {**preset_knobs, **(knobs or {})}
    MODELS.get(name)  # raises a ValueError naming the choices
    return name, dict(knobs or {})


def model_meta(name: str) -> dict:
    return MODELS.get(resolve(name)[0]).meta


def build_model(name: str, spec: InputSpec, seed: int = 0, knobs: dict | None = None) -> nn.Module:
    """Build with weights drawn from ``seed`` so that a baseline and a distilled student start identical."""
    arch, merged = resolve(name, knobs)
    entry = MODELS.get(arch)
    if spec.modality not in entry.meta["modalities"]:
        raise ValueError(f"model {name!r} does not take {spec.modality} input; it takes "
                         f"{', '.join(entry.meta['modalities'])}")
    torch.manual_seed(seed)
    try:
        return entry.factory(spec, **merged)
    except TypeError as err:  # an unknown knob
        raise ValueError(f"model {name!r}: {err}") from None


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def size_bytes(model: nn.Module) -> int:
    """Bytes of parameters and buffers, i.e. roughly the size of its saved weights."""
    tensors = list(model.parameters()) + list(model.buffers())
    return sum(t.numel() * t.element_size() for t in tensors)


from . import cnn, mlp, recurrent, resnet, transformer, tv  # noqa: E402,F401  (registers the models)
from . import presets  # noqa: E402,F401
