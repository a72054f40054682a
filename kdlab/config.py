"""RunConfig: every knob of one distillation run in one visible place, validated in one place.

The CLI, the app, uploaded JSON and the tests all go through ``RunConfig.validate`` (or ``RunConfig.from_dict``),
so a bad value gets the same one-sentence ``ValueError`` everywhere.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from .checks import check_positive, check_whole, is_number, is_whole, parse_scalar, require
from .data import DATASETS, check_dataset_knobs
from .data.tokenizers import CORPUS_TOKENIZERS
from .losses import term, terms
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
    tokenizer: str = "char"  # a text's tokens: characters, or "bpe", a byte-level BPE trained on the corpus
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
        """Raise a ``UserError`` (a ``ValueError``: ``kdlab.errors``) with a message a student understands for the
        first bad value; return self."""
        _name("dataset", self.dataset)
        data_meta = DATASETS.get(self.dataset).meta
        modality = data_meta["modality"]
        for role in ("teacher", "student"):
            _name(role, getattr(self, role))
            _takes(role, getattr(self, role), modality, self.dataset)
        for name in ("teacher_kw", "student_kw", "dataset_kw"):
            _mapping(name, getattr(self, name))
        if modality == "sequence":  # targets are next tokens, not classes a student may miss
            require(not (self.exclude_classes or self.label_noise or self.extra_teachers), "config.corpus_only",
                    "{dataset} is a corpus for language models: excluded classes, label noise and further teachers "
                    "are for classification runs", dataset=self.dataset)
        self._validate_teachers(modality)
        check_dataset_knobs(self.dataset, self.dataset_kw)
        check_positive("temperature", self.temperature)
        self._validate_terms()
        wholes = ("epochs", "teacher_epochs", "batch_size", "log_every", *(("train_limit",) if self.train_limit
                                                                           is not None else ()))
        for name in wholes:
            check_whole(name, getattr(self, name))
        check_positive("lr", self.lr)
        check_positive("teacher_lr", self.teacher_lr)
        check_seed(self.seed)
        _one_of("device", self.device, DEVICES)
        require(is_number(self.train_fraction) and 0 < self.train_fraction <= 1, "config.fraction",
                "{setting} must be in (0, 1], got {value}", setting="train_fraction", value=self.train_fraction)
        require(self.data_root is None or isinstance(self.data_root, str), "config.folder",
                "{setting} must be a folder path", setting="data_root")
        n_classes = data_meta["num_classes"]
        for c in self.exclude_classes:
            require(is_whole(c) and 0 <= c < n_classes, "config.no_class",
                    "class {value} does not exist in {dataset}: classes are 0..{last}", value=c, dataset=self.dataset,
                    last=n_classes - 1)
        require(len(set(self.exclude_classes)) < n_classes, "config.no_class_left",
                "no class is left to train the student on ({setting} = every class)", setting="exclude_classes")
        require(is_number(self.label_noise) and 0 <= self.label_noise < 1, "config.below_one",
                "{setting} must be in [0, 1), got {value}", setting="label_noise", value=self.label_noise)
        _at_most("mixup", self.mixup, MAX_MIXUP)
        _one_of("data_mode", self.data_mode, DATA_MODES)
        require(self.data_mode == "corpus" or modality == "sequence", "config.data_mode_text",
                "{setting} {value} is for language models (the student reads text the teacher or it writes); "
                "{dataset} is not a text corpus, so use corpus", setting="data_mode", value=self.data_mode,
                dataset=self.dataset)
        _at_most("on_policy_share", self.on_policy_share, 1)
        _one_of("tokenizer", self.tokenizer, tuple(CORPUS_TOKENIZERS))
        require(self.tokenizer == "char" or (modality == "sequence" and not model_meta(self.teacher).get("tokenizer")),
                "config.tokenizer", "{setting} {value} encodes a text corpus whose teacher reads kdlab's ids (a "
                "Hugging Face teacher brings its own tokenizer); use char", setting="tokenizer", value=self.tokenizer)
        require(not model_meta(self.student).get("pretrained"), "config.pretrained_student",
                "{name} is a pretrained model, used as a teacher as it is; the student must be a model kdlab trains",
                name=self.student)
        require(not self.mixup or modality in MIXABLE, "config.mixup_modality",
                "{setting} blends inputs, and the inputs of {dataset} are {modality}, which cannot be blended; set "
                "{setting} to 0", setting="mixup", dataset=self.dataset, modality=modality)
        return self

    def _validate_teachers(self, modality: str) -> None:
        require(isinstance(self.extra_teachers, tuple) and all(isinstance(t, str) for t in self.extra_teachers),
                "config.names", "{setting} must be a list of model names", setting="extra_teachers")
        require(len(self.teachers) <= MAX_TEACHERS, "config.teachers_max",
                "a run has at most {most} teachers, got {count}", most=MAX_TEACHERS, count=len(self.teachers))
        require(len(set(self.teachers)) == len(self.teachers), "config.teachers_twice",
                "each teacher may be named once")
        for name in self.extra_teachers:
            _takes("teacher", name, modality, self.dataset)
        require(self.teacher_run is None or isinstance(self.teacher_run, str), "config.run_id",
                "{setting} must be a run id, got {value!r}", setting="teacher_run", value=str(self.teacher_run)[:70])
        _one_of("fusion", self.fusion, FUSIONS)
        if self.fusion == "weights":
            require(len(self.teacher_weights) == len(self.teachers), "config.teacher_weights_count",
                    "fusion=weights needs one weight per teacher ({count}), got {given}", count=len(self.teachers),
                    given=len(self.teacher_weights))
            require(all(is_number(w) and w >= 0 for w in self.teacher_weights) and sum(self.teacher_weights) > 0,
                    "config.teacher_weights", "{setting} must be numbers >= 0, not all zero",
                    setting="teacher_weights")
        else:
            require(not self.teacher_weights, "config.teacher_weights_unused",
                    "{setting} are used only with fusion=weights", setting="teacher_weights")

    def _validate_terms(self) -> None:
        """Every loss term's weight, knobs and pair, from the registry (``kdlab.losses``)."""
        require(isinstance(self.terms, dict), "config.terms_mapping",
                "{setting} must be a mapping of loss term name to weight", setting="terms")
        for name, weight in self.terms.items():
            spec = term(name)  # an unknown name lists the known ones
            require(not spec.complement, "config.complement", "the weight of {term} is 1 minus that of {other}; set "
                    "{setting}", term=name, other=spec.complement_of, setting=f"terms.{spec.complement_of}")
            _weight(f"terms.{name}", weight, spec.max_weight)
        for spec in terms():
            if not spec.complement and spec.weight_in(self) > 0:
                problem = spec.supports(self.teacher, self.student)
                require(problem is None, "config.pair", "{term} cannot run on this pair: {reason}; set '{setting}' to 0",
                        term=spec.name, reason=problem, setting=f"terms.{spec.name}")
        require(isinstance(self.terms_kw, dict), "config.terms_kw_mapping",
                "{setting} must be a mapping of loss term name to its knobs", setting="terms_kw")
        for name, knobs in self.terms_kw.items():
            spec = term(name)
            _mapping(f"terms_kw.{name}", knobs)
            for key, value in knobs.items():
                require(key in spec.knobs, "config.no_knob", "loss term {term!r} has no knob {knob!r}; its knobs: "
                        "{knobs}", term=name, knob=key, knobs=", ".join(spec.knobs) or "none")
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
        require(isinstance(data, dict), "config.not_object", "a run config must be a JSON object, got {kind}",
                kind=type(data).__name__)
        values = migrate_config(data)
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        require(not unknown, "config.unknown_fields", "unknown config fields: {names}",
                names=", ".join(map(str, unknown))[:200])
        for name, value in values.items():
            default = getattr(cls(), name)
            if isinstance(default, tuple):
                require(isinstance(value, (list, tuple)), "config.not_list", "{setting} must be a list", setting=name)
                values[name] = tuple(value)
            elif isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
                values[name] = float(value)
            else:
                require(default is None or isinstance(value, type(default)), "config.type",
                        "{setting} must be {kind}, got {value}", setting=name, kind=type(default).__name__,
                        value=repr(value)[:70])
        config = cls(**values)
        return config.validate() if validate else config


