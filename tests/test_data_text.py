"""Token datasets: the review grammar's labels, the tokenizer, and IMDB read from its own folder layout."""
from __future__ import annotations

import random

import pytest
import torch

from kdlab.data import PAD, UNK, DataMissingError, load_dataset
from kdlab.data.text import NEGATIVE, POSITIVE, Clause, Review, build_vocab, encode, random_review, tokenize


def label(*clauses: Clause) -> int:
    return Review(clauses).label


def test_plain_adjectives_carry_their_own_sentiment():
    assert label(Clause("good", subject="the movie")) == 1
    assert label(Clause("boring", subject="the plot")) == 0


def test_negation_flips_the_sentiment():
    assert label(Clause("good", negated=True, subject="the movie")) == 0
    assert label(Clause("bad", negated=True, intensifier="really", subject="the movie")) == 1


def test_the_clause_after_but_decides():
    assert label(Clause("good", subject="the movie"), Clause("boring")) == 0
    assert label(Clause("boring", subject="the plot"), Clause("bad", negated=True, subject="the acting")) == 1


def test_filler_words_do_not_change_the_label():
    review = Review((Clause("awful", subject="this film"),), opener="in my opinion", closer="overall")
    assert review.label == 0
    assert review.text == "in my opinion this film was awful overall"


def test_clause_text_puts_not_before_the_intensifier():
    review = Review((Clause("great", negated=True, intensifier="very", subject="the plot", verb="is"),
                     Clause("dull")))
    assert review.text == "the plot is not very great but dull"


def test_a_contrast_always_turns_the_sentiment():
    rng = random.Random(0)
    contrasts = [r for r in (random_review(rng) for _ in range(500)) if len(r.clauses) == 2]
    assert len(contrasts) > 100
    assert all(r.clauses[0].positive != r.clauses[1].positive for r in contrasts)


def test_reviews_are_deterministic_per_seed_and_differ_across_seeds():
    a, b, c = (load_dataset("reviews", seed=s, n=400) for s in (3, 3, 4))
    assert torch.equal(a.x_train, b.x_train) and torch.equal(a.y_test, b.y_test) and a.vocab == b.vocab
    assert not torch.equal(a.x_train, c.x_train)


def test_reviews_shape_split_and_padding():
    splits = load_dataset("reviews", seed=0, n=400, seq_len=12)
    assert splits.x_train.shape == (300, 12) and splits.x_test.shape == (100, 12)
    assert splits.x_train.dtype == torch.long and splits.class_names == ["negative", "positive"]
    assert splits.vocab[:2] == [PAD, UNK] and splits.modality == "tokens"
    lengths = (splits.x_train != 0).sum(1)
    assert lengths.min() >= 4 and lengths.max() <= 12
    # padding is at the end: once a row hits id 0 it stays 0
    assert all((row[lengths[i]:] == 0).all() for i, row in enumerate(splits.x_train))
    assert 0.4 < splits.y_train.float().mean() < 0.6


def reference_label(words: list[str]) -> int:
    """An independent reading of the grammar: only the clause after the last "but" counts, and "not" flips it."""
    clause = words[len(words) - words[::-1].index("but"):] if "but" in words else words
    adjective = next(w for w in clause if w in POSITIVE + NEGATIVE)
    return int((adjective in POSITIVE) != ("not" in clause))


def test_every_encoded_review_decodes_to_its_label():
    splits = load_dataset("reviews", seed=1, n=400)
    rows, labels = torch.cat([splits.x_train, splits.x_test]), torch.cat([splits.y_train, splits.y_test])
    for row, y in zip(rows.tolist(), labels.tolist()):
        assert reference_label([splits.vocab[i] for i in row if i != 0]) == y


def test_seq_len_too_short_for_any_review_is_refused():
    with pytest.raises(ValueError, match="seq_len"):
        load_dataset("reviews", seq_len=3)


def test_tokenize_lowercases_and_drops_punctuation_and_html_breaks():
    assert tokenize("Great film!<br /><br />I didn't LIKE the end, though.") == [
        "great", "film", "i", "didn't", "like", "the", "end", "though"]


def test_vocab_is_ordered_by_count_then_alphabet_and_capped():
    tokens = [["b", "a", "c"], ["c", "a"], ["c"]]
    assert build_vocab(tokens) == [PAD, UNK, "c", "a", "b"]
    assert build_vocab(tokens, max_vocab=4) == [PAD, UNK, "c", "a"]
    assert build_vocab(tokens, min_count=2) == [PAD, UNK, "c", "a"]


def test_encode_maps_unknown_words_to_one_pads_with_zero_and_truncates():
    vocab = [PAD, UNK, "good", "movie"]
    assert encode([["good", "movie", "zzz"]], vocab, 5).tolist() == [[2, 3, 1, 0, 0]]
    assert encode([["good", "movie", "good"]], vocab, 2).tolist() == [[2, 3]]


def write_imdb(root, reviews: dict[str, dict[str, list[str]]]) -> None:
    for split, by_label in reviews.items():
        for label, texts in by_label.items():
            folder = root / "aclImdb" / split / label
            folder.mkdir(parents=True)
            for i, text in enumerate(texts):
                (folder / f"{i}_{7 if label == 'pos' else 2}.txt").write_text(text, encoding="utf-8")


IMDB = {"train": {"pos": ["A wonderful film.<br /><br />Loved it.", "Great acting, great story."],
                  "neg": ["Boring. Truly boring.", "A waste of time."]},
        "test": {"pos": ["Wonderful and surprising."], "neg": ["Dreadful acting."]}}


def test_an_acl_imdb_folder_loads_with_a_train_only_vocabulary(tmp_path):
    write_imdb(tmp_path, IMDB)
    splits = load_dataset("imdb", seed=0, data_root=tmp_path, seq_len=8)
    assert splits.x_train.shape == (4, 8) and splits.x_test.shape == (2, 8)
    assert sorted(splits.y_train.tolist()) == [0, 0, 1, 1] and sorted(splits.y_test.tolist()) == [0, 1]
    assert "br" not in splits.vocab and "wonderful" in splits.vocab
    assert "surprising" not in splits.vocab and "dreadful" not in splits.vocab  # test-only words
    negative_test = splits.x_test[splits.y_test == 0][0]
    assert negative_test[:2].tolist() == [1, splits.vocab.index("acting")] and negative_test[2:].eq(0).all()


def test_imdb_limit_reads_at_most_that_many_reviews_per_split(tmp_path):
    write_imdb(tmp_path, IMDB)
    splits = load_dataset("imdb", seed=0, data_root=tmp_path, limit=3)
    assert len(splits.y_train) == 3 and len(splits.y_test) == 2


def test_missing_imdb_folder_says_where_and_what_to_unpack(tmp_path):
    with pytest.raises(DataMissingError) as err:
        load_dataset("imdb", data_root=tmp_path)
    message = str(err.value)
    assert str(tmp_path / "aclImdb") in message
    assert "aclImdb_v1.tar.gz" in message and "ai.stanford.edu/~amaas/data/sentiment" in message
