"""Language models measured: perplexity, agreement and KL per token, text sampled from a model, and on a generated
corpus (``tinylang``) the distance to the true next-token distribution and the share of grammatical samples.

Every per-token number averages the real tokens only (targets other than ``IGNORE_INDEX``). Perplexity is
``exp(mean cross-entropy)``: the number of equally likely tokens the model hesitates between, on average. The
student and its baseline are compared sequence by sequence on the same validation text (``paired_sequences``):
which of the two gives each sequence the higher likelihood — a sign test, McNemar's exact test in
``kdlab.stats`` — so one lucky sequence cannot decide.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .checks import is_number, is_whole, require
from .data import IGNORE_INDEX, Splits
from .data.grammar import EOS
from .data.tinylang import true_next_distributions
from .data.tokenizers import prompt_ids, tokenizer_of
from .evaluate import predict

SAMPLES = 100  # sentences each model writes for distinct-2 and the grammatical share


def sample_next(logits: torch.Tensor, temperature: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """One token per row of ``logits [B, V]`` from ``softmax(logits / T)`` — the same softened softmax as the soft
    targets' T; ``temperature`` 0 takes the most likely token (greedy)."""
    if temperature == 0:
        return logits.argmax(-1)
    probs = F.softmax(logits.float() / temperature, dim=-1)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)


@torch.no_grad()
def generate(model: nn.Module, prompt_ids, n: int, temperature: float = 1.0, seed: int = 0,
             stop_id: int | None = None) -> torch.Tensor:
    """``n`` tokens sampled after ``prompt_ids`` (``[P]`` or a batch ``[B, P]``), seeded: the prompt followed by
    the new tokens, ``[B, P + n]``. The model sees at most its ``context`` last tokens. Once every row has produced
    ``stop_id`` the rest is padding (id 0), not drawn."""
    model.eval()
    device = next(model.parameters()).device
    ids = torch.as_tensor(prompt_ids, dtype=torch.long, device=device)
    ids = ids[None] if ids.ndim == 1 else ids
    generator = torch.Generator(device=device).manual_seed(seed)
    done = torch.zeros(len(ids), dtype=torch.bool, device=device)
    for _ in range(n):
        window = ids[:, -getattr(model, "context", ids.shape[1]):]
        token = sample_next(model(window).logits[:, -1], temperature, generator)
        token = token.masked_fill(done, 0)
        ids = torch.cat([ids, token[:, None]], 1)
        if stop_id is not None:
            done |= token == stop_id
            if bool(done.all()):
                break
    return ids


MAX_NEW_TOKENS = 2000  # what one call writes at most: a typo of 10**9 would hold a worker for hours


def generate_text(model: nn.Module, tokenizer, prompt: str, tokens: int, temperature: float = 1.0,
                  seed: int = 0) -> str:
    """The text ``model`` writes after ``prompt`` (the continuation alone): up to ``tokens`` tokens sampled from
    ``softmax(z / temperature)`` (0: always the likeliest) with ``seed``, ending after the first end of sentence
    where the corpus has one. ``tokenizer`` is the corpus's (``kdlab.data.tokenizers``): the prompt is encoded with
    it, its start token first. The same seed writes the same text; a ``ValueError`` names a bad argument."""
    require(is_whole(tokens) and 1 <= tokens <= MAX_NEW_TOKENS, "language.tokens",
            "tokens must be a whole number from 1 to {most}, got {value}", most=MAX_NEW_TOKENS, value=tokens)
    require(is_number(temperature) and temperature >= 0, "language.temperature",
            "the sampling temperature must be >= 0 (0: the likeliest token), got {value}", value=temperature)
    ids = prompt_ids(tokenizer, prompt)
    end = tokenizer.end_id
    written = generate(model, ids, tokens, temperature, seed, stop_id=end)[0, len(ids):].tolist()
    if end is not None and end in written:
        written = written[:written.index(end) + 1]
    return tokenizer.decode(written)


