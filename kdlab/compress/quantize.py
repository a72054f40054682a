"""int8 weight quantization with torchao (the maintained home of PyTorch quantization).

``Int8DynamicActivationInt8WeightConfig`` stores each Linear weight as int8 with one scale per output row,
``w ≈ scale_r · q_rc`` with ``q = round(w / scale_r)`` and ``scale_r = max_c |w_rc| / 127``, and quantizes each
batch of activations on the fly ("dynamic"). torchao has kernels for Linear layers only: an LSTM, GRU or conv layer
is left in float, and the variant says so (``QuantizeResult.notes``: a key and its values, which the app words
in the reader's language and ``note_text`` in English for the CLI). Scales are rounded to float16, as the saved
file holds them, so the model measured is exactly the model saved.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

FLOAT_ONLY = (nn.LSTM, nn.GRU, nn.RNN, nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.Embedding)  # torchao: no int8 kernel
QDATA, SCALE = ".qdata", ".scale"  # suffixes of an int8 weight's two tensors in a saved state


def torchao():
    """The torchao quantization API, imported when first needed (the core also runs where it is absent)."""
    try:
        from torchao import quantization
    except ImportError:
        raise ValueError("int8 quantization needs torchao: pip install torchao==0.18.0") from None
    return quantization


@dataclass
class QuantizeResult:
    quantized: list[str]  # module paths now holding int8 weights
    notes: list[dict] = field(default_factory=list)  # layers left in float, and why: {"note": key, **values}


NOTES = {"float_layers": "torchao has no int8 kernel for {kind} layers: {count} left in float",
         "no_linear": "no Linear layer to quantize: the int8 variant is the float model"}


def note_text(note) -> str:
    """A variant's note in English (the CLI's words); a note stored as text by an older version is shown as it is."""
    if isinstance(note, str):
        return note
    return NOTES[note["note"]].format(**{k: v for k, v in note.items() if k != "note"})


def quantize_int8(model: nn.Module) -> QuantizeResult:
    """Quantize ``model``'s Linear weights to int8 in place; the layers torchao cannot quantize stay float."""
    api = torchao()
    api.quantize_(model, api.Int8DynamicActivationInt8WeightConfig(), filter_fn=lambda m, _: type(m) is nn.Linear)
    quantized = [name for name, m in model.named_modules() if type(m) is nn.Linear and is_int8(m.weight)]
    for name in quantized:
        scale = model.get_submodule(name).weight.scale
        scale.copy_(scale.half().float())
    skipped: dict[str, int] = {}
    for m in model.modules():
        if isinstance(m, FLOAT_ONLY):
            skipped[type(m).__name__] = skipped.get(type(m).__name__, 0) + 1
    notes = [{"note": "float_layers", "kind": kind, "count": count} for kind, count in sorted(skipped.items())]
    if not quantized:
        notes.append({"note": "no_linear"})
    return QuantizeResult(quantized, notes)


def is_int8(tensor: torch.Tensor) -> bool:
    return hasattr(tensor, "qdata") and getattr(tensor.qdata, "dtype", None) == torch.int8


def plain_state(model: nn.Module) -> dict[str, torch.Tensor]:
    """The state dict in plain tensors, for safetensors: an int8 weight becomes ``<key>.qdata`` (int8) and
    ``<key>.scale`` (float16); everything else is copied as it is, contiguous."""
    state = {}
    for key, value in model.state_dict().items():
        if is_int8(value):
            state[key + QDATA] = value.qdata.detach().contiguous().clone()
            state[key + SCALE] = value.scale.detach().half().contiguous().clone()
        else:
            state[key] = value.detach().contiguous().clone()
    return state


def load_plain_state(model: nn.Module, state: dict[str, torch.Tensor]) -> None:
    """Fill a model already shaped (and quantized) like the saved one from a ``plain_state``; strict: a missing or
    unexpected key, or another shape, is a ``ValueError``."""
    own = model.state_dict()
    expected = set()
    for key, value in own.items():
        expected |= {key + QDATA, key + SCALE} if is_int8(value) else {key}
    if set(state) != expected:
        odd = sorted(set(state) ^ expected)
        raise ValueError(f"the saved weights do not fit the rebuilt model ({len(odd)} names differ, e.g. {odd[0]!r})")
    with torch.no_grad():
        for key, value in own.items():
            parts = ((value.qdata, state[key + QDATA]), (value.scale, state[key + SCALE])) if is_int8(value) \
                else ((value, state[key]),)
            for target, source in parts:
                if target.shape != source.shape:
                    raise ValueError(f"the saved {key!r} is {list(source.shape)}, the model's {list(target.shape)}")
                target.copy_(source.to(target.dtype))
