"""Text as a ``sequence`` dataset for language models: character tokens (they work for Chinese as for English, and
need no tokenizer), each sample a window of ids whose targets are the next ids.

Two shapes of corpus: sentences (a generated one, ``tinylang``: one sentence per sample, padded at the end, so the
grammar's truth is defined at every position) and a stream (your own ``.txt``: cut into windows like nanoGPT's
character-level Shakespeare).
"""
from __future__ import annotations

import torch

from ..errors import UserError
from .base import IGNORE_INDEX, PAD, Splits
from .tokenizers import CharTokenizer

VALIDATION_SHARE = 0.1  # the last tenth of the samples: never trained on, by the teacher or the students
# The run settings a language model on a corpus wants (``register_dataset(run_defaults=...)``), measured on 2 CPU
# cores (README, "Language models"): T = 1 (the softmax the model samples with), the teacher sees every training
# sequence and the student a tenth of them, so the teacher knows what the student's data does not show.
# The Distill page also takes the pair from here when the saved one cannot read the corpus.
LANGUAGE_MODEL_DEFAULTS = {"epochs": 40, "teacher_epochs": 8, "batch_size": 32, "lr": 3e-3, "teacher_lr": 3e-3,
                           "temperature": 1.0, "terms": {"soft": 0.9}, "train_fraction": 0.1,
                           "teacher": "gpt-small", "student": "gpt-tiny"}


def char_vocab(characters) -> list[str]:
    """``vocab[i]`` is the character with id i: padding, then the characters sorted (deterministic)."""
    return [PAD, *sorted(set(characters) - {PAD})]


def encode_chars(text: str, vocab: list[str]) -> list[int]:
    ids = {ch: i for i, ch in enumerate(vocab)}
    return [ids[ch] for ch in text]


def decode_ids(ids, vocab: list[str]) -> str:
    """The text of token ids; padding is dropped."""
    return "".join(vocab[i] for i in ids if 0 < i < len(vocab))


def _splits(name: str, x: torch.Tensor, y: torch.Tensor, vocab: list[str], grammar=None, end: str | None = None
            ) -> Splits:
    cut = len(x) - max(1, round(len(x) * VALIDATION_SHARE))
    return Splits(name, x[:cut], y[:cut], x[cut:], y[cut:], list(vocab), "sequence", list(vocab), grammar,
                  CharTokenizer(tuple(vocab), end))


def sentence_splits(name: str, sentences: list[str], vocab: list[str], seq_len: int, bos: str,
                    grammar=None) -> Splits:
    """One sentence per sample: ids ``[bos, c_1, …, c_{m-1}]`` and targets ``[c_1, …, c_m]``, padded to
    ``seq_len`` (ids with padding, targets with ``IGNORE_INDEX``)."""
    x = torch.zeros(len(sentences), seq_len, dtype=torch.long)
    y = torch.full((len(sentences), seq_len), IGNORE_INDEX, dtype=torch.long)
    for row, sentence in enumerate(sentences):
        ids = encode_chars(bos + sentence, vocab)
        x[row, : len(ids) - 1] = torch.tensor(ids[:-1])
        y[row, : len(ids) - 1] = torch.tensor(ids[1:])
    return _splits(name, x, y, vocab, grammar, end=bos)


def stream_splits(name: str, text: str, seq_len: int) -> Splits:
    """A text cut into windows of ``seq_len + 1`` characters, one character of overlap (each window's last target
    is the next window's first id); the last tenth of the windows validates."""
    vocab = char_vocab(text)
    ids = torch.tensor(encode_chars(text, vocab), dtype=torch.long)
    windows = (len(ids) - 1) // seq_len
    if windows < 2:
        raise UserError("data.text_short", "the text has {count} characters: at least {least} are needed for windows "
                        "of {length} (a training and a validation window)", count=f"{len(text):,}",
                        least=f"{2 * seq_len + 1:,}", length=seq_len)
    chunks = ids[: windows * seq_len + 1]
    x = chunks[:-1].view(windows, seq_len)
    y = chunks[1:].view(windows, seq_len)
    return _splits(name, x.clone(), y.clone(), vocab)
