"""Named presets: an architecture plus knobs, in teacher/student pairs, so a user can pick "resnet-20 -> resnet-8"
without knowing the knobs. One line each; ``build_model`` accepts a preset wherever it takes an architecture."""
from __future__ import annotations

from .base import register_preset

register_preset("mlp-large", "mlp", "MLP, 3 hidden layers of 512", hidden=512, depth=3)
register_preset("mlp-small", "mlp", "MLP, 1 hidden layer of 32", hidden=32, depth=1)
register_preset("cnn-large", "cnn", "CNN, 3 stages of 2 convs from 32 channels", width=32, stages=3, convs=2)
register_preset("cnn-small", "cnn", "CNN, 2 stages of 1 conv from 8 channels", width=8, stages=2, convs=1)
register_preset("resnet-20", "resnet", "CIFAR ResNet-20, 16 channels", depth=20)
register_preset("resnet-8", "resnet", "CIFAR ResNet-8, 8 channels", depth=8, width=8)
register_preset("vit-small", "vit", "ViT, 4 layers, dim 64, 4 heads", dim=64, depth=4, heads=4)
register_preset("vit-tiny", "vit", "ViT, 2 layers, dim 32, 2 heads", dim=32, depth=2, heads=2)
register_preset("transformer-small", "transformer", "text transformer, 4 layers, dim 64, 4 heads", dim=64, depth=4,
                heads=4)
register_preset("transformer-tiny", "transformer", "text transformer, 1 layer, dim 32, 2 heads", dim=32, depth=1,
                heads=2)
register_preset("lstm-small", "lstm", "bidirectional LSTM, 1 layer, dim 64", dim=64, layers=1)
