"""A causal transformer language model (GPT; nanoGPT's shape, written small): token and position embeddings,
pre-norm blocks of causal self-attention and an MLP, a final norm, and a head tied to the token embedding.

Its output is per position: ``logits [B, L, V]`` (the next token after each prefix), hidden states ``[B, L, D]``
as features and, when asked (``attentions=True``: the Attention page), every layer's softmax attention
``[B, heads, L, L]``. Training uses ``F.scaled_dot_product_attention`` with the causal mask, which never builds the
maps; asked for them, the same attention is computed explicitly, with the same result.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import UserError
from .base import InputSpec, ModelOutput, register_model, register_preset


class CausalSelfAttention(nn.Module):
    def __init__(self, dim: int, heads: int, dropout: float):
        super().__init__()
        self.heads, self.dropout = heads, dropout
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor, explicit: bool) -> tuple[torch.Tensor, torch.Tensor | None]:
        batch, length, dim = x.shape
        q, k, v = self.qkv(x).view(batch, length, 3, self.heads, dim // self.heads).permute(2, 0, 3, 1, 4)
        p = self.dropout if self.training else 0.0
        if explicit:  # softmax(QKᵀ/√d) with -inf above the diagonal: position i sees positions <= i only
            scores = q @ k.transpose(-2, -1) / math.sqrt(dim // self.heads)
            future = torch.ones(length, length, dtype=torch.bool, device=x.device).triu(1)
            attention = scores.masked_fill(future, float("-inf")).softmax(-1)
            mixed = F.dropout(attention, p) @ v
        else:
            attention, mixed = None, F.scaled_dot_product_attention(q, k, v, dropout_p=p, is_causal=True)
        return self.proj(mixed.transpose(1, 2).reshape(batch, length, dim)), attention


class Block(nn.Module):
    """Pre-norm: ``x + attn(norm(x))``, then ``x + mlp(norm(x))``."""

    def __init__(self, dim: int, heads: int, mlp_ratio: float, dropout: float):
        super().__init__()
        self.attn_norm, self.mlp_norm = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = CausalSelfAttention(dim, heads, dropout)
        hidden = round(dim * mlp_ratio)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim), nn.Dropout(dropout))

    def forward(self, x: torch.Tensor, explicit: bool) -> tuple[torch.Tensor, torch.Tensor | None]:
        mixed, attention = self.attn(self.attn_norm(x), explicit)
        x = x + mixed
        return x + self.mlp(self.mlp_norm(x)), attention


class GPT(nn.Module):
    """``context`` positions (the data's sequence length by default); ``vocab`` tokens from the data."""

    def __init__(self, spec: InputSpec, dim: int = 64, depth: int = 2, heads: int = 4, mlp_ratio: float = 4.0,
                 dropout: float = 0.0, context: int | None = None):
        super().__init__()
        if dim < 1 or depth < 1 or heads < 1 or dim % heads:
            raise UserError("model.gpt", "a GPT needs dim, depth, heads >= 1 and dim divisible by heads, got "
                            "dim={dim}, depth={depth}, heads={heads}", dim=dim, depth=depth, heads=heads)
        self.context = context or spec.input_shape[0]
        self.embed = nn.Embedding(spec.vocab_size, dim)
        self.positions = nn.Embedding(self.context, dim)
        self.blocks = nn.ModuleList(Block(dim, heads, mlp_ratio, dropout) for _ in range(depth))
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, spec.vocab_size, bias=False)
        self.head.weight = self.embed.weight  # tied: one matrix reads and writes tokens (Press & Wolf 2017)
        self.apply(_init)

    def forward(self, x: torch.Tensor, attentions: bool = False) -> ModelOutput:
        """``x``: token ids ``[B, L]`` with ``L <= context``; padding (id 0) sits at the end, after every real
        token, so the causal mask alone keeps it out of every real position's view."""
        positions = torch.arange(x.shape[1], device=x.device)
        h = self.embed(x) + self.positions(positions)
        maps, states = [], []
        for block in self.blocks:
            h, attention = block(h, attentions)
            states.append(h)
            if attention is not None:
                maps.append(attention)
        embedding = self.norm(h)
        features = {"mid": states[(len(states) - 1) // 2], "embedding": embedding}
        return ModelOutput(self.head(embedding), features, attentions=maps, token_mask=x != 0)


def _init(module: nn.Module) -> None:
    """GPT-2's initialisation: N(0, 0.02) weights, zero biases."""
    if isinstance(module, (nn.Linear, nn.Embedding)):
        nn.init.normal_(module.weight, std=0.02)
    if isinstance(module, nn.Linear) and module.bias is not None:
        nn.init.zeros_(module.bias)


@register_model("gpt", modalities=("sequence",), attention=None,
                summary="causal transformer language model; knobs dim, depth, heads, mlp_ratio, dropout, context")
def gpt(spec: InputSpec, **knobs) -> nn.Module:
    return GPT(spec, **knobs)


register_preset("gpt-small", "gpt", "GPT, 4 layers, dim 64, 4 heads (teacher)", dim=64, depth=4, heads=4)
register_preset("gpt-tiny", "gpt", "GPT, 1 layer, dim 32, 2 heads (student)", dim=32, depth=1, heads=2)
