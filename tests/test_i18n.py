"""The translation table is complete: both languages for every key, the same placeholders in each."""
from __future__ import annotations

import re
import string

import pytest

from ui.text import LANGUAGES, TEXT, t


@pytest.mark.parametrize("key", sorted(TEXT))
def test_every_key_has_every_language_with_the_same_placeholders(key):
    entry = TEXT[key]
    assert set(entry) == set(LANGUAGES), f"{key} lacks {set(LANGUAGES) - set(entry)}"
    fields = {lang: {f for _, f, _, _ in string.Formatter().parse(text) if f} for lang, text in entry.items()}
    assert fields["en"] == fields["zh"], key
    assert all(text.strip() for text in entry.values())


def test_every_english_sentence_is_translated_into_chinese():
    han = re.compile(r"[\u4e00-\u9fff]")
    untranslated = [key for key, entry in TEXT.items()
                    if re.search(r"[A-Za-z]{4,}", re.sub(r"\{\w*\}", "", entry["en"])) and not han.search(entry["zh"])]
    assert untranslated == []


def test_t_formats_values_and_falls_back_to_english():
    assert t("common.error", "en", message="boom") == "Something went wrong: boom"
    assert "boom" in t("common.error", "zh", message="boom")
    assert t("nav.home", "fr") == "Home"


def test_no_chinese_bold_span_ends_after_punctuation_where_markdown_cannot_close_it():
    # CommonMark closes ** only when it is right-flanking: "**本课的结论：**文字" shows its asterisks, since the
    # closing ** follows punctuation and precedes a letter; "**本课的结论**：文字" is bold.
    unclosable = re.compile(r"[，。：；！？）」、“”（]\*\*[^\s*]")
    assert [key for key, entry in TEXT.items() if unclosable.search(entry["zh"])] == []
