"""``python -m kdlab lessons verify``: run every lesson's preset over seeds, measure, and check its claim.

A claim is measured on one seed set (``--seeds``) and, with ``--holdout``, checked again on a second, disjoint one
that nothing was tuned on; it holds only when it holds on both. With ``--write``, what it measured goes to
``lessons_measured.json`` next to this module (seeds, date, device, every number per seed, the pooled paired test,
the seed-to-seed interval of the gain, and each part of the claim with whether it holds); the Lessons page shows
that file, so no measured number is typed by hand. Writing merges per lesson, and refuses to replace a lesson
measured on more seeds than this run (a quick check never overwrites the shipped numbers) unless ``--force``. A
claim that fails makes the command exit 1, and the test suite runs the fast lessons on one seed the same way.
"""
from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import asdict, replace
from pathlib import Path

import torch

from .evaluate import paired_counts, predict, top1
from .config import RunConfig
from .lessons import LESSONS, Claim, Lesson, lesson
from .lessons_language import language_checks, run_language
from .losses.tokens import is_language_model
from .stats import interval_verdict, paired_verdict, seed_summary
from .teachers import store_teacher, teacher_lock, teacher_path
from .tensor_files import atomic_file
from .train import run_distillation
from .measures import information_left, logit_scale, unseen_class_recall

MEASURED_PATH = Path(__file__).with_name("lessons_measured.json")
SCALE_TEMPERATURES = [round(0.5 * 1.06 ** k, 3) for k in range(90)]  # 0.5 .. about 95, for ``logit_scale``


def _run(config, seed: int, unseen: int | None, chain: Lesson | None = None, claim: Claim = Claim()
         ) -> tuple[dict, torch.Tensor]:
    """One preset on one seed: its numbers, and the distilled student's score on each test item (1 for a test image
    it gets right, 0 for a wrong one; a validation sequence's log-likelihood for a language model), which the paired
    tests compare item by item. ``chain``: a lesson whose teacher assistant is distilled first, its student then
    teaching ``config`` (``_assisted``). ``claim``: what the lesson will check, for what only some lessons measure."""
    if is_language_model(config.student):
        return run_language(config, seed, at_temperatures=claim.warmer_more_diverse or claim.same_softmax is not None)
    assistant_acc = None
    if chain is not None:
        config, assistant_acc = _assisted(chain, seed)
    result = run_distillation(replace(config, seed=seed).validate())
    summary, splits = result.summary(), result.splits
    y = splits.y_test.cpu()
    student = predict(result.models["student"], splits.x_test).logits.float().cpu()
    teacher = predict(result.models["teacher"], splits.x_test).logits.float().cpu()
    scale = logit_scale(teacher, SCALE_TEMPERATURES)
    paired, versus_teacher = summary["paired"], paired_counts(student, teacher, y)
    numbers = {"seed": seed, "teacher_acc": summary["teacher_acc"], "student_acc": summary["student_acc"],
               "baseline_acc": summary["baseline_acc"],
               "gain_points": 100 * (summary["student_acc"] - summary["baseline_acc"]),
               "only_student": paired["only_student"], "only_baseline": paired["only_baseline"],
               "only_student_not_teacher": versus_teacher["only_student"],
               "only_teacher": versus_teacher["only_baseline"],
               "images": paired["images"], "distill_seconds": summary["distill_seconds"],
               "teacher_logit_std": scale["std"], "teacher_flat_from": scale["flat_from"],
               "teacher_information_at_t": float(information_left(teacher, [config.temperature])[0]
                                                 / torch.log(torch.tensor(float(teacher.shape[1]))))}
    if assistant_acc is not None:  # and the key its student teaches under, in the teacher cache
        numbers.update(assistant_acc=assistant_acc, teacher_run=config.teacher_run)
    if unseen is not None:
        baseline = predict(result.models["baseline"], splits.x_test).logits.float().cpu()
        numbers["unseen_recall_student"] = unseen_class_recall(student, y, unseen, [0.0])[0]
        numbers["unseen_recall_baseline"] = unseen_class_recall(baseline, y, unseen, [0.0])[0]
        x_seen = splits.x_train[splits.y_train != unseen]
        numbers["unseen_soft_target"] = unseen_evidence(predict(result.models["teacher"], x_seen).logits.float().cpu(),
                                                        unseen, config.temperature)
    return numbers, (top1(student) == y).float()


def _assisted(entry: Lesson, seed: int) -> tuple[RunConfig, float]:
    """The chain's first step on ``seed``: the assistant is distilled from the lesson's first teacher, and its
    student goes into the teacher cache under a ``teacher_run`` key named after its weights, as admission puts a
    stored run's student there (``kdlab.runs.teacher_runs.teacher_from_run``); the trainer then runs the second step
    exactly as for a run in the store. Returns that step's config and the assistant's test accuracy."""
    result = run_distillation(replace(entry.assistant, seed=seed).validate())
    weights = result.models["student"].state_dict()
    digest = hashlib.sha256(b"".join(t.detach().cpu().contiguous().flatten().view(torch.uint8).numpy().tobytes()
                                     for t in weights.values())).hexdigest()[:16]
    config = replace(entry.chained(f"lesson-{digest}"), seed=seed).validate()
    path = teacher_path(config)
    with teacher_lock(path):
        if not path.exists():
            store_teacher(path, weights, {"seconds": result.summary()["distill_seconds"], "run": config.teacher_run})
    return config, result.summary()["student_acc"]


