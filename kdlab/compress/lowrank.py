"""Low-rank factorisation of Linear and 1×1 conv layers by truncated SVD.

A weight ``W`` (out × in) is replaced by two thinner layers, ``W ≈ A·B`` with ``A = U_r·√S_r`` (out × r) and
``B = √S_r·V_rᵀ`` (r × in), the best rank-r approximation in the Frobenius norm (Eckart–Young). It costs
``r·(in + out)`` weights instead of ``in·out``, so a layer is factorised only where that is fewer: a rank at or
above ``in·out / (in + out)`` would make it bigger, and the layer is left whole. The rank is given, or chosen per
layer as the smallest keeping a fraction ``energy`` of ``Σσ²`` (of the squared Frobenius norm).
"""
from __future__ import annotations

import torch
from torch import nn


def _factorisable(model: nn.Module) -> list[tuple[str, nn.Module]]:
    return [(name, m) for name, m in model.named_modules()
            if type(m) is nn.Linear or (type(m) is nn.Conv2d and m.kernel_size == (1, 1) and m.groups == 1
                                        and m.stride == (1, 1) and m.padding in ((0, 0), "valid"))]


def _matrix(layer: nn.Module) -> torch.Tensor:
    return layer.weight.detach().flatten(1).float()  # a 1×1 conv's [out, in, 1, 1] as [out, in]


def rank_for_energy(singular_values: torch.Tensor, energy: float) -> int:
    """The smallest r with ``Σ_{i<r} σ_i² ≥ energy · Σ σ_i²``."""
    share = singular_values.square().cumsum(0) / singular_values.square().sum().clamp(min=1e-30)
    return int((share < energy - 1e-9).sum().item()) + 1


def factorise(model: nn.Module, rank: int | None = None, energy: float | None = None) -> dict[str, int]:
    """Replace each factorisable layer by its rank-r pair, in place, where that saves weights; returns the rank
    kept per replaced layer (the plan ``reshape_factorised`` rebuilds). ``ValueError`` when nothing can shrink."""
    plan = {}
    for name, layer in _factorisable(model):
        out_size, in_size = _matrix(layer).shape
        u, s, vh = torch.linalg.svd(_matrix(layer), full_matrices=False)
        r = min(rank if rank is not None else rank_for_energy(s, energy), len(s))
        if r * (in_size + out_size) >= in_size * out_size:
            continue
        root = s[:r].sqrt()
        pair = _pair(layer, r)
        with torch.no_grad():
            pair[0].weight.copy_((root[:, None] * vh[:r]).reshape(pair[0].weight.shape))
            pair[1].weight.copy_((u[:, :r] * root).reshape(pair[1].weight.shape))
            if layer.bias is not None:
                pair[1].bias.copy_(layer.bias)
        _replace(model, name, pair)
        plan[name] = r
    if not plan:
        what = f"rank {rank}" if rank is not None else f"energy {energy}"
        raise ValueError(f"low-rank factorisation at {what} would shrink no layer: every Linear/1×1 conv layer is "
                         "already that thin (a rank-r pair costs r·(in + out) weights); choose a lower rank")
    return plan


def factorisable_sizes(model: nn.Module) -> dict[str, tuple[int, int]]:
    """``(out, in)`` of each layer ``factorise`` may replace (read from the module, so a "meta" model will do)."""
    return {name: (m.weight.shape[0], m.weight.shape[1]) for name, m in _factorisable(model)}


def reshape_factorised(model: nn.Module, plan: dict[str, int]) -> None:
    """Shape a fresh model like a factorised one (its weights are loaded afterwards)."""
    for name, layer in _factorisable(model):
        if name in plan:
            _replace(model, name, _pair(layer, plan[name]))


def _pair(layer: nn.Module, r: int) -> nn.Sequential:
    if isinstance(layer, nn.Linear):
        return nn.Sequential(nn.Linear(layer.in_features, r, bias=False),
                             nn.Linear(r, layer.out_features, bias=layer.bias is not None))
    return nn.Sequential(nn.Conv2d(layer.in_channels, r, 1, bias=False),
                         nn.Conv2d(r, layer.out_channels, 1, bias=layer.bias is not None))


def _replace(model: nn.Module, name: str, module: nn.Module) -> None:
    parent, _, leaf = name.rpartition(".")
    setattr(model.get_submodule(parent) if parent else model, leaf, module)
