"""A teacher from a finished run (``--teacher run:RUN_ID``): a teacher-assistant chain and a born-again run from the
CLI, each run in its own process as a class would start them; the checks where such a config enters; the chain
that History shows."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kdlab import RunConfig
from kdlab.cli import main
from kdlab.runs.store import RunStore
from kdlab.runs.teacher_runs import teacher_chain, teacher_from_run
from kdlab.policy.admission import admit
from kdlab.policy.settings import ServerSettings

TINY = ["--dataset", "digits", "--epochs", "3", "--teacher-epochs", "4", "--batch-size", "128",
        "--train-fraction", "1"]
MID = ["--student", "mlp", "--student-kw", "hidden=256,depth=2"]
pytestmark = pytest.mark.shared_home  # the runs of the module's chain live in the session's store


def distill(*flags: str) -> dict:
    """``python -m kdlab distill`` in a process of its own; its JSON summary (with ``run_id``)."""
    done = subprocess.run([sys.executable, "-m", "kdlab", "distill", *TINY, *flags, "--json"], capture_output=True,
                          text=True, timeout=600, env=os.environ.copy())
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def chain() -> dict[str, dict]:
    """teacher run (cnn-large → a 256-wide MLP) → assistant from it (a 64-wide MLP) → student from the assistant
    (mlp-small), and a born-again run (the 256-wide MLP again, from the first run)."""
    first = distill("--teacher", "cnn-large", *MID)
    assistant = distill("--teacher", f"run:{first['run_id']}", "--student", "mlp", "--student-kw", "hidden=64,depth=1")
    student = distill("--teacher", f"run:{assistant['run_id']}", "--student", "mlp-small")
    born_again = distill("--teacher", f"run:{first['run_id']}", *MID)
    return {"first": first, "assistant": assistant, "student": student, "born_again": born_again}


def test_each_run_is_taught_by_the_distilled_student_of_the_run_it_names(chain):
    first, assistant, student, born = (chain[k] for k in ("first", "assistant", "student", "born_again"))
    assert assistant["config"]["teacher_run"] == first["run_id"]
    assert assistant["config"]["teacher"] == "mlp" and assistant["config"]["teacher_kw"] == {"hidden": 256, "depth": 2}
    # the teacher of a run from run:ID is that run's distilled student, exactly: same accuracy, same size
    assert assistant["teacher_acc"] == first["student_acc"] and assistant["teacher_params"] == first["student_params"]
    assert student["teacher_acc"] == assistant["student_acc"]
    assert student["config"]["teacher"] == "mlp" and student["config"]["teacher_kw"] == {"hidden": 64, "depth": 1}
    assert born["teacher_params"] == born["student_params"] == first["student_params"]  # born again: same size
    assert born["teacher_acc"] == first["student_acc"]
    for summary in chain.values():
        assert summary["student_acc"] > 0.5


def test_history_follows_the_chain_back_to_the_first_teacher(chain):
    store = RunStore()
    record = store.get(chain["student"]["run_id"])
    assert teacher_chain(record, store.get) == [chain["assistant"]["run_id"], chain["first"]["run_id"]]
    assert teacher_chain(store.get(chain["first"]["run_id"]), store.get) == []


def test_a_teacher_run_must_exist_be_finished_and_have_seen_the_same_data(chain, capsys):
    assert main(["distill", *TINY, "--teacher", "run:20250101-000000-abcdef", "--no-record"]) == 2
    assert "kdlab: error: no run with id '20250101-000000-abcdef'" in capsys.readouterr().err
    store = RunStore()
    running = store.create(RunConfig().to_dict(), source="cli", status="running")
    with pytest.raises(ValueError, match=f"run {running} is running, not finished"):
        admit(RunConfig(teacher_run=running), ServerSettings())
    first = chain["first"]["run_id"]
    with pytest.raises(ValueError, match=f"run {first} trained on other data \\(seed 0, not 1\\)"):
        teacher_from_run(RunConfig(teacher_run=first, seed=1), store)
    with pytest.raises(ValueError, match="teacher_run must be a run id"):
        admit(RunConfig(teacher_run="../../etc"), ServerSettings())


def test_admission_sizes_the_run_teacher_as_its_model(chain):
    admitted = admit(RunConfig(teacher_run=chain["first"]["run_id"], student="mlp-small"), ServerSettings()).config
    assert admitted.teacher == "mlp" and admitted.teacher_kw == {"hidden": 256, "depth": 2}
    tight = ServerSettings(max_model_params=chain["first"]["student_params"] - 1)
    with pytest.raises(ValueError, match="the teacher's parameter count is capped"):
        admit(RunConfig(teacher_run=chain["first"]["run_id"], student="mlp-small"), tight)
