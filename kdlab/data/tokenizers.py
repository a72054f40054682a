"""Text to token ids and back, for the language models: one small interface over characters (the default, which
works for Chinese as for English) and the tokenizers of ``tokenizers`` / ``transformers`` (a byte-level BPE trained
on the corpus, a Hugging Face teacher's own).

A tokenizer here has ``vocab_size``, ``encode(text)``, ``decode(ids)`` and ``end_id``: the token that starts and
ends every sample of a sentence corpus (``tinylang``: a newline), or None for a stream of text cut into windows.
``prompt_ids`` makes a typed prompt into what a model continues: the start token first where the corpus has one.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ..errors import UserError
from .base import IGNORE_INDEX, Splits

PROMPT_CHARS = 200  # a typed prompt longer than this is refused, not read


@dataclass(frozen=True)
class CharTokenizer:
    """Characters as tokens: id ``i`` is ``vocab[i]``, id 0 is padding. ``end``: the character that starts and ends
    every sample of a sentence corpus, or None for a stream of text."""

    vocab: tuple[str, ...]
    end: str | None = None
    per_character = True  # a grammar's true next-character distribution is one over these tokens

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    @property
    def end_id(self) -> int | None:
        return None if self.end is None else self.vocab.index(self.end)

    def encode(self, text: str) -> list[int]:
        """Ids of ``text``; a ``UserError`` naming the characters this corpus never uses."""
        ids = {token: i for i, token in enumerate(self.vocab) if i > 0}
        unknown = "".join(sorted(set(text) - set(ids)))
        if unknown:
            raise UserError("language.prompt_unknown", "the text has characters this corpus never uses: {chars}",
                            chars=repr(unknown[:20]))
        return [ids[ch] for ch in text]

    def decode(self, ids) -> str:
        """The text of token ids; padding is dropped."""
        return "".join(self.vocab[i] for i in ids if 0 < i < len(self.vocab))


class PretrainedTokenizer:
    """A ``transformers`` tokenizer (a Hugging Face teacher's own, or a byte-level BPE trained on the corpus) in
    this interface. ``end``: the text that starts and ends every sample of a sentence corpus (it must be one token
    of this tokenizer to mark ends), or None for a stream of text. Nothing is added to what is encoded (no special
    tokens): a sample is its text."""

    per_character = False  # a token may be several characters, or part of one: no character-level truth here

    def __init__(self, tokenizer, end: str | None = None):
        self.tokenizer = tokenizer
        ids = tokenizer.encode(end, add_special_tokens=False) if end is not None else []
        self.end_id = ids[0] if len(ids) == 1 else None
        self.end = end if self.end_id is not None else None

    @property
    def vocab_size(self) -> int:
        return len(self.tokenizer)

    @property
    def vocab(self) -> list[str]:
        return self.tokenizer.convert_ids_to_tokens(list(range(self.vocab_size)))

    def encode(self, text: str) -> list[int]:
        return self.tokenizer.encode(text, add_special_tokens=False)

    def decode(self, ids) -> str:
        return self.tokenizer.decode(list(ids))


def hf_tokenizer(source: str):
    """The tokenizer saved with a Hugging Face model (a folder, or a hub name where the network allows), in the
    ``transformers`` interface; a ``ValueError`` naming ``source`` when it cannot be read."""
    from transformers import AutoTokenizer  # only where a Hugging Face tokenizer is used

    try:
        return AutoTokenizer.from_pretrained(source)
    except (OSError, ValueError) as err:
        raise ValueError(f"cannot read a Hugging Face tokenizer from {source[:200]!r}: {str(err).splitlines()[0][:200]}"
                         ) from None


BPE_VOCAB = 512  # the 256 bytes, then merges learned on the corpus: a tiny corpus stops merging before this


def trained_bpe(texts: list[str], vocab_size: int = BPE_VOCAB):
    """A byte-level BPE (``tokenizers``; GPT-2's kind: any text, Chinese included, encodes) trained on ``texts``,
    as a ``transformers`` tokenizer. The same texts train the same merges."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast  # only where a BPE is used

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(texts, trainers.BpeTrainer(vocab_size=vocab_size, show_progress=False,
                                                       initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    return PreTrainedTokenizerFast(tokenizer_object=bpe)


def sample_texts(splits: Splits) -> tuple[list[str], list[str]]:
    """The text of every training and validation sample of a character corpus: its first id, then its targets."""
    tokenizer = tokenizer_of(splits)

    def texts(x, y) -> list[str]:
        return [tokenizer.decode([int(first), *targets[targets != IGNORE_INDEX].tolist()])
                for first, targets in zip(x[:, 0], y)]

    return texts(splits.x_train, splits.y_train), texts(splits.x_test, splits.y_test)


def retokenized(splits: Splits, tokenizer) -> Splits:
    """A character corpus encoded with another ``tokenizer`` (a ``transformers`` one): each sample's text becomes
    ids ``[t_1, …, t_{m-1}]`` with targets ``[t_2, …, t_m]``, padded (ids 0, targets ``IGNORE_INDEX``) to the longest
    sample, as ``kdlab.data.corpus`` lays out characters. Sentence starts and ends stay marked where the tokenizer
    gives them one token; the grammar stays for the grammatical share of samples."""
    wrapped = PretrainedTokenizer(tokenizer, tokenizer_of(splits).end)
    train, test = (list(map(wrapped.encode, texts)) for texts in sample_texts(splits))
    length = max(2, *(len(ids) for ids in train + test)) - 1

    def tensors(encoded: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.zeros(len(encoded), length, dtype=torch.long)
        y = torch.full((len(encoded), length), IGNORE_INDEX, dtype=torch.long)
        for row, ids in enumerate(encoded):
            x[row, :len(ids) - 1] = torch.tensor(ids[:-1], dtype=torch.long)
            y[row, :len(ids) - 1] = torch.tensor(ids[1:], dtype=torch.long)
        return x, y

    vocab = wrapped.vocab
    return Splits(splits.name, *tensors(train), *tensors(test), vocab, "sequence", vocab, splits.grammar, wrapped)


# how a run may encode a character corpus (``RunConfig.tokenizer``): a tokenizer made from its splits, or None to
# keep the characters; a Hugging Face teacher's own tokenizer comes before these (``kdlab.run_data``)
CORPUS_TOKENIZERS = {"char": lambda splits: None, "bpe": lambda splits: trained_bpe(sample_texts(splits)[0])}


def tokenizer_of(splits: Splits):
    """The tokenizer of a ``sequence`` dataset: the one it was encoded with, or (an uploaded text, stored as a
    vocabulary) characters over its vocabulary, a stream."""
    return splits.tokenizer if splits.tokenizer is not None else CharTokenizer(tuple(splits.vocab))


def prompt_ids(tokenizer, text: str, limit: int = PROMPT_CHARS) -> list[int]:
    """A typed prompt as the ids a model continues: the start token first where the corpus has one. A
    ``UserError`` for a prompt over ``limit`` characters, one the tokenizer cannot encode, or an empty one where
    there is no start token to begin from (the Language page and ``kdlab generate`` read prompts through this)."""
    if len(text) > limit:
        raise UserError("language.prompt_long", "the text has {count} characters; at most {limit} are read",
                        count=f"{len(text):,}", limit=limit)
    start = [] if tokenizer.end_id is None else [tokenizer.end_id]
    if not start and not text:
        raise UserError("language.prompt_empty",
                        "type a few characters: this corpus has no start of a sentence to begin from")
    return start + tokenizer.encode(text)
