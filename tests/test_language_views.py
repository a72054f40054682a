"""What the Language page shows, checked against computations written here: a prompt read or refused, next-token
distributions at T, the grammar's truth, the per-token KL strip, a GPT's attention maps, and their figures. (What a
model writes from a seed is ``kdlab.language.generate_text``: tests/test_generate_cli.py.)"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from kdlab.data import IGNORE_INDEX, load_dataset
from kdlab.data.corpus import stream_splits
from kdlab.data.tokenizers import prompt_ids, tokenizer_of
from kdlab.errors import UserError
from kdlab.models import InputSpec, build_model
from kdlab.viz import figures
from kdlab.viz.language import (answer_rows, distribution_kl, gpt_attention_maps, is_language_model, likeliest_tokens,
                                next_token_distributions, sentence_state, shown_token, token_kl, token_texts,
                                true_next_distribution)


@pytest.fixture(scope="module")
def corpus():
    return load_dataset("tinylang", seed=0, n=40)


@pytest.fixture(scope="module")
def models(corpus):
    """Two GPTs of different shapes and weights: what the page calls teacher and student."""
    spec = InputSpec.of(corpus)
    return {"teacher": build_model("gpt-small", spec, seed=1).eval(),
            "student": build_model("gpt-tiny", spec, seed=2).eval()}


def test_a_prompt_starts_with_the_corpus_start_of_sentence_and_is_refused_in_words_a_page_can_translate(corpus):
    tokenizer, vocab = tokenizer_of(corpus), corpus.vocab
    start = tokenizer.end_id
    assert vocab[start] == "\n" and bool((corpus.x_test[:, 0] == start).all())
    assert prompt_ids(tokenizer, "the cat") == [start] + [vocab.index(c) for c in "the cat"]
    assert prompt_ids(tokenizer, "") == [start]
    with pytest.raises(UserError) as unknown:
        prompt_ids(tokenizer, "the CAT<")
    assert unknown.value.key == "language.prompt_unknown" and unknown.value.values["chars"] == "'<ACT'"
    with pytest.raises(UserError) as long:
        prompt_ids(tokenizer, "a" * 201)
    assert long.value.key == "language.prompt_long" and long.value.values["limit"] == 200


def test_a_stream_of_text_has_no_start_of_sentence_and_an_empty_prompt_is_refused():
    splits = stream_splits("upload-x", "the quick brown fox jumps over the lazy dog\n" * 20, 16)
    tokenizer = tokenizer_of(splits)
    assert tokenizer.end_id is None
    with pytest.raises(UserError, match="type a few characters") as empty:
        prompt_ids(tokenizer, "")
    assert empty.value.key == "language.prompt_empty"
    assert prompt_ids(tokenizer, "fox") == [splits.vocab.index(c) for c in "fox"]
    assert token_texts(tokenizer, prompt_ids(tokenizer, "a fox\n")) == ["a", "␣", "f", "o", "x", "↵"]


@pytest.mark.parametrize("t", [0.5, 1.0, 3.0])
def test_next_token_distributions_are_the_softened_softmax_of_the_last_position_and_sum_to_one(corpus, models, t):
    ids = prompt_ids(tokenizer_of(corpus), "a dog ")
    answers = next_token_distributions(models, ids, t)
    for role, model in models.items():
        with torch.no_grad():
            logits = model(torch.tensor([ids])).logits[0, -1].tolist()
        top = max(logits)
        weights = [math.exp((z - top) / t) for z in logits]
        expected = [w / math.fsum(weights) for w in weights]
        np.testing.assert_allclose(answers[role], expected, rtol=1e-5, atol=1e-7)
        assert answers[role].sum() == pytest.approx(1, abs=1e-6)


def test_a_higher_temperature_flattens_every_answer(corpus, models):
    ids = prompt_ids(tokenizer_of(corpus), "the ")
    entropy = {t: {r: -(p * np.log(p)).sum() for r, p in next_token_distributions(models, ids, t).items()}
               for t in (1.0, 4.0)}
    assert all(entropy[4.0][role] > entropy[1.0][role] for role in models)


def test_the_true_next_token_distribution_on_tinylang(corpus):
    tokenizer, vocab = tokenizer_of(corpus), corpus.vocab
    start = true_next_distribution(corpus.grammar, tokenizer, "")
    assert {vocab[i]: p for i, p in enumerate(start) if p} == pytest.approx({"t": 1 / 3, "a": 1 / 3, "m": 1 / 3})
    objects = true_next_distribution(corpus.grammar, tokenizer, "my fox likes the ")
    assert {vocab[i]: p for i, p in enumerate(objects) if p} == pytest.approx({c: 0.25 for c in "cdbf"})
    assert true_next_distribution(corpus.grammar, tokenizer, "the dog sees ").sum() == pytest.approx(1)
    assert true_next_distribution(corpus.grammar, tokenizer, "dog the") is None
    assert true_next_distribution(None, tokenizer, "") is None  # a corpus no grammar generated


def test_the_kl_strip_equals_the_kl_of_the_two_models_answers_at_every_prefix_computed_one_by_one(corpus, models):
    x, y = corpus.x_test[3], corpus.y_test[3]
    tokens, kl = token_kl(models["teacher"], models["student"], x, y, temperature=2.0)
    real = int((y != IGNORE_INDEX).sum())
    assert tokens == y[:real].tolist() and len(kl) == real
    for position in range(real):
        prefix = x[: position + 1].tolist()
        answers = next_token_distributions(models, prefix, 2.0)
        p, q = answers["teacher"].astype(float), answers["student"].astype(float)
        assert kl[position] == pytest.approx(math.fsum(p * (np.log(p) - np.log(q))), rel=1e-3, abs=1e-6)
    same, zero = token_kl(models["teacher"], models["teacher"], x, y)
    assert same == tokens and np.abs(zero).max() < 1e-6


def test_distribution_kl_is_zero_for_equal_answers_and_ignores_impossible_tokens():
    p, q = np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.25, 0.5])
    assert distribution_kl(p, p) == 0
    assert distribution_kl(p, q) == pytest.approx(math.log(2))


def test_a_gpt_s_attention_maps_are_causal_distributions_per_layer_and_head(corpus, models):
    ids = corpus.x_test[0][: 12].tolist()
    maps = gpt_attention_maps(models["teacher"], ids)
    assert len(maps) == 4 and maps[0].shape == (4, 12, 12)
    for layer in maps:
        np.testing.assert_allclose(layer.sum(-1), 1, rtol=1e-5)
        assert np.abs(np.triu(layer, 1)).max() == 0


def test_what_a_sentence_is_to_the_grammar_and_which_models_read_sequences(corpus):
    assert sentence_state(corpus.grammar, "a cat sleeps.\n") == "grammatical"
    assert sentence_state(corpus.grammar, "a cat sle") == "unfinished"
    assert sentence_state(corpus.grammar, "a cat sleeps.\nthe") == "ungrammatical"
    assert is_language_model("gpt-tiny") and is_language_model("gpt")
    assert not is_language_model("cnn-large") and not is_language_model("no-such-model")
    assert [shown_token(c) for c in "\n a"] == ["↵", "␣", "a"]


def test_the_likeliest_tokens_are_those_any_answer_favours_in_the_teacher_s_order_padding_never():
    answers = {"teacher": np.array([0.5, 0.3, 0.2, 0.0]), "truth": np.array([0.0, 0.0, 0.1, 0.9])}
    assert likeliest_tokens(answers, 2) == [1, 3]
    assert likeliest_tokens(answers) == [1, 2, 3]


def test_each_model_s_row_names_its_likeliest_token_and_its_kl_from_the_teacher_and_the_truth():
    answers = {"teacher": np.array([0.0, 0.5, 0.5]), "student": np.array([0.0, 0.25, 0.75])}
    truth = np.array([0.0, 1.0, 0.0])
    rows = answer_rows(answers, truth)
    assert [(r["role"], r["top"], r["kl_teacher"]) for r in rows][0] == ("teacher", 1, None)
    assert rows[1]["top"] == 2
    assert rows[1]["kl_teacher"] == pytest.approx(0.5 * math.log(2) + 0.5 * math.log(0.5 / 0.75))
    assert [r["kl_truth"] for r in rows] == pytest.approx([math.log(2), math.log(4)])
    assert answer_rows(answers, None)[1]["kl_truth"] is None


def test_the_kl_strip_figure_writes_each_token_in_its_cell_coloured_by_its_kl():
    tokens = list("the cat sees a dog.") + ["↵"] + list("a" * 25)
    values = np.linspace(0, 1, len(tokens))
    fig = figures.kl_strip(tokens, values, labels={"kl_strip_title": "Where"})
    heat = fig.data[0]
    assert np.asarray(heat.z).shape == (2, 40) and heat.text[0][4] == "c" and heat.text[1][5] == ""
    assert heat.z[0][19] == pytest.approx(values[19]) and math.isnan(heat.z[1][39])
    assert fig.layout.title.text == "Where"
    hostile = figures.kl_strip(["<b>"], [0.1])
    assert hostile.data[0].text[0][0] == "&lt;b&gt;"


def test_the_language_curves_draw_each_student_s_perplexity_and_kl_per_epoch_and_the_teacher_s_perplexity():
    events = [{"kind": "epoch", "phase": phase, "epoch": e, "metrics": {"perplexity": p, "kl_to_teacher": k}}
              for phase, values in (("baseline", [(9.0, 0.4), (7.0, 0.3)]), ("student", [(8.0, 0.2), (6.0, 0.1)]))
              for e, (p, k) in enumerate(values, 1)] + [{"kind": "epoch", "phase": "teacher", "epoch": 1,
                                                         "metrics": {"test_acc": 0.3}}]
    figs = figures.language_curves(events, teacher_perplexity=4.5)
    perplexity, kl = figs["perplexity"], figs["kl"]
    assert [list(t.y) for t in perplexity.data] == [[9.0, 7.0], [8.0, 6.0], [4.5, 4.5]]
    assert [t.name for t in perplexity.data] == ["baseline", "distilled student", "teacher"]
    assert [list(t.y) for t in kl.data] == [[0.4, 0.3], [0.2, 0.1]]
    assert figures.language_curves([])["perplexity"].data == ()
