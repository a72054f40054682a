"""Language models (issue 20): a corpus whose truth is known, a causal GPT, per-token loss terms checked against
references written here, and one distillation from the command line."""
from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
from collections import Counter

import pytest
import torch
import torch.nn.functional as F

from kdlab import RunConfig
from kdlab.data import IGNORE_INDEX, load_dataset
from kdlab.data.grammar import END, Grammar
from kdlab.data.tinylang import CHINESE, ENGLISH, true_next_distributions
from kdlab.language import distinct_n, generate, perplexity
from kdlab.losses import term
from kdlab.losses.base import TermInputs
from kdlab.losses.divergences import generalized_jsd_rows, skew_kl_rows
from kdlab.models import InputSpec, ModelOutput, build_model


@pytest.mark.parametrize("name", ["tinylang", "tinylang-zh"])
def test_the_true_next_token_distribution_sums_to_one_at_every_real_position_and_is_zero_under_padding(name):
    splits = load_dataset(name, seed=0, n=200)
    truth = true_next_distributions(splits.grammar, splits.x_test, splits.vocab)
    real = splits.y_test != IGNORE_INDEX
    torch.testing.assert_close(truth.sum(-1)[real], torch.ones(int(real.sum())))
    assert truth[~real].abs().max() == 0
    # the token that came next always had a positive true probability
    assert truth[real].gather(1, splits.y_test[real][:, None]).min() > 0


@pytest.mark.parametrize("grammar", [ENGLISH, CHINESE], ids=["en", "zh"])
def test_every_sample_is_grammatical_and_a_broken_one_is_not(grammar):
    rng = random.Random(3)
    sentences = [grammar.sample(rng) for _ in range(300)]
    assert all(grammar.grammatical(s) for s in sentences)
    assert not grammar.grammatical(sentences[0][:-1])  # no end of sentence
    assert not grammar.grammatical(sentences[0][1:])  # its first character missing
    assert not grammar.grammatical(sentences[0] + sentences[0])


def test_the_empirical_next_character_frequencies_match_the_truth():
    """At the start, after "the " and after "a dog sees a " (states with several equally likely continuations), the
    next characters of 20,000 samples land on the truth within four standard errors."""
    rng = random.Random(0)
    sentences = [ENGLISH.sample(rng) for _ in range(20000)]
    for prefix in ("", "the ", "a dog sees a "):
        following = Counter(s[len(prefix)] for s in sentences if s.startswith(prefix))
        seen = sum(following.values())
        truth = ENGLISH.next_distribution(prefix)
        assert set(following) == set(truth) and seen > 150
        for ch, p in truth.items():
            assert following[ch] / seen == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / seen)), (prefix, ch)


def test_a_grammar_whose_emissions_are_prefixes_of_each_other_is_refused():
    with pytest.raises(ValueError, match="prefix"):
        Grammar({"S": (("a", END, 1), ("ab", END, 1))}, start="S")


def test_a_sequence_is_bos_then_its_sentence_and_the_targets_are_the_next_characters():
    splits = load_dataset("tinylang", seed=0, n=20)
    vocab = splits.vocab
    row_x, row_y = splits.x_train[0].tolist(), splits.y_train[0].tolist()
    length = sum(1 for t in row_y if t != IGNORE_INDEX)
    assert vocab[row_x[0]] == "\n" and row_x[1:length] == row_y[:length - 1] and vocab[row_y[length - 1]] == "\n"
    assert all(t == 0 for t in row_x[length:]) and all(t == IGNORE_INDEX for t in row_y[length:])
    assert splits.modality == "sequence" and splits.num_classes == len(vocab) == splits.vocab_size


@pytest.fixture(scope="module")
def corpus():
    return load_dataset("tinylang", seed=0, n=40)


def test_gpt_gives_logits_per_position_hidden_states_and_attention_maps_when_asked(corpus):
    model = build_model("gpt-small", InputSpec.of(corpus), seed=0).eval()
    x = corpus.x_train[:3]
    plain, explicit = model(x), model(x, attentions=True)
    assert plain.logits.shape == (3, x.shape[1], len(corpus.vocab))
    assert plain.features["embedding"].shape == plain.features["mid"].shape == (3, x.shape[1], 64)
    assert plain.attentions == [] and len(explicit.attentions) == 4
    torch.testing.assert_close(plain.logits, explicit.logits, atol=1e-5, rtol=1e-5)
    maps = explicit.attentions[0]
    assert maps.shape == (3, 4, x.shape[1], x.shape[1])
    torch.testing.assert_close(maps.sum(-1), torch.ones(maps.shape[:-1]))
    assert maps.triu(1).abs().max() == 0  # nobody attends to a later position
    assert model.head.weight is model.embed.weight


