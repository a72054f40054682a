"""A safetensors file's recipe checked as data before anything is built from it: its schema, then its sizes.

``rebuild`` trusts nothing in a header: a crafted one could name no input, give ``steps`` as a string, ask for a
width of 10⁹, a prune plan that grows a layer, or a step kdlab does not know. ``check_recipe`` reads the recipe's
types and known keys (one ``ValueError`` sentence for the first problem), then builds the model on PyTorch's
"meta" device, which allocates nothing, applies each step's plan there — every planned layer must exist, a prune
plan may only shrink it, a rank must save weights — and counts the parameters and buffers against the caps.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ..checks import is_number
from ..errors import UserError
from ..losses import weight_aliases
from ..models import MODELS, PRESETS, InputSpec, build_model
from .lowrank import factorisable_sizes, reshape_factorised
from .prune import removable_groups, shrink

MODALITIES = ("image", "tokens", "points")
STEP_KEYS = {  # each step's keys: required, then optional
    "int8": (set(), set()),
    "prune": ({"sparsity", "structured"}, {"plan"}),
    "lowrank": ({"plan"}, {"rank", "energy"}),
    "finetune": ({"source", "epochs", "lr"}, {"temperature", "soft", *weight_aliases()}),  # the soft targets'
    # weight, under its older name (alpha) in the recipes of earlier exports
}


@dataclass(frozen=True)
class RecipeCaps:
    """The sizes a recipe may ask for: a model's parameters (and buffers) and any whole number in it (a width, a
    class count, an input dimension, a rank), as the server caps a run's (``ServerSettings.max_model_params`` and
    ``max_model_knob``)."""

    max_params: int
    max_knob: int

    @classmethod
    def of(cls, settings) -> RecipeCaps:
        return cls(settings.max_model_params, settings.max_model_knob)


def _invalid(problem: str) -> UserError:
    """A crafted or damaged file's recipe: what is wrong is for its author, in English (``detail``)."""
    return UserError("recipe.invalid", "this file's recipe cannot be rebuilt: {detail}", detail=problem)


def _require(condition: bool, problem: str) -> None:
    if not condition:
        raise _invalid(problem)


