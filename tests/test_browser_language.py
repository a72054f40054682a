"""The Language page in Chromium, in English and 简体中文: a tiny tinylang run started from a Distill link shows its
live perplexity and KL curves; on the Language page its next-token bars and KL strip draw, a typed prompt and a move
of T redraw them, each model writes; the Attention page shows the GPT's maps. No error box or exception anywhere.
Screenshots go to $KDLAB_SHOTS (default /tmp/shots): language_en.png, language_zh.png, attention-gpt_*.png."""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest

from .test_browser import (assert_no_problem, main_button, page, server, settle, shot, shown_run,  # noqa: F401
                           visit, wait_for_the_run, words)

pytestmark = pytest.mark.slow
# a run of seconds: a one-layer teacher on 100 sentences (the default, gpt-small on 2,000, trains for minutes)
LM_LINK = ("dataset=tinylang&teacher=gpt-tiny&student=gpt-tiny&dataset_kw=n%3D100&epochs=3&teacher_epochs=3"
           "&temperature=1&lr=0.003&teacher_lr=0.003&train_fraction=0.5")


def charts(page) -> int:
    return page.locator('[data-testid="stMain"] [data-testid="stPlotlyChart"]').count()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_language_model_run_on_the_language_and_attention_pages(page, server, lang):  # noqa: F811
    visit(page, server, "distill", lang, LM_LINK)
    run = main_button(page, "distill.run", lang)
    run.wait_for(timeout=60_000)
    deadline = time.monotonic() + 180
    while run.is_disabled():  # the other language's run may still be training
        assert time.monotonic() < deadline, "Run stayed disabled"
        page.wait_for_timeout(1000)
    run_before = shown_run(page)
    run.click()
    wait_for_the_run(page, lang, 240, run_before)
    settle(page)
    assert_no_problem(page, f"distill ({lang}) after a tinylang run")
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text(words("live.language_help", lang)).wait_for(timeout=60_000)  # its perplexity and KL curves
    run_id = parse_qs(urlparse(page.url).query)["run"][0]

    visit(page, server, "language", lang, f"run={run_id}")
    main.locator('[data-testid="stCode"]').nth(2).wait_for(timeout=120_000)  # drawn last, after the two charts
    assert charts(page) == 2 and main.locator('[data-testid="stCode"]').count() == 3  # bars, strip; three texts
    before = main.inner_text()
    prompt = main.get_by_label(words("language.prompt", lang), exact=True)
    prompt.fill("my fox likes the ")
    prompt.press("Enter")
    settle(page)
    slider = main.get_by_role("slider").first
    slider.focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    settle(page)
    assert main.inner_text() != before
    title = page.locator('[data-testid="stPlotlyChart"] .gtitle').first.text_content()
    assert title == words("language.bars_title", lang, t="2"), title  # T moved from 1 by four steps of 0.25
    assert_no_problem(page, f"language ({lang}) after a prompt and T")
    assert charts(page) == 2
    shot(page, "language", lang)

    visit(page, server, "attention", lang, f"run={run_id}")
    page.locator('[data-testid="stPlotlyChart"]').nth(1).wait_for(timeout=60_000)
    assert_no_problem(page, f"attention ({lang}) on a GPT run")
    assert charts(page) == 2  # the teacher's and the student's causal maps
    shot(page, "attention-gpt", lang)
