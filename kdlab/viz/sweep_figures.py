"""A sweep's figures, as plotly figure dicts built from its report (``kdlab.sweeps.results.sweep_report``): a
heatmap of two axes, or a curve with 95 % interval bars for one axis; a search's trials as points; its table and
CSV rows.

Plain dicts in plotly's figure format (``st.plotly_chart`` and ``plotly.io`` take them as they are); plotly itself
is imported only to write a figure as a standalone HTML file. Cells are coloured by the mean gain over the baseline
in points; a cell whose interval crosses zero, or that has no interval (one seed, or seeds that all tied), is
marked "≈" (no measurable difference) and its hover says which. Every word comes from ``labels`` (merged over the
English ``DEFAULT_LABELS``; ``labels["axes"]`` names the settings), every number from ``kdlab.viz.numbers`` and
every value that may come from a user through ``user_text.figure_text``. ``cell_at`` maps a clicked point back to
its cell.
"""
from __future__ import annotations

from typing import Any

from ..stats import has_interval
from .numbers import MISSING, count, percent, points, signed_points, weight
from .user_text import TITLE_CHARS, figure_text

DEFAULT_LABELS = {
    "gain": "gain over the baseline (points)", "no_difference": "no measurable difference",
    "better": "better than the baseline", "worse": "worse than the baseline",
    "mean_std": "{mean} ± {std} points", "mean_only": "{mean} points", "interval": "95 % interval {low} to {high}",
    "range": "{low} to {high}",
    "one_seed": "one seed: no interval", "tie": "every seed gave the same value: no interval",
    "seeds_one": "{n} seed", "seeds_many": "{n} seeds", "yes": "yes", "no": "no",
    "col_gain": "gain (points)", "col_interval": "95 % interval (points)", "col_student": "student accuracy",
    "col_seeds": "seeds", "col_verdict": "verdict",
}


def _text(labels: dict | None) -> dict:
    return {**DEFAULT_LABELS, "axes": {}, **(labels or {})}


def seeds_text(n: int, text: dict) -> str:
    """"1 seed", "3 seeds" (the plural chosen by n, the words by the language)."""
    return text["seeds_one" if n == 1 else "seeds_many"].format(n=count(n))


def gain_text(summary: dict, text: dict, digits: int = 2) -> str:
    """A gain's mean and spread in points: "+0.56 ± 0.39 points", or "+0.28 points" with no spread to show."""
    if summary["mean"] is None:
        return MISSING
    mean = signed_points(summary["mean"], digits)
    if summary["std"] is None:
        return text["mean_only"].format(mean=mean)
    return text["mean_std"].format(mean=mean, std=points(summary["std"], digits))


def interval_text(summary: dict, text: dict, digits: int = 2, words: str = "interval") -> str:
    """The 95 % interval in points (``text[words]``: a sentence, or a table's bare "range"), or why there is none:
    one seed, or seeds that all landed on the same value."""
    if has_interval(summary):
        return text[words].format(low=signed_points(summary["low"], digits),
                                  high=signed_points(summary["high"], digits))
    if summary["mean"] is None:
        return MISSING
    return text["one_seed" if summary["n"] < 2 else "tie"]


def cell_text(cell: dict, labels: dict | None = None) -> str:
    """Hover text of one cell: the gain's mean ± std, its interval (or why none), the seeds and the verdict."""
    text = _text(labels)
    gain = cell["stats"]["gain"]
    if gain["mean"] is None:
        return text["no_difference"]
    lines = (gain_text(gain, text), interval_text(gain, text), seeds_text(cell["n"], text), text[cell["verdict"]])
    return "<br>".join(lines)


def shown_value(value: Any, text: dict, escape=figure_text) -> str:
    """An axis value as a tick label: numbers as typed, yes/no, a name through ``escape`` (it may come from a user:
    escaped for plotly by default)."""
    if isinstance(value, bool):
        return text["yes" if value else "no"]
    if isinstance(value, (int, float)):
        return weight(value)
    return escape(value)


def axis_title(name: str, text: dict) -> str:
    return figure_text(text["axes"].get(name, name), TITLE_CHARS)


def _mark(cell: dict) -> str:
    return "≈" if cell["verdict"] == "no_difference" else ""


def _gain(cell: dict) -> float | None:
    mean = cell["stats"]["gain"]["mean"]
    return None if mean is None else 100 * mean


def _error(cell: dict) -> float:
    """The half-width of a cell's interval in points (its error bar); 0 with no interval."""
    gain = cell["stats"]["gain"]
    return 100 * (gain["high"] - gain["mean"]) if has_interval(gain) else 0.0


def search_figure(report: dict, text: dict, layout: dict) -> dict:
    """A search's trials: the mean gain against the one searched setting, or the trials in the plane of the first
    two, coloured by their mean gain."""
    names, cells = list(report["axes"]), report["cells"]
    hover = [cell_text(c, text) for c in cells]
    if len(names) == 1:
        trace = {"type": "scatter", "mode": "markers+text", "x": [c["values"][names[0]] for c in cells],
                 "y": [_gain(c) for c in cells], "text": [_mark(c) for c in cells], "textposition": "top center",
                 "hovertext": hover, "hoverinfo": "text"}
        return {"data": [trace], "layout": {**layout, "xaxis": {"title": {"text": axis_title(names[0], text)}},
                                             "yaxis": {"title": {"text": text["gain"]}, "zeroline": True}}}
    trace = {"type": "scatter", "mode": "markers+text", "x": [c["values"][names[0]] for c in cells],
             "y": [c["values"][names[1]] for c in cells], "text": [_mark(c) for c in cells],
             "textposition": "middle center", "hovertext": hover, "hoverinfo": "text",
             "marker": {"size": 18, "color": [_gain(c) for c in cells], "colorscale": "RdBu", "cmid": 0,
                        "colorbar": {"title": {"text": text["gain"]}}}}
    return {"data": [trace], "layout": {**layout, "xaxis": {"title": {"text": axis_title(names[0], text)}},
                                         "yaxis": {"title": {"text": axis_title(names[1], text)}}}}


