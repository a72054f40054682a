"""Errors a user can meet speak the reader's language (issue 23): each converted refusal of the core (config ranges,
upload refusals) is raised for real, then shown by a real Streamlit script through ``ui.common.error_text`` exactly as
the pages show it (``tr("common.error", message=error_text(err))``) with ``?lang=zh``; the page must carry no English
sentence (four English words in a row, outside code and names) and the CLI's ``str()`` stays English."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from kdlab.data.uploads import UploadLimits, import_upload
from kdlab.errors import UserError
from kdlab.policy.admission import admit
from kdlab.policy.settings import ServerSettings

from .conftest import tiny_config

ENGLISH_RUN = re.compile(r"\b[A-Za-z]+(?:[ '][A-Za-z]+){3,}\b")  # four English words in a row
ALLOWED = re.compile(r"\bmax_[a-z_]+\b|KDLAB_[A-Z_]+|kdlab\.toml")  # a server setting as kdlab.toml spells it


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def csv_rows(counts: dict[str, int]) -> bytes:
    return ("x,label\n" + "".join(f"{i},{c}\n" for c, n in counts.items() for i in range(n))).encode()


TRIGGERS = {
    "config.positive": lambda: tiny_config(temperature=0).validate(),
    "config.unit_range": lambda: tiny_config(alpha=2).validate(),
    "config.not_negative": lambda: tiny_config(beta=-1).validate(),
    "config.whole": lambda: tiny_config(epochs=0).validate(),
    "config.fraction": lambda: tiny_config(train_fraction=0).validate(),
    "cap": lambda: admit(tiny_config(epochs=400), ServerSettings(max_epochs=200)),
    "upload.too_big": lambda: import_upload("a.csv", b"x" * 100, UploadLimits(max_bytes=10)),
    "upload.kind": lambda: import_upload("notes.exe", b"abc"),
    "upload.zip_entries": lambda: import_upload("a.zip", zipped({f"c/{i}.png": b"" for i in range(3)}),
                                                UploadLimits(max_files=2)),
    "upload.zip_images": lambda: import_upload("a.zip", zipped({f"c/{i}.png": b"" for i in range(3)}),
                                               UploadLimits(max_samples=2)),
    "upload.zip_folders": lambda: import_upload("a.zip", zipped({"loose.png": b""})),
    "upload.few_classes": lambda: import_upload("a.csv", csv_rows({"cat": 10})),
    "upload.few_samples": lambda: import_upload("a.csv", csv_rows({"cat": 10, "dog": 2})),
}


def raised(key: str) -> UserError:
    with pytest.raises(UserError) as caught:
        TRIGGERS[key]()
    assert caught.value.key == key, caught.value
    return caught.value


def show(err: UserError, lang: str) -> str:
    """The error as a page shows it: a real script run, the language from the URL like every page."""
    def page(error):
        import streamlit as st

        from ui.common import error_text, tr
        st.error(tr("common.error", message=error_text(error)))

    at = AppTest.from_function(page, args=(err,), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at.error[0].value.replace("\\", "")


@pytest.mark.parametrize("key", sorted(TRIGGERS))
def test_a_converted_error_is_chinese_on_a_chinese_page_and_english_on_the_cli(key):
    err = raised(key)
    shown = show(err, "zh")
    text = ALLOWED.sub("", shown)
    assert re.search(r"[\u4e00-\u9fff]", text) and not ENGLISH_RUN.search(text), shown
    assert not re.search(r"[\u4e00-\u9fff]", str(err)), str(err)  # the CLI prints the English sentence
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), shown  # settings by their names, not their raw keys


def test_the_english_page_words_the_setting_not_its_key():
    shown = show(raised("config.fraction"), "en")
    assert "the share of the training set must be above 0 and at most 1, got 0" in shown
    assert "train_fraction" not in shown


def test_the_check_catches_an_untranslated_sentence():
    assert ENGLISH_RUN.search("出错了：alpha must be in [0, 1], got 2")
    assert not ENGLISH_RUN.search("出错了：文件大小为 1.0 MiB，最多允许 0.5 MiB（max_upload_total_mb）")
