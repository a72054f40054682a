"""Texts of the Sweep page: axes, seeds, the live heatmap, verdicts and exports."""

TEXT: dict[str, dict[str, str]] = {
    "sweep.title": {"en": "Sweep: which settings suit this pair?", "zh": "扫参：哪些设置适合这对模型？"},
    "sweep.intro": {
        "en": "Pick one or two settings and their values, and some seeds. Every combination runs once per seed "
              "with the Distill page's other settings, on the server's training processes. Each cell shows the "
              "mean gain of the distilled student over its baseline, in percentage points; a cell whose 95 % interval crosses "
              "zero is marked ≈: with these seeds, no measurable difference.",
        "zh": "选择一到两个设置及其取值，再选几个随机种子。每种组合对每个种子各做一次实验，其余设置取自“蒸馏”"
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
    "sweep.mode": {"en": "What to run", "zh": "运行方式"},
    "sweep.mode_grid": {"en": "A grid: every combination of the values", "zh": "网格：所有取值组合"},
    "sweep.mode_search": {"en": "A search: Optuna picks each next trial from the results so far",
                          "zh": "搜索：Optuna 根据已有结果选择下一次试验"},
    "sweep.range": {"en": "Range of setting {number}", "zh": "设置 {number} 的范围"},
    "sweep.range_help": {"en": "low:high, add :log for a log scale or :int for whole numbers, e.g. 1:20:log; "
                                "or choices a,b,c",
                         "zh": "low:high，加 :log 表示对数尺度、:int 表示整数，例如 1:20:log；或列出选项 a,b,c"},
    "sweep.trials": {"en": "Trials", "zh": "试验次数"},
    "sweep.trials_help": {"en": "Points of the ranges to try; each runs once per seed.",
                          "zh": "要尝试的取值点数；每个点对每个种子各做一次实验。"},
    "sweep.objective": {"en": "Optimise", "zh": "优化目标"},
    "sweep.prune": {"en": "Stop poor trials early (pruning)", "zh": "提前停止表现差的试验（剪枝）"},
    "sweep.prune_help": {
        "en": "Optuna's median rule: a trial whose curve is below the median of the earlier trials at the same "
              "epoch is stopped, and its other seeds are not run. Not available when trials run on a Ray cluster.",
        "zh": "Optuna 的中位数规则：某次试验的曲线在同一轮低于之前试验的中位数时即被停止，其余种子不再运行。"
              "试验在 Ray 集群上运行时不可用。"},
    "sweep.prune_on_ray": {"en": "This server runs sweeps on a Ray cluster: pruning is not available there.",
                           "zh": "本服务器在 Ray 集群上运行扫参：那里无法剪枝。"},
    "sweep.pruned": {"en": "{count} runs were stopped early by pruning.", "zh": "{count} 个实验因剪枝提前停止。"},
    "sweep.failed_runs": {"en": "{count} runs failed; the first said: {message}",
                          "zh": "{count} 个实验失败；第一个的原因：{message}"},
    "sweep.on_ray": {"en": "Trials run as Ray tasks on the cluster at {address}.",
                     "zh": "试验作为 Ray 任务在集群 {address} 上运行。"},
    "sweep.not_owner": {"en": "This sweep was started in another browser or from the command line: you can watch "
                              "it, and only where it was started can it be stopped or resumed.",
                        "zh": "这次扫参是在另一个浏览器或命令行中启动的：你可以查看，但只有启动它的地方才能停止或继续它。"},
    "sweep.driven_elsewhere": {"en": "Another process is still driving this sweep; it can be resumed once that "
                                     "one has ended.",
                               "zh": "另一个进程仍在驱动这次扫参；待其结束后才能继续。"},
    "sweep.best_header": {"en": "Best settings", "zh": "最佳设置"},
    "sweep.use_best": {"en": "Put these settings in the Distill form", "zh": "将这些设置填入“蒸馏”表单"},
    "sweep.use_best_help": {"en": "Opens the Distill page with the sweep's base run and the best cell's values.",
                            "zh": "打开“蒸馏”页面，使用本次扫参的基础设置和最佳格子的取值。"},
    "sweep.cells_header": {"en": "A cell's runs", "zh": "某个格子的实验"},
    "sweep.cells_help": {"en": "Click a cell of the figure, or pick it here, then open one of its runs on Compare.",
                         "zh": "点击图中的格子，或在此选择，然后在“对比”页面打开它的某个实验。"},
    "sweep.cell": {"en": "Cell", "zh": "格子"},
    "sweep.cell_label": {"en": "{values}: {gain} points (n = {n})", "zh": "{values}：{gain} 个百分点（n = {n}）"},
    "sweep.run": {"en": "Run", "zh": "实验"},
    "sweep.run_label": {"en": "seed {seed}: {run_id}", "zh": "种子 {seed}：{run_id}"},
    "sweep.open_compare": {"en": "Open on Compare", "zh": "在“对比”页面打开"},
    "sweep.html": {"en": "Download the figure (HTML)", "zh": "下载图表（HTML）"},
    "sweep.png_note": {"en": "For a PNG, use the camera icon in the figure's toolbar: the browser draws it.",
                       "zh": "如需 PNG，请点击图表工具栏中的相机图标：由浏览器生成。"},
    "sweep.empty": {"en": "No sweep yet: choose the settings above and launch one.",
                    "zh": "还没有扫参：请在上方选择设置并开始。"},
}
TEXT["nav.sweep"] = {"en": "Sweep", "zh": "扫参"}
