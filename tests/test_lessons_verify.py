"""``kdlab lessons verify`` for real: the fast lessons' presets run on one seed and their claims must hold; the
pooled paired test and the claim checks on hand-made numbers."""
from __future__ import annotations

import json

import pytest

from kdlab.cli import main
from kdlab.lessons import LESSONS, Claim
from kdlab.lessons_verify import check, load_measured, pooled

FAST = [e.key for e in LESSONS if e.fast]


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


def test_verify_runs_the_fast_lessons_on_one_seed_and_every_claim_holds(tmp_path, capsys):
    out = tmp_path / "measured.json"
    code = main(["lessons", "verify", "--seeds", "3", "--fast", "--output", str(out), "--json"])
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    failed = {k: [c for c in e["checks"] if not c["holds"]] for k, e in report["lessons"].items() if not e["holds"]}
    assert failed == {} and code == 0
    assert sorted(report["lessons"]) == sorted(FAST)
    written = load_measured(out)
    assert set(written) == set(FAST) and all(e["seeds"] == [3] for e in written.values())
    dark = written["dark_knowledge"]["runs"][0]  # seed 3: not one of the seeds the preset was chosen with
    assert dark["unseen_recall_student"] >= 0.6 and dark["contrast"]["unseen_recall_student"] <= 0.05
    assert dark["unseen_soft_target"]["max"] > dark["contrast"]["unseen_soft_target"]["max"]


@pytest.mark.parametrize("argv, message", [(["--seeds", "a"], "--seeds"), (["--lesson", "nope"], "invalid choice")])
def test_bad_flags_are_one_line_and_exit_2(argv, message, capsys):
    assert main(["lessons", "verify", *argv]) == 2
    assert message in capsys.readouterr().err
