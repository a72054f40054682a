"""The Language page's figures: the per-token KL strip over a text, and the live validation perplexity and KL curves
of a language-model run (its next-token bars are ``probability_bars`` with the tokens as classes)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..user_text import figure_text
from .base import PHASE_DASH, _color, _name, _style, _text
from .training import _events

STRIP_WIDTH = 40  # characters per row of the KL strip: a tinylang sentence fits on one


def kl_strip(tokens: list[str], values, *, title: str | None = None, labels: dict | None = None) -> go.Figure:
    """The text's tokens in reading order, ``STRIP_WIDTH`` a row, each cell coloured by its KL (``values``, nats,
    from zero up) and hovering it shows the number: where the student's next-token distribution departs from the
    teacher's. Tokens are data (a corpus may be uploaded) and pass through ``figure_text``."""
    text, values = _text(labels), np.asarray(values, dtype=float)
    rows = max(1, -(-len(tokens) // STRIP_WIDTH))
    grid = np.full((rows, STRIP_WIDTH), np.nan)
    words = np.full((rows, STRIP_WIDTH), "", dtype=object)
    for i, (token, value) in enumerate(zip(tokens, values)):
        grid[i // STRIP_WIDTH, i % STRIP_WIDTH] = value
        words[i // STRIP_WIDTH, i % STRIP_WIDTH] = figure_text(token, 4)
    fig = go.Figure(go.Heatmap(z=grid, text=words, texttemplate="%{text}", textfont=dict(size=15),
                               colorscale="Reds", zmin=0, zmax=max(float(np.nanmax(grid, initial=0)), 1e-6),
                               hoverongaps=False, xgap=2, ygap=2, hovertemplate="%{text}: %{z:.3f}<extra></extra>",
                               colorbar=dict(title=dict(text=text["kl_nats"], side="right"), orientation="h",
                                             thickness=10, len=0.4, x=1, xanchor="right", y=-0.05, yanchor="top")))
    fig.update_xaxes(visible=False, range=[-0.5, STRIP_WIDTH - 0.5])
    fig.update_yaxes(visible=False, autorange="reversed")
    _style(fig, title or text["kl_strip_title"], None, None, height=120 + 36 * rows)
    fig.update_layout(margin=dict(l=20, r=20, t=50, b=60))
    return fig


def _per_epoch(history, metric: str) -> dict[str, tuple[list, list]]:
    rows = [r for r in _events(history, "epoch") if metric in r["metrics"]]
    phases = dict.fromkeys(r["phase"] for r in rows)
    return {phase: ([r["epoch"] for r in rows if r["phase"] == phase],
                    [r["metrics"][metric] for r in rows if r["phase"] == phase]) for phase in phases}


def _curves(history, metric: str, reference: float | None, title_key: str, axis_key: str,
            text: dict) -> go.Figure:
    fig = go.Figure()
    curves = _per_epoch(history, metric)
    for i, (phase, (epochs, values)) in enumerate(curves.items()):
        fig.add_scatter(x=epochs, y=values, name=_name(text, phase), mode="lines+markers",
                        line=dict(color=_color(i + 1), dash=PHASE_DASH.get(phase)))
    epochs = [e for ex, _ in curves.values() for e in ex]
    if reference is not None and np.isfinite(reference):
        span = [min(epochs, default=1), max(epochs, default=1)]
        fig.add_scatter(x=span, y=[reference] * 2, name=text["teacher"], mode="lines",
                        line=dict(color="black", dash=PHASE_DASH["teacher"]))
    fig.update_yaxes(rangemode="tozero")
    return _style(fig, text[title_key], text["epoch"], text[axis_key])


def language_curves(history, teacher_perplexity: float | None = None, *,
                    labels: dict | None = None) -> dict[str, go.Figure]:
    """A language-model run's live curves per epoch of the baseline and the distilled student: validation
    perplexity (the teacher's, once known, as a dashed line) and the mean per-token KL to the teacher — the metrics
    ``kdlab.train`` records for a ``sequence`` dataset. Works on a partial or empty history."""
    text = _text(labels)
    return {"perplexity": _curves(history, "perplexity", teacher_perplexity, "perplexity_title", "perplexity", text),
            "kl": _curves(history, "kl_to_teacher", None, "kl_title", "kl_per_token", text)}
