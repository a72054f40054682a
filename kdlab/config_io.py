"""A RunConfig in text: a shareable link's query string, and an uploaded JSON document.

Both come from users, so both end in ``RunConfig.validate``; a link never raises (each bad value is named and
dropped, because a link typed by hand with one typo should still open the rest of the teacher's settings).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any, get_args, get_type_hints

from .checks import is_number, require
from .config import RunConfig, parse_knobs

# the app's own URL keys (language, workspace, run shown, sweep shown): not config, left alone
APP_QUERY_KEYS = ("lang", "ws", "run", "sweep")
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
        return ",".join(f"{k}={_query_text(v)}" if not isinstance(v, dict) else
                        ",".join(f"{k}.{knob}={_query_text(x)}" for knob, x in v.items()) for k, v in value.items())
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
        item = get_args(get_type_hints(RunConfig)[name])[0]  # tuple[int, ...] -> int
        try:
            return tuple(item(part.strip()) for part in text.split(",") if part.strip())
        except ValueError:
            words = {int: "whole numbers (class numbers) like 3,5", float: "numbers like 2,1", str: "names like a,b"}
            raise ValueError(f"expected {words[item]}, separated by commas") from None
    if isinstance(default, dict):
        knobs = parse_knobs(text)
        if name == "terms_kw":  # "dkd.nckd=8,representation.feature=mid"
            nested: dict[str, dict[str, Any]] = {}
            for key, value in knobs.items():
                term, dot, knob = key.partition(".")
                require(bool(dot and term and knob), f"expected term.knob=value, got {key!r}")
                nested.setdefault(term, {})[knob] = value
            return nested
        if name == "terms":
            for term, weight in knobs.items():
                require(is_number(weight), f"weight of loss term {term!r} must be a number")
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


CONFIG_MAX_BYTES = 256 * 1024  # a config is about 1 KB, a whole run record (with its summary) a few KB


def config_document(data: Any) -> Any:
    """The config inside an uploaded document: JSON bytes or text, or already parsed; a whole run record
    (``runs show --json``, the History page's download) gives its ``config``. ``ValueError`` for a document over
    ``CONFIG_MAX_BYTES`` (checked before parsing), text that is not JSON, or JSON nested too deeply to be a config.
    What comes back still has to pass ``RunConfig.from_dict``."""
    if isinstance(data, (bytes, str)) and len(data) > CONFIG_MAX_BYTES:
        raise ValueError(f"the config file is {len(data):,} bytes; a run's config is a few KB (at most "
                         f"{CONFIG_MAX_BYTES:,} bytes are read)")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("the config file is not UTF-8 text (expected the run's config JSON)") from None
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as err:
            raise ValueError(f"the config is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}") \
                from None
        except RecursionError:
            raise ValueError("the config is JSON nested too deeply to be a run's config") from None
    if isinstance(data, dict) and {"id", "config", "summary"} <= set(data):
        return data["config"]
    return data


def config_from_json(data: Any) -> RunConfig:
    """A validated config from an uploaded document (see ``config_document``); ``ValueError`` names the bad
    field."""
    return RunConfig.from_dict(config_document(data))
