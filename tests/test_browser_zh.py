"""The whole app in 简体中文, in Chromium, after real runs: a two-teacher run, a language-model run, a 2 × 2 sweep and an
int8 compression, then every page — the language-model page, each lesson, the instructor view signed in with its
key. No page may show a run of four or more English words outside code, formulas, paper titles, method
abbreviations and model names, and Streamlit's own keyboard link "Skip to main content", hidden until a key
reaches it (tests/test_app_scan.py reads the AppTest element tree; this reads what Chromium
drew, charts included). Screenshots of every page go to $KDLAB_SHOTS_ZH (default /tmp/shots_zh).
"""
from __future__ import annotations

import os
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from kdlab.lessons import LESSONS
from kdlab.losses import terms

from .test_browser import (TINY_LINK, assert_no_problem, main_button, page, running_app, settle,  # noqa: F401
                           shown_run, visit, wait_for_the_run, words)
from .test_browser_language import LM_LINK

pytestmark = pytest.mark.slow
SHOTS = Path(os.environ.get("KDLAB_SHOTS_ZH", "/tmp/shots_zh"))
KEY = "class-7b-instructor"
ENGLISH_RUN = re.compile(r"[A-Za-z]+(?:[ '][A-Za-z]+){3,}")  # four English words in a row
# what a page may quote in English: the papers' own titles and citations (the registry's and the lessons')
PAPERS = sorted({t.paper for t in terms() if t.paper} | {lesson.paper.source for lesson in LESSONS if lesson.paper},
                key=len, reverse=True)
TEXT_OF_PAGE = """() => {
    const skip = 'code, pre, .katex, [data-testid="stCode"], style, script, noscript, [data-testid="stSkipToContent"]';
    const root = document.querySelector('[data-testid="stAppViewContainer"]');
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {acceptNode: node =>
        node.parentElement.closest(skip) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode.nodeValue);
    return texts;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """An app with an instructor key, warming no teacher (the runs below train their own)."""
    yield from running_app(tmp_path_factory.mktemp("browser-zh"), instructor_key=KEY, warm_teachers="none")


def english_runs(texts: list[str]) -> list[str]:
    """Every run of four English words in the page's texts, paper titles aside."""
    found = []
    for text in texts:
        for paper in PAPERS:
            for quoted in (paper, *[part for part in paper.split(", ") if len(part.split()) >= 4]):
                text = text.replace(quoted, " ")
        found += ENGLISH_RUN.findall(text)
    return found


def look(page, name: str, found: dict[str, list[str]]) -> None:
    """No error box; a screenshot to look at; the page's English sentences kept in ``found`` (every page is
    visited before the test says which had some)."""
    assert_no_problem(page, f"{name} (zh)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate('document.querySelector(\'[data-testid="stMain"]\').scrollHeight')
    page.set_viewport_size({"width": 1400, "height": min(max(height, 900), 12_000)})  # Streamlit scrolls its main
    page.wait_for_timeout(1000)  # part, not the document: the whole page fits in a viewport as tall as it is
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.set_viewport_size({"width": 1400, "height": 900})
    if runs := english_runs(page.evaluate(TEXT_OF_PAGE)):
        found[name] = runs


def finished_run(page, server: str, link: str) -> str:
    """Run the Distill form a link sets and wait for the run to end; its id."""
    visit(page, server, "distill", "zh", link)
    run = main_button(page, "distill.run", "zh")
    run.wait_for(timeout=60_000)
    deadline = time.monotonic() + 300
    while run.is_disabled():  # this browser's run before still trains
        assert time.monotonic() < deadline, "Run stayed disabled"
        page.wait_for_timeout(1000)
    before = shown_run(page)
    run.click()
    wait_for_the_run(page, "zh", 900, before)  # teachers train first; a busy machine is slow
    settle(page)
    return parse_qs(urlparse(page.url).query)["run"][0]


def test_the_checker_finds_an_english_sentence_and_lets_names_and_titles_pass():
    assert english_runs(["出错了：the queue is full right now"]) == ["the queue is full right now"]
    assert english_runs([f"教师模型 cnn-large，DKD，{PAPERS[0]}"]) == []


def test_every_page_in_chinese_after_runs_shows_no_english_sentence(page, server):
    found: dict[str, list[str]] = {}
    page.goto(f"{server}/?lang=zh")  # the server's first visit imports torch and every page: on a busy machine, slow
    page.wait_for_selector("h1", timeout=300_000)
    run_id = finished_run(page, server, TINY_LINK)
    look(page, "distill", found)
    lm_run = finished_run(page, server, LM_LINK)
    look(page, "distill-language-model", found)

    main = page.locator('[data-testid="stMain"]')
    visit(page, server, "compress", "zh", f"run={run_id}")
    main.get_by_text(words("compress.int8", "zh"), exact=True).click()
    settle(page)
    main_button(page, "compress.start", "zh").click()
    page.locator('[data-testid="stPlotlyChart"]').nth(1).wait_for(timeout=300_000)
    settle(page)
    look(page, "compress", found)

    # a sweep of two runs (T = 1 and 4) left to train, looked at last (Distill's Run waits while it trains)
    visit(page, server, "sweep", "zh", TINY_LINK)
    for label, value in {words("sweep.values", "zh", number=1): "1,4", words("sweep.seeds", "zh"): "0"}.items():
        box = main.get_by_label(label, exact=True)
        box.fill(value)
        box.press("Enter")
        settle(page)
    main.get_by_label(words("sweep.axis", "zh", number=2), exact=True).click()
    page.get_by_role("option", name=words("sweep.none", "zh"), exact=True).click()
    settle(page)
    main_button(page, "sweep.launch", "zh").click()
    page.wait_for_function("() => new URL(location.href).searchParams.get('sweep') !== null", timeout=60_000)
    sweep_id = parse_qs(urlparse(page.url).query)["sweep"][0]

    for name in ("home", "temperature", "methods", "attention", "compare", "history"):
        visit(page, server, name, "zh", f"run={run_id}")
        look(page, name, found)
    for name in ("language", "attention"):
        visit(page, server, name, "zh", f"run={lm_run}")
        look(page, f"{name}-language-model", found)

    visit(page, server, "lessons", "zh")
    for lesson in LESSONS:
        main.get_by_role("radiogroup").get_by_text(words(f"lessons.{lesson.key}.title", "zh"), exact=True).click()
        settle(page)
        look(page, f"lessons-{lesson.key}", found)

    visit(page, server, "instructor", "zh")
    main.get_by_label(words("instructor.key", "zh"), exact=True).fill(KEY)
    main_button(page, "instructor.open", "zh").click()
    main.get_by_text(words("instructor.runs_title", "zh"), exact=True).wait_for(timeout=60_000)
    settle(page)
    look(page, "instructor", found)

    visit(page, server, "sweep", "zh", f"sweep={sweep_id}")  # last: its runs queued behind the others
    done = words("sweep.progress_many", "zh", done=2, count=2, status="")[:-2]  # "已完成 2 / 2 个实验"
    main.get_by_text(re.compile(re.escape(done))).wait_for(timeout=900_000)
    settle(page)
    look(page, "sweep", found)
    assert found == {}
