"""Honest comparisons: McNemar's exact test on constructed predictions with known answers, the verdict built on
it, and macro-F1."""
from __future__ import annotations

import math

import pytest
import torch

from kdlab.evaluate import macro_f1, paired_counts
from kdlab.stats import mcnemar_exact, paired_verdict
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
