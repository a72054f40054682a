"""Honest comparisons: is a difference between two models more than chance?

On digits the test set has 360 images, so one image is 0.28 points: a one-run gap of half a point is two images,
well inside what another seed would give. Two students evaluated on the same images are compared image by image
(McNemar's exact test): only the images where exactly one of them is right carry information, and under "no
difference" each of those is equally likely to favour either side.
"""
from __future__ import annotations

import math

SIGNIFICANCE = 0.05  # a difference is called one when chance would produce it less than 1 time in 20


def mcnemar_exact(only_a: int, only_b: int) -> float:
    """Two-sided p-value of McNemar's exact test: ``only_a`` images only model A got right, ``only_b`` only B.

    Under the null hypothesis each of the ``n = only_a + only_b`` discordant images favours A with probability
    1/2, so ``min(only_a, only_b)`` follows Binomial(n, 1/2); the p-value is twice its lower tail, at most 1. With
    no discordant image there is nothing to tell the models apart: p = 1.
    """
    n, k = only_a + only_b, min(only_a, only_b)
    if n == 0:
        return 1.0
    # log C(n, i) - n·ln 2 for i = 0..k, summed in log space: exact enough, and fast for tens of thousands of images
    logs = [math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) - n * math.log(2) for i in range(k + 1)]
    top = max(logs)
    return min(1.0, 2 * math.exp(top) * sum(math.exp(value - top) for value in logs))


def paired_verdict(only_student: int, only_baseline: int) -> tuple[str, float]:
    """``("better" | "worse" | "no_difference", p)`` for a distilled student against its baseline on one test set."""
    p = mcnemar_exact(only_student, only_baseline)
    if p >= SIGNIFICANCE or only_student == only_baseline:
        return "no_difference", p
    return ("better" if only_student > only_baseline else "worse"), p
