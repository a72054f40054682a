"""Errors a user can meet, as a key and values the app words in the reader's language.

Why: the core validates configs, caps, uploads and the queue and says what is wrong in one English sentence, which
the CLI prints as it is; but a Chinese page must not show that sentence. ``UserError`` is still a ``ValueError``
whose ``str()`` is the English sentence (so every ``except ValueError`` and the CLI keep working) and carries
``key`` and ``values``: ``ui.common.error_text`` looks up ``errors.<key>`` in ``ui/text`` and fills in the values.
"""
from __future__ import annotations

from typing import Any


class UserError(ValueError):
    """``UserError("config.range", "alpha must be in [0, 1], got 2", name="alpha", low=0, high=1, value=2)``."""

    def __init__(self, key: str, message: str, **values: Any):
        super().__init__(message)
        self.key, self.values = key, values
