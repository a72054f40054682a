"""Sentiment as token ids: a synthetic corpus whose labels are known by construction, and IMDB from disk.

The synthetic ``reviews`` come from a small grammar with negation ("not good") and contrast ("good but boring"),
so a label depends on *which* words matter and where, not on counting sentiment words: something real for an
attention map to find. Both sets share one tokenizer, public because the app encodes what a user types with it.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import torch

from .base import PAD, UNK, DataMissingError, Splits, register_dataset, stratified_split, too_short

SENTIMENT = ["negative", "positive"]

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")  # letters/digits, keeping "don't" whole; punctuation is dropped


def tokenize(text: str) -> list[str]:
    """Lowercase words; HTML line breaks (IMDB has ``<br />``) count as spaces."""
    return _WORD.findall(re.sub(r"<br\s*/?>", " ", text.lower()))


def build_vocab(token_lists: list[list[str]], max_vocab: int = 20000, min_count: int = 1) -> list[str]:
    """``vocab[i]`` is the word with id i: PAD, UNK, then words by falling count, ties alphabetical (deterministic).

    Build it from training texts only, so test words never seen in training become UNK as they would in use.
    ``max_vocab`` counts the two special tokens.
    """
    counts = Counter(word for tokens in token_lists for word in tokens)
    ranked = sorted((word for word, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    return [PAD, UNK] + ranked[: max(0, max_vocab - 2)]


def encode(token_lists: list[list[str]], vocab: list[str], seq_len: int) -> torch.Tensor:
    """Token ids ``[N, seq_len]``: unknown words -> 1, cut after ``seq_len`` tokens, padded at the end with 0."""
    ids = {word: i for i, word in enumerate(vocab)}
    out = torch.zeros(len(token_lists), seq_len, dtype=torch.long)
    for row, tokens in enumerate(token_lists):
        encoded = [ids.get(word, 1) for word in tokens[:seq_len]]
        out[row, : len(encoded)] = torch.tensor(encoded, dtype=torch.long)
    return out


def _token_splits(name: str, train_texts: list[str], y_train: list[int], test_texts: list[str], y_test: list[int],
                  seq_len: int, max_vocab: int, min_count: int) -> Splits:
    train_tokens, test_tokens = [tokenize(t) for t in train_texts], [tokenize(t) for t in test_texts]
    vocab = build_vocab(train_tokens, max_vocab, min_count)
    return Splits(name, encode(train_tokens, vocab, seq_len), torch.tensor(y_train, dtype=torch.long),
                  encode(test_tokens, vocab, seq_len), torch.tensor(y_test, dtype=torch.long),
                  list(SENTIMENT), "tokens", vocab)


SUBJECTS = ["the movie", "this film", "the plot", "the acting", "the story", "the cast", "the ending", "the script"]
VERBS = ["is", "was"]
INTENSIFIERS = ["very", "really", "truly", "quite", "so", "rather"]
POSITIVE = ["good", "great", "wonderful", "excellent", "brilliant", "enjoyable", "charming", "superb", "moving"]
NEGATIVE = ["bad", "boring", "awful", "terrible", "dull", "weak", "tedious", "poor", "forgettable"]
OPENERS = ["honestly", "well", "i think", "in my opinion", "to be honest", "frankly"]
CLOSERS = ["overall", "in the end", "to me", "this time", "i guess"]


@dataclass(frozen=True)
class Clause:
    """``[subject verb] [not] [intensifier] adjective``; a contrast clause may drop its subject ("good but boring")."""

    adjective: str
    negated: bool = False
    intensifier: str = ""
    subject: str = ""
    verb: str = "was"

    @property
    def positive(self) -> bool:
        """The adjective's polarity, flipped by "not": "not bad" is positive."""
        return (self.adjective in POSITIVE) != self.negated

    @property
    def text(self) -> str:
        words = [self.subject, self.verb] if self.subject else []
        words += ["not"] * self.negated + [self.intensifier, self.adjective]
        return " ".join(w for w in words if w)


@dataclass(frozen=True)
class Review:
    """``[opener] clause [but clause] [closer]``: the clause after "but" decides, as it does in English."""

    clauses: tuple[Clause, ...]
    opener: str = ""
    closer: str = ""

    @property
    def label(self) -> int:
        return int(self.clauses[-1].positive)

    @property
    def text(self) -> str:
        return " ".join(part for part in (self.opener, " but ".join(c.text for c in self.clauses), self.closer) if part)


