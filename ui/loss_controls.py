"""The Distill form's loss controls, generated from the loss-term registry.

On the card: T, the method's weight (α for KD's soft targets), β and γ, each labelled by the registry
(``LossTerm.weight_label``). Behind expanders: the method — one of the
registry's logit-level terms, which takes the place of the soft targets exactly as compare-methods runs it
(``kdlab.method_choice.form_config``) — with its knobs; the add-ons (every other feature or relation term) with theirs;
the further teachers. A weight the pair cannot use shows 0, disabled, under its own key (so its value is not kept
for a pair that supports it), with the registry's short reason. ``form_state`` writes a config into these widgets.
"""
from __future__ import annotations

import math
from typing import Any

import streamlit as st

from kdlab import RunConfig
from kdlab.config import FUSIONS, MAX_TEACHERS
from kdlab.method_choice import logit_methods, method_of
from kdlab.losses import LossTerm, term, terms
from kdlab.viz.numbers import weight as weight_text
from ui.common import lang, tr, worded

METHOD_KEY = "distill_method"
AS_TYPED = "%.3g"  # sprintf-js, as Streamlit's sliders format: 0.9 and 4 as typed, not Streamlit's "0.90", "4.00"


def addons() -> list[LossTerm]:
    """The terms that add to the method: those moving features or relations (β and γ first, the card's: the
    weights the formula names by a letter)."""
    rest = [spec for spec in terms() if not spec.complement and spec.knowledge not in ("labels", "logits")]
    return sorted(rest, key=lambda spec: not spec.weight_letter)


def weight_key(spec: LossTerm, supported: bool = True) -> str:
    """``distill_term_NAME``; ``…_off`` while the pair does not support the term."""
    key = f"distill_term_{spec.name}"
    return key if supported else f"{key}_off"


def knob_key(spec: LossTerm, knob: str) -> str:
    return f"distill_kw_{spec.name}_{knob}"


def nearest(options, value):
    return min(options, key=lambda option: abs(option - value))


def bounded(spec: LossTerm) -> bool:
    """A weight with an upper end (the soft targets' α <= 1) is a plain slider; the others pick from the
    registry's steps (0, 0.1, 0.3, 1, 3, …), since their useful values span orders of magnitude."""
    return spec.max_weight < math.inf


def _slider_value(spec: LossTerm, value: float) -> float:
    return float(value) if bounded(spec) else nearest(spec.weight_choices, value)


def form_state(config: RunConfig) -> dict[str, Any]:
    """The loss widgets' values, by key, that show ``config``."""
    method = method_of(config)
    state: dict[str, Any] = {"distill_temperature": float(config.temperature), METHOD_KEY: method.name,
                             weight_key(method): _slider_value(method, method.weight_in(config))}
    for spec in addons():
        supported = spec.supports(config.teacher, config.student) is None
        state[weight_key(spec, supported)] = nearest(spec.weight_choices, spec.weight_in(config)) if supported else 0.0
    for spec in (method, *addons()):
        state.update({knob_key(spec, key): value for key, value in spec.knobs_in(config).items()})
    state.update({"distill_extra_teachers": list(config.extra_teachers), "distill_fusion": config.fusion})
    return state


def _label(spec: LossTerm) -> str:
    return spec.text("label", lang())


def method_ui(saved: RunConfig, teacher: str, student: str) -> LossTerm:
    """The one method (KD, DKD, DIST, …) that learns from the teacher's answers, with what it does and its paper:
    those the chosen pair can run, the saved one first chosen when it is among them."""
    names = [spec.name for spec in logit_methods(teacher, student)]
    saved_name = method_of(saved).name
    name = st.selectbox(tr("distill.method"), names, names.index(saved_name) if saved_name in names else 0,
                        key=METHOD_KEY,
                        format_func=worded(names, lambda n: _label(term(n))), help=tr("distill.method_help"))
    method = term(name)
    st.caption(tr("distill.method_explain", explain=method.text("explain", lang()), paper=method.paper))
    return method


def temperature_ui(saved: RunConfig, method: LossTerm) -> float:
    """T, disabled (its value kept) for a method that softens at a temperature of its own or learns one."""
    temperature = st.slider(tr("distill.temperature"), 1.0, 20.0, float(saved.temperature), 0.5,
                            key="distill_temperature", disabled=not method.reads_temperature, format=AS_TYPED,
                            help=tr("distill.temperature_help"))
    if not method.reads_temperature:
        st.caption(tr("distill.temperature_off", method=_label(method)))
    return temperature


