"""The teachers a class needs before anyone asks: the home page's quick demo, the Temperature page and the lessons.

A fresh server would train each of them on its first visit, so the first lesson started with a wait. The list is
read from where those defaults live — the quick demo's lesson and the seeds its button draws from, ``RunConfig()``
(the Temperature page's default teacher), and every lesson's preset and contrast with all their teachers — never
kept by hand, so moving a default moves what is prepared. The server queues them at start-up at low priority
(``JobRunner.warm_teachers``: a student's run always starts first); ``python -m kdlab teachers prepare`` trains
them from the shell and ``teachers list`` says which are cached.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .config import RunConfig
from .lessons import LESSONS, QUICK_DEMO, lesson
from .lessons_verify import load_measured, seeds_of
from .teachers import teacher_path

PAGES = ("demo", "temperature")  # what needs a teacher without --lessons; the lessons add their keys
FALLBACK_DEMO_SEEDS = tuple(range(6))  # the demo's seeds before `lessons verify` measured any


@dataclass(frozen=True)
class Need:
    """One teacher to have cached: ``config`` is a run seen by that teacher (``RunConfig.teacher_config``);
    ``who``: the pages and lessons that need it."""

    config: RunConfig
    who: tuple[str, ...]


def demo_seeds() -> list[int]:
    """The seeds the home page's quick demo draws from: those ``lessons verify`` measured it on (measured and held
    out), so that each click has its measured twin."""
    return sorted(seeds_of(load_measured().get(QUICK_DEMO, {}))) or list(FALLBACK_DEMO_SEEDS)


def _runs(with_lessons: bool) -> list[tuple[str, RunConfig]]:
    """Every default run a page or lesson starts or draws from, with who starts it."""
    runs = [("demo", replace(lesson(QUICK_DEMO).config, seed=seed)) for seed in demo_seeds()]
    runs.append(("temperature", RunConfig()))
    if with_lessons:
        for entry in LESSONS:
            first = entry.assistant or entry.config  # a chain's own teacher is its assistant's student, no trained one
            runs += [(entry.key, config) for config in (first, entry.contrast) if config is not None]
    return runs


def needed(with_lessons: bool = True, only: tuple[str, ...] = ()) -> list[Need]:
    """Each teacher once (by its cache file), in the order the pages are met; ``only`` keeps those needed by the
    named pages or lessons (ValueError for a name that needs none)."""
    known = tuple(dict.fromkeys((*PAGES, *(entry.key for entry in LESSONS))))
    unknown = [name for name in only if name not in known]
    if unknown:
        raise ValueError(f"unknown page or lesson {', '.join(map(repr, unknown))}; choose from: {', '.join(known)}")
    needs: dict[str, Need] = {}
    for who, run in _runs(with_lessons or any(name not in PAGES for name in only)):
        if only and who not in only:
            continue
        for name in run.teachers:
            config = run.teacher_config(name)
            key = str(teacher_path(config))
            previous = needs.get(key)
            needs[key] = Need(config, tuple(dict.fromkeys((*(previous.who if previous else ()), who))))
    return list(needs.values())


def describe(need: Need) -> str:
    config = need.config
    return (f"{config.dataset:<10} {config.teacher:<18} seed {config.seed:<4} {config.teacher_epochs} epochs  "
            f"for {', '.join(need.who)}")


def at_start_up(setting: str) -> list[RunConfig]:
    """The teachers a server queues when it starts, by its ``warm_teachers`` setting: "none", "pages" (the quick
    demo's and the Temperature page's) or "lessons" (those and every lesson's)."""
    return [] if setting == "none" else [need.config for need in needed(with_lessons=setting == "lessons")]
