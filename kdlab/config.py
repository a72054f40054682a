"""RunConfig: every knob of one distillation run in one visible place, validated in one place.

The CLI, the app, uploaded JSON and the tests all go through ``RunConfig.validate`` (or ``RunConfig.from_dict``),
so a bad value gets the same one-sentence ``ValueError`` everywhere.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

DEVICES = ("auto", "cpu", "cuda", "mps")
HINT_FEATURES = ("embedding", "mid")


@dataclass
class RunConfig:
    """One run: a teacher, a baseline student (plain CE) and a distilled student.

    The loss is ``(1-α)·CE(y, s) + α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + β·L_att + γ·L_rep + Σ w·L_term``.
    """

    dataset: str = "digits"
    teacher: str = "cnn-large"
    student: str = "mlp-small"
    teacher_kw: dict[str, Any] = field(default_factory=dict)
    student_kw: dict[str, Any] = field(default_factory=dict)
    dataset_kw: dict[str, Any] = field(default_factory=dict)
    temperature: float = 4.0
    alpha: float = 0.9
    beta: float = 0.0
    gamma: float = 0.0
    terms: dict[str, float] = field(default_factory=dict)  # further loss terms by name, e.g. {"relational": 1.0}
    hint_feature: str = "embedding"  # which named feature γ matches
    epochs: int = 20
    teacher_epochs: int = 20
    batch_size: int = 64
    lr: float = 1e-2
    teacher_lr: float = 2e-3
    seed: int = 0
    device: str = "auto"
    train_fraction: float = 1.0
    train_limit: int | None = None
    exclude_classes: tuple[int, ...] = ()
    data_root: str | None = None
    download: bool = False
    baseline: bool = True
    log_every: int = 10  # steps between live metric events

    def term_weights(self) -> dict[str, float]:
        """Weights of the registered loss terms beyond CE and soft targets (zero-weight terms are dropped)."""
        weights = {"attention": self.beta, "representation": self.gamma, **self.terms}
        return {name: w for name, w in weights.items() if w > 0}

    def validate(self) -> "RunConfig":
        """Raise ``ValueError`` with a message a student understands for the first bad value; return self."""
        from .data import DATASETS
        from .losses import LOSS_TERMS
        from .models import model_meta

        _require(isinstance(self.dataset, str) and self.dataset in DATASETS,
                 f"unknown dataset {self.dataset!r}; choose one of: {', '.join(DATASETS.names())}")
        data_meta = DATASETS.get(self.dataset).meta
        metas = {}
        for role in ("teacher", "student"):
            name = getattr(self, role)
            _require(isinstance(name, str), f"{role} must be a model name, got {name!r}")
            metas[role] = model_meta(name)
            _require(data_meta["modality"] in metas[role]["modalities"],
                     f"{role} {name!r} does not take {data_meta['modality']} input ({self.dataset}); "
                     f"it takes {', '.join(metas[role]['modalities'])}")
            _require(isinstance(getattr(self, f"{role}_kw"), dict), f"{role}_kw must be a mapping of knob=value")
        _require(isinstance(self.dataset_kw, dict), "dataset_kw must be a mapping of knob=value")
        _positive_number("temperature", self.temperature)
        _require(_is_number(self.alpha) and 0 <= self.alpha <= 1, f"alpha must be in [0, 1], got {self.alpha}")
        for name in ("beta", "gamma"):
            value = getattr(self, name)
            _require(_is_number(value) and value >= 0, f"{name} must be >= 0, got {value}")
        _require(isinstance(self.terms, dict), "terms must be a mapping of loss term name to weight")
        for name, weight in self.terms.items():
            _require(name not in ("attention", "representation"),
                     f"set the {name} weight with {'beta' if name == 'attention' else 'gamma'}, not terms")
            _require(name in LOSS_TERMS, f"unknown loss term {name!r}; choose one of: "
                     f"{', '.join(n for n in LOSS_TERMS.names() if n not in ('attention', 'representation'))}")
            _require(_is_number(weight) and weight >= 0, f"weight of loss term {name!r} must be >= 0, got {weight}")
        if self.beta > 0:
            _require(attention_kind(self.teacher, self.student) is not None,
                     f"beta > 0 needs attention maps of the same kind from both models, but teacher {self.teacher!r} "
                     f"has {_describe_attention(metas['teacher'])} and student {self.student!r} has "
                     f"{_describe_attention(metas['student'])}; set beta to 0")
        _require(self.hint_feature in HINT_FEATURES,
                 f"hint_feature must be one of {', '.join(HINT_FEATURES)}, got {self.hint_feature!r}")
        for name in ("epochs", "teacher_epochs", "batch_size", "log_every"):
            value = getattr(self, name)
            _require(isinstance(value, int) and not isinstance(value, bool) and value >= 1,
                     f"{name} must be an integer >= 1, got {value}")
        _positive_number("lr", self.lr)
        _positive_number("teacher_lr", self.teacher_lr)
        _require(isinstance(self.seed, int) and not isinstance(self.seed, bool) and self.seed >= 0,
                 f"seed must be an integer >= 0, got {self.seed}")
        _require(self.device in DEVICES, f"device must be one of {', '.join(DEVICES)}, got {self.device!r}")
        _require(_is_number(self.train_fraction) and 0 < self.train_fraction <= 1,
                 f"train_fraction must be in (0, 1], got {self.train_fraction}")
        _require(self.train_limit is None or (isinstance(self.train_limit, int) and self.train_limit >= 1),
                 f"train_limit must be an integer >= 1, got {self.train_limit}")
        _require(self.data_root is None or isinstance(self.data_root, str), "data_root must be a folder path")
        n_classes = data_meta["num_classes"]
        for c in self.exclude_classes:
            _require(isinstance(c, int) and 0 <= c < n_classes,
                     f"class {c} does not exist in {self.dataset}: classes are 0..{n_classes - 1}")
        _require(len(set(self.exclude_classes)) < n_classes, "exclude_classes leaves no class to train the student on")
        return self

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["exclude_classes"] = list(self.exclude_classes)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RunConfig":
        """Build and validate from JSON-like data; unknown keys and wrong types are named, never ignored."""
        if not isinstance(data, dict):
            raise ValueError(f"a run config must be a JSON object, got {type(data).__name__}")
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        _require(not unknown, f"unknown config field(s): {', '.join(unknown)}")
        values = dict(data)
        if "exclude_classes" in values:
            _require(isinstance(values["exclude_classes"], (list, tuple)), "exclude_classes must be a list of class indices")
            values["exclude_classes"] = tuple(values["exclude_classes"])
        for name, value in values.items():
            default = getattr(cls(), name)
            if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
                values[name] = float(value)
            elif default is not None and not isinstance(value, type(default)):
                raise ValueError(f"{name} must be {type(default).__name__}, got {value!r}")
        return cls(**values).validate()


def attention_kind(teacher: str, student: str) -> str | None:
    """The kind of attention map ("tokens" or "spatial") both models expose, or None when β has nothing to compare:
    attention transfer matches the teacher's maps to the student's, so both must have maps, of the same kind."""
    from .models import model_meta

    kinds = {model_meta(teacher)["attention"], model_meta(student)["attention"]}
    return kinds.pop() if len(kinds) == 1 and None not in kinds else None


def parse_knobs(text: str) -> dict[str, Any]:
    """``"hidden=64,depth=1"`` -> ``{"hidden": 64, "depth": 1}``: the one knob syntax of the CLI and the app.

    Values become int, float or bool when they look so, else stay strings; raises ``ValueError`` naming a bad pair.
    """
    knobs: dict[str, Any] = {}
    for pair in filter(None, (p.strip() for p in str(text).split(","))):
        key, sep, raw = pair.partition("=")
        _require(bool(sep and key.strip()), f"expected key=value, got {pair!r}")
        knobs[key.strip()] = _scalar(raw.strip())
    return knobs


def _scalar(raw: str) -> Any:
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    return raw


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _positive_number(name: str, value: Any) -> None:
    _require(_is_number(value) and value > 0, f"{name} must be > 0, got {value}")


def _describe_attention(meta: dict) -> str:
    return {"tokens": "softmax attention maps", "spatial": "spatial activation maps", None: "none"}[meta["attention"]]


# --- shareable links: a RunConfig in a URL's query string -------------------------------------------------------

APP_QUERY_KEYS = ("lang", "ws", "run")  # the app's own URL keys (language, workspace, run shown): not config, left alone
LINK_EXCLUDED = ("data_root", "download")  # a link may not point the server at a folder or make it download
_SHOWN_CHARS = 40  # a hostile value is quoted, but never at full length


def link_fields() -> tuple[str, ...]:
    """The RunConfig fields a link may set, in declaration order (so a dataset is applied before its classes)."""
    return tuple(f.name for f in fields(RunConfig) if f.name not in LINK_EXCLUDED)


def config_to_query(config: RunConfig) -> dict[str, str]:
    """The fields that differ from ``RunConfig()`` as short URL query values: what a teacher's link carries.

    Numbers are written as short as they round-trip (``8``, ``0.01``), tuples as ``3,5`` and knob mappings in the
    ``hidden=64,depth=1`` syntax of ``parse_knobs``; ``config_from_query`` reads exactly these back.
    """
    default = RunConfig()
    query = {}
    for name in link_fields():
        value = getattr(config, name)
        if value != getattr(default, name):
            query[name] = _query_text(value)
    return query


def config_from_query(params: Mapping[str, Any], bounds: Mapping[str, tuple[float, float]] | None = None
                      ) -> tuple[RunConfig, list[str]]:
    """Read a link's settings on top of ``RunConfig()``; never raises, whatever the URL holds.

    Returns a config that validates and one line per problem: an unknown key, a value that does not parse, a
    value ``RunConfig.validate`` refuses, or one outside ``bounds`` (``{field: (low, high)}``, the ranges of the
    page's widgets). Each such field keeps its default and the others still apply, because a link typed by hand
    with one typo should still open the rest of the teacher's settings.
    """
    problems: list[str] = []
    values: dict[str, Any] = {}
    raw_texts: dict[str, str] = {}
    allowed = link_fields()
    for key, raw in params.items():
        raw = raw[-1] if isinstance(raw, (list, tuple)) and raw else raw  # a repeated key: the last one wins
        text = str(raw) if raw is not None else ""
        if key in APP_QUERY_KEYS:
            continue
        if key not in allowed:
            problems.append(f"{_shown(key)}: not a setting a link can change, ignored")
            continue
        try:
            values[key] = _parse_query_value(key, text)
            raw_texts[key] = text
        except ValueError as err:
            problems.append(_problem(key, text, err))
    while True:
        try:
            config = RunConfig(**values).validate()
            break
        except (ValueError, TypeError) as err:
            culprit = _culprit(values, str(err))
            problems.append(_problem(culprit, raw_texts[culprit], err))
            del values[culprit]
    config, outside = clamp_to_bounds(config, {k: b for k, b in (bounds or {}).items() if k in values})
    problems += outside
    return config, problems


def clamp_to_bounds(config: RunConfig, bounds: Mapping[str, tuple[float, float]]) -> tuple[RunConfig, list[str]]:
    """Put each field outside its ``(low, high)`` range back to its default, with one line per field: a page's
    sliders cannot show a value beyond their ends (an uploaded config may hold T = 50, valid but off the slider)."""
    default, problems, changes = RunConfig(), [], {}
    for name, (low, high) in bounds.items():
        value = getattr(config, name)
        if not low <= value <= high:
            problems.append(f"{name}={value:g}: outside this page's range {low:g} to {high:g}")
            changes[name] = getattr(default, name)
    return (replace(config, **changes).validate() if changes else config), problems


def _query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        short = f"{value:g}"
        return short if float(short) == value else repr(value)
    if isinstance(value, (tuple, list)):
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k}={_query_text(v)}" for k, v in value.items())
    return str(value)


def _parse_query_value(name: str, text: str) -> Any:
    """One query value as the type of ``RunConfig().name``; ``ValueError`` (a short reason) when it is not one."""
    default = getattr(RunConfig(), name)
    text = text.strip()
    if name == "train_limit":
        return None if text.lower() in ("", "none") else _query_int(text)
    if isinstance(default, bool):
        if text.lower() not in ("true", "false", "1", "0"):
            raise ValueError("expected true or false")
        return text.lower() in ("true", "1")
    if isinstance(default, int):
        return _query_int(text)
    if isinstance(default, float):
        try:
            return float(text)
        except ValueError:
            raise ValueError("expected a number") from None
    if isinstance(default, tuple):
        try:
            return tuple(int(part) for part in text.split(",") if part.strip())
        except ValueError:
            raise ValueError("expected class numbers separated by commas, e.g. 3,5") from None
    if isinstance(default, dict):
        knobs = parse_knobs(text)
        if name == "terms":
            for term, weight in knobs.items():
                _require(_is_number(weight), f"weight of loss term {term!r} must be a number")
                knobs[term] = float(weight)
        return knobs
    return text


def _query_int(text: str) -> int:
    if not text.lstrip("+-").isdigit() or len(text) > 12:
        raise ValueError("expected a whole number")
    return int(text)


def _culprit(values: dict[str, Any], message: str) -> str:
    """The field to drop for a validation error: of the fields whose removal changes the error, the last in
    declaration order (``beta`` before the ``student`` it depends on, ``exclude_classes`` before the dataset)."""
    involved = []
    for name in values:
        rest = {k: v for k, v in values.items() if k != name}
        try:
            RunConfig(**rest).validate()
            involved.append(name)
        except (ValueError, TypeError) as err:
            if str(err) != message:
                involved.append(name)
    order = [f.name for f in fields(RunConfig)]
    return max(involved or list(values), key=order.index)


def _shown(text: Any, limit: int = _SHOWN_CHARS) -> str:
    text = "".join(c if c.isprintable() else "?" for c in str(text))
    return text if len(text) <= limit else text[:limit] + "…"


def _problem(name: str, text: str, reason: Any) -> str:
    """One short line: the setting as the URL had it, then why (the reason may echo the value: cut it too)."""
    return f"{name}={_shown(text)}: {_shown(reason, 5 * _SHOWN_CHARS)}"


def config_from_json(data: Any) -> RunConfig:
    """A config from uploaded JSON: the config itself or a whole run record (``runs show --json``, the History
    page's download), as ``import_run`` reads it; ``ValueError`` names the bad field."""
    from .export import _parse_config  # lazy: export pulls in training code a query-string parse does not need

    return RunConfig.from_dict(_parse_config(data))
