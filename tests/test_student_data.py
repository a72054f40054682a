"""What a language-model student reads (issue 20): the corpus, text its teacher wrote (sequence-level KD) or, for a
share λ of each batch, its own text scored by the teacher (on-policy, GKD)."""
from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from kdlab import RunConfig, run_distillation
from kdlab.cli import build_parser
from kdlab.cli.args import config_from_args
from kdlab.data import IGNORE_INDEX, load_dataset
from kdlab.data.tokenizers import tokenizer_of
from kdlab.losses import term
from kdlab.losses.base import TermInputs
from kdlab.models import InputSpec, ModelOutput, build_model
from kdlab.student_data import OnPolicy, student_data, written_sequences
from kdlab.teacher_outputs import teacher_outputs
from kdlab.train import prepare_teacher

LM = dict(dataset="tinylang", teacher="gpt-tiny", student="gpt-tiny", temperature=1.0, lr=3e-3, batch_size=32,
          device="cpu", log_every=5)


def tiny(**overrides) -> RunConfig:
    """A language-model run of a few seconds: a one-epoch teacher, one student epoch on 60 sentences."""
    return RunConfig(**{**LM, "dataset_kw": {"n": 60}, "teacher_epochs": 1, "epochs": 1, "train_fraction": 1.0,
                        "baseline": False, **overrides}).validate()


@pytest.fixture(scope="module")
def fluent():
    """A teacher that writes tinylang well (about 20 s once; then the session's teacher cache has it)."""
    config = RunConfig(**LM, dataset_kw={"n": 1000}, teacher_epochs=20, teacher_lr=1e-2).validate()
    teacher, splits = prepare_teacher(config)
    return config, teacher, splits


@pytest.mark.slow
def test_in_teacher_mode_the_student_reads_sentences_the_teacher_wrote_and_most_are_grammatical(fluent):
    config, teacher, splits = fluent
    student = build_model("gpt-tiny", InputSpec.of(splits), seed=0)
    x, y = splits.x_train[:300], splits.y_train[:300]
    reading = student_data(replace(config, data_mode="teacher"), splits, teacher, student, x, y)
    assert reading.x.shape == x.shape and reading.y.shape == y.shape and reading.draw is None
    assert not torch.equal(reading.x, x)  # not the corpus
    tokenizer = tokenizer_of(splits)
    sentences = [tokenizer.decode(row[row != IGNORE_INDEX].tolist()) for row in reading.y]
    assert sum(map(splits.grammar.grammatical, sentences)) / len(sentences) >= 0.85
    corpus = {tuple(row.tolist()) for row in splits.x_train}
    assert sum(tuple(row.tolist()) in corpus for row in reading.x) < len(x)  # sampled, not copied rows
    for row_x, row_y in zip(reading.x, reading.y):  # the corpus's layout: start, the sentence, then padding
        length = int((row_y != IGNORE_INDEX).sum())
        assert row_x[0] == tokenizer.end_id and torch.equal(row_x[1:length], row_y[:length - 1])
        assert (row_x[length:] == 0).all() and (row_y[length:] == IGNORE_INDEX).all()


def test_written_sequences_are_seeded_and_padded_after_the_end_of_sentence():
    splits = load_dataset("tinylang", seed=0, n=60)
    model = build_model("gpt-tiny", InputSpec.of(splits), seed=0).train()
    starts = splits.x_train[:20, :1]
    end = tokenizer_of(splits).end_id
    a, b = written_sequences(model, starts, 40, end, seed=5), written_sequences(model, starts, 40, end, seed=5)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]) and model.training  # its mode left as it was
    x, y = a
    both = (y[:, 1:] != IGNORE_INDEX)  # each next position's input is the token written before it
    assert x.shape == y.shape == (20, 40) and torch.equal(x[:, 1:][both], y[:, :-1][both])
    for row in y.tolist():
        if end in row:  # nothing counts after the first end of sentence
            assert all(t == IGNORE_INDEX for t in row[row.index(end) + 1:])


