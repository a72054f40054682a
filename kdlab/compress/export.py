"""A student (or a compressed variant) out of kdlab: as safetensors, and as ONNX checked with onnxruntime.

The safetensors file is self-describing (like nanoGPT's checkpoints): its header metadata holds the recipe — the
architecture, its knobs, the input it reads and the compression steps with their plans — so ``rebuild`` makes the
same modules from nothing and loads the tensors strictly. safetensors holds only tensors and a JSON header: loading
one runs no code, unlike a pickle. The ONNX export is checked by running the file with onnxruntime on the test set
and counting how often its predicted class is PyTorch's (``onnx_agreement``).
"""
from __future__ import annotations

import contextlib
import io
import json
import warnings

import torch
from torch import nn

from ..models import InputSpec, LogitsOnly, build_model
from .lowrank import reshape_factorised
from .prune import shrink
from .quantize import is_int8, load_plain_state, plain_state, quantize_int8
from .recipe import RecipeCaps, check_recipe

FORMAT = "kdlab-model/1"
ONNX_CHUNK = 512


def _module(name: str, pip: str):
    try:
        return __import__(name, fromlist=["_"])
    except ImportError:
        raise ValueError(f"this export needs {pip.split('==')[0]}: pip install {pip}") from None


def recipe_of(model_name: str, model_kw: dict, spec: InputSpec, steps: list[dict]) -> dict:
    """What ``rebuild`` needs: the architecture and its knobs, the input it reads, the compression steps."""
    return {"format": FORMAT, "model": model_name, "model_kw": dict(model_kw),
            "input": {"modality": spec.modality, "input_shape": list(spec.input_shape),
                      "num_classes": spec.num_classes, "vocab_size": spec.vocab_size}, "steps": list(steps)}


def to_safetensors(model: nn.Module, recipe: dict) -> bytes:
    """The model's weights (an int8 weight as its integers and scales) with the recipe in the header."""
    save = _module("safetensors.torch", "safetensors==0.8.0").save
    return save(plain_state(model), metadata={"kdlab": json.dumps(recipe, separators=(",", ":"))})


def read_safetensors(data: bytes, caps: RecipeCaps) -> tuple[dict[str, torch.Tensor], dict, InputSpec]:
    """The tensors, the recipe and the input of a kdlab safetensors file; ``ValueError`` for anything else. The
    header is read and its recipe checked (``check_recipe``) before any tensor is loaded."""
    load = _module("safetensors.torch", "safetensors==0.8.0").load
    try:
        metadata = _metadata(bytes(data))
    except Exception as err:  # noqa: BLE001  (a damaged header: bad length, bad JSON, not a mapping)
        raise ValueError(f"not a safetensors file ({type(err).__name__}: {str(err)[:200]})") from None
    try:
        recipe = json.loads(metadata["kdlab"])
        assert recipe["format"] == FORMAT
    except (KeyError, ValueError, TypeError, AssertionError):
        raise ValueError("a safetensors file without a kdlab recipe in its header: it cannot be rebuilt") from None
    spec = check_recipe(recipe, caps)
    try:
        state = load(bytes(data))
    except Exception as err:  # noqa: BLE001  (the library raises its own types for a damaged file)
        raise ValueError(f"not a safetensors file ({type(err).__name__}: {str(err)[:200]})") from None
    return state, recipe, spec


def _metadata(data: bytes) -> dict:
    """The ``__metadata__`` of a safetensors header (8-byte little-endian length, then JSON)."""
    length = int.from_bytes(data[:8], "little")
    if not 2 <= length <= len(data) - 8:
        raise ValueError(f"a header of {length:,} bytes in a file of {len(data):,}")
    metadata = json.loads(data[8:8 + length]).get("__metadata__") or {}
    if not isinstance(metadata, dict):
        raise ValueError("its metadata is not a mapping")
    return metadata


def rebuild(data: bytes, caps: RecipeCaps) -> tuple[nn.Module, dict]:
    """The model a kdlab safetensors file holds, in eval mode on the CPU, and its recipe; a recipe that is not
    sound, or asks for more than ``caps``, is refused before anything is allocated."""
    state, recipe, spec = read_safetensors(data, caps)
    model = build_model(recipe["model"], spec, 0, recipe["model_kw"])
    for step in recipe["steps"]:
        if step["step"] == "prune" and step["structured"]:
            shrink(model, step["plan"])
        elif step["step"] == "lowrank":
            reshape_factorised(model, step["plan"])
        elif step["step"] == "int8":
            quantize_int8(model)
    load_plain_state(model, state)
    return model.eval(), recipe


def to_onnx(model: nn.Module, example: torch.Tensor) -> bytes:
    """``torch.onnx.export`` (the dynamo exporter) of the logits, with a dynamic batch dimension."""
    _module("onnxscript", "onnxscript==0.7.2")
    _module("onnx", "onnx==1.23.2")
    if any(is_int8(p) for p in model.parameters()):
        raise ValueError("an int8 (torchao) variant has no ONNX export (its int8 kernels have no ONNX operator); "
                         "export the float student or a pruned or low-rank variant")
    batch = torch.export.Dim("batch", min=1)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            program = torch.onnx.export(LogitsOnly(model.eval()), (example[:3],), dynamo=True, verbose=False,
                                        input_names=["x"], output_names=["logits"], dynamic_shapes=({0: batch},))
    except Exception as err:  # noqa: BLE001  (the exporter's many error types: one line for the page and the CLI)
        raise ValueError(f"this model cannot be exported to ONNX: {str(err).splitlines()[0][:200]}") from None
    proto = program.model_proto
    if proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "":
        raise ValueError("this architecture's ONNX graph came out with a fixed batch size (its forward reads the "
                         "batch size as a number); export the safetensors file instead")
    return proto.SerializeToString()


@torch.no_grad()
def onnx_agreement(onnx_bytes: bytes, model: nn.Module, inputs: torch.Tensor) -> float:
    """The fraction of ``inputs`` on which onnxruntime's predicted class (CPU) equals PyTorch's.

    onnxruntime runs on the threads torch was given (a worker's share of the cores), and its idle threads sleep:
    by default it takes every core and its threads spin between operators, cycles the server needs for its pages."""
    ort = _module("onnxruntime", "onnxruntime==1.31.1")
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = torch.get_num_threads()
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    session = ort.InferenceSession(onnx_bytes, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    same = 0
    model.eval()
    for start in range(0, len(inputs), ONNX_CHUNK):
        chunk = inputs[start:start + ONNX_CHUNK]
        theirs = torch.from_numpy(session.run(None, {name: chunk.numpy()})[0]).argmax(1)
        same += int((model(chunk).logits.argmax(1) == theirs).sum())
    return same / len(inputs)
