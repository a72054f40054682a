"""The lessons registry: every preset is a valid run this server accepts, and every lesson has its texts."""
from __future__ import annotations

import re
from dataclasses import asdict

import pytest

from kdlab.lessons import LESSONS, QUICK_DEMO, VERDICTS, lesson
from kdlab.lessons_verify import load_measured
from kdlab.serve.admission import admit
from kdlab.serve.settings import ServerSettings
from ui.text import LANGUAGES, TEXT


@pytest.mark.parametrize("entry", LESSONS, ids=[e.key for e in LESSONS])
def test_every_lesson_preset_is_a_valid_config_within_the_default_server_limits(entry):
    entry.config.validate()
    admit(entry.config, ServerSettings())


@pytest.mark.parametrize("entry", LESSONS, ids=[e.key for e in LESSONS])
def test_every_lesson_has_a_title_and_a_text_in_every_language_and_no_typed_measurement(entry):
    for part in ("title", "text"):
        assert set(TEXT[f"lessons.{entry.key}.{part}"]) == set(LANGUAGES)
    assert f"lessons.{entry.key}.measured" not in TEXT  # measured numbers come from lessons_measured.json
    assert not re.search(r"\d+(\.\d+)? ?%", TEXT[f"lessons.{entry.key}.text"]["en"])


@pytest.mark.parametrize("entry", LESSONS, ids=[e.key for e in LESSONS])
def test_every_claim_is_checkable_data(entry):
    claim = entry.claim
    assert claim.verdict in (None, *VERDICTS)
    assert claim.against in ("baseline", "contrast")
    needs_contrast = (claim.against == "contrast" or claim.flatter_teacher
                      or claim.max_contrast_unseen_recall is not None)
    assert (entry.contrast is not None) >= needs_contrast
    if entry.contrast is not None:
        entry.contrast.validate()
    assert any(v not in (None, False, "baseline") for v in vars(claim).values()), "a claim must claim something"


def test_lesson_keys_are_unique_and_looked_up_by_name():
    keys = [e.key for e in LESSONS]
    assert len(keys) == len(set(keys))
    assert lesson("dark_knowledge").config.exclude_classes == (3,)
    with pytest.raises(ValueError, match="unknown lesson"):
        lesson("nope")


def test_the_dark_knowledge_preset_is_hintons_setup_an_mlp_teacher_digit_3_unseen_soft_targets_only():
    entry = lesson("dark_knowledge")
    config = entry.config
    assert (config.dataset, config.teacher, config.student) == ("digits", "mlp-large", "mlp-small")
    assert (config.exclude_classes, config.temperature, config.alpha, config.epochs) == ((3,), 8.0, 1.0, 30)
    assert entry.unseen_class == 3 and entry.contrast.teacher == "cnn-large"
    assert entry.claim.min_unseen_recall >= 0.6  # recognised with no bias shift, as in Hinton et al. §3


def test_the_quick_demo_is_a_lesson_whose_claim_is_a_gain_on_every_seed_confirmed_by_the_paired_test():
    claim = lesson(QUICK_DEMO).claim
    assert (claim.verdict, claim.against, claim.gain_every_seed) == ("better", "baseline", True)


def test_the_measured_file_covers_every_lesson_and_every_claim_held_when_it_was_written():
    measured = load_measured()
    assert set(measured) == {e.key for e in LESSONS}
    for key, entry in measured.items():
        assert entry["holds"], key
        assert entry["claim"] == asdict(lesson(key).claim), f"{key}: the claim changed since it was measured"
        assert entry["config"] == lesson(key).config.to_dict(), f"{key}: the preset changed since it was measured"
        assert len(entry["seeds"]) >= 3 and entry["date"] and entry["device"]
