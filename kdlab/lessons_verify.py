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

import argparse
import datetime
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path

import torch

from .evaluate import paired_counts, predict
from .lessons import LESSONS, Claim, Lesson, lesson
from .stats import interval_verdict, paired_verdict, seed_summary
from .tensor_files import atomic_file
from .train import run_distillation
from .viz.metrics import information_left, logit_scale, unseen_class_recall

MEASURED_PATH = Path(__file__).with_name("lessons_measured.json")
SCALE_TEMPERATURES = [round(0.5 * 1.06 ** k, 3) for k in range(90)]  # 0.5 .. about 95, for ``logit_scale``


def _run(config, seed: int, unseen: int | None) -> tuple[dict, torch.Tensor, torch.Tensor]:
    """One preset on one seed: its numbers, the distilled student's test logits and the test labels."""
    result = run_distillation(replace(config, seed=seed).validate())
    summary, splits = result.summary(), result.splits
    student = predict(result.models["student"], splits.x_test).logits.float().cpu()
    teacher = predict(result.models["teacher"], splits.x_test).logits.float().cpu()
    scale = logit_scale(teacher, SCALE_TEMPERATURES)
    paired = summary["paired"]
    numbers = {"seed": seed, "teacher_acc": summary["teacher_acc"], "student_acc": summary["student_acc"],
               "baseline_acc": summary["baseline_acc"],
               "gain_points": 100 * (summary["student_acc"] - summary["baseline_acc"]),
               "only_student": paired["only_student"], "only_baseline": paired["only_baseline"],
               "images": paired["images"], "distill_seconds": summary["distill_seconds"],
               "teacher_logit_std": scale["std"], "teacher_flat_from": scale["flat_from"],
               "teacher_information_at_t": float(information_left(teacher, [config.temperature])[0]
                                                 / torch.log(torch.tensor(float(teacher.shape[1]))))}
    if unseen is not None:
        y = splits.y_test.cpu()
        baseline = predict(result.models["baseline"], splits.x_test).logits.float().cpu()
        numbers["unseen_recall_student"] = unseen_class_recall(student, y, unseen, [0.0])[0]
        numbers["unseen_recall_baseline"] = unseen_class_recall(baseline, y, unseen, [0.0])[0]
        x_seen = splits.x_train[splits.y_train != unseen]
        numbers["unseen_soft_target"] = unseen_evidence(predict(result.models["teacher"], x_seen).logits.float().cpu(),
                                                        unseen, config.temperature)
    return numbers, student, splits.y_test.cpu()


def unseen_evidence(teacher_logits: torch.Tensor, cls: int, temperature: float) -> dict:
    """How much the teacher's soft targets on images of *other* classes say about class ``cls`` at ``temperature``:
    the largest and the mean probability they give it, against ``1/C`` (uniform: nothing to learn from)."""
    probs = torch.softmax(teacher_logits.double() / temperature, -1)[:, cls]
    return {"max": probs.max().item(), "mean": probs.mean().item(), "uniform": 1 / teacher_logits.shape[-1]}


def measure(entry: Lesson, seeds: list[int], progress=None) -> dict:
    """Every seed's numbers of the lesson (and of its contrast preset), pooled, and its claim checked."""
    runs = []
    for seed in seeds:
        numbers, student, labels = _run(entry.config, seed, entry.unseen_class)
        if entry.contrast is not None:
            other, other_student, _ = _run(entry.contrast, seed, entry.unseen_class)
            pair = paired_counts(student, other_student, labels)
            numbers["contrast"] = {**other, "vs_student_gain_points": 100 * float(
                ((student.argmax(1) == labels).float().mean() - (other_student.argmax(1) == labels).float().mean())),
                "only_lesson": pair["only_student"], "only_contrast": pair["only_baseline"]}
        runs.append(numbers)
        if progress:
            progress(f"{entry.key} seed {seed}: student {numbers['student_acc']:.2%} "
                     f"baseline {numbers['baseline_acc']:.2%}")
    report = {"key": entry.key, "seeds": list(seeds), "claim": asdict(entry.claim), "runs": runs,
              "config": entry.config.to_dict(), "contrast_config": entry.contrast and entry.contrast.to_dict(),
              "pooled": pooled(runs, entry.claim.against), "gain": _gain_summary(runs, entry.claim.against)}
    report["checks"] = check(entry.claim, runs, report["pooled"])
    report["holds"] = all(c["holds"] for c in report["checks"])
    return report


def _gain(run: dict, against: str) -> float:
    return run["contrast"]["vs_student_gain_points"] if against == "contrast" else run["gain_points"]


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
    return checks


HOLDOUT_PARTS = ("seeds", "runs", "pooled", "gain", "checks", "holds")


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


def parse_seeds(text: str, flag: str = "--seeds") -> list[int]:
    try:
        seeds = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise ValueError(f"{flag} takes whole numbers like 0,1,2; got {text!r}") from None
    if not seeds or min(seeds) < 0 or len(set(seeds)) != len(seeds):
        raise ValueError(f"{flag} takes distinct whole numbers >= 0 like 0,1,2; got {text!r}")
    return seeds


def add_lessons_parser(commands) -> None:
    lessons = commands.add_parser("lessons", help="the classroom lessons: verify their claims")
    actions = lessons.add_subparsers(dest="lessons_command", required=True, parser_class=type(lessons))
    run = actions.add_parser("verify", help="run every lesson's preset over seeds and check its claim")
    run.add_argument("--seeds", default="0,1,2", help="seeds to run, e.g. 0,1,2 (paired tests pool over them)")
    run.add_argument("--holdout", default=None,
                     help="a second, disjoint seed set every claim is checked on as well, e.g. 3,4,5")
    run.add_argument("--lesson", action="append", default=None, choices=[e.key for e in LESSONS],
                     help="only this lesson (repeatable)")
    run.add_argument("--fast", action="store_true", help="only the lessons the test suite verifies")
    run.add_argument("--write", action="store_true",
                     help="keep the measurements (merged per lesson into --output); without it nothing is written")
    run.add_argument("--output", default=str(MEASURED_PATH), help="where --write keeps the measurements")
    run.add_argument("--force", action="store_true",
                     help="with --write, replace lessons that were measured on more seeds than this run")
    run.add_argument("--json", action="store_true", help="print the report as one JSON line at the end")


def _checks_line(checks: list[dict]) -> str:
    return ", ".join(f"{c['check']}={'ok' if c['holds'] else 'FAILS'}" for c in checks)


def command_lessons(args: argparse.Namespace) -> int:
    """Exit 0 when every claim holds, 1 when one does not (the report says which)."""
    keys = args.lesson or [e.key for e in LESSONS if e.fast or not args.fast]
    seeds = parse_seeds(args.seeds)
    holdout = parse_seeds(args.holdout, "--holdout") if args.holdout else None
    if args.write and not args.force:  # before minutes of training, not after
        check_not_fewer_seeds(keys, seeds + (holdout or []), Path(args.output))
    report = verify(keys, seeds, progress=lambda line: print(line, file=sys.stderr), holdout=holdout)
    if args.write:
        save_measured(report, Path(args.output))
    for key, entry in report["lessons"].items():
        parts = _checks_line(entry["checks"])
        if "holdout" in entry:
            parts += "; on the holdout: " + _checks_line(entry["holdout"]["checks"])
        print(f"{key:18} {'holds' if entry['holds'] else 'FAILS':6} {parts}")
    if args.json:
        print(json.dumps(report))
    return 0 if report["holds"] else 1
