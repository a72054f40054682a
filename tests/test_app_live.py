"""One run, live (ui/live.py): its status while each teacher trains, its curves growing while it runs, and the
sentences of its verdict, driven by AppTest on real runs trained by the app's own worker processes."""
from __future__ import annotations

import json
import re
import secrets
import time

import pytest
from streamlit.testing.v1 import AppTest

from kdlab import RunConfig
from kdlab.fit import TrainEvent
from kdlab.runs.recording import StoreRecorder
from kdlab.runs.store import RunStore
from kdlab.stats import mcnemar_exact
from ui.live import LIVE_SECONDS, verdict_text

from .conftest import app_jobs, tiny_config

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

RAW = re.compile(r"\bNone\b|\bnan\b|NaN|p = <|by -|\d\.\d{5,}")  # what a person never writes on a page


def _panel():
    """The live panel of one run, alone on a page (the Distill page, the home page and the lessons embed it)."""
    import streamlit as st

    from ui.live import live_run

    live_run(st.session_state["panel_run"])


def open_panel(run_id: str, owner: str) -> AppTest:
    at = AppTest.from_function(_panel, default_timeout=60)
    at.session_state["panel_run"] = run_id
    at.session_state["kdlab_browser"] = owner  # what the browser's cookie gives the page that started the run
    return at.run()


def texts(at: AppTest) -> list[str]:
    """Every sentence the page shows (Markdown's escapes undone, as the browser draws them): markdown, captions,
    boxes, buttons and the tables' shown cells."""
    shown = [re.sub(r"\\(.)", r"\1", e.value) for kind in ("markdown", "caption", "info", "success", "warning",
                                                             "error", "subheader") for e in at.get(kind)]
    shown += [b.label for b in at.button]
    for frame in at.dataframe:
        styled = frame.proto.arrow_data.styler.display_values  # what the browser draws of a styled table
        table = frame.value if not styled else _arrow(styled)
        shown += [str(v) for v in table.to_numpy().ravel()] + [str(v) for v in (*table.index, *table.columns)]
    return shown


def _arrow(data: bytes):
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    return convert_arrow_bytes_to_pandas_df(data)


def has_stop(at: AppTest, run_id: str) -> bool:
    return any(button.key == f"live_stop_{run_id}" for button in at.button)


def loss_points(at: AppTest) -> int:
    """How many points the live loss figure draws (all its traces)."""
    charts = [c for c in at.get("plotly_chart") if "live_loss_" in c.proto.id]
    if not charts:
        return 0
    return sum(len(trace.get("x") or ()) for trace in json.loads(charts[0].proto.spec)["data"])


def wait_finished(run_id: str, deadline_s: float = 300) -> None:
    deadline = time.monotonic() + deadline_s
    while app_jobs().store.get(run_id).status in ("queued", "running"):
        assert time.monotonic() < deadline, f"run {run_id} still active after {deadline_s} s"
        time.sleep(0.2)
    assert app_jobs().store.get(run_id).status == "finished", app_jobs().store.get(run_id).error


@pytest.mark.slow  # trains real runs through the app (over 10 s)
def test_while_a_second_teacher_trains_the_panel_names_it_keeps_stop_and_shows_no_none():
    owner = secrets.token_hex(16)
    config = tiny_config(teacher="mlp-small", extra_teachers=("mlp-large",), teacher_epochs=40, seed=18)
    run_id = app_jobs().submit(config, "default", owner)
    at = open_panel(run_id, owner)
    deadline = time.monotonic() + 300
    while not any("Training teacher 2 of 2 (mlp-large)" in text for text in texts(at)):
        assert not at.exception, [e.value for e in at.exception]
        assert app_jobs().store.get(run_id).status in ("queued", "running"), "the run ended before its 2nd teacher"
        assert time.monotonic() < deadline, "the second teacher's phase was never shown"
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert has_stop(at, run_id)
    assert not [text for text in texts(at) if RAW.search(text)]
    assert any("Latest: teacher 2 of 2 (mlp-large), epoch" in text for text in texts(at)), texts(at)
    wait_finished(run_id)
    at.run()
    assert not at.exception and not has_stop(at, run_id)
    shown = texts(at)
    assert "all teachers (mean answer)" in shown and "mlp-large" in shown  # the teacher table
    assert not [text for text in shown if RAW.search(text)], [text for text in shown if RAW.search(text)]


@pytest.mark.slow  # trains real runs through the app (over 10 s)
def test_the_default_run_shows_its_curves_grow_at_least_five_times_and_keeps_them():
    """A browser polls every LIVE_SECONDS; so does this test, counting how often the loss figure has more points
    than before. RunConfig() as it is: whatever the defaults, a run that lasts 3 s or more must show 5 updates."""
    owner = secrets.token_hex(16)
    run_id = app_jobs().submit(RunConfig(), "default", owner)
    at = open_panel(run_id, owner)
    seen, started = [loss_points(at)], time.monotonic()
    while has_stop(at, run_id):
        assert time.monotonic() - started < 600, "the default run did not end in 10 minutes"
        time.sleep(max(0.0, started + LIVE_SECONDS * len(seen) - time.monotonic()))  # the fragment's cadence
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        seen.append(loss_points(at))
    lasted = time.monotonic() - started
    updates = sum(1 for before, after in zip(seen, seen[1:]) if after > before)
    assert lasted < 3 or updates >= 5, (lasted, seen)
    assert app_jobs().store.get(run_id).status == "finished"
    assert loss_points(at) >= max(seen) > 0  # the finished run keeps its curves


