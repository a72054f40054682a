"""Magnitude pruning: zero the smallest weights (unstructured), or remove whole neurons and channels (structured).

Unstructured pruning (``torch.nn.utils.prune.l1_unstructured``) zeroes the fraction ``s`` of each Linear/Conv
weight with the smallest |w|. The tensors keep their shape, so a dense CPU kernel does the same work: the saving is
real only in a sparse format or on sparse hardware. Structured pruning removes the fraction ``s`` of the neurons
(rows of a Linear weight) or channels (filters of a conv) of least magnitude — the L2 norm of a neuron's incoming
weights times that of its outgoing ones, since a neuron with large inputs but tiny outputs matters little — and
the matching inputs of the layers that read them, so the layers really shrink and a CPU does less work.

Which neurons may go is read from the model's graph (``torch.fx``): a layer's outputs can be removed only when every
path from them reaches the inputs of Linear/Conv layers through per-channel operations (activations, dropout, batch
norm, pooling, a spatial mean). A residual sum, a reshape or the model's output stops the path, and that layer is
left whole — so the pruned model computes exactly what the full one computes with those neurons at zero.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import fx, nn
from torch.nn.utils import prune as torch_prune

from ..models import LogitsOnly

ELEMENTWISE = (nn.ReLU, nn.ReLU6, nn.GELU, nn.SiLU, nn.Tanh, nn.Sigmoid, nn.LeakyReLU, nn.ELU, nn.Dropout,
               nn.Identity)
SPATIAL = (nn.BatchNorm2d, nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.Dropout2d)  # per channel, 4-D
FUNCTIONS = {F.relu, torch.relu, F.gelu, torch.tanh, torch.sigmoid, F.silu, F.dropout}
METHODS = {"relu", "tanh", "sigmoid"}


def prunable_layers(model: nn.Module) -> list[tuple[str, nn.Module]]:
    return [(n, m) for n, m in model.named_modules() if isinstance(m, (nn.Linear, nn.Conv1d, nn.Conv2d))]


def prune_unstructured(model: nn.Module, sparsity: float) -> None:
    """Zero the ``sparsity`` fraction of smallest-|w| weights of every Linear/Conv layer, in place. The mask is
    folded into the weights at once, so they stay plain parameters: the model copies, saves and fine-tunes like any
    other (``torch.nn.utils.prune`` leaves a computed ``weight`` that ``copy.deepcopy`` refuses), and
    ``zeros_kept`` holds the zeros at zero while it is fine-tuned."""
    for _, module in prunable_layers(model):
        torch_prune.l1_unstructured(module, "weight", amount=sparsity)
        torch_prune.remove(module, "weight")


@contextlib.contextmanager
def zeros_kept(model: nn.Module):
    """While it lasts, a Linear/Conv weight that is exactly zero gets no gradient, so AdamW leaves it at zero (its
    moments stay zero and weight decay scales zero): fine-tuning keeps an unstructured-pruned model as sparse."""
    weights = [module.weight for _, module in prunable_layers(model)]
    handles = [w.register_hook(lambda grad, keep=(w != 0).to(w.dtype): grad * keep) for w in weights]
    try:
        yield model
    finally:
        for handle in handles:
            handle.remove()


def weight_sparsity(model: nn.Module) -> float:
    """The fraction of the Linear/Conv weights that are exactly zero."""
    weights = [getattr(m.weight, "qdata", m.weight) for _, m in prunable_layers(model)]  # int8: its integers
    total = sum(w.numel() for w in weights)
    return sum(int((w == 0).sum()) for w in weights) / total if total else 0.0


@dataclass
class Group:
    """A layer whose outputs may be removed: its norm layers and the layers reading those outputs."""

    producer: str
    norms: list[str]
    consumers: list[str]


def removable_groups(model: nn.Module) -> list[Group]:
    """The layers structured pruning may shrink, read from the traced graph (empty when it cannot be traced)."""
    try:
        graph = fx.symbolic_trace(LogitsOnly(model)).graph
    except Exception:  # noqa: BLE001  (data-dependent control flow: nothing is known to be safe)
        return []
    graph.eliminate_dead_code()
    modules = dict(LogitsOnly(model).named_modules())
    groups = []
    for node in graph.nodes:
        if node.op == "call_module" and _is_layer(modules[node.target]):
            found = _follow(node, modules, spatial=isinstance(modules[node.target], nn.Conv2d))
            if found is not None and found.consumers:
                groups.append(Group(_name(node.target), found.norms, found.consumers))
    return groups


def _is_layer(module: nn.Module) -> bool:
    return type(module) is nn.Linear or (type(module) is nn.Conv2d and module.groups == 1)


def _name(target: str) -> str:
    return target.removeprefix("model.")


def _follow(start: fx.Node, modules: dict, spatial: bool) -> Group | None:
    """Walk every use of ``start``'s output; None as soon as one is not a per-channel step or a layer's input."""
    group, todo, seen = Group("", [], []), [(start, spatial)], set()
    while todo:
        node, is_spatial = todo.pop()
        for user in node.users:
            if (user, is_spatial) in seen:
                continue
            seen.add((user, is_spatial))
            if user.args[:1] != (node,) or user.kwargs.get("input") is not None:
                return None
            module = modules.get(user.target) if user.op == "call_module" else None
            if module is not None and _is_layer(module):
                if isinstance(module, nn.Conv2d) != is_spatial:
                    return None
                group.consumers.append(_name(user.target))
            elif module is not None and isinstance(module, ELEMENTWISE):
                todo.append((user, is_spatial))
            elif module is not None and is_spatial and isinstance(module, SPATIAL):
                if isinstance(module, nn.BatchNorm2d):
                    group.norms.append(_name(user.target))
                todo.append((user, True))
            elif user.op == "call_function" and user.target in FUNCTIONS or user.op == "call_method" and \
                    user.target in METHODS:
                todo.append((user, is_spatial))
            elif is_spatial and user.op == "call_method" and user.target == "mean" and _spatial_dims(user):
                todo.append((user, False))
            else:
                return None
    return group


def _spatial_dims(node: fx.Node) -> bool:
    dims = node.args[1] if len(node.args) > 1 else node.kwargs.get("dim")
    dims = dims if isinstance(dims, (tuple, list)) else (dims,)
    keepdim = node.args[2] if len(node.args) > 2 else node.kwargs.get("keepdim", False)
    return not keepdim and set(dims) in ({2, 3}, {-1, -2})


def prune_structured(model: nn.Module, sparsity: float) -> dict[str, int]:
    """Remove the ``sparsity`` fraction of the weakest neurons/channels (‖in‖·‖out‖) of each removable layer;
    returns how many outputs each shrunk layer keeps (the plan ``shrink`` rebuilds). ``ValueError`` when no layer
    can shrink."""
    groups = removable_groups(model)
    if not groups:
        raise ValueError("structured pruning found no layer whose neurons can be removed safely (every layer feeds "
                         "a residual sum, a reshape or the output); use unstructured pruning for this model")
    keeps = {}
    for group in groups:  # every choice from the full model's weights, before any layer changes
        weight = model.get_submodule(group.producer).weight.detach()
        keep_count = max(1, round((1 - sparsity) * weight.shape[0]))
        outgoing = torch.cat([model.get_submodule(name).weight.detach().transpose(0, 1).flatten(1)
                              for name in group.consumers], 1)
        score = weight.flatten(1).norm(dim=1) * outgoing.norm(dim=1)
        keeps[group.producer] = score.topk(keep_count).indices.sort().values
    for group in groups:
        _apply(model, group, keeps[group.producer])
    return {name: len(keep) for name, keep in keeps.items()}


def shrink(model: nn.Module, plan: dict[str, int]) -> None:
    """Shape a fresh model like a structurally pruned one (its weights are loaded afterwards)."""
    for group in removable_groups(model):
        if group.producer in plan:
            _apply(model, group, torch.arange(plan[group.producer]))


def _apply(model: nn.Module, group: Group, keep: torch.Tensor) -> None:
    producer = model.get_submodule(group.producer)
    _keep_rows(producer, keep, "out_features" if isinstance(producer, nn.Linear) else "out_channels")
    for name in group.norms:
        norm = model.get_submodule(name)
        for attr in ("weight", "bias", "running_mean", "running_var"):
            tensor = getattr(norm, attr)
            if tensor is not None:
                setattr(norm, attr, type(tensor)(tensor.detach()[keep].clone()) if isinstance(tensor, nn.Parameter)
                        else tensor[keep].clone())
        norm.num_features = len(keep)
    for name in group.consumers:
        consumer = model.get_submodule(name)
        consumer.weight = nn.Parameter(consumer.weight.detach()[:, keep].clone())
        setattr(consumer, "in_features" if isinstance(consumer, nn.Linear) else "in_channels", len(keep))


def _keep_rows(layer: nn.Module, keep: torch.Tensor, size_attr: str) -> None:
    layer.weight = nn.Parameter(layer.weight.detach()[keep].clone())
    if layer.bias is not None:
        layer.bias = nn.Parameter(layer.bias.detach()[keep].clone())
    setattr(layer, size_attr, len(keep))
