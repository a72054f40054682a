"""The app in a real browser: `streamlit run app.py` on a loopback port, driven by Playwright in Debian's Chromium.

Opens every page, moves the temperature slider, runs a short distillation on Distill and waits for its curves
and summary, and checks that no error box or exception ever shows. Set KDLAB_SCREENSHOTS=<folder> to keep a
1400×900 screenshot of every page.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# distill first: a fresh server's first visitor arrives by a shared deep link, before anyone opened the home page
PAGES = ["distill", "home", "temperature", "methods", "attention", "compare", "compress", "lessons", "history",
         "sweep"]
PROBLEMS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
INSTRUCTOR_KEY = "class-7b-instructor"  # the server's (KDLAB_INSTRUCTOR_KEY): typed into the page, never in a URL

pytestmark = [pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("KDLAB_REQUIRE_BROWSER"),
                                 reason="Debian's chromium is not installed (apt-get install -y chromium)"),
              pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from running_app(tmp_path_factory.mktemp("browser-home"), instructor_key=INSTRUCTOR_KEY)


def running_app(home, **settings):
    """``streamlit run app.py`` on a free loopback port with ``home`` as its KDLAB_HOME and ``settings`` as its
    ``KDLAB_*`` variables: yields its URL, then stops it."""
    port = free_port()
    env = {**os.environ, "KDLAB_HOME": str(home), **{f"KDLAB_{k.upper()}": str(v) for k, v in settings.items()}}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("streamlit did not start within 60 s: " + process.stdout.read().decode()[-2000:])
    yield url
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:  # a loaded machine: its workers still finishing what they had
        process.kill()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        yield page
        browser.close()


def settle(page, quiet_seconds: float = 1.5, timeout: float = 60) -> None:
    """Wait until the script has stopped running for ``quiet_seconds`` (fragments poll while a run is active)."""
    deadline, quiet_since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if page.locator('[data-testid="stStatusWidget"]').count() == 0:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= quiet_seconds:
                return
        else:
            quiet_since = None
        page.wait_for_timeout(200)


def assert_no_problem(page, where: str) -> None:
    problems = page.locator(PROBLEMS)
    assert problems.count() == 0, f"{where}: {problems.first.inner_text()[:500]}"


def screenshot(page, name: str) -> None:
    folder = os.environ.get("KDLAB_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def open_page(page, server: str, name: str, lang: str = "en") -> None:
    page.goto(f"{server}/{'' if name == 'home' else name}?lang={lang}")
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=30_000)
    page.wait_for_selector("h1", timeout=60_000)
    settle(page)


def test_every_page_opens_without_an_error(page, server):
    for name in PAGES:
        open_page(page, server, name)
        assert_no_problem(page, name)
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_text("Language", exact=True).count() == 1, f"{name}: app.py's sidebar is missing"
        assert "kdlab_browser=" in page.evaluate("document.cookie"), f"{name}: the browser key was not set"
        screenshot(page, name)


def test_moving_the_temperature_slider_changes_the_numbers(page, server):
    open_page(page, server, "temperature")
    main = page.locator('[data-testid="stMain"]')
    before = main.inner_text()
    slider = page.get_by_role("slider").first
    slider.focus()
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    settle(page)
    assert main.inner_text() != before
    assert_no_problem(page, "temperature after the slider moved")


def test_a_short_run_on_distill_shows_curves_and_a_summary(page, server):
    open_page(page, server, "distill")
    page.get_by_role("button", name=re.compile(r"^Run$")).click()
    page.get_by_text(re.compile("parameters than the teacher")).wait_for(timeout=180_000)
    settle(page)
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 3
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1
    assert_no_problem(page, "distill after the run")
    screenshot(page, "distill-finished")


def test_a_refresh_keeps_the_finished_run_on_distill_and_the_analysis_pages(page, server):
    """The run shown lives in the URL (?run=…), so reloading the page — a new Streamlit session — keeps it."""
    page.reload()
    page.get_by_text(re.compile("parameters than the teacher")).wait_for(timeout=60_000)
    assert_no_problem(page, "distill after a refresh")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Compare").click()
    settle(page)
    assert "run=" in page.url
    page.reload()
    page.wait_for_selector("h1", timeout=60_000)
    settle(page)
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 3  # per-class bars, confusion matrices, ...
    assert_no_problem(page, "compare after a refresh")


def test_compress_makes_an_int8_variant_of_the_finished_run_and_draws_the_frontier(page, server):
    run_id = parse_qs(urlparse(page.url).query)["run"][0]
    page.goto(f"{server}/compress?lang=en&run={run_id}")
    page.wait_for_selector("h1", timeout=60_000)
    settle(page)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("int8 quantization").click()
    settle(page)
    main.get_by_role("button", name=re.compile(r"^Compress$")).click()
    main.get_by_text("What the numbers say").wait_for(timeout=180_000)
    settle(page)
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 2  # accuracy against size and latency
    assert "smaller on disk" in main.inner_text()
    assert_no_problem(page, "compress after a compression")
    screenshot(page, "compress-finished")


def test_the_chinese_interface_and_the_finished_run_on_other_pages(page, server):
    run_id = parse_qs(urlparse(page.url).query)["run"][0]
    for name in ("home", "compare", "temperature", "attention"):
        page.goto(f"{server}/{'' if name == 'home' else name}?lang=zh&run={run_id}")
        page.wait_for_selector("h1", timeout=60_000)
        settle(page)
        assert re.search(r"[\u4e00-\u9fff]", page.locator("h1").first.inner_text())
        assert_no_problem(page, f"{name} (zh)")
        screenshot(page, f"{name}-zh")


def test_a_new_session_right_after_run_still_shows_the_run_and_keeps_run_disabled(page, server):
    """The browser's cookie, set on its first visit, names its runs: a reload that beats the URL update still
    finds the run it just started, so the student sees it (and cannot start a duplicate by accident)."""
    open_page(page, server, "distill")
    page.get_by_text("Training: epochs, learning rate, seed, model sizes, device").click()  # behind an expander
    epochs = page.get_by_label("Epochs (each student)", exact=True)
    epochs.fill("200")
    epochs.press("Enter")
    settle(page)
    main = page.locator('[data-testid="stMain"]')  # not the status widget's own "Stop" (of a script run)
    stop = main.get_by_role("button", name=re.compile(r"^Stop$"))
    main.get_by_role("button", name=re.compile(r"^Run$")).click()
    stop.wait_for(timeout=60_000)  # the run exists
    assert main.get_by_role("button", name=re.compile(r"^Run$")).is_disabled()
    page.goto(f"{server}/distill?lang=en")  # a new session whose URL names no run: a reload that beat ?run=
    stop.wait_for(timeout=60_000)
    assert main.get_by_role("button", name=re.compile(r"^Run$")).is_disabled()
    stop.click()
    page.get_by_text("The run was stopped (cancelled) before it finished.").wait_for(timeout=60_000)
    assert_no_problem(page, "distill after a reload mid-run")


def test_an_uploaded_config_moves_the_widgets_in_the_browser_and_run_submits_it(page, server, tmp_path):
    """The browser's widgets keep their own values unless the server sets them: after an upload, the sliders must
    show the file's values, and the URL (what Run submits) must carry them."""
    open_page(page, server, "distill")
    config = tmp_path / "run.json"
    config.write_text('{"temperature": 7.5, "alpha": 0.3, "epochs": 9}')
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(config))
    page.wait_for_function("() => new URL(location.href).searchParams.get('temperature') === '7.5'", timeout=60_000)
    settle(page)
    sliders = {page.get_by_role("slider").nth(i).input_value() for i in range(2)}
    assert sliders == {"7.5", "0.3"}, sliders
    assert page.get_by_label("Epochs (each student)", exact=True).input_value() == "9"
    assert_no_problem(page, "distill after an upload")


