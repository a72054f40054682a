"""The Compare page's figures: per-class accuracy, confusion matrices, reliability, decision boundaries (or the
data's principal plane) and an input thumbnail."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..user_text import figure_labels
from .base import MAX_CELL_TEXT, MAX_LEGEND_CLASSES, _color, _grey, _image_axes, _name, _style, _text


def per_class_bars(class_names, per_class: dict, *, title: str | None = None, labels: dict | None = None) -> go.Figure:
    """Grouped bars of per-class accuracy (fractions in, % shown), one bar per model; ``None`` entries skipped."""
    text = _text(labels)
    fig = go.Figure([go.Bar(x=figure_labels(class_names), y=100 * np.asarray(acc, dtype=float),
                            name=_name(text, name), marker_color=_color(i))
                     for i, (name, acc) in enumerate(per_class.items()) if acc is not None])
    fig.update_layout(barmode="group", yaxis_range=[0, 101])
    return _style(fig, title or text["per_class_title"], text["class"], text["accuracy_pct"])


def confusion_heatmap(matrix, class_names, title: str, *, labels: dict | None = None) -> go.Figure:
    """Counts with rows = true class (top to bottom) and columns = predicted class, each cell labelled while there
    are at most ``MAX_CELL_TEXT`` classes (pass fewer, e.g. ``data_views.most_confused``, for a readable matrix)."""
    text, matrix, names = _text(labels), np.asarray(matrix), figure_labels(class_names)
    cells = dict(text=matrix, texttemplate="%{text}") if len(names) <= MAX_CELL_TEXT else {}
    fig = go.Figure(go.Heatmap(z=matrix, x=names, y=names, colorscale="Blues", **cells,
                               colorbar=dict(title=dict(text=text["count"]))))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category", side="bottom")
    return _style(fig, title, text["predicted"], text["true"])


def reliability_diagram(reliabilities: dict, *, title: str | None = None, labels: dict | None = None) -> go.Figure:
    """Accuracy against mean confidence per bin (``kdlab.analysis.reliability`` dicts), one line per model with
    its ECE in the legend, marker area ∝ samples in the bin, and the diagonal of perfect calibration."""
    text = _text(labels)
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name=text["perfect_calibration"],
                               line=dict(color="grey", dash="dash")))
    for i, (name, rel) in enumerate(reliabilities.items()):
        keep = np.asarray(rel["count"]) > 0
        counts = np.asarray(rel["count"])[keep]
        size = 6 + 18 * np.sqrt(counts / counts.max()) if counts.size else 6
        fig.add_scatter(x=np.asarray(rel["confidence"])[keep], y=np.asarray(rel["accuracy"])[keep],
                        mode="lines+markers", name=f"{_name(text, name)} ({text['ece']} {rel['ece']:.3f})",
                        marker=dict(size=size, color=_color(i + 1)), line=dict(color=_color(i + 1)),
                        customdata=counts,
                        hovertemplate=f"%{{x:.2f}} → %{{y:.2f}}<br>{text['count']}: %{{customdata}}")
    fig.update_xaxes(range=[-0.02, 1.02])
    fig.update_yaxes(range=[-0.03, 1.03])
    return _style(fig, title or text["reliability_title"], text["confidence"], text["accuracy"])


def _class_scale(num_classes: int) -> list:
    """A stepped colour scale so integer class ``c`` of ``0..C-1`` gets ``PALETTE[c]``."""
    stops = []
    for c in range(num_classes):
        stops += [[c / num_classes, _color(c)], [(c + 1) / num_classes, _color(c)]]
    return stops


def decision_boundaries(grids: dict, points, point_labels, *, class_names=None, title: str | None = None,
                        labels: dict | None = None) -> go.Figure:
    """Side-by-side panels, one per model: its predicted regions (``(xs, ys, class_grid[, confidence])`` from
    ``kdlab.analysis.decision_grid``) with the data points on top, coloured by their true class."""
    text, points, point_labels = _text(labels), np.asarray(points, dtype=float), np.asarray(point_labels)
    num_classes = int(max([point_labels.max(initial=0)] + [np.max(g[2]) for g in grids.values()])) + 1
    names = figure_labels(class_names if class_names is not None else range(num_classes))
    fig = make_subplots(rows=1, cols=max(len(grids), 1), shared_yaxes=True, horizontal_spacing=0.03,
                        subplot_titles=[_name(text, name) for name in grids])
    for col, (xs, ys, class_grid, *_) in enumerate(grids.values(), start=1):
        fig.add_trace(go.Heatmap(x=xs, y=ys, z=class_grid, colorscale=_class_scale(num_classes), zmin=-0.5,
                                 zmax=num_classes - 0.5, opacity=0.35, showscale=False, hoverinfo="skip"), 1, col)
        _class_points(fig, points, point_labels, names, col)
    return _style(fig, title or text["decision_title"], text["feature_1"], text["feature_2"], height=480)


def _class_points(fig: go.Figure, points: np.ndarray, classes: np.ndarray, names: list[str], col: int) -> None:
    """Points coloured by class in panel ``col``: a trace and a legend entry per class while there are at most
    ``MAX_LEGEND_CLASSES``; past that one trace, the class in the hover (hundreds of traces would stall a page)."""
    marker = dict(size=6, line=dict(color="white", width=0.8))
    if len(names) > MAX_LEGEND_CLASSES:
        fig.add_trace(go.Scatter(x=points[:, 0], y=points[:, 1], mode="markers", showlegend=False,
                                 hovertext=[names[c] for c in classes], hoverinfo="text",
                                 marker=dict(**marker, color=[_color(c) for c in classes])), 1, col)
        return
    for c, name in enumerate(names):
        mine = points[classes == c]
        fig.add_trace(go.Scatter(x=mine[:, 0], y=mine[:, 1], mode="markers", name=name, legendgroup=str(c),
                                 showlegend=col == 1, marker=dict(**marker, color=_color(c))), 1, col)


def projected_predictions(coords, predictions: dict, class_names, explained, *, title: str | None = None,
                          labels: dict | None = None) -> go.Figure:
    """Point data of more than two features in its principal plane (``data_views.principal_plane``): one panel
    per model, each test point coloured by the class that model predicts; the axes say how much of the variance
    each component holds."""
    text, coords = _text(labels), np.asarray(coords, dtype=float)
    names = figure_labels(class_names)
    fig = make_subplots(rows=1, cols=max(len(predictions), 1), shared_yaxes=True, horizontal_spacing=0.03,
                        subplot_titles=[_name(text, name) for name in predictions])
    for col, predicted in enumerate(predictions.values(), start=1):
        _class_points(fig, coords, np.asarray(predicted), names, col)
    share = [f"{100 * e:.0f}" for e in explained]
    return _style(fig, title or text["projection_title"], text["component_1"].format(share=share[0]),
                  text["component_2"].format(share=share[1]), height=480)


def image_thumbnail(image, title: str = "", *, size: int = 220, labels: dict | None = None) -> go.Figure:
    """A small picture of one input (a digit, a CIFAR image): RGB when it has three channels, else grey;
    axes hidden, since the pixels are the point."""
    image, text = np.asarray(image, dtype=float), _text(labels)
    if image.ndim == 3 and image.shape[0] == 3:
        low, high = image.min(), image.max()
        rgb = (255 * (image - low) / (high - low if high > low else 1)).transpose(1, 2, 0).astype(np.uint8)
        trace = go.Image(z=rgb, hoverinfo="skip")
    else:
        trace = go.Heatmap(z=_grey(image), colorscale="gray", showscale=False, hoverinfo="skip")
    fig = go.Figure(trace)
    _image_axes(fig, text, show=False)
    _style(fig, title, None, None, height=size)
    fig.update_layout(width=size, margin=dict(l=5, r=5, t=35 if title else 5, b=5))
    return fig
