"""The CIFAR ResNet of He et al. (2016, section 4.2), the usual teacher/student pair in distillation papers
(resnet-20 -> resnet-8), and ``StagedNet``, the stem-stages-head forward shared with the torchvision models."""
from __future__ import annotations

import torch
from torch import nn

from ..errors import UserError
from .base import InputSpec, ModelOutput, register_model
from .cnn import activation_map


class StagedNet(nn.Module):
    """A convolutional net cut into stages, so that each stage's output gives an activation map.

    ``stem`` -> ``stages`` -> global average pool -> ``neck`` (the embedding) -> ``classifier``. The ``"mid"``
    feature is the output of the middle stage (the second of three or four).
    """

    def __init__(self, stem: nn.Module, stages: list[nn.Module], classifier: nn.Module,
                 neck: nn.Module | None = None):
        super().__init__()
        self.stem = stem
        self.stages = nn.ModuleList(stages)
        self.neck = neck if neck is not None else nn.Identity()
        self.classifier = classifier

    def forward(self, x: torch.Tensor) -> ModelOutput:
        x = self.stem(x)
        states = []
        for stage in self.stages:
            x = stage(x)
            states.append(x)
        embedding = self.neck(x.mean((2, 3)))
        features = {"mid": states[(len(states) - 1) // 2], "embedding": embedding}
        return ModelOutput(self.classifier(embedding), features, activation_maps=[activation_map(s) for s in states])


def cifar_resnet(spec: InputSpec, depth: int = 20, width: int = 16) -> StagedNet:
    """Three stages of ``(depth - 2) / 6`` basic blocks with ``width``, ``2 width`` and ``4 width`` channels,
    stride 2 entering stages 2 and 3. A 1x1 convolution projects the shortcut where the shape changes (the
    paper's option B)."""
    if depth < 8 or (depth - 2) % 6:
        raise UserError("model.resnet_depth", "resnet depth must be 6n+2 with n >= 1 (8, 14, 20, 32, 44, 56, 110), got "
                        "{depth}", depth=depth)
    if width < 1:
        raise UserError("model.resnet_width", "resnet width must be >= 1, got {width}", width=width)
    from torchvision.models.resnet import BasicBlock  # deferred: torchvision takes seconds to import

    stem = nn.Sequential(nn.Conv2d(spec.input_shape[0], width, 3, padding=1, bias=False), nn.BatchNorm2d(width),
                         nn.ReLU(inplace=True))
    channels, stages = width, []
    for stage in range(3):
        out, stride, blocks = width * 2**stage, 1 if stage == 0 else 2, []
        for _ in range((depth - 2) // 6):
            shortcut = None
            if stride != 1 or channels != out:
                shortcut = nn.Sequential(nn.Conv2d(channels, out, 1, stride=stride, bias=False), nn.BatchNorm2d(out))
            blocks.append(BasicBlock(channels, out, stride, shortcut))
            channels, stride = out, 1
        stages.append(nn.Sequential(*blocks))
    return StagedNet(stem, stages, nn.Linear(channels, spec.num_classes))


@register_model("resnet", modalities=("image",), attention="spatial",
                summary="CIFAR-style ResNet, 3 stages of basic blocks; knobs depth (6n+2), width (first channels)")
def resnet(spec: InputSpec, **knobs) -> nn.Module:
    return cifar_resnet(spec, **knobs)
