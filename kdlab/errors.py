"""Errors a user can meet, as a key, an English template and values that the app words in the reader's language.

Why: the core validates configs, caps, uploads, sweeps, compressions, the server's settings and the queue, and the
CLI prints its one English sentence as it is; but a Chinese page must not show that sentence. A ``UserError`` is
still a ``ValueError`` whose ``str()`` is the English sentence (so every ``except ValueError`` and the CLI keep
working), and it keeps what the sentence was made of: ``key``, the English ``template`` (written once, where the
error is raised) and ``values``. ``ui.wording.error_text`` fills the template of ``errors.<key>`` in the reader's
language (``ui/text/errors*.py``) with the values worded as the pages word them: a setting by its name on the page,
a loss term by its registry label, a nested error in the same language. tests/test_error_catalog.py reads every
``require``/``UserError`` call of the package and checks each key has one template and a Chinese wording with the
same fields.
"""
from __future__ import annotations

import string
from typing import Any


class UserError(ValueError):
    """``UserError("config.unit_range", "{setting} must be in [0, 1], got {value}", setting="alpha", value=2)``:
    ``str()`` is ``alpha must be in [0, 1], got 2``. A value may be another error (``error=err``), worded in turn."""

    def __init__(self, key: str, template: str, /, **values: Any):
        super().__init__(filled(template, values))
        self.key, self.template, self.values = key, template, values


class Phrase:
    """Words made like a ``UserError``'s (a key, an English template, values) that go into one as a value: a cap
    names ``Phrase("cap.params", "the {role}'s parameter count", role="teacher")``; the app words both."""

    def __init__(self, key: str, template: str, /, **values: Any):
        self.key, self.template, self.values = key, template, values

    def __str__(self) -> str:
        return filled(self.template, self.values)


def filled(template: str, values: dict[str, Any]) -> str:
    """``template`` with ``values`` put in by ``str.format``; a template none of whose fields is missing. A text
    with braces but no such fields (a message already written out, echoing user text with a ``{``) stays as it is,
    since formatting it would fail on the user's braces."""
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:  # an unmatched brace: written-out text
        return template
    return template.format(**values) if fields <= set(values) else template
