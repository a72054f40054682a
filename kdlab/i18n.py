"""The one translation table: every user-facing string of the app, in English and Simplified Chinese.

Keys are grouped by page. ``t(key, lang, **values)`` formats with ``str.format``; a missing key fails loudly in
the tests (tests/test_i18n.py checks that both languages have every key and the same placeholders).
"""
from __future__ import annotations

LANGUAGES = {"en": "English", "zh": "简体中文"}

TEXT: dict[str, dict[str, str]] = {
    # --- common ---
    "app.title": {"en": "kdlab — knowledge distillation lab", "zh": "kdlab —— 知识蒸馏实验室"},
    "common.language": {"en": "Language", "zh": "语言"},
    "common.workspace": {"en": "Workspace", "zh": "工作区"},
    "common.workspace_help": {"en": "Runs are grouped by workspace (a class, or your own name). It is kept in the URL.",
                              "zh": "运行按工作区分组（一个班级或你自己的名字），并保存在网址中。"},
    "common.error": {"en": "Something went wrong: {message}", "zh": "出错了：{message}"},
    "common.teacher": {"en": "teacher", "zh": "教师"},
    "common.student": {"en": "distilled student", "zh": "蒸馏学生"},
    "common.baseline": {"en": "baseline student", "zh": "基线学生"},
    "common.training_teacher": {"en": "Training the teacher once (it is cached for every later run)…",
                                "zh": "正在训练教师模型（仅一次，之后所有运行都会复用缓存）…"},
    "common.no_run": {"en": "No finished run yet: start one on the Distill page or the home page's quick demo.",
                      "zh": "还没有完成的运行：请在“蒸馏”页面或首页的快速演示中开始一次。"},
    "common.run_source": {"en": "Run", "zh": "运行"},
    "nav.home": {"en": "Home", "zh": "首页"},
    "nav.temperature": {"en": "Temperature", "zh": "温度"},
    "nav.distill": {"en": "Distill", "zh": "蒸馏"},
    "nav.attention": {"en": "Attention", "zh": "注意力"},
    "nav.compare": {"en": "Compare", "zh": "对比"},
    "nav.lessons": {"en": "Lessons", "zh": "课程"},
    "nav.history": {"en": "History", "zh": "历史"},
    # --- home ---
    "home.intro": {
        "en": "**Knowledge distillation** trains a small *student* network to imitate a large *teacher*. "
              "Besides the true labels, the student learns from the teacher's full output distribution, softened "
              "by a temperature T, which shows how the teacher ranks the wrong answers too — Hinton's \"dark "
              "knowledge\". Attention transfer (β) and hint matching (γ) also pull the student's intermediate "
              "maps and features towards the teacher's. The result is often a student that is far smaller than "
              "the teacher yet more accurate than the same student trained on labels alone.",
        "zh": "**知识蒸馏**训练一个小的*学生*网络去模仿一个大的*教师*网络。除了真实标签，学生还学习教师经温度 T "
              "软化后的完整输出分布，它也揭示了教师如何给错误答案排序——即 Hinton 所说的“暗知识”。注意力迁移（β）"
              "和特征提示匹配（γ）还会把学生的中间注意力图和特征拉向教师。结果往往是一个比教师小得多、"
              "却比只用标签训练的同一学生更准确的模型。"},
    "home.formula": {"en": "The loss, with the current values:", "zh": "损失函数（代入当前取值）："},
    "home.quick_demo": {"en": "Quick demo: digits, cnn-large → mlp-small", "zh": "快速演示：digits 数据集，cnn-large → mlp-small"},
    "home.quick_demo_help": {"en": "Runs offline on a CPU in a few seconds; the results appear on every page.",
                             "zh": "无需联网，在 CPU 上几秒即可完成；结果会出现在每个页面。"},
    # --- temperature ---
    # --- distill ---
    # --- attention ---
    # --- compare ---
    # --- lessons ---
    # --- history ---
    "history.title": {"en": "History", "zh": "历史记录"},
    "history.intro": {"en": "Every run of workspace “{workspace}”. Tick rows at the left of the table to compare them.",
                      "zh": "工作区“{workspace}”中的所有运行。勾选表格左侧的行即可对比它们。"},
    "history.empty": {"en": "No runs in workspace “{workspace}” yet: start one on the Distill page, the Lessons page or "
                            "the home page's quick demo, or import one below.",
                      "zh": "工作区“{workspace}”中还没有运行：请在“蒸馏”页面、“课程”页面或首页的快速演示中开始一次，"
                            "或在下方导入。"},
    "history.filter_dataset": {"en": "Dataset", "zh": "数据集"},
    "history.filter_teacher": {"en": "Teacher", "zh": "教师模型"},
    "history.filter_student": {"en": "Student", "zh": "学生模型"},
    "history.filter_method": {"en": "Method", "zh": "方法"},
    "history.filter_method_help": {
        "en": "Which loss terms were on: soft targets (α > 0), +attention (β > 0), +hint (γ > 0), +relational. "
              "Leave a filter empty to keep every run.",
        "zh": "启用了哪些损失项：软目标（α > 0）、+注意力（β > 0）、+特征提示（γ > 0）、+关系。筛选框留空表示保留所有运行。"},
    "history.sort": {"en": "Sort by", "zh": "排序方式"},
    "history.sort.created": {"en": "newest first", "zh": "最新的在前"},
    "history.sort.student_acc": {"en": "student accuracy, best first", "zh": "学生准确率，从高到低"},
    "history.sort.distill_seconds": {"en": "distillation time, fastest first", "zh": "蒸馏耗时，从短到长"},
    "history.show_all": {"en": "Show every config column", "zh": "显示所有配置列"},
    "history.show_all_help": {"en": "By default only the config columns that differ between the listed runs are shown.",
                              "zh": "默认只显示所列运行之间取值不同的配置列。"},
    "history.no_match": {"en": "No run matches these filters.", "zh": "没有符合这些筛选条件的运行。"},
    "history.differing": {"en": "Highlighted: the config columns that differ between the listed runs ({columns}).",
                          "zh": "高亮的是所列运行之间取值不同的配置列（{columns}）。"},
    "history.all_same": {"en": "The listed runs share dataset, models and loss weights.",
                         "zh": "所列运行的数据集、模型和损失权重都相同。"},
    "history.select_hint": {"en": "Tick one or more rows to overlay their learning curves, and to re-open, re-run, "
                                  "download or delete a run.",
                            "zh": "勾选一行或多行，即可叠加对比它们的学习曲线，并重新打开、重新运行、下载或删除某次运行。"},
    "history.compare": {"en": "Compare the selected runs", "zh": "对比所选运行"},
    "history.curves_help": {"en": "One line per run: the distilled student's test accuracy and its total training loss "
                                  "L (mean over the epoch's batches) after each epoch.",
                            "zh": "每条线对应一次运行：蒸馏学生在每轮训练后的测试准确率，以及总训练损失 L（该轮各批次的平均值）。"},
    "history.acc_title": {"en": "Student test accuracy per epoch", "zh": "学生每轮的测试准确率"},
    "history.loss_title": {"en": "Total training loss L per epoch", "zh": "每轮的总训练损失 L"},
    "history.png_hint": {"en": "To save a chart as PNG, click the camera button in its top-right toolbar.",
                         "zh": "如需把图表保存为 PNG，请点击图表右上角工具栏中的相机按钮。"},
    "history.final": {"en": "Final numbers: accuracy in %, gain = student − baseline in percentage points.",
                      "zh": "最终结果：准确率单位为 %，提升 = 学生 − 基线，单位为百分点。"},
    "history.boundaries": {"en": "Decision boundaries on {dataset}: the coloured regions are the class each distilled "
                                 "student predicts there; the dots are the test points, coloured by their true class.",
                           "zh": "{dataset} 上的决策边界：彩色区域表示各蒸馏学生在该处预测的类别；圆点是测试样本，"
                                 "按其真实类别着色。"},
    "history.boundaries_failed": {"en": "Cannot draw the decision boundaries: {message}",
                                  "zh": "无法绘制决策边界：{message}"},
    "history.tuning": {"en": "T × α map", "zh": "T × α 图"},
    "history.tuning_help": {
        "en": "Finished runs that share everything but the temperature T and the weight α (the seed too) fill one map: "
              "each cell is the distilled student's test accuracy at that (T, α); the latest run counts.",
        "zh": "除温度 T 和权重 α 外其余设置（包括随机种子）都相同的已完成运行组成一张图：每个格子是该 (T, α) "
              "下蒸馏学生的测试准确率，重复运行时取最新的一次。"},
    "history.tuning_group": {"en": "Group", "zh": "分组"},
    "history.tuning_group_label": {
        "en": "{dataset} · {teacher} → {student} · {epochs} epochs · seed {seed} · {cells} runs",
        "zh": "{dataset} · {teacher} → {student} · {epochs} 轮 · 种子 {seed} · {cells} 次运行"},
    "history.tuning_hint": {"en": "No T × α map yet: run the same config at several temperatures T and weights α "
                                  "(the Lessons page or the CLI can do it) and the map appears here.",
                            "zh": "还没有 T × α 图：用同一配置在多个温度 T 和权重 α 下运行（可以用“课程”页面或命令行），"
                                  "图就会出现在这里。"},
    "history.action_run": {"en": "Run to act on", "zh": "要操作的运行"},
    "history.actions": {"en": "Run {run_id}", "zh": "运行 {run_id}"},
    "history.failed": {"en": "This run did not finish ({status}): {message}", "zh": "此次运行未完成（{status}）：{message}"},
    "history.reopen": {"en": "Re-open", "zh": "重新打开"},
    "history.reopen_help": {"en": "Show this run's student on the Temperature, Attention and Compare pages.",
                            "zh": "在“温度”、“注意力”和“对比”页面中显示此次运行的学生模型。"},
    "history.reopened": {"en": "Run {run_id} is the one the analysis pages show now:",
                         "zh": "分析页面现在显示的是运行 {run_id}："},
    "history.rerun": {"en": "Re-run", "zh": "重新运行"},
    "history.rerun_help": {"en": "Train the same config again, as a new run in this workspace.",
                           "zh": "用相同配置再训练一次，作为本工作区中的一次新运行。"},
    "history.rerun_started": {"en": "Started run {run_id} with the same config; follow it live on the home page.",
                              "zh": "已用相同配置开始运行 {run_id}；可在首页实时查看进度。"},
    "history.error": {"en": "Not done: {message}", "zh": "未完成：{message}"},
    "history.downloads": {"en": "Downloads", "zh": "下载"},
    "history.download_csv": {"en": "Metrics (CSV)", "zh": "指标（CSV）"},
    "history.download_json": {"en": "Config + results (JSON)", "zh": "配置与结果（JSON）"},
    "history.download_weights": {"en": "Student weights (.pt)", "zh": "学生权重（.pt）"},
    "history.download_html": {"en": "Learning curves (HTML, works offline)", "zh": "学习曲线（HTML，可离线查看）"},
    "history.not_finished": {"en": "Re-opening and downloads need a finished run; this one is {status}.",
                             "zh": "重新打开和下载需要已完成的运行；此次运行的状态为 {status}。"},
    "history.delete": {"en": "Delete", "zh": "删除"},
    "history.confirm_delete": {"en": "Yes, delete run {run_id} for good", "zh": "确定永久删除运行 {run_id}"},
    "history.delete_needs_confirm": {"en": "Tick the confirmation box first: nothing was deleted.",
                                     "zh": "请先勾选确认框：没有删除任何内容。"},
    "history.deleted": {"en": "Run {run_id} deleted.", "zh": "已删除运行 {run_id}。"},
    "history.delete_active": {"en": "A queued or running run cannot be deleted: stop it first.",
                              "zh": "排队中或运行中的运行不能删除：请先停止它。"},
    "history.import": {"en": "Import a run trained elsewhere", "zh": "导入在别处训练的运行"},
    "history.import_help": {"en": "Upload its config + results JSON (as downloaded here) and its weights file.",
                            "zh": "上传它的配置与结果 JSON（即本页下载的文件）以及权重文件。"},
    "history.import_config": {"en": "Config + results JSON", "zh": "配置与结果 JSON"},
    "history.import_weights": {"en": "Weights (.pt)", "zh": "权重（.pt）"},
    "history.import_button": {"en": "Import", "zh": "导入"},
    "history.import_missing": {"en": "Choose both files first.", "zh": "请先选择两个文件。"},
    "history.imported": {"en": "Imported as run {run_id}.", "zh": "已导入为运行 {run_id}。"},
    "history.import_failed": {"en": "Not imported: {message}", "zh": "未导入：{message}"},
    "history.col.id": {"en": "run id", "zh": "运行 ID"},
    "history.col.status": {"en": "status", "zh": "状态"},
    "history.col.created": {"en": "created", "zh": "创建时间"},
    "history.col.dataset": {"en": "dataset", "zh": "数据集"},
    "history.col.teacher": {"en": "teacher", "zh": "教师"},
    "history.col.student": {"en": "student", "zh": "学生"},
    "history.col.method": {"en": "method", "zh": "方法"},
    "history.col.temperature": {"en": "T", "zh": "T"},
    "history.col.alpha": {"en": "α", "zh": "α"},
    "history.col.beta": {"en": "β", "zh": "β"},
    "history.col.gamma": {"en": "γ", "zh": "γ"},
    "history.col.epochs": {"en": "epochs", "zh": "轮数"},
    "history.col.student_acc": {"en": "student acc. (%)", "zh": "学生准确率 (%)"},
    "history.col.baseline_acc": {"en": "baseline acc. (%)", "zh": "基线准确率 (%)"},
    "history.col.teacher_acc": {"en": "teacher acc. (%)", "zh": "教师准确率 (%)"},
    "history.col.distill_seconds": {"en": "distill time (s)", "zh": "蒸馏耗时 (秒)"},
    "history.col.gain": {"en": "gain (points)", "zh": "提升（百分点）"},
    "history.method.labels": {"en": "labels only", "zh": "仅用标签"},
    "history.method.soft": {"en": "soft targets", "zh": "软目标"},
    "history.method.attention": {"en": "+attention", "zh": "+注意力"},
    "history.method.hint": {"en": "+hint", "zh": "+特征提示"},
    "history.method.relational": {"en": "+relational", "zh": "+关系"},
    "history.fig.epoch": {"en": "epoch", "zh": "训练轮次"},
    "history.fig.test_accuracy": {"en": "test accuracy (%)", "zh": "测试准确率 (%)"},
    "history.fig.loss": {"en": "loss (nats)", "zh": "损失（奈特）"},
    "history.fig.temperature": {"en": "temperature T", "zh": "温度 T"},
    "history.fig.alpha": {"en": "α (weight of the soft loss)", "zh": "α（软损失的权重）"},
    "history.fig.feature_1": {"en": "x₁", "zh": "x₁"},
    "history.fig.feature_2": {"en": "x₂", "zh": "x₂"},
    "history.fig.class": {"en": "class", "zh": "类别"},
    "history.fig.teacher": {"en": "teacher", "zh": "教师"},
    "history.fig.baseline": {"en": "baseline", "zh": "基线"},
    "history.fig.student": {"en": "distilled student", "zh": "蒸馏学生"},
    "history.fig.accuracy_title": {"en": "Test accuracy", "zh": "测试准确率"},
    "history.fig.decision_title": {"en": "Decision boundaries of the distilled students", "zh": "蒸馏学生的决策边界"},
    "history.fig.tuning_title": {"en": "Student test accuracy over T × α", "zh": "学生测试准确率随 T × α 的变化"},
    # --- run status ---
}


def t(key: str, lang: str = "en", **values) -> str:
    entry = TEXT[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
