"""Your own data on the Distill page (AppTest): a CSV becomes a dataset selected in the form and admitted for a
run; a bad file gets one message and nothing is written; a Chinese text trains a language model through a worker."""
from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from kdlab import RunConfig
from kdlab.runs.store import ACTIVE, RunStore

from .conftest import assert_clean
from .test_uploads import csv_bytes, image_zip, written

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)


def open_distill(workspace: str | None = None) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=120)
    if workspace:
        at.session_state["kdlab_workspace"] = workspace
    return at.run().switch_page("app_pages/distill.py").run()


def test_a_csv_upload_becomes_the_selected_dataset_and_a_bad_one_is_one_message():
    at = open_distill()
    before = written()
    at.file_uploader(key="distill_data_file").set_value(("one.csv", csv_bytes(classes=("cat",)), "text/csv")).run()
    assert [e.value for e in at.error] and len(at.error) == 1 and "cannot be used" in at.error[0].value
    assert written() == before  # nothing kept

    at.file_uploader(key="distill_data_file").set_value(("pets.csv", csv_bytes(per_class=12), "text/csv")).run()
    assert_clean(at)
    dataset = at.selectbox(key="distill_dataset").value
    assert dataset.startswith("upload-pets-") and f"{dataset}.pt" in written()
    assert at.session_state["distill_config"].dataset == dataset
    assert not at.button(key="distill_run").disabled  # admitted: the form can run it

    at.file_uploader(key="distill_data_file").set_value(("shapes.zip", image_zip(), "application/zip")).run()
    assert_clean(at)
    assert at.selectbox(key="distill_dataset").value.startswith("upload-shapes-")


def test_an_upload_message_is_escaped_once_so_it_reads_as_written():
    at = open_distill()
    nan = b"a,label\n" + b"\n".join(b"nan,%d" % (i % 2) for i in range(20))
    at.file_uploader(key="distill_data_file").set_value(("nan.csv", nan, "text/csv")).run()
    message = at.error[0].value
    assert "not a number\\: 'nan'" in message  # escaped once: Markdown shows "not a number: 'nan'"
    assert "\\\\" not in message and " object at 0x" not in message


def test_an_upload_is_offered_in_its_workspace_only_and_its_browser_deletes_it():
    mine, other = open_distill("upload-a"), open_distill("upload-b")
    mine.file_uploader(key="distill_data_file").set_value(("own.csv", csv_bytes(per_class=11), "text/csv")).run()
    dataset = mine.selectbox(key="distill_dataset").value
    assert dataset.startswith("upload-own-") and dataset in mine.selectbox(key="distill_dataset").options
    assert dataset not in other.run().selectbox(key="distill_dataset").options  # another workspace: not listed
    mine.button(key=f"distill_data_delete_{dataset}").click().run()
    assert_clean(mine)
    assert f"{dataset}.pt" not in written() and dataset not in mine.selectbox(key="distill_dataset").options
    assert mine.selectbox(key="distill_dataset").value == RunConfig().dataset  # the form falls back to the default


@pytest.mark.slow  # a worker trains a GPT teacher and two students on the upload (about 20 s)
def test_an_uploaded_chinese_text_trains_a_language_model_end_to_end():
    at = open_distill("upload-zh")
    text = "小猫喜欢小鸟。老师看见苹果了。今天妈妈想要红花。\n" * 40
    at.file_uploader(key="distill_data_file").set_value(("语料.txt", text.encode("utf-8"), "text/plain")).run()
    assert_clean(at)
    dataset = at.selectbox(key="distill_dataset").value
    assert dataset.startswith("upload-") and f"{dataset}.pt" in written()
    assert (at.selectbox(key="distill_teacher").value, at.selectbox(key="distill_student").value) == (
        "gpt-small", "gpt-tiny")  # the corpus's own pair
    at.number_input(key="distill_epochs").set_value(2).run()
    at.number_input(key="distill_teacher_epochs").set_value(1).run()
    at.button(key="distill_run").click().run()
    assert_clean(at)
    run_id = at.session_state["kdlab_runs"][-1]
    store, deadline = RunStore(), time.monotonic() + 300
    while store.get(run_id).status in ACTIVE:
        assert time.monotonic() < deadline, "the upload's run did not end in time"
        time.sleep(0.5)
    record = store.get(run_id)
    assert record.status == "finished" and record.config["dataset"] == dataset
    summary = record.summary
    perplexity = summary["student_perplexity"]
    assert perplexity > 1 and perplexity < len(set(text)) + 1  # better than guessing among its characters
    assert set("".join(summary["language"]["student"]["samples"])) <= set(text)  # it writes the upload's characters
    at.run()
    assert_clean(at)
