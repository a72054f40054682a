"""Adversarial distillation (``adv``): the student's fooling loss and the discriminator's own loss against a
reference written here from the definition, the discriminator climbing its accuracy under its own SGD step, and a
run on the digits from the CLI with the discriminator's accuracy as a live curve."""
from __future__ import annotations

import json

import torch

from kdlab import ModelOutput, RunConfig
from kdlab.cli import main
from kdlab.losses import DistillationLoss, TermInputs
from kdlab.losses import term as term_spec

TINY = ["--student", "mlp-small", "--epochs", "3", "--teacher-epochs", "4", "--batch-size", "128", "--train-fraction", "1"]


def reference(weights, teacher_probs, student_probs, labels):
    """``(−mean log σ(D(p_s, y)), mean[−log σ(D(p_t, y)) − log(1 − σ(D(p_s, y)))])`` with ``D(v) = W2 ·
    leaky_relu(W1 v + b1, 0.2) + b2`` written out by hand, row by row."""
    w1, b1, w2, b2 = weights
    fool, d_loss = [], []
    for p_t, p_s, y in zip(teacher_probs, student_probs, labels.tolist()):
        onehot = torch.zeros(len(p_s), dtype=p_s.dtype)
        onehot[y] = 1

        def d(v):
            h = w1 @ torch.cat([v, onehot]) + b1
            return (w2 @ torch.where(h > 0, h, 0.2 * h) + b2)[0]

        fool.append(-torch.log(torch.sigmoid(d(p_s))))
        d_loss.append(-torch.log(torch.sigmoid(d(p_t))) - torch.log(1 - torch.sigmoid(d(p_s))))
    return torch.stack(fool).mean(), torch.stack(d_loss).mean()


def build(weight=2.0, **knobs):
    spec = term_spec("adv")
    config = RunConfig(terms={"adv": weight})
    s, t = ModelOutput(torch.randn(6, 4, dtype=torch.float64)), ModelOutput(3 * torch.randn(6, 4, dtype=torch.float64))
    torch.manual_seed(0)
    return spec.build(config, s, t, **(spec.knobs_in(config) | knobs)).double(), s, t


def test_the_value_is_the_fooling_loss_and_each_player_gets_only_its_own_gradient():
    module, s, t = build(weight=2.0)
    labels = torch.tensor([0, 1, 2, 3, 0, 1])
    student = s.logits.clone().requires_grad_()
    value = module(TermInputs(ModelOutput(student), t, [t.logits], labels, 0.5, 3.0))
    value.backward()

    weights = [p.detach().clone().requires_grad_() for p in module.discriminator.parameters()]
    ref_student = s.logits.clone().requires_grad_()
    p_s, p_t = torch.softmax(ref_student / 3, 1), torch.softmax(t.logits / 3, 1)
    fool, _ = reference([w.detach() for w in weights], p_t, p_s, labels)  # the student's game: D frozen
    fool.backward()
    _, d_loss = reference(weights, p_t, p_s.detach(), labels)  # D's game: the student's answer fixed
    (d_loss / 2.0).backward()  # divided by the term's weight

    torch.testing.assert_close(value, fool.detach())
    torch.testing.assert_close(student.grad, ref_student.grad)
    for param, ref in zip(module.discriminator.parameters(), weights):
        torch.testing.assert_close(param.grad, ref.grad)


def test_the_discriminator_maximises_its_accuracy_with_its_own_sgd_step():
    """A confident teacher against a student that answers uniformly: D's own step alone takes it from a guess to
    telling them apart every time, and the curve reports it."""
    config = RunConfig(terms={"soft": 0.5, "adv": 1.0})
    s = ModelOutput(torch.zeros(32, 10))
    t = ModelOutput(8 * torch.nn.functional.one_hot(torch.arange(32) % 10, 10).float())
    torch.manual_seed(0)
    loss = DistillationLoss(config, s, t)
    adam, sgd = loss.param_groups()
    assert adam == [] and [g["lr"] for g in sgd] == [0.05]  # the discriminator has its own optimizer
    optimizer = torch.optim.SGD(sgd)
    accuracies = []
    for _ in range(300):
        parts = loss(s, t, torch.arange(32) % 10)
        accuracies.append(parts["adv.accuracy"].item())
        optimizer.zero_grad()
        parts["total"].backward()
        optimizer.step()
    assert accuracies[-1] == 1.0 and accuracies[-1] > accuracies[0]


def test_adversarial_distillation_runs_on_digits_from_the_cli_with_the_discriminator_curve(capsys):
    assert main(["distill", *TINY, "--term", "adv=1", "--no-record", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["config"]["terms"] == {"soft": 0.9, "adv": 1.0}  # next to KD's soft targets, at their default
    assert summary["student_acc"] > 0.5


def test_the_accuracy_curve_reaches_the_epoch_events():
    from kdlab.train import run_distillation

    from .conftest import tiny_config

    seen = []

    class Curve:
        def on_epoch_end(self, event):
            if event.phase == "student":
                seen.append(event.metrics["adv.accuracy"])

    run_distillation(tiny_config(terms={"adv": 1.0}), [Curve()])
    assert len(seen) == 3 and all(0 <= a <= 1 for a in seen)