def _whole(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def check_recipe(recipe: dict, caps: RecipeCaps) -> InputSpec:
    """The input the recipe's model reads, once its schema and sizes are known to be sound; ``ValueError``
    otherwise, before any memory is allocated."""
    _require(isinstance(recipe, dict), "it is not a mapping")
    missing = sorted({"model", "model_kw", "input", "steps"} - set(recipe))
    _require(not missing, f"it has no {', '.join(missing)}")
    _require(isinstance(recipe["model"], str) and (recipe["model"] in MODELS or recipe["model"] in PRESETS),
             f"unknown model {str(recipe['model'])[:40]!r}")
    knobs = recipe["model_kw"]
    _require(isinstance(knobs, dict) and all(isinstance(k, str) for k in knobs), "model_kw is not a mapping")
    for key, value in knobs.items():
        _require(isinstance(value, (bool, str)) or is_number(value), f"model knob {key[:40]!r} is not a value")
        _require(not isinstance(value, int) or isinstance(value, bool) or _whole(value, 0, caps.max_knob),
                 f"model knob {key[:40]!r} is {value}, above the cap of {caps.max_knob:,}")
    spec = _input(recipe["input"], caps)
    steps = recipe["steps"]
    _require(isinstance(steps, list), "steps is not a list")
    for step in steps:
        _check_step(step)
    kinds = [step["step"] for step in steps]
    _require(len(set(kinds)) == len(kinds), "a step is repeated (kdlab applies each kind once)")
    try:
        with torch.device("meta"):
            model = build_model(recipe["model"], spec, 0, knobs)
    except Exception as err:  # noqa: BLE001  (any knob value an architecture cannot take)
        reason = str(err).splitlines()[0][:120] if str(err) else type(err).__name__
        raise _invalid(f"{recipe['model']!r} cannot be built with its knobs ({reason})") from None
    _check_size(model, caps)
    for step in steps:
        _apply_on_meta(model, step, caps)
    return spec


def _input(spec, caps: RecipeCaps) -> InputSpec:
    _require(isinstance(spec, dict), "its input is not a mapping")
    _require(spec.get("modality") in MODALITIES, f"input modality must be one of {', '.join(MODALITIES)}")
    shape = spec.get("input_shape")
    _require(isinstance(shape, list) and 1 <= len(shape) <= 3 and all(_whole(d, 1, caps.max_knob) for d in shape),
             f"input_shape must be 1 to 3 whole numbers in 1..{caps.max_knob:,}")
    _require(_whole(spec.get("num_classes"), 2, caps.max_knob), f"num_classes must be in 2..{caps.max_knob:,}")
    _require(_whole(spec.get("vocab_size", 0), 0, caps.max_params), "vocab_size is not a sensible count")
    return InputSpec(spec["modality"], tuple(shape), spec["num_classes"], spec.get("vocab_size", 0))


def _check_step(step) -> None:
    _require(isinstance(step, dict) and isinstance(step.get("step"), str), "a step is not a mapping with a name")
    kind = step["step"]
    _require(kind in STEP_KEYS, f"unknown step {kind[:40]!r} (known: {', '.join(STEP_KEYS)})")
    required, optional = STEP_KEYS[kind]
    keys = set(step) - {"step"}
    _require(required <= keys and keys <= required | optional,
             f"the {kind} step has the keys {sorted(keys)}, expected {sorted(required)} and perhaps {sorted(optional)}")
    if kind == "prune":
        _require(is_number(step["sparsity"]) and 0 <= step["sparsity"] < 1, "a prune step's sparsity is not in [0, 1)")
        _require(isinstance(step["structured"], bool), "a prune step's structured is not true or false")
        _require(step["structured"] == ("plan" in step), "only a structured prune step has a plan")
    if "plan" in step:
        plan = step["plan"]
        _require(isinstance(plan, dict) and all(isinstance(k, str) and _whole(v, 1, 2**31) for k, v in plan.items()),
                 f"the {kind} step's plan is not a mapping of layer names to whole numbers")


def _apply_on_meta(model: nn.Module, step: dict, caps: RecipeCaps) -> None:
    """The step's plan checked against the (meta) model as the earlier steps left it, then applied to it."""
    kind, plan = step["step"], step.get("plan")
    if kind == "prune" and plan is not None:
        sizes = {g.producer: _out_size(model.get_submodule(g.producer)) for g in removable_groups(model)}
        for name, keep in plan.items():
            _require(name in sizes, f"the prune plan names {name[:60]!r}, not a layer that can shrink")
            _require(keep <= sizes[name], f"the prune plan keeps {keep:,} of the {sizes[name]:,} outputs of {name!r}")
        with torch.device("meta"):
            shrink(model, plan)
    elif kind == "lowrank":
        sizes = factorisable_sizes(model)
        for name, rank in plan.items():
            _require(name in sizes, f"the low-rank plan names {name[:60]!r}, not a layer that can be factorised")
            out_size, in_size = sizes[name]
            _require(rank * (in_size + out_size) < in_size * out_size,
                     f"the low-rank plan's rank {rank:,} for {name!r} would not make it smaller")
        with torch.device("meta"):
            reshape_factorised(model, plan)
    _check_size(model, caps)


def _out_size(layer: nn.Module) -> int:
    return layer.out_features if isinstance(layer, nn.Linear) else layer.out_channels


def _check_size(model: nn.Module, caps: RecipeCaps) -> None:
    count = sum(t.numel() for t in (*model.parameters(), *model.buffers()))
    _require(count <= caps.max_params, f"its model has {count:,} parameters, above the cap of {caps.max_params:,}")
