"""Classroom lessons: one preset run each, set up to show one classic effect of knowledge distillation.

A lesson is data: a key (its texts live in ``ui.text`` under ``lessons.<key>.*``), the exact config the Run
button submits, and optionally a page to visit or a class the student never saw (which turns on the bias-shift
analysis). Adding a lesson is one entry in ``LESSONS`` plus its texts.

The numbers quoted in the lesson texts were measured with these presets (seeds 0, 1, 2 on a 2-core CPU; each run
takes a few seconds once its teacher is cached). Change a preset, measure again, and update the text.
"""
from __future__ import annotations

from dataclasses import dataclass

from .config import RunConfig


@dataclass(frozen=True)
class Lesson:
    key: str  # texts: lessons.<key>.title, lessons.<key>.text
    config: RunConfig  # exactly what the Run button submits
    page: str | None = None  # a page that shows the effect better than the run itself
    unseen_class: int | None = None  # a class the student never sees: show recall on it vs a bias shift


LESSONS: tuple[Lesson, ...] = (
    # T softens a distribution; the default quick run gives the Temperature page a teacher and a student to compare.
    Lesson("temperature", RunConfig(), page="app_pages/temperature.py"),
    # Hinton et al. 2015 §3: the student never sees a 3 and learns it from the teacher's soft targets on other digits.
    Lesson("dark_knowledge", RunConfig(exclude_classes=(3,), temperature=8.0, alpha=1.0, epochs=30), unseen_class=3),
    # 72 labelled digits (about 7 per class): the teacher's soft targets regularise a large student.
    Lesson("few_labels", RunConfig(student="mlp-large", train_fraction=0.05, epochs=40, batch_size=32)),
    # Attention transfer alone (α = 0, β > 0) on 300 synthetic reviews.
    Lesson("attention", RunConfig(dataset="reviews", teacher="transformer-small", student="transformer-tiny",
                                  train_fraction=0.2, epochs=30, batch_size=16, alpha=0.0, beta=300.0),
           page="app_pages/attention.py"),
    # A student with 3 hidden units cannot draw a spiral, whoever teaches it.
    Lesson("capacity_gap", RunConfig(dataset="spirals", teacher="mlp-large", student="mlp-small",
                                     student_kw={"hidden": 3}), page="app_pages/compare.py"),
)


def lesson(key: str) -> Lesson:
    """The lesson called ``key``; ValueError naming the known ones otherwise."""
    for entry in LESSONS:
        if entry.key == key:
            return entry
    raise ValueError(f"unknown lesson {key!r}; choose one of: {', '.join(e.key for e in LESSONS)}")
