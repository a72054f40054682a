"""The Chinese glossary of kdlab: one term per concept, the term of the source articles, and the variants it replaces.

Why: a class reads the app next to the Chinese articles on knowledge distillation. When one concept has several names
(特征提示匹配, 表示匹配, 特征蒸馏 … for the γ term) students think they are different things, and 运行 as a
noun collides with the 运行 button. So every KD concept the app names has exactly one Chinese term here, taken
from the source articles where they have one, and tests/test_glossary.py fails when any Chinese text in ``ui/text``
uses a ``forbidden`` variant, or when a unit or a ``{placeholder}`` differs between the English and the Chinese.

Conventions decided here:
- a run (one baseline + one distilled student) is 实验, never 训练任务; 运行 is only the verb (the 运行 / 重新运行
  buttons);
- epochs: 训练轮数 for the knob, the column and the chart axis, 轮 as the unit (“3 轮”, “每轮”);
- the α·T²·KL term is 蒸馏损失 (the articles' name; their other name 软标签损失 is not used), what it learns from is
  软目标, first explained as 软目标（软标签）; α weights the soft term: L = (1 − α)·CE + α·T²·KL + β·L_att + γ·L_rep;
- 教师 / 学生 are the short forms of 教师模型 / 学生模型 in labels; people in a class are 同学, never 学生;
- information is measured in 奈特 (never “nats” in Chinese), sizes in KiB / MiB (never KB / MB), times in 秒 /
  毫秒, accuracy differences in 百分点; a unit after a Chinese label is written in full-width brackets: 准确率（%）.

``forbidden`` entries are regular expressions searched in every Chinese text after every ``allowed`` spelling (the
source form with its alias in brackets, such as 表示蒸馏（特征蒸馏）) has been taken out.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    english: str
    source: str  # the Chinese term of the source articles ("" where they have none)
    term: str  # the one term the app uses
    forbidden: tuple[str, ...]  # regular expressions: variants no Chinese text may contain
    allowed: tuple[str, ...] = ()  # longer spellings that contain a forbidden variant yet are right
    note: str = ""


@dataclass(frozen=True)
class Unit:
    name: str
    en: str  # regular expression of the unit in English
    zh: str  # regular expression of the one spelling of the unit in Chinese


# A noun use of 运行: after a classifier or determiner, before an id, or as a compound (运行记录 …). 重新运行 is a verb.
_RUN_AS_NOUN = (r"(?<!重)(次|个|的|该|此|本|新|各|所选|所列|这些|某)运行(?!本课)", r"运行 ?(\{run_id\}|ID)",
                r"运行(记录|结果|编号|列表)")

GLOSSARY: tuple[Term, ...] = (
    Term("knowledge distillation", "知识蒸馏", "知识蒸馏", ("知识提炼", "知识精馏")),
    Term("teacher model", "教师模型", "教师模型", ("老师", "导师", "教师网络"), note="教师 in short labels"),
    Term("student model", "学生模型", "学生模型", ("学生网络", "学员", "学生们"),
         note="学生 in short labels; the people in a class are 同学"),
    Term("soft targets", "软目标（软标签）", "软目标", ("软标签", "软化目标", "软概率"), ("软目标（软标签）",)),
    Term("distillation loss (the soft term α·T²·KL)", "蒸馏损失", "蒸馏损失",
         ("软目标损失", "软目标项", "软损失", "软标签损失", "软项")),
    Term("hard label", "硬标签", "硬标签", ("硬目标",)),
    Term("cross-entropy (the hard-label term)", "交叉熵", "交叉熵",
         ("互熵", "交叉墒", "硬标签项", "硬损失", "学生损失")),
    Term("temperature", "温度", "温度", ("温度系数", "温度参数")),
    Term("dark knowledge", "", "暗知识", ("黑暗知识", "隐性知识", "暗含知识"),
         note="not in the source articles: Hinton et al.'s term as Chinese texts usually translate it"),
    Term("attention transfer", "注意力传递", "注意力迁移",
         ("注意力传递", "注意力转移", "注意力蒸馏", "注意力匹配"), ("注意力迁移（亦称注意力传递）",),
         note="the source articles say 注意力传递; the app uses 注意力迁移 (Zagoruyko and Komodakis' title as the "
              "Chinese literature translates it) and gives the articles' term once: 注意力迁移（亦称注意力传递）"),
    Term("representation distillation (FitNets hints, γ)", "表示蒸馏（特征蒸馏）", "表示蒸馏",
         ("特征蒸馏", "特征提示", "提示匹配", "表示匹配", r"表示（提示）", r"^表示$", r"\+提示"),
         ("表示蒸馏（特征蒸馏）",)),
    Term("relational distillation", "关系蒸馏", "关系蒸馏", (r"\+关系(?!蒸馏)", r"^关系$", "关系项", "关系匹配")),
    Term("pruning", "剪枝", "剪枝", ("修剪", "裁剪", "剪裁")),
    Term("quantization", "量化", "量化", ("量子化",)),
    Term("low-rank factorisation", "低秩分解", "低秩分解", ("低秩因子分解", "低秩因式分解", "低阶分解")),
    Term("model fusion (several teachers at once)", "模型融合", "模型融合", ("模型合并", "模型混合")),
    Term("baseline student", "基线学生", "基线学生", ("基准学生", "对照学生", "基准模型", "基准线"),
         note="基线 in short labels"),
    Term("distilled student", "学生模型", "蒸馏学生", ("蒸馏后的学生", "被蒸馏的学生", "蒸馏学生模型")),
    Term("accuracy", "准确率", "准确率", ("精度", "正确率", "准确度", "精确度", "精确率")),
    Term("recall of one class (the share of its test samples recognised)", "", "识别率",
         ("召回率", r"认出的 ?\{cls\}")),
    Term("agreement with the teacher", "一致率", "一致率", ("吻合率", "符合率", "一致性比例", "一致度")),
    Term("calibration", "校准", "校准", ("标定", "校正")),
    Term("expected calibration error (ECE)", "期望校准误差", "期望校准误差", ("预期校准误差",)),
    Term("confusion matrix", "混淆矩阵", "混淆矩阵", ("错误矩阵", "误差矩阵", "混肴矩阵")),
    Term("entropy", "熵", "熵", ("信息熵", "墒")),
    Term("KL divergence", "KL 散度", "KL 散度", ("KL散度", "相对熵", "KL ?距离")),
    Term("workspace", "工作区", "工作区", ("工作空间", "工作台")),
    Term("a run (noun)", "实验", "实验", _RUN_AS_NOUN + ("训练任务",), note="运行 is the verb and the button"),
    Term("epochs", "训练轮数", "训练轮数", ("轮次", r"(?<!训练)轮数", "回合", "训练周期", "周期数"),
         note="the knob, column and axis; 轮 is the unit (3 轮, 每轮)"),
    Term("batch size", "批大小", "批大小", ("批量大小", "批次大小", "批尺寸", "批处理大小", "批次"),
         note="a batch is 一批 / 每批"),
    Term("learning rate", "学习率", "学习率", ("学习速率", "学习速度")),
    Term("seed", "随机种子", "随机种子", ("随机数种子",), note="种子 in short labels"),
    Term("transfer set", "迁移集", "迁移集", ("转移集", "传输集", "迁移数据集")),
    Term("logits", "logits", "logits", ("逻辑值", "对数几率")),
    Term("attention map", "注意力图", "注意力图", ("注意力矩阵", "注意力映射", "注意力热图")),
    Term("token", "词元", "词元", ("令牌",)),
    Term("size knobs (hidden=64, width=16 …)", "", "规模设置", ("尺寸参数", "学生参数", "规模参数", "尺寸旋钮")),
    Term("lesson", "", "实验课", ("课程",), note="课 as the counter: 本课, 每节课"),
    Term("percentage point", "百分点", "百分点", (r"\d ?个点",)),
    Term("95 % interval (over seeds)", "", "95 % 置信区间", (r"(?<!置信)区间", r"置信度区间")),
    Term("the teacher's softened answer (its softmax at T)", "", "软化后的答案",
         ("软化答案", "软化输出", "软化后的输出", "软化的答案", "软化后的完整答案")),
    Term("a test sample (an image, a point or a text)", "", "测试样本", ("测试图像", r"测试图(?!表)", "测试例")),
    Term("stopping poor trials early (Optuna's pruning)", "", "提前终止",
         (r"试验[^。；]{0,12}剪枝", r"剪枝[^。；]{0,6}(提前|停止|试验)", r"因剪枝"),
         note="剪枝 is only the compression of a model; a trial (one point Optuna tries) is 试验, a run is 实验"),
    Term("decision boundary", "决策边界", "决策边界", ("判定边界", "分类边界")),
    Term("teacher assistant (TAKD, Mirzadeh et al. 2020)", "", "助教模型",
         ("教师助理", "助理教师", "助教网络", "中间教师", "辅助教师")),
    Term("born-again network (Furlanello et al. 2018)", "", "再生网络", ("重生网络", "再生神经网络", "转世网络")),
)

# Every unit must occur as many times in the Chinese as in the English text of the same key.
UNITS: tuple[Unit, ...] = (
    Unit("KiB", r"\bKiB\b", r"KiB"),
    Unit("MiB", r"\bMiB\b", r"MiB"),
    Unit("percent", r"%", r"%"),
    Unit("nats", r"\bnats?\b", r"奈特"),
    Unit("milliseconds", r"\(ms\)|\bmilliseconds?\b", r"毫秒"),
    Unit("seconds", r"\(s\)|\bseconds?\b", r"(?<!毫)秒"),
    Unit("minutes", r"\bminutes?\b", r"分钟"),
    Unit("percentage points", r"(\d|\})\s*points?\b|\(points\)|percentage points", r"百分点"),
    Unit("bytes", r"\bbytes?\b", r"字节"),
    Unit("pixels", r"\bpixels?\b", r"像素"),
)

# Spellings no text may use in either language, and the Chinese unit in half-width brackets after a label.
FORBIDDEN_UNITS_EN: tuple[str, ...] = (r"\bKB\b", r"\bkB\b", r"\bMB\b", r"p = <", r"(\d|\})%", r"\d x \d")
FORBIDDEN_UNITS_ZH: tuple[str, ...] = (r"\bKB\b", r"\bkB\b", r"\bMB\b", r"千字节", r"兆字节", r"\bnats?\b", r"％", r"p = <",
                                       r"(\d|\})%", r"\d x \d", r"(?<!…)…(?!…)",
                                       r"\((%|KiB|秒|毫秒|奈特|百分点)\)")
