"""Texts of the Distill page: the form, its help, uploads and links."""

TEXT: dict[str, dict[str, str]] = {
    "distill.share_hint": {"en": "To share these settings, copy the address bar URL: it holds every value of this "
                                 "form, so each student who opens the link starts from the same configuration.",
                           "zh": "要分享这些设置，请复制浏览器地址栏中的网址：它包含此表单的所有取值，"
                                 "每位打开该链接的同学都会从相同的配置开始。"},
    "distill.link_problem": {"en": "Link setting not applied (the default is used): {message}",
                             "zh": "链接中的设置未生效（已改用默认值）：{message}"},
    "distill.upload_header": {"en": "Share or load these settings", "zh": "分享或载入这些设置"},
    "distill.upload_intro": {"en": "Or load a run's config file (JSON) into the form.",
                             "zh": "也可以把一个实验的配置文件（JSON）载入表单。"},
    "distill.upload": {"en": "Config JSON", "zh": "配置 JSON 文件"},
    "distill.upload_help": {"en": "A run's config, or a whole run record (the History page's JSON download, or "
                                  "`kdlab runs show --json`). It fills the form; nothing runs until you press Run.",
                            "zh": "一个实验的配置，或完整的实验记录（“历史记录”页面下载的 JSON，或 `kdlab runs show "
                                  "--json` 的输出）。它只会填写表单；在你点击“运行”之前不会开始任何训练。"},
    "distill.upload_invalid": {"en": "Cannot load this file, the form is unchanged: {message}",
                               "zh": "无法载入此文件，表单保持不变：{message}"},
    "distill.upload_done": {"en": "Loaded the settings from {name}.", "zh": "已从 {name} 载入设置。"},
    "distill.one_method": {"en": "These settings stacked several methods; the form keeps one: {message}",
                           "zh": "这些设置叠加了多种方法；表单只保留一种：{message}"},
    "distill.upload_problem": {"en": "File setting not applied (the default is used): {message}",
                               "zh": "文件中的设置未生效（已改用默认值）：{message}"},
    "distill.title": {"en": "Distill a student", "zh": "蒸馏一个学生模型"},
    "distill.intro": {"en": "Pick a dataset, a large **teacher** and a small **student**, set the loss and press "
                            "**Run**: kdlab trains the student twice from the same start — a *baseline* on the labels "
                            "alone and a *distilled* student that also learns from the teacher — and compares them.",
                      "zh": "选择一个数据集、一个大的**教师模型**和一个小的**学生模型**，设置损失后点击**运行**："
                            "kdlab 从相同的初始权重出发把学生训练两次——只用标签的*基线学生*，以及同时向教师学习的"
                            "*蒸馏学生*——并比较两者。"},
    "distill.dataset": {"en": "Dataset", "zh": "数据集"},
    "distill.dataset_help": {"en": "Input type: {modality}. Only models that can read it are offered as teacher and "
                                   "student.",
                             "zh": "输入类型：{modality}。教师和学生只列出能读取这种输入的模型。"},
    "distill.modality_image": {"en": "images", "zh": "图像"},
    "distill.modality_points": {"en": "2-D points", "zh": "二维点"},
    "distill.modality_tokens": {"en": "text (word tokens)", "zh": "文本（词元）"},
    "distill.modality_sequence": {"en": "text to continue (next-token prediction)", "zh": "续写文本（预测下一个词元）"},
    "distill.teacher": {"en": "Teacher", "zh": "教师模型"},
    "distill.teacher_help": {"en": "The large model to imitate. It is trained once and cached for every later run.",
                             "zh": "被模仿的大模型。它只训练一次，之后的实验都会复用缓存。"},
    "distill.student": {"en": "Student", "zh": "学生模型"},
    "distill.student_help": {"en": "The small model that learns; the baseline is the same model trained on labels only.",
                             "zh": "负责学习的小模型；基线学生是同一个模型，但只用标签训练。"},
    "distill.knobs_help": {"en": "Override the preset's size as key=value pairs separated by commas, e.g. hidden=64,depth=1 "
                                 "for an MLP or width=16,stages=2 for a CNN.",
                           "zh": "用逗号分隔的 key=value 覆盖预设的模型规模，例如 MLP 用 hidden=64,depth=1，CNN 用 "
                                 "width=16,stages=2。"},
    "distill.temperature": {"en": "Temperature T", "zh": "温度 T"},
    "distill.temperature_help": {"en": "T divides the logits before the softmax: T = 1 is the teacher's usual, confident "
                                       "answer; a larger T flattens it and shows how likely the teacher finds each wrong "
                                       "class (the “dark knowledge”). The soft term is multiplied by T² because its "
                                       "gradients shrink like 1/T², so its weight stays comparable as T changes.",
                                 "zh": "在 softmax 之前先把 logits 除以 T：T = 1 时是教师通常那种自信的回答；T 越大，"
                                       "分布越平缓，能看出教师认为每个错误类别有多大可能（即“暗知识”）。"
                                       "蒸馏损失要乘以 T²，因为它的梯度按 1/T² 缩小；这样改变 T 时，它的权重仍"
                                       "然可比。"},
    "distill.method_header": {"en": "Method: how the student learns from the teacher's answers",
                              "zh": "方法：学生如何向教师的答案学习"},
    "distill.method": {"en": "Method", "zh": "方法"},
    "distill.method_help": {"en": "One method learns from the teacher's answers (logits). Classic KD is the soft "
                                  "targets weighted by α; any other takes their place next to the cross-entropy "
                                  "at weight 1, exactly as the Methods page runs it.",
                            "zh": "只用一种方法向教师的答案（logits）学习。经典知识蒸馏是以 α 加权的蒸馏损失；其他方法"
                                  "取代它，与权重为 1 的交叉熵并列，与“方法对比”页面的做法完全相同。"},
    "distill.method_explain": {"en": "{explain}. Paper: {paper}.", "zh": "{explain}。论文：{paper}。"},
    "distill.method_weight": {"en": "weight of {method}", "zh": "{method} 的权重"},
    "distill.method_weight_help": {"en": "This method takes the place of the soft targets, so α is 0 and the "
                                         "cross-entropy keeps weight 1; the default is the paper's weight.",
                                   "zh": "这个方法取代了蒸馏损失，所以 α 为 0，交叉熵的权重保持为 1；"
                                         "默认值是原文的权重。"},
    "distill.temperature_off": {"en": "{method} does not use T: see its settings under Method.",
                                "zh": "{method} 不使用 T：它的设置见“方法”。"},
    "distill.addons_header": {"en": "Add-ons: features and relations between samples",
                              "zh": "附加项：特征与样本之间的关系"},
    "distill.addons_intro": {"en": "Terms that add to the method: they pull the student's hidden features, or how it "
                                   "relates samples to each other, towards the teacher's (0 = off).",
                             "zh": "在所选方法之外附加的损失项：让学生的隐藏特征，或它对样本之间关系的看法，向教师靠拢"
                                   "（0 表示关闭）。"},
    "distill.teachers_header": {"en": "More teachers (model fusion)", "zh": "更多教师（模型融合）"},
    "distill.teachers_intro": {"en": "Learn from several teachers at once: their softened answers become one target.",
                               "zh": "同时向多个教师学习：把它们软化后的答案合成一个目标。"},
    "distill.convention_help": {"en": "α weighs the distillation loss (learning from the teacher's soft targets); "
                                      "1 − α weighs the cross-entropy with the true labels: L = (1 − α)·CE + α·T²·KL + "
                                      "β·L_att + γ·L_rep. α = 0 trains on labels only, like the baseline. Note: some "
                                      "articles use the opposite convention and weight the hard-label term by α.",
                                "zh": "α 是蒸馏损失（向教师的软目标学习）的权重，1 − α 是交叉熵损失（真实标签）的权重：L = "
                                      "(1 − α)·CE + α·T²·KL + β·L_att + γ·L_rep。α = 0 时只用标签训练，与基线学生相同。"
                                      "注意：有的文章约定相反，用 α 给真实标签那一项加权。"},
    "distill.term_off": {"en": "Off for this pair: {reason}.", "zh": "此组合下不可用：{reason}。"},
    "distill.extra_teachers": {"en": "More teachers (optional)", "zh": "更多教师（可选）"},
    "distill.extra_teachers_help": {"en": "Distil from several teachers at once (\"model fusion\"): their softened "
                                          "answers are combined into one target; feature terms follow the first "
                                          "teacher. Each is trained once and cached.",
                                    "zh": "同时向多个教师蒸馏（“模型融合”）：把它们软化后的答案合成一个目标；特征类损失只跟随"
                                          "第一个教师。每个教师只训练一次并缓存。"},
    "distill.extra_teachers_none": {"en": "one teacher", "zh": "只用一个教师"},
    "distill.fusion": {"en": "How the teachers' answers combine", "zh": "教师答案的融合方式"},
    "distill.fusion_mean": {"en": "mean", "zh": "平均"},
    "distill.fusion_weights": {"en": "fixed weights", "zh": "固定权重"},
    "distill.fusion_confidence": {"en": "per-sample confidence (CA-MKD)", "zh": "逐样本置信度（CA-MKD）"},
    "distill.teacher_weight": {"en": "weight of {teacher}", "zh": "{teacher} 的权重"},
    "distill.training_header": {"en": "Training: epochs, learning rate, seed, model sizes, device",
                                "zh": "训练：训练轮数、学习率、随机种子、规模设置、设备"},
    "distill.training_intro": {"en": "How long and how each model trains; both students share every setting here.",
                               "zh": "各模型训练多久、怎样训练；两个学生模型共用这里的每项设置。"},
    "distill.teacher_knobs": {"en": "Teacher size knobs (optional)", "zh": "教师的规模设置（可选）"},
    "distill.student_knobs": {"en": "Student size knobs (optional)", "zh": "学生的规模设置（可选）"},
    "distill.epochs": {"en": "Epochs (each student)", "zh": "训练轮数（每个学生模型）"},
    "distill.epochs_help": {"en": "Passes over the transfer set, for the baseline and the distilled student alike.",
                            "zh": "每一轮完整遍历一次迁移集；基线学生和蒸馏学生的训练轮数相同。"},
    "distill.lr": {"en": "Learning rate", "zh": "学习率"},
    "distill.lr_help": {"en": "Step size of the optimiser for both students.", "zh": "两个学生模型所用优化器的步长。"},
    "distill.batch_size": {"en": "Batch size", "zh": "批大小"},
    "distill.seed": {"en": "Seed", "zh": "随机种子"},
    "distill.seed_help": {"en": "Fixes the data split and the initial weights; the same seed gives the same run.",
                          "zh": "固定数据划分和初始权重；相同的随机种子得到相同的实验结果。"},
    "distill.device": {"en": "Device", "zh": "设备"},
    "distill.device_auto": {"en": "auto", "zh": "自动"},
    "distill.device_cpu": {"en": "CPU", "zh": "CPU"},
    "distill.device_cuda": {"en": "GPU (CUDA)", "zh": "GPU（CUDA 显卡）"},
    "distill.device_mps": {"en": "GPU (Apple MPS)", "zh": "GPU（Apple MPS 后端）"},
    "distill.teacher_epochs": {"en": "Teacher epochs", "zh": "教师训练轮数"},
    "distill.teacher_epochs_help": {"en": "A new value trains a new teacher once; it is then cached like the others.",
                                    "zh": "换一个取值会重新训练一次教师模型，之后同样会被缓存。"},
    "distill.transfer_header": {"en": "Transfer set: how much data, which classes",
                                "zh": "迁移集：用多少数据、哪些类别"},
    "distill.transfer_intro": {"en": "The data both students train on; the teacher always saw all of it.",
                               "zh": "两个学生模型训练所用的数据；教师始终见过全部数据。"},
    "distill.fraction": {"en": "Fraction of the training data", "zh": "使用训练数据的比例"},
    "distill.fraction_help": {"en": "Less data makes the teacher's soft targets matter more: a soft target carries "
                                    "more information per example than a hard label.",
                              "zh": "数据越少，教师软目标的作用越大：对每个样本，软目标携带的信息都比硬标签更多。"},
    "distill.exclude": {"en": "Classes the students never see", "zh": "学生模型从未见过的类别"},
    "distill.exclude_help": {"en": "Removed from the transfer set (the teacher still knows them): the distilled student "
                                   "can learn about them only from the teacher's soft targets on other examples.",
                             "zh": "从迁移集中移除（教师模型仍然认识它们）：蒸馏学生只能从教师对其他样本给出的软目标中"
                                   "了解这些类别。"},
    "distill.formula_help": {"en": "CE: cross-entropy with the true label y; KL: how far the student's softened "
                                   "distribution is from the teacher's; t, s: teacher and student logits.",
                             "zh": "CE：与真实标签 y 的交叉熵；KL：学生软化后的分布与教师软化后的分布之间的 KL "
                                   "散度（两者相差多远）；t、s：教师和学生的 logits。"},
    "distill.run": {"en": "Run", "zh": "运行"},
    "distill.run_help": {"en": "Train in the background; you can leave this page and come back.",
                         "zh": "在后台训练；你可以离开此页面，稍后再回来。"},
    "distill.run_busy": {"en": "Your previous run is still going: stop it or wait for it to finish.",
                         "zh": "你的上一个实验仍在进行：请先停止它，或等待它结束。"},
    "distill.invalid": {"en": "Cannot run: {message}", "zh": "无法运行：{message}"},
}
