"""The Lessons page's parts for a language-model lesson: what ``lessons verify`` measured per seed (perplexities,
validation sentences each student makes likelier, the diversity of what the students write) and, for the
temperature lesson, the teacher's one softmax read as soft targets and as a sampler at each T."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kdlab.viz import numbers
from ui.common import listed, tr


def is_language(run: dict) -> bool:
    """Whether a measured run is a language model's (its numbers are perplexities, its items sentences)."""
    return "student_perplexity" in run


def _perplexity(value) -> str:
    """Perplexities near 1 (tinylang's are 1.3 to 1.5) need three decimals to tell students apart."""
    return numbers.decimals(value, 3)


def language_row(run: dict) -> dict:
    """One seed of a language-model lesson as a table row (after the seed-set and seed columns)."""
    ppl = _perplexity
    row = {tr("lessons.col_teacher_ppl"): ppl(run["teacher_perplexity"]),
           tr("lessons.col_student_ppl"): ppl(run["student_perplexity"]),
           tr("lessons.col_baseline_ppl"): ppl(run["baseline_perplexity"]),
           tr("lessons.col_sentences"): f"{numbers.count(run['only_student'])} : "
                                        f"{numbers.count(run['only_baseline'])}",
           tr("lessons.col_text_entropy"): numbers.decimals(run["text_entropy"], 3),
           tr("lessons.col_distinct_2"): numbers.decimals(run["distinct_2"], 4)}
    if "grammatical" in run:
        row[tr("lessons.col_grammatical")] = numbers.percent_number(run["grammatical"])
    if "contrast" in run:
        contrast = run["contrast"]
        row[tr("lessons.col_contrast_ppl")] = ppl(contrast["student_perplexity"])
        row[tr("lessons.col_vs_contrast_sentences")] = (f"{numbers.count(contrast['only_lesson'])} : "
                                                        f"{numbers.count(contrast['only_contrast'])}")
        row[tr("lessons.col_contrast_entropy")] = numbers.decimals(contrast["text_entropy"], 3)
        row[tr("lessons.col_contrast_distinct_2")] = numbers.decimals(contrast["distinct_2"], 4)
        if "grammatical" in contrast:
            row[tr("lessons.col_contrast_grammatical")] = numbers.percent_number(contrast["grammatical"])
    row[tr("lessons.col_seconds")] = numbers.seconds(run["distill_seconds"])
    return row


def diversity_caption(part: dict) -> str:
    """One seed set's diversity, seed by seed: the text entropy and distinct-2 of this lesson's student against the
    comparison student's (the numbers the ``less_diverse`` claim compares)."""
    def pairs(measure: str, digits: int) -> str:
        return listed(f"{numbers.decimals(run[measure], digits)} : {numbers.decimals(run['contrast'][measure], digits)}"
                      for run in part["runs"])

    return tr("lessons.diversity", seeds=listed(part["seeds"]), entropy=pairs("text_entropy", 3),
              distinct=pairs("distinct_2", 4))


def language_claim_parts(claim: dict) -> list[str]:
    """The language-model parts of a claim in words (absent from claims measured before they existed)."""
    parts = []
    if claim.get("less_diverse"):
        parts.append(tr("lessons.claim_less_diverse"))
    if claim.get("same_softmax") is not None:
        parts.append(tr("lessons.claim_same_softmax", tv=f"{claim['same_softmax']:g}"))
    if claim.get("warmer_more_diverse"):
        parts.append(tr("lessons.claim_warmer_more_diverse"))
    return parts


def temperatures_ui(entry: dict) -> None:
    """The teacher at each T, per seed: its soft targets' entropy, how far its sampled tokens are from those soft
    targets, and what it writes (entropy, distinct-2, grammatical share)."""
    runs = [run for part in (entry, entry.get("holdout") or {}) for run in part.get("runs", [])
            if "teacher_at_t" in run]
    if not runs:
        return
    rows = []
    for run in runs:
        at = run["teacher_at_t"]
        for index, temperature in enumerate(at["temperatures"]):
            rows.append({tr("lessons.col_seed"): run["seed"], "T": f"{temperature:g}",
                         tr("lessons.col_soft_entropy"): numbers.decimals(at["soft_entropy"][index], 3),
                         tr("lessons.col_sampling_tv"): numbers.decimals(at["sampling_tv"][index], 4),
                         tr("lessons.col_text_entropy"): numbers.decimals(at["text_entropy"][index], 3),
                         tr("lessons.col_distinct_2"): numbers.decimals(at["distinct_2"][index], 4),
                         tr("lessons.col_grammatical"): numbers.percent_number(at["grammatical"][index])})
    st.subheader(tr("lessons.temperatures_title"))
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="lessons_teacher_at_t")
    st.caption(tr("lessons.temperatures_help", draws=numbers.count(runs[0]["teacher_at_t"]["draws"])))
