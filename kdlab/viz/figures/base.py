"""What every figure shares: the default labels (translated by the app), the look, colours and limits."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.colors import qualitative

from ..user_text import TITLE_CHARS, figure_text

DEFAULT_LABELS = {
    "class": "class", "probability": "probability", "temperature": "temperature T", "step": "training step",
    "epoch": "epoch", "loss": "loss (nats)", "test_accuracy": "test accuracy (%)", "accuracy_pct": "accuracy (%)",
    "agreement": "agreement with the teacher (%)", "confidence": "mean confidence", "accuracy": "accuracy",
    "perfect_calibration": "perfectly calibrated", "ece": "ECE", "predicted": "predicted class",
    "true": "true class", "count": "samples", "feature_1": "x₁", "feature_2": "x₂", "key": "key (attended to)",
    "query": "query (attending)", "attention_weight": "attention weight", "token": "token",
    "pixel_x": "x (pixels)", "pixel_y": "y (pixels)",
    "teacher": "teacher", "baseline": "baseline", "student": "distilled student",
    "total": "total", "term_curves_title": "What the loss terms learn", "value": "value",
    "probability_title": "Class probabilities", "sweep_title": "Probabilities as the temperature changes",
    "loss_title": "Training loss", "accuracy_title": "Test accuracy", "agreement_title": "Agreement with the teacher",
    "per_class_title": "Accuracy per class", "reliability_title": "Reliability diagram",
    "decision_title": "Decision boundaries", "attention_title": "Attention map", "overlay_title": "Where it looks",
    "token_title": "Attention over the tokens", "tuning_title": "Test accuracy over T × α",
    "information": "information left (nats)", "information_title": "What the soft targets still say as T grows",
    "input_title": "input", "map_title": "map", "projection_title": "Predictions in the data's principal plane",
    "component_1": "principal component 1 ({share} % of the variance)",
    "component_2": "principal component 2 ({share} % of the variance)",
    "next_token": "next token", "truth": "truth (the grammar)", "perplexity": "validation perplexity",
    "perplexity_title": "Validation perplexity", "kl_per_token": "KL to the teacher (nats per token)",
    "kl_title": "KL divergence to the teacher", "kl_strip_title": "Where the student departs from the teacher",
    "kl_nats": "KL (nats)",
}
PHASE_DASH = {"teacher": "dot", "baseline": "dash", "student": "solid"}
PALETTE = qualitative.Plotly + qualitative.D3[::2]
HEIGHT = 450
MAX_LINE_POINTS = 300  # per loss trace: more adds nothing visible at chart width, and costs every live redraw
MAX_MARKERS = 40  # per epoch curve
MAX_CELL_TEXT = 30  # classes up to which a confusion matrix writes its count in each cell
MAX_LEGEND_CLASSES = 30  # classes up to which points get one legend entry (and trace) per class

# plotly_white, kept for the trace types kdlab draws. A figure's template is validated and copied into it, and
# plotly_white's defaults for two dozen other trace types were most of that: about 14 ms a figure against 4, and
# most of the Temperature page's CPU for a new browser (py-spy). Those defaults never touch a kdlab figure.
TEMPLATE = "kdlab_white"
DRAWN_TRACES = ("bar", "heatmap", "image", "scatter")
_WHITE = pio.templates["plotly_white"]
pio.templates[TEMPLATE] = go.layout.Template(
    layout=_WHITE.layout, data={kind: getattr(_WHITE.data, kind) for kind in DRAWN_TRACES if kind in _WHITE.data})
_TEMPLATE_DATA = pio.templates[TEMPLATE].to_plotly_json()  # plain data, checked once here


def _text(labels: dict | None) -> dict:
    return {**DEFAULT_LABELS, **(labels or {})}


def _title(text) -> str:
    return figure_text(text, TITLE_CHARS)


def _name(text: dict, key) -> str:
    """A series' shown name: its translation when ``key`` is one of ours (a role, a phase), else ``key`` as data."""
    return figure_text(text.get(key, key))


def _style(fig: go.Figure, title: str, x_title: str | None, y_title: str | None, height: int = HEIGHT) -> go.Figure:
    """The shared look: white template, readable fonts, title top left, legend under the plot, and a fixed
    ``uirevision`` so zoom survives the live redraws of a run in progress. Titles are escaped here, once."""
    _apply_template(fig)
    fig.update_layout(height=height, font=dict(size=14),
                      title=dict(text=_title(title), x=0.02),
                      margin=dict(l=70, r=30, t=60, b=60), uirevision="kdlab",
                      legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    if x_title is not None:
        fig.update_xaxes(title_text=_title(x_title))
    if y_title is not None:
        fig.layout.yaxis.title.text = _title(y_title)  # the first panel only: side-by-side panels share it
    return fig


def editable_copy(fig: go.Figure) -> go.Figure:
    """A copy of a built figure that one session may change in place (``set_probabilities``,
    ``move_temperature_marker``) while others show the original: about 1 ms, where building it again costs 10-20.
    The original was validated when it was built, so the copy is not validated again (plotly's ``_validate``), nor
    are the changes made to it, which set only what the builders set."""
    return go.Figure(fig.to_dict(), _validate=False)


def _apply_template(fig: go.Figure) -> None:
    """Give ``fig`` kdlab's template. Assigned by name, plotly validates and deep-copies the whole template into
    every figure: 5-10 ms a figure, most of a page's CPU for a new browser. It was validated once when it was
    registered, so it goes in as plain data with the layout's validation off, as plotly itself sets its default
    template (``BaseFigure._initialize_layout_template``): about 1 ms, and the same figure."""
    layout = fig.layout
    layout._validate = False
    try:
        layout.template = _TEMPLATE_DATA
    finally:
        layout._validate = fig._validate


def _color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _grey(image) -> np.ndarray:
    """``[H, W]`` or ``[C, H, W]`` -> ``[H, W]`` scaled to 0..1 (datasets store standardised pixels)."""
    image = np.asarray(image, dtype=float)
    image = image.mean(0) if image.ndim == 3 else image
    span = image.max() - image.min()
    return (image - image.min()) / span if span > 0 else np.zeros_like(image)


def _image_axes(fig: go.Figure, text: dict, show: bool = True) -> None:
    fig.update_xaxes(title_text=text["pixel_x"], visible=show, showgrid=False, constrain="domain")
    fig.update_yaxes(title_text=text["pixel_y"], visible=show, showgrid=False, autorange="reversed",
                     scaleanchor="x", constrain="domain")
