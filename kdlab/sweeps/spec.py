"""A sweep in one validated dataclass: a base run config, the axes (or search ranges), the seeds, the objective.

An axis names any field of ``RunConfig.to_dict()`` (``temperature``, ``student``, ``lr``, ``train_fraction``, ...)
or one key of a mapping field with a dot (``terms.soft``, ``terms.relational``, ``student_kw.hidden``), so a field the
config gains tomorrow is sweepable without a change here; a weight's older name (``alpha``) is read as today's
(``kdlab.migrate``), in a new sweep as in a stored one. Every trial's config goes through
``RunConfig.from_dict`` and the server's admission gate before anything trains: a bad value is one ``ValueError``.
"""
from __future__ import annotations

import copy
import itertools
import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from ..checks import check_whole, is_number, parse_scalar, require
from ..config import RunConfig, check_seed
from ..errors import UserError
from ..migrate import canonical_setting, migrate_config
from ..policy.admission import admit
from ..policy.settings import ServerSettings

KINDS = ("grid", "search")
NOT_AXES = ("seed", "device", "data_root", "download", "log_every")  # seeds have their own axis
OBJECTIVES = {  # name -> what it reads from a run's summary; all are "higher is better"
    "student_acc": "the distilled student's test accuracy",
    "gain": "student accuracy minus the baseline's (same data, same initial weights)",
    "agreement": "top-1 agreement of the student with the teacher",
    "student_macro_f1": "the distilled student's macro-F1",
    "macro_f1_gain": "student macro-F1 minus the baseline's",
}
MAX_TRIALS = 2000  # runs in one sweep (cells x seeds, or search trials x seeds)


def objective_value(summary: dict, objective: str) -> float | None:
    """The objective read from one run's summary; None when it cannot be (no baseline for a gain)."""
    if objective in ("gain", "macro_f1_gain"):
        metric = "acc" if objective == "gain" else "macro_f1"
        student, baseline = summary.get(f"student_{metric}"), summary.get(f"baseline_{metric}")
        return None if student is None or baseline is None else student - baseline
    value = summary.get(objective)
    return None if value is None else float(value)


@dataclass
class SearchRange:
    """One searched knob: ``low..high`` (``log``: sampled evenly in log space; ``integer``: whole numbers) or, when
    ``choices`` is set, one of those values."""

    low: float | None = None
    high: float | None = None
    log: bool = False
    integer: bool = False
    choices: list | None = None

    def validate(self, name: str) -> SearchRange:
        if self.choices is not None:
            require(isinstance(self.choices, list) and len(self.choices) >= 1, "sweep.no_choices",
                    "search {setting}: give some choices", setting=name)
            return self
        ends = {"setting": name, "low": str(self.low)[:40], "high": str(self.high)[:40]}
        require(is_number(self.low) and is_number(self.high), "sweep.range_numbers",
                "search {setting}: the range needs two numbers low:high, got {low}:{high}", **ends)
        require(self.low < self.high, "sweep.range_order", "search {setting}: low must be below high, got {low}:{high}",
                **ends)
        require(not self.log or self.low > 0, "sweep.range_log",
                "search {setting}: a log range must start above 0, got {low}", **ends)
        require(not self.integer or (float(self.low).is_integer() and float(self.high).is_integer()),
                "sweep.range_whole", "search {setting}: an integer range needs whole ends, got {low}:{high}", **ends)
        return self

    def ends(self) -> list:
        if self.choices is not None:
            return list(self.choices)
        return [int(self.low), int(self.high)] if self.integer else [float(self.low), float(self.high)]


