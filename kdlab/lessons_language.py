"""What ``lessons verify`` measures on a language-model lesson: perplexities and the per-sequence paired counts of
the distilled student against the baseline, the diversity of the text the student writes, and the teacher's softmax
at several temperatures, read both as soft targets and as a sampler.

A classifier's lesson compares students image by image (right or wrong); a language model's compares them sequence
by sequence on the same validation text (which one gives the sequence the higher likelihood,
``kdlab.language.paired_sequences``). Both hand ``lessons_verify`` one score per test item, higher is better, so
the pooled paired tests and the checks are the same code.
"""
from __future__ import annotations

from dataclasses import replace

import torch

from .evaluate import predict
from .language import distinct_n, grammatical_share, samples, sample_next, sequence_nll, start_id, text_entropy, token_rows
from .losses.soft import softened
from .train import run_distillation

DIVERSITY_SAMPLES = 1000  # texts each student writes for the diversity claims (100 left their spread in the noise)
TEMPERATURES = (0.5, 1.0, 2.0)  # the lesson's T, below and above 1
DRAWS_PER_TOKEN = 5  # next tokens drawn at every validation position, to compare with the soft targets


def run_language(config, seed: int, at_temperatures: bool = False) -> tuple[dict, torch.Tensor]:
    """One language-model preset on one seed: its numbers, and each validation sequence's log-likelihood under the
    distilled student (the score ``lessons_verify`` pairs sequences by). ``at_temperatures``: the teacher's softmax
    at several T too (``teacher_at_temperatures``), for a lesson that claims something about it."""
    result = run_distillation(replace(config, seed=seed).validate())
    summary, splits, models = result.summary(), result.splits, result.models
    student = models["student"]
    scores = -sequence_nll(predict(student, splits.x_test).logits, splits.y_test).cpu()
    paired = summary["paired"]
    numbers = {"seed": seed, "teacher_perplexity": summary["teacher_perplexity"],
               "student_perplexity": summary["student_perplexity"],
               "baseline_perplexity": summary["baseline_perplexity"],
               "gain_perplexity": summary["baseline_perplexity"] - summary["student_perplexity"],
               "only_student": paired["only_student"], "only_baseline": paired["only_baseline"],
               "sequences": paired["images"], "distill_seconds": summary["distill_seconds"],
               "kl_to_teacher": summary["kl_to_teacher"], **diversity(student, splits, seed)}
    if at_temperatures:
        numbers["teacher_at_t"] = teacher_at_temperatures(models["teacher"], splits, seed)
    return numbers, scores


def diversity(model, splits, seed: int, temperature: float = 1.0, count: int = DIVERSITY_SAMPLES) -> dict:
    """``count`` texts written by ``model`` at ``temperature``: their entropy in bits per token
    (``kdlab.language.text_entropy``), distinct-2 and, on a grammar's corpus, the share that is grammatical."""
    written = samples(model, splits, seed, temperature, count=count)
    out = {"text_entropy": text_entropy(model, written, start_id(splits)), "distinct_2": distinct_n(written, 2)}
    if splits.grammar is not None:
        out["grammatical"] = grammatical_share(splits, written)
    return out


@torch.no_grad()
def teacher_at_temperatures(teacher, splits, seed: int, count: int = DIVERSITY_SAMPLES,
                            draws: int = DRAWS_PER_TOKEN) -> dict:
    """The teacher's one softmax at each of ``TEMPERATURES``, read two ways. As soft targets: their mean entropy
    (bits) over the validation tokens, through ``kdlab.losses.soft.softened`` as the soft term computes them. As a
    sampler: the total variation distance between the tokens ``kdlab.language.sample_next`` draws there (``draws``
    at each position) and those same soft targets (both summed over the positions), and the entropy, distinct-2 and
    grammatical share of ``count`` texts it writes at that sampling temperature."""
    logits = token_rows(predict(teacher, splits.x_test).logits.float(), splits.y_test)
    generator = torch.Generator(device=logits.device).manual_seed(seed)
    out: dict = {"temperatures": list(TEMPERATURES), "soft_entropy": [], "sampling_tv": []}
    for temperature in TEMPERATURES:
        targets = softened(logits, temperature)
        entropy = -(targets * targets.clamp_min(1e-30).log2()).sum(-1).mean()
        drawn = torch.cat([sample_next(logits, temperature, generator) for _ in range(draws)])
        seen = torch.bincount(drawn, minlength=logits.shape[-1]).float() / len(drawn)
        out["soft_entropy"].append(entropy.item())
        out["sampling_tv"].append(0.5 * (seen - targets.mean(0)).abs().sum().item())
        for name, value in diversity(teacher, splits, seed, temperature, count).items():
            out.setdefault(name, []).append(value)
    out["draws"] = draws * len(logits)
    return out


def language_checks(claim, runs: list[dict]) -> list[dict]:
    """The language-model parts of ``claim`` (``kdlab.lessons.Claim``), each with what was measured."""
    checks = []
    if claim.less_diverse:
        for measure in ("text_entropy", "distinct_2"):
            pairs = [(r[measure], r["contrast"][measure]) for r in runs]
            checks.append({"check": f"less_diverse_{measure}", "expected": None, "measured": pairs,
                           "holds": all(own < other for own, other in pairs)})
    if claim.same_softmax is not None:
        worst = max(max(r["teacher_at_t"]["sampling_tv"]) for r in runs)
        checks.append({"check": "same_softmax", "expected": claim.same_softmax, "measured": worst,
                       "holds": worst <= claim.same_softmax})
    if claim.warmer_more_diverse:
        for measure in ("soft_entropy", "text_entropy", "distinct_2"):
            series = [r["teacher_at_t"][measure] for r in runs]
            checks.append({"check": f"warmer_{measure}", "expected": None, "measured": series,
                           "holds": all(a < b for s in series for a, b in zip(s, s[1:]))})
    return checks
