"""End-to-end runs on real digits: accuracy, events, the teacher cache, cancellation, determinism."""
from __future__ import annotations

import threading

import pytest
import torch

from kdlab import RunCancelled, TrainingDiverged, run_distillation
from kdlab.data import load_dataset, transfer_indices
from kdlab.evaluate import predict
from kdlab.teachers import teacher_path
from kdlab.measures import unseen_class_recall

from .conftest import tiny_config


class Recorder:
    def __init__(self):
        self.events, self.phases = [], []

    def on_step(self, event):
        self.events.append(event)

    def on_epoch_end(self, event):
        self.events.append(event)

    def on_phase_start(self, phase):
        self.phases.append(phase)


@pytest.fixture(scope="module")
def first_run():
    teacher_path(tiny_config()).unlink(missing_ok=True)  # other modules may have cached this teacher already
    recorder = Recorder()
    result = run_distillation(tiny_config(), listeners=[recorder])
    return result, recorder


def test_a_digits_run_is_far_above_chance_and_reports_every_number(first_run):
    result, _ = first_run
    summary = result.summary()
    assert summary["teacher_acc"] > 0.85 and summary["student_acc"] > 0.7 and summary["baseline_acc"] > 0.7
    for role in ("teacher", "student", "baseline"):
        assert len(summary["per_class_acc"][role]) == 10
    assert summary["teacher_params"] > summary["student_params"] > 0
    assert summary["distill_seconds"] > 0 and summary["samples_per_second"] > 0
    assert summary["device"] == "cpu"
    assert set(summary["latency_ms"]) == {"teacher", "student", "baseline"}  # measured once, kept with the run
    assert all(0 < ms < 1000 for ms in summary["latency_ms"].values())


def test_events_carry_losses_accuracy_agreement_and_monotone_progress(first_run):
    _, recorder = first_run
    assert recorder.phases == ["teacher", "baseline", "student"]
    student_epochs = [e for e in recorder.events if e.phase == "student" and e.kind == "epoch"]
    assert [e.epoch for e in student_epochs] == [1, 2, 3]
    assert {"ce", "soft", "total", "train_acc", "test_acc", "agreement", "kl_to_teacher"} <= set(
        student_epochs[-1].metrics)
    steps = [e for e in recorder.events if e.kind == "step"]
    assert steps and all(set(e.metrics) >= {"ce", "total", "train_acc"} for e in steps)
    progress = [e.progress for e in recorder.events]
    assert progress == sorted(progress) and progress[-1] == 1.0


def test_the_cached_teacher_is_reused_and_no_teacher_is_trained(first_run):
    assert teacher_path(tiny_config()).exists()
    recorder = Recorder()
    result = run_distillation(tiny_config(seed=0, temperature=7.0, terms={"soft": 0.5}), listeners=[recorder])
    assert result.teacher_cached
    assert "teacher" not in recorder.phases
    assert result.teacher.test_acc == first_run[0].teacher.test_acc


def test_same_seed_gives_identical_students_on_cpu(first_run):
    again = run_distillation(tiny_config())
    for a, b in zip(first_run[0].models["student"].state_dict().values(), again.models["student"].state_dict().values()):
        assert torch.equal(a, b)


def test_alpha_zero_trains_exactly_the_baseline():
    result = run_distillation(tiny_config(terms={"soft": 0.0}))
    student, baseline = result.models["student"], result.models["baseline"]
    for a, b in zip(student.state_dict().values(), baseline.state_dict().values()):
        assert torch.equal(a, b)


def test_cancellation_stops_within_one_step():
    stop = threading.Event()

    class StopAfterFirstStudentStep:
        steps_after_stop = 0

        def on_step(self, event):
            if stop.is_set():
                self.steps_after_stop += 1
            if event.phase == "student":
                stop.set()

    watcher = StopAfterFirstStudentStep()
    with pytest.raises(RunCancelled, match="student"):
        run_distillation(tiny_config(log_every=1, baseline=False), listeners=[watcher], stop=stop)
    assert watcher.steps_after_stop == 0


def test_a_diverging_loss_stops_the_run_with_a_clear_message():
    with pytest.raises(TrainingDiverged, match="NaN/inf"):
        run_distillation(tiny_config(lr=1e30, baseline=False, log_every=1))


def test_excluded_classes_never_reach_the_student_but_soft_targets_teach_them():
    """The dark-knowledge experiment: digit 3 is removed from the transfer set. Only the distilled student learns
    to recognise 3s, once its 3-bias is raised (Hinton et al. 2015, §3)."""
    result = run_distillation(tiny_config(teacher_epochs=8, epochs=30, exclude_classes=(3,), temperature=8.0,
                                          terms={"soft": 1.0}, batch_size=64))
    splits = result.splits
    assert not (splits.y_train[transfer_indices(splits.y_train, exclude_classes=(3,))] == 3).any()
    recall = {name: unseen_class_recall(predict(result.models[name], splits.x_test).logits, splits.y_test, 3, [0, 5])
              for name in ("student", "baseline")}
    assert recall["baseline"] == [0.0, 0.0]
    assert recall["student"][1] > 0.3


def test_train_fraction_and_limit_shrink_only_the_transfer_set():
    y = load_dataset("digits").y_train
    assert len(transfer_indices(y, fraction=0.5)) == round(len(y) * 0.5)
    assert len(transfer_indices(y, fraction=0.5, limit=100)) == 100
    assert torch.equal(transfer_indices(y, fraction=0.3, seed=4), transfer_indices(y, fraction=0.3, seed=4))