@dataclass
class SweepSpec:
    """``kind="grid"``: every combination of ``axes`` values, once per seed. ``kind="search"``: ``trials`` points
    of ``ranges`` chosen by Optuna (TPE, seeded by ``sampler_seed``), each run once per seed; the objective is the
    mean over seeds. ``base`` is a validated ``RunConfig.to_dict()``."""

    base: dict[str, Any]
    kind: str = "grid"
    axes: dict[str, list] = field(default_factory=dict)
    ranges: dict[str, SearchRange] = field(default_factory=dict)
    seeds: list[int] = field(default_factory=lambda: [0])
    trials: int = 0
    objective: str = "student_acc"
    sampler_seed: int = 0
    prune: bool = False  # a search only: stop trials whose epoch curves fall below the median (MedianPruner)

    def __post_init__(self) -> None:
        self.base = migrate_config(self.base) if isinstance(self.base, dict) else self.base
        self.axes = {canonical_setting(name): values for name, values in self.axes.items()}
        self.ranges = {canonical_setting(name): search for name, search in self.ranges.items()}

    def validate(self, settings: ServerSettings | None = None) -> SweepSpec:
        """Raise ``ValueError`` for the first bad value; every grid trial (and both ends of every range) is
        admitted as a run would be, so nothing fails after the sweep has started."""
        require(self.kind in KINDS, "sweep.kind", "a sweep kind is one of {choices}, got {value!r}",
                choices=", ".join(KINDS), value=str(self.kind)[:40])
        require(self.objective in OBJECTIVES, "sweep.objective",
                "unknown objective {value!r}; choose one of: {objectives}", value=str(self.objective)[:40],
                objectives=", ".join(OBJECTIVES))
        require(isinstance(self.seeds, list) and len(self.seeds) >= 1, "sweep.no_seed", "give at least one seed")
        for seed in self.seeds:  # each one here: a bad seed past the first would only fail once its trial started
            check_seed(seed, "seed")
        check_seed(self.sampler_seed, "sampler_seed")
        require(len(set(self.seeds)) == len(self.seeds), "sweep.seed_twice", "a seed is listed twice: {seeds}",
                seeds=", ".join(map(str, self.seeds)))
        require(not self.prune or self.kind == "search", "sweep.prune_grid",
                "pruning (--prune) is for a search (tune), not a grid")
        names = list(self.axes if self.kind == "grid" else self.ranges)
        require(bool(names) or self.kind == "search", "sweep.no_axis", "a grid needs at least one --grid axis")
        require(bool(names), "sweep.no_range", "a search needs at least one --search range")
        for name in names:
            check_axis_name(self.base, name)
        settings = settings or ServerSettings.load()
        if self.kind == "grid":
            for name, values in self.axes.items():
                require(isinstance(values, list) and bool(values), "sweep.no_value",
                        "grid {setting}: give at least one value", setting=name)
                require(len({json.dumps(v) for v in values}) == len(values), "sweep.value_twice",
                        "grid {setting}: a value is listed twice", setting=name)
            self._check_total()
            for values in self.cells():
                trial_config(self.base, values, self.seeds[0], settings)
        else:
            check_whole("trials", self.trials)
            self._check_total()
            for name, search in self.ranges.items():
                for end in search.validate(name).ends():
                    trial_config(self.base, {name: end}, self.seeds[0], settings)
        return self

    def _check_total(self) -> None:
        require(self.total() <= MAX_TRIALS, "sweep.too_many", "the {what} has {count} runs; at most {most} per sweep",
                what=self.kind, count=self.total(), most=MAX_TRIALS)

    def cells(self) -> list[dict[str, Any]]:
        """The grid's cells in order: one dict of axis values each."""
        names = list(self.axes)
        return [dict(zip(names, combo)) for combo in itertools.product(*(self.axes[n] for n in names))]

    def total(self) -> int:
        count = math.prod(len(v) for v in self.axes.values()) if self.kind == "grid" else self.trials
        return count * len(self.seeds)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SweepSpec:
        values = dict(data)
        values["ranges"] = {k: SearchRange(**v) for k, v in values.get("ranges", {}).items()}
        return cls(**values)


def check_axis_name(base: dict, name: str) -> None:
    head, dot, key = name.partition(".")
    swept = sorted(k for k in base if k not in NOT_AXES)
    require(head in base and head not in NOT_AXES, "sweep.unknown_axis", "unknown axis {name!r}: an axis is one of "
            "{settings} (or field.key of a mapping field); seeds are given with --seeds", name=name[:70],
            settings=", ".join(swept))
    require(not dot or (isinstance(base[head], dict) and bool(key)), "sweep.axis_key",
            "axis {name!r}: only a mapping field ({settings}) takes a .key", name=name[:70],
            settings=", ".join(k for k in swept if isinstance(base[k], dict)))


def with_values(base: dict, values: dict[str, Any], seed: int) -> dict[str, Any]:
    """``base`` with the axis values set (``field.key`` sets a key of a mapping field) and the seed."""
    config = copy.deepcopy(base)
    for name, value in values.items():
        head, dot, key = name.partition(".")
        if dot:
            config[head][key] = value
        else:
            config[head] = value
    config["seed"] = seed
    return config


def trial_config(base: dict, values: dict[str, Any], seed: int, settings: ServerSettings) -> RunConfig:
    """The validated, admitted config of one trial; a bad value names the cell it came from."""
    try:
        return admit(RunConfig.from_dict(with_values(base, values, seed)), settings).config
    except ValueError as err:
        raise UserError("sweep.cell", "{cell}: {error}", cell=", ".join(f"{k}={v}" for k, v in values.items()),
                        error=err, axes=values) from None


def trial_key(values: dict[str, Any], seed: int, trial: int | None = None) -> str:
    """The stable name of one trial in the run store: what ``--resume`` matches to skip finished work."""
    key: dict[str, Any] = {"values": values, "seed": seed}
    if trial is not None:
        key["trial"] = trial
    return json.dumps(key, sort_keys=True)


def parse_axis(text: str) -> tuple[str, list]:
    """``"temperature=1,2,4,8"`` -> ``("temperature", [1, 2, 4, 8])``."""
    name, sep, raw = text.partition("=")
    require(bool(sep and name.strip()), "sweep.grid_syntax", "--grid takes name=v1,v2,..., got {text!r}",
            text=text[:80])
    return name.strip(), [parse_scalar(v) for v in raw.split(",") if v.strip()]  # none: ``validate`` says so


def parse_range(text: str) -> tuple[str, SearchRange]:
    """``"temperature=1:20:log"``, ``"terms.soft=0:1"``, ``"epochs=5:40:int"`` or choices
    ``"student=mlp-small,mlp"``."""
    name, sep, raw = text.partition("=")
    require(bool(sep and name.strip()), "sweep.search_syntax",
            "--search takes name=low:high[:log][:int] or name=a,b,c; got {text!r}", text=text[:80])
    if ":" not in raw:
        return name.strip(), SearchRange(choices=[parse_scalar(v) for v in raw.split(",") if v.strip()])
    low, high, *flags = raw.split(":")
    unknown = [f for f in flags if f not in ("log", "int")]
    require(not unknown, "sweep.range_flag", "--search {setting}: a range flag is log or int, got {flags}",
            setting=name.strip(), flags=", ".join(unknown)[:80])
    return name.strip(), SearchRange(parse_scalar(low), parse_scalar(high), log="log" in flags, integer="int" in flags)
