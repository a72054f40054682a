"""Honest comparisons: McNemar's exact test on constructed predictions with known answers, the verdict built on
it, and macro-F1; the seed statistics' one shape for every case (none, one seed, a tie, a spread), by property."""
from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from kdlab.evaluate import macro_f1, paired_counts
from kdlab.stats import (difference_summary, has_interval, interval_verdict, mcnemar_exact, paired_verdict,
                         seed_summary)
from kdlab.viz.summary import verdict


def test_mcnemar_with_no_discordant_image_cannot_tell_the_models_apart():
    assert mcnemar_exact(0, 0) == 1.0
    assert paired_verdict(0, 0) == ("no_difference", 1.0)


def test_mcnemar_is_symmetric_and_one_for_equal_counts():
    assert mcnemar_exact(7, 7) == 1.0
    assert mcnemar_exact(3, 12) == mcnemar_exact(12, 3)


def test_mcnemar_matches_the_binomial_tail_by_hand():
    assert mcnemar_exact(10, 0) == pytest.approx(2 / 2**10)  # 10 discordant, all one way
    assert mcnemar_exact(8, 2) == pytest.approx(2 * (1 + 10 + 45) / 2**10)  # 2·P(X ≤ 2), X ~ Bin(10, 1/2)
    assert mcnemar_exact(22, 4) == pytest.approx(2 * sum(math.comb(26, i) for i in range(5)) / 2**26)


def test_a_two_image_gap_is_no_difference_and_a_clear_one_is_called():
    assert paired_verdict(3, 5)[0] == "no_difference"  # "0.6 points below the baseline" on digits: two images
    assert paired_verdict(22, 4)[0] == "better"
    assert paired_verdict(4, 22)[0] == "worse"


def test_paired_counts_count_only_the_images_where_exactly_one_is_right():
    labels = torch.tensor([0, 1, 2, 0, 1])
    a = torch.nn.functional.one_hot(torch.tensor([0, 1, 0, 1, 1]), 3).float()  # right on 0, 1, 4
    b = torch.nn.functional.one_hot(torch.tensor([0, 0, 2, 1, 1]), 3).float()  # right on 0, 2, 4
    assert paired_counts(a, b, labels) == {"only_student": 1, "only_baseline": 1, "images": 5}


def summary(student, baseline, paired=None):
    return dict(teacher_acc=0.95, student_acc=student, baseline_acc=baseline, teacher_params=1000,
                student_params=100, teacher_size_bytes=4000, student_size_bytes=500, paired=paired)


@pytest.mark.parametrize("only_student, only_baseline, kind", [(3, 5, "no_difference"), (22, 4, "helped"),
                                                               (4, 22, "hurt"), (0, 0, "no_difference")])
def test_the_verdict_follows_the_paired_test_not_the_size_of_the_gap(only_student, only_baseline, kind):
    result = verdict(summary(0.90, 0.90 + (only_baseline - only_student) / 360,
                             {"only_student": only_student, "only_baseline": only_baseline, "images": 360}))
    assert result["kind"] == kind
    assert result["p_value"] == pytest.approx(mcnemar_exact(only_student, only_baseline))


def test_a_run_without_paired_counts_is_untested_and_without_a_baseline_has_no_verdict():
    assert verdict(summary(0.9, 0.8))["kind"] == "untested"
    result = verdict(summary(0.9, None))
    assert result["kind"] is None and result["gain_points"] is None and result["p_value"] is None
    assert result["param_ratio"] == pytest.approx(10.0) and result["teacher_gap_points"] == pytest.approx(5.0)


def test_macro_f1_by_hand():
    labels = torch.tensor([0, 0, 0, 1])
    logits = torch.nn.functional.one_hot(torch.tensor([0, 0, 1, 1]), 2).float()
    # class 0: TP 2, FP 0, FN 1 -> F1 4/5; class 1: TP 1, FP 1, FN 0 -> F1 2/3
    assert macro_f1(logits, labels, 2) == pytest.approx((4 / 5 + 2 / 3) / 2)
    assert macro_f1(logits, labels, 3) == pytest.approx((4 / 5 + 2 / 3 + 0) / 3)  # a class never seen counts 0


