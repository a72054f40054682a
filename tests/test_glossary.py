"""The Chinese texts use the glossary's one term per concept, and the two languages agree on units and placeholders.

``glossary_problems`` is a plain function over any table ``{key: {"en": …, "zh": …}}``, so the last tests can prove
that it reports a planted variant, a wrong unit and a lost placeholder.
"""
from __future__ import annotations

import copy
import re
import string

from torch import nn

from kdlab.losses import terms
from kdlab.losses.base import LOSS_TERMS, register_term
from kdlab.viz import figures, sweep_figures
from ui.text import TEXT
from ui.text.glossary import FORBIDDEN_UNITS_EN, FORBIDDEN_UNITS_ZH, GLOSSARY, UNITS


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def glossary_problems(table: dict[str, dict[str, str]]) -> list[str]:
    """Every breach of the glossary in ``table``, as ``"key: what"`` lines (empty when the table is right)."""
    allowed = sorted({spelling for term in GLOSSARY for spelling in term.allowed}, key=len, reverse=True)
    problems = []
    for key, entry in sorted(table.items()):
        en, zh = entry.get("en", ""), entry.get("zh", "")
        stripped = zh
        for spelling in allowed:
            stripped = stripped.replace(spelling, "\u25a1")
        for term in GLOSSARY:
            for variant in term.forbidden:
                if match := re.search(variant, stripped):
                    problems.append(f"{key}: {match.group(0)!r} where the glossary says {term.term} ({term.english})")
        for unit in UNITS:
            n_en, n_zh = len(re.findall(unit.en, en)), len(re.findall(unit.zh, zh))
            if n_en != n_zh:
                problems.append(f"{key}: {unit.name} {n_en}× in English but {n_zh}× in Chinese")
        problems += [f"{key}: {m.group(0)!r} in English" for p in FORBIDDEN_UNITS_EN if (m := re.search(p, en))]
        problems += [f"{key}: {m.group(0)!r} in Chinese" for p in FORBIDDEN_UNITS_ZH if (m := re.search(p, zh))]
        if fields(en) != fields(zh):
            problems.append(f"{key}: placeholders {sorted(fields(en))} in English, {sorted(fields(zh))} in Chinese")
    return problems


def test_the_chinese_texts_follow_the_glossary():
    assert glossary_problems(TEXT) == []


def test_the_glossary_names_each_concept_once_with_a_term_that_is_not_forbidden():
    terms = [term.term for term in GLOSSARY]
    assert len(terms) == len(set(terms))
    for term in GLOSSARY:
        assert term.english and term.term and term.forbidden, term
        assert not any(re.search(variant, term.term) for variant in term.forbidden), term
        assert all(re.compile(variant) for variant in term.forbidden)


def test_the_source_articles_terms_are_in_the_glossary():
    sources = {term.source for term in GLOSSARY}
    assert {"教师模型", "学生模型", "软目标（软标签）", "蒸馏损失", "温度", "注意力传递",
            "表示蒸馏（特征蒸馏）", "关系蒸馏", "剪枝", "量化", "低秩分解", "模型融合"} <= sources


def test_the_checker_reports_a_planted_variant():
    table = copy.deepcopy(TEXT)
    table["distill.addons_header"]["zh"] = "附加项：特征提示匹配"
    table["history.delete_active"]["zh"] = "排队中或运行中的运行不能删除：请先停止它。"
    table["live.fig.epoch"]["zh"] = "训练轮次"
    problems = sorted(set(glossary_problems(table)) - set(glossary_problems(TEXT)))
    assert any(p.startswith("distill.addons_header: '特征提示'") for p in problems), problems
    assert any(p.startswith("history.delete_active: '的运行'") for p in problems), problems
    assert any(p.startswith("live.fig.epoch: '轮次'") for p in problems), problems
    assert {p.split(":")[0] for p in problems} == {"distill.addons_header", "history.delete_active", "live.fig.epoch"}


def test_the_checker_accepts_the_source_form_with_its_alias_but_not_the_alias_alone():
    table = {"a": {"en": "hint", "zh": "表示蒸馏（特征蒸馏）"}, "b": {"en": "hint", "zh": "特征蒸馏"}}
    assert [p.split(":")[0] for p in glossary_problems(table)] == ["b"]


