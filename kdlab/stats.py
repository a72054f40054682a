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


CONFIDENCE = 0.95  # the intervals sweeps report: mean ± t(0.975, n-1)·s/√n
TIE = 1e-9  # seeds whose values differ by less than this (relative to their size) landed on the same value


def seed_summary(values) -> dict:
    """Mean, sample standard deviation, n and the 95 % t-interval of one quantity measured over seeds.

    ``low, high = mean ∓ t_{0.975, n-1} · s / √n`` with ``s`` the sample standard deviation (ddof = 1): the
    interval that covers the true mean 19 times in 20 when the seeds' results scatter normally.

    Every case has the same five keys, so a caller never guesses which are there: ``mean`` (None only for no
    values), ``std`` (None below two values: one run has no sample spread), ``n``, and ``low``/``high``, which are
    both numbers with ``low < mean < high`` or both None: *no interval* (``has_interval``). There is none from one
    seed (one run cannot say how far another seed would land), nor from seeds that all landed on the same value
    (accuracy moves in whole test images: two seeds one image ahead each is a tie, not a certainty); values equal
    but for float rounding (``0.1 + 0.1 + 0.1``, ``325/360 - 324/360`` against ``300/360 - 299/360``) are such a
    tie too, with ``std`` exactly 0.
    """
    from scipy.stats import t as student_t  # scipy comes with scikit-learn; imported here to keep kdlab light

    data = [float(v) for v in values]
    n = len(data)
    if n == 0:
        return {"mean": None, "std": None, "n": 0, "low": None, "high": None}
    low_value, high_value = min(data), max(data)
    mean = min(max(math.fsum(data) / n, low_value), high_value)  # rounding never puts the mean outside the data
    if n == 1:
        return {"mean": mean, "std": None, "n": 1, "low": None, "high": None}
    if high_value - low_value <= TIE * max(1.0, abs(low_value), abs(high_value)):
        return {"mean": mean, "std": 0.0, "n": n, "low": None, "high": None}
    std = math.sqrt(math.fsum((v - mean) ** 2 for v in data) / (n - 1))
    half = float(student_t.ppf(0.5 + CONFIDENCE / 2, n - 1)) * std / math.sqrt(n)
    return {"mean": mean, "std": std, "n": n, "low": mean - half, "high": mean + half}


def has_interval(summary: dict) -> bool:
    """Whether a ``seed_summary`` or ``difference_summary`` has an interval (else it is a point: see there)."""
    return summary.get("low") is not None and summary.get("high") is not None


def interval_verdict(summary: dict) -> str:
    """``"better"`` when a difference's whole interval is above zero, ``"worse"`` when below, else
    ``"no_difference"`` (it crosses zero, or there is no interval: fewer than two seeds, or a tie)."""
    if not has_interval(summary):
        return "no_difference"
    if summary["low"] > 0:
        return "better"
    return "worse" if summary["high"] < 0 else "no_difference"


def difference_summary(a, b) -> dict:
    """The difference of two means, ``mean(a) - mean(b)``, with its 95 % Welch t-interval (two groups of seeds,
    variances not assumed equal): ``se² = s_a²/n_a + s_b²/n_b``, degrees of freedom by Welch–Satterthwaite.
    Feed it to ``interval_verdict`` to ask whether cell A beats cell B. The same three keys in every case: ``diff``
    (None when a group is empty) and ``low``/``high``, both None when there is no interval (a group of one seed, or
    both groups without spread)."""
    from scipy.stats import t as student_t

    sa, sb = seed_summary(a), seed_summary(b)
    if sa["n"] == 0 or sb["n"] == 0:
        return {"diff": None, "low": None, "high": None}
    diff = sa["mean"] - sb["mean"]
    if sa["std"] is None or sb["std"] is None:
        return {"diff": diff, "low": None, "high": None}
    va, vb = sa["std"] ** 2 / sa["n"], sb["std"] ** 2 / sb["n"]
    if va + vb == 0:  # every seed agreed in both groups: no spread to measure a difference against
        return {"diff": diff, "low": None, "high": None}
    dof = (va + vb) ** 2 / (va ** 2 / (sa["n"] - 1) + vb ** 2 / (sb["n"] - 1))
    half = float(student_t.ppf(0.5 + CONFIDENCE / 2, dof)) * math.sqrt(va + vb)
    return {"diff": diff, "low": diff - half, "high": diff + half}
