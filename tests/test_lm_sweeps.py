"""compare-methods and sweep on a language-model pair (issue 20): the token terms (rkl, gjsd, skl) are methods and
grid axes like any other, and what the student reads (data_mode, on_policy_share) is a setting both carry."""
from __future__ import annotations

import json

import pytest

from kdlab import RunConfig
from kdlab.cli import main
from kdlab.runs.store import RunStore
from kdlab.sweeps.driver import run_sweep
from kdlab.sweeps.executors import InlineExecutor
from kdlab.sweeps.methods import plan
from kdlab.sweeps.spec import SweepSpec

LM = ["--dataset", "tinylang", "--dataset-kw", "n=60", "--teacher", "gpt-tiny", "--student", "gpt-tiny",
      "--teacher-epochs", "1", "--epochs", "1", "--device", "cpu"]


def lm_config(**overrides) -> RunConfig:
    values = dict(dataset="tinylang", dataset_kw={"n": 60}, teacher="gpt-tiny", student="gpt-tiny", teacher_epochs=1,
                  epochs=1, temperature=1.0, lr=3e-3, device="cpu", train_fraction=1.0)
    return RunConfig(**{**values, **overrides}).validate()


def test_a_methods_plan_for_a_language_pair_runs_the_token_terms_in_the_runs_data_mode():
    runs = plan(lm_config(data_mode="teacher"), ["kd", "rkl", "gjsd", "skl", "dkd", "at"], [0, 1])
    planned = {method for method, _, _ in runs.runs}
    assert planned == {"ce", "kd", "rkl", "gjsd", "skl"}
    assert set(runs.skipped) == {"dkd", "at"} and "once per token" in runs.skipped["dkd"]
    for method, seed, config in runs.runs:
        assert config.data_mode == "teacher" and config.validate()
        if method in ("rkl", "gjsd", "skl"):
            assert config.terms.get(method, 0) > 0


@pytest.mark.slow
def test_compare_methods_runs_reverse_generalized_and_skew_kl_on_the_teachers_text(capsys):
    assert main(["compare-methods", *LM, "--methods", "rkl,gjsd,skl", "--seeds", "0", "--data-mode", "teacher",
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["config"]["data_mode"] == "teacher"
    rows = {row["method"]: row for row in report["rows"]}
    assert set(rows) == {"ce", "rkl", "gjsd", "skl"} and all(rows[m]["n"] == 1 for m in rows)
    assert all(0 <= rows[m]["acc_mean"] <= 100 for m in rows)


@pytest.mark.slow
def test_a_sweep_grids_the_data_mode_and_a_token_term():
    spec = SweepSpec(lm_config().to_dict(), axes={"data_mode": ["corpus", "on-policy"], "terms.skl": [0, 1]},
                     seeds=[0]).validate()
    store = RunStore()
    report = run_sweep(spec, InlineExecutor(str(store.path)), store)
    assert report["trials_done"] == report["trials_total"] == 4 and not report["failed"]
    assert [c["values"] for c in report["cells"]] == [
        {"data_mode": "corpus", "terms.skl": 0}, {"data_mode": "corpus", "terms.skl": 1},
        {"data_mode": "on-policy", "terms.skl": 0}, {"data_mode": "on-policy", "terms.skl": 1}]
    for cell in report["cells"]:
        config = store.get(cell["seeds"][0]["run_id"]).config
        assert config["data_mode"] == cell["values"]["data_mode"]
        assert config["terms"].get("skl", 0) == cell["values"]["terms.skl"]


def test_a_sweep_refuses_a_data_mode_that_does_not_exist_before_any_trial():
    with pytest.raises(ValueError, match="data_mode must be one of corpus, teacher, on-policy"):
        SweepSpec(lm_config().to_dict(), axes={"data_mode": ["corpus", "teachers"]}, seeds=[0]).validate()
    with pytest.raises(ValueError, match=r"on_policy_share must be in \[0, 1\]"):
        SweepSpec(lm_config().to_dict(), axes={"on_policy_share": [0.5, 2]}, seeds=[0]).validate()
