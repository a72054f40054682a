"""Texts every page shares: the title, navigation, language and workspace, roles and errors."""

TEXT: dict[str, dict[str, str]] = {
    "app.title": {"en": "kdlab — knowledge distillation lab", "zh": "kdlab —— 知识蒸馏实验室"},
    "common.language": {"en": "Language", "zh": "语言"},
    "common.workspace": {"en": "Workspace", "zh": "工作区"},
    "common.workspace_help": {"en": "Runs are grouped by workspace (a class, or your own name). It is kept in the URL.",
                              "zh": "实验按工作区分组（可以是一个班级，也可以是你自己的名字）。工作区的名称保存在网址"
                                    "中。"},
    "common.list_separator": {"en": ", ", "zh": "、"},
    "common.choose": {"en": "Choose", "zh": "请选择"},  # every multiselect's placeholder
    "common.error": {"en": "Something went wrong: {message}", "zh": "出错了：{message}"},
    "common.teacher": {"en": "teacher", "zh": "教师"},
    "common.student": {"en": "distilled student", "zh": "蒸馏学生"},
    "common.baseline": {"en": "baseline student", "zh": "基线学生"},
    "common.training_teacher": {"en": "Training the teacher {teacher} on {dataset} once, in a training process "
                                      "(it is cached for every later run): {percent} %",
                                "zh": "正在一个训练进程中用 {dataset} 训练教师模型 {teacher}（只训练一次，"
                                      "之后的所有实验都会复用缓存）：{percent} %"},
    "common.teacher_queued": {"en": "The teacher this page needs is queued behind other runs (position {position})…",
                              "zh": "本页需要的教师模型正在排队，前面还有其他实验（排在第 {position} 位）……"},
    "common.teacher_failed": {"en": "The teacher this page needs could not be trained: {message}",
                              "zh": "无法训练本页需要的教师模型：{message}"},
    "common.retry": {"en": "Try again", "zh": "重试"},
    "common.store_broken": {"en": "Runs cannot be kept on this server right now, so pages that show runs are off: "
                                  "{message}",
                            "zh": "本服务器目前无法保存实验，显示实验的页面暂不可用：{message}"},
    "common.settings_broken": {"en": "This server's settings are not right, so no page can work until they are "
                                     "fixed: {message}",
                               "zh": "本服务器的设置有误，修正之前所有页面都无法使用：{message}"},
    "common.no_run": {"en": "No finished run yet: start one on the Distill page or the home page's quick demo.",
                      "zh": "还没有已完成的实验：请在“蒸馏”页面开始一个实验，或运行首页的快速演示。"},
    "nav.home": {"en": "Home", "zh": "首页"},
    "nav.temperature": {"en": "Temperature", "zh": "温度"},
    "nav.distill": {"en": "Distill", "zh": "蒸馏"},
    "nav.attention": {"en": "Attention", "zh": "注意力"},
    "nav.compare": {"en": "Compare", "zh": "对比"},
    "nav.lessons": {"en": "Lessons", "zh": "实验课"},
    "nav.history": {"en": "History", "zh": "历史记录"},
}
