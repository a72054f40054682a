"""The loss-term registry and ``DistillationLoss = Σ weight · term``.

``L = (1-α)·CE(y, s) + α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + β·L_att + γ·L_rep + Σ w·L_term``

Every term — cross-entropy and the classic soft targets included — is registered once with everything the rest of
kdlab needs to know about it: its symbol in the formula, its weight's symbol and older name, its name and one-line
explanation in English and 简体中文, its paper, the kind of knowledge it moves, the model pairs it supports and its
own knobs. Config validation, the CLI, ``kdlab list``, the formula, the live curves, the History columns and the
Distill page's controls are all generated from this registry, so adding a method is one module in this package.

Every term is weighted the same way, by ``config.terms[name]``; cross-entropy alone is weighted by the complement of
the soft targets' (``1 - α``, Hinton's convention). The weights the formula has always named by a letter (α for the
soft targets, β for attention, γ for hints) declare it (``weight_letter``) and their older config name (``alias``:
``alpha``, ``beta``, ``gamma``), which configs, links, stored runs and the CLI still accept (``weight_aliases``,
read by ``kdlab.migrate.migrate_config`` alone).

A term is built per run from ``(config, student_probe, teacher_probe, **knobs)`` — the probes are both models'
outputs on a small batch, so a term can size a learned projection — into an ``nn.Module`` whose ``forward`` takes
one ``TermInputs`` and returns a scalar. A stateless method registers a plain function ``f(inputs, **knobs)``
instead (``register_function``). A module may name the teacher outputs it reads (``needs``), keep only those
(``reduce``) and report extra curves (``curves()``, e.g. a learned temperature).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import torch
from torch import nn

from ..checks import is_number, require
from ..models import ModelOutput
from ..registry import Registry
from .fusion import fused_log_probs
from .tokens import is_language_model

KNOWLEDGE = ("labels", "logits", "features", "relations")  # what a term moves from teacher to student
WEIGHT_LABEL = {"en": "{letter} — {term}", "zh": "{letter} —— {term}"}  # a weight with a letter, on a page
WEIGHT_CHOICES = (0.0, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0, 30000.0)
YES_NO = {"yes": {"en": "yes", "zh": "是"}, "no": {"en": "no", "zh": "否"}}  # the words of a yes/no knob's choices


@dataclass(frozen=True)
class Knob:
    """A method-specific setting: a number in ``[low, high]`` (an integer when ``integer``) or one of ``choices``.
    ``label`` names it in words and ``choice_labels`` words each choice, in English and 简体中文: a page shows
    those, never the config key (``tckd``) or the raw choice (``mid``)."""

    default: Any
    help: dict[str, str]
    low: float | None = None
    high: float | None = None
    step: float | None = None
    choices: tuple[str, ...] = ()
    integer: bool = False
    label: dict[str, str] = field(default_factory=dict)
    choice_labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def text(self, what: str, lang: str) -> str:
        """Its ``label`` or ``help`` in ``lang`` (English where that language is missing)."""
        return getattr(self, what).get(lang) or getattr(self, what)["en"]

    def choice_text(self, choice: str, lang: str) -> str:
        words = self.choice_labels[choice]
        return words.get(lang) or words["en"]

    def check(self, term: str, key: str, value: Any) -> None:
        """``value`` for this knob of ``term``, or a ``UserError`` naming both (the app words them by their labels)."""
        if self.choices:
            require(value in self.choices, "term.knob_choice", "knob {knob} of loss term {term!r} must be one of "
                    "{choices}, got {value!r}", term=term, knob=key, choices=", ".join(self.choices), value=value)
            return
        require(is_number(value), "term.knob_number", "knob {knob} of loss term {term!r} must be a number, got "
                "{value!r}", term=term, knob=key, value=value)
        require(not self.integer or value == int(value), "term.knob_integer", "knob {knob} of loss term {term!r} "
                "must be an integer, got {value!r}", term=term, knob=key, value=value)
        require(self.low <= value <= self.high, "term.knob_range", "knob {knob} of loss term {term!r} must be in "
                "[{low:g}, {high:g}], got {value:g}", term=term, knob=key, low=self.low, high=self.high, value=value)


PER_SAMPLE = {"en": "for classifiers: it compares one answer per sample, and a language model answers once per token",
              "zh": "用于分类模型：它逐个样本比较答案，而语言模型对每个词元各给出一个答案"}  # ``always``'s reason, worded


def always(teacher: str, student: str) -> str | None:
    """A term for any classifier pair (returns why not, or None): the default, since most methods compare one answer
    per sample and have no meaning per token of a language model (``tokens.any_pair`` for those that do)."""
    if is_language_model(teacher) or is_language_model(student):
        return "this term compares one answer per sample; language models answer once per token"
    return None


@dataclass(frozen=True)
class LossTerm:
    """Everything kdlab knows about one registered term (see the module docstring)."""

    name: str
    build: Callable[..., nn.Module]
    symbol: str  # LaTeX of the loss; ``{T}`` is replaced by the run's temperature
    label: dict[str, str]
    explain: dict[str, str]
    paper: str
    knowledge: str
    reads: tuple[str, ...]  # which model outputs it compares, in words ("logits", "features/embedding")
    method: str  # its short name in method comparisons: "kd", "dkd", "at", "fitnet", ...
    complement_of: str = ""  # weighted by 1 - that term's weight, never by its own (cross-entropy: 1 - α)
    weight_symbol: str = ""  # LaTeX of its weight in the formula (``\alpha``); default ``w_{name}``
    weight_letter: str = ""  # that symbol in plain text ("α"): the convention's named weights have one
    alias: str = ""  # the weight's older config name ("alpha"), still read by ``kdlab.migrate.migrate_config``
    max_weight: float = math.inf  # soft targets: 1, so that cross-entropy's 1 - α stays >= 0
    default_weight: float = 1.0
    weight_choices: tuple[float, ...] = WEIGHT_CHOICES
    supports: Callable[[str, str], str | None] = always  # (teacher, student) -> why not, or None
    off_reason: dict[str, str] = field(default_factory=lambda: dict(PER_SAMPLE))  # why not: short, both languages
    reads_temperature: bool = False  # whether it softens at the run's T (the others use their own or learn one)
    knobs: dict[str, Knob] = field(default_factory=dict)
    curves: dict[str, dict[str, str]] = field(default_factory=dict)  # what its module's ``curves()`` report, named

    @property
    def complement(self) -> bool:
        return bool(self.complement_of)

    def weight_in(self, config) -> float:
        if self.complement:
            return 1 - config.terms.get(self.complement_of, 0.0)
        return config.terms.get(self.name, 0.0)

    @property
    def symbol_of_weight(self) -> str:
        return self.weight_symbol or rf"w_{{\mathrm{{{self.name}}}}}"

    def knobs_in(self, config) -> dict[str, Any]:
        """This term's knobs for a run: the defaults, overridden by ``config.terms_kw[name]``."""
        return {key: knob.default for key, knob in self.knobs.items()} | config.terms_kw.get(self.name, {})

    def describe(self) -> dict[str, Any]:
        """This term as plain data (``kdlab list --json``)."""
        return {"name": self.name, "method": self.method, "weight": self.weight_name, "default_weight":
                self.default_weight, "knowledge": self.knowledge, "reads": list(self.reads), "paper": self.paper,
                "label": self.label, "explain": self.explain, "symbol": self.symbol,
                "knobs": {key: {k: v for k, v in asdict(knob).items() if v not in (None, ())}
                          for key, knob in self.knobs.items()}}

    @property
    def weight_name(self) -> str:
        """How the config names this term's weight: ``terms.NAME`` (``1 - terms.soft`` for cross-entropy)."""
        return f"1 - terms.{self.complement_of}" if self.complement else f"terms.{self.name}"

    def text(self, what: str, lang: str) -> str:
        return getattr(self, what).get(lang) or getattr(self, what)["en"]

    def weight_label(self, lang: str) -> str:
        """Its weight on a page: "α — soft targets", or the term's label alone when the formula has no letter for
        it. Every page words a weight so (controls, sweep axes, History columns, errors), never from a text key."""
        label = self.text("label", lang)
        return WEIGHT_LABEL[lang].format(letter=self.weight_letter, term=label) if self.weight_letter else label


