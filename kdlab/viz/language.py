"""What the Language page shows of a language-model run, computed from its models and plain text: the next-token
distributions after a prompt at a temperature T (and, on a grammar's corpus, the true one), the per-token KL between
student and teacher over a validation text, the tokens as a label shows them, and a GPT's attention maps. (A typed
prompt is read by ``kdlab.data.tokenizers.prompt_ids`` and what a model writes is ``kdlab.language.generate_text``,
as for ``kdlab generate``.)

Why here and not in the page: each is a few tensor operations a test can check against an independent computation
(a distribution sums to 1, the strip's KL equals the KL of the two models' softened answers at each prefix), and the
Attention page reads the same maps.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..data import IGNORE_INDEX
from ..models import model_meta

SHOWN_TOKENS = 20  # next tokens drawn as bars: the likeliest ones of any model (a Chinese corpus has thousands)
VISIBLE = {"\n": "↵", " ": "␣", "\t": "⇥"}  # characters a bar label or a strip cell would show as nothing


def is_language_model(name: str) -> bool:
    """Whether model ``name`` (a preset or an architecture) reads token sequences and predicts the next token."""
    try:
        return "sequence" in model_meta(name)["modalities"]
    except ValueError:  # a model no longer registered: not one the page can open
        return False


def shown_token(token: str) -> str:
    """A token as a label shows it: a newline, a space or a tab as a visible sign."""
    return "".join(VISIBLE.get(c, c) for c in token)


def token_texts(tokenizer, ids) -> list[str]:
    """Each id's text as a label shows it (a character, or a BPE piece decoded), its blanks made visible."""
    return [shown_token(tokenizer.decode([i])) for i in ids]


def _window(model: nn.Module, ids) -> torch.Tensor:
    """``ids`` as a batch of one, cut to the last ``context`` tokens the model can read."""
    tensor = torch.as_tensor(ids, dtype=torch.long)
    return tensor[-getattr(model, "context", len(tensor)):][None]


@torch.no_grad()
def next_token_distributions(models: dict[str, nn.Module], ids: list[int], temperature: float) -> dict[str, np.ndarray]:
    """Each model's ``softmax(z / T)`` over the vocabulary for the token after ``ids``: the softened answer the soft
    targets use at that T, and the one the model samples from at that sampling temperature."""
    out = {}
    for role, model in models.items():
        logits = model.eval()(_window(model, ids)).logits[0, -1].float()
        out[role] = F.softmax(logits / temperature, -1).numpy()
    return out


def true_next_distribution(grammar, tokenizer, text: str) -> np.ndarray | None:
    """The grammar's true probability of each token after the typed ``text`` (the characters after ``BOS``); None
    where there is no truth to show: a corpus no grammar generated, tokens that are not characters (a BPE's), or a
    ``text`` no sentence of the grammar starts with."""
    truth = grammar.next_distribution(text) if grammar is not None and tokenizer.per_character else None
    if not truth:
        return None
    out = np.zeros(tokenizer.vocab_size)
    for token, p in truth.items():
        out[tokenizer.vocab.index(token)] = p
    return out


def distribution_kl(p: np.ndarray, q: np.ndarray) -> float:
    """``KL(p ‖ q) = Σ p·log(p/q)`` in nats over one vocabulary (0·log 0 = 0): how much is lost when ``q`` stands
    in for ``p`` — ``p`` the teacher's answer (or the truth), ``q`` a student's."""
    support = p > 0
    return float(np.sum(p[support] * (np.log(p[support]) - np.log(np.maximum(q[support], 1e-30)))))


def sentence_state(grammar, text: str) -> str:
    """What a text written after ``BOS`` is to the grammar: ``"grammatical"`` (one whole sentence, its end
    included), ``"unfinished"`` (a sentence could still continue it) or ``"ungrammatical"``."""
    if grammar.grammatical(text):
        return "grammatical"
    return "ungrammatical" if grammar.read(text) is None else "unfinished"


def answer_rows(answers: dict[str, np.ndarray], truth: np.ndarray | None) -> list[dict]:
    """One row per model: its likeliest next token (an id), ``KL(teacher ‖ model)`` (None for the teacher itself)
    and, where the truth is known, ``KL(truth ‖ model)``, in nats."""
    teacher = answers["teacher"]
    return [{"role": role, "top": int(p.argmax()), "kl_teacher": None if role == "teacher" else
             distribution_kl(teacher, p), "kl_truth": None if truth is None else distribution_kl(truth, p)}
            for role, p in answers.items()]


def likeliest_tokens(distributions: dict[str, np.ndarray], count: int = SHOWN_TOKENS) -> list[int]:
    """The ids worth a bar: the ``count`` tokens with the highest probability under any of the distributions, in
    the order of the first one (the teacher's), likeliest first. Padding (id 0) is never a next token: left out."""
    stacked = np.stack(list(distributions.values()))
    chosen = [i for i in np.argsort(-stacked.max(0), kind="stable").tolist() if i != 0][:count]
    return sorted(chosen, key=lambda i: -stacked[0, i])


@torch.no_grad()
def token_kl(teacher: nn.Module, student: nn.Module, x: torch.Tensor, y: torch.Tensor,
             temperature: float = 1.0) -> tuple[list[int], np.ndarray]:
    """Over one validation sequence (ids ``x [L]``, next tokens ``y [L]``): each real next token and
    ``KL(softmax(t/T) ‖ softmax(s/T))`` of the two models' answers before it, in nats — where the student's next-token
    distribution departs from the teacher's. (The ``soft`` term trains on the same KL, times T².)"""
    real = y != IGNORE_INDEX
    log_p = F.log_softmax(teacher.eval()(x[None]).logits[0].float() / temperature, -1)[real]
    log_q = F.log_softmax(student.eval()(x[None]).logits[0].float() / temperature, -1)[real]
    kl = (log_p.exp() * (log_p - log_q)).sum(-1).clamp_min(0)
    return y[real].tolist(), kl.numpy()


@torch.no_grad()
def gpt_attention_maps(model: nn.Module, ids: list[int]) -> list[np.ndarray]:
    """A GPT's softmax attention over ``ids`` (its last ``context``), one ``[heads, L, L]`` array per layer: row i is
    how much position i takes from each earlier position (the causal mask keeps the upper triangle at zero)."""
    output = model.eval()(_window(model, ids), attentions=True)
    return [layer[0].float().numpy() for layer in output.attentions]
