"""The language-model lessons' measurements on things whose answer is known: the entropy of text read back by a
model whose next-token distribution is fixed, the teacher's sampled tokens against its soft targets, and the
claims' checks on hand-made numbers (one seed that misses a claim fails it)."""
from __future__ import annotations

import math

import torch
from torch import nn

from kdlab.data import load_dataset
from kdlab.language import text_entropy
from kdlab.lessons import Claim
from kdlab.lessons_language import TEMPERATURES, language_checks, teacher_at_temperatures
from kdlab.lessons_verify import check
from kdlab.models import ModelOutput, build_model, InputSpec


class FixedNextToken(nn.Module):
    """A language model whose next-token logits are the same after every prefix: ``logits`` [V]."""

    def __init__(self, logits: list[float]):
        super().__init__()
        self.logits = nn.Parameter(torch.tensor(logits))

    def forward(self, x: torch.Tensor) -> ModelOutput:
        return ModelOutput(logits=self.logits.expand(*x.shape, -1), features={})


def test_text_entropy_is_the_mean_surprisal_in_bits_of_the_real_tokens_only():
    uniform = FixedNextToken([0.0] * 8)
    assert math.isclose(text_entropy(uniform, [[1, 2, 3], [4]], start=1), 3.0, rel_tol=1e-6)
    skewed = FixedNextToken([0.0, math.log(3.0), 0.0, 0.0])  # p = (1/6, 1/2, 1/6, 1/6)
    # three tokens: 1 (1 bit), 2 (log2 6 bits), 1 (1 bit); the second text's padding counts for nothing
    expected = (1 + math.log2(6) + 1) / 3
    assert math.isclose(text_entropy(skewed, [[1, 2], [1]], start=3), expected, rel_tol=1e-6)


def test_the_teachers_sampled_tokens_follow_its_soft_targets_and_its_text_spreads_as_t_rises():
    splits = load_dataset("tinylang", 0, n=60)
    torch.manual_seed(0)
    teacher = build_model("gpt", InputSpec.of(splits), knobs={"dim": 16, "depth": 1, "heads": 2})
    at = teacher_at_temperatures(teacher, splits, seed=0, count=20, draws=100)  # about 12,000 draws per T
    assert at["temperatures"] == list(TEMPERATURES)
    assert max(at["sampling_tv"]) < 0.05  # the same softmax, up to the draws' noise (about 0.02)
    assert at["soft_entropy"] == sorted(at["soft_entropy"])  # softer as T rises
    assert all(0 <= share <= 1 for share in at["grammatical"])


def _run(seed, entropy, distinct, other_entropy, other_distinct):
    return {"seed": seed, "text_entropy": entropy, "distinct_2": distinct,
            "contrast": {"text_entropy": other_entropy, "distinct_2": other_distinct}}


def test_less_diverse_holds_only_when_every_seeds_text_is_below_the_comparisons_on_both_measures():
    runs = [_run(0, 0.59, 0.010, 0.62, 0.011), _run(1, 0.61, 0.012, 0.62, 0.011)]
    checks = {c["check"]: c["holds"] for c in language_checks(Claim(less_diverse=True), runs)}
    assert checks == {"less_diverse_text_entropy": True, "less_diverse_distinct_2": False}


def test_the_temperature_claim_fails_on_a_seed_whose_text_does_not_spread_or_whose_samples_stray():
    steady = {"soft_entropy": [0.4, 0.5, 2.2], "text_entropy": [0.4, 0.6, 3.4], "distinct_2": [0.003, 0.01, 0.03],
              "sampling_tv": [0.004, 0.003, 0.008]}
    flat = {**steady, "distinct_2": [0.003, 0.02, 0.01], "sampling_tv": [0.004, 0.03, 0.008]}
    claim = Claim(same_softmax=0.02, warmer_more_diverse=True)
    good = {c["check"]: c["holds"] for c in check(claim, [{"teacher_at_t": steady}] * 2, {})}
    assert all(good.values()) and len(good) == 4
    bad = {c["check"]: c["holds"] for c in check(claim, [{"teacher_at_t": steady}, {"teacher_at_t": flat}], {})}
    assert bad == {"same_softmax": False, "warmer_soft_entropy": True, "warmer_text_entropy": True,
                   "warmer_distinct_2": False}
