"""The Temperature page's figures: softened class probabilities, their change with T, the information the soft
targets keep, and the bias shift of a never-seen class."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..user_text import figure_labels, figure_text
from .base import _color, _name, _style, _text, _title


def probability_bars(class_names, series: dict, *, title: str | None = None, labels: dict | None = None) -> go.Figure:
    """Grouped bars, one group per class, one bar per series (e.g. teacher / student at T = 1 and at T)."""
    text = _text(labels)
    names = figure_labels(class_names)
    fig = go.Figure([go.Bar(x=names, y=np.asarray(probs, dtype=float), name=figure_text(name), marker_color=_color(i))
                     for i, (name, probs) in enumerate(series.items())])
    fig.update_layout(barmode="group", yaxis_range=[0, 1.02])
    return _style(fig, title or text["probability_title"], text["class"], text["probability"])


def temperature_sweep_lines(temperatures, probs, class_names, current_t: float, *, title: str | None = None,
                            labels: dict | None = None) -> go.Figure:
    """One line per class over a log-scaled temperature axis, with a vertical marker at the current T."""
    text, probs = _text(labels), np.asarray(probs, dtype=float)
    names = figure_labels(class_names)
    fig = go.Figure([go.Scatter(x=list(temperatures), y=probs[:, c], name=name, mode="lines",
                                line=dict(color=_color(c), width=2.5)) for c, name in enumerate(names)])
    _temperature_axis(fig, temperatures, current_t)
    fig.update_yaxes(range=[0, 1.02])
    return _style(fig, title or text["sweep_title"], text["temperature"], text["probability"])


def information_curves(temperatures, curves: dict, current_t: float, *, title: str | None = None,
                       labels: dict | None = None) -> go.Figure:
    """One line per model (``{name: values}``) of the information left in its soft targets over a log-scaled
    temperature axis, with the current-T marker (``move_temperature_marker`` moves it)."""
    text = _text(labels)
    fig = go.Figure([go.Scatter(x=list(temperatures), y=list(values), name=figure_text(name), mode="lines",
                                line=dict(color=_color(i), width=2.5))
                     for i, (name, values) in enumerate(curves.items())])
    _temperature_axis(fig, temperatures, current_t)
    fig.update_yaxes(rangemode="tozero")
    return _style(fig, title or text["information_title"], text["temperature"], text["information"])


def _temperature_axis(fig: go.Figure, temperatures, current_t: float) -> None:
    """A log-scaled T axis with a dashed marker at the current T (the figure's first shape and annotation)."""
    fig.add_vline(x=current_t, line=dict(color="black", dash="dash"))
    # on a log axis, ranges and annotations are placed in log10 units (shapes in data units)
    fig.add_annotation(x=np.log10(current_t), y=1, yref="paper", yanchor="bottom", text=f"T = {current_t:g}",
                       showarrow=False)
    low, high = min(temperatures), max(temperatures)
    fig.update_xaxes(type="log", range=np.log10([low, high]),
                     tickvals=[t for t in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100) if low <= t <= high])


def set_probabilities(fig: go.Figure, series: dict, *, title: str | None = None) -> go.Figure:
    """Give a ``probability_bars`` figure new heights in place (the same series, in the same order), e.g. while a
    temperature slider moves: a few milliseconds, where building the figure again costs tens (the template)."""
    for trace, (name, probs) in zip(fig.data, series.items()):
        trace.update(y=np.asarray(probs, dtype=float), name=figure_text(name))
    if title is not None:
        fig.layout.title.text = _title(title)
    return fig


def move_temperature_marker(fig: go.Figure, current_t: float) -> go.Figure:
    """Move the current-T marker of a ``temperature_sweep_lines`` or ``information_curves`` figure in place (its
    one shape and its label; on the log axis the label's x is ``log10 T``)."""
    fig.layout.shapes[0].update(x0=current_t, x1=current_t)
    fig.layout.annotations[0].update(x=float(np.log10(current_t)), text=f"T = {current_t:g}")
    return fig


def bias_shift_lines(shifts, recalls: dict, current_shift: float, *, accuracies: dict | None = None,
                     title: str | None = None, labels: dict | None = None) -> go.Figure:
    """Recall (%) on a class against the shift added to its logit, one solid line per model (``recalls`` maps a
    model name to fractions), optional dotted lines of overall accuracy (``accuracies``, same keys), and a vertical
    marker at the current shift. The dark-knowledge lesson: a student that never saw a class."""
    text = _text(labels)
    fig = go.Figure()
    for i, (name, values) in enumerate(recalls.items()):
        fig.add_scatter(x=list(shifts), y=100 * np.asarray(values, dtype=float), mode="lines+markers",
                        name=f"{_name(text, name)} · {text.get('recall', 'recall')}", line=dict(color=_color(i + 1)))
    for i, (name, values) in enumerate((accuracies or {}).items()):
        fig.add_scatter(x=list(shifts), y=100 * np.asarray(values, dtype=float), mode="lines",
                        name=f"{_name(text, name)} · {text.get('overall_accuracy', 'accuracy')}",
                        line=dict(color=_color(i + 1), dash="dot"))
    fig.add_vline(x=current_shift, line=dict(color="black", dash="dash"), annotation_text=f"+{current_shift:g}")
    fig.update_yaxes(range=[0, 101])
    return _style(fig, title or text.get("bias_shift_title", "Recall as the bias grows"),
                  text.get("logit_shift", "shift added to the logit"), text.get("recall_pct", "recall (%)"))
