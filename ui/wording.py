"""An error (or a ``Phrase``) of the core in the reader's language: the English template it was raised with, or its
Chinese wording (``ui/text/errors.py``), filled with its values worded as the pages word them.

A value is worded by its name, so the core only has to name what it passes: a ``setting`` (``terms.soft``,
``epochs``, ``student_kw.hidden``) as the pages name it, a loss ``term`` by its registry label and its ``reason`` by
the registry's short reason, a ``knob`` of that term and its ``choices`` by their labels, a ``role`` as the model it
is, a ``modality``, a ``status``, ``what`` a registry lists, an ``objective`` list, a grid's ``cell``; an error or a
``Phrase`` given as a value is worded in turn. Anything else (a number, a name, a file) is shown as it came.
Plain functions of a language code: ``ui.common.error_text`` calls them with the page's.
"""
from __future__ import annotations

from typing import Any

from kdlab.errors import filled
from kdlab.losses import LOSS_TERMS, term
from ui import text as i18n
from ui.text.errors import ERRORS
from ui.weights import setting_words


def error_words(err: Any, lang: str) -> str:
    """``err`` (a ``UserError``, a ``Phrase`` or any exception) as one sentence in ``lang``; an exception without a
    key keeps its own text."""
    key, template, values = (getattr(err, name, None) for name in ("key", "template", "values"))
    if key is None or template is None:
        return str(err)
    if lang != "en":
        template = ERRORS.get(key, template)  # tests/test_error_catalog.py: every key has its wording
    return filled(template, {name: _worded(name, value, values, lang) for name, value in values.items()})


def _word(key: str, lang: str, fallback: str) -> str:
    return i18n.t(key, lang) if key in i18n.TEXT else fallback


def _listed(items, lang: str) -> str:
    return i18n.t("common.list_separator", lang).join(items)


def _worded(name: str, value: Any, values: dict, lang: str) -> Any:
    """One value of an error as the pages word it (see the module docstring)."""
    if hasattr(value, "key") and hasattr(value, "values") or isinstance(value, Exception):
        return error_words(value, lang)
    spec = term(values["term"]) if values.get("term") in LOSS_TERMS else None
    knob = spec.knobs.get(values.get("knob")) if spec is not None else None
    if name in ("setting", "role") and isinstance(value, str):
        return setting_words(value, lang)
    if name == "settings":
        return _listed((setting_words(s, lang) for s in value.split(", ") if s), lang)
    if name in ("term", "other") and isinstance(value, str) and value in LOSS_TERMS:
        return term(value).text("label", lang)
    if name == "reason" and spec is not None:
        return spec.text("off_reason", lang)
    if name == "knob" and knob is not None:
        return knob.text("label", lang)
    if name == "choices" and knob is not None:
        return _listed((knob.choice_text(c, lang) for c in knob.choices), lang)
    if name in ("modality", "takes"):
        return _listed((_word(f"distill.modality_{m}", lang, m) for m in value.split(", ")), lang)
    if name == "status":
        return _word(f"history.status.{value}", lang, value)
    if name in ("what", "kind"):
        return _word(f"errors.what.{value}", lang, _word(f"errors.type.{value}", lang, value))
    if name == "flag":
        return _word(f"errors.flag.{value}", lang, value)
    if name == "objectives":
        return _listed((_word(f"sweep.objective.{o}", lang, o) for o in value.split(", ")), lang)
    if name == "cell" and isinstance(values.get("axes"), dict):
        return _listed((f"{setting_words(k, lang)} = {v}" for k, v in values["axes"].items()), lang)
    return value
