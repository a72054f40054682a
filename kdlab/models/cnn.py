"""A plain VGG-style CNN whose width and depth are knobs: the default image teacher."""
from __future__ import annotations

import torch
from torch import nn

from ..errors import UserError
from .base import InputSpec, ModelOutput, register_model


def activation_map(a: torch.Tensor) -> torch.Tensor:
    """Spatial attention of a ``[B, C, H, W]`` activation: the channel mean of squares (attention transfer)."""
    return a.pow(2).mean(1)


class CNN(nn.Module):
    """``stages`` blocks of conv-BN-ReLU (``convs`` per block) then 2x2 max-pool; channels double each stage."""

    def __init__(self, spec: InputSpec, width: int = 32, stages: int = 2, convs: int = 1, dropout: float = 0.0):
        super().__init__()
        if width < 1 or stages < 1 or convs < 1:
            raise UserError("model.cnn", "cnn needs width, stages and convs >= 1, got {width}, {stages}, {convs}",
                            width=width, stages=stages, convs=convs)
        channels, blocks = spec.input_shape[0], []
        for stage in range(stages):
            out = width * 2**stage
            layers: list[nn.Module] = []
            for _ in range(convs):
                layers += [nn.Conv2d(channels, out, 3, padding=1, bias=False), nn.BatchNorm2d(out), nn.ReLU()]
                channels = out
            blocks.append(nn.Sequential(*layers))
        self.stages = nn.ModuleList(blocks)
        self.pool = nn.MaxPool2d(2, ceil_mode=True)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(channels, spec.num_classes))

    def forward(self, x: torch.Tensor) -> ModelOutput:
        maps, states = [], []
        for i, stage in enumerate(self.stages):
            x = stage(x)
            states.append(x)
            maps.append(activation_map(x))
            if i < len(self.stages) - 1:
                x = self.pool(x)
        embedding = x.mean((2, 3))
        features = {"mid": states[(len(states) - 1) // 2], "embedding": embedding}
        return ModelOutput(self.head(embedding), features, activation_maps=maps)


@register_model("cnn", modalities=("image",), attention="spatial",
                summary="conv-BN-ReLU stages; knobs width (first channels), stages, convs (per stage)")
def cnn(spec: InputSpec, **knobs) -> nn.Module:
    return CNN(spec, **knobs)