def test_the_checker_reports_a_unit_or_a_placeholder_that_differs():
    table = copy.deepcopy(TEXT)
    table["live.col_size"] = {"en": "size (KiB)", "zh": "大小（KB）"}
    table["history.fig.loss"] = {"en": "loss (nats)", "zh": "损失（nats）"}
    table["live.progress"] = {"en": "{percent}% done", "zh": "已完成 {pct}"}
    problems = glossary_problems(table)
    assert "live.col_size: KiB 1× in English but 0× in Chinese" in problems
    assert "live.col_size: 'KB' in Chinese" in problems
    assert "history.fig.loss: nats 1× in English but 0× in Chinese" in problems
    assert "history.fig.loss: 'nats' in Chinese" in problems
    assert "live.progress: percent 1× in English but 0× in Chinese" in problems
    assert any(p.startswith("live.progress: placeholders") for p in problems), problems


# The loss registry's own words (kdlab/losses/*.py) reach History, the live legend, the Methods picker and the Distill
# knobs, so they follow the glossary too.
def registry_table(terms) -> dict[str, dict[str, str]]:
    """Every text the loss registry shows a user, as ``{key: {"en", "zh"}}`` like ``ui/text``'s tables."""
    table = {}
    for term in terms:
        words = {"label": term.label, "explain": term.explain, "off_reason": term.off_reason,
                 **{f"curve.{name}": text for name, text in term.curves.items()}}
        for key, knob in term.knobs.items():
            words |= {f"knob.{key}.label": knob.label, f"knob.{key}.help": knob.help,
                      **{f"knob.{key}.choice.{choice}": text for choice, text in knob.choice_labels.items()}}
        table |= {f"loss.{term.name}.{what}": text for what, text in words.items() if text}
    return table


def untranslated(table: dict[str, dict[str, str]]) -> list[str]:
    """Entries whose English has words (not only abbreviations such as ECE) but whose Chinese has no Chinese
    character, or is missing."""
    return [f"{key}: {entry.get('zh')!r} for {entry['en']!r}" for key, entry in sorted(table.items())
            if re.search(r"[a-z]{3,}", entry["en"]) and not re.search(r"[\u4e00-\u9fff]", entry.get("zh") or "")]


def test_the_loss_registry_follows_the_glossary_and_speaks_chinese():
    table = registry_table(terms())
    assert len(table) > 3 * len(terms())  # labels, explanations, knobs, choices, curves: all of them are read
    assert glossary_problems(table) == []
    assert untranslated(table) == []


def test_a_forbidden_variant_in_a_registered_label_is_caught():
    """A term registered for this test only, labelled with a variant the glossary forbids, is reported."""
    register_term("glossary_plant", symbol="x", label={"en": "hint matching", "zh": "特征提示匹配"},
                  explain={"en": "a planted term", "zh": "植入的项"}, paper="", knowledge="logits",
                  reads=("logits",), method="plant")(nn.Identity)
    try:
        problems = glossary_problems(registry_table(terms()))
    finally:
        LOSS_TERMS._entries.pop("glossary_plant")
    assert {p.split(":")[0] for p in problems} == {"loss.glossary_plant.label"}, problems
    assert "glossary_plant" not in LOSS_TERMS.names()


# Figures word their axes, legends and titles from DEFAULT_LABELS, which each page replaces with its ``*.fig.*`` texts.
FIGURE_DEFAULTS = {**figures.DEFAULT_LABELS, **sweep_figures.DEFAULT_LABELS}
TITLES_ALWAYS_GIVEN = {"probability_title", "attention_title", "overlay_title", "token_title"}  # pages pass title=


def figure_label_problems(table: dict[str, dict[str, str]]) -> list[str]:
    """A figure default with no translation in ``table``, or one whose Chinese is still English."""
    problems = [f"{key}: {english!r} has no *.fig.{key} text" for key, english in FIGURE_DEFAULTS.items()
                if key not in TITLES_ALWAYS_GIVEN and not any(k.endswith(f".fig.{key}") for k in table)]
    fig = {key: entry for key, entry in table.items() if ".fig." in key}
    return problems + untranslated(fig) + glossary_problems(fig)


def test_every_figure_text_is_translated():
    assert figure_label_problems(TEXT) == []


def test_an_untranslated_axis_title_is_caught():
    table = copy.deepcopy(TEXT)
    table["temperature.fig.probability"]["zh"] = "probability"
    del table["sweep.fig.col_seeds"]
    problems = figure_label_problems(table)
    assert any(p.startswith("temperature.fig.probability: 'probability'") for p in problems), problems
    assert any(p.startswith("col_seeds:") for p in problems), problems
