"""A run config as an earlier kdlab wrote it, in today's fields: the one function every entry path calls.

Configs enter as JSON (uploads, ``RunConfig.from_dict``), as links (``config_io.config_from_query``), from the run
store (runs recorded by an earlier version), as sweep axes and from the command line (``--alpha``). Each passes its
names through here first, so an old name means the same everywhere and every old run and link still opens:

- ``alpha``, ``beta``, ``gamma`` were the weights of the soft targets, attention transfer and hints; every term is
  now weighted by ``terms[name]``, and the registry keeps each weight's older name (``LossTerm.alias``, listed by
  ``kdlab.losses.weight_aliases``), so this module holds no list of its own;
- ``hint_feature`` is now the ``feature`` knob of the representation term.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .checks import require
from .losses import weight_aliases


def canonical_setting(name: str) -> str:
    """A setting's name today: ``alpha`` -> ``terms.soft``; any other name as it is (a sweep axis, a link's key)."""
    aliases = weight_aliases()
    return f"terms.{aliases[name]}" if name in aliases else name


def migrate_config(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with today's names: an older weight's name moves into ``terms`` (``{"alpha": 0.5}`` ->
    ``{"terms": {"soft": 0.5}}``), ``hint_feature`` into ``terms_kw``. Values are not checked here (validation
    names a bad one), except that an old name and its new one may not disagree."""
    values = dict(data)
    if "hint_feature" in values:
        feature = values.pop("hint_feature")
        if feature != "embedding":
            kw = {**values.get("terms_kw", {})}
            kw["representation"] = {**kw.get("representation", {}), "feature": feature}
            values["terms_kw"] = kw
    named = {term: values.pop(alias) for alias, term in weight_aliases().items() if alias in values}
    weights = values.get("terms", {})
    if named and isinstance(weights, Mapping):  # not a mapping: validation says so
        for alias, term in weight_aliases().items():
            require(term not in named or term not in weights or weights[term] == named[term], "config.alias_twice",
                    "{alias} is the older name of terms.{term}; give one of them, not both with different values",
                    alias=alias, term=term)
        values["terms"] = {**weights, **named}
    return values
