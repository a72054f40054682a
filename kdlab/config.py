"""RunConfig: every knob of one distillation run in one visible place, validated in one place.

The CLI, the app, uploaded JSON and the tests all go through ``RunConfig.validate`` (or ``RunConfig.from_dict``),
so a bad value gets the same one-sentence ``ValueError`` everywhere.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .data import DATASETS, check_dataset_knobs
from .losses import LOSS_TERMS
from .models import model_meta

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
        require(isinstance(self.dataset, str) and self.dataset in DATASETS,
                 f"unknown dataset {self.dataset!r}; choose one of: {', '.join(DATASETS.names())}")
        data_meta = DATASETS.get(self.dataset).meta
        metas = {}
        for role in ("teacher", "student"):
            name = getattr(self, role)
            require(isinstance(name, str), f"{role} must be a model name, got {name!r}")
            metas[role] = model_meta(name)
            require(data_meta["modality"] in metas[role]["modalities"],
                     f"{role} {name!r} does not take {data_meta['modality']} input ({self.dataset}); "
                     f"it takes {', '.join(metas[role]['modalities'])}")
            require(isinstance(getattr(self, f"{role}_kw"), dict), f"{role}_kw must be a mapping of knob=value")
        require(isinstance(self.dataset_kw, dict), "dataset_kw must be a mapping of knob=value")
        check_dataset_knobs(self.dataset, self.dataset_kw)
        _positive_number("temperature", self.temperature)
        require(is_number(self.alpha) and 0 <= self.alpha <= 1, f"alpha must be in [0, 1], got {self.alpha}")
        for name in ("beta", "gamma"):
            value = getattr(self, name)
            require(is_number(value) and value >= 0, f"{name} must be >= 0, got {value}")
        require(isinstance(self.terms, dict), "terms must be a mapping of loss term name to weight")
        for name, weight in self.terms.items():
            require(name not in ("attention", "representation"),
                     f"set the {name} weight with {'beta' if name == 'attention' else 'gamma'}, not terms")
            require(name in LOSS_TERMS, f"unknown loss term {name!r}; choose one of: "
                     f"{', '.join(n for n in LOSS_TERMS.names() if n not in ('attention', 'representation'))}")
            require(is_number(weight) and weight >= 0, f"weight of loss term {name!r} must be >= 0, got {weight}")
        if self.beta > 0:
            require(attention_kind(self.teacher, self.student) is not None,
                     f"beta > 0 needs attention maps of the same kind from both models, but teacher {self.teacher!r} "
                     f"has {_describe_attention(metas['teacher'])} and student {self.student!r} has "
                     f"{_describe_attention(metas['student'])}; set beta to 0")
        require(self.hint_feature in HINT_FEATURES,
                 f"hint_feature must be one of {', '.join(HINT_FEATURES)}, got {self.hint_feature!r}")
        for name in ("epochs", "teacher_epochs", "batch_size", "log_every"):
            value = getattr(self, name)
            require(isinstance(value, int) and not isinstance(value, bool) and value >= 1,
                     f"{name} must be an integer >= 1, got {value}")
        _positive_number("lr", self.lr)
        _positive_number("teacher_lr", self.teacher_lr)
        require(isinstance(self.seed, int) and not isinstance(self.seed, bool) and self.seed >= 0,
                 f"seed must be an integer >= 0, got {self.seed}")
        require(self.device in DEVICES, f"device must be one of {', '.join(DEVICES)}, got {self.device!r}")
        require(is_number(self.train_fraction) and 0 < self.train_fraction <= 1,
                 f"train_fraction must be in (0, 1], got {self.train_fraction}")
        require(self.train_limit is None or (isinstance(self.train_limit, int) and self.train_limit >= 1),
                 f"train_limit must be an integer >= 1, got {self.train_limit}")
        require(self.data_root is None or isinstance(self.data_root, str), "data_root must be a folder path")
        n_classes = data_meta["num_classes"]
        for c in self.exclude_classes:
            require(isinstance(c, int) and 0 <= c < n_classes,
                     f"class {c} does not exist in {self.dataset}: classes are 0..{n_classes - 1}")
        require(len(set(self.exclude_classes)) < n_classes, "exclude_classes leaves no class to train the student on")
        return self

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["exclude_classes"] = list(self.exclude_classes)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], validate: bool = True) -> "RunConfig":
        """Build and validate from JSON-like data; unknown keys and wrong types are named, never ignored.

        ``validate=False`` only for a config this program validated itself and sent on (the server to its worker
        processes): validation happens once, where a config enters."""
        if not isinstance(data, dict):
            raise ValueError(f"a run config must be a JSON object, got {type(data).__name__}")
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        require(not unknown, f"unknown config field(s): {', '.join(unknown)}")
        values = dict(data)
        if "exclude_classes" in values:
            require(isinstance(values["exclude_classes"], (list, tuple)),
                    "exclude_classes must be a list of class indices")
            values["exclude_classes"] = tuple(values["exclude_classes"])
        for name, value in values.items():
            default = getattr(cls(), name)
            if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
                values[name] = float(value)
            elif default is not None and not isinstance(value, type(default)):
                raise ValueError(f"{name} must be {type(default).__name__}, got {value!r}")
        config = cls(**values)
        return config.validate() if validate else config


def attention_kind(teacher: str, student: str) -> str | None:
    """The kind of attention map ("tokens" or "spatial") both models expose, or None when β has nothing to compare:
    attention transfer matches the teacher's maps to the student's, so both must have maps, of the same kind."""
    kinds = {model_meta(teacher)["attention"], model_meta(student)["attention"]}
    return kinds.pop() if len(kinds) == 1 and None not in kinds else None


def parse_knobs(text: str) -> dict[str, Any]:
    """``"hidden=64,depth=1"`` -> ``{"hidden": 64, "depth": 1}``: the one knob syntax of the CLI and the app.

    Values become int, float or bool when they look so, else stay strings; raises ``ValueError`` naming a bad pair.
    """
    knobs: dict[str, Any] = {}
    for pair in filter(None, (p.strip() for p in str(text).split(","))):
        key, sep, raw = pair.partition("=")
        require(bool(sep and key.strip()), f"expected key=value, got {pair!r}")
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


def require(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _positive_number(name: str, value: Any) -> None:
    require(is_number(value) and value > 0, f"{name} must be > 0, got {value}")


def _describe_attention(meta: dict) -> str:
    return {"tokens": "softmax attention maps", "spatial": "spatial activation maps", None: "none"}[meta["attention"]]
