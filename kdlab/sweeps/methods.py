"""A methods comparison: every registered method on the same pair, data, schedule and seeds.

A method is one loss term next to cross-entropy at the term's default weight — the way mdistiller and RepDistiller
run them (``kd`` is the classic ``(1-α)·CE + α·T²·KL``). Per seed, the baseline ``ce`` (cross-entropy alone) is
trained once, from the same initial weights as every method's student of that seed, so the gain over it is paired
by seed and its seed-to-seed interval says whether a method helped more than the noise. The list of methods is the
loss-term registry's.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace

from ..config import RunConfig, check_seed
from ..errors import UserError
from ..method_choice import method_config
from ..losses import LossTerm, terms
from ..stats import interval_verdict, seed_summary
from ..viz import numbers


def methods() -> dict[str, LossTerm]:
    """Each registered term but cross-entropy, by its method name ("kd", "dkd", "at", ...)."""
    return {spec.method: spec for spec in terms() if not spec.complement}


BASELINE = next(spec.method for spec in terms() if spec.complement)  # cross-entropy alone, the registry's "ce"


@dataclass
class Plan:
    runs: list[tuple[str, int, RunConfig]]  # (method, seed, config), in the order they run
    skipped: dict[str, str]  # method -> why it does not apply to this pair


def plan(base: RunConfig, names: list[str], seeds: list[int]) -> Plan:
    """The runs of a comparison; a method that does not apply to the pair is skipped with the reason. Unknown
    method names and an empty list of seeds are a ``ValueError``."""
    known = methods()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UserError("methods.unknown", "unknown methods {names}; choose from {choices}",
                        names=", ".join(map(str, unknown))[:120], choices=", ".join(known))
    if not seeds:
        raise UserError("methods.no_seed", "seeds must be one or more integers >= 0, e.g. 0,1,2")
    for seed in seeds:  # each one here: a bad seed would otherwise fail only once its runs had started
        check_seed(seed, "seed")
    runs = [(BASELINE, seed, replace(method_config(base, None), seed=seed)) for seed in seeds]
    skipped = {}
    for name in names:
        try:
            config = method_config(base, known[name]).validate()
        except ValueError as err:
            skipped[name] = str(err)
            continue
        runs += [(name, seed, replace(config, seed=seed)) for seed in seeds]
    return Plan(runs, skipped)


@dataclass
class Progress:
    """Where a comparison stands in the run store: the finished runs' summaries by method, the planned runs not
    started yet (in plan order), how many are queued or running, and the failed ones with their errors."""

    results: dict[str, list[dict]]
    missing: list[tuple[str, int, RunConfig]]
    active: int
    failed: list[tuple[str, int, str]]

    @property
    def done(self) -> int:
        return sum(len(summaries) for summaries in self.results.values())


def progress(runs: list[tuple[str, int, RunConfig]], records) -> Progress:
    """Match a plan's runs (configs as the server admitted them) with stored run records by their whole config, so
    a comparison is rebuilt from the store alone — after a refresh, in another tab — and nothing is run twice.
    The newest record of a config counts; a failed or cancelled one is reported and not retried."""
    newest: dict[str, object] = {}
    for record in records:  # the store lists newest first
        newest.setdefault(json.dumps(record.config, sort_keys=True), record)
    results: dict[str, list[dict]] = {}
    missing, failed, active = [], [], 0
    for name, seed, config in runs:
        record = newest.get(json.dumps(config.to_dict(), sort_keys=True))
        if record is None or record.status == "interrupted":
            missing.append((name, seed, config))
        elif record.status == "finished":
            results.setdefault(name, []).append(record.summary)
        elif record.status in ("queued", "running"):
            active += 1
        else:
            failed.append((name, seed, record.error or record.status))
    return Progress(results, missing, active, failed)


def table(results: dict[str, list[dict]], skipped: dict[str, str]) -> list[dict]:
    """One row per method (the baseline first) from its runs' summaries: mean ± std of test accuracy and of the
    gain over the baseline of the same seed (percentage points), its 95 % interval and verdict, macro-F1 and
    seconds per run. A method's seeds without a finished baseline yet count for its accuracy, not its gain."""
    baseline = {s["config"]["seed"]: s["student_acc"] for s in results.get(BASELINE, [])}
    rows = []
    for name, summaries in results.items():
        acc = seed_summary([100 * s["student_acc"] for s in summaries])
        gain = seed_summary([100 * (s["student_acc"] - baseline[s["config"]["seed"]]) for s in summaries
                             if s["config"]["seed"] in baseline])
        paper = "—" if name == BASELINE else methods()[name].paper
        rows.append({"method": name, "baseline": name == BASELINE, "paper": paper, "n": acc["n"],
                     "acc_mean": acc["mean"], "acc_std": acc["std"],
                     "macro_f1_mean": seed_summary([100 * s["student_macro_f1"] for s in summaries])["mean"],
                     "gain_mean": gain["mean"], "gain_std": gain["std"], "gain_low": gain["low"],
                     "gain_high": gain["high"], "verdict": interval_verdict(gain),
                     "seconds_mean": seed_summary([s["distill_seconds"] for s in summaries])["mean"]})
    rows += [{"method": name, "skipped": reason} for name, reason in skipped.items()]
    return rows


def written(row: dict) -> dict[str, str]:
    """A row of ``table`` as a person writes it, for the page: accuracies and macro-F1 in % with one decimal, the
    spread as "± 0.3", gains in signed points ("−0.8"), time per run; what does not exist is a dash, never "None"
    (the baseline's gain over itself, an interval from one seed or from seeds that tied)."""
    def pct(value):  # already in %
        return numbers.percent_number(None if value is None else value / 100)

    def pts(value):  # already in points
        return numbers.signed_points(None if value is None else value / 100)

    spread = pct(row["acc_std"])
    gains = ("gain_mean", "gain_low", "gain_high")
    return {"method": row["method"], "n": numbers.count(row["n"]), "acc_mean": pct(row["acc_mean"]),
            "acc_std": spread if spread == numbers.MISSING else f"± {spread}",
            "macro_f1_mean": pct(row["macro_f1_mean"]),
            **{key: numbers.MISSING if row["baseline"] else pts(row[key]) for key in gains},
            "seconds_mean": numbers.seconds(row["seconds_mean"]),
            "paper": numbers.MISSING if row["baseline"] else row["paper"]}
