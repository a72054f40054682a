"""RunConfig: every knob of one distillation run in one visible place, validated in one place.

The CLI, the app, uploaded JSON and the tests all go through ``RunConfig.validate`` (or ``RunConfig.from_dict``),
so a bad value gets the same one-sentence ``ValueError`` everywhere.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from .checks import is_number, parse_scalar, require
from .data import DATASETS, check_dataset_knobs
from .losses import LOSS_TERMS, term, terms
from .migrate import migrate_config
from .models import model_meta

DEVICES = ("auto", "cpu", "cuda", "mps")
FUSIONS = ("mean", "weights", "confidence")  # how several teachers' soft targets combine (``TermInputs``)
MAX_TEACHERS = 4
DEFAULT_TERMS = {"soft": 0.9}  # a first run's loss: Hinton's KD, (1 - 0.9)·CE + 0.9·T²·KL
MAX_MIXUP = 10  # mixup's α: 0.1-0.4 in the paper; beyond 10, λ is 0.5 nearly always
MIXABLE = ("image", "points")  # modalities whose inputs are numbers to blend, not token ids
DATA_MODES = ("corpus", "teacher", "on-policy")  # what the distilled student reads (``kdlab.student_data``)


@dataclass
class RunConfig:
    """One run: a teacher, a baseline student (plain CE) and a distilled student.

    The loss is ``(1-α)·CE(y, s) + α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + β·L_att + γ·L_rep + Σ w·L_term``.

    The defaults are a student's first run, so they must show distillation working: a CNN student 200 times smaller
    than its teacher, on 10 % of the digits, measurably better than its baseline pooled over seeds 0-5, in a few
    seconds on a CPU. ``benchmarks/choose_defaults.py`` is the sweep that chose them; the
    README shows its table. (All the digits with an MLP student, the old default, was measurably worse.)
    """

    dataset: str = "digits"
    teacher: str = "cnn-large"  # the first teacher: feature terms (β, γ, …) follow it
    student: str = "cnn-small"
    extra_teachers: tuple[str, ...] = ()  # more teachers (default knobs) whose soft targets are fused with its
    fusion: str = "mean"  # "mean" of the softened answers, fixed "weights", or per-sample "confidence" (CA-MKD)
    teacher_weights: tuple[float, ...] = ()  # one per teacher, for fusion="weights"
    teacher_run: str | None = None  # the first teacher is this finished run's distilled student (its
    # architecture and knobs are then ``teacher``, ``teacher_kw``: kdlab.runs.teacher_runs, at admission)
    teacher_kw: dict[str, Any] = field(default_factory=dict)
    student_kw: dict[str, Any] = field(default_factory=dict)
    dataset_kw: dict[str, Any] = field(default_factory=dict)
    temperature: float = 4.0
    terms: dict[str, float] = field(default_factory=dict)  # every loss term's weight by name, e.g. {"soft": 0.9,
    # "relational": 1.0}: those named replace DEFAULT_TERMS' (``__post_init__``); cross-entropy weighs 1 - terms["soft"]
    terms_kw: dict[str, dict[str, Any]] = field(default_factory=dict)  # their knobs, e.g. {"dkd": {"nckd": 8.0}}
    epochs: int = 100  # the 144 labelled digits are 5 batches: 500 steps, seconds of live curves on a CPU
    teacher_epochs: int = 20
    batch_size: int = 32
    lr: float = 1e-2
    teacher_lr: float = 2e-3
    seed: int = 0
    device: str = "auto"
    train_fraction: float = 0.1  # the student's labelled share of the training set; the teacher saw all of it
    train_limit: int | None = None
    exclude_classes: tuple[int, ...] = ()
    label_noise: float = 0.0  # share of the student's transfer-set labels flipped to another class (by seed)
    mixup: float = 0.0  # α of mixup's Beta(α, α) on the students' inputs (Zhang et al. 2018); 0: off
    data_mode: str = "corpus"  # a language model's text: the corpus, the teacher's ("teacher": sequence-level KD)
    # or, for a share on_policy_share of each batch, the student's own ("on-policy": GKD); ``kdlab.student_data``
    on_policy_share: float = 0.5  # λ of on-policy distillation (TRL's GKD default); read only in that mode
    data_root: str | None = None
    download: bool = False
    baseline: bool = True
    log_every: int = 10  # steps between live metric events

    def __post_init__(self) -> None:
        """``terms`` keeps the default weights it does not name (``RunConfig(terms={"dkd": 1.0})`` still has KD's
        soft targets at 0.9) and drops the weights at 0 whose default is 0, so two configs that weigh every term
        alike are equal, and one with the soft targets off says so (``"soft": 0``)."""
        if isinstance(self.terms, dict):  # anything else: ``validate`` names it
            named = {name: weight for name, weight in self.terms.items() if name in DEFAULT_TERMS or weight != 0}
            self.terms = {**DEFAULT_TERMS, **named}

    @property
    def teachers(self) -> tuple[str, ...]:
        return (self.teacher, *self.extra_teachers)

    def teacher_config(self, name: str) -> "RunConfig":
        """This run as seen by one of its teachers (the teacher cache key): the first keeps its knobs, the others
        have theirs at the defaults."""
        if name == self.teacher:
            return self
        return replace(self, teacher=name, teacher_kw={}, extra_teachers=(), fusion="mean", teacher_weights=(),
                       teacher_run=None)

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
        if data_meta["modality"] == "sequence":  # targets are next tokens, not classes a student may miss
            require(not (self.exclude_classes or self.label_noise or self.extra_teachers),
                    f"{self.dataset} is a corpus for language models: excluded classes, label noise and further "
                    "teachers are for classification runs")
        self._validate_teachers(data_meta["modality"])
        check_dataset_knobs(self.dataset, self.dataset_kw)
        _positive_number("temperature", self.temperature)
        self._validate_terms()
        for name in ("epochs", "teacher_epochs", "batch_size", "log_every"):
            value = getattr(self, name)
            require(isinstance(value, int) and not isinstance(value, bool) and value >= 1,
                     f"{name} must be an integer >= 1, got {value}", "config.whole", setting=name, value=value)
        _positive_number("lr", self.lr)
        _positive_number("teacher_lr", self.teacher_lr)
        check_seed(self.seed)
        require(self.device in DEVICES, f"device must be one of {', '.join(DEVICES)}, got {self.device!r}")
        require(is_number(self.train_fraction) and 0 < self.train_fraction <= 1,
                 f"train_fraction must be in (0, 1], got {self.train_fraction}", "config.fraction",
                setting="train_fraction", value=self.train_fraction)
        require(self.train_limit is None or (isinstance(self.train_limit, int) and self.train_limit >= 1),
                 f"train_limit must be an integer >= 1, got {self.train_limit}")
        require(self.data_root is None or isinstance(self.data_root, str), "data_root must be a folder path")
        n_classes = data_meta["num_classes"]
        for c in self.exclude_classes:
            require(isinstance(c, int) and 0 <= c < n_classes,
                     f"class {c} does not exist in {self.dataset}: classes are 0..{n_classes - 1}")
        require(len(set(self.exclude_classes)) < n_classes, "exclude_classes leaves no class to train the student on")
        require(is_number(self.label_noise) and 0 <= self.label_noise < 1,
                 f"label_noise must be in [0, 1), got {self.label_noise}")
        require(is_number(self.mixup) and 0 <= self.mixup <= MAX_MIXUP,
                f"mixup must be in [0, {MAX_MIXUP}], got {self.mixup}")
        require(not self.mixup or data_meta["modality"] in MIXABLE,
                f"mixup blends inputs, and the inputs of {self.dataset} are {data_meta['modality']}, which cannot be "
                "blended; set mixup to 0")
        require(self.data_mode in DATA_MODES, "config.one_of", "{setting} must be one of {choices}, got {value!r}",
                setting="data_mode", choices=", ".join(DATA_MODES), value=str(self.data_mode)[:70])
        require(self.data_mode == "corpus" or data_meta["modality"] == "sequence", "config.data_mode_text",
                "{setting} {value} is for language models (the student reads text the teacher or it writes); "
                "{dataset} is not a text corpus, so use corpus", setting="data_mode", value=self.data_mode,
                dataset=self.dataset)
        require(is_number(self.on_policy_share) and 0 <= self.on_policy_share <= 1, "config.range",
                "{setting} must be in [0, {high}], got {value}", setting="on_policy_share", high=1,
                value=self.on_policy_share)
        require(not model_meta(self.student).get("pretrained"), "config.pretrained_student",
                "{name} is a pretrained model, used as a teacher as it is; the student must be a model kdlab trains",
                name=self.student)
        return self

    def _validate_teachers(self, modality: str) -> None:
        require(isinstance(self.extra_teachers, tuple) and all(isinstance(t, str) for t in self.extra_teachers),
                "extra_teachers must be a list of model names")
        require(len(self.teachers) <= MAX_TEACHERS,
                f"a run has at most {MAX_TEACHERS} teachers, got {len(self.teachers)}")
        require(len(set(self.teachers)) == len(self.teachers), "each teacher may be named once")
        for name in self.extra_teachers:
            meta = model_meta(name)
            require(modality in meta["modalities"], f"teacher {name!r} does not take {modality} input "
                    f"({self.dataset}); it takes {', '.join(meta['modalities'])}")
        require(self.teacher_run is None or isinstance(self.teacher_run, str),
                f"teacher_run must be a run id, got {str(self.teacher_run)[:70]!r}")
        require(self.fusion in FUSIONS, f"fusion must be one of {', '.join(FUSIONS)}, got {self.fusion!r}")
        if self.fusion == "weights":
            require(len(self.teacher_weights) == len(self.teachers),
                    f"fusion=weights needs one weight per teacher ({len(self.teachers)}), got "
                    f"{len(self.teacher_weights)}")
            require(all(is_number(w) and w >= 0 for w in self.teacher_weights) and sum(self.teacher_weights) > 0,
                    "teacher_weights must be numbers >= 0, not all zero")
        else:
            require(not self.teacher_weights, "teacher_weights are used only with fusion=weights")

    def _validate_terms(self) -> None:
        """Every loss term's weight, knobs and pair, from the registry (``kdlab.losses``)."""
        require(isinstance(self.terms, dict), "terms must be a mapping of loss term name to weight")
        own = [spec.name for spec in terms() if not spec.complement]
        for name, weight in self.terms.items():
            require(name in LOSS_TERMS, f"unknown loss term {name!r}; choose one of: {', '.join(own)}")
            spec = term(name)
            require(not spec.complement, f"the weight of {name} is 1 minus that of {spec.complement_of}; set "
                    f"terms.{spec.complement_of}")
            _weight(f"terms.{name}", weight, spec.max_weight)
        for spec in terms():
            if not spec.complement and spec.weight_in(self) > 0:
                problem = spec.supports(self.teacher, self.student)
                require(problem is None, f"{problem}; set terms.{spec.name} to 0")
        require(isinstance(self.terms_kw, dict), "terms_kw must be a mapping of loss term name to its knobs")
        for name, knobs in self.terms_kw.items():
            require(name in LOSS_TERMS, f"terms_kw: unknown loss term {name!r}")
            spec = term(name)
            require(isinstance(knobs, dict), f"terms_kw[{name!r}] must be a mapping of knob=value")
            for key, value in knobs.items():
                require(key in spec.knobs, f"loss term {name!r} has no knob {key!r}; its knobs: "
                        f"{', '.join(spec.knobs) or 'none'}")
                spec.knobs[key].check(name, key, value)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name, value in data.items():
            if isinstance(value, tuple):
                data[name] = list(value)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], validate: bool = True) -> "RunConfig":
        """Build and validate from JSON-like data; unknown keys and wrong types are named, never ignored.

        ``validate=False`` only for a config this program validated itself and sent on (the server to its worker
        processes): validation happens once, where a config enters."""
        if not isinstance(data, dict):
            raise ValueError(f"a run config must be a JSON object, got {type(data).__name__}")
        values = migrate_config(data)
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        require(not unknown, f"unknown config field(s): {', '.join(unknown)}")
        for name, value in values.items():
            default = getattr(cls(), name)
            if isinstance(default, tuple):
                require(isinstance(value, (list, tuple)), f"{name} must be a list")
                values[name] = tuple(value)
            elif isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
                values[name] = float(value)
            elif default is not None and not isinstance(value, type(default)):
                raise ValueError(f"{name} must be {type(default).__name__}, got {value!r}")
        config = cls(**values)
        return config.validate() if validate else config


