"""Plotly figures of the Compress page: accuracy against size or latency, every model a point, the frontier drawn.

Built from the plain rows ``RunStore.variants`` returns; every user-facing string comes from ``labels`` (the page
passes its translated dict). Model names are escaped for plotly; hovers give the numbers as ``kdlab.viz.numbers``
writes them (a percent, KiB or MiB, milliseconds), never plotly's raw floats.
"""
from __future__ import annotations

import plotly.graph_objects as go

from ..compress.verdict import pareto_front
from .numbers import nbytes, percent, seconds
from .user_text import figure_labels

COLORS = {"teacher": "#636efa", "student": "#00cc96", "baseline": "#ef553b"}
SYMBOLS = {"teacher": "star", "student": "circle", "baseline": "diamond"}
COSTS = {"size": ("bytes", 1 / 1024), "latency": ("latency_ms_batch64", 1.0)}  # the x axis: key and unit factor
SHOWN = {"size": lambda row: nbytes(row["bytes"]), "latency": lambda row: seconds(row["latency_ms_batch64"] / 1000)}
HEIGHT = 420


def pareto_figure(rows: list[dict], axis: str, labels: dict[str, str]) -> go.Figure:
    """Test accuracy (%) against ``axis`` ("size": KiB on disk, "latency": ms at batch 64), log-scaled x, one
    marker per model coloured by the model it was made from, and the Pareto frontier of all of them as a line."""
    key, factor = COSTS[axis]
    fig = go.Figure()
    for role, color in COLORS.items():
        chosen = [row for row in rows if row["role"] == role]
        if chosen:
            fig.add_trace(go.Scatter(
                x=[row[key] * factor for row in chosen], y=[100 * row["accuracy"] for row in chosen],
                mode="markers+text", name=labels[role], text=figure_labels((row["name"] for row in chosen), 80),
                customdata=[[percent(row["accuracy"]), SHOWN[axis](row)] for row in chosen],
                hovertemplate="%{text}<br>%{customdata[0]} · %{customdata[1]}<extra></extra>",
                textposition="top center", textfont={"size": 10}, cliponaxis=False,  # a label at the edge whole
                marker={"color": color, "symbol": SYMBOLS[role], "size": 11}))
    points = [(row[key] * factor, 100 * row["accuracy"]) for row in rows]
    front = pareto_front(points)
    fig.add_trace(go.Scatter(x=[points[i][0] for i in front], y=[points[i][1] for i in front], mode="lines",
                             name=labels["frontier"], line={"color": "#888", "dash": "dash", "shape": "hv"},
                             hoverinfo="skip"))
    fig.update_layout(title=labels[f"{axis}_title"], height=HEIGHT, margin={"t": 50, "l": 10, "r": 10, "b": 10},
                      xaxis={"title": labels[axis], "type": "log"}, yaxis={"title": labels["accuracy"]},
                      legend={"orientation": "h", "y": -0.2})
    return fig
