"""Plotly figure builders from plain data (lists, numpy arrays, dicts): the only module that imports plotly.

Every user-facing string comes from ``labels``, a dict merged over ``DEFAULT_LABELS``, or from an argument, so the
app can pass a translated dict once (``{key: tr(key) for key in DEFAULT_LABELS}``) and every figure follows.
Names given as dict keys (series, models, grids, runs), class names and tokens may come from a user (an upload, a
form): every one of them, and every title, passes through ``user_text.figure_text`` on its way in, so plotly shows
it as typed and never as markup (a class named ``<a href=…>`` is not a link), cut to a length a label can hold.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from ..losses import terms
from .numbers import percent_number
from .user_text import TITLE_CHARS, figure_labels, figure_text

DEFAULT_LABELS = {
    "class": "class", "probability": "probability", "temperature": "temperature T", "step": "training step",
    "epoch": "epoch", "loss": "loss (nats)", "test_accuracy": "test accuracy (%)", "accuracy_pct": "accuracy (%)",
    "agreement": "agreement with the teacher (%)", "confidence": "mean confidence", "accuracy": "accuracy",
    "perfect_calibration": "perfectly calibrated", "ece": "ECE", "predicted": "predicted class",
    "true": "true class", "count": "samples", "feature_1": "x₁", "feature_2": "x₂", "key": "key (attended to)",
    "query": "query (attending)", "attention_weight": "attention weight", "token": "token",
    "pixel_x": "x (pixels)", "pixel_y": "y (pixels)", "alpha": "α (weight of the soft loss)",
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
}
PHASE_DASH = {"teacher": "dot", "baseline": "dash", "student": "solid"}
PALETTE = qualitative.Plotly + qualitative.D3[::2]
HEIGHT = 450
MAX_LINE_POINTS = 300  # per loss trace: more adds nothing visible at chart width, and costs every live redraw
MAX_MARKERS = 40  # per epoch curve
MAX_CELL_TEXT = 30  # classes up to which a confusion matrix writes its count in each cell
MAX_LEGEND_CLASSES = 30  # classes up to which points get one legend entry (and trace) per class


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
    fig.update_layout(template="plotly_white", height=height, font=dict(size=14), title=dict(text=_title(title), x=0.02),
                      margin=dict(l=70, r=30, t=60, b=60), uirevision="kdlab",
                      legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    if x_title is not None:
        fig.update_xaxes(title_text=_title(x_title))
    if y_title is not None:
        fig.layout.yaxis.title.text = _title(y_title)  # the first panel only: side-by-side panels share it
    return fig


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
    fig = go.Figure([go.Scatter(x=list(temperatures), y=probs[:, c], name=name, mode="lines",
                                line=dict(color=_color(c), width=2.5)) for c, name in enumerate(figure_labels(class_names))])
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


def accuracy_heatmap(temperatures, weights, acc_grid, *, title: str | None = None, weight_label: str | None = None,
                     labels: dict | None = None) -> go.Figure:
    """Test accuracy (%) for each (T, weight): ``acc_grid[i][j]`` is the fraction at ``weights[i]``,
    ``temperatures[j]``; NaN / None marks a cell not run yet, left blank (no "NaN" written in it, no hover on it).
    The weight is α unless ``weight_label`` names it."""
    text = _text(labels)
    cells = np.asarray([[np.nan if v is None else v for v in row] for row in acc_grid], dtype=float)
    fig = go.Figure(go.Heatmap(z=100 * cells, x=[f"{t:g}" for t in temperatures], y=[f"{w:g}" for w in weights],
                               text=[["" if np.isnan(v) else percent_number(v) for v in row] for row in cells],
                               texttemplate="%{text}", hoverongaps=False, colorscale="Viridis",
                               colorbar=dict(title=dict(text=text["test_accuracy"]))))
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    return _style(fig, title or text["tuning_title"], text["temperature"], weight_label or text["alpha"])


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


def run_overlay(curves: dict, y_key: str, *, title: str | None = None, labels: dict | None = None) -> go.Figure:
    """One line per run against the epoch (``curves`` maps a legend name, e.g. "run id · T=4 α=0.9", to
    ``(epochs, values)``); ``y_key`` names the y axis label ("test_accuracy" or "loss"). Used to compare runs."""
    text = _text(labels)
    fig = go.Figure([go.Scatter(x=list(ex), y=list(values), name=figure_text(name), mode=_epoch_mode(ex),
                                line=dict(color=_color(i)))
                     for i, (name, (ex, values)) in enumerate(curves.items())])
    return _style(fig, title or text.get(f"{y_key}_title", ""), text["epoch"], text[y_key])


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


def method_gains(rows: list[dict], *, labels: dict | None = None) -> go.Figure:
    """One bar per method: its mean gain over the cross-entropy baseline (percentage points), the error bar its
    95 % interval over seeds (``kdlab.methods.table`` rows; skipped methods and the baseline left out). A bar
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
