"""The lessons registry: every preset is a valid run this server accepts, and every lesson has its texts."""
from __future__ import annotations

import re
from dataclasses import asdict

import pytest

from kdlab.lessons import LESSONS, QUICK_DEMO, VERDICTS, Claim, lesson
from kdlab import RunConfig
from kdlab.data import load_dataset
from kdlab.lessons_verify import load_measured
from kdlab.models import InputSpec, build_model, parameter_count
from kdlab.policy.admission import admit
from kdlab.policy.settings import ServerSettings
from kdlab.stats import paired_verdict
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
    assert claim.verdict in (None, *VERDICTS) and claim.not_verdict in (None, *VERDICTS)
    assert claim.verdict is not None or not claim.verdict_every_seed, "a verdict on every seed needs a verdict"
    assert claim.against in ("baseline", "contrast")
    needs_contrast = (claim.against == "contrast" or claim.flatter_teacher or claim.less_diverse
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
    assert (config.exclude_classes, config.temperature, config.terms, config.epochs) == ((3,), 8.0, {"soft": 1.0}, 30)
    assert entry.unseen_class == 3 and entry.contrast.teacher == "cnn-large"
    assert entry.claim.min_unseen_recall >= 0.6  # recognised with no bias shift, as in Hinton et al. §3


def test_the_quick_demo_is_a_student_smaller_than_its_teacher_claimed_better_on_each_seed_alone():
    entry = lesson(QUICK_DEMO)
    claim, config = entry.claim, entry.config
    assert (claim.verdict, claim.against, claim.verdict_every_seed) == ("better", "baseline", True)
    spec = InputSpec.of(load_dataset(config.dataset, 0))
    size = {role: parameter_count(build_model(getattr(config, role), spec, knobs=getattr(config, f"{role}_kw")))
            for role in ("teacher", "student")}
    assert size["student"] < size["teacher"]


def test_the_quick_demo_was_measured_better_on_each_of_the_seeds_0_to_5():
    entry = load_measured()[QUICK_DEMO]
    runs = entry["runs"] + entry.get("holdout", {}).get("runs", [])
    assert sorted(run["seed"] for run in runs) == list(range(6))
    assert [paired_verdict(run["only_student"], run["only_baseline"])[0] for run in runs] == ["better"] * 6


def test_the_measured_file_covers_every_lesson_and_every_claim_held_when_it_was_written():
    measured = load_measured()
    assert set(measured) == {e.key for e in LESSONS}
    for key, entry in measured.items():
        assert entry["holds"], key
        # a claim's part added since is at its default in the stored claim (nothing it did not check)
        stored = {**asdict(Claim()), **entry["claim"]}
        assert stored == asdict(lesson(key).claim), f"{key}: the claim changed since it was measured"
        # read as a config today (a field added since is at its default, which changes nothing in the run)
        assert RunConfig.from_dict(entry["config"]) == lesson(key).config, f"{key}: the preset changed since measured"
        assert len(entry["seeds"]) >= 3 and entry["date"] and entry["device"]
