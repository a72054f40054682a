"""``python -m kdlab generate RUN_ID --prompt TEXT`` (issue 20): a recorded language-model run's models write text,
seeded, through ``kdlab.language.generate_text``."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kdlab.cli import main
from kdlab.data import load_dataset
from kdlab.data.tokenizers import tokenizer_of
from kdlab.language import generate_text
from kdlab.models import InputSpec, build_model

RUN = ["distill", "--dataset", "tinylang", "--dataset-kw", "n=60", "--teacher", "gpt-tiny", "--student", "gpt-tiny",
       "--teacher-epochs", "1", "--epochs", "1", "--device", "cpu", "--json"]


def _run_id(capsys) -> str:
    assert main(RUN) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])["run_id"]


def test_generate_continues_the_prompt_the_same_way_for_a_seed_and_names_bad_input(capsys, kdlab_home):
    run_id = _run_id(capsys)
    vocab = set(load_dataset("tinylang", seed=0, n=60).vocab[1:])
    outputs = {}
    for model in ("student", "teacher", "baseline"):
        for attempt in range(2):
            assert main(["generate", run_id, "--prompt", "the ", "--model", model, "--seed", "4", "--tokens", "12"]) == 0
            outputs[model, attempt] = capsys.readouterr().out.rstrip("\n")
        assert outputs[model, 0] == outputs[model, 1] and outputs[model, 0].startswith("the ")
        assert set(outputs[model, 0]) <= vocab and len(outputs[model, 0]) <= len("the ") + 12
    others = set()
    for seed in ("5", "6", "7"):
        assert main(["generate", run_id, "--prompt", "the ", "--seed", seed, "--tokens", "12"]) == 0
        others.add(capsys.readouterr().out.rstrip("\n"))
    assert others - {outputs["student", 0]}  # the seed draws the text: other seeds write something else
    for argv, message in ((["--prompt", "the Q"], "never uses: 'Q'"), (["--tokens", "0"], "tokens must be"),
                          (["--temperature", "-1"], "temperature must be >= 0"),
                          (["--model", "pupil"], "invalid choice")):
        assert main(["generate", run_id, *argv]) == 2
        assert message in capsys.readouterr().err
    assert main(["generate", "20000101-000000-abcdef"]) == 2 and "no run" in capsys.readouterr().err


def test_a_classification_run_writes_no_text(capsys):
    assert main(["distill", "--dataset", "moons", "--teacher", "mlp-small", "--student", "mlp-small", "--epochs", "1",
                 "--teacher-epochs", "1", "--json"]) == 0
    run_id = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["run_id"]
    assert main(["generate", run_id, "--prompt", "a"]) == 2
    assert "not a text corpus" in capsys.readouterr().err


def test_generate_text_stops_after_the_end_of_a_sentence_and_greedy_is_deterministic():
    splits = load_dataset("tinylang", seed=0, n=60)
    model = build_model("gpt-tiny", InputSpec.of(splits), seed=0)
    tokenizer = tokenizer_of(splits)
    for seed in range(5):
        text = generate_text(model, tokenizer, "a ", 80, temperature=1.0, seed=seed)
        assert "\n" not in text[:-1]  # nothing after the end of the sentence
    assert generate_text(model, tokenizer, "a ", 10, 0.0, seed=1) == generate_text(model, tokenizer, "a ", 10, 0.0, 2)


@pytest.mark.slow
def test_the_generate_command_runs_as_a_program(capsys, kdlab_home):
    run_id = _run_id(capsys)
    done = subprocess.run([sys.executable, "-m", "kdlab", "generate", run_id, "--prompt", "my ", "--seed", "2"],
                          capture_output=True, text=True, timeout=600, env={**os.environ, "KDLAB_HOME": str(kdlab_home)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("my ") and done.stdout.endswith("\n")
