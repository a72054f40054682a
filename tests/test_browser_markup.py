"""User text is data in figures too, checked where it matters: in Chromium, on the Compare page of a run trained on
an uploaded CSV whose class names are HTML. Plotly draws a subset of HTML in its SVG (``<a href>`` as a link,
``<span style>`` as a styled tspan), so the rendered charts must hold those names as plain text only."""
from __future__ import annotations

import os

import pytest

from kdlab import RunConfig

from .conftest import finished_run
from .test_app_compare import uploaded_points
from .test_browser import CHROMIUM, CHROMIUM_ARGS, assert_no_problem, running_app, settle
from .test_browser import pytestmark as in_chromium

pytestmark = [*in_chromium, pytest.mark.shared_home]  # the app's job runner trains its run: the session's home
HOSTILE = ['<a href="http://evil.example">click me</a>', '<span style="font-size:300px">x</span>']


@pytest.fixture(scope="module")
def server():
    """The app on this test session's KDLAB_HOME, so it sees the runs this process trains."""
    yield from running_app(os.environ["KDLAB_HOME"])


def test_html_class_names_render_as_text_in_the_compare_charts(server):
    from playwright.sync_api import sync_playwright

    dataset = uploaded_points(2, 2, names=HOSTILE)
    run_id = finished_run(RunConfig(dataset=dataset, teacher="mlp-small", student="mlp-small", teacher_epochs=1,
                                    epochs=1, batch_size=64, log_every=5))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{server}/compare?lang=en&run={run_id}")
        page.wait_for_selector(".js-plotly-plot .legend", timeout=120_000)
        settle(page)
        assert_no_problem(page, "compare")
        charts = page.locator(".js-plotly-plot svg")
        assert charts.count() >= 5  # per class, three confusion matrices, calibration, boundaries
        assert page.locator(".js-plotly-plot svg a").count() == 0  # no link
        assert page.locator('.js-plotly-plot svg [style*="300px"]').count() == 0  # no restyled text
        assert page.locator(".js-plotly-plot svg text", has_text='<a href="http://evil.example">').count() > 0
        browser.close()
