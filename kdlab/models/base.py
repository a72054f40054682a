"""Models: a registry of architectures and named presets, all returning one uniform ``ModelOutput``.

Because every model answers with the same small dataclass, any teacher pairs with any student: the loss terms
read only ``ModelOutput`` and never look inside an architecture.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Callable

import torch
from torch import nn

from ..errors import UserError
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
    - ``token_mask``: text transformers only, ``[B, queries]``, True for a real token (and the CLS token), False
      for padding: a padded query's attention row is no knowledge, so the attention term leaves it out.
    """

    logits: torch.Tensor
    features: dict[str, torch.Tensor] = field(default_factory=dict)
    attentions: list[torch.Tensor] = field(default_factory=list)
    activation_maps: list[torch.Tensor] = field(default_factory=list)
    token_mask: torch.Tensor | None = None

    def tensors(self) -> list[torch.Tensor]:
        """Every tensor held, in a fixed order (``from_tensors`` puts them back)."""
        mask = [] if self.token_mask is None else [self.token_mask]
        return [self.logits, *self.features.values(), *self.attentions, *self.activation_maps, *mask]

    def from_tensors(self, tensors: list[torch.Tensor]) -> "ModelOutput":
        """An output shaped like this one holding ``tensors`` (as ``tensors()`` lists them)."""
        items = iter(tensors)
        return ModelOutput(next(items), {k: next(items) for k in self.features},
                           [next(items) for _ in self.attentions], [next(items) for _ in self.activation_maps],
                           None if self.token_mask is None else next(items))

    def map(self, fn: Callable[[torch.Tensor], torch.Tensor]) -> "ModelOutput":
        return self.from_tensors([fn(t) for t in self.tensors()])

    def nbytes(self) -> int:
        return sum(t.numel() * t.element_size() for t in self.tensors())

    def keep(self, needs: set[str]) -> "ModelOutput":
        """Only the parts that the active loss terms read (``"attentions"``, ``"activation_maps"``,
        ``"features/<name>"``, ``"token_mask"``): what the teacher cache must hold. The teacher's cache never
        needs the token mask: the student reads the same input and brings its own."""
        return ModelOutput(
            self.logits,
            {k: v for k, v in self.features.items() if f"features/{k}" in needs},
            self.attentions if "attentions" in needs else [],
            self.activation_maps if "activation_maps" in needs else [],
            self.token_mask if "token_mask" in needs else None,
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


def register_model(name: str, *, modalities: tuple[str, ...], attention: str | None, summary: str,
                   pretrained: bool = False, tokenizer: Callable | None = None, text_knobs: tuple[str, ...] = ()):
    """Register ``factory(spec: InputSpec, **knobs) -> nn.Module`` whose forward returns ``ModelOutput``.

    ``attention`` says which maps it exposes: ``"tokens"`` (softmax attention), ``"spatial"`` (activation maps)
    or ``None``; the config uses it to refuse β for a pair that has nothing to compare.

    ``pretrained``: its factory loads trained weights (a Hugging Face model): it teaches as it is, never trained or
    cached by kdlab. ``tokenizer(**knobs)``: a language model that comes with its own tokenizer, which then encodes
    the run's text for the teacher and the student alike (``kdlab.run_data``). ``text_knobs``: knobs whose values
    are text (a folder), not numbers.
    """
    assert attention in (None, *ATTENTION_KINDS), attention
    return MODELS.register(name, modalities=modalities, attention=attention, summary=summary, pretrained=pretrained,
                           tokenizer=tokenizer, text_knobs=text_knobs)


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
        raise UserError("model.modality", "model {name!r} does not take {modality} input; it takes {takes}", name=name,
                        modality=spec.modality, takes=", ".join(entry.meta["modalities"]))
    torch.manual_seed(seed)
    try:
        return entry.factory(spec, **merged)
    except TypeError as err:  # an unknown knob: Python names it in its own words
        knob = re.search(r"unexpected keyword argument '([^']*)'", str(err))
        if knob is None:
            raise
        raise UserError("model.no_knob", "model {name!r} has no knob {knob!r}", name=name, knob=knob[1][:40]) from None


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def size_bytes(model: nn.Module) -> int:
    """Bytes of parameters and buffers, i.e. roughly the size of its saved weights."""
    tensors = list(model.parameters()) + list(model.buffers())
    return sum(t.numel() * t.element_size() for t in tensors)




def models_for(modality: str) -> list[str]:
    """The presets, then the architectures, that take ``modality`` input: what a teacher or student picker offers,
    so a page can never pair a dataset with a model that cannot read it (``RunConfig.validate`` would refuse it).
    A pretrained model (a Hugging Face one) is left out: it needs a folder to read, which a picker cannot give."""
    return [name for name in PRESETS.names() + MODELS.names()
            if modality in model_meta(name)["modalities"] and not model_meta(name).get("pretrained")]


class LogitsOnly(nn.Module):
    """A model that returns its logits only: ONNX and ``torch.fx`` cannot follow a ``ModelOutput`` dataclass, so
    the exported graph (and the traced one pruning reads) ends at the logits."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x).logits
