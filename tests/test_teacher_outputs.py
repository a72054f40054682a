"""Memory stays bounded: the teacher's outputs are cached whole when they fit the budget, cut down to what the loss
terms read when that fits, else computed per batch — with the same loss either way — and padded tokens never
count in the attention term."""
from __future__ import annotations

import time

import pytest
import torch

from kdlab import RunConfig, run_distillation
from kdlab.data import load_dataset
from kdlab.evaluate import predict
from kdlab.losses import DistillationLoss
from kdlab.losses.attention import attention_map_loss
from kdlab.models import InputSpec, build_model
from kdlab.runs.recording import run_recorded
from kdlab.runs.store import RunStore
from kdlab.teacher_outputs import MIB, teacher_outputs

# A synthetic long-sequence set: reviews of a few words padded to 128 tokens, so that every layer's attention maps
# of a 4-layer, 4-head teacher take about 1 MiB per review (129 x 129 x 16 floats).
LONG = RunConfig(dataset="reviews", dataset_kw={"n": 400, "seq_len": 128}, teacher="transformer-small",
                 student="transformer-tiny", terms={"soft": 0.5, "attention": 10.0}, teacher_epochs=1, epochs=1,
                 batch_size=32, baseline=False, train_fraction=1.0).validate()


@pytest.fixture(scope="module")
def long_pair():
    splits = load_dataset("reviews", seed=0, n=400, seq_len=128)
    spec = InputSpec.of(splits)
    teacher = build_model("transformer-small", spec, 0).eval().requires_grad_(False)
    student = build_model("transformer-tiny", spec, 1).eval()
    x = splits.x_train
    with torch.no_grad():
        loss = DistillationLoss(LONG, student(x[:2]), teacher(x[:2]))
    return teacher, student, x, splits.y_train, loss


def test_a_long_sequence_cache_would_exceed_the_budget_and_is_reduced_within_it(long_pair):
    teacher, _, x, _, loss = long_pair
    budget = 40 * MIB
    outputs = teacher_outputs(teacher, x, loss.needs, loss.reduce, budget)
    assert outputs.full_bytes > 5 * budget  # ~300 MiB for 300 reviews
    assert outputs.mode == "reduced" and outputs.bytes <= budget
    assert sum(t.numel() * t.element_size() for t in outputs.cached.tensors()) <= budget
    (kept,) = outputs.cached.attentions  # the one teacher layer the one student layer learns from
    assert kept.shape[1] == 1  # its heads averaged: 4 teacher heads, 2 student heads
    assert "reduced" in outputs.describe()


def test_below_even_the_reduced_size_the_teacher_runs_per_batch(long_pair):
    teacher, _, x, _, loss = long_pair
    outputs = teacher_outputs(teacher, x, loss.needs, loss.reduce, MIB)
    assert outputs.mode == "per_batch" and outputs.cached is None and outputs.bytes == 0
    assert "every batch" in outputs.describe()


def test_reduced_per_batch_and_full_outputs_give_the_same_loss(long_pair):
    teacher, student, x, y, loss = long_pair
    index = torch.arange(5, 37)
    with torch.no_grad():
        out = student(x[index])
        full = predict(teacher, x, loss.needs).map(lambda t: t[index])
        expected = loss(out, full, y[index])
        for budget in (40 * MIB, MIB):
            got = loss(out, teacher_outputs(teacher, x, loss.needs, loss.reduce, budget).batch(index), y[index])
            for name in expected:
                assert got[name].item() == pytest.approx(expected[name].item(), rel=1e-5), (budget, name)


def test_a_run_over_its_budget_completes_within_it_and_says_how():
    notes = []

    class Notes:
        def on_note(self, text):
            notes.append(text)

    result = run_distillation(LONG, listeners=[Notes()], cache_budget_bytes=40 * MIB)
    facts = result.summary()["teacher_outputs"]
    assert facts["mode"] == "reduced" and facts["bytes"] <= facts["budget_bytes"] < facts["full_bytes"]
    assert 0 <= result.student.test_acc <= 1
    assert notes and "reduced" in notes[0]


