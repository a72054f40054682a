"""Pages in Chinese and their wording (issue 18). A choice made on a Chinese page survives the next rerun: a selectbox's or radio's value is kept as its
label, so a label worded lazily (after the run, where no page language is known, in English) matched none of the
Chinese options and raised ``ValueError: '<label>' is not in list``. ``ui.common.worded`` words them during the run."""
import pytest

from tests.conftest import assert_clean, open_app_page

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

# page, widget kind, key, a value that is not the default
CHOICES = [
    ("distill", "selectbox", "distill_method", "dkd"),
    ("sweep", "radio", "sweep_mode", "search"),
]


@pytest.mark.parametrize("page, kind, key, value", CHOICES, ids=[c[0] for c in CHOICES])
def test_a_chinese_choice_survives_a_rerun(page, kind, key, value):
    at = open_app_page(f"app_pages/{page}.py", kdlab_lang="zh")
    getattr(at, kind)(key=key).set_value(value)
    at.run()
    at.run()  # the rerun that lost the choice
    assert_clean(at)
    assert getattr(at, kind)(key=key).value == value


def test_no_multiselect_on_a_chinese_page_shows_streamlits_english_placeholder():
    """Streamlit's default placeholder is English ("Choose options"): every multiselect passes a translated one."""
    at = open_app_page("app_pages/distill.py", kdlab_lang="zh")
    placeholders = {w.key: w.proto.placeholder for w in at.multiselect}
    assert placeholders and all(p and not p.isascii() for p in placeholders.values()), placeholders


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_lessons_preset_names_the_students_knobs_only_when_it_has_some(lang):
    """No "student knobs: –" clause for a student at its defaults (issue 18); the capacity-gap lesson keeps its own."""
    shown = {}
    for key in ("temperature", "capacity_gap"):
        at = open_app_page("app_pages/lessons.py", kdlab_lang=lang, lessons_choice=key)
        shown[key] = " ".join(str(e.value) for e in [*at.caption, *at.markdown])
    clause = {"en": "student knobs", "zh": "学生模型的规模设置"}[lang]
    assert clause not in shown["temperature"] and "–" not in shown["temperature"]
    assert clause in shown["capacity_gap"] and "hidden=3" in shown["capacity_gap"]


def test_the_distill_pages_weights_and_t_read_as_typed():
    """T and α read "4" and "0.9" (issue 18), not Streamlit's default "%0.2f" ("4.00", "0.90"): every float slider
    and number on Distill is formatted as typed (sprintf-js, as Streamlit draws it, agrees with Python's %)."""
    at = open_app_page("app_pages/distill.py")
    formats = {w.key: w.proto.format for w in [*at.slider, *at.number_input] if w.proto.data_type == w.proto.FLOAT}
    assert "distill_temperature" in formats
    assert all(f % 0.9 == "0.9" and f % 4.0 == "4" for f in formats.values()), formats