def random_review(rng: random.Random) -> Review:
    """Draw one review; a contrast clause always means the opposite of the first, so "but" marks a real turn."""

    def clause(positive: bool, subject: str) -> Clause:
        negated = rng.random() < 0.3
        adjectives = POSITIVE if positive != negated else NEGATIVE
        intensifier = rng.choice(INTENSIFIERS) if rng.random() < 0.4 else ""
        return Clause(rng.choice(adjectives), negated, intensifier, subject, rng.choice(VERBS))

    first = clause(rng.random() < 0.5, rng.choice(SUBJECTS))
    clauses = (first,)
    if rng.random() < 0.35:
        clauses += (clause(not first.positive, rng.choice(SUBJECTS) if rng.random() < 0.5 else ""),)
    opener = rng.choice(OPENERS) if rng.random() < 0.3 else ""
    closer = rng.choice(CLOSERS) if rng.random() < 0.3 else ""
    return Review(clauses, opener, closer)


_SHORTEST = min(len(s.split()) for s in SUBJECTS) + 2  # "the movie was good"


@register_dataset("reviews", modality="tokens", num_classes=2,
                  summary="synthetic movie reviews with negation and 'but' (generated)",
                  scale={"n": "samples", "seq_len": "tokens"})
def reviews(seed: int, n: int = 2000, seq_len: int = 16, max_vocab: int = 20000, min_count: int = 1, **_) -> Splits:
    """``n`` reviews split 75/25 by class. A review longer than ``seq_len`` words is redrawn, never cut, so the
    words that decide its label are always in the input."""
    if seq_len < _SHORTEST:
        raise too_short("reviews", _SHORTEST, seq_len)
    rng = random.Random(seed)
    drawn: list[Review] = []
    while len(drawn) < n:
        review = random_review(rng)
        if len(tokenize(review.text)) <= seq_len:
            drawn.append(review)
    labels = torch.tensor([r.label for r in drawn])
    train, test = stratified_split(labels, test_fraction=0.25, seed=seed)
    return _token_splits("reviews", [drawn[i].text for i in train], labels[train].tolist(),
                         [drawn[i].text for i in test], labels[test].tolist(), seq_len, max_vocab, min_count)


def _read_imdb_split(folder: Path, limit: int | None, seed: int) -> tuple[list[str], list[int]]:
    """At most ``limit`` reviews of one split, a seeded shuffle of pos and neg so a limit keeps both classes."""
    files = [(path, label) for label, sub in enumerate(("neg", "pos")) for path in sorted((folder / sub).glob("*.txt"))]
    random.Random(seed).shuffle(files)
    files = files[:limit]
    return [path.read_text(encoding="utf-8") for path, _ in files], [label for _, label in files]


@register_dataset("imdb", modality="tokens", num_classes=2,
                  summary="50,000 real IMDB movie reviews (aclImdb folder, manual download)",
                  scale={"limit": "samples", "seq_len": "tokens"})
def imdb(seed: int, data_root: Path, seq_len: int = 256, max_vocab: int = 20000, min_count: int = 1,
         limit: int | None = None, **_) -> Splits:
    """The Large Movie Review Dataset (Maas et al., 2011) in its own layout, ``<root>/aclImdb/{train,test}/{pos,neg}``.

    There is no automatic download: the archive is 80 MB and is unpacked by hand once.
    """
    folder = data_root / "aclImdb"
    if not all((folder / split / sub).is_dir() for split in ("train", "test") for sub in ("pos", "neg")):
        raise DataMissingError(
            f"imdb: files not found; expected {folder}/{{train,test}}/{{pos,neg}}/*.txt. Download aclImdb_v1.tar.gz "
            f"from https://ai.stanford.edu/~amaas/data/sentiment/ and unpack it in {data_root}, or set "
            f"KDLAB_DATA / --data-root to a folder that has aclImdb.")
    train_texts, y_train = _read_imdb_split(folder / "train", limit, seed)
    test_texts, y_test = _read_imdb_split(folder / "test", limit, seed)
    return _token_splits("imdb", train_texts, y_train, test_texts, y_test, seq_len, max_vocab, min_count)
