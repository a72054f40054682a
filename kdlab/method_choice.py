"""A run's one method: which one a config runs, and the run a form makes of the method it chose.

A run learns from the teacher's answers (logits) by one method — KD's soft targets, DKD, DIST, logit
standardization, CTKD, … — and may add terms that move features or relations. A form that offers the method as one
choice builds its run with ``methods.method_config``, the very function compare-methods uses, so the Distill and
Methods pages cannot mean two different runs by one method's name.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .config import DEFAULT_TERMS, RunConfig
from .errors import Phrase
from .losses import LossTerm, terms


def logit_methods(teacher: str | None = None, student: str | None = None) -> list[LossTerm]:
    """The methods a run chooses one of: the registry's terms that learn from the teacher's logits (KD's soft
    targets first). One of them takes the place of the soft targets; feature and relation terms add to it. Given a
    pair, only the methods it can run (a classifier pair is offered no language-model divergence)."""
    return [spec for spec in terms() if spec.knowledge == "logits" and not spec.complement
            and (teacher is None or spec.supports(teacher, student) is None)]


def method_of(config: RunConfig) -> LossTerm:
    """The method a config runs: its logit-level term with a weight, KD's soft targets when none has one (α = 0:
    labels only). A config that stacks several (an old link, the CLI) is read as its first one other than KD."""
    kd, *others = logit_methods()
    return next((spec for spec in others if spec.weight_in(config) > 0), kd)


def form_config(base: RunConfig, method: LossTerm, weights: Mapping[str, float],
                knobs: Mapping[str, Mapping[str, Any]]) -> RunConfig:
    """The run of a form that chose ``method``: ``method_config(base, method)`` — the very run compare-methods
    makes of it, cross-entropy next to the method alone — with ``weights`` (by term name: the method's own and
    the add-ons') and the ``knobs`` that differ from their defaults; everything else is ``base``'s."""
    config = replace(method_config(base, method), baseline=base.baseline)
    return replace(config, terms={**config.terms, **weights},
                   terms_kw={name: dict(kw) for name, kw in knobs.items() if kw})


def one_method(config: RunConfig) -> tuple[RunConfig, list[Phrase]]:
    """``config`` with one method, as a form shows it (see ``method_of``): the other logit-level terms are set to
    0, named in one line. A config with one method, or none, comes back unchanged."""
    method = method_of(config)
    dropped = [spec for spec in logit_methods() if spec is not method and spec.weight_in(config) > 0]
    if not dropped:
        return config, []
    weights = {spec.name: spec.weight_in(config) for spec in terms()
               if not spec.complement and spec.knowledge != "logits" and spec.weight_in(config) > 0}
    knobs = {name: kw for name, kw in config.terms_kw.items() if name not in {spec.name for spec in dropped}}
    kept = form_config(config, method, {method.name: method.weight_in(config), **weights}, knobs)
    names = ", ".join(spec.method for spec in dropped)
    return kept.validate(), [Phrase("link.one_method", "a run has one method: {method} is kept, {others} set to 0",
                                    method=method.method, others=names)]


def method_config(base: RunConfig, spec: LossTerm | None) -> RunConfig:
    """``base`` with only this method's term on (at its default weight) next to cross-entropy; ``None``: the
    baseline, cross-entropy alone. No run trains its own baseline: the ``ce`` run of its seed is that."""
    weights = dict.fromkeys(DEFAULT_TERMS, 0.0) | ({} if spec is None else {spec.name: spec.default_weight})
    return replace(base, terms=weights, baseline=False)
