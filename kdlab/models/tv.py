"""torchvision's ResNet-18 and MobileNetV3-small, trained from scratch and re-cut into stages.

Both are built with ``weights=None`` (nothing is ever downloaded) and adapted to kdlab's small images: the first
convolution becomes 3x3 with stride 1 and takes the dataset's channel count, and ResNet-18 loses its max-pool, so
an 8x8 digit is not shrunk to 2x2 before the first block. Their blocks are then regrouped into stages at every
downsampling block and run by ``StagedNet``, which returns an activation map per stage.
"""
from __future__ import annotations

from torch import nn

from ..errors import UserError
from .base import InputSpec, register_model
from .resnet import StagedNet


def small_input_conv(first: nn.Conv2d, in_channels: int) -> nn.Conv2d:
    """A 3x3, stride-1 replacement for a network's first convolution, initialised as torchvision initialises
    its convolutions (Kaiming normal, fan-out)."""
    conv = nn.Conv2d(in_channels, first.out_channels, 3, stride=1, padding=1, bias=False)
    nn.init.kaiming_normal_(conv.weight, mode="fan_out", nonlinearity="relu")
    return conv


def split_at_downsampling(blocks: list[nn.Module]) -> list[nn.Module]:
    """Group consecutive blocks into stages, a new stage starting at each block that has a strided convolution."""
    stages: list[list[nn.Module]] = []
    for block in blocks:
        downsamples = any(isinstance(m, nn.Conv2d) and m.stride != (1, 1) for m in block.modules())
        if downsamples or not stages:
            stages.append([])
        stages[-1].append(block)
    return [nn.Sequential(*stage) for stage in stages]


@register_model("resnet18", modalities=("image",), attention="spatial",
                summary="torchvision ResNet-18 from scratch, stem adapted to small images; no knobs")
def resnet18(spec: InputSpec) -> nn.Module:
    from torchvision import models  # deferred: torchvision takes seconds to import

    net = models.resnet18(weights=None, num_classes=spec.num_classes)
    stem = nn.Sequential(small_input_conv(net.conv1, spec.input_shape[0]), net.bn1, net.relu)
    blocks = [*net.layer1, *net.layer2, *net.layer3, *net.layer4]
    return StagedNet(stem, split_at_downsampling(blocks), net.fc)


@register_model("mobilenet_v3_small", modalities=("image",), attention="spatial",
                summary="torchvision MobileNetV3-small from scratch, stride-1 stem; knobs width (multiplier), "
                        "dropout")
def mobilenet_v3_small(spec: InputSpec, width: float = 1.0, dropout: float = 0.2) -> nn.Module:
    if width <= 0:
        raise UserError("model.mobilenet", "mobilenet_v3_small width must be > 0, got {width}", width=width)
    from torchvision import models  # deferred: torchvision takes seconds to import

    net = models.mobilenet_v3_small(weights=None, num_classes=spec.num_classes, width_mult=width, dropout=dropout)
    stem = net.features[0]
    stem[0] = small_input_conv(stem[0], spec.input_shape[0])
    hidden, activation, drop, linear = net.classifier
    return StagedNet(stem, split_at_downsampling(list(net.features[1:])), nn.Sequential(drop, linear),
                     neck=nn.Sequential(hidden, activation))
