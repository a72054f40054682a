"""A choice made on a Chinese page survives the next rerun (issue 18): a selectbox's or radio's value is kept as its
label, so a label worded lazily (after the run, where no page language is known, in English) matched none of the
Chinese options and raised ``ValueError: '<label>' is not in list``. ``ui.common.worded`` words them during the run."""
import pytest

from tests.conftest import assert_clean, open_app_page

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

# page, widget kind, key, a value that is not the default
CHOICES = [
    ("distill", "selectbox", "distill_method", "dkd"),
    ("sweep", "radio", "sweep_mode", "search"),
    ("compress", "radio", "compress_source", "labels"),
]


@pytest.mark.parametrize("page, kind, key, value", CHOICES, ids=[c[0] for c in CHOICES])
def test_a_chinese_choice_survives_a_rerun(page, kind, key, value):
    at = open_app_page(f"app_pages/{page}.py", kdlab_lang="zh")
    widgets = [w for w in getattr(at, kind) if w.key == key]
    if not widgets:
        pytest.skip(f"{key} is not on the page without a finished run")
    getattr(widgets[0], "set_value")(value)
    at.run()
    at.run()  # the rerun that lost the choice
    assert_clean(at)
    assert getattr(at, kind)(key=key).value == value


def test_no_multiselect_on_a_chinese_page_shows_streamlits_english_placeholder():
    """Streamlit's default placeholder is English ("Choose options"): every multiselect passes a translated one."""
    at = open_app_page("app_pages/distill.py", kdlab_lang="zh")
    placeholders = {w.key: w.proto.placeholder for w in at.multiselect}
    assert placeholders and all(p and not p.isascii() for p in placeholders.values()), placeholders
