"""What a class sees on every page: no developer chrome, no emoji it needs a font for, and no "None", "NaN",
six-decimal float or raw config key in any rendered text, in either language, after real finished runs."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF]")  # pictographs, dingbats and symbols drawn as emoji


def ui_sources() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "app_pages").rglob("*.py")), *sorted((ROOT / "ui").rglob("*.py"))]


def test_no_emoji_is_used_as_an_icon_or_in_a_text():
    """Icons are Streamlit's Material icons (``:material/casino:``): an emoji is drawn by whatever font the
    classroom's machines have, or as a box."""
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}"
             for path in ui_sources() for number, line in enumerate(path.read_text().splitlines(), 1)
             if EMOJI.search(line)]
    assert not found, "\n".join(found)


def test_the_streamlit_config_hides_the_developer_chrome_and_the_error_details():
    """No Deploy button or developer menu; an unexpected error shows a generic message, not a traceback (Streamlit
    still logs it on the server)."""
    import streamlit.config as streamlit_config

    client = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["client"]
    assert client["toolbarMode"] == "viewer"
    assert client["showErrorDetails"] == "none"
    assert streamlit_config.get_option("client.showErrorDetails") == "none"  # Streamlit 1.67 read and accepted it


def test_labels_in_narrow_columns_are_short_enough_to_read_whole():
    """The Temperature page's Random button sits in a seventh of the page and History's delete confirmation in a
    third: longer labels were cut ("Random sa…", "Yes, delete run … for g…")."""
    from ui.text import TEXT

    for key, most in (("temperature.random", 10), ("history.confirm_delete", 24)):
        assert all(len(TEXT[key][code]) <= most for code in ("en", "zh")), TEXT[key]
