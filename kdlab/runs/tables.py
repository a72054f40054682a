"""The numbers behind the History page: one table row per stored run, filters, curves and T × α maps.

Pure functions on plain data (run records, config dicts, event lists), so the page stays a thin script and the
tests need no browser. Nothing here imports streamlit or plotly.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

from ..config import DEFAULT_TERMS, RunConfig
from ..data import DATASETS
from ..losses import LossTerm, terms

RESULT_COLUMNS = ("student_acc", "student_macro_f1", "baseline_acc", "teacher_acc", "distill_seconds")


def weight_columns() -> tuple[str, ...]:
    """One column per registered loss weight, ``terms.NAME``, in registry order (the soft targets' α, attention's β,
    hints' γ first; read from the registry each time, so a term registered later has its column too)."""
    return tuple(f"terms.{spec.name}" for spec in terms() if not spec.complement)


def config_columns() -> tuple[str, ...]:
    """The config fields a history row shows, in order: what the run distilled from what, and the loss knobs."""
    return ("dataset", "teacher", "student", "method", "temperature", *weight_columns(), "epochs")


def table_columns() -> tuple[str, ...]:
    return ("id", "status", "created", "source", *config_columns(), *RESULT_COLUMNS)
SORTS = {"created": True, "student_acc": True, "distill_seconds": False}  # sort key -> descending (newest,
# most accurate, fastest first)
LABELS_ONLY = "labels"  # the method of a run with no distillation term on: cross-entropy alone
# A map varies T and one loss weight (α, ``terms.soft``, by default, or any ``weight_columns`` entry): everything
# else (seed included — a different seed is a different experiment) must be equal for runs to share a map.
# ``log_every`` only changes how often the curves are sampled and ``device`` where it ran, so neither splits a map.
IGNORED_FOR_TUNING = ("log_every", "device")


def config_value(config: dict, column: str):
    """A config column's value: a field, or ``terms.NAME`` (0.0 when that term is off)."""
    if column.startswith("terms."):
        return (config.get("terms") or {}).get(column.removeprefix("terms."), 0.0)
    return config.get(column)


def method_parts(config: dict) -> list[str]:
    """The distillation terms a stored run had on, by registered name, in registry order ("soft", "attention",
    "relational", ...); ``["labels"]`` when none was (cross-entropy alone)."""
    parts = [spec.name for spec in terms() if not spec.complement and config_value(config, f"terms.{spec.name}")]
    return parts or [LABELS_ONLY]


def method_label(config: dict, names: dict | None = None) -> str:
    """The run's method in words, e.g. "soft targets + attention transfer"; ``names`` translates the parts
    (default: the terms' English labels)."""
    names = {LABELS_ONLY: "labels only", **{spec.name: spec.label["en"] for spec in terms()}, **(names or {})}
    return " + ".join(names.get(part, part) for part in method_parts(config))


def _same(values: list) -> bool:
    dumped = {json.dumps(v, sort_keys=True, default=str) for v in values}
    return len(dumped) <= 1


def differing_fields(configs: list[dict]) -> list[str]:
    """Config fields whose values are not all equal across ``configs`` (a field missing from one counts as
    different), in first-seen order. One config or none: nothing differs."""
    names = list(dict.fromkeys(name for config in configs for name in config))
    return [name for name in names if not _same([config.get(name, "∅missing") for config in configs])]


def differing_columns(configs: list[dict]) -> list[str]:
    """The table's config columns that differ between the listed runs ("method" when the active terms do) —
    the ones the page shows by default and highlights."""
    differ = {column for column in config_columns() if column != "method"
              and not _same([config_value(config, column) for config in configs])}
    if len({tuple(method_parts(c)) for c in configs}) > 1:
        differ.add("method")
    return [column for column in config_columns() if column in differ]


def loss_weights(config: dict) -> list[tuple[LossTerm, float]]:
    """The weights a run's one-line description shows, in registry order: those with a default (α, even at 0)
    and every other that is on."""
    return [(spec, config_value(config, f"terms.{spec.name}")) for spec in terms() if not spec.complement
            and (spec.name in DEFAULT_TERMS or config_value(config, f"terms.{spec.name}"))]


def short_label(config: dict) -> str:
    """A legend-sized description of the loss knobs: "T=4 α=0.9" plus every other weight that is on, by its letter
    or its term's name ("β=100", "dkd=1")."""
    weights = " ".join(f"{spec.weight_letter or spec.name}={value:g}" for spec, value in loss_weights(config))
    return f"T={config.get('temperature', 0):g} {weights}"


def run_source(record) -> str:
    """What started a run (``kdlab.runs.store.SOURCES``): its recorded source, "app" (recorded before the app said
    which page) read as "distill"."""
    return "distill" if record.source == "app" else record.source


def run_row(record, method_names: dict | None = None, status_names: dict | None = None,
            source_names: dict | None = None) -> dict[str, Any]:
    """One table row of a ``RunRecord``: id, status, created (local time), source, the config columns and the
    results (accuracies as % so the table reads like the charts; None where the run has no result).
    ``method_names``, ``status_names`` and ``source_names`` translate the method parts, the status and the source."""
    config, summary = record.config, record.summary or {}
    row: dict[str, Any] = {"id": record.id, "status": (status_names or {}).get(record.status, record.status),
                           "created": datetime.fromtimestamp(record.created).strftime("%Y-%m-%d %H:%M:%S"),
                           "source": (source_names or {}).get(run_source(record), run_source(record))}
    for column in config_columns():
        row[column] = method_label(config, method_names) if column == "method" else config_value(config, column)
    for column in ("student_acc", "student_macro_f1", "baseline_acc", "teacher_acc"):
        value = summary.get(column)
        row[column] = None if value is None else round(100 * value, 2)
    seconds = summary.get("distill_seconds")
    row["distill_seconds"] = None if seconds is None else round(seconds, 2)
    return row


FILTERS = ("source", "dataset", "teacher", "student", "method")


def filter_options(rows: list[dict]) -> dict[str, list]:
    """The distinct values each filter can take, sorted: source, dataset, teacher, student, method."""
    return {column: sorted({row[column] for row in rows}) for column in FILTERS}


def run_choice(record) -> dict[str, Any]:
    """What a run list says of one run so that runs of the same data and models can be told apart: when
    (``created``, epoch seconds), what started it (``source``), the data and models, its distillation terms
    (``method``, registered names as ``method_parts``), ``temperature`` (its weights: ``loss_weights``), the
    distilled student's test accuracy (a fraction, None until it has one) and which models it kept (``roles``: a run
    without a baseline has two)."""
    config, summary = record.config, record.summary or {}
    roles = ["teacher", *(["baseline"] if config.get("baseline", True) else []), "student"]
    return {"created": record.created, "source": run_source(record), "dataset": config.get("dataset"),
            "teacher": config.get("teacher"), "student": config.get("student"), "method": method_parts(config),
            "temperature": config.get("temperature"),
            "student_acc": summary.get("student_acc"), "roles": roles}


def filter_rows(rows: list[dict], **chosen: Iterable) -> list[dict]:
    """Rows whose value of each given column is among the chosen ones; an empty or None choice keeps all."""
    return [row for row in rows if all(not values or row[column] in values for column, values in chosen.items())]


def sort_rows(rows: list[dict], key: str = "created", descending: bool = True) -> list[dict]:
    """Rows ordered by ``key`` (one of ``SORTS``); rows without a value (unfinished runs) go last."""
    present = [row for row in rows if row.get(key) is not None]
    missing = [row for row in rows if row.get(key) is None]
    return sorted(present, key=lambda row: row[key], reverse=descending) + missing


def student_curves(events: list[dict]) -> dict[str, tuple[list, list]]:
    """The distilled student's per-epoch curves from a run's stored events: ``{"test_acc": (epochs, % values),
    "total": (epochs, mean total loss)}`` — what the History page overlays across runs."""
    rows = [e for e in events if e["phase"] == "student" and e["kind"] == "epoch"]
    curves = {}
    for metric, scale in (("test_acc", 100.0), ("total", 1.0)):
        mine = [e for e in rows if metric in e["metrics"]]
        curves[metric] = ([e["epoch"] for e in mine], [scale * e["metrics"][metric] for e in mine])
    return curves


def final_numbers(rows: list[dict]) -> list[dict]:
    """The comparison of selected runs: accuracies and the distilled student's gain over its baseline (points)."""
    out = []
    for row in rows:
        gain = (None if row["student_acc"] is None or row["baseline_acc"] is None
                else round(row["student_acc"] - row["baseline_acc"], 2))
        out.append({"id": row["id"], "student_acc": row["student_acc"], "baseline_acc": row["baseline_acc"],
                    "gain": gain, "teacher_acc": row["teacher_acc"], "distill_seconds": row["distill_seconds"]})
    return out


@dataclass
class TuningMap:
    """Finished runs that share every config field but T and one loss weight: the student's accuracy on a grid.

    ``accuracy[i][j]`` is the fraction at ``weights[i]``, ``temperatures[j]`` (None: not run); when one cell was run
    more than once, the latest run counts. ``weight`` is the weight's column (``terms.soft``, ``terms.dkd``);
    ``config`` is the shared part (T and that weight removed)."""
    config: dict
    temperatures: list[float]
    weights: list[float]
    accuracy: list[list[float | None]]
    run_ids: list[str] = field(default_factory=list)
    weight: str = "terms.soft"

    @property
    def cells(self) -> int:
        return sum(v is not None for row in self.accuracy for v in row)


def normalised(config: dict) -> dict:
    """A stored config as today's fields spell it (a run recorded before a field existed has its default), so that
    runs recorded before and after a new field group together; a config that no longer loads stays as stored."""
    try:
        return RunConfig.from_dict(config, validate=False).to_dict()
    except (ValueError, TypeError):
        return config


def tuning_key(config: dict, weight: str = "terms.soft") -> str:
    """The grouping key of a T × weight map: the config without T, that weight and the bookkeeping fields."""
    config = normalised(config)
    rest = {k: v for k, v in config.items() if k not in ("temperature", *IGNORED_FOR_TUNING)}
    if weight.startswith("terms."):
        rest["terms"] = {k: v for k, v in (config.get("terms") or {}).items() if k != weight.removeprefix("terms.")}
    else:
        rest.pop(weight, None)
    return json.dumps(rest, sort_keys=True, default=str)


def tuning_maps(records, weight: str = "terms.soft", min_cells: int = 2) -> list[TuningMap]:
    """Group finished runs (newest first, as the store lists them) into T × ``weight`` maps; keep the groups with at
    least ``min_cells`` distinct cells, largest first."""
    groups: dict[str, dict[tuple[float, float], tuple[str, float]]] = {}
    for record in records:
        summary = record.summary or {}
        if record.status != "finished" or summary.get("student_acc") is None:
            continue
        cell = (float(record.config["temperature"]), float(config_value(record.config, weight) or 0.0))
        groups.setdefault(tuning_key(record.config, weight), {}).setdefault(cell, (record.id,
                                                                                   summary["student_acc"]))
    maps = []
    for key, cells in groups.items():
        if len(cells) < min_cells:
            continue
        temperatures = sorted({t for t, _ in cells})
        weights = sorted({w for _, w in cells})
        grid = [[cells[(t, w)][1] if (t, w) in cells else None for t in temperatures] for w in weights]
        maps.append(TuningMap(json.loads(key), temperatures, weights, grid,
                              [run_id for run_id, _ in cells.values()], weight))
    return sorted(maps, key=lambda m: -m.cells)


def is_2d(config: dict) -> bool:
    """Whether a run's dataset is a 2-D toy set (modality "points"), whose decision boundaries can be drawn."""
    return config.get("dataset") in DATASETS and DATASETS.get(config["dataset"]).meta["modality"] == "points"