def test_padded_queries_do_not_count_in_the_attention_term():
    torch.manual_seed(0)
    s = [torch.softmax(torch.randn(2, 2, 5, 5), -1)]
    t = [torch.softmax(torch.randn(2, 2, 5, 5), -1)]
    mask = torch.tensor([[True, True, True, False, False], [True, True, True, True, False]])
    rows = [(b, q) for b in range(2) for q in range(5) if mask[b, q]]
    reference = sum(((s[0][b, :, q] - t[0][b, :, q]) ** 2).sum() for b, q in rows) / (len(rows) * 2 * 5)
    assert attention_map_loss(s, t, mask).item() == pytest.approx(reference.item(), rel=1e-6)
    garbage = [t[0].clone()]
    garbage[0][0, :, 3:] = 0.0  # padded rows changed: no effect
    assert attention_map_loss(s, garbage, mask).item() == pytest.approx(reference.item(), rel=1e-6)
    assert attention_map_loss(s, t).item() != pytest.approx(reference.item(), rel=1e-3)  # unmasked differs


def test_step_events_reach_the_store_within_a_second_on_a_long_epoch(tmp_path):
    """One epoch made to take ~3 s (a stop flag that sleeps at every step) with step events nominally every 10,000
    steps: the store still gets step events of epoch 1 well before the epoch ends."""
    class SlowStop:
        def is_set(self):
            time.sleep(0.06)
            return False

    store = RunStore(tmp_path / "runs.sqlite")
    config = RunConfig(dataset="digits", teacher="mlp-small", student="mlp-small", teacher_epochs=1, epochs=1,
                       batch_size=32, log_every=10_000, baseline=False, train_fraction=1.0).validate()
    run_distillation(config)  # the teacher is cached first: only the student's epoch is slow below
    run_id = store.create(config.to_dict(), "long-epoch", source="cli", status="running")
    seen_before_epoch_end = []

    class Watch:
        def on_epoch_end(self, event):
            if event.phase == "student":
                seen_before_epoch_end.extend(e for e in store.events(run_id) if e["phase"] == "student")

    started = time.monotonic()
    run_recorded(store, run_id, config, listeners=[Watch()], stop=SlowStop())
    assert time.monotonic() - started > 2.0
    steps = [e for e in seen_before_epoch_end if e["kind"] == "step"]
    assert len(steps) >= 3, steps  # about one every half second, each flushed to the store as it came
    assert all(e["epoch"] == 1 for e in steps)


def test_a_student_deeper_than_its_teacher_keeps_each_teacher_layer_once():
    splits = load_dataset("reviews", seed=0, n=200, seq_len=16)
    spec = InputSpec.of(splits)
    teacher = build_model("transformer", spec, 0, {"dim": 32, "depth": 2, "heads": 2}).eval().requires_grad_(False)
    student = build_model("transformer", spec, 1, {"dim": 32, "depth": 4, "heads": 4}).eval()
    x, y = splits.x_train, splits.y_train
    config = RunConfig(dataset="reviews", teacher="transformer", student="transformer",
                       terms={"attention": 1.0}).validate()
    with torch.no_grad():
        loss = DistillationLoss(config, student(x[:2]), teacher(x[:2]))
        reduced = loss.reduce(teacher(x[:8]).keep(loss.needs))
        assert len(reduced.attentions) == 2  # not one copy per student layer
        index = torch.arange(8)
        full = predict(teacher, x, loss.needs).map(lambda t: t[index])
        expected = loss(student(x[index]), full, y[index])["attention"]
        got = loss(student(x[index]), reduced, y[index])["attention"]
    assert got.item() == pytest.approx(expected.item(), rel=1e-6)
