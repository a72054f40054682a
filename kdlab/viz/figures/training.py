"""Figures of training: live loss, accuracy and agreement curves, the loss terms' own curves, runs overlaid, the
T × weight map and the methods' gains."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ...losses import term, terms
from ..numbers import percent_number
from ..user_text import figure_labels, figure_text
from .base import MAX_LINE_POINTS, MAX_MARKERS, PHASE_DASH, _color, _name, _style, _text


def _whole_epochs(fig: go.Figure, epochs) -> None:
    """Epoch axes tick at whole numbers while there are few enough epochs to label each."""
    if 0 < max(epochs, default=0) <= 12:
        fig.update_xaxes(dtick=1)


def _events(history, kind: str) -> list[dict]:
    rows = [event if isinstance(event, dict) else vars(event) for event in history or []]
    return [row for row in rows if row["kind"] == kind]


def _phases(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(row["phase"] for row in rows))


def loss_curves(history, *, x: str = "step", title: str | None = None, labels: dict | None = None) -> go.Figure:
    """Each loss component of each phase against the step (``x="step"``, the step events) or the epoch
    (``x="epoch"``, epoch averages). Colour = component, dash = phase; "total" is left out where it equals the one
    other component (a hard-label phase). The components are the registered loss terms (``kdlab.losses``), in
    their order, each named by its English label unless ``labels`` names it. Works on a partial or empty history."""
    components = [spec.name for spec in terms()] + ["total"]
    text = {**{spec.name: spec.label["en"] for spec in terms()}, **_text(labels)}
    rows = _events(history, x if x == "epoch" else "step")
    fig = go.Figure()
    for phase in _phases(rows):
        mine = [r for r in rows if r["phase"] == phase]
        present = [c for c in components if any(c in r["metrics"] for r in mine)]
        if len(present) == 2 and "total" in present:
            present.remove("total")
        for component in present:
            xs, ys = _thinned([(r[x], r["metrics"][component]) for r in mine if component in r["metrics"]])
            fig.add_scatter(x=xs, y=ys, mode="lines",
                            name=f"{_name(text, phase)} · {_name(text, component)}",
                            line=dict(color=_color(components.index(component)),
                                      dash=PHASE_DASH.get(phase.partition(":")[0])))
    if x == "epoch":
        _whole_epochs(fig, [r["epoch"] for r in rows])
    return _style(fig, title or text["loss_title"], text[x], text["loss"])


def _thinned(points: list[tuple], limit: int = MAX_LINE_POINTS) -> tuple[list, list]:
    """At most ``limit`` points: consecutive runs of points averaged into one (at the run's last x), so a long
    run's noisy step losses draw as the same curve, smoothed, in a fraction of the data sent to the browser."""
    if len(points) <= limit:
        return [p[0] for p in points], [p[1] for p in points]
    size = -(-len(points) // limit)  # ceil
    xs = [points[min(i + size, len(points)) - 1][0] for i in range(0, len(points), size)]
    ys = [float(np.mean([p[1] for p in points[i:i + size]])) for i in range(0, len(points), size)]
    return xs, ys


def _epoch_mode(xs) -> str:
    """Markers on each epoch while they can be told apart; past ``MAX_MARKERS`` a line alone is clearer (and a
    live redraw cheaper)."""
    return "lines+markers" if len(xs) <= MAX_MARKERS else "lines"


def _per_epoch(history, metric: str, phases) -> dict[str, tuple[list, list]]:
    rows = [r for r in _events(history, "epoch") if metric in r["metrics"] and r["phase"] in phases]
    return {phase: ([r["epoch"] for r in rows if r["phase"] == phase],
                    [100 * r["metrics"][metric] for r in rows if r["phase"] == phase]) for phase in _phases(rows)}


def accuracy_curves(history, teacher_acc: float | None = None, *, title: str | None = None,
                    labels: dict | None = None) -> go.Figure:
    """Test accuracy (%) per epoch of the baseline and the distilled student, with the teacher's accuracy (the
    argument, else its last epoch in the history) as a dashed horizontal reference."""
    text, curves = _text(labels), _per_epoch(history, "test_acc", ("baseline", "student"))
    if teacher_acc is None:
        teacher_rows = _per_epoch(history, "test_acc", ("teacher",)).get("teacher")
        teacher_acc = teacher_rows[1][-1] / 100 if teacher_rows else None
    fig = go.Figure([go.Scatter(x=ex, y=acc, name=_name(text, phase), mode=_epoch_mode(ex),
                                line=dict(color=_color(i + 1), dash=PHASE_DASH[phase]))
                     for i, (phase, (ex, acc)) in enumerate(curves.items())])
    epochs = [e for ex, _ in curves.values() for e in ex]
    if teacher_acc is not None:
        span = [min(epochs, default=1), max(epochs, default=1)]
        fig.add_scatter(x=span, y=[100 * teacher_acc] * 2, name=text["teacher"], mode="lines",
                        line=dict(color="black", dash=PHASE_DASH["teacher"]))
    _whole_epochs(fig, epochs)
    return _style(fig, title or text["accuracy_title"], text["epoch"], text["test_accuracy"])


def agreement_curves(history, *, title: str | None = None, labels: dict | None = None) -> go.Figure:
    """Top-1 agreement with the teacher (%) per epoch for the baseline and the distilled student."""
    text, curves = _text(labels), _per_epoch(history, "agreement", ("baseline", "student"))
    fig = go.Figure([go.Scatter(x=ex, y=values, name=_name(text, phase), mode=_epoch_mode(ex),
                                line=dict(color=_color(i + 1), dash=PHASE_DASH[phase]))
                     for i, (phase, (ex, values)) in enumerate(curves.items())])
    fig.update_yaxes(range=[0, 101])
    _whole_epochs(fig, [e for ex, _ in curves.values() for e in ex])
    return _style(fig, title or text["agreement_title"], text["epoch"], text["agreement"])


def learning_curves(history, teacher_acc: float | None = None, *, labels: dict | None = None) -> dict[str, go.Figure]:
    """The live-training figures at once: ``{"loss", "accuracy", "agreement"}``, plus ``"terms"`` when a loss term
    reports a curve of its own (``TERM.NAME`` metrics, e.g. CTKD's learned temperature)."""
    figs = {"loss": loss_curves(history, labels=labels),
            "accuracy": accuracy_curves(history, teacher_acc, labels=labels),
            "agreement": agreement_curves(history, labels=labels)}
    if any("." in name for row in _events(history, "step") for name in row["metrics"]):
        figs["terms"] = term_curves(history, labels=labels)
    return figs


def term_curves(history, *, labels: dict | None = None) -> go.Figure:
    """The curves loss terms report besides their value (``TERM.NAME`` metrics), against the step, each named by
    the term's registered label for it unless ``labels`` names it."""
    registered = {f"{spec.name}.{key}": label["en"] for spec in terms() for key, label in spec.curves.items()}
    text, rows = {**registered, **_text(labels)}, _events(history, "step")
    names = list(dict.fromkeys(n for row in rows for n in row["metrics"] if "." in n))
    fig = go.Figure()
    for i, name in enumerate(names):
        xs, ys = _thinned([(r["step"], r["metrics"][name]) for r in rows if name in r["metrics"]])
        fig.add_scatter(x=xs, y=ys, mode="lines", name=_name(text, name), line=dict(color=_color(i)))
    return _style(fig, text["term_curves_title"], text["step"], text["value"])


def run_overlay(curves: dict, y_key: str, *, title: str | None = None, labels: dict | None = None) -> go.Figure:
    """One line per run against the epoch (``curves`` maps a legend name, e.g. "run id · T=4 α=0.9", to
    ``(epochs, values)``); ``y_key`` names the y axis label ("test_accuracy" or "loss"). Used to compare runs."""
    text = _text(labels)
    fig = go.Figure([go.Scatter(x=list(ex), y=list(values), name=figure_text(name), mode=_epoch_mode(ex),
                                line=dict(color=_color(i)))
                     for i, (name, (ex, values)) in enumerate(curves.items())])
    return _style(fig, title or text.get(f"{y_key}_title", ""), text["epoch"], text[y_key])


def accuracy_heatmap(temperatures, weights, acc_grid, *, title: str | None = None, weight_label: str | None = None,
                     labels: dict | None = None) -> go.Figure:
    """Test accuracy (%) for each (T, weight): ``acc_grid[i][j]`` is the fraction at ``weights[i]``,
    ``temperatures[j]``; NaN / None marks a cell not run yet, left blank (no "NaN" written in it, no hover on it).
    The weight is the soft targets' α, as the registry words it, unless ``weight_label`` names another."""
    text = _text(labels)
    cells = np.asarray([[np.nan if v is None else v for v in row] for row in acc_grid], dtype=float)
    fig = go.Figure(go.Heatmap(z=100 * cells, x=[f"{t:g}" for t in temperatures], y=[f"{w:g}" for w in weights],
                               text=[["" if np.isnan(v) else percent_number(v) for v in row] for row in cells],
                               texttemplate="%{text}", hoverongaps=False, colorscale="Viridis",
                               colorbar=dict(title=dict(text=text["test_accuracy"]))))
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    return _style(fig, title or text["tuning_title"], text["temperature"],
                  weight_label or term("soft").weight_label("en"))


def method_gains(rows: list[dict], *, labels: dict | None = None) -> go.Figure:
    """One bar per method: its mean gain over the cross-entropy baseline (percentage points), the error bar its
    95 % interval over seeds (``kdlab.sweeps.methods.table`` rows; skipped methods and the baseline left out). A bar
    whose interval crosses zero is grey: that gain is within the seed-to-seed spread."""
    text = _text(labels)
    shown = [r for r in rows if "skipped" not in r and not r["baseline"] and r.get("gain_mean") is not None]
    colours = {"better": _color(2), "worse": _color(1), "no_difference": "#9e9e9e"}
    fig = go.Figure(go.Bar(
        x=figure_labels(r["method"] for r in shown), y=[r["gain_mean"] for r in shown],
        marker_color=[colours[r["verdict"]] for r in shown],
        error_y=dict(type="data", symmetric=False,
                     array=[0 if r["gain_high"] is None else r["gain_high"] - r["gain_mean"] for r in shown],
                     arrayminus=[0 if r["gain_low"] is None else r["gain_mean"] - r["gain_low"] for r in shown]),
        hovertemplate="%{x}: %{y:+.2f}<extra></extra>"))
    fig.add_hline(y=0, line=dict(color="black", width=1))
    return _style(fig, text.get("methods_title", "Gain over the baseline, 95 % interval over seeds"),
                  text.get("method", "method"), text.get("gain_points", "gain (points)"))
