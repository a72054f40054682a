"""Multi-layer perceptron: the classic small student. It takes any modality: images and points are flattened,
token ids are embedded and averaged (a bag of words)."""
from __future__ import annotations

import math

import torch
from torch import nn

from ..errors import UserError
from .base import InputSpec, ModelOutput, register_model


class MLP(nn.Module):
    def __init__(self, spec: InputSpec, hidden: int = 256, depth: int = 2, embed_dim: int = 64,
                 dropout: float = 0.0):
        super().__init__()
        if hidden < 1 or depth < 1:
            raise UserError("model.mlp", "mlp needs hidden >= 1 and depth >= 1, got hidden={hidden}, depth={depth}",
                            hidden=hidden, depth=depth)
        self.embed = nn.Embedding(spec.vocab_size, embed_dim, padding_idx=0) if spec.modality == "tokens" else None
        width_in = embed_dim if self.embed is not None else math.prod(spec.input_shape)
        self.hidden = nn.ModuleList()
        for _ in range(depth):
            self.hidden.append(nn.Sequential(nn.Linear(width_in, hidden), nn.ReLU(), nn.Dropout(dropout)))
            width_in = hidden
        self.head = nn.Linear(hidden, spec.num_classes)

    def forward(self, x: torch.Tensor) -> ModelOutput:
        if self.embed is not None:
            mask = (x != 0).unsqueeze(-1).float()
            h = (self.embed(x) * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        else:
            h = x.flatten(1)
        states = []
        for layer in self.hidden:
            h = layer(h)
            states.append(h)
        mid = states[(len(states) - 1) // 2]
        return ModelOutput(self.head(h), {"mid": mid, "embedding": h})


@register_model("mlp", modalities=("image", "points", "tokens"), attention=None,
                summary="fully connected layers; knobs hidden (width), depth (hidden layers)")
def mlp(spec: InputSpec, **knobs) -> nn.Module:
    return MLP(spec, **knobs)
