"""The checks every validated input shares, kept once so that copies cannot drift apart (one lost finiteness, so
``--finetune-lr inf`` passed): ``require``, what counts as a number, the one scalar syntax of ``key=value`` knobs,
grid values and search ranges, and whether a process still runs. Configs (``kdlab.config``, ``kdlab.sweeps.spec``,
``kdlab.compress.config``, ``kdlab.policy.settings``) all use these."""
from __future__ import annotations

import math
import os
from typing import Any

from .errors import UserError


def require(ok: bool, key: str, template: str, /, **values: Any) -> None:
    """A validation step: unless ``ok``, a ``UserError`` (``kdlab.errors``): ``str()`` is ``template`` filled with
    ``values`` (one English sentence a student understands, as the CLI prints it), and the app words ``key`` with
    the same values in the reader's language."""
    if not ok:
        raise UserError(key, template, **values)


def check_whole(setting: str, value: Any) -> None:
    """A count (epochs, a batch size, a rank, trials): an ``int`` >= 1, or the one ``UserError`` naming ``setting``."""
    require(is_whole(value) and value >= 1, "value.whole", "{setting} must be an integer >= 1, got {value}",
            setting=setting, value=value)


def check_positive(setting: str, value: Any) -> None:
    """An amount above 0 (a temperature, a learning rate): a finite number, or the ``UserError`` naming ``setting``."""
    require(is_number(value) and value > 0, "value.positive", "{setting} must be > 0, got {value}", setting=setting,
            value=value)


def is_whole(value: Any) -> bool:
    """An ``int`` that is not a ``bool`` (``True`` is an ``int`` in Python, never a count here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """A finite ``int`` or ``float``, not a ``bool``: ``inf`` and ``nan`` pass every comparison they should fail
    (``nan > 0`` is False, ``inf > 0`` True), so a range check alone lets them through."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def parse_scalar(raw: str) -> Any:
    """``"4"`` -> 4, ``"0.5"`` -> 0.5, ``"true"`` -> True, ``"none"`` -> None, anything else stays a string (a
    number is not checked here: ``"inf"`` becomes ``inf`` for ``is_number`` to refuse where it is validated)."""
    text = raw.strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if text.lower() == "none":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def process_alive(pid: int) -> bool:
    """Whether a process of this machine with ``pid`` exists (signal 0 checks without sending anything; a process
    of another user answers PermissionError, and is alive)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def parse_seeds(text: str, flag: str = "--seeds") -> list[int]:
    try:
        seeds = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise UserError("seeds.syntax", "{flag} takes whole numbers like 0,1,2; got {text!r}", flag=flag,
                        text=text[:80]) from None
    require(bool(seeds) and min(seeds) >= 0 and len(set(seeds)) == len(seeds), "seeds.distinct",
            "{flag} takes distinct whole numbers >= 0 like 0,1,2; got {text!r}", flag=flag, text=text[:80])
    return seeds
