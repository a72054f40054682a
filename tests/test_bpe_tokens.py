"""A byte-level BPE trained on the corpus as a run's tokens (issue 20): ``--tokenizer bpe``."""
from __future__ import annotations

import json

import pytest

pytest.importorskip("transformers")

from kdlab import RunConfig  # noqa: E402
from kdlab.cli import main  # noqa: E402
from kdlab.data import IGNORE_INDEX, load_dataset  # noqa: E402
from kdlab.data.tokenizers import sample_texts, tokenizer_of, trained_bpe  # noqa: E402
from kdlab.run_data import run_splits  # noqa: E402
from kdlab.teachers import teacher_path  # noqa: E402


def bpe_config(**overrides) -> RunConfig:
    values = dict(dataset="tinylang", dataset_kw={"n": 60}, teacher="gpt-tiny", student="gpt-tiny", teacher_epochs=1,
                  epochs=1, temperature=1.0, device="cpu", tokenizer="bpe")
    return RunConfig(**{**values, **overrides}).validate()


def test_a_bpe_run_reads_the_corpus_in_merged_tokens_that_decode_to_the_same_sentences():
    chars = load_dataset("tinylang", seed=0, n=60)
    splits = run_splits(bpe_config())
    tokenizer = tokenizer_of(splits)
    assert splits.vocab_size == tokenizer.vocab_size > 256  # the bytes, then merges learned on the corpus
    texts = [tokenizer.decode([int(x[0]), *y[y != IGNORE_INDEX].tolist()]) for x, y in zip(splits.x_train,
                                                                                             splits.y_train)]
    assert texts == sample_texts(chars)[0]
    assert (splits.y_train != IGNORE_INDEX).sum() < (chars.y_train != IGNORE_INDEX).sum()  # fewer tokens than chars
    assert tokenizer.end_id is not None  # the sentence end is one token: samples stop there
    again = trained_bpe(sample_texts(chars)[0])
    assert again.get_vocab() == tokenizer.tokenizer.get_vocab()  # the same text trains the same merges


def test_a_bpe_teacher_is_cached_apart_from_the_character_one():
    assert teacher_path(bpe_config()) != teacher_path(bpe_config(tokenizer="char"))


def test_the_command_line_distils_on_bpe_tokens_and_generates_text(capsys):
    assert main(["distill", "--dataset", "tinylang", "--dataset-kw", "n=60", "--teacher", "gpt-tiny", "--student",
                 "gpt-tiny", "--teacher-epochs", "1", "--epochs", "1", "--device", "cpu", "--tokenizer", "bpe",
                 "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["config"]["tokenizer"] == "bpe" and "kl_to_truth" not in summary
    assert isinstance(summary["grammatical"], float)
    assert main(["generate", summary["run_id"], "--prompt", "the dog", "--tokens", "4", "--seed", "1"]) == 0
    assert capsys.readouterr().out.startswith("the dog")


@pytest.mark.parametrize("values, message", [
    ({"tokenizer": "words"}, "tokenizer must be one of char, bpe"),
    ({"dataset": "digits", "teacher": "cnn-large", "student": "cnn-small", "dataset_kw": {}}, "encodes a text corpus"),
    ({"teacher": "hf", "teacher_kw": {"source": "somewhere"}}, "brings its own tokenizer"),
])
def test_bpe_is_refused_where_it_cannot_apply(values, message):
    with pytest.raises(ValueError, match=message):
        bpe_config(**values)
