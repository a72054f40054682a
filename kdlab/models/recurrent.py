"""A (bi)LSTM text classifier: the recurrent student to distil a transformer into."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ..errors import UserError
from .base import InputSpec, ModelOutput, register_model


class LSTMClassifier(nn.Module):
    """Embedding, LSTM, then the mean of the token states over non-padding positions.

    Sequences are packed by length, so padding never enters the recurrence (a backward LSTM would otherwise read
    the padding first); this assumes right-padded ids, with id 0 only after the last real token.
    """

    def __init__(self, spec: InputSpec, dim: int = 64, layers: int = 1, bidirectional: bool = True):
        super().__init__()
        if dim < 1 or layers < 1:
            raise UserError("model.lstm", "lstm needs dim >= 1 and layers >= 1, got dim={dim}, layers={layers}", dim=dim,
                            layers=layers)
        self.embed = nn.Embedding(spec.vocab_size, dim, padding_idx=0)
        self.lstm = nn.LSTM(dim, dim, num_layers=layers, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(dim * (2 if bidirectional else 1), spec.num_classes)

    def forward(self, x: torch.Tensor) -> ModelOutput:
        mask = x != 0
        lengths = mask.sum(1).clamp(min=1).cpu()
        packed = pack_padded_sequence(self.embed(x), lengths, batch_first=True, enforce_sorted=False)
        states, _ = pad_packed_sequence(self.lstm(packed)[0], batch_first=True, total_length=x.shape[1])
        weights = mask.unsqueeze(-1).to(states.dtype)
        embedding = (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return ModelOutput(self.head(embedding), {"mid": states, "embedding": embedding})


@register_model("lstm", modalities=("tokens",), attention=None,
                summary="LSTM over token ids, mean-pooled; knobs dim, layers, bidirectional")
def lstm(spec: InputSpec, **knobs) -> nn.Module:
    return LSTMClassifier(spec, **knobs)
