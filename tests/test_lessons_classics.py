"""The lessons set beside the literature: Hinton et al.'s MNIST table on the digits (its ordering checked by
``lessons verify`` as a claim, its command for MNIST itself) and a teacher assistant across the capacity gap, whose
chain ``lessons verify`` runs through ``teacher_run``."""
from __future__ import annotations

import shlex
from dataclasses import replace

import pytest

from kdlab.cli import build_parser
from kdlab.cli.args import config_from_args
from kdlab.lessons import HINTON_MNIST, Claim, lesson, paper_command
from kdlab.lessons_verify import check, teacher_pooled, verify
from kdlab.teachers import teacher_path


def test_the_hinton_lesson_is_the_papers_three_models_a_regularised_teacher_and_an_unregularised_student():
    entry = lesson("hinton_table")
    config = entry.config
    assert entry.paper is HINTON_MNIST
    assert (config.teacher, config.teacher_kw) == ("mlp", {"hidden": 1200, "depth": 2, "dropout": 0.5})
    assert (config.student, config.student_kw) == ("mlp", {"hidden": 800, "depth": 2})  # no dropout
    assert config.temperature == HINTON_MNIST.temperature == 20.0
    assert entry.claim == Claim(verdict="better", teacher_ahead=True)  # teacher < distilled < baseline, in errors
    paper = HINTON_MNIST  # the quoted table has that order too
    assert (paper.teacher_errors, paper.student_errors, paper.baseline_errors, paper.test_images) == (67, 74, 146,
                                                                                                      10_000)


def test_the_paper_command_trains_the_lessons_models_on_the_papers_data_with_every_student_label():
    entry = lesson("hinton_table")
    line = paper_command(entry, "/data")
    assert "--dataset mnist" in line and line.endswith("--data-root /data --download")
    args = build_parser().parse_args(shlex.split(line)[3:])
    args.dataset, args.download, args.data_root = "digits", False, None  # the same flags on the bundled digits
    assert config_from_args(args) == replace(entry.config, train_fraction=1.0)


def test_a_lesson_without_a_paper_or_an_assistant_says_so():
    with pytest.raises(ValueError, match="paper"):
        paper_command(lesson("label_noise"))
    with pytest.raises(ValueError, match="assistant"):
        lesson("label_noise").chained("20250101-120000-ab12cd")


def test_the_assistant_lesson_is_the_capacity_gap_taught_through_a_mid_sized_assistant():
    entry, gap = lesson("assistant"), lesson("capacity_gap").config
    assert entry.contrast == gap and entry.claim == Claim(not_verdict="better", against="contrast")
    assert entry.assistant == replace(gap, student_kw={})  # mlp-large -> mlp-small (32 units)
    chained = entry.chained("run-1")
    assert (chained.teacher, chained.teacher_kw, chained.teacher_run) == ("mlp-small", {}, "run-1")
    assert (chained.student, chained.student_kw) == (gap.student, gap.student_kw)
    assert replace(chained, teacher=gap.teacher, teacher_kw={}, teacher_run=None) == gap  # nothing else differs


def test_the_teacher_ahead_claim_is_mcnemars_test_of_the_student_against_its_teacher_pooled_over_seeds():
    ahead = [{"only_student_not_teacher": 0, "only_teacher": 7}, {"only_student_not_teacher": 1, "only_teacher": 9}]
    close = [{"only_student_not_teacher": 3, "only_teacher": 5}, {"only_student_not_teacher": 4, "only_teacher": 4}]
    assert teacher_pooled(ahead)["verdict"] == "worse" and teacher_pooled(ahead)["only_other"] == 16
    for runs, holds in ((ahead, True), (close, False)):
        checks = check(Claim(teacher_ahead=True), runs, {})
        assert [(c["check"], c["holds"]) for c in checks] == [("teacher_ahead", holds)]


@pytest.mark.slow  # three spirals runs: the assistant, the chain's student, the direct one
def test_verify_runs_the_chain_the_assistants_distilled_student_is_the_teacher_of_the_second_step():
    report = verify(["assistant"], [4])["lessons"]["assistant"]
    run = report["runs"][0]
    assert run["teacher_acc"] == run["assistant_acc"]  # the very model the assistant's run distilled
    assert run["contrast"]["teacher_acc"] > run["teacher_acc"]  # mlp-large teaches the direct student
    assert report["assistant_config"] == lesson("assistant").assistant.to_dict()
    assert all(c["holds"] for c in report["checks"])
    chained = replace(lesson("assistant").chained(run["teacher_run"]), seed=4)
    assert teacher_path(chained).exists()  # the assistant's student, cached under the teacher_run key it names