def method_weight_ui(saved: RunConfig, method: LossTerm) -> float:
    """α for KD (cross-entropy then weighs 1 − α); another method's own weight next to cross-entropy at 1, as on
    the Methods page. A method newly chosen starts at the registry's default weight."""
    start = method.weight_in(saved) if method_of(saved).name == method.name else method.default_weight
    if bounded(method):
        return st.slider(method.weight_label(lang()), 0.0, float(method.max_weight), float(start), 0.05,
                         key=weight_key(method), format=AS_TYPED, help=tr("distill.convention_help"))
    return st.select_slider(tr("distill.method_weight", method=_label(method)), method.weight_choices,
                            nearest(method.weight_choices, start), key=weight_key(method), format_func=weight_text,
                            help=tr("distill.method_weight_help"))


def addon_weight_ui(spec: LossTerm, saved: RunConfig, teacher: str, student: str) -> float:
    """One add-on's weight; 0 and disabled, with the registry's short reason, when the pair cannot use it."""
    reason = spec.supports(teacher, student)
    start = nearest(spec.weight_choices, spec.weight_in(saved)) if reason is None else 0.0
    value = st.select_slider(spec.weight_label(lang()), spec.weight_choices, start,
                             key=weight_key(spec, reason is None), disabled=reason is not None,
                             format_func=weight_text, help=spec.text("explain", lang()))
    if reason is not None:
        st.caption(tr("distill.term_off", reason=spec.text("off_reason", lang())))  # never supports' English
    return value if reason is None else 0.0


def knobs_ui(spec: LossTerm, saved: RunConfig) -> dict[str, Any]:
    """The term's knobs, labelled in words; only the values that differ from the defaults are returned."""
    values = spec.knobs_in(saved)
    chosen = {}
    for key, knob in spec.knobs.items():
        label, help_text = knob.text("label", lang()), knob.text("help", lang())
        if knob.choices:
            value = st.selectbox(label, knob.choices, knob.choices.index(values[key]), key=knob_key(spec, key),
                                 help=help_text,
                                 format_func=worded(knob.choices, lambda c, knob=knob: knob.choice_text(c, lang())))
        elif knob.integer:
            value = st.slider(label, int(knob.low), int(knob.high), int(values[key]), int(knob.step or 1),
                              key=knob_key(spec, key), help=help_text)
        else:
            value = st.slider(label, float(knob.low), float(knob.high), float(values[key]),
                              float(knob.step or (knob.high - knob.low) / 100), key=knob_key(spec, key),
                              help=help_text, format=AS_TYPED)
        if value != knob.default:
            chosen[key] = value
    return chosen


def addons_ui(saved: RunConfig, teacher: str, student: str, weights: dict[str, float]) -> dict[str, dict]:
    """The add-ons not on the card (relations between samples), then the knobs of every add-on that is on;
    ``weights`` (by term name, the card's β and γ in it) gets theirs. Returns the knobs set, by term name."""
    st.caption(tr("distill.addons_intro"))
    for spec in addons():
        if spec.name not in weights:
            weights[spec.name] = addon_weight_ui(spec, saved, teacher, student)
    return {spec.name: knobs_ui(spec, saved) for spec in addons() if weights[spec.name] > 0 and spec.knobs}


def teachers_ui(saved: RunConfig, teacher: str, choices: list[str]) -> dict[str, Any]:
    """Further teachers whose soft targets are fused with the first one's, and how they are fused."""
    others = [name for name in choices if name != teacher]
    extra = st.multiselect(tr("distill.extra_teachers"), others,
                           [name for name in saved.extra_teachers if name in others],
                           max_selections=MAX_TEACHERS - 1, key="distill_extra_teachers",
                           help=tr("distill.extra_teachers_help"), placeholder=tr("distill.extra_teachers_none"))
    if not extra:
        return {"extra_teachers": (), "fusion": "mean", "teacher_weights": ()}
    fusion = st.radio(tr("distill.fusion"), FUSIONS, FUSIONS.index(saved.fusion), horizontal=True,
                      key="distill_fusion", format_func=worded(FUSIONS, lambda f: tr(f"distill.fusion_{f}")))
    weights: tuple[float, ...] = ()
    if fusion == "weights":
        old = dict(zip(saved.teachers, saved.teacher_weights))
        weights = tuple(float(st.number_input(tr("distill.teacher_weight", teacher=name), 0.0, 10.0,
                                              float(old.get(name, 1.0)), 0.5, key=f"distill_teacher_weight_{name}",
                                              format=AS_TYPED))
                        for name in (teacher, *extra))
    return {"extra_teachers": tuple(extra), "fusion": fusion, "teacher_weights": weights}
