"""The Language page, driven by AppTest through app.py's navigation, on a tiny tinylang run recorded in the run store:
the next-token bars of teacher, student, baseline and the truth at T, the KL strip over a validation text, the text
each model writes, a prompt the corpus cannot read, both languages with no None/NaN/raw key; the Attention page's
GPT maps; and, with no language-model run, the default teacher trained by a worker."""
from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from kdlab import RunConfig
from kdlab.data import run_defaults
from kdlab.runs.loading import load_run
from kdlab.runs.recording import run_recorded
from kdlab.viz.language import token_kl
from ui.text import t as translate

from .conftest import app_jobs, assert_clean, open_app_page, wait_for_teachers
from .test_app_scan import problems, rendered
from .test_app_teachers import values

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

PAGE = "app_pages/language.py"
TINY = RunConfig(**{**run_defaults("tinylang"), "dataset": "tinylang", "teacher": "gpt-tiny", "dataset_kw": {"n": 60},
                    "teacher_epochs": 2, "epochs": 1, "train_fraction": 0.5, "device": "cpu"})


@pytest.fixture(scope="module")
def run_id() -> str:
    """A tinylang run trained here in a second (the page only reads it), recorded as the app's runs are."""
    store = app_jobs().store
    run_id = store.create(TINY.validate().to_dict(), source="distill")
    run_recorded(store, run_id, TINY)
    return run_id


def opened(run_id: str | None, lang: str = "en"):
    session = {"kdlab_lang": lang} if run_id is None else \
        {"kdlab_lang": lang, "kdlab_selected_run": run_id, "kdlab_runs": [run_id]}
    return open_app_page(PAGE, **session)


def chart(at, key: str) -> dict:
    return json.loads(next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key)).proto.spec)


def test_a_finished_run_shows_every_model_s_next_token_answer_the_truth_the_strip_and_their_texts(run_id):
    at = opened(run_id)
    assert_clean(at)
    bars = chart(at, "language_bars")["data"]
    assert [b["name"] for b in bars] == [*(translate(f"common.{r}") for r in ("teacher", "student", "baseline")),
                                         "truth (the grammar)"]
    truth = dict(zip(bars[3]["x"], values(bars[3]["y"])))
    assert {k: v for k, v in truth.items() if v} == pytest.approx({"t": 1 / 3, "a": 1 / 3, "m": 1 / 3})
    assert [s.value for s in at.subheader][-3:] == ["What comes next", "Where the student departs from the teacher",
                                                    "What each model writes"]
    assert len(at.code) == 3
    table = at.dataframe[0].value
    assert list(table.index) == [translate(f"common.{r}") for r in ("teacher", "student", "baseline")]
    assert list(table.columns) == ["likeliest next token", "KL(teacher ‖ model) (nats)", "KL(truth ‖ model) (nats)"]
    assert table.iloc[0, 1] == "–" and float(table.iloc[1, 1]) > 0 and float(table.iloc[2, 2]) > 0

    run = load_run(app_jobs().store, run_id)
    tokens, kl = token_kl(run.models["teacher"], run.models["student"], run.splits.x_test[0], run.splits.y_test[0])
    strip = chart(at, "language_strip")["data"][0]
    shown = values(strip["z"]).ravel()[: len(kl)]
    np.testing.assert_allclose(shown, kl, rtol=1e-5)


def test_moving_t_and_typing_a_prompt_redraw_the_answers_and_a_foreign_character_is_one_line(run_id):
    at = opened(run_id)
    before = values(chart(at, "language_bars")["data"][0]["y"])
    at.slider(key="language_t").set_value(3.0).run()
    assert_clean(at)
    after = chart(at, "language_bars")["data"][0]
    assert not np.allclose(values(after["y"]), before) and at.get("plotly_chart")[0].proto.spec.count("T = 3") == 1
    at.text_input(key="language_prompt").input("my fox likes the ").run()
    truth = chart(at, "language_bars")["data"][3]
    truth = dict(zip(truth["x"], values(truth["y"])))
    assert {k: v for k, v in truth.items() if v} == pytest.approx({c: 0.25 for c in "cdbf"})
    assert any(m.value.startswith("After “my fox likes the ”") for m in at.markdown)
    first = [c.value for c in at.code]
    at.number_input(key="language_seed").set_value(5).run()
    assert [c.value for c in at.code] != first and all(c.value.startswith("my fox likes the ") for c in at.code)
    at.text_input(key="language_prompt").input("[x](http://evil.example) Ω").run()
    assert not at.exception and not at.error and len(at.warning) == 1
    assert "never uses" in at.warning[0].value and "](http" not in at.warning[0].value
    assert not any(c.proto.id.endswith("language_bars") for c in at.get("plotly_chart"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_speaks_the_reader_s_language_with_no_none_nan_or_raw_key(run_id, lang):
    at = opened(run_id, lang)
    assert_clean(at)
    assert at.title[0].value == translate("language.title", lang)
    found = problems(rendered(at))
    assert not found, found
    if lang == "zh":
        assert "蒸馏学生" in chart(at, "language_bars")["data"][1]["name"]
        assert all(not re.search(r"[A-Za-z]{4,} [A-Za-z]{4,} [A-Za-z]{4,}", s.value) for s in at.subheader)


def test_the_attention_page_shows_the_gpt_s_causal_maps_of_both_models(run_id):
    at = open_app_page("app_pages/attention.py", kdlab_selected_run=run_id, kdlab_runs=[run_id])
    assert_clean(at)
    maps = [json.loads(c.proto.spec)["data"][0] for c in at.get("plotly_chart")]
    assert len(maps) == 2
    for heat in maps:
        z = values(heat["z"])
        z = z.reshape(math.isqrt(z.size), -1)  # a square map: query positions down, key positions across
        np.testing.assert_allclose(z.sum(1), 1, rtol=1e-4)
        assert np.abs(np.triu(z, 1)).max() == 0  # causal: nothing right of the diagonal
    assert maps[0]["zmax"] == maps[1]["zmax"]  # one colour scale
    at.text_input(key="attention_gpt_text").input("a cat").run()
    assert_clean(at)
    assert values(json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["z"]).size == 6 * 6  # BOS + 5


@pytest.mark.slow  # the default teacher, gpt-small on tinylang, trains in a worker: minutes on two cores
def test_with_no_language_model_run_a_worker_trains_the_default_teacher_and_the_page_shows_it_alone():
    at = opened(None)
    assert not at.exception and not at.error
    wait_for_teachers(deadline_s=900)
    at.run()
    assert_clean(at)
    assert at.info[0].value == translate("language.no_run")
    assert [b["name"] for b in chart(at, "language_bars")["data"]] == ["teacher", "truth (the grammar)"]
    assert translate("language.strip_none") in [i.value for i in at.info] and len(at.code) == 1
    assert list(at.dataframe[0].value.columns) == ["likeliest next token", "KL(truth ‖ model) (nats)"]
