"""Texts of the Sweep page: axes, seeds, the live heatmap, verdicts and exports."""

TEXT: dict[str, dict[str, str]] = {
    "sweep.title": {"en": "Sweep: which settings suit this pair?", "zh": "扫参：哪些设置适合这对模型？"},
    "sweep.intro": {
        "en": "Pick one or two settings and their values, and some seeds. Every combination runs once per seed "
              "with the Distill page's other settings, on the server's training processes. Each cell shows the "
              "mean gain of the distilled student over its baseline, in points; a cell whose 95 % interval crosses "
              "zero is marked ≈: with these seeds, no measurable difference.",
        "zh": "选择一到两个设置及其取值，再选几个随机种子。每种组合对每个种子各运行一次，其余设置取自“蒸馏”"
              "页面，在服务器的训练进程中运行。每个格子显示蒸馏学生相对基线的平均提升（百分点）；95 % "
              "置信区间跨过零的格子标为 ≈：在这些种子下，没有可测量的差异。"},
    "sweep.base": {"en": "Base run (from the Distill page): {dataset}, {teacher} → {student}, {epochs} epochs.",
                   "zh": "基础实验（取自“蒸馏”页面）：{dataset}，{teacher} → {student}，{epochs} 轮。"},
    "sweep.axis": {"en": "Setting {number}", "zh": "设置 {number}"},
    "sweep.values": {"en": "Values of setting {number}", "zh": "设置 {number} 的取值"},
    "sweep.values_help": {"en": "Comma-separated, e.g. 1,2,4,8", "zh": "用逗号分隔，例如 1,2,4,8"},
    "sweep.none": {"en": "(none)", "zh": "（无）"},
    "sweep.seeds": {"en": "Seeds", "zh": "随机种子"},
    "sweep.seeds_help": {"en": "Comma-separated, e.g. 0,1,2: with one seed there is no interval.",
                         "zh": "用逗号分隔，例如 0,1,2：只有一个种子时无法给出区间。"},
    "sweep.launch": {"en": "Launch the sweep", "zh": "开始扫参"},
    "sweep.stop": {"en": "Stop", "zh": "停止"},
    "sweep.resume": {"en": "Resume", "zh": "继续"},
    "sweep.progress": {"en": "{done} of {total} runs finished ({status})", "zh": "已完成 {done} / {total} 个实验（{status}）"},
    "sweep.best": {"en": "Best so far: {values}, mean gain {gain} points over the baseline ({clear}).",
                   "zh": "目前最佳：{values}，相对基线平均提升 {gain} 个百分点（{clear}）。"},
    "sweep.clear": {"en": "measurably better than the runner-up", "zh": "明显优于第二名"},
    "sweep.not_clear": {"en": "not measurably better than the runner-up", "zh": "与第二名没有可测量的差异"},
    "sweep.gain": {"en": "gain over the baseline (points)", "zh": "相对基线的提升（百分点）"},
    "sweep.no_difference": {"en": "no measurable difference", "zh": "没有可测量的差异"},
    "sweep.better": {"en": "better than the baseline", "zh": "优于基线"},
    "sweep.worse": {"en": "worse than the baseline", "zh": "差于基线"},
    "sweep.n": {"en": "seeds", "zh": "种子数"},
    "sweep.csv": {"en": "Download CSV", "zh": "下载 CSV"},
    "sweep.json": {"en": "Download JSON", "zh": "下载 JSON"},
    "sweep.empty": {"en": "No sweep yet: choose the settings above and launch one.",
                    "zh": "还没有扫参：请在上方选择设置并开始。"},
}
TEXT["nav.sweep"] = {"en": "Sweep", "zh": "扫参"}