def unseen_evidence(teacher_logits: torch.Tensor, cls: int, temperature: float) -> dict:
    """How much the teacher's soft targets on images of *other* classes say about class ``cls`` at ``temperature``:
    the largest and the mean probability they give it, against ``1/C`` (uniform: nothing to learn from)."""
    probs = torch.softmax(teacher_logits.double() / temperature, -1)[:, cls]
    return {"max": probs.max().item(), "mean": probs.mean().item(), "uniform": 1 / teacher_logits.shape[-1]}


def measure(entry: Lesson, seeds: list[int], progress=None) -> dict:
    """Every seed's numbers of the lesson (and of its contrast preset), pooled, and its claim checked."""
    runs = []
    for seed in seeds:
        numbers, scores = _run(entry.config, seed, entry.unseen_class, entry if entry.assistant is not None else None,
                               entry.claim)
        if entry.contrast is not None:
            other, other_scores = _run(entry.contrast, seed, entry.unseen_class)
            numbers["contrast"] = {**other, **_versus(numbers, other, scores, other_scores)}
        runs.append(numbers)
        if progress:
            progress(f"{entry.key} seed {seed}: " + ", ".join(
                f"{model} {numbers[f'{model}_{measure}']:{form}}" for model in ("student", "baseline")
                for measure, form in (("acc", ".2%"), ("perplexity", ".3f")) if f"{model}_{measure}" in numbers))
    report = {"key": entry.key, "seeds": list(seeds), "claim": asdict(entry.claim), "runs": runs,
              "config": entry.config.to_dict(), "contrast_config": entry.contrast and entry.contrast.to_dict(),
              "pooled": pooled(runs, entry.claim.against), "gain": _gain_summary(runs, entry.claim.against),
              "teacher_pooled": teacher_pooled(runs) if "only_teacher" in runs[0] else None,
              "assistant_config": entry.assistant and entry.assistant.to_dict()}
    report["checks"] = check(entry.claim, runs, report["pooled"])
    report["holds"] = all(c["holds"] for c in report["checks"])
    return report


def _versus(numbers: dict, other: dict, scores: torch.Tensor, other_scores: torch.Tensor) -> dict:
    """The lesson's distilled student against the contrast preset's on the same test items: how many items each
    scores higher on, and its gain (accuracy points, or the perplexity it takes off)."""
    versus = {"only_lesson": int((scores > other_scores).sum()), "only_contrast": int((other_scores > scores).sum())}
    if "student_perplexity" in numbers:
        return {**versus, "vs_student_gain_perplexity": other["student_perplexity"] - numbers["student_perplexity"]}
    return {**versus, "vs_student_gain_points": 100 * float(scores.mean() - other_scores.mean())}


def _gain(run: dict, against: str) -> float:
    """The distilled student's gain over what it is compared with: accuracy points or, for a language model, the
    perplexity it takes off (positive: the student is ahead either way)."""
    unit = "perplexity" if "student_perplexity" in run else "points"
    return run["contrast"][f"vs_student_gain_{unit}"] if against == "contrast" else run[f"gain_{unit}"]


def _discordant(run: dict, against: str) -> tuple[int, int]:
    if against == "contrast":
        return run["contrast"]["only_lesson"], run["contrast"]["only_contrast"]
    return run["only_student"], run["only_baseline"]


def pooled(runs: list[dict], against: str) -> dict:
    """McNemar's test on the discordant images of every seed summed: each seed tests the students on the same
    images, and the seeds' disagreements are independent, so their counts add."""
    only_student = sum(_discordant(r, against)[0] for r in runs)
    only_other = sum(_discordant(r, against)[1] for r in runs)
    verdict, p = paired_verdict(only_student, only_other)
    return {"against": against, "only_student": only_student, "only_other": only_other, "p_value": p,
            "verdict": verdict}


def teacher_pooled(runs: list[dict]) -> dict:
    """McNemar's test of the distilled student against its own teacher, pooled like ``pooled``; its verdict is the
    student's ("worse": the teacher makes measurably fewer errors)."""
    only_student = sum(r["only_student_not_teacher"] for r in runs)
    only_teacher = sum(r["only_teacher"] for r in runs)
    verdict, p = paired_verdict(only_student, only_teacher)
    return {"against": "teacher", "only_student": only_student, "only_other": only_teacher, "p_value": p,
            "verdict": verdict}


def _gain_summary(runs: list[dict], against: str) -> dict:
    summary = seed_summary([_gain(r, against) for r in runs])
    return {**summary, "verdict": interval_verdict(summary)}


