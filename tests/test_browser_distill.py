"""The Distill page's design card on a laptop screen: in Chromium at 1400 × 900, in English and 简体中文, the
dataset, the two models, T, α, β, γ and Run are all in the viewport before any scrolling. Screenshots of what a
student sees first are kept in /tmp/distill_en.png and /tmp/distill_zh.png."""
from __future__ import annotations

import re

import pytest

from kdlab.losses import term

from .test_browser import assert_no_problem, open_page, page, server  # noqa: F401 (fixtures)

WIDTH, HEIGHT = 1400, 900
CARD = {lang: (*words, *(term(name).weight_label(lang) for name in ("soft", "attention", "representation")), run)
        for lang, words, run in (("en", ("Dataset", "Teacher", "Student", "Temperature T"), "Run"),
                                 ("zh", ("数据集", "教师模型", "学生模型", "温度 T"), "运行"))}


def inside_the_viewport(box: dict | None) -> bool:
    return box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= WIDTH and \
        box["y"] + box["height"] <= HEIGHT


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_design_card_and_run_are_visible_without_scrolling(page, server, lang):  # noqa: F811
    assert page.viewport_size == {"width": WIDTH, "height": HEIGHT}
    open_page(page, server, "distill", lang)
    assert_no_problem(page, f"distill ({lang})")
    page.screenshot(path=f"/tmp/distill_{lang}.png")
    main = page.locator('[data-testid="stMain"]')
    assert page.evaluate("window.scrollY") == 0 and main.evaluate("m => m.scrollTop") == 0
    *labels, run = CARD[lang]
    button = main.get_by_role("button", name=re.compile(f"^{run}$"))
    assert inside_the_viewport(button.bounding_box()), button.bounding_box()
    for label in labels:
        widget = main.get_by_text(label, exact=True).first
        assert inside_the_viewport(widget.bounding_box()), (label, widget.bounding_box())