LOSS_TERMS: Registry[LossTerm] = Registry("loss term")


def register_term(name: str, **meta: Any) -> Callable:
    """Register an ``nn.Module`` class built from ``(config, student_probe, teacher_probe, **knobs)``."""
    def decorate(build: Callable) -> Callable:
        if meta.get("knowledge") not in KNOWLEDGE:
            raise ValueError(f"loss term {name!r}: knowledge must be one of {', '.join(KNOWLEDGE)}")
        for key, knob in meta.get("knobs", {}).items():  # a page words every knob and choice, in both languages
            words = [knob.label, knob.help, *(knob.choice_labels.get(c, {}) for c in knob.choices)]
            if not all(w.get("en") and w.get("zh") for w in words):
                raise ValueError(f"loss term {name!r}: knob {key!r} needs a label, help and a label for each choice "
                                 "in English and Chinese")
        LOSS_TERMS.register(name, spec=LossTerm(name, build, **meta))(build)
        return build

    return decorate


def register_function(name: str, needs: frozenset[str] = frozenset(), **meta: Any) -> Callable:
    """Register a stateless term ``f(inputs: TermInputs, **knobs) -> scalar``; ``needs``: the teacher outputs
    beyond logits it reads (``"features/embedding"``), which the teacher cache must keep."""
    def decorate(function: Callable) -> Callable:
        def build(config, student_probe, teacher_probe, **knobs) -> nn.Module:
            return FunctionTerm(function, knobs, set(needs))

        register_term(name, **meta)(build)
        return function

    return decorate


def term(name: str) -> LossTerm:
    """The registered term ``name`` (a ``ValueError`` listing the known ones otherwise)."""
    return LOSS_TERMS.get(name).meta["spec"]


def terms() -> list[LossTerm]:
    """Every registered term, in registration order (the order of the formula, the curves and the controls)."""
    return [term(name) for name in LOSS_TERMS.names()]