def check(claim: Claim, runs: list[dict], pooled_test: dict) -> list[dict]:
    """Each part of ``claim`` with what was measured and whether it holds (on every seed where it is per seed)."""
    checks = []
    if claim.verdict is not None:
        checks.append({"check": "verdict", "expected": claim.verdict, "measured": pooled_test["verdict"],
                       "holds": pooled_test["verdict"] == claim.verdict})
    if claim.not_verdict is not None:
        checks.append({"check": "not_verdict", "expected": claim.not_verdict, "measured": pooled_test["verdict"],
                       "holds": pooled_test["verdict"] != claim.not_verdict})
    if claim.verdict_every_seed:
        verdicts = [paired_verdict(*_discordant(r, claim.against))[0] for r in runs]
        checks.append({"check": "verdict_every_seed", "expected": claim.verdict, "measured": verdicts,
                       "holds": all(v == claim.verdict for v in verdicts)})
    if claim.gain_every_seed:
        gains = [_gain(r, claim.against) for r in runs]
        checks.append({"check": "gain_every_seed", "expected": 0.0, "measured": min(gains),
                       "holds": min(gains) > 0})
    bounds = (("min_unseen_recall", lambda r: r["unseen_recall_student"], min, lambda v, b: v >= b),
              ("max_baseline_unseen_recall", lambda r: r["unseen_recall_baseline"], max, lambda v, b: v <= b),
              ("max_contrast_unseen_recall", lambda r: r["contrast"]["unseen_recall_student"], max,
               lambda v, b: v <= b))
    for name, read, worst, ok in bounds:
        bound = getattr(claim, name)
        if bound is not None:
            value = worst(read(r) for r in runs)
            checks.append({"check": name, "expected": bound, "measured": value, "holds": ok(value, bound)})
    if claim.flatter_teacher:
        flat = [(r["teacher_flat_from"], r["contrast"]["teacher_flat_from"]) for r in runs]
        holds = all(own is not None and (other is None or own < other) for own, other in flat)
        checks.append({"check": "flatter_teacher", "expected": None, "measured": flat[-1], "holds": holds})
    if claim.teacher_ahead:
        verdict = teacher_pooled(runs)["verdict"]
        checks.append({"check": "teacher_ahead", "expected": "worse", "measured": verdict, "holds": verdict == "worse"})
    return checks + language_checks(claim, runs)


HOLDOUT_PARTS = ("seeds", "runs", "pooled", "gain", "teacher_pooled", "checks", "holds")


def verify(keys: list[str] | None, seeds: list[int], progress=None, holdout: list[int] | None = None) -> dict:
    """Measure the lessons named by ``keys`` (all when None) over ``seeds`` and, when given, check each claim again
    on the ``holdout`` seeds (kept under ``"holdout"``; ``"holds"`` then means on both sets); stamped with date,
    device, torch."""
    chosen = [lesson(k) for k in keys] if keys else list(LESSONS)
    if holdout and set(holdout) & set(seeds):
        raise ValueError(f"--holdout must share no seed with --seeds; both have "
                         f"{', '.join(map(str, sorted(set(holdout) & set(seeds))))}")
    stamp = {"date": datetime.date.today().isoformat(), "device": _device(), "torch": torch.__version__,
             "threads": torch.get_num_threads()}
    measured = {}
    for entry in chosen:
        report = {**measure(entry, seeds, progress), **stamp}
        if holdout:
            checked = measure(entry, holdout, progress)
            report["holdout"] = {part: checked[part] for part in HOLDOUT_PARTS}
            report["holds"] = report["holds"] and checked["holds"]
        measured[entry.key] = report
    return {"lessons": measured, "holds": all(m["holds"] for m in measured.values())}


def _device() -> str:
    from .evaluate import resolve_device

    device = resolve_device("auto")
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    import os
    import platform

    return f"cpu ({platform.processor() or platform.machine()}, {os.cpu_count()} cores)"


def load_measured(path: Path = MEASURED_PATH) -> dict:
    """What the last ``lessons verify`` measured, per lesson key ({} when it never ran here)."""
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("lessons", {})
    except (OSError, ValueError):
        return {}


def seeds_of(entry: dict) -> set[int]:
    """Every seed a stored lesson was run on: the measured ones and the held-out ones."""
    return set(entry.get("seeds", [])) | set(entry.get("holdout", {}).get("seeds", []))


def check_not_fewer_seeds(keys: list[str], seeds: list[int], path: Path = MEASURED_PATH) -> None:
    """ValueError when writing ``keys`` measured on ``seeds`` would replace a lesson measured on more seeds."""
    stored = load_measured(path)
    fewer = [k for k in keys if k in stored and len(seeds_of(stored[k])) > len(set(seeds))]
    if fewer:
        raise ValueError(f"{path} holds {', '.join(fewer)} measured on more seeds than the {len(set(seeds))} asked "
                         f"for; run on at least as many (with --holdout) or pass --force to replace them")


def save_measured(report: dict, path: Path = MEASURED_PATH) -> None:
    """Merge ``report``'s lessons into the file (verifying one lesson keeps the others' measurements)."""
    lessons = {**load_measured(path), **report["lessons"]}
    ordered = {e.key: lessons[e.key] for e in LESSONS if e.key in lessons}
    with atomic_file(path, "w") as handle:
        handle.write(json.dumps({"lessons": ordered}, indent=1) + "\n")
