"""Texts of the home page: what distillation is, the loss, the quick demo."""

TEXT: dict[str, dict[str, str]] = {
    "home.intro": {
        "en": "**Knowledge distillation** trains a small *student* network to imitate a large *teacher*. "
              "Besides the true labels, the student learns from the teacher's full output distribution, softened "
              "by a temperature T, which shows how the teacher ranks the wrong answers too — Hinton's \"dark "
              "knowledge\". Attention transfer (β) and hint matching (γ) also pull the student's intermediate "
              "maps and features towards the teacher's. The result is often a student that is far smaller than "
              "the teacher yet more accurate than the same student trained on labels alone.",
        "zh": "**知识蒸馏**训练一个小的*学生模型*去模仿一个大的*教师模型*。除了真实标签，学生还学习教师经温度 T "
              "软化后的完整输出分布，即软目标（软标签）。软目标也揭示了教师如何给错误答案排序——这就是 Hinton "
              "所说的“暗知识”。此外，β 项（注意力迁移）和 γ 项（表示蒸馏）让学生的中间注意力图和特征向教师靠拢。"
              "结果往往是一个比教师小得多、却比只用标签训练的同一个学生模型更准确的模型。"},
    "home.formula": {"en": "The loss, with the current values:", "zh": "损失函数（代入当前取值）："},
    "home.quick_demo": {"en": "Quick demo: digits, cnn-large → mlp-small", "zh": "快速演示：digits 数据集，cnn-large → mlp-small"},
    "home.quick_demo_help": {"en": "Runs offline on a CPU in a few seconds; the results appear on every page.",
                             "zh": "无需联网，在 CPU 上几秒即可完成；结果会出现在每个页面。"},
}