def test_an_event_half_a_poll_after_the_last_write_is_in_the_store_for_the_next_poll():
    """The page polls every LIVE_SECONDS: a step or an epoch end that comes half of that after the recorder's last
    write is written at once, so every poll of a training run finds new points (the trainer sends one at least every
    half second)."""
    store = RunStore()
    run_id = store.create(tiny_config().to_dict())
    recorder = StoreRecorder(store, run_id)
    step = TrainEvent("student", "step", 1, 3, 0.1, {"total": 1.0})
    recorder.on_step(step)
    time.sleep(LIVE_SECONDS / 2)  # time passing, not a wait for something to happen
    recorder.on_epoch_end(TrainEvent("student", "epoch", 1, 6, 0.2, {"total": 0.9, "test_acc": 0.5}))
    assert [e["kind"] for e in store.events(run_id)] == ["step", "epoch"]


def summary(only_student: int, only_baseline: int, images: int = 360, student: float = 0.9,
            teacher: float = 0.95, baseline: bool = True) -> dict:
    """A finished run's summary whose student and baseline differ by exactly the paired counts."""
    return dict(teacher_acc=teacher, student_acc=student, teacher_params=1000, student_params=100,
                baseline_acc=student - (only_student - only_baseline) / images if baseline else None,
                paired={"only_student": only_student, "only_baseline": only_baseline, "images": images})


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("counts, images", [((30, 2), 360), ((2, 30), 360), ((3, 1), 360), ((1, 3), 360),
                                            ((2, 2), 360), ((1, 0), 1), ((0, 1), 2), ((1, 1), 2)])
def test_no_verdict_sentence_writes_a_raw_number_a_double_negative_or_a_wrong_p(counts, images, language):
    kind, text = verdict_text(summary(*counts, images=images), language)
    assert not RAW.search(text) and "−" not in text and " -" not in text, text
    p = mcnemar_exact(*counts)
    assert ("p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}") in text


@pytest.mark.parametrize("counts, kind, versus", [
    ((30, 2), "helped", "the distilled student is 7.8 points above the baseline"),
    ((2, 30), "hurt", "the distilled student is 7.8 points below the baseline"),
    ((3, 1), "no_difference", "the distilled student is 0.6 points above the baseline"),
    ((1, 3), "no_difference", "the distilled student is 0.6 points below the baseline"),
    ((2, 2), "no_difference", "the distilled student and the baseline are equally accurate"),
])
def test_the_verdict_says_above_below_or_level_with_a_positive_gap(counts, kind, versus):
    got, text = verdict_text(summary(*counts), "en")
    assert got == kind and versus in text, text
    assert f"On the same 360 test samples, the distilled student alone was right on {counts[0]} and the baseline " \
           f"alone on {counts[1]} (McNemar's exact test, p " in text


def test_one_test_sample_is_singular_and_two_plural_in_english_and_counted_in_chinese():
    assert "On the same 1 test sample, the distilled student alone was right on 1 and the baseline alone on 0" in \
           verdict_text(summary(1, 0, images=1), "en")[1]
    assert "On the same 2 test samples," in verdict_text(summary(0, 1, images=2), "en")[1]
    zh = verdict_text(summary(1, 0, images=1), "zh")[1]
    assert "在同样的 1 个测试样本上，只有蒸馏学生答对的有 1 个，只有基线学生答对的有 0 个（McNemar 精确检验，p = 1.00）" in zh
    assert "p < 0.001" in verdict_text(summary(30, 2), "zh")[1] and "低 7.8 个百分点" in verdict_text(summary(2, 30), "zh")[1]


def test_the_teacher_gap_reads_behind_ahead_or_level_and_a_run_without_baseline_gives_its_accuracy():
    assert verdict_text(summary(2, 2, student=0.9, teacher=0.95), "en")[1].endswith(
        "It has 10× fewer parameters than the teacher. It is 5.0 points behind the teacher.")
    assert "It even beats the teacher by 0.8 points." in verdict_text(summary(2, 2, teacher=0.9 - 0.0084), "en")[1]
    assert "It is as accurate as the teacher." in verdict_text(summary(2, 2, teacher=0.9), "en")[1]
    kind, text = verdict_text(summary(0, 0, student=0.98312, baseline=False), "en")
    assert kind is None and text.startswith("The distilled student reached 98.3 % test accuracy (no baseline")
    assert "蒸馏学生的测试准确率为 98.3 %" in verdict_text(summary(0, 0, student=0.98312, baseline=False), "zh")[1]
