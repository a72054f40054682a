"""Classroom lessons: one preset run each, set up to show one classic effect of knowledge distillation.

A lesson is data: a key (its texts live in ``ui.text`` under ``lessons.<key>.*``), the exact config the Run
button submits, the claim it teaches (``Claim``), and optionally a contrast preset it is set beside, a page to
visit or a class the student never saw (which turns on the bias-shift analysis). Adding a lesson is one entry in
``LESSONS`` plus its texts.

No number lives in a lesson's text: ``python -m kdlab lessons verify`` runs every preset over seeds, checks its
claim and writes what it measured to ``lessons_measured.json`` next to this file, which the Lessons page shows.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .config import RunConfig

from .errors import UserError
VERDICTS = ("better", "no_difference", "worse")  # kdlab.stats.paired_verdict


@dataclass(frozen=True)
class Claim:
    """What a lesson teaches, in a form ``lessons verify`` checks on the seeds it runs.

    ``verdict``: McNemar's test of the distilled student against ``against`` ("baseline", or "contrast": the
    distilled student of the lesson's contrast preset), pooled over the seeds (their discordant images summed);
    None when the lesson claims nothing about it. ``not_verdict``: the pooled verdict is anything but this one
    ("better": distillation does not help, whether it is the same or worse). ``verdict_every_seed``: that verdict also holds on each seed's
    own test, not only pooled (a demo a class runs once per seed). ``gain_every_seed``: the distilled student is
    ahead of that comparison on every seed. ``min_unseen_recall`` (distilled student) and ``max_baseline_unseen_recall``,
    ``max_contrast_unseen_recall``: the share of the never-seen class recognised with no bias shift, on every seed.
    ``flatter_teacher``: the lesson's teacher's soft targets are all but uniform from a lower T than the contrast
    teacher's (``kdlab.viz.metrics.logit_scale``), on every seed.
    """

    verdict: str | None = None
    against: str = "baseline"
    not_verdict: str | None = None
    verdict_every_seed: bool = False
    gain_every_seed: bool = False
    min_unseen_recall: float | None = None
    max_baseline_unseen_recall: float | None = None
    max_contrast_unseen_recall: float | None = None
    flatter_teacher: bool = False


@dataclass(frozen=True)
class Lesson:
    key: str  # texts: lessons.<key>.title, lessons.<key>.text
    config: RunConfig  # exactly what the Run button submits
    claim: Claim
    contrast: RunConfig | None = None  # a second preset the lesson is set beside (verify runs it on every seed)
    page: str | None = None  # a page that shows the effect better than the run itself
    unseen_class: int | None = None  # a class the student never sees: show recall on it vs a bias shift
    fast: bool = False  # verified on one seed by the test suite (seconds each on two CPU cores)


# Every preset spells out the run it was measured with, so moving RunConfig's defaults never moves a lesson.
_DIGITS = RunConfig(dataset="digits", teacher="cnn-large", student="mlp-small", temperature=4.0, terms={"soft": 0.9},
                    epochs=20, teacher_epochs=20, batch_size=64, lr=1e-2, teacher_lr=2e-3, train_fraction=1.0,
                    log_every=10)
_DARK = replace(_DIGITS, teacher="mlp-large", exclude_classes=(3,), temperature=8.0, terms={"soft": 1.0}, epochs=30)
_FEW_LABELS = replace(_DIGITS, student="mlp-large", train_fraction=0.05, epochs=40, batch_size=32)

LESSONS: tuple[Lesson, ...] = (
    # T softens a distribution, and how fast depends on the spread of the teacher's logits.
    Lesson("temperature", _DIGITS, Claim(flatter_teacher=True), contrast=replace(_DIGITS, teacher="mlp-large"),
           page="app_pages/temperature.py", fast=True),
    # Hinton et al. 2015 §3: the student never sees a 3 and learns it from the teacher's soft targets on other
    # digits, with no bias shift; the shift is the paper's second step. cnn-large's flatter logits carry nothing.
    Lesson("dark_knowledge", _DARK, Claim(min_unseen_recall=0.6, max_baseline_unseen_recall=0.05,
                                          max_contrast_unseen_recall=0.05),
           contrast=replace(_DARK, teacher="cnn-large"), unseen_class=3, fast=True),
    # 72 labelled digits (about 7 per class): the teacher's soft targets regularise a large student.
    Lesson("few_labels", _FEW_LABELS, Claim(verdict="better", gain_every_seed=True)),
    # Wrong labels: 60 % of the students' transfer-set labels are wrong; the teacher's soft targets are not.
    # The home page's quick demo: a student 120 times smaller than its teacher, better on each seed's own test.
    Lesson("label_noise", replace(_DIGITS, label_noise=0.6),
           Claim(verdict="better", verdict_every_seed=True, gain_every_seed=True), fast=True),
    # Two teachers (cnn-large and mlp-large) against cnn-large alone, same student, data and schedule.
    Lesson("several_teachers", replace(_FEW_LABELS, extra_teachers=("mlp-large",)),
           Claim(verdict="better", against="contrast"), contrast=_FEW_LABELS),
    # Attention transfer alone (α = 0, β > 0) on 300 synthetic reviews.
    Lesson("attention", replace(_DIGITS, dataset="reviews", teacher="transformer-small", student="transformer-tiny",
                                  train_fraction=0.2, epochs=30, batch_size=16,
                                  terms={"soft": 0.0, "attention": 300.0}),
           Claim(verdict="better", gain_every_seed=True), page="app_pages/attention.py"),
    # A student with 3 hidden units cannot draw a spiral, whoever teaches it. "No difference" held on seeds 0-2 but
    # not on 3-5 (worse there), so the claim is what holds on both: distillation does not help it.
    Lesson("capacity_gap", replace(_DIGITS, dataset="spirals", teacher="mlp-large", student="mlp-small",
                                     student_kw={"hidden": 3}), Claim(not_verdict="better"),
           page="app_pages/compare.py", fast=True),
)

QUICK_DEMO = "label_noise"  # the home page's first run: a smaller student, measurably better on each seed alone


def lesson(key: str) -> Lesson:
    """The lesson called ``key``; ValueError naming the known ones otherwise."""
    for entry in LESSONS:
        if entry.key == key:
            return entry
    raise UserError("lesson.unknown", "unknown lesson {name!r}; choose one of: {choices}", name=str(key)[:60],
                    choices=", ".join(e.key for e in LESSONS))