def parse_knobs(text: str) -> dict[str, Any]:
    """``"hidden=64,depth=1"`` -> ``{"hidden": 64, "depth": 1}``: the one knob syntax of the CLI and the app.

    Values become int, float, bool or None when they look so (``kdlab.checks.parse_scalar``), else stay strings; raises ``ValueError`` naming a bad pair.
    """
    knobs: dict[str, Any] = {}
    for pair in filter(None, (p.strip() for p in str(text).split(","))):
        key, sep, raw = pair.partition("=")
        require(bool(sep and key.strip()), f"expected key=value, got {pair!r}")
        knobs[key.strip()] = parse_scalar(raw)
    return knobs


MAX_SEED = 2**32 - 1  # what numpy's generators take: a larger seed would fail only once its run had started


def check_seed(seed: Any, name: str = "seed") -> None:
    """Every seed where it enters (a run, a sweep's seeds, a search's sampler, compare-methods): a whole number
    from 0 to ``MAX_SEED``, or one ``ValueError``."""
    shown = repr(seed)[:40] if not isinstance(seed, int) or seed.bit_length() <= 128 else "a number too large to show"
    require(isinstance(seed, int) and not isinstance(seed, bool) and 0 <= seed <= MAX_SEED,
            f"{name} must be an integer >= 0 and <= {MAX_SEED} (2**32 - 1), got {shown}")


def _positive_number(name: str, value: Any) -> None:
    require(is_number(value) and value > 0, f"{name} must be > 0, got {value}", "config.positive", setting=name,
            value=value)


def _weight(setting: str, value: Any, high: float) -> None:
    """A loss term's weight: >= 0, and at most ``high`` where the registry bounds it (the soft targets' α <= 1)."""
    bounded = f"in [0, {high:g}]" if high < math.inf else ">= 0"
    require(is_number(value) and 0 <= value <= high, f"{setting} must be {bounded}, got {value}")