def weight_aliases() -> dict[str, str]:
    """The weights' older config names, by the term they weigh: ``{"alpha": "soft", "beta": "attention", ...}``."""
    return {spec.alias: spec.name for spec in terms() if spec.alias}


class FunctionTerm(nn.Module):
    def __init__(self, function: Callable, knobs: dict[str, Any], needs: set[str]):
        super().__init__()
        self.function, self.knobs, self.needs = function, knobs, needs

    def forward(self, inputs: "TermInputs") -> torch.Tensor:
        return self.function(inputs, **self.knobs)


@dataclass
class TermInputs:
    """What a term sees at one step. ``teacher`` is the first teacher (feature terms follow it); logit terms read
    the fused distribution of every teacher through ``teacher_log_probs``."""

    student: ModelOutput
    teacher: ModelOutput
    teacher_logits: list[torch.Tensor]  # one [B, C] per teacher, the first being ``teacher.logits``
    labels: torch.Tensor
    progress: float  # fraction of the student phase done, 0..1 (for warm-ups and schedules)
    temperature: float
    fusion: str = "mean"  # how several teachers' soft targets combine: "mean", "weights" or "confidence"
    teacher_weights: tuple[float, ...] | torch.Tensor = ()  # for fusion="weights"
    hard_labels: torch.Tensor | None = None  # right answers where not all tokens have one (``kdlab.student_data``)
    _fused: dict = field(default_factory=dict, repr=False)  # this step's fused targets, by (T, transform)

    def teacher_log_probs(self, temperature: float | torch.Tensor,
                          transform: Callable[[torch.Tensor], torch.Tensor] | None = None) -> torch.Tensor:
        """log of the teachers' fused ``softmax(transform(t)/T)``; one teacher: exactly ``log_softmax(t/T)``.
        Computed once per step for each fixed T and transform, however many terms read it (soft targets and DKD
        at the run's T); a learned T (a tensor) is computed each time, since its graph differs."""
        if torch.is_tensor(temperature):
            return fused_log_probs(self.teacher_logits, temperature, self.fusion, self.teacher_weights, self.labels,
                                   transform)
        key = (temperature, transform)
        if key not in self._fused:
            self._fused[key] = fused_log_probs(self.teacher_logits, temperature, self.fusion, self.teacher_weights,
                                               self.labels, transform)
        return self._fused[key]


class DistillationLoss(nn.Module):
    """The whole objective, ``Σ weight · term`` over the terms with a non-zero weight. ``forward`` returns every
    component separately (unweighted), any extra curves the terms report, and ``"total"``."""

    def __init__(self, config, student_probe: ModelOutput, teacher_probe: ModelOutput):
        super().__init__()
        self.config = config
        active = [spec for spec in terms() if spec.weight_in(config) > 0]
        self.weights = {spec.name: spec.weight_in(config) for spec in active}
        # fixed fusion weights live on the device with the loss: no host-to-device copy per step
        self.register_buffer("teacher_weights", torch.tensor(config.teacher_weights, dtype=torch.float32),
                             persistent=False)
        self.terms = nn.ModuleDict({
            spec.name: spec.build(config, student_probe, teacher_probe, **spec.knobs_in(config)) for spec in active
        })

    def param_groups(self) -> tuple[list[nn.Parameter], list[dict]]:
        """The terms' learned parameters: those Adam trains with the student, and the SGD groups of the terms that
        declare ``sgd_options`` (``{"lr", "momentum"}``) because the size of their gradient is the method."""
        adam, sgd = [], []
        for module in self.terms.values():
            if hasattr(module, "sgd_options"):
                sgd.append({"params": list(module.parameters()), **module.sgd_options})
            else:
                adam += list(module.parameters())
        return adam, sgd

    @property
    def needs(self) -> set[str]:
        """Teacher outputs beyond logits that the active terms read."""
        return set().union(*(getattr(t, "needs", set()) for t in self.terms.values()))

    def reduce(self, teacher: ModelOutput) -> ModelOutput:
        """The teacher's outputs cut down to what the active terms read (a term with a ``reduce`` method keeps less
        of its own part, giving the same loss); ``kdlab.teacher_outputs`` uses it when a full cache is too big."""
        for module in self.terms.values():
            if hasattr(module, "reduce"):
                teacher = module.reduce(teacher)
        return teacher

    def forward(self, student: ModelOutput, teacher: ModelOutput, labels: torch.Tensor, progress: float = 0.0,
                more_teacher_logits: list[torch.Tensor] = (),
                hard_labels: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        inputs = TermInputs(student, teacher, [teacher.logits, *more_teacher_logits], labels, progress,
                            self.config.temperature, self.config.fusion, self.teacher_weights, hard_labels)
        parts: dict[str, torch.Tensor] = {}
        total = 0.0
        for name, module in self.terms.items():
            parts[name] = module(inputs)
            total = total + self.weights[name] * parts[name]
            if hasattr(module, "curves"):
                parts.update({f"{name}.{key}": value for key, value in module.curves().items()})
        parts["total"] = total  # never 0.0: α in [0, 1] leaves cross-entropy or soft targets active
        return parts
