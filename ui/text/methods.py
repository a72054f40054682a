"""Texts of the Methods page: every registered method on one pair and a few seeds, gains with their intervals."""

TEXT = {
    "methods.title": {"en": "Methods: which distillation works here?", "zh": "方法对比：哪种蒸馏方法在这里有效？"},
    "methods.intro": {
        "en": "Every registered method is run on the same teacher, student, data and schedule as the Distill form, "
              "once per seed, each next to cross-entropy at its paper's default weight. The baseline is the same "
              "student trained on labels only, from the same initial weights, once per seed; a method's gain is "
              "measured against the baseline of its own seed. A gain is called a gain only when its 95 % interval "
              "over the seeds stays above zero.",
        "zh": "所有已注册的方法都在与“蒸馏”页相同的教师、学生、数据和训练设置下运行，每个随机种子一次；每种方法都以其论文的"
              "默认权重与交叉熵一起使用。基线是同一个学生只用标签、从相同的初始权重训练，每个种子一次；每种方法的提升都与"
              "同一种子的基线比较。只有当提升在各种子上的 95 % 置信区间整体高于零时，才称之为提升。"},
    "methods.base": {"en": "Pair from the Distill form: {dataset}, {teacher} → {student}, {epochs}.",
                     "zh": "来自“蒸馏”页的组合：{dataset}，{teacher} → {student}，{epochs}。"},
    "methods.epochs_count_one": {"en": "{count} epoch", "zh": "{count} 轮"},
    "methods.epochs_count_many": {"en": "{count} epochs", "zh": "{count} 轮"},
    "methods.pick": {"en": "Methods", "zh": "方法"},
    "methods.option": {"en": "{method} — {term}", "zh": "{method} —— {term}"},
    "methods.seeds": {"en": "Seeds", "zh": "随机种子数"},
    "methods.seeds_help": {"en": "Each method runs once per seed (0, 1, 2, …): with one seed there is no spread to "
                                 "compare against.",
                           "zh": "每种方法对每个种子（0、1、2……）各做一次实验；只有一个种子时，无法估计种子之间的波动。"},
    "methods.run": {"en": "Run the comparison ({runs} runs)", "zh": "开始对比（{runs} 次实验）"},
    "methods.run_help": {"en": "Runs go through the server's queue, a few at a time; finished runs with the same "
                               "settings are reused, so after a refresh Run again only starts what is missing.",
                         "zh": "实验会进入服务器的队列，每次几个；设置相同且已完成的实验会被复用，所以刷新后再次点击只会"
                               "启动缺少的部分。"},
    "methods.progress": {"en": "{done} of {total} runs finished", "zh": "已完成 {done} / {total} 次实验"},
    "methods.waiting": {"en": "Waiting for a free slot: {message}", "zh": "等待空闲名额：{message}"},
    "methods.failed": {"en": "{method}, seed {seed} did not finish: {message}",
                       "zh": "{method}（种子 {seed}）未能完成：{message}"},
    "methods.skipped": {"en": "{method} is skipped for this pair: {reason}", "zh": "{method} 不适用于此组合：{reason}"},
    "methods.verdict_better": {
        "en": "**{method}** was {gain} points above the baseline on average over {seeds} ({interval}): more than the "
              "seed-to-seed spread.",
        "zh": "**{method}** 在 {seeds}上平均比基线高 {gain} 个百分点（{interval}）：大于种子之间的波动。"},
    "methods.verdict_worse": {
        "en": "**{method}** was {gain} points below the baseline on average over {seeds} ({interval}): more than the "
              "seed-to-seed spread.",
        "zh": "**{method}** 在 {seeds}上平均比基线低 {gain} 个百分点（{interval}）：大于种子之间的波动。"},
    "methods.verdict_no_difference": {
        "en": "**{method}**: {gain} points against the baseline on average over {seeds} ({interval}) — within the "
              "seed-to-seed spread, no measurable difference.",
        "zh": "**{method}**：在 {seeds}上平均与基线相差 {gain} 个百分点（{interval}）——在种子之间的波动范围内，"
              "没有可测出的差别。"},
    "methods.interval": {"en": "95 % interval {low} to {high}", "zh": "95 % 置信区间 {low} 至 {high}"},
    "methods.no_interval": {"en": "no interval: one seed, or seeds that tied",
                            "zh": "没有置信区间：只有一个种子，或各种子的结果相同"},
    "methods.seeds_count_one": {"en": "{count} seed", "zh": "{count} 个种子"},
    "methods.seeds_count_many": {"en": "{count} seeds", "zh": "{count} 个种子"},
    "methods.col.method": {"en": "method", "zh": "方法"},
    "methods.col.n": {"en": "seeds", "zh": "种子数"},
    "methods.col.acc_mean": {"en": "accuracy (%)", "zh": "准确率（%）"},
    "methods.col.acc_std": {"en": "± std", "zh": "± 标准差"},
    "methods.col.macro_f1_mean": {"en": "macro-F1 (%)", "zh": "宏平均 F1（%）"},
    "methods.col.gain_mean": {"en": "gain (points)", "zh": "提升（百分点）"},
    "methods.col.gain_low": {"en": "95 % low", "zh": "95 % 下限"},
    "methods.col.gain_high": {"en": "95 % high", "zh": "95 % 上限"},
    "methods.col.seconds_mean": {"en": "time per run", "zh": "每次实验耗时"},
    "methods.col.paper": {"en": "paper", "zh": "论文"},
    "methods.fig.methods_title": {"en": "Gain over the baseline, 95 % interval over seeds",
                                  "zh": "相对基线的提升（各种子上的 95 % 置信区间）"},
    "methods.fig.method": {"en": "method", "zh": "方法"},
    "methods.fig.gain_points": {"en": "gain (points)", "zh": "提升（百分点）"},
    "nav.methods": {"en": "Methods", "zh": "方法对比"},
}
