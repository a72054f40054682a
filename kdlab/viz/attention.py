"""Attention maps as the Attention page shows them: per layer and head or averaged over heads, the CLS token's
view laid back on the image or the words, and the β term for one input.
"""
from __future__ import annotations

import numpy as np
import torch

from ..losses.attention import activation_attention_loss, attention_map_loss


def _tensor(values) -> torch.Tensor:
    return torch.as_tensor(values).detach().cpu()


def head_average(attention) -> np.ndarray:
    """``[heads, Q, K]`` (or ``[B, heads, Q, K]``) -> ``[Q, K]`` (or ``[B, Q, K]``), the mean over heads.

    Heads are unordered and each attends to something different; their mean is still a distribution over keys
    (every row sums to 1) and is the one map that can be compared across models with different head counts.
    """
    return _tensor(attention).float().mean(-3).numpy()


def cls_attention_grid(attention_map, grid_hw: tuple[int, int]) -> np.ndarray:
    """A ViT's ``[Q, K]`` map -> ``[h, w]``: where the CLS token (query 0) looks among the patches (keys 1..).

    The classifier reads only the CLS token, so its row says which patches fed the answer. The share CLS keeps for
    itself is not a place in the image, so the patch weights are renormalised to sum to 1.
    """
    row = _tensor(attention_map).float()[0, 1:]
    h, w = grid_hw
    if row.numel() != h * w:
        raise ValueError(f"the map has {row.numel()} patch keys, which is not a {h}x{w} grid")
    return (row / row.sum().clamp(min=1e-12)).reshape(h, w).numpy()


def patch_grid(num_patches: int, image_hw: tuple[int, int]) -> tuple[int, int]:
    """How a ViT's ``num_patches`` keys tile an ``H × W`` image: the ``(h, w)`` grid of square patches.

    A map of patch keys is a flat list; to lay it back on the picture we need its shape, which the patch size
    fixes (``h = H / p``, ``w = W / p``). The largest grid that fits is taken (the smallest patch).
    """
    height, width = image_hw
    for patch in range(1, min(height, width) + 1):
        if height % patch == 0 and width % patch == 0 and (height // patch) * (width // patch) == num_patches:
            return height // patch, width // patch
    raise ValueError(f"{num_patches} patches do not tile a {height}x{width} image with square patches")


def attention_map(attentions, layer: int, head: int | None = None, sample: int = 0) -> np.ndarray:
    """One ``[Q, K]`` map from a transformer's per-layer ``[B, heads, Q, K]`` list: head ``head`` of layer ``layer``
    for one sample, or with ``head=None`` the mean over heads (``head_average``), the one view that compares two
    models with different head counts."""
    maps = _tensor(attentions[layer])[sample]
    return head_average(maps) if head is None else maps[head].float().numpy()


def attention_term(kind: str | None, student, teacher) -> float | None:
    """The unweighted attention-transfer loss ``L_att`` (the term β multiplies) between two models' outputs
    (``ModelOutput``) on the same input: MSE of softmax maps for transformers (``"tokens"``), distance of
    normalised activation maps for CNNs (``"spatial"``), exactly as training computes it (``kdlab.losses.attention``).
    None when the pair has no maps of one kind to compare. Zero means the student looks exactly where the teacher
    looks; it raises ValueError when two transformers see different numbers of tokens."""
    with torch.no_grad():
        if kind == "tokens" and student.attentions and teacher.attentions:
            return attention_map_loss(student.attentions, teacher.attentions, student.token_mask).item()
        if kind == "spatial" and student.activation_maps and teacher.activation_maps:
            return activation_attention_loss(student.activation_maps, teacher.activation_maps).item()
    return None


def decode_tokens(ids, vocab: list[str]) -> list[str]:
    """Token ids -> the words a text model actually read: padding (id 0) dropped, unknown words shown as ``<unk>``.

    Showing ``<unk>`` rather than the typed word is deliberate: it is what the model saw, so a learner can tell
    why an attention map ignores a word it never learned.
    """
    return [vocab[i] for i in _tensor(ids).long().tolist() if i != 0]
