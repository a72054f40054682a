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
              "软化后的答案（完整的输出分布），即软目标（软标签）。软目标也揭示了教师如何给错误答案排序——这就是 Hinton "
              "所说的“暗知识”。此外，β 项（注意力迁移）和 γ 项（表示蒸馏）让学生的中间注意力图和特征向教师靠拢。"
              "结果往往是一个比教师小得多、却比只用标签训练的同一个学生模型更准确的模型。"},
    "home.formula": {"en": "The loss, with the current values:", "zh": "损失函数（代入当前取值）："},
    "home.quick_demo": {"en": "Quick demo: digits with {pct} % of the labels wrong, {teacher} → {student}",
                        "zh": "快速演示：digits 数据集，{pct} % 的标签是错的，{teacher} → {student}"},
    "home.quick_demo_help": {
        "en": "Runs offline on a CPU in a few seconds once the teacher is cached; the results appear on every page. "
              "The students are far smaller than the teacher, and most of their labels are wrong; the teacher "
              "learned from clean labels, so its soft targets pull the distilled student back to the right class.",
        "zh": "无需联网；教师模型缓存后在 CPU 上几秒即可完成，结果会出现在每个页面。学生模型比教师小得多，"
              "而且它们的大部分标签是错的；教师是用干净标签训练的，它的软目标会把蒸馏学生拉回正确的类别。"},
    "home.quick_demo_seed": {
        "en": "This run: seed {seed}, drawn at random for this click (each click draws again, so a class sees how far "
              "runs spread). On this seed `lessons verify` measured the distilled student minus the baseline: "
              "{gain} points.",
        "zh": "本次实验：随机种子 {seed}，每次点击随机抽取（全班同时点击就能看到结果的分散程度）。"
              "`lessons verify` 在这个随机种子上实测蒸馏学生减基线学生的差值：{gain} 个百分点。"},
    "home.quick_demo_seed_only": {
        "en": "This run: seed {seed}, drawn at random for this click (each click draws again, so a class sees how far "
              "runs spread).",
        "zh": "本次实验：随机种子 {seed}，每次点击随机抽取（全班同时点击就能看到结果的分散程度）。"},
    "home.quick_demo_measured": {
        "en": "Measured by `python3 -m kdlab lessons verify` ({date}, {device}) with this setting on seeds {seeds}: "
              "the distilled student minus the baseline, {gains} points; McNemar's test on each seed alone says "
              "better on {better} of {n} seeds; pooled over them, {a} test images only the distilled student got "
              "right and {b} only the baseline ({p}): {verdict}.",
        "zh": "由 `python3 -m kdlab lessons verify`（{date}，{device}）用此设置在随机种子 {seeds} 上实测：蒸馏学生减基线学生"
              "的差值为 {gains} 个百分点；每个随机种子单独做 McNemar 检验，{n} 个中有 {better} 个结论为“更好”；合并这些"
              "种子后，{a} 个测试样本只有蒸馏学生答对，{b} 个只有基线学生答对（{p}）：{verdict}。"},
}
