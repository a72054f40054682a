"""Texts of the run picker (Compare, Compress, History): where a run came from and its one-line description."""

TEXT: dict[str, dict[str, str]] = {
    "runs.source.distill": {"en": "Distill", "zh": "蒸馏页"},
    "runs.source.demo": {"en": "demo", "zh": "演示"},
    "runs.source.lesson": {"en": "lesson", "zh": "实验课"},
    "runs.source.methods": {"en": "methods comparison", "zh": "方法对比"},
    "runs.source.sweep": {"en": "sweep", "zh": "参数扫描"},
    "runs.source.cli": {"en": "command line", "zh": "命令行"},
    "runs.source.import": {"en": "imported", "zh": "导入"},
    "runs.pick": {"en": "Run", "zh": "实验"},
    "runs.pick_help": {"en": "Your finished runs, newest first: when, started from which page, the data and models, "
                             "the method, T, the loss weights and the distilled student's test accuracy.",
                       "zh": "你已完成的实验，最新的在前：时间、从哪个页面启动、数据与模型、方法、T、损失权重以及蒸馏学生的测试"
                             "准确率。"},
    "runs.filter": {"en": "Started from", "zh": "启动来源"},
    "runs.filter_help": {"en": "Show only the runs started from these places (none chosen: all of them).",
                         "zh": "只显示从这些地方启动的实验（一个都不选：显示全部）。"},
    "runs.none_match": {"en": "None of your finished runs was started from there.",
                        "zh": "你已完成的实验中没有从这里启动的。"},
    "runs.choice": {"en": "{time} · {source} · {dataset}, {teacher} → {student} · {method} · T = {t}, {weights} · "
                          "accuracy {accuracy}",
                    "zh": "{time} · {source} · {dataset}，{teacher} → {student} · {method} · T = {t}，{weights} · "
                          "准确率 {accuracy}"},
    "runs.models_3": {"en": "This run has three models: the teacher, the baseline student (trained on the labels "
                            "alone) and the distilled student.",
                      "zh": "这个实验有三个模型：教师、基线学生（只用标签训练）和蒸馏学生。"},
    "runs.models_2": {"en": "This run has two models: the teacher and the distilled student (it trained no baseline "
                            "student, so there is nothing to set the distilled student against).",
                      "zh": "这个实验有两个模型：教师和蒸馏学生（它没有训练基线学生，因此没有可与蒸馏学生对照的模型）。"},
}