def token_rows(values: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """``values [N, L, ...]`` at the real tokens only: ``[M, ...]``."""
    return values[labels != IGNORE_INDEX]


def sequence_nll(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """``[N]``: each sequence's negative log-likelihood, summed over its real tokens."""
    nll = F.cross_entropy(logits.float().transpose(1, 2), labels, ignore_index=IGNORE_INDEX, reduction="none")
    return nll.sum(1)


def perplexity(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """``exp`` of the mean cross-entropy over every real token."""
    return math.exp(sequence_nll(logits, labels).sum().item() / (labels != IGNORE_INDEX).sum().item())


def mean_kl(log_p: torch.Tensor, logits_q: torch.Tensor) -> float:
    """Mean over rows of ``KL(p ‖ q)``, ``p`` as log-probabilities ``[M, V]``, ``q`` as logits (0·log 0 = 0)."""
    return F.kl_div(F.log_softmax(logits_q.float(), -1), log_p, log_target=True, reduction="batchmean").item()


def distinct_n(sequences: list[list[int]], n: int = 2) -> float:
    """Distinct-n (Li et al. 2016): distinct n-grams over all n-grams of every sample together; 1 is no repeat."""
    grams = [tuple(seq[i:i + n]) for seq in sequences for i in range(len(seq) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def start_id(splits: Splits) -> int:
    """The id every sequence of the corpus starts with (and a grammar's sentence ends with)."""
    end = tokenizer_of(splits).end_id
    return end if end is not None else (splits.vocab.index(EOS) if EOS in splits.vocab else 1)


def samples(model: nn.Module, splits: Splits, seed: int, temperature: float = 1.0,
            count: int = SAMPLES) -> list[list[int]]:
    """``count`` samples from the start of a sequence, each cut after its first end of sentence (ids, ``BOS``
    left out)."""
    bos = start_id(splits)
    prompt = torch.full((count, 1), bos, dtype=torch.long)
    out = generate(model, prompt, splits.input_shape[0], temperature, seed, stop_id=bos)[:, 1:].tolist()
    return [row[:row.index(bos) + 1] if bos in row else [i for i in row if i] for row in out]


def grammatical_share(splits: Splits, written: list[list[int]]) -> float:
    """The share of texts (ids, as ``samples`` writes them) that are sentences of the corpus's grammar."""
    tokenizer = tokenizer_of(splits)
    return sum(splits.grammar.grammatical(tokenizer.decode(text)) for text in written) / len(written)


@torch.no_grad()
def text_entropy(model: nn.Module, written: list[list[int]], start: int) -> float:
    """Bits per token of the text a model wrote (``samples``), read back by the same model at T = 1: the mean of
    ``-log2 p(token | what came before)``. For text sampled at T = 1 it estimates the entropy of what the model
    samples from; lower means it keeps to fewer continuations (a mode-seeking student's text is lower than a
    mode-covering one's). Text sampled at a lower T keeps to the likeliest tokens and reads lower still."""
    device = next(model.parameters()).device
    ids = torch.zeros(len(written), max(map(len, written)) + 1, dtype=torch.long)
    ids[:, 0] = start
    for row, sequence in enumerate(written):
        ids[row, 1:len(sequence) + 1] = torch.tensor(sequence, dtype=torch.long)
    labels = ids[:, 1:].masked_fill(ids[:, 1:] == 0, IGNORE_INDEX)  # id 0 pads the shorter texts
    logits = predict(model, ids[:, :-1].to(device)).logits
    return sequence_nll(logits, labels.to(device)).sum().item() / (labels != IGNORE_INDEX).sum().item() / math.log(2)


def language_measures(models: dict[str, nn.Module], splits: Splits, x_test: torch.Tensor, y_test: torch.Tensor,
                      seed: int) -> dict:
    """Every model's perplexity, and each student's agreement and KL with the teacher, distinct-2 of its samples
    and, on a grammar's corpus, its KL to the truth and grammatical share; the student against the baseline
    sequence by sequence."""
    logits = {name: predict(model, x_test).logits.float() for name, model in models.items()}
    teacher_log_p = F.log_softmax(token_rows(logits["teacher"], y_test), -1)
    truth, tokenizer = None, tokenizer_of(splits)
    if splits.grammar is not None and tokenizer.per_character:  # the grammar's truth is over characters
        truth = token_rows(true_next_distributions(splits.grammar, x_test.cpu(), splits.vocab), y_test.cpu())
        truth = truth.to(x_test.device).clamp_min(1e-30).log()
    out: dict = {}
    for name, model in models.items():
        rows = token_rows(logits[name], y_test)
        written = samples(model, splits, seed)
        measures = {"perplexity": perplexity(logits[name], y_test), "distinct_2": distinct_n(written, 2),
                    "entropy": text_entropy(model, written, start_id(splits))}
        if name != "teacher":
            measures["agreement"] = (rows.argmax(-1) == teacher_log_p.argmax(-1)).float().mean().item()
            measures["kl_to_teacher"] = mean_kl(teacher_log_p, rows)
        if truth is not None:
            measures["kl_to_truth"] = mean_kl(truth, rows)
        if splits.grammar is not None:
            measures["grammatical"] = grammatical_share(splits, written)
        measures["samples"] = [tokenizer.decode(s) for s in written[:5]]
        out[name] = measures
    if "baseline" in models:
        student, baseline = sequence_nll(logits["student"], y_test), sequence_nll(logits["baseline"], y_test)
        counts = torch.stack([(student < baseline).sum(), (baseline < student).sum()]).tolist()
        out["paired_sequences"] = {"only_student": counts[0], "only_baseline": counts[1], "images": len(y_test),
                                   "unit": "sequence", "measure": "likelihood"}
    return out