def parse_knobs(text: str) -> dict[str, Any]:
    """``"hidden=64,depth=1"`` -> ``{"hidden": 64, "depth": 1}``: the one knob syntax of the CLI and the app.

    Values become int, float, bool or None when they look so (``kdlab.checks.parse_scalar``), else stay strings; raises ``ValueError`` naming a bad pair.
    """
    knobs: dict[str, Any] = {}
    for pair in filter(None, (p.strip() for p in str(text).split(","))):
        key, sep, raw = pair.partition("=")
        require(bool(sep and key.strip()), "config.knob_syntax", "expected key=value, got {pair!r}", pair=pair[:70])
        knobs[key.strip()] = parse_scalar(raw)
    return knobs


MAX_SEED = 2**32 - 1  # what numpy's generators take: a larger seed would fail only once its run had started


def check_seed(seed: Any, setting: str = "seed") -> None:
    """Every seed where it enters (a run, a sweep's seeds, a search's sampler, compare-methods): a whole number
    from 0 to ``MAX_SEED``, or one ``UserError`` naming the ``setting``."""
    shown = repr(seed)[:40] if not isinstance(seed, int) or seed.bit_length() <= 128 else "a number too large to show"
    require(is_whole(seed) and 0 <= seed <= MAX_SEED, "config.seed",
            "{setting} must be an integer >= 0 and <= {top} (2**32 - 1), got {value}", setting=setting, top=MAX_SEED,
            value=shown)


def _weight(setting: str, value: Any, high: float) -> None:
    """A loss term's weight: >= 0, and at most ``high`` where the registry bounds it (the soft targets' α <= 1)."""
    if high < math.inf:
        _at_most(setting, value, high)
    else:
        require(is_number(value) and value >= 0, "config.not_negative", "{setting} must be >= 0, got {value}",
                setting=setting, value=value)


def _at_most(name: str, value: Any, high: float) -> None:
    require(is_number(value) and 0 <= value <= high, "config.range", "{setting} must be in [0, {high}], got {value}",
            setting=name, high=high, value=value)


def _one_of(name: str, value: Any, choices: tuple[str, ...]) -> None:
    require(value in choices, "config.one_of", "{setting} must be one of {choices}, got {value!r}", setting=name,
            choices=", ".join(choices), value=str(value)[:70])


def _name(role: str, value: Any) -> None:
    require(isinstance(value, str), "config.not_name", "{setting} must be a name, got {value}", setting=role,
            value=repr(value)[:70])


def _mapping(name: str, value: Any) -> None:
    require(isinstance(value, dict), "config.mapping", "{setting} must be a mapping of knob=value", setting=name)


def _takes(role: str, name: str, modality: str, dataset: str) -> None:
    """Whether model ``name`` reads the dataset's input (an image model, a text model, a language model)."""
    takes = model_meta(name)["modalities"]
    require(modality in takes, "config.modality", "{role} {name!r} does not take the input of {dataset} ({modality}); "
            "it takes {takes}", role=role, name=name, modality=modality, dataset=dataset, takes=", ".join(takes))