def test_changing_a_later_token_never_changes_earlier_logits(corpus):
    model = build_model("gpt-tiny", InputSpec.of(corpus), seed=0).eval()
    x = corpus.x_train[:2].clone()
    changed = x.clone()
    changed[:, 5] = (changed[:, 5] % (len(corpus.vocab) - 1)) + 1
    with torch.no_grad():
        before, after = model(x).logits, model(changed).logits
    torch.testing.assert_close(before[:, :5], after[:, :5])
    assert not torch.allclose(before[:, 5:], after[:, 5:])


def _log_softmax_row(row, t):
    top = max(v / t for v in row)
    lse = top + math.log(math.fsum(math.exp(v / t - top) for v in row))
    return [v / t - lse for v in row]


def _kl(log_p, log_q):
    return math.fsum(math.exp(a) * (a - b) for a, b in zip(log_p, log_q))


def _reference(divergence, student, teacher, labels, t):
    """T² · the mean over real tokens of ``divergence(log_p_teacher, log_q_student)``, one token at a time."""
    values = []
    for s_seq, t_seq, y_seq in zip(student.tolist(), teacher.tolist(), labels.tolist()):
        for s_row, t_row, y in zip(s_seq, t_seq, y_seq):
            if y != IGNORE_INDEX:
                values.append(divergence(_log_softmax_row(t_row, t), _log_softmax_row(s_row, t)))
    return t * t * math.fsum(values) / len(values)


def _mix(log_a, log_b, w):
    return [math.log((1 - w) * math.exp(a) + w * math.exp(b)) for a, b in zip(log_a, log_b)]


REFERENCES = {
    "soft": ({}, lambda p, q: _kl(p, q)),
    "rkl": ({}, lambda p, q: _kl(q, p)),
    "gjsd": ({"beta": 0.3}, lambda p, q: 0.3 * _kl(p, _mix(q, p, 0.3)) + 0.7 * _kl(q, _mix(q, p, 0.3))),
    "skl": ({"skew": 0.1}, lambda p, q: _kl(p, _mix(q, p, 0.1))),
}


def _inputs(student, teacher, labels, t):
    return TermInputs(ModelOutput(student), ModelOutput(teacher), [teacher], labels, progress=0.0, temperature=t)


@pytest.mark.parametrize("name", list(REFERENCES))
@pytest.mark.parametrize("t", [1.0, 2.0])
def test_each_token_term_matches_a_reference_written_here_and_ignores_padding(name, t):
    gen = torch.Generator().manual_seed(7)
    student = torch.randn(2, 4, 6, generator=gen, dtype=torch.float64) * 2
    teacher = torch.randn(2, 4, 6, generator=gen, dtype=torch.float64) * 2
    labels = torch.tensor([[1, 2, 3, IGNORE_INDEX], [4, 5, IGNORE_INDEX, IGNORE_INDEX]])
    knobs, divergence = REFERENCES[name]
    config = RunConfig(dataset="tinylang", teacher="gpt-small", student="gpt-tiny", temperature=t)
    module = term(name).build(config, None, None, **knobs)
    got = module(_inputs(student, teacher, labels, t))
    assert got.item() == pytest.approx(_reference(divergence, student, teacher, labels, t), rel=1e-9)
    noisy = student.clone()
    noisy[labels == IGNORE_INDEX] += 100.0  # what the models say under padding never counts
    assert module(_inputs(noisy, teacher, labels, t)).item() == pytest.approx(got.item(), rel=1e-12)


def test_generalized_jsd_tends_to_forward_kl_as_beta_goes_to_0_and_to_reverse_kl_as_it_goes_to_1():
    gen = torch.Generator().manual_seed(1)
    log_q = F.log_softmax(torch.randn(5, 8, generator=gen, dtype=torch.float64), -1)
    log_p = F.log_softmax(torch.randn(5, 8, generator=gen, dtype=torch.float64), -1)
    forward = (log_p.exp() * (log_p - log_q)).sum(-1)
    reverse = (log_q.exp() * (log_q - log_p)).sum(-1)
    small = 1e-6
    torch.testing.assert_close(generalized_jsd_rows(log_q, log_p, small) / small, forward, rtol=1e-4, atol=0)
    torch.testing.assert_close(generalized_jsd_rows(log_q, log_p, 1 - small) / small, reverse, rtol=1e-4, atol=0)
    torch.testing.assert_close(skew_kl_rows(log_q, log_p, 0.0), forward)


def test_cross_entropy_per_token_leaves_padding_out(corpus):
    logits = torch.randn(2, corpus.x_train.shape[1], len(corpus.vocab), dtype=torch.float64)
    labels = corpus.y_train[:2]
    got = term("ce").build(RunConfig(), None, None)(_inputs(logits, logits, labels, 1.0))
    real = labels != IGNORE_INDEX
    expected = F.cross_entropy(logits[real], labels[real])
    torch.testing.assert_close(got, expected)


