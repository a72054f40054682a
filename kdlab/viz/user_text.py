"""User text made safe for a plotly figure: the one helper every figure builder passes a name through.

Plotly renders a subset of HTML in every string it draws (titles, tick labels, legends, hovers, annotations):
``<a href>`` becomes a clickable link, ``<span style>`` restyles the chart, ``<br>`` breaks lines, and a string
between ``$`` signs is typeset as a formula where MathJax is loaded. Class names, column names, file, dataset and
run names come from uploads and forms, so they are data: ``&``, ``<`` and ``>`` become the entities plotly draws as
the characters themselves, control characters become "?", a leading ``$`` is kept from opening a formula, and the
text is cut to a length a tick label or a legend can hold. Plain Python, no plotly import, so figure modules that
build figure dicts (``sweep_figures``) use it too.
"""
from __future__ import annotations

LABEL_CHARS = 40  # a tick label, a legend entry, a hover name
TITLE_CHARS = 160  # a figure or axis title, which may hold a sentence around a name
ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def figure_text(value, limit: int = LABEL_CHARS) -> str:
    """``value`` as plotly will show it, character for character: escaped, one line, at most ``limit`` characters
    (then "…"). Counting is done before escaping, so a name's visible length is what is capped."""
    text = "".join(c if c.isprintable() else "?" for c in str(value))
    text = text if len(text) <= limit else text[:limit - 1] + "…"
    if text.startswith("$"):
        text = "\u200b" + text  # plotly typesets "$…$" as LaTeX
    return "".join(ENTITIES.get(c, c) for c in text)


def figure_labels(values, limit: int = LABEL_CHARS) -> list[str]:
    """``figure_text`` of each value, kept distinct: two long names cut to the same text would otherwise share one
    category of a categorical axis (and a confusion matrix would lose a row), so a repeat gets " (2)", " (3)"…"""
    seen: dict[str, int] = {}
    shown = []
    for value in values:
        text = figure_text(value, limit)
        seen[text] = seen.get(text, 0) + 1
        shown.append(text if seen[text] == 1 else f"{text} ({seen[text]})")
    return shown