def test_a_hostile_link_renders_no_link_and_echoes_nothing_long(page, server):
    evil = "[see solutions](http://evil.example)"
    page.goto(f"{server}/distill?lang=en&run={evil}&dataset={evil}&teacher={'x' * 30_000}")
    page.wait_for_selector("h1", timeout=60_000)
    settle(page)
    main = page.locator('[data-testid="stMain"]')
    assert main.locator('a[href*="evil.example"]').count() == 0
    assert "see solutions" in main.inner_text()  # named in a warning, as text
    assert "x" * 200 not in main.inner_text()  # cut short, never echoed whole


def test_a_two_by_two_sweep_fills_its_heatmap_and_a_refresh_keeps_it(page, server):
    """A 2 x 2 grid of tiny runs (the Distill form's settings, from a link) launched on the Sweep page: the heatmap
    appears while the trials finish and fills all four cells; the sweep's id in the URL brings it back after a
    reload."""
    page.goto(f"{server}/distill?lang=en&epochs=2&teacher_epochs=2&train_fraction=0.2")
    page.wait_for_selector("h1", timeout=60_000)
    settle(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Sweep").click()
    page.get_by_text("Launch the sweep").wait_for(timeout=60_000)
    settle(page)
    main = page.locator('[data-testid="stMain"]')
    assert "2 epochs" in main.inner_text()  # the base run is the Distill form's
    first = main.get_by_label("Values of setting 1", exact=True)
    first.fill("1,4")
    first.press("Enter")
    seeds = main.get_by_label("Seeds", exact=True)
    seeds.fill("0")
    seeds.press("Enter")
    settle(page)
    main.get_by_role("button", name="Launch the sweep").click()
    page.wait_for_function("() => new URL(location.href).searchParams.get('sweep') !== null", timeout=60_000)
    main.get_by_text(re.compile(r"4 of 4 runs finished")).wait_for(timeout=240_000)
    settle(page)
    heatmap = page.locator('[data-testid="stPlotlyChart"] .heatmaplayer')
    assert heatmap.count() == 1
    cells = page.locator('[data-testid="stPlotlyChart"] .heatmaplayer text')  # each filled cell writes its gain
    assert cells.count() == 4, cells.all_inner_texts()
    assert_no_problem(page, "sweep after the grid")
    screenshot(page, "sweep-finished")
    page.reload()
    page.wait_for_selector('[data-testid="stPlotlyChart"] .heatmaplayer', timeout=60_000)
    assert "4 of 4 runs finished" in page.locator('[data-testid="stMain"]').inner_text()
    assert_no_problem(page, "sweep after a refresh")


def test_own_data_uploaded_in_the_browser_becomes_the_dataset_and_trains_and_a_bad_file_gets_one_line(
        page, server, tmp_path):
    """A zip of class folders dropped on the Distill page becomes a dataset selected in the form, and a run on it
    finishes; a CSV with a single class is refused in one line."""
    from .test_uploads import csv_bytes, image_zip

    open_page(page, server, "distill")
    bad = tmp_path / "one-class.csv"
    bad.write_bytes(csv_bytes(classes=("cat",)))
    dropzones = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    dropzones.nth(1).set_input_files(str(bad))
    page.get_by_text(re.compile("This file cannot be used")).wait_for(timeout=60_000)
    assert page.locator('[data-testid="stAlertContentError"]').count() == 1
    good = tmp_path / "shapes.zip"
    good.write_bytes(image_zip(per_class=10))
    dropzones.nth(1).set_input_files(str(good))
    page.get_by_text(re.compile(r"Dataset upload-shapes-\w+ is ready")).wait_for(timeout=60_000)
    settle(page)
    page.get_by_role("button", name=re.compile(r"^Run$")).click()
    page.get_by_text(re.compile("parameters than the teacher")).wait_for(timeout=240_000)
    assert_no_problem(page, "distill after a run on uploaded data")


# ---- every page's main action, in English and Chinese ------------------------------------------------------------

SHOTS = Path(os.environ.get("KDLAB_SHOTS", "/tmp/shots"))
# a tiny two-teacher run, as a teacher's link would set the Distill form (the sweep and the methods take it as base)
TINY_LINK = "epochs=1&teacher_epochs=2&train_fraction=0.2&teacher=cnn-small&extra_teachers=mlp-small"


def words(key: str, lang: str, **values) -> str:
    from ui.text import t

    return t(key, lang, **values)


def shot(page, name: str, lang: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}_{lang}.png"), full_page=True)


def main_button(page, key: str, lang: str, **values):
    return page.locator('[data-testid="stMain"]').get_by_role("button", name=words(key, lang, **values), exact=True)


def wait_for_the_run(page, lang: str, timeout_s: float, run_before: str | None) -> None:
    """The run Run started has ended once the page shows it (its id in the URL and its title drawn), no Stop button,
    and its verdict. (Waiting for Stop to appear first raced a run that ends before the page is next drawn: cached
    teachers, one epoch.)"""
    stop = main_button(page, "live.stop", lang)
    alerts = page.locator('[data-testid="stMain"] [data-testid="stAlert"]')
    deadline = time.monotonic() + timeout_s
    while True:
        run_id = shown_run(page)
        if (run_id not in (None, run_before) and stop.count() == 0 and alerts.count() > 0
                and page.get_by_text(words("live.title", lang, run_id=run_id), exact=True).count() > 0):
            return
        assert time.monotonic() < deadline, f"the run did not end in {timeout_s} s"
        page.wait_for_timeout(500)


def shown_run(page) -> str | None:
    """The run id the page keeps in its URL (``?run=``), if any."""
    match = re.search(r"[?&]run=([0-9a-f-]+)", page.url)
    return match.group(1) if match else None


def visit(page, server: str, name: str, lang: str, query: str = "") -> None:
    page.goto(f"{server}/{'' if name == 'home' else name}?lang={lang}{'&' + query if query else ''}")
    page.wait_for_selector("h1", timeout=60_000)
    settle(page)
    assert_no_problem(page, f"{name} ({lang})")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_s_main_action_in_each_language(page, server, lang):
    """Distill trains a two-teacher run; Sweep fills a 2 × 2 grid whose α = 0 cells tie on every seed (the student
    is then the baseline); Methods fills its table; Compress makes int8; Temperature draws a random sample; the
    others open on the finished run. No error box or exception on any page, in either language."""
    visit(page, server, "distill", lang, TINY_LINK)
    run = main_button(page, "distill.run", lang)
    run.wait_for(timeout=60_000)
    deadline = time.monotonic() + 180
    while run.is_disabled():  # this browser's runs from before (the other language's comparison) still train
        assert time.monotonic() < deadline, "Run stayed disabled"
        page.wait_for_timeout(1000)
    run_before = shown_run(page)
    run.click()
    wait_for_the_run(page, lang, 240, run_before)
    settle(page)
    assert_no_problem(page, f"distill ({lang}) after a two-teacher run")
    shot(page, "distill", lang)
    run_id = parse_qs(urlparse(page.url).query)["run"][0]

    page.locator('[data-testid="stSidebarNav"]').get_by_text(words("nav.sweep", lang), exact=True).click()
    main_button(page, "sweep.launch", lang).wait_for(timeout=60_000)
    settle(page)
    main = page.locator('[data-testid="stMain"]')
    typed = {words("sweep.values", lang, number=1): "1,4", words("sweep.values", lang, number=2): "0,0.9",
             words("sweep.seeds", lang): "0,1"}
    for label, value in typed.items():
        box = main.get_by_label(label, exact=True)
        box.fill(value)
        box.press("Enter")
        settle(page)
    main_button(page, "sweep.launch", lang).click()
    cells = page.locator('[data-testid="stPlotlyChart"] .heatmaplayer text')
    deadline = time.monotonic() + 300
    while cells.count() < 4:
        if time.monotonic() > deadline:
            shot(page, "sweep-timeout", lang)
            pytest.fail(f"the sweep did not fill its four cells: {cells.all_inner_texts()}")
        assert_no_problem(page, f"sweep ({lang}) while it runs")
        page.wait_for_timeout(1000)
    settle(page)
    assert_no_problem(page, f"sweep ({lang}) with tied cells")
    shot(page, "sweep", lang)

    visit(page, server, "compress", lang, f"run={run_id}")
    main.get_by_text(words("compress.int8", lang), exact=True).click()
    settle(page)
    main_button(page, "compress.start", lang).click()
    page.locator('[data-testid="stPlotlyChart"]').nth(1).wait_for(timeout=180_000)
    settle(page)
    assert_no_problem(page, f"compress ({lang}) after int8")
    shot(page, "compress", lang)

    visit(page, server, "temperature", lang, f"run={run_id}")
    main_button(page, "temperature.random", lang).click()
    settle(page)
    assert_no_problem(page, f"temperature ({lang}) after a random sample")
    shot(page, "temperature", lang)
    for name in ("attention", "compare", "history", "lessons", "home"):
        visit(page, server, name, lang, f"run={run_id}")
        shot(page, name, lang)
    visit(page, server, "distill", lang, TINY_LINK)  # last: its runs go on after the page is left (Run disabled)
    page.locator('[data-testid="stSidebarNav"]').get_by_text(words("nav.methods", lang), exact=True).click()
    page.wait_for_selector("h1", timeout=60_000)
    settle(page)
    seeds = main.get_by_label(words("methods.seeds", lang), exact=True)
    seeds.fill("1")
    seeds.press("Enter")
    settle(page)
    launch = re.compile(re.escape(words("methods.run", lang, runs=999)).replace("999", r"\d+"))
    main.get_by_role("button", name=launch).click()
    page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first.wait_for(timeout=300_000)
    settle(page)
    assert_no_problem(page, f"methods ({lang}) as its table fills")
    shot(page, "methods", lang)


# ---- the instructor's view and a class sweep -----------------------------------------------------------------------

# the class's settings (a workspace of its own, so no other test's run becomes a cell): one teacher, tiny runs
CLASS_LINK = "ws=class-browser&epochs=1&teacher_epochs=2&train_fraction=0.2&teacher=cnn-small"


def test_the_instructor_types_the_key_once_and_four_browsers_fill_a_two_by_two_class_sweep(page, server):
    """The key goes into a password field once per browser and never into the address bar; the class sweep takes
    the settings of this session's Distill form; four other browsers (cookies of their own) press Run once each, and
    the map the instructor watches fills its four cells."""
    visit(page, server, "distill", "en", CLASS_LINK)
    page.locator('[data-testid="stSidebarNav"]').get_by_text(words("nav.instructor", "en"), exact=True).click()
    main = page.locator('[data-testid="stMain"]')
    key = main.get_by_label(words("instructor.key", "en"), exact=True)
    key.wait_for(timeout=60_000)
    assert key.get_attribute("type") == "password"
    key.fill(INSTRUCTOR_KEY)
    main_button(page, "instructor.open", "en").click()
    main.get_by_text(words("instructor.runs_title", "en"), exact=True).wait_for(timeout=60_000)
    settle(page)
    for number, values in ((1, "2,4"), (2, "0.5,0.9")):  # T x alpha
        box = main.get_by_label(words("sweep.values", "en", number=number), exact=True)
        box.fill(values)
        box.press("Enter")
        settle(page)
    main_button(page, "instructor.sweep_start", "en").click()
    main.get_by_text(re.compile(r"on a grid of 4 cells")).wait_for(timeout=60_000)
    for _ in range(4):  # one browser after another (cookies of their own), each gone once its run exists
        student = page.context.browser.new_context()
        try:
            tab = student.new_page()
            tab.goto(f"{server}/distill?lang=en&ws=class-browser", timeout=120_000)  # the server trains meanwhile
            tab.get_by_text(re.compile("of the class sweep")).wait_for(timeout=120_000)
            main_button(tab, "distill.run", "en").click(timeout=120_000)
            tab.wait_for_function("() => new URL(location.href).searchParams.get('run') !== null", timeout=120_000)
        finally:
            student.close()
    cells = page.locator('[data-testid="stPlotlyChart"] .heatmaplayer text')  # each filled cell writes its gain
    deadline = time.monotonic() + 300
    while cells.count() < 4:
        assert time.monotonic() < deadline, f"the class map did not fill: {cells.all_inner_texts()}"
        assert_no_problem(page, "instructor while the class runs")
        page.wait_for_timeout(1000)
    assert "4 of 4 cell runs finished" in main.inner_text()
    assert INSTRUCTOR_KEY not in page.url and INSTRUCTOR_KEY not in page.evaluate("document.cookie")
    screenshot(page, "instructor-class-sweep")
    visit(page, server, "instructor", "en", "ws=class-browser")  # a new session of the same browser: not asked again
    main.get_by_text(words("instructor.runs_title", "en"), exact=True).wait_for(timeout=60_000)
    assert key.count() == 0
    assert_no_problem(page, "instructor after the class sweep")
