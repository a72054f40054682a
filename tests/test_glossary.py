"""The Chinese texts use the glossary's one term per concept, and the two languages agree on units and placeholders.

``glossary_problems`` is a plain function over any table ``{key: {"en": …, "zh": …}}``, so the last tests can prove
that it reports a planted variant, a wrong unit and a lost placeholder.
"""
from __future__ import annotations

import copy
import re
import string

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
    table["distill.gamma"]["zh"] = "γ —— 特征提示匹配"
    table["history.delete_active"]["zh"] = "排队中或运行中的运行不能删除：请先停止它。"
    table["live.fig.epoch"]["zh"] = "训练轮次"
    problems = sorted(set(glossary_problems(table)) - set(glossary_problems(TEXT)))
    assert any(p.startswith("distill.gamma: '特征提示'") for p in problems), problems
    assert any(p.startswith("history.delete_active: '的运行'") for p in problems), problems
    assert any(p.startswith("live.fig.epoch: '轮次'") for p in problems), problems
    assert {p.split(":")[0] for p in problems} == {"distill.gamma", "history.delete_active", "live.fig.epoch"}


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
