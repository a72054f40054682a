"""The Attention page's figures: attention maps per layer and head, activation maps over an image, attention
over tokens, and one colour scale for the maps compared."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..user_text import figure_text
from .base import _grey, _style, _text, _title


def attention_heatmap(matrix, x_labels, y_labels, title: str | None = None, *, labels: dict | None = None) -> go.Figure:
    """A ``[Q, K]`` map, queries down and keys across. Positions are numeric with the tokens as tick text, so a
    repeated token keeps its own column."""
    text, matrix = _text(labels), np.asarray(matrix, dtype=float)
    fig = go.Figure(go.Heatmap(z=matrix, colorscale="Viridis", zmin=0,
                               colorbar=dict(title=dict(text=text["attention_weight"]))))
    fig.update_xaxes(tickvals=list(range(len(x_labels))), ticktext=[figure_text(t) for t in x_labels], tickangle=-45)
    fig.update_yaxes(tickvals=list(range(len(y_labels))), ticktext=[figure_text(t) for t in y_labels],
                     autorange="reversed")
    return _style(fig, title or text["attention_title"], text["key"], text["query"], height=520)


def image_and_map(image, heat, title: str | None = None, *, labels: dict | None = None) -> go.Figure:
    """The image in grey and, beside it, ``heat`` ([h, w], e.g. a ViT's CLS attention over patches or a CNN's
    activation map) at its own resolution, one cell per patch or position, on a colour bar that starts at zero.

    Side by side rather than overlaid: a 2×2 map laid over a digit in colour hid both (a reader could tell neither
    the strokes nor the weights), and a scale from zero shows how much more one cell gets than another."""
    text, grey, heat = _text(labels), _grey(image), np.asarray(heat, dtype=float)
    fig = make_subplots(rows=1, cols=2, subplot_titles=(_title(text["input_title"]), _title(text["map_title"])),
                        horizontal_spacing=0.12)
    fig.add_trace(go.Heatmap(z=grey, colorscale="gray", showscale=False, hoverinfo="skip"), 1, 1)
    fig.add_trace(go.Heatmap(z=heat, colorscale="Viridis", zmin=0.0, zmax=max(float(heat.max()), 1e-12),
                             colorbar=dict(title=dict(text=text["attention_weight"]))), 1, 2)
    for column in (1, 2):
        fig.update_xaxes(showgrid=False, constrain="domain", row=1, col=column)
        fig.update_yaxes(showgrid=False, autorange="reversed", scaleanchor=f"x{'' if column == 1 else 2}",
                         constrain="domain", row=1, col=column)
    fig.update_xaxes(title_text=text["pixel_x"], row=1, col=1)
    fig.update_yaxes(title_text=text["pixel_y"], row=1, col=1)
    fig.update_xaxes(dtick=1, row=1, col=2)  # one tick per cell of the map
    fig.update_yaxes(dtick=1, row=1, col=2)
    return _style(fig, title or text["overlay_title"], None, None, height=420)


def same_colour_scale(*figs: go.Figure) -> None:
    """Put the weight maps of several figures (a teacher's and a student's, side by side) on one colour scale, from
    0 to the largest weight in any of them, so one colour means one weight in each: with a scale per figure, a
    student's 0.06 and a teacher's 0.12 would look the same. Grey input images keep their own scale."""
    heat = [t for fig in figs for t in fig.data if t.type == "heatmap" and t.showscale is not False]
    bars = [t for fig in figs for t in fig.data if t.type == "bar" and t.marker.colorscale is not None]
    top = max([float(np.max(t.z)) for t in heat] + [float(np.max(t.marker.color)) for t in bars], default=0.0)
    for trace in heat:
        trace.update(zmin=0.0, zmax=max(top, 1e-12))
    for trace in bars:
        trace.marker.update(cmin=0.0, cmax=max(top, 1e-12))


def token_attention(tokens, weights, *, title: str | None = None, labels: dict | None = None) -> go.Figure:
    """One bar per token, coloured by its weight (e.g. the CLS row of a text transformer's attention)."""
    text, weights = _text(labels), np.asarray(weights, dtype=float)
    fig = go.Figure(go.Bar(x=list(range(len(weights))), y=weights, marker=dict(color=weights, colorscale="Viridis"),
                           hovertext=[figure_text(t) for t in tokens], name=figure_text(text["attention_weight"])))
    fig.update_xaxes(tickvals=list(range(len(tokens))), ticktext=[figure_text(t) for t in tokens], tickangle=-45)
    return _style(fig, title or text["token_title"], text["token"], text["attention_weight"])