def test_mcnemar_on_tens_of_thousands_of_images_matches_the_normal_approximation():
    """IMDb-sized: 25,000 discordant reviews. The exact tail, computed in log space, agrees with the continuity-
    corrected normal approximation, which is excellent at this n."""
    only_a, only_b = 12_300, 12_700
    n = only_a + only_b
    z = (abs(only_a - only_b) - 1) / math.sqrt(n)
    normal = math.erfc(z / math.sqrt(2))
    assert mcnemar_exact(only_a, only_b) == pytest.approx(normal, rel=0.02)


# --- one shape for every case: property tests over the seeds a sweep, a lesson or a methods comparison can give ---

PROPERTY = settings(deadline=None, database=None)  # scipy's first import is slow; no .hypothesis folder in the tree
KEYS = {"mean", "std", "n", "low", "high"}
VERDICTS = {"better", "worse", "no_difference"}
accuracy = st.floats(0, 1, allow_nan=False)
gain = st.floats(-1, 1, allow_nan=False)
many_gains = st.lists(gain, max_size=8)
# seeds that all tie: one value repeated, or the same number of test images gained computed from different counts
tied_gains = st.builds(lambda value, n: [value] * n, gain, st.integers(2, 8)) | st.builds(
    lambda images, lead, seeds: [(k + lead) / images - k / images for k in seeds],
    st.integers(100, 20_000), st.integers(-5, 5), st.lists(st.integers(0, 90), min_size=2, max_size=8))


def assert_one_shape(summary: dict, values: list[float]) -> None:
    """The invariant every caller relies on (``seed_summary``'s docstring)."""
    assert set(summary) == KEYS and summary["n"] == len(values)
    assert (summary["mean"] is None) == (not values)
    assert (summary["std"] is None) == (len(values) < 2)
    assert (summary["low"] is None) == (summary["high"] is None) == (not has_interval(summary))
    assert all(v is None or math.isfinite(v) for v in summary.values())
    if values:
        assert min(values) <= summary["mean"] <= max(values)
    if has_interval(summary):
        assert len(values) >= 2 and summary["std"] > 0 and summary["low"] < summary["mean"] < summary["high"]
    assert interval_verdict(summary) in VERDICTS
    if not has_interval(summary):
        assert interval_verdict(summary) == "no_difference"


@PROPERTY
@given(many_gains)
def test_every_seed_summary_has_one_shape(values):
    assert_one_shape(seed_summary(values), values)


@PROPERTY
@given(tied_gains)
def test_seeds_that_tie_give_no_interval_and_no_verdict_even_through_float_rounding(values):
    summary = seed_summary(values)
    assert_one_shape(summary, values)
    assert summary["std"] == 0.0 and not has_interval(summary) and interval_verdict(summary) == "no_difference"


def test_three_equal_gains_are_a_tie_though_their_float_mean_is_not_the_value():
    assert seed_summary([0.1, 0.1, 0.1])["low"] is None  # fsum/3 rounds: a naive std is 1.7e-17, not 0
    assert interval_verdict(seed_summary([0.1, 0.1, 0.1])) == "no_difference"


@PROPERTY
@given(many_gains, many_gains)
def test_every_difference_summary_has_one_shape(a, b):
    d = difference_summary(a, b)
    assert set(d) == {"diff", "low", "high"} and (d["diff"] is None) == (not a or not b)
    assert (d["low"] is None) == (d["high"] is None)
    assert all(v is None or math.isfinite(v) for v in d.values())
    if has_interval(d):
        assert d["low"] < d["diff"] < d["high"]
    else:
        assert interval_verdict(d) == "no_difference"


@PROPERTY
@given(tied_gains, tied_gains)
def test_two_groups_that_each_tie_have_no_interval_for_their_difference(a, b):
    assert not has_interval(difference_summary(a, b))


@PROPERTY
@given(st.integers(0, 5000), st.integers(0, 5000))
def test_mcnemar_is_a_probability_symmetric_in_its_counts_and_its_verdict_one_of_three(only_a, only_b):
    p = mcnemar_exact(only_a, only_b)
    assert 0 <= p <= 1 and p == mcnemar_exact(only_b, only_a)  # 0 where 2·2⁻¹⁰⁷⁵ underflows
    outcome, same_p = paired_verdict(only_a, only_b)
    assert outcome in VERDICTS and same_p == p
    assert outcome == "no_difference" if only_a == only_b else True
