"""``kdlab lessons verify`` for real: the fast lessons' presets run on one seed and their claims must hold; the
pooled paired test and the claim checks on hand-made numbers."""
from __future__ import annotations

import json
import shutil

import pytest

from kdlab.cli import main
from kdlab.lessons import LESSONS, Claim
from kdlab.lessons_verify import MEASURED_PATH, check, load_measured, pooled

FAST = [e.key for e in LESSONS if e.fast]
CHEAPEST = "capacity_gap"  # 2-D spirals with MLPs: seconds, teacher included


@pytest.fixture
def shipped_copy(tmp_path):
    """A temporary copy of the measurements shipped in the package, for verify to write into."""
    copy = tmp_path / "measured.json"
    shutil.copyfile(MEASURED_PATH, copy)
    return copy


def test_pooling_sums_the_discordant_images_of_every_seed():
    runs = [{"only_student": 16, "only_baseline": 8}, {"only_student": 22, "only_baseline": 4},
            {"only_student": 22, "only_baseline": 7}]
    assert [pooled(runs[i:i + 1], "baseline")["verdict"] for i in range(3)] == ["no_difference", "better", "better"]
    test = pooled(runs, "baseline")
    assert (test["only_student"], test["only_other"], test["verdict"]) == (60, 19, "better")
    assert test["p_value"] < 1e-5


def test_a_claim_fails_when_one_seed_misses_it():
    runs = [{"only_student": 9, "only_baseline": 1, "gain_points": 2.2, "unseen_recall_student": 0.9,
             "unseen_recall_baseline": 0.0}, {"only_student": 3, "only_baseline": 4, "gain_points": -0.3,
                                              "unseen_recall_student": 0.5, "unseen_recall_baseline": 0.0}]
    checks = {c["check"]: c["holds"] for c in check(Claim(gain_every_seed=True, min_unseen_recall=0.6,
                                                          max_baseline_unseen_recall=0.05), runs, {})}
    assert checks == {"gain_every_seed": False, "min_unseen_recall": False, "max_baseline_unseen_recall": True}


def test_a_claim_made_for_every_seed_fails_when_one_seed_alone_cannot_tell():
    runs = [{"only_student": 22, "only_baseline": 4}, {"only_student": 9, "only_baseline": 5}]
    checks = {c["check"]: c for c in check(Claim(verdict="better", verdict_every_seed=True), runs,
                                           pooled(runs, "baseline"))}
    assert checks["verdict"]["holds"] and not checks["verdict_every_seed"]["holds"]
    assert checks["verdict_every_seed"]["measured"] == ["better", "no_difference"]


def test_a_claim_that_distillation_does_not_help_holds_when_the_same_or_worse_and_fails_when_better():
    claim = Claim(not_verdict="better")
    for counts, holds in (((31, 39), True), ((29, 90), True), ((60, 19), False)):
        runs = [{"only_student": counts[0], "only_baseline": counts[1]}]
        assert [c["holds"] for c in check(claim, runs, pooled(runs, "baseline"))] == [holds]


def test_verify_runs_the_fast_lessons_on_one_seed_and_every_claim_holds(shipped_copy, capsys):
    before = load_measured(shipped_copy)
    code = main(["lessons", "verify", "--seeds", "3", "--fast", "--output", str(shipped_copy), "--json", "--write",
                 "--force"])  # forced: the copy holds these lessons on more seeds
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    failed = {k: [c for c in e["checks"] if not c["holds"]] for k, e in report["lessons"].items() if not e["holds"]}
    assert failed == {} and code == 0
    assert sorted(report["lessons"]) == sorted(FAST)
    written = load_measured(shipped_copy)
    assert list(written) == list(before)  # merged per lesson, in the lessons' order
    assert all(written[k]["seeds"] == [3] for k in FAST)
    assert all(written[k] == before[k] for k in before if k not in FAST)  # the others' numbers untouched
    dark = written["dark_knowledge"]["runs"][0]  # seed 3: not one of the seeds the preset was chosen with
    assert dark["unseen_recall_student"] >= 0.6 and dark["contrast"]["unseen_recall_student"] <= 0.05
    assert dark["unseen_soft_target"]["max"] > dark["contrast"]["unseen_soft_target"]["max"]


def test_verify_writes_nothing_unless_asked(tmp_path, capsys):
    out = tmp_path / "measured.json"
    assert main(["lessons", "verify", "--lesson", CHEAPEST, "--seeds", "3", "--output", str(out)]) == 0
    assert not out.exists()
    assert CHEAPEST in capsys.readouterr().out


@pytest.mark.parametrize("seeds", [["--seeds", "3"], ["--seeds", "3,4", "--holdout", "5"]])
def test_writing_fewer_seeds_than_the_shipped_lesson_is_refused_before_training(shipped_copy, seeds, capsys):
    before = shipped_copy.read_bytes()
    assert len(load_measured(shipped_copy)[CHEAPEST]["seeds"]) >= 3
    assert main(["lessons", "verify", "--lesson", CHEAPEST, *seeds, "--write", "--output", str(shipped_copy)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kdlab: error:") and "more seeds" in err and "--force" in err
    assert shipped_copy.read_bytes() == before


@pytest.mark.parametrize("argv, message", [(["--seeds", "a"], "--seeds"), (["--lesson", "nope"], "invalid choice"),
                                           (["--holdout", "x"], "--holdout takes"),
                                           (["--seeds", "0,1", "--holdout", "1,2"], "share no seed")])
def test_bad_flags_are_one_line_and_exit_2(argv, message, capsys):
    assert main(["lessons", "verify", *argv]) == 2
    assert message in capsys.readouterr().err
