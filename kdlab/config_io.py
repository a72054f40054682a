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
from .errors import Phrase, UserError
from .config import RunConfig, parse_knobs
from .losses import weight_aliases
from .migrate import canonical_setting, migrate_config

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
                      ) -> tuple[RunConfig, list[Phrase]]:
    """Read a link's settings on top of ``RunConfig()``; never raises, whatever the URL holds.

    Returns a config that validates and one ``Phrase`` per problem: an unknown key, a value that does not parse, a
    value ``RunConfig.validate`` refuses, or one outside ``bounds`` (``{field: (low, high)}``, the ranges of the
    page's widgets). Each such field keeps its default and the others still apply, because a link typed by hand
    with one typo should still open the rest of the teacher's settings.
    """
    problems: list[Phrase] = []
    values: dict[str, Any] = {}  # by the link's own keys (``alpha`` too): a bad one is dropped alone
    raw_texts: dict[str, str] = {}
    allowed = (*link_fields(), *weight_aliases())  # an older link's alpha, beta, gamma are read as their terms
    for key, raw in params.items():
        raw = raw[-1] if isinstance(raw, (list, tuple)) and raw else raw  # a repeated key: the last one wins
        text = str(raw) if raw is not None else ""
        if key in APP_QUERY_KEYS:
            continue
        if key not in allowed:
            problems.append(Phrase("link.ignored", "{name}: not a setting a link can change, ignored", name=_shown(key)))
            continue
        try:
            values[key] = _parse_query_value(key, text)
            raw_texts[key] = text
        except ValueError as err:
            problems.append(_problem(key, text, err))
    while True:
        try:
            config = _linked(values)
            break
        except (ValueError, TypeError) as err:
            culprit = _culprit(values, str(err))
            problems.append(_problem(culprit, raw_texts[culprit], err))
            del values[culprit]
    config, outside = clamp_to_bounds(config, {k: b for k, b in (bounds or {}).items() if k in values})
    problems += outside
    return config, problems


def _linked(values: dict[str, Any]) -> RunConfig:
    return RunConfig(**migrate_config(values)).validate()


def clamp_to_bounds(config: RunConfig, bounds: Mapping[str, tuple[float, float]]) -> tuple[RunConfig, list[Phrase]]:
    """Put each field outside its ``(low, high)`` range back to its default, with one line per field: a page's
    sliders cannot show a value beyond their ends (an uploaded config may hold T = 50, valid but off the slider)."""
    default, problems, changes = RunConfig(), [], {}
    for name, (low, high) in bounds.items():
        value = getattr(config, name)
        if not low <= value <= high:
            problems.append(Phrase("link.outside", "{setting}={value:g}: outside this page's range {low:g} to {high:g}",
                                   setting=name, value=value, low=low, high=high))
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
    """One query value as the type of ``RunConfig().name`` (an older weight's name: a number); ``ValueError`` (a
    short reason) when it is not one."""
    default = 0.0 if name in weight_aliases() else getattr(RunConfig(), name)
    text = text.strip()
    if name == "train_limit":
        return None if text.lower() in ("", "none") else _query_int(text)
    if isinstance(default, bool):
        if text.lower() not in ("true", "false", "1", "0"):
            raise UserError("link.flag", "expected true or false")
        return text.lower() in ("true", "1")
    if isinstance(default, int):
        return _query_int(text)
    if isinstance(default, float):
        try:
            return float(text)
        except ValueError:
            raise UserError("link.number", "expected a number") from None
    if isinstance(default, tuple):
        item = get_args(get_type_hints(RunConfig)[name])[0]  # tuple[int, ...] -> int
        try:
            return tuple(item(part.strip()) for part in text.split(",") if part.strip())
        except ValueError:
            raise _list_error(item) from None
    if isinstance(default, dict):
        knobs = parse_knobs(text)
        if name == "terms_kw":  # "dkd.nckd=8,representation.feature=mid"
            nested: dict[str, dict[str, Any]] = {}
            for key, value in knobs.items():
                term, dot, knob = key.partition(".")
                require(bool(dot and term and knob), "link.term_knob", "expected term.knob=value, got {text!r}",
                        text=_shown(key))
                nested.setdefault(term, {})[knob] = value
            return nested
        if name == "terms":
            for term, weight in knobs.items():
                require(is_number(weight), "link.weight", "the weight of {term} must be a number", term=term)
                knobs[term] = float(weight)
        return knobs
    return text


def _list_error(item: type) -> UserError:
    """Why a link's list of numbers did not parse (a list of names always does)."""
    if item is int:
        return UserError("link.list_whole", "expected whole numbers (class numbers) like 3,5, separated by commas")
    return UserError("link.list_number", "expected numbers like 2,1, separated by commas")


def _query_int(text: str) -> int:
    if not text.lstrip("+-").isdigit() or len(text) > 12:
        raise UserError("link.whole", "expected a whole number")
    return int(text)


def _culprit(values: dict[str, Any], message: str) -> str:
    """The field to drop for a validation error: of the fields whose removal changes the error, the last in
    declaration order (``terms`` before the ``student`` it depends on, ``exclude_classes`` before the dataset; an
    older weight's name, ``alpha``, where ``terms`` is)."""
    involved = []
    for name in values:
        rest = {k: v for k, v in values.items() if k != name}
        try:
            _linked(rest)
            involved.append(name)
        except (ValueError, TypeError) as err:
            if str(err) != message:
                involved.append(name)
    order = [f.name for f in fields(RunConfig)]
    return max(involved or list(values), key=lambda name: order.index(canonical_setting(name).partition(".")[0]))


def _shown(text: Any, limit: int = _SHOWN_CHARS) -> str:
    text = "".join(c if c.isprintable() else "?" for c in str(text))
    return text if len(text) <= limit else text[:limit] + "…"


def _problem(name: str, text: str, reason: ValueError | TypeError) -> Phrase:
    """One short line: the setting as the URL had it, then why (a ``UserError``, worded in turn)."""
    return Phrase("link.problem", "{setting}={text}: {error}", setting=name, text=_shown(text), error=reason)


CONFIG_MAX_BYTES = 256 * 1024  # a config is about 1 KB, a whole run record (with its summary) a few KB


def config_document(data: Any) -> Any:
    """The config inside an uploaded document: JSON bytes or text, or already parsed; a whole run record
    (``runs show --json``, the History page's download) gives its ``config``. ``ValueError`` for a document over
    ``CONFIG_MAX_BYTES`` (checked before parsing), text that is not JSON, or JSON nested too deeply to be a config.
    What comes back still has to pass ``RunConfig.from_dict``."""
    if isinstance(data, (bytes, str)) and len(data) > CONFIG_MAX_BYTES:
        raise UserError("link.file_big", "the config file is {size} bytes; a run's config is a few KiB (at most {limit} "
                        "bytes are read)", size=f"{len(data):,}", limit=f"{CONFIG_MAX_BYTES:,}")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise UserError("link.file_utf8", "the config file is not UTF-8 text (expected the run's config JSON)") \
                from None
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as err:
            raise UserError("link.json", "the config is not valid JSON: {detail} at line {line} column {column}",
                            detail=err.msg, line=err.lineno, column=err.colno) from None
        except RecursionError:
            raise UserError("link.json_deep", "the config is JSON nested too deeply to be a run's config") from None
    if isinstance(data, dict) and {"id", "config", "summary"} <= set(data):
        return data["config"]
    return data


def config_from_json(data: Any) -> RunConfig:
    """A validated config from an uploaded document (see ``config_document``); ``ValueError`` names the bad
    field."""
    return RunConfig.from_dict(config_document(data))
