"""Texts of the Instructor page (the class's runs, Stop, the CSV, the class sweep) and of the class sweep's note and
map on the Distill page."""

TEXT: dict[str, dict[str, str]] = {
    "nav.instructor": {"en": "Instructor", "zh": "讲师"},
    "instructor.title": {"en": "Instructor: the whole class", "zh": "讲师：全班"},
    "instructor.intro": {
        "en": "Every run of workspace {workspace}, live, each under its student's alias (a pseudonym that stays the "
              "same for one browser). Stop any run, download the class's results, or run a sweep together.",
        "zh": "工作区 {workspace} 的每个实验，实时更新，每个实验显示其同学的化名（同一浏览器的化名保持不变）。"
              "可以停止任何实验、下载全班结果，或一起做一次扫参。"},
    "instructor.key": {"en": "Instructor key", "zh": "讲师密钥"},
    "instructor.key_help": {"en": "Typed once in this browser; it is never put in the address bar.",
                            "zh": "在此浏览器中输入一次即可；它不会出现在地址栏中。"},
    "instructor.open": {"en": "Open", "zh": "进入"},
    "instructor.wrong_key": {"en": "That is not this server's instructor key.", "zh": "这不是本服务器的讲师密钥。"},
    "instructor.disabled": {
        "en": "This server has no instructor key: set instructor_key in kdlab.toml or KDLAB_INSTRUCTOR_KEY.",
        "zh": "本服务器未设置讲师密钥：请在 kdlab.toml 中设置 instructor_key，或设置 KDLAB_INSTRUCTOR_KEY。"},
    "instructor.runs_title": {"en": "The class's runs", "zh": "全班的实验"},
    "instructor.no_runs": {"en": "No run in workspace {workspace} yet.", "zh": "工作区 {workspace} 中还没有实验。"},
    "instructor.counts": {"en": "Runs: {total} · training or queued: {active} · finished: {finished}",
                          "zh": "实验：{total} 个 · 训练中或排队中：{active} 个 · 已完成：{finished} 个"},
    "instructor.col.student": {"en": "student alias", "zh": "同学（化名）"},
    "instructor.col.verdict": {"en": "verdict", "zh": "结论"},
    "instructor.col.seed": {"en": "seed", "zh": "种子"},
    "instructor.no_alias": {"en": "command line or import", "zh": "命令行或导入"},
    "instructor.verdict.helped": {"en": "better than its baseline", "zh": "优于其基线"},
    "instructor.verdict.hurt": {"en": "worse than its baseline", "zh": "差于其基线"},
    "instructor.verdict.no_difference": {"en": "no measurable difference", "zh": "没有可测量的差异"},
    "instructor.verdict.untested": {"en": "not tested", "zh": "未检验"},
    "instructor.stop_pick": {"en": "A run to stop", "zh": "要停止的实验"},
    "instructor.stop": {"en": "Stop it", "zh": "停止"},
    "instructor.stopped": {"en": "Asked run {run_id} to stop.", "zh": "已请求停止实验 {run_id}。"},
    "instructor.nothing_to_stop": {"en": "No run is training or queued.", "zh": "没有正在训练或排队的实验。"},
    "instructor.csv": {"en": "Download the class's results (CSV)", "zh": "下载全班结果（CSV）"},
    "instructor.sweep_title": {"en": "A class sweep", "zh": "全班扫参"},
    "instructor.sweep_intro": {
        "en": "Set a grid: each student's next run from the Distill page becomes one cell, with these settings "
              "({base}), and the map below fills in as their runs finish. A cell run again gets the next seed, so "
              "it gains a 95 % interval.",
        "zh": "设置一个网格：每位同学在“蒸馏”页面的下一个实验会成为其中一格，使用这些设置（{base}），"
              "随着实验完成，下方的图逐格填满。同一格再做一次实验时使用下一个随机种子，从而得到 95 % 置信区间。"},
    "instructor.sweep_start": {"en": "Start the class sweep", "zh": "开始全班扫参"},
    "instructor.sweep_end": {"en": "End the class sweep", "zh": "结束全班扫参"},
    "instructor.sweep_invalid": {"en": "This grid cannot run: {message}", "zh": "此网格无法运行：{message}"},
    "class.note": {
        "en": "Your next run is cell {cell} of the class sweep (seed {seed}): Run trains the class's settings "
              "({base}), not this form's.",
        "zh": "你的下一个实验是全班扫参中的一格：{cell}（随机种子 {seed}）：“运行”将使用全班的设置（{base}），"
              "而不是本表单的设置。"},
    "class.map_title": {"en": "The class map", "zh": "全班的结果图"},
    "class.progress_one": {"en": "{finished} of {handed} cell runs finished, on a grid of {count} cell.",
                           "zh": "已完成 {finished} / {handed} 个分配的实验，网格共 {count} 格。"},
    "class.progress_many": {"en": "{finished} of {handed} cell runs finished, on a grid of {count} cells.",
                            "zh": "已完成 {finished} / {handed} 个分配的实验，网格共 {count} 格。"},
    "class.one_run": {"en": "one run: no interval", "zh": "只有一个实验：没有置信区间"},
    "class.empty": {"en": "No cell has a finished run yet.", "zh": "还没有任何一格完成实验。"},
}
