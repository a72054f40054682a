"""A Hugging Face teacher (issue 20): ``--teacher hf:FOLDER`` distils a tiny GPT-2 saved with ``save_pretrained`` into
a kdlab GPT on its tokenizer's vocabulary, with no network, never training the teacher; admission sizes it."""
from __future__ import annotations

import json
import random

import pytest
import torch

pytest.importorskip("transformers")

from kdlab import RunConfig, run_distillation  # noqa: E402
from kdlab.cli import main  # noqa: E402
from kdlab.data.grammar import BOS  # noqa: E402
from kdlab.data.tinylang import ENGLISH  # noqa: E402
from kdlab.models import parameter_count  # noqa: E402
from kdlab.policy.admission import admit  # noqa: E402
from kdlab.policy.settings import ServerSettings  # noqa: E402


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A byte-level BPE trained on tinylang (``tokenizers``) and a one-layer GPT-2 of width 16 on its vocabulary,
    both saved with ``save_pretrained`` as a hub model's folder is."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    rng = random.Random(0)
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator([BOS + ENGLISH.sample(rng) for _ in range(300)],
                            trainers.BpeTrainer(vocab_size=300, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                                show_progress=False))
    path = tmp_path_factory.mktemp("hf-teacher")
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe)
    tokenizer.save_pretrained(path)
    torch.manual_seed(0)
    config = GPT2Config(n_layer=1, n_embd=16, n_head=2, vocab_size=len(tokenizer), n_positions=64, bos_token_id=None,
                        eos_token_id=None)
    GPT2LMHeadModel(config).save_pretrained(path)
    return path


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def hf_config(folder, **overrides) -> RunConfig:
    values = dict(dataset="tinylang", dataset_kw={"n": 60}, teacher="hf", teacher_kw={"source": str(folder)},
                  student="gpt-tiny", epochs=1, batch_size=16, lr=3e-3, temperature=1.0, device="cpu",
                  train_fraction=1.0, terms={"soft": 0.9})
    return RunConfig(**{**values, **overrides}).validate()


def test_a_saved_gpt2_teaches_a_kdlab_gpt_on_its_vocabulary_and_is_never_trained(folder):
    from transformers import AutoModelForCausalLM

    saved = AutoModelForCausalLM.from_pretrained(folder).state_dict()
    events = []

    class Phases:
        def on_epoch_end(self, event):
            events.append(event.phase)

    result = run_distillation(hf_config(folder), listeners=[Phases()])
    teacher, student = result.models["teacher"], result.models["student"]
    assert "teacher" not in events and result.teacher_cached  # nothing trained it
    for key, value in teacher.model.state_dict().items():
        assert torch.equal(value, saved[key]), key
    assert not teacher.training and not any(p.requires_grad for p in teacher.parameters())
    assert teacher.train().training is False  # asked for training mode, a pretrained teacher stays in eval
    assert student.embed.num_embeddings == 300 == result.splits.vocab_size  # the teacher's tokenizer's vocabulary
    summary = result.summary()
    for key in ("teacher_perplexity", "student_perplexity", "baseline_perplexity", "kl_to_teacher", "grammatical"):
        assert isinstance(summary[key], float), key
    assert "kl_to_truth" not in summary  # the grammar's truth is per character, these tokens are not
    assert summary["teacher_params"] == parameter_count(teacher)


def test_the_command_line_distils_from_the_folder_and_generate_decodes_with_its_tokenizer(folder, capsys):
    assert main(["distill", "--dataset", "tinylang", "--dataset-kw", "n=60", "--teacher", f"hf:{folder}",
                 "--student", "gpt-tiny", "--epochs", "1", "--device", "cpu", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["config"]["teacher"] == "hf" and summary["config"]["teacher_kw"] == {"source": str(folder)}
    for model in ("teacher", "student"):
        assert main(["generate", summary["run_id"], "--model", model, "--prompt", "the cat", "--tokens", "5"]) == 0
        assert capsys.readouterr().out.startswith("the cat")


def test_admission_sizes_a_hugging_face_teacher_like_any_other(folder):
    from transformers import AutoModelForCausalLM

    config = hf_config(folder, student_kw={"dim": 8, "heads": 1})  # a student smaller than this teacher
    params = parameter_count(AutoModelForCausalLM.from_pretrained(folder))
    assert admit(config, ServerSettings()).config.teacher_kw == {"source": str(folder)}
    with pytest.raises(ValueError, match="the teacher's parameter count is capped"):
        admit(config, ServerSettings(max_model_params=params - 1))
    admit(config, ServerSettings(max_model_params=params))  # counted exactly: the cap is inclusive


def test_a_folder_that_is_not_a_model_is_one_sentence(tmp_path):
    with pytest.raises(ValueError, match="cannot read a Hugging Face tokenizer"):
        hf_config(tmp_path) and admit(hf_config(tmp_path), ServerSettings())
    with pytest.raises(ValueError, match="pretrained model, used as a teacher"):
        RunConfig(dataset="tinylang", teacher="gpt-small", student="hf", student_kw={"source": "x"}).validate()
