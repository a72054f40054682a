"""Transformers written out by hand, so that every layer's softmax attention can be returned for attention
distillation: a ViT for images and a small text encoder for tokens, both on one pre-norm encoder block."""
from __future__ import annotations

import math

import torch
from torch import nn

from ..errors import UserError
from .base import InputSpec, ModelOutput, register_model


class SelfAttention(nn.Module):
    """Multi-head self-attention that computes ``softmax(Q Kᵀ / √d_head)`` explicitly (no fused kernel), because
    the maps themselves are an output. Keys where ``pad_mask`` is True get exactly zero attention."""

    def __init__(self, dim: int, heads: int, dropout: float):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, pad_mask: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        batch, length, dim = x.shape
        q, k, v = self.qkv(x).view(batch, length, 3, self.heads, dim // self.heads).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-2, -1) / math.sqrt(dim // self.heads)
        if pad_mask is not None:
            scores = scores.masked_fill(pad_mask[:, None, None, :], float("-inf"))
        attention = scores.softmax(-1)
        mixed = (self.dropout(attention) @ v).transpose(1, 2).reshape(batch, length, dim)
        return self.proj(mixed), attention


class EncoderBlock(nn.Module):
    """Pre-norm block, ``x + attn(norm(x))`` then ``x + mlp(norm(x))``: pre-norm trains without a warm-up, which
    matters for short classroom runs."""

    def __init__(self, dim: int, heads: int, mlp_ratio: float, dropout: float):
        super().__init__()
        hidden = round(dim * mlp_ratio)
        self.attn_norm = nn.LayerNorm(dim)
        self.attn = SelfAttention(dim, heads, dropout)
        self.mlp_norm = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Dropout(dropout),
                                 nn.Linear(hidden, dim), nn.Dropout(dropout))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, pad_mask: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        mixed, attention = self.attn(self.attn_norm(x), pad_mask)
        x = x + self.dropout(mixed)
        return x + self.mlp(self.mlp_norm(x)), attention


class Encoder(nn.Module):
    """What the ViT and the text transformer share: a CLS token, learned positions, the blocks and a linear head
    on the final CLS state. Subclasses only turn their input into ``[B, L, dim]`` embeddings."""

    def __init__(self, spec: InputSpec, length: int, dim: int, depth: int, heads: int, mlp_ratio: float,
                 dropout: float):
        super().__init__()
        if dim < 1 or depth < 1 or heads < 1 or dim % heads:
            raise UserError("model.transformer", "a transformer needs dim, depth, heads >= 1 and dim divisible by "
                            "heads, got dim={dim}, depth={depth}, heads={heads}", dim=dim, depth=depth, heads=heads)
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.positions = nn.Parameter(torch.randn(1, 1 + length, dim) * 0.02)
        self.dropout = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(EncoderBlock(dim, heads, mlp_ratio, dropout) for _ in range(depth))
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, spec.num_classes)

    def encode(self, tokens: torch.Tensor, pad_mask: torch.Tensor | None = None) -> ModelOutput:
        """``tokens``: ``[B, L, dim]``; ``pad_mask``: ``[B, L]``, True where a token is padding."""
        x = torch.cat([self.cls.expand(len(tokens), -1, -1), tokens], 1) + self.positions[:, : 1 + tokens.shape[1]]
        if pad_mask is not None:
            pad_mask = torch.cat([pad_mask.new_zeros(len(pad_mask), 1), pad_mask], 1)
        x = self.dropout(x)
        attentions, states = [], []
        for block in self.blocks:
            x, attention = block(x, pad_mask)
            attentions.append(attention)
            states.append(x)
        embedding = self.norm(x[:, 0])
        features = {"mid": states[(len(states) - 1) // 2], "embedding": embedding}
        return ModelOutput(self.head(embedding), features, attentions=attentions,
                           token_mask=None if pad_mask is None else ~pad_mask)


def default_patch(height: int, width: int) -> int:
    """The smallest common divisor ``p`` of height and width giving at most 16 patches (8x8 digits -> 2,
    28x28 -> 7, 32x32 -> 8): few enough tokens that an attention map reads at a glance and CPU training stays
    quick. Falls back to their greatest common divisor."""
    common = math.gcd(height, width)
    return next((p for p in range(1, common + 1)
                 if common % p == 0 and (height // p) * (width // p) <= 16), common)


class ViT(Encoder):
    """Vision transformer (Dosovitskiy et al. 2021): non-overlapping ``patch`` x ``patch`` patches, each
    linearly embedded by a stride-``patch`` convolution, become the tokens."""

    def __init__(self, spec: InputSpec, dim: int = 64, depth: int = 4, heads: int = 4, patch: int | None = None,
                 mlp_ratio: float = 2.0, dropout: float = 0.0):
        channels, height, width = spec.input_shape
        patch = default_patch(height, width) if patch is None else patch
        if patch < 1 or height % patch or width % patch:
            raise UserError("model.vit_patch", "vit patch must divide the image size {height} × {width}, got {patch}",
                            height=height, width=width, patch=patch)
        super().__init__(spec, (height // patch) * (width // patch), dim, depth, heads, mlp_ratio, dropout)
        self.patch_embed = nn.Conv2d(channels, dim, patch, stride=patch)

    def forward(self, x: torch.Tensor) -> ModelOutput:
        return self.encode(self.patch_embed(x).flatten(2).transpose(1, 2))


class TextTransformer(Encoder):
    """A BERT-style classifier on token ids; padding (id 0) is masked out as keys so it never draws attention."""

    def __init__(self, spec: InputSpec, dim: int = 64, depth: int = 4, heads: int = 4, mlp_ratio: float = 2.0,
                 dropout: float = 0.0):
        super().__init__(spec, spec.input_shape[0], dim, depth, heads, mlp_ratio, dropout)
        self.embed = nn.Embedding(spec.vocab_size, dim, padding_idx=0)

    def forward(self, x: torch.Tensor) -> ModelOutput:
        return self.encode(self.embed(x), pad_mask=x == 0)


@register_model("vit", modalities=("image",), attention="tokens",
                summary="vision transformer on image patches; knobs dim, depth, heads, patch, mlp_ratio, dropout")
def vit(spec: InputSpec, **knobs) -> nn.Module:
    return ViT(spec, **knobs)


@register_model("transformer", modalities=("tokens",), attention="tokens",
                summary="transformer encoder on token ids; knobs dim, depth, heads, mlp_ratio, dropout")
def transformer(spec: InputSpec, **knobs) -> nn.Module:
    return TextTransformer(spec, **knobs)