def sweep_figure(report: dict, labels: dict | None = None) -> dict:
    """The heatmap (two axes) or the curve (one axis) of a grid's mean gain, axes beyond two not drawn; a search's
    trials as points (``search_figure``)."""
    text = _text(labels)
    names = list(report["axes"])
    layout = {"template": "plotly_white", "height": 420, "font": {"size": 14}, "margin": {"t": 40}}
    if report.get("kind") == "search":
        return search_figure(report, text, layout)
    if len(names) == 1:
        cells = report["cells"]
        trace = {"type": "scatter", "mode": "lines+markers+text", "x": [shown_value(c["values"][names[0]], text)
                                                                          for c in cells],
                 "y": [_gain(c) for c in cells], "text": [_mark(c) for c in cells], "textposition": "top center",
                 "hovertext": [cell_text(c, text) for c in cells], "hoverinfo": "text",
                 "error_y": {"type": "data", "array": [_error(c) for c in cells], "visible": True}}
        return {"data": [trace], "layout": {**layout, "xaxis": {"title": {"text": axis_title(names[0], text)},
                                                                "type": "category"},
                                             "yaxis": {"title": {"text": text["gain"]}, "zeroline": True}}}
    x_name, y_name = names[0], names[1]
    xs = [shown_value(v, text) for v in report["axes"][x_name]]
    ys = [shown_value(v, text) for v in report["axes"][y_name]]
    z = [[None] * len(xs) for _ in ys]
    marks = [[""] * len(xs) for _ in ys]
    hover = [[""] * len(xs) for _ in ys]
    for cell in report["cells"]:
        i, j = ys.index(shown_value(cell["values"][y_name], text)), xs.index(shown_value(cell["values"][x_name], text))
        z[i][j] = _gain(cell)
        mean = cell["stats"]["gain"]["mean"]
        marks[i][j] = " ".join(part for part in (_mark(cell), "" if mean is None else signed_points(mean)) if part)
        hover[i][j] = cell_text(cell, text)
    trace = {"type": "heatmap", "x": xs, "y": ys, "z": z, "text": marks, "texttemplate": "%{text}",
             "hovertext": hover, "hoverinfo": "text", "colorscale": "RdBu", "zmid": 0,
             "colorbar": {"title": {"text": text["gain"]}}}
    return {"data": [trace], "layout": {**layout, "xaxis": {"title": {"text": axis_title(x_name, text)},
                                                            "type": "category"},
                                         "yaxis": {"title": {"text": axis_title(y_name, text)}, "type": "category"}}}


def report_table(report: dict, labels: dict | None = None) -> list[dict[str, str]]:
    """The page's table: one row per cell, its settings and numbers as a person writes them, in ``labels``' words
    (the columns are the settings' names and ``col_*``)."""
    text = _text(labels)
    rows = []
    for cell in report["cells"]:
        row = {text["axes"].get(name, name): shown_value(value, text) for name, value in cell["values"].items()}
        gain, student = cell["stats"]["gain"], cell["stats"]["student_acc"]
        spread = "" if gain["std"] is None else f" ± {points(gain['std'], 2)}"
        row.update({text["col_gain"]: signed_points(gain["mean"], 2) + spread,
                    text["col_interval"]: interval_text(gain, text, words="range"), text["col_student"]: percent(student["mean"]),
                    text["col_seeds"]: count(cell["n"]), text["col_verdict"]: text[cell["verdict"]]})
        rows.append(row)
    return rows


def report_rows(report: dict) -> list[dict[str, Any]]:
    """One flat row per cell (axis values, then mean/std/n/low/high of each metric, then the verdict): the CSV, for
    a spreadsheet or a script, so its columns are the config's own names; a missing number is an empty field."""
    rows = []
    for cell in report["cells"]:
        row: dict[str, Any] = dict(cell["values"])
        for metric, stats in cell["stats"].items():
            row.update({f"{metric}_{k}": "" if v is None else v for k, v in stats.items()})
        row["verdict"] = cell["verdict"]
        row["run_ids"] = " ".join(r["run_id"] for r in cell["seeds"])
        rows.append(row)
    return rows


def cell_at(report: dict, point: dict, labels: dict | None = None) -> int | None:
    """The index in ``report["cells"]`` of a point the user clicked (a plotly selection point): a heatmap's by
    its x and y labels, a curve's or a search's by its index; None when it names no cell."""
    text = _text(labels)
    names, cells = list(report["axes"]), report["cells"]
    if report.get("kind") != "search" and len(names) >= 2 and "x" in point and "y" in point:
        for index, cell in enumerate(cells):
            shown = (shown_value(cell["values"][names[0]], text), shown_value(cell["values"][names[1]], text))
            if shown == (str(point["x"]), str(point["y"])):
                return index
        return None
    index = point.get("point_index", point.get("point_number"))
    return index if isinstance(index, int) and 0 <= index < len(cells) else None


def figure_html(figure: dict) -> str:
    """The figure as one standalone HTML file (plotly.js inlined, so it opens offline; zoom, hover, and a PNG from
    the camera icon, drawn by the browser: a PNG written here would need kaleido and a Chrome on the server)."""
    import plotly.io

    return plotly.io.to_html(figure, include_plotlyjs=True, full_html=True)