def test_on_policy_with_a_share_of_zero_is_the_corpus_run_step_for_step():
    corpus = run_distillation(tiny(seed=3))
    zero = run_distillation(tiny(seed=3, data_mode="on-policy", on_policy_share=0.0))
    for key, value in corpus.models["student"].state_dict().items():
        assert torch.equal(zero.models["student"].state_dict()[key], value), key
    assert corpus.summary()["student_perplexity"] == zero.summary()["student_perplexity"]


def test_on_policy_replaces_the_first_share_of_a_batch_with_the_students_text_scored_by_the_teacher():
    config = tiny(data_mode="on-policy", on_policy_share=0.25)
    teacher, splits = prepare_teacher(config)
    student = build_model("gpt-tiny", InputSpec.of(splits), seed=1)
    x, y = splits.x_train, splits.y_train
    reading = student_data(config, splits, teacher, student, x, y)
    assert isinstance(reading, OnPolicy)
    index = torch.arange(3, 19)  # 16 sequences: 4 written by the student
    inputs, labels = reading.draw(index)
    assert torch.equal(inputs[4:], x[index[4:]]) and torch.equal(labels[4:], y[index[4:]])
    assert not torch.equal(inputs[:4], x[index[:4]]) and (inputs[:4, 0] == x[index[:4], 0]).all()
    outputs = teacher_outputs(teacher, x, set(), lambda o: o, 2**30)
    scored, hard = reading.teacher_batch(outputs, index)
    with torch.no_grad():
        torch.testing.assert_close(scored.logits, teacher(inputs).logits)
    assert (hard[:4] == IGNORE_INDEX).all() and torch.equal(hard[4:], labels[4:])


def test_cross_entropy_counts_only_the_rows_with_right_answers_and_is_zero_when_there_are_none():
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(3, 5, 7, generator=gen, dtype=torch.float64)
    labels = torch.randint(1, 7, (3, 5), generator=gen)
    hard = labels.clone()
    hard[0] = IGNORE_INDEX
    ce = term("ce").build(tiny(), None, None)

    def value(hard_labels):
        return ce(TermInputs(ModelOutput(logits), ModelOutput(logits), [logits], labels, 0.0, 1.0,
                             hard_labels=hard_labels))

    expected = torch.nn.functional.cross_entropy(logits[1:].reshape(-1, 7), labels[1:].reshape(-1))
    torch.testing.assert_close(value(hard), expected)
    none = value(torch.full_like(labels, IGNORE_INDEX))
    assert none.item() == 0.0


def test_a_sequence_level_run_trains_on_the_teachers_text_and_says_so():
    notes = []

    class Notes:
        def on_note(self, text):
            notes.append(text)

    corpus = run_distillation(tiny(seed=1))
    taught = run_distillation(tiny(seed=1, data_mode="teacher"), listeners=[Notes()])
    assert any("sequence-level KD" in note for note in notes)
    assert corpus.summary()["student_perplexity"] != taught.summary()["student_perplexity"]


@pytest.mark.parametrize("values, message", [
    ({"data_mode": "teachers"}, "data_mode must be one of corpus, teacher, on-policy"),
    ({"data_mode": None}, "data_mode must be one of"),
    ({"on_policy_share": 1.5}, r"on_policy_share must be in \[0, 1\]"),
    ({"on_policy_share": float("nan")}, "on_policy_share must be in"),
    ({"on_policy_share": -0.1}, "on_policy_share must be in"),
    ({"dataset": "digits", "teacher": "cnn-large", "student": "cnn-small", "data_mode": "teacher"},
     "is for language models"),
])
def test_bad_data_modes_and_shares_are_one_sentence(values, message):
    with pytest.raises(ValueError, match=message):
        RunConfig(**{**LM, **values}).validate()


def test_the_command_line_sets_the_data_mode_and_the_share():
    args = build_parser().parse_args(["distill", "--dataset", "tinylang", "--teacher", "gpt-tiny", "--student",
                                      "gpt-tiny", "--data-mode", "on-policy", "--on-policy-share", "0.3"])
    config = config_from_args(args)
    assert (config.data_mode, config.on_policy_share) == ("on-policy", 0.3)
    with pytest.raises(Exception, match="invalid choice"):
        build_parser().parse_args(["distill", "--data-mode", "students"])