def test_classification_terms_are_refused_for_language_models_and_the_token_terms_for_classifiers():
    with pytest.raises(ValueError, match="once per token"):
        RunConfig(dataset="tinylang", teacher="gpt-small", student="gpt-tiny", terms={"dkd": 1.0}).validate()
    with pytest.raises(ValueError, match="for language models"):
        RunConfig(dataset="digits", teacher="cnn-large", student="cnn-small", terms={"rkl": 1.0}).validate()
    with pytest.raises(ValueError, match="classification runs"):
        RunConfig(dataset="tinylang", teacher="gpt-small", student="gpt-tiny", label_noise=0.2).validate()
    RunConfig(dataset="tinylang", teacher="gpt-small", student="gpt-tiny", terms={"gjsd": 1.0},
              terms_kw={"gjsd": {"beta": 0.9}}).validate()


def test_generate_is_seeded_keeps_the_prompt_and_stops_at_the_end_token(corpus):
    model = build_model("gpt-tiny", InputSpec.of(corpus), seed=0)
    prompt = torch.tensor([1, 5, 6])
    a, b = generate(model, prompt, 10, temperature=1.0, seed=3), generate(model, prompt, 10, temperature=1.0, seed=3)
    assert torch.equal(a, b) and a.shape == (1, 13) and a[0, :3].tolist() == [1, 5, 6]
    greedy = generate(model, prompt.repeat(2, 1), 50, temperature=0.0, seed=0, stop_id=1)
    for row in greedy[:, 3:].tolist():
        if 1 in row:
            assert all(t == 0 for t in row[row.index(1) + 1:])


def test_perplexity_of_a_uniform_model_is_the_vocabulary_size_and_distinct_2_counts_bigrams():
    labels = torch.tensor([[1, 2, IGNORE_INDEX], [3, IGNORE_INDEX, IGNORE_INDEX]])
    assert perplexity(torch.zeros(2, 3, 7), labels) == pytest.approx(7.0)
    assert distinct_n([[1, 2, 1, 2], [1, 2]], 2) == pytest.approx(2 / 4)


def test_distill_a_language_model_from_the_command_line(tmp_path):
    env = {**os.environ, "KDLAB_HOME": str(tmp_path)}
    command = [sys.executable, "-m", "kdlab", "distill", "--dataset", "tinylang", "--dataset-kw", "n=60",
               "--teacher", "gpt-tiny", "--student", "gpt-tiny", "--teacher-epochs", "1", "--epochs", "1",
               "--term", "gjsd=1", "--term-kw", "gjsd:beta=0.5", "--json", "--no-record", "--device", "cpu"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    for key in ("teacher_perplexity", "student_perplexity", "baseline_perplexity", "agreement", "kl_to_teacher",
                "distinct_2", "kl_to_truth", "grammatical"):
        assert isinstance(summary[key], float) and math.isfinite(summary[key]), key
    assert summary["config"]["temperature"] == 1.0  # tinylang's own settings for the flags not given
    assert summary["paired"]["unit"] == "sequence" and summary["paired"]["images"] == 6


CHINESE_TEXT = "小猫喜欢小鸟。老师看见苹果了。\n" * 40


def test_a_chinese_text_file_becomes_a_corpus_of_character_windows(tmp_path):
    from kdlab.data.uploads import UploadLimits, import_data_file

    path = tmp_path / "语料.txt"
    path.write_text(CHINESE_TEXT, encoding="utf-8")
    splits = load_dataset(import_data_file(path, UploadLimits()))
    assert splits.modality == "sequence" and set(splits.vocab[1:]) == set(CHINESE_TEXT)
    assert splits.x_train.shape[1] == 64 and torch.equal(splits.x_train[0, 1:], splits.y_train[0, :-1])


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not text"),
    ("名字".encode("gbk") * 50, "not UTF-8 text"),
    (b" \n\t \n", "is empty"),
    ("很长的文字".encode() * 4000, "characters; at most"),
])
def test_a_text_file_that_is_binary_empty_or_too_long_is_one_sentence(tmp_path, content, message):
    from kdlab.data.uploads import UploadLimits, import_data_file

    path = tmp_path / "corpus.txt"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        import_data_file(path, UploadLimits(max_samples=100))


def test_a_chinese_text_file_trains_from_the_command_line(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text(CHINESE_TEXT, encoding="utf-8")
    env = {**os.environ, "KDLAB_HOME": str(tmp_path / "home")}
    command = [sys.executable, "-m", "kdlab", "distill", "--data-file", str(path), "--teacher", "gpt-tiny",
               "--student", "gpt-tiny", "--teacher-epochs", "1", "--epochs", "1", "--json", "--no-record",
               "--device", "cpu"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert math.isfinite(summary["student_perplexity"]) and "kl_to_truth" not in summary  # no grammar: no truth
    assert set("".join(summary["language"]["student"]["samples"])) <= set(CHINESE_TEXT)
