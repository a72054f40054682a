"""The lessons registry: every preset is a valid run this server accepts, and every lesson has its texts."""
from __future__ import annotations

import pytest

from kdlab.lessons import LESSONS, lesson
from kdlab.serve.admission import admit
from kdlab.serve.settings import ServerSettings
from ui.text import LANGUAGES, TEXT


@pytest.mark.parametrize("entry", LESSONS, ids=[e.key for e in LESSONS])
def test_every_lesson_preset_is_a_valid_config_within_the_default_server_limits(entry):
    entry.config.validate()
    admit(entry.config, ServerSettings())


@pytest.mark.parametrize("entry", LESSONS, ids=[e.key for e in LESSONS])
def test_every_lesson_has_a_title_a_text_and_its_measured_numbers_in_every_language(entry):
    for part in ("title", "text", "measured"):
        assert set(TEXT[f"lessons.{entry.key}.{part}"]) == set(LANGUAGES)


def test_lesson_keys_are_unique_and_looked_up_by_name():
    keys = [e.key for e in LESSONS]
    assert len(keys) == len(set(keys))
    assert lesson("dark_knowledge").config.exclude_classes == (3,)
    with pytest.raises(ValueError, match="unknown lesson"):
        lesson("nope")


def test_the_dark_knowledge_preset_is_hintons_setup_digit_3_unseen_soft_targets_only():
    config = lesson("dark_knowledge").config
    assert (config.dataset, config.teacher, config.student) == ("digits", "cnn-large", "mlp-small")
    assert (config.exclude_classes, config.temperature, config.alpha, config.epochs) == ((3,), 8.0, 1.0, 30)
    assert lesson("dark_knowledge").unseen_class == 3
