"""The Distill form's loss controls, generated from the loss-term registry: T, then one weight per registered term
grouped by the knowledge it moves, each term's knobs once it is on, and the extra teachers with their fusion.

A term that cannot work for the chosen pair shows its weight at 0, disabled, under its own key (so its value is not
kept for a pair that supports it), with the registry's reason. ``form_state`` writes a config into these widgets.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from kdlab import RunConfig
from kdlab.config import FUSIONS, MAX_TEACHERS
from kdlab.losses import KNOWLEDGE, LossTerm, terms
from ui.common import lang, tr


def weighted_terms() -> list[LossTerm]:
    """The terms with a weight of their own (cross-entropy's is 1 - α)."""
    return [spec for spec in terms() if not spec.complement]


def weight_key(spec: LossTerm, supported: bool = True) -> str:
    """``distill_alpha``/``distill_beta``/``distill_gamma`` for the convention's weights, ``distill_term_NAME``
    otherwise; ``…_off`` while the pair does not support the term."""
    key = f"distill_{spec.weight}" if spec.weight else f"distill_term_{spec.name}"
    return key if supported else f"{key}_off"


def knob_key(spec: LossTerm, knob: str) -> str:
    return f"distill_kw_{spec.name}_{knob}"


def nearest(options, value):
    return min(options, key=lambda option: abs(option - value))


def form_state(config: RunConfig) -> dict[str, Any]:
    """The loss widgets' values, by key, that show ``config``."""
    state: dict[str, Any] = {"distill_temperature": float(config.temperature)}
    for spec in weighted_terms():
        supported = spec.supports(config.teacher, config.student) is None
        value = spec.weight_in(config) if supported else 0.0
        state[weight_key(spec, supported)] = float(value) if spec.weight == "alpha" else nearest(spec.weight_choices,
                                                                                                 value)
        for key, value in spec.knobs_in(config).items():
            state[knob_key(spec, key)] = value
    state.update({"distill_extra_teachers": list(config.extra_teachers), "distill_fusion": config.fusion})
    return state


def _title(spec: LossTerm) -> str:
    return tr(f"distill.{spec.weight}") if spec.weight else spec.text("label", lang())


def _caption(spec: LossTerm) -> str:
    return tr(f"distill.{spec.weight}_help") if spec.weight else spec.text("explain", lang())


def weight_ui(spec: LossTerm, saved: RunConfig, teacher: str, student: str) -> float:
    reason = spec.supports(teacher, student)
    key = weight_key(spec, reason is None)
    if spec.weight == "alpha":
        value = st.slider(_title(spec), 0.0, 1.0, float(saved.alpha), 0.05, key=key, disabled=reason is not None)
    else:
        start = nearest(spec.weight_choices, spec.weight_in(saved)) if reason is None else 0.0
        value = st.select_slider(_title(spec), spec.weight_choices, start, key=key, disabled=reason is not None,
                                 format_func=lambda v: f"{v:g}")
    st.caption(_caption(spec) if reason is None else tr("distill.term_off", reason=reason))
    return value if reason is None else 0.0


def knobs_ui(spec: LossTerm, saved: RunConfig) -> dict[str, Any]:
    """The term's knobs, in an expander; only the values that differ from the defaults are returned."""
    values = spec.knobs_in(saved)
    chosen = {}
    with st.expander(tr("distill.knobs_of", term=spec.text("label", lang()))):
        for key, knob in spec.knobs.items():
            help_text = knob.help.get(lang(), knob.help["en"])
            if knob.choices:
                value = st.selectbox(key, knob.choices, knob.choices.index(values[key]), key=knob_key(spec, key),
                                     help=help_text)
            else:
                value = st.slider(key, float(knob.low), float(knob.high), float(values[key]),
                                  float(knob.step or (knob.high - knob.low) / 100), key=knob_key(spec, key),
                                  help=help_text)
            if value != knob.default:
                chosen[key] = value
    return chosen


def loss_ui(saved: RunConfig, teacher: str, student: str) -> dict[str, Any]:
    """T, every registered term's weight (grouped by knowledge) and the knobs of the terms that are on; returns
    the RunConfig fields they set."""
    st.markdown(tr("distill.loss_header"))
    temperature = st.slider(tr("distill.temperature"), 1.0, 20.0, float(saved.temperature), 0.5,
                            key="distill_temperature")
    st.caption(tr("distill.temperature_help"))
    fields: dict[str, Any] = {"temperature": temperature, "terms": {}, "terms_kw": {}}
    for knowledge in KNOWLEDGE:
        group = [spec for spec in weighted_terms() if spec.knowledge == knowledge]
        if not group:
            continue
        st.markdown(tr(f"distill.knowledge_{knowledge}"))
        for spec in group:
            weight = weight_ui(spec, saved, teacher, student)
            if spec.weight:
                fields[spec.weight] = weight
            elif weight > 0:
                fields["terms"][spec.name] = weight
            if weight > 0 and spec.knobs and (knobs := knobs_ui(spec, saved)):
                fields["terms_kw"][spec.name] = knobs
    return fields


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
                      key="distill_fusion", format_func=lambda f: tr(f"distill.fusion_{f}"))
    weights: tuple[float, ...] = ()
    if fusion == "weights":
        old = dict(zip(saved.teachers, saved.teacher_weights))
        weights = tuple(float(st.number_input(tr("distill.teacher_weight", teacher=name), 0.0, 10.0,
                                              float(old.get(name, 1.0)), 0.5, key=f"distill_teacher_weight_{name}"))
                        for name in (teacher, *extra))
    return {"extra_teachers": tuple(extra), "fusion": fusion, "teacher_weights": weights}
