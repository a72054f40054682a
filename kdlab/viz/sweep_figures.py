"""A sweep's figures, as plotly figure dicts built from its report (``kdlab.sweeps.results.sweep_report``): a
heatmap of two axes, or a curve with 95 % interval bars for one axis.

Plain dicts in plotly's figure format (``st.plotly_chart`` and ``plotly.io`` take them as they are), so this module
imports no plotly. Cells are coloured by the mean gain over the baseline in points; a cell whose interval crosses
zero is marked "≈" (no measurable difference) and its hover says so.
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


def sweep_figure(report: dict, labels: dict | None = None) -> dict:
    """The heatmap (two axes) or the curve (one axis) of a grid's mean gain; axes beyond two are not drawn."""
    text = {**DEFAULT_LABELS, **(labels or {})}
    names = list(report["axes"])
    layout = {"template": "plotly_white", "height": 420, "font": {"size": 14}, "margin": {"t": 40}}
    if len(names) == 1:
        cells = report["cells"]
        xs = [_shown(c["values"][names[0]]) for c in cells]
        means = [None if c["stats"]["gain"]["mean"] is None else 100 * c["stats"]["gain"]["mean"] for c in cells]
        errors = [0 if c["stats"]["gain"]["high"] is None else 100 * (c["stats"]["gain"]["high"] - c["stats"]["gain"]["mean"])
                  for c in cells]
        trace = {"type": "scatter", "mode": "lines+markers", "x": xs, "y": means, "hovertext": [cell_text(c, text) for c in cells],
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
