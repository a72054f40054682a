"""A sweep's figures, as plotly figure dicts built from its report (``kdlab.sweeps.results.sweep_report``): a
heatmap of two axes, or a curve with 95 % interval bars for one axis; a search's trials as points.

Plain dicts in plotly's figure format (``st.plotly_chart`` and ``plotly.io`` take them as they are); plotly itself
is imported only to write a figure as a standalone HTML file. Cells are coloured by the mean gain over the baseline
in points; a cell whose interval crosses zero is marked "≈" (no measurable difference) and its hover gives mean ±
std, the interval, n and the verdict. ``cell_at`` maps a clicked point back to its cell.
"""
from __future__ import annotations

from typing import Any

DEFAULT_LABELS = {"gain": "gain over the baseline (points)", "no_difference": "no measurable difference",
                  "better": "better than the baseline", "worse": "worse than the baseline", "n": "seeds"}


def cell_text(cell: dict, labels: dict) -> str:
    """Hover text of one cell: mean ± std of the gain, its interval, n and the verdict."""
    gain = cell["stats"]["gain"]
    if gain["mean"] is None:
        return labels["no_difference"]
    text = f"{100 * gain['mean']:+.2f}"
    if gain["std"] is not None:
        text += f" ± {100 * gain['std']:.2f} (95% CI {100 * gain['low']:+.2f}..{100 * gain['high']:+.2f})"
    return f"{text}<br>{labels['n']}: {cell['n']}<br>{labels[cell['verdict']]}"


def _shown(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _mark(cell: dict) -> str:
    return "≈" if cell["verdict"] == "no_difference" else ""


def _gain(cell: dict) -> float | None:
    mean = cell["stats"]["gain"]["mean"]
    return None if mean is None else 100 * mean


def search_figure(report: dict, text: dict, layout: dict) -> dict:
    """A search's trials: the mean gain against the one searched setting, or the trials in the plane of the first
    two, coloured by their mean gain."""
    names, cells = list(report["axes"]), report["cells"]
    hover = [cell_text(c, text) for c in cells]
    if len(names) == 1:
        trace = {"type": "scatter", "mode": "markers+text", "x": [c["values"][names[0]] for c in cells],
                 "y": [_gain(c) for c in cells], "text": [_mark(c) for c in cells], "textposition": "top center",
                 "hovertext": hover, "hoverinfo": "text"}
        return {"data": [trace], "layout": {**layout, "xaxis": {"title": {"text": names[0]}},
                                             "yaxis": {"title": {"text": text["gain"]}, "zeroline": True}}}
    trace = {"type": "scatter", "mode": "markers+text", "x": [c["values"][names[0]] for c in cells],
             "y": [c["values"][names[1]] for c in cells], "text": [_mark(c) for c in cells],
             "textposition": "middle center", "hovertext": hover, "hoverinfo": "text",
             "marker": {"size": 18, "color": [_gain(c) for c in cells], "colorscale": "RdBu", "cmid": 0,
                        "colorbar": {"title": {"text": text["gain"]}}}}
    return {"data": [trace], "layout": {**layout, "xaxis": {"title": {"text": names[0]}},
                                         "yaxis": {"title": {"text": names[1]}}}}


def sweep_figure(report: dict, labels: dict | None = None) -> dict:
    """The heatmap (two axes) or the curve (one axis) of a grid's mean gain, axes beyond two not drawn; a search's
    trials as points (``search_figure``)."""
    text = {**DEFAULT_LABELS, **(labels or {})}
    names = list(report["axes"])
    layout = {"template": "plotly_white", "height": 420, "font": {"size": 14}, "margin": {"t": 40}}
    if report.get("kind") == "search":
        return search_figure(report, text, layout)
    if len(names) == 1:
        cells = report["cells"]
        xs = [_shown(c["values"][names[0]]) for c in cells]
        means = [None if c["stats"]["gain"]["mean"] is None else 100 * c["stats"]["gain"]["mean"] for c in cells]
        errors = [0 if c["stats"]["gain"]["high"] is None else 100 * (c["stats"]["gain"]["high"] - c["stats"]["gain"]["mean"])
                  for c in cells]
        trace = {"type": "scatter", "mode": "lines+markers+text", "x": xs, "y": means, "text": [_mark(c) for c in cells],
                 "textposition": "top center", "hovertext": [cell_text(c, text) for c in cells],
                 "hoverinfo": "text", "error_y": {"type": "data", "array": errors, "visible": True}}
        return {"data": [trace], "layout": {**layout, "xaxis": {"title": {"text": names[0]}, "type": "category"},
                                             "yaxis": {"title": {"text": text["gain"]}, "zeroline": True}}}
    x_name, y_name = names[0], names[1]
    xs, ys = [_shown(v) for v in report["axes"][x_name]], [_shown(v) for v in report["axes"][y_name]]
    z = [[None] * len(xs) for _ in ys]
    marks = [[""] * len(xs) for _ in ys]
    hover = [[""] * len(xs) for _ in ys]
    for cell in report["cells"]:
        i, j = ys.index(_shown(cell["values"][y_name])), xs.index(_shown(cell["values"][x_name]))
        mean = cell["stats"]["gain"]["mean"]
        z[i][j] = None if mean is None else 100 * mean
        marks[i][j] = ("≈ " if cell["verdict"] == "no_difference" else "") + ("" if mean is None else f"{100 * mean:+.1f}")
        hover[i][j] = cell_text(cell, text)
    trace = {"type": "heatmap", "x": xs, "y": ys, "z": z, "text": marks, "texttemplate": "%{text}",
             "hovertext": hover, "hoverinfo": "text", "colorscale": "RdBu", "zmid": 0,
             "colorbar": {"title": {"text": text["gain"]}}}
    return {"data": [trace], "layout": {**layout, "xaxis": {"title": {"text": x_name}, "type": "category"},
                                         "yaxis": {"title": {"text": y_name}, "type": "category"}}}


def report_rows(report: dict) -> list[dict[str, Any]]:
    """One flat row per cell (axis values, then mean/std/n/low/high of each metric, then the verdict): the CSV."""
    rows = []
    for cell in report["cells"]:
        row: dict[str, Any] = dict(cell["values"])
        for metric, stats in cell["stats"].items():
            row.update({f"{metric}_{k}": v for k, v in stats.items()})
        row["verdict"] = cell["verdict"]
        row["run_ids"] = " ".join(r["run_id"] for r in cell["seeds"])
        rows.append(row)
    return rows


def cell_at(report: dict, point: dict) -> int | None:
    """The index in ``report["cells"]`` of a point the user clicked (a plotly selection point): a heatmap's by
    its x and y labels, a curve's or a search's by its index; None when it names no cell."""
    names, cells = list(report["axes"]), report["cells"]
    if report.get("kind") != "search" and len(names) >= 2 and "x" in point and "y" in point:
        for index, cell in enumerate(cells):
            if (_shown(cell["values"][names[0]]), _shown(cell["values"][names[1]])) == (str(point["x"]), str(point["y"])):
                return index
        return None
    index = point.get("point_index", point.get("point_number"))
    return index if isinstance(index, int) and 0 <= index < len(cells) else None


def figure_html(figure: dict) -> str:
    """The figure as one standalone HTML file (plotly.js inlined, so it opens offline; zoom, hover, and a PNG from
    the camera icon, drawn by the browser: a PNG written here would need kaleido and a Chrome on the server)."""
    import plotly.io

    return plotly.io.to_html(figure, include_plotlyjs=True, full_html=True)
