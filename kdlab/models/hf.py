"""A Hugging Face causal language model as a teacher (``--teacher hf:NAME_OR_FOLDER``): ``AutoModelForCausalLM`` and
its tokenizer, read from a folder saved with ``save_pretrained`` (or from the hub where the network allows), used
as they are: in eval mode, no gradient, never trained or cached by kdlab.

The run's text is encoded with the teacher's tokenizer (registered as this model's ``tokenizer``: ``kdlab.run_data``),
so the student, a kdlab GPT, is built on the same vocabulary and their next-token distributions compare token for
token. The output is kdlab's ``ModelOutput``: per-position logits (cut to the tokenizer's vocabulary, which a model
may pad), the middle and last hidden states as features, and the attention maps when asked.

Sized like any teacher: admission builds it on PyTorch's "meta" device, where this factory reads only the model's
``config.json`` and allocates nothing, so the server's parameter cap refuses a model too large before its weights
are read. ``transformers`` is imported only here and only when such a model is built.
"""
from __future__ import annotations

import torch
from torch import nn

from ..data.tokenizers import hf_tokenizer
from .base import InputSpec, ModelOutput, register_model

PREFIX = "hf:"  # ``--teacher hf:FOLDER`` is the model ``hf`` with the knob ``source=FOLDER``


class HuggingFaceLM(nn.Module):
    """``AutoModelForCausalLM`` from ``source``, answering with a ``ModelOutput``; always in eval mode."""

    def __init__(self, source: str, vocab_size: int):
        super().__init__()
        from transformers import AutoConfig, AutoModelForCausalLM  # only where a Hugging Face model is used

        try:
            config = AutoConfig.from_pretrained(source)
            on_meta = torch.empty(0).device.type == "meta"  # being sized: the architecture, no weights read
            self.model = (AutoModelForCausalLM.from_config(config) if on_meta
                          else AutoModelForCausalLM.from_pretrained(source))
        except (OSError, ValueError) as err:
            raise ValueError(f"cannot load a Hugging Face causal language model from {source[:200]!r}: "
                             f"{str(err).splitlines()[0][:200]}") from None
        self.vocab_size = vocab_size
        self.context = getattr(config, "n_positions", None) or getattr(config, "max_position_embeddings", None)
        self.model.requires_grad_(False)
        self.eval()

    def train(self, mode: bool = True) -> "HuggingFaceLM":
        """A teacher used as it is: dropout stays off whatever asks for training mode."""
        return super().train(False)

    def forward(self, x: torch.Tensor, attentions: bool = False) -> ModelOutput:
        """``x``: token ids ``[B, L]``; padding sits at the end, after every real token, so the causal mask keeps
        it out of every real position's view (and no loss or measure counts a padded position)."""
        with torch.no_grad():  # not inference_mode: its tensors could not be saved for the student's backward pass
            out = self.model(input_ids=x, output_hidden_states=True, output_attentions=attentions)
        states = out.hidden_states
        features = {"mid": states[len(states) // 2], "embedding": states[-1]}
        maps = list(out.attentions) if attentions and out.attentions is not None else []
        return ModelOutput(out.logits[..., :self.vocab_size], features, attentions=maps)


def _check_source(source) -> str:
    if not isinstance(source, str) or not source.strip():
        raise ValueError("a Hugging Face teacher needs its folder or hub name: --teacher hf:FOLDER_OR_NAME "
                         "(teacher_kw source=...)")
    return source


def _tokenizer(source: str = "", **_):
    return hf_tokenizer(_check_source(source))


@register_model("hf", modalities=("sequence",), attention=None, pretrained=True, tokenizer=_tokenizer,
                text_knobs=("source",),
                summary="a Hugging Face causal language model (knob source: a folder or hub name), a teacher used "
                        "as it is")
def hugging_face(spec: InputSpec, source: str = "") -> nn.Module:
    return HuggingFaceLM(_check_source(source), spec.vocab_size)
