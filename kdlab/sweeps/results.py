"""A sweep's report, computed from its finished trials: one cell per set of axis values, with each seed's numbers
and mean, std, n and the 95 % t-interval of every metric; the best cell, and whether it is measurably best.

The verdict of a cell is read from the interval of its gain over the baseline (paired: same seed, same data,
same initial weights): "better" only when the whole interval is above zero, "worse" only when below.
"""
from __future__ import annotations

import json
from typing import Any

from ..stats import difference_summary, has_interval, interval_verdict, seed_summary
from .search import pruned_keys
from .spec import OBJECTIVES, SweepSpec, objective_value

METRICS = ("student_acc", "baseline_acc", "gain", "student_macro_f1", "macro_f1_gain", "agreement")


def seed_row(seed: int, run_id: str, summary: dict) -> dict[str, Any]:
    """One seed's numbers in a cell."""
    return {"seed": seed, "run_id": run_id, **{m: objective_value(summary, m) if m in OBJECTIVES else summary.get(m)
                                               for m in METRICS}}


def build_cells(trials: list[dict], order: list[dict] | None = None) -> list[dict[str, Any]]:
    """Group finished trials (``SweepRecords.trials`` rows) by their axis values; ``order``: the grid's cells, so
    cells come out in grid order (cells with no finished trial yet are left out)."""
    groups: dict[str, dict] = {}
    for trial in trials:
        if trial["status"] != "finished" or not trial["summary"]:
            continue
        key = json.loads(trial["key"])
        cell = groups.setdefault(json.dumps(key["values"], sort_keys=True),
                                 {"values": key["values"], "trial": key.get("trial"), "seeds": []})
        if all(row["seed"] != key["seed"] for row in cell["seeds"]):  # a trial redone after a crash counts once
            cell["seeds"].append(seed_row(key["seed"], trial["run_id"], trial["summary"]))
    rank = {json.dumps(v, sort_keys=True): i for i, v in enumerate(order or [])}
    cells = sorted(groups.items(), key=lambda item: rank.get(item[0], len(rank)))
    for name, cell in cells:  # the axes in the order they were given, not the key's sorted order
        cell["values"] = order[rank[name]] if name in rank else cell["values"]
    return [summarise_cell(cell) for _, cell in cells]


def summarise_cell(cell: dict) -> dict[str, Any]:
    cell["seeds"].sort(key=lambda row: row["seed"])
    stats = {m: seed_summary(v for v in (row[m] for row in cell["seeds"]) if v is not None) for m in METRICS}
    return {**cell, "n": len(cell["seeds"]), "stats": stats, "verdict": interval_verdict(stats["gain"])}


def best_cell(cells: list[dict], objective: str) -> dict[str, Any] | None:
    """The cell with the highest mean objective, and whether the interval of its lead over the runner-up is above
    zero (``clear``): with a few seeds the top two cells are often within noise of each other."""
    ranked = sorted((c for c in cells if c["stats"][objective]["mean"] is not None),
                    key=lambda c: c["stats"][objective]["mean"], reverse=True)
    if not ranked:
        return None
    best = ranked[0]
    lead = None
    if len(ranked) > 1:
        values = [[row[objective] for row in c["seeds"] if row[objective] is not None] for c in ranked[:2]]
        lead = difference_summary(*values)
    return {"values": best["values"], "objective": objective, **best["stats"][objective], "lead": lead,
            "clear": lead is not None and interval_verdict(lead) == "better"}


def seeds_not_run(trials: list[dict], pruned: list[dict], seeds: list[int]) -> int:
    """The seeds of pruned search trials that were never started: they leave the sweep's total."""
    started: dict[int, set] = {}
    for trial in trials:
        key = json.loads(trial["key"])
        started.setdefault(key.get("trial"), set()).add(key["seed"])
    return sum(len(seeds) - len(started[number]) for number in {p["key"]["trial"] for p in pruned})


def sweep_report(sweep_id: str, spec: SweepSpec, trials: list[dict]) -> dict[str, Any]:
    """What ``kdlab sweep --json`` prints and the sweep's row keeps: every cell, the best, the counts."""
    cells = build_cells(trials, spec.cells() if spec.kind == "grid" else None)
    finished = {t["key"] for t in trials if t["status"] == "finished"}
    failed = [{"key": json.loads(t["key"]), "run_id": t["run_id"], "error": t["error"]}
              for t in trials if t["status"] == "failed" and t["key"] not in finished]
    pruned_runs = pruned_keys(trials)
    pruned = [{"key": json.loads(t["key"]), "run_id": t["run_id"], "error": t["error"]}
              for t in trials if t["key"] in pruned_runs]
    return {"sweep_id": sweep_id, "kind": spec.kind, "objective": spec.objective,
            "axes": spec.axes if spec.kind == "grid" else {k: v.ends() for k, v in spec.ranges.items()},
            "seeds": spec.seeds, "trials_done": len(finished) + len(pruned), "trials_total": spec.total() - seeds_not_run(trials, pruned, spec.seeds),
            "failed": failed, "pruned": pruned,
            "cells": cells, "best": best_cell(cells, spec.objective)}


def describe(values: dict) -> str:
    return " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in values.items())


def interval_text(stats: dict, objective: str) -> str:
    """``"95.3% ± 0.4 (n=3, 95% CI 94.3..96.3)"`` in points for accuracies and gains."""
    if stats.get("mean") is None:
        return "no value"
    scale = 100.0
    text = f"{objective} {stats['mean'] * scale:+.2f}" if "gain" in objective else \
        f"{objective} {stats['mean'] * scale:.2f}%"
    if not has_interval(stats):  # one seed, or seeds that all tied: a point, not a certainty
        why = "one seed" if stats["n"] < 2 else "every seed gave the same value"
        return text + f" (n={stats['n']}, no interval: {why})"
    return text + f" ± {stats['std'] * scale:.2f} (n={stats['n']}, 95% CI {stats['low'] * scale:.2f}..{stats['high'] * scale:.2f})"
