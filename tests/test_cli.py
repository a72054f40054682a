"""The command line: a real distillation recorded in the run store, the ``runs`` commands, and one clean error line
(exit 2) for every bad input."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kdlab.cli import main
from kdlab.runs.store import RunStore

REPO = Path(__file__).resolve().parents[1]
QUICK = ["distill", "--dataset", "digits", "--teacher", "cnn-small", "--student", "mlp-small", "--teacher-epochs", "2",
         "--batch-size", "64", "--train-fraction", "1"]


@pytest.fixture(scope="module")
def distilled() -> dict:
    """``python3 -m kdlab distill … --json`` in a real subprocess; its last stdout line, parsed."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}  # KDLAB_HOME: the session's (conftest)
    done = subprocess.run([sys.executable, "-m", "kdlab", *QUICK, "--epochs", "2", "--json"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.slow  # a distillation in a subprocess (over 10 s)
def test_distill_json_reports_every_number_and_the_recorded_run_id(distilled):
    expected = {"teacher_acc", "student_acc", "baseline_acc", "per_class_acc", "teacher_params", "student_params",
                "distill_seconds", "samples_per_second", "device", "run_id"}
    assert expected <= set(distilled)
    assert set(distilled["per_class_acc"]) == {"teacher", "student", "baseline"}
    assert all(len(distilled["per_class_acc"][role]) == 10 for role in ("teacher", "student", "baseline"))
    assert distilled["student_acc"] > 0.5  # chance is 0.1
    assert distilled["device"] == "cpu" and distilled["samples_per_second"] > 0


@pytest.mark.slow  # a distillation in a subprocess (over 10 s)
@pytest.mark.shared_home  # reads the run the module's fixture recorded on the session's home
def test_the_distilled_run_is_in_the_store_and_in_runs_list(distilled, capsys):
    record = RunStore().get(distilled["run_id"])
    assert (record.status, record.source, record.workspace) == ("finished", "cli", "default")
    assert record.summary["student_acc"] == distilled["student_acc"]
    assert {e["phase"] for e in RunStore().events(record.id)} >= {"baseline", "student"}

    code, out, _ = run_cli(capsys, "runs", "list", "--json")
    assert code == 0
    rows = {row["id"]: row for row in json.loads(out)}
    row = rows[distilled["run_id"]]
    assert {k: row[k] for k in ("workspace", "status", "dataset", "teacher", "student")} == {
        "workspace": "default", "status": "finished", "dataset": "digits", "teacher": "cnn-small",
        "student": "mlp-small"}
    assert row["student_acc"] == distilled["student_acc"] and row["created"]

    code, out, _ = run_cli(capsys, "runs", "list", "--workspace", "default")
    assert code == 0 and distilled["run_id"] in out


@pytest.mark.slow  # a distillation in a subprocess (over 10 s)
def test_no_record_adds_nothing_to_the_store(distilled, capsys):
    before = len(RunStore().list())
    code, out, _ = run_cli(capsys, *QUICK, "--epochs", "1", "--no-baseline", "--no-record", "--json")
    assert code == 0
    assert json.loads(out.strip().splitlines()[-1])["run_id"] is None
    assert len(RunStore().list()) == before


@pytest.mark.slow  # a distillation in a subprocess (over 10 s)
@pytest.mark.shared_home  # reads the run the module's fixture recorded on the session's home
def test_runs_export_import_show_and_delete_round_trip(distilled, capsys, tmp_path):
    run_id = distilled["run_id"]
    for what, name in (("metrics", "metrics.csv"), ("config", "config.json"), ("weights", "weights.pt")):
        code, out, err = run_cli(capsys, "runs", "export", run_id, "--what", what, "--output", str(tmp_path / name))
        assert code == 0, err
    assert (tmp_path / "metrics.csv").read_text().startswith("seq,phase,kind,epoch,step,progress,")
    assert json.loads((tmp_path / "config.json").read_text())["teacher"] == "cnn-small"
    assert (tmp_path / "weights.pt").read_bytes() == RunStore().weights_bytes(run_id)

    code, out, err = run_cli(capsys, "runs", "import", "--config", str(tmp_path / "config.json"),
                             "--weights", str(tmp_path / "weights.pt"), "--workspace", "class-7b")
    assert code == 0, err
    (imported,) = RunStore().list("class-7b")
    assert imported.id in out and imported.summary["student_acc"] == pytest.approx(distilled["student_acc"])

    code, out, _ = run_cli(capsys, "runs", "show", imported.id, "--json")
    assert code == 0 and json.loads(out)["summary"]["imported"] is True
    code, out, _ = run_cli(capsys, "runs", "show", imported.id)
    assert code == 0 and "student" in out and "finished" in out

    assert run_cli(capsys, "runs", "delete", imported.id)[0] == 0
    assert RunStore().list("class-7b") == []


def test_a_run_whose_data_is_missing_is_refused_before_it_is_recorded(capsys, tmp_path):
    code, _, err = run_cli(capsys, "distill", "--dataset", "mnist", "--data-root", str(tmp_path), "--epochs", "1",
                           "--workspace", "missing-data")
    assert code == 2 and err.startswith("kdlab: error: ") and str(tmp_path) in err and len(err.splitlines()) == 1
    assert RunStore().list("missing-data") == []


def test_a_run_that_fails_is_recorded_as_failed_with_its_reason(capsys):
    code, _, err = run_cli(capsys, *QUICK, "--lr", "1e30", "--no-baseline", "--workspace", "failures")
    assert code == 1
    (record,) = RunStore().list("failures")
    assert record.status == "failed" and "NaN/inf" in record.error and record.error in err


BAD_INPUTS = {
    "unknown model": [*QUICK, "--student", "mlp-gigantic"],
    "unknown dataset": ["distill", "--dataset", "imagenet"],
    "temperature zero": [*QUICK, "--temperature", "0"],
    "alpha above one": [*QUICK, "--alpha", "1.5"],
    "alpha below zero": [*QUICK, "--alpha", "-0.1"],
    "zero epochs": [*QUICK, "--epochs", "0"],
    "beta for cnn to mlp": [*QUICK, "--beta", "0.5"],
    "class 12 on digits": [*QUICK, "--exclude-classes", "12"],
    "malformed knobs": [*QUICK, "--student-kw", "hidden"],
    "a number that is not one": [*QUICK, "--epochs", "two"],
    "hostile workspace": [*QUICK, "--workspace", "../x"],
    "unknown subcommand": ["frobnicate"],
    "no subcommand": [],
    "runs show of an unknown run": ["runs", "show", "nope"],
    "runs export of an unknown run": ["runs", "export", "nope", "--what", "config", "--output", "x.json"],
    "runs export of something unknown": ["runs", "export", "nope", "--what", "teacher", "--output", "x.json"],
    "runs import of missing files": ["runs", "import", "--config", "/nonexistent/c.json", "--weights", "/no/w.pt"],
    "runs delete of an unknown run": ["runs", "delete", "nope"],
    "runs list of a hostile workspace": ["runs", "list", "--workspace", "a/b"],
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_every_bad_input_is_one_error_line_and_exit_code_2(case, capsys):
    before = len(RunStore().list())
    code, out, err = run_cli(capsys, *BAD_INPUTS[case])
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kdlab: error: "), err
    assert len(RunStore().list()) == before  # refused before anything was recorded


def test_a_missing_data_folder_is_one_error_line_naming_the_folder(capsys, tmp_path):
    code, out, err = run_cli(capsys, "distill", "--dataset", "mnist", "--data-root", str(tmp_path), "--no-record")
    assert code == 2 and out == ""
    (line,) = err.splitlines()
    assert line.startswith("kdlab: error: ") and str(tmp_path) in line
