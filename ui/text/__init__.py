"""Every user-facing string of the app, in English and Simplified Chinese: one module per page, merged here.

The core (``kdlab``) returns numbers and keys; the UI words them. Keys are prefixed with their page
(``distill.temperature``); ``t(key, lang, **values)`` formats with ``str.format``. tests/test_i18n.py checks that both
languages have every key and the same placeholders, and that no key is defined twice.
"""
from __future__ import annotations

from . import (attention, common, compare, compress, data_upload, distill, distill_sources, errors, history, home,
               instructor, language, lessons, lessons_classics, lessons_language, live, methods, run_picker, sweep,
               temperature)

LANGUAGES = {"en": "English", "zh": "简体中文"}
PAGES = (common, home, temperature, distill, distill_sources, data_upload, attention, compare, lessons, lessons_classics,
         lessons_language, history, live, sweep, compress, methods, run_picker, instructor, errors, language)

TEXT: dict[str, dict[str, str]] = {key: entry for page in PAGES for key, entry in page.TEXT.items()}


def t(key: str, lang: str = "en", **values) -> str:
    entry = TEXT[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
