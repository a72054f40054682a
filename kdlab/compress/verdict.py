"""What the measured variants say, as numbers and outcome keys the UI words: the frontier and the verdict.

Honest numbers: a variant's accuracy is called lower or higher than its original's only when McNemar's exact test
on the same test images says chance would rarely give such a split (``kdlab.stats.paired_verdict``); otherwise
the finding says "no measurable difference", whatever the gap in points.
"""
from __future__ import annotations

from ..stats import paired_verdict

COSTS = ("bytes", "latency_ms_batch1", "latency_ms_batch64", "flops")


def pareto_front(points: list[tuple[float, float]]) -> list[int]:
    """Indices of the points no other point beats: none is at most as costly (x) and at least as accurate (y),
    and strictly better in one. Sorted by cost, so joining them draws the frontier."""
    front = []
    for i, (cost, acc) in enumerate(points):
        dominated = any(c <= cost and a >= acc and (c < cost or a > acc) for j, (c, a) in enumerate(points) if j != i)
        if not dominated:
            front.append(i)
    return sorted(front, key=lambda i: (points[i][0], -points[i][1]))


def findings(rows: list[dict]) -> list[dict]:
    """One finding per variant, measured against the model it was made from (and, for a fine-tuned one, against
    the variant before fine-tuning: how many of the lost points it recovered).

    Each finding: ``name``, ``role``, ``outcome`` ("no_difference" | "better" | "worse"), ``p``, ``points`` (the
    accuracy change in percentage points), ``size_ratio`` (original bytes / variant bytes), ``speed_ratio``
    (original / variant latency at batch 64), and for a fine-tuned one ``source``, ``lost`` and ``recovered``."""
    by_name = {row["name"]: row for row in rows}
    out = []
    for row in rows:
        if "/" not in row["name"] or row["role"] not in by_name:
            continue
        original = by_name[row["role"]]
        paired = row.get("paired") or {"only_variant": 0, "only_original": 0}
        outcome, p = paired_verdict(paired["only_variant"], paired["only_original"])
        finding = {"name": row["name"], "role": row["role"], "outcome": outcome, "p": p,
                   "points": 100 * (row["accuracy"] - original["accuracy"]),
                   "size_ratio": original["bytes"] / row["bytes"],
                   "speed_ratio": original["latency_ms_batch64"] / row["latency_ms_batch64"]}
        steps = row.get("steps") or [{}]
        base_name = row["name"].rpartition("+")[0]  # the variant before its last step
        if steps[-1].get("step") == "finetune" and base_name in by_name:
            base = by_name[base_name]
            finding.update(source=steps[-1]["source"], lost=100 * (original["accuracy"] - base["accuracy"]),
                           recovered=100 * (row["accuracy"] - base["accuracy"]))
        out.append(finding)
    return out
