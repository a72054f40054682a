"""Plotly figure builders from plain data (lists, numpy arrays, dicts); with ``compress_figures`` and
``sweep_figures``, the only modules that import plotly. One module per kind of figure (``base`` holds the shared
look, labels and limits); every builder is imported from here, as ``kdlab.viz.figures.NAME``.

Every user-facing string comes from ``labels``, a dict merged over ``DEFAULT_LABELS``, or from an argument, so the
app can pass a translated dict once (``{key: tr(key) for key in DEFAULT_LABELS}``) and every figure follows.
Names given as dict keys (series, models, grids, runs), class names and tokens may come from a user (an upload, a
form): every one of them, and every title, passes through ``user_text.figure_text`` on its way in, so plotly shows
it as typed and never as markup (a class named ``<a href=…>`` is not a link), cut to a length a label can hold.
"""
from __future__ import annotations

from .attention import attention_heatmap, image_and_map, same_colour_scale, token_attention
from .base import DEFAULT_LABELS, MAX_LINE_POINTS, MAX_MARKERS, editable_copy
from .compare import (confusion_heatmap, decision_boundaries, image_thumbnail, per_class_bars, projected_predictions,
                      reliability_diagram)
from .language import kl_strip, language_curves
from .temperature import (bias_shift_lines, information_curves, move_temperature_marker, probability_bars,
                          set_probabilities, temperature_sweep_lines)
from .training import (accuracy_curves, accuracy_heatmap, agreement_curves, learning_curves, loss_curves, method_gains,
                       run_overlay, term_curves)

__all__ = [
    "DEFAULT_LABELS", "MAX_LINE_POINTS", "MAX_MARKERS", "accuracy_curves", "accuracy_heatmap", "agreement_curves",
    "attention_heatmap", "bias_shift_lines", "confusion_heatmap", "decision_boundaries", "editable_copy",
    "image_and_map", "image_thumbnail", "information_curves", "kl_strip", "language_curves", "learning_curves",
    "loss_curves", "method_gains", "move_temperature_marker", "per_class_bars", "probability_bars",
    "projected_predictions", "reliability_diagram", "run_overlay", "same_colour_scale", "set_probabilities",
    "temperature_sweep_lines", "term_curves", "token_attention",
]
