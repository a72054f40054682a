"""Mixup of the transfer set: the mixed batch and the mixed loss against a hand computation, the config's checks,
and a run from the CLI whose teacher scores every mixed batch and says what that cost."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from kdlab import ModelOutput, RunConfig
from kdlab.cli import main
from kdlab.losses import DistillationLoss
from kdlab.mixup import Mixup


def test_a_batch_is_mixed_with_a_shuffled_copy_of_itself():
    x = torch.arange(12.0).reshape(4, 3)
    mixup = Mixup(0.4, seed=3)
    mixed = mixup(x)
    lam = np.random.default_rng(3).beta(0.4, 0.4)  # the same draws, made here
    partner = torch.randperm(4, generator=torch.Generator().manual_seed(3)).tolist()
    assert mixup.lam == pytest.approx(lam) and mixup.partner.tolist() == partner
    for i in range(4):
        for j in range(3):
            assert mixed[i, j].item() == pytest.approx(lam * x[i, j].item() + (1 - lam) * x[partner[i], j].item())


def test_the_loss_mixes_the_labels_and_keeps_the_teachers_answer_on_the_mixed_input():
    torch.manual_seed(0)
    student, teacher = torch.randn(4, 3), torch.randn(4, 3)
    labels = torch.tensor([0, 1, 2, 1])
    mixup = Mixup(1.0, seed=5)
    mixup(torch.zeros(4, 2))  # draws λ and π
    config = RunConfig(terms={"soft": 0.25}, temperature=2.0)
    loss = DistillationLoss(config, ModelOutput(student), ModelOutput(teacher))
    parts = mixup.mixed_loss(lambda y: loss(ModelOutput(student), ModelOutput(teacher), y), labels)

    lam, partner = mixup.lam, mixup.partner.tolist()
    ce = 0.0
    kl = 0.0
    for i in range(4):
        log_q = torch.log_softmax(student[i], 0)
        ce += -(lam * log_q[labels[i]] + (1 - lam) * log_q[labels[partner[i]]]).item() / 4
        p, q = torch.softmax(teacher[i] / 2, 0), torch.softmax(student[i] / 2, 0)
        kl += sum(p[c].item() * math.log(p[c].item() / q[c].item()) for c in range(3)) / 4
    assert parts["ce"].item() == pytest.approx(ce, rel=1e-5)
    assert parts["soft"].item() == pytest.approx(4 * kl, rel=1e-5)  # no labels read: the same both times
    assert parts["total"].item() == pytest.approx(0.75 * ce + 0.25 * 4 * kl, rel=1e-5)


def test_mixup_is_checked_where_the_config_enters():
    RunConfig(mixup=0.2).validate()
    with pytest.raises(ValueError, match=r"mixup must be in \[0, 10\], got -1"):
        RunConfig(mixup=-1).validate()
    with pytest.raises(ValueError, match="the inputs of reviews are tokens, which cannot be blended"):
        RunConfig(dataset="reviews", teacher="transformer-small", student="transformer-tiny", mixup=0.2).validate()


def test_a_mixup_run_from_the_cli_scores_every_mixed_batch_and_says_what_it_cost(capsys):
    assert main(["distill", "--student", "mlp-small", "--epochs", "3", "--teacher-epochs", "4", "--batch-size", "128",
                 "--train-fraction", "1", "--mixup", "0.2", "--no-record", "--json"]) == 0
    out, err = capsys.readouterr()
    summary = json.loads(out.splitlines()[-1])
    assert summary["config"]["mixup"] == 0.2
    held = summary["teacher_outputs"]
    steps = 3 * math.ceil(1438 / 128)  # the 80 % of the 1,797 digits the student may see, 3 epochs
    assert held["mode"] == "mixed" and held["steps"] == steps and held["seconds"] > 0
    assert f"{steps} mixed batches" in err and "teacher run on every step" in err
    assert summary["student_acc"] > 0.5 and summary["baseline_acc"] > 0.5


def test_cross_entropy_of_mixed_labels_is_what_pytorch_computes_for_the_soft_label():
    """The mixup criterion equals CE against the blended one-hot label (why mixing the loss is mixing labels)."""
    logits, labels = torch.randn(5, 4), torch.tensor([0, 1, 2, 3, 0])
    mixup = Mixup(0.5, seed=1)
    mixup(torch.zeros(5, 1))
    mixed = mixup.mixed_loss(lambda y: {"ce": F.cross_entropy(logits, y)}, labels)["ce"]
    target = mixup.lam * F.one_hot(labels, 4) + (1 - mixup.lam) * F.one_hot(labels[mixup.partner], 4)
    torch.testing.assert_close(mixed, F.cross_entropy(logits, target.float()))
