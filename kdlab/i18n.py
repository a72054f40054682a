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
    "temperature.title": {"en": "Temperature: softened answers", "zh": "温度：软化后的答案"},
    "temperature.intro": {
        "en": "A network's answer is a vector of logits z; softmax turns it into class probabilities. Dividing the "
              "logits by a temperature T before the softmax keeps the ranking of the classes but changes how sure "
              "the answer looks: T = 1 is the model's own answer, T > 1 flattens it and lets the small "
              "probabilities of the wrong classes show, T < 1 sharpens it. Those small probabilities say which "
              "wrong classes the teacher finds similar — the \"dark knowledge\" a student learns from soft targets.",
        "zh": "网络的输出是一个 logits 向量 z，softmax 把它变成各类别的概率。在 softmax 之前把 logits 除以温度 T，"
              "类别的排序不变，但答案看起来有多确定会改变：T = 1 是模型原本的答案，T > 1 会把分布压平，让错误类别"
              "上的小概率显现出来，T < 1 则让分布更尖锐。这些小概率说明教师认为哪些错误类别彼此相似——"
              "这就是学生从软目标中学到的“暗知识”。"},
    "temperature.from_run": {"en": "Showing the teacher and the distilled student of run {run_id}.",
                             "zh": "当前显示运行 {run_id} 的教师模型和蒸馏学生模型。"},
    "temperature.from_default": {
        "en": "No finished run yet: showing the default teacher (cnn-large trained on digits).",
        "zh": "还没有完成的运行：当前显示默认的教师模型（在 digits 上训练的 cnn-large）。"},
    "temperature.no_student": {
        "en": "There is no student yet, so only the teacher is shown; finish a run on the Distill page or the home "
              "page to compare a student with it.",
        "zh": "还没有学生模型，因此只显示教师；在“蒸馏”页面或首页完成一次运行后，即可把学生与教师对比。"},
    "temperature.sample": {"en": "Test sample (0 to {n} − 1)", "zh": "测试样本（0 到 {n} − 1）"},
    "temperature.random": {"en": "🎲 Random sample", "zh": "🎲 随机样本"},
    "temperature.t": {"en": "Temperature T", "zh": "温度 T"},
    "temperature.t_help": {
        "en": "Every logit is divided by T before the softmax. Higher T: flatter probabilities, more weight on the "
              "wrong classes; the predicted class never changes.",
        "zh": "在 softmax 之前，每个 logit 都除以 T。T 越高，概率越平坦，错误类别获得的权重越多；预测的类别始终不变。"},
    "temperature.point": {"en": "The point: x₁ = {x1}, x₂ = {x2}", "zh": "该点：x₁ = {x1}，x₂ = {x2}"},
    "temperature.text": {"en": "The review: “{words}”", "zh": "这条评论：“{words}”"},
    "temperature.says": {"en": "the {model} says {answer}", "zh": "{model}的预测为 {answer}"},
    "temperature.sep": {"en": ", ", "zh": "，"},
    "temperature.truth": {"en": "True class: {label}; {said}.", "zh": "真实类别：{label}；{said}。"},
    "temperature.at_one": {"en": "At T = 1 (the model's own answer)", "zh": "T = 1 时（模型原本的答案）"},
    "temperature.at_t": {"en": "At T = {t} (the soft targets)", "zh": "T = {t} 时（软目标）"},
    "temperature.entropy_1": {"en": "Entropy at T = 1 (nats)", "zh": "T = 1 时的熵（nats）"},
    "temperature.entropy_t": {"en": "Entropy at T = {t} (nats)", "zh": "T = {t} 时的熵（nats）"},
    "temperature.dark_1": {"en": "Dark knowledge at T = 1", "zh": "T = 1 时的暗知识"},
    "temperature.dark_t": {"en": "Dark knowledge at T = {t}", "zh": "T = {t} 时的暗知识"},
    "temperature.entropy_help": {
        "en": "Entropy H = −Σ pᵢ ln pᵢ measures how spread out the probabilities are: 0 for a one-hot answer, at "
              "most ln {classes} = {max} nats when all {classes} classes are equally likely.",
        "zh": "熵 H = −Σ pᵢ ln pᵢ 衡量概率分布有多分散：答案为独热（one-hot）时为 0，"
              "{classes} 个类别等可能时达到最大值 ln {classes} = {max} nats。"},
    "temperature.dark_help": {
        "en": "Dark knowledge = 1 − p(predicted class): the probability on the other classes. It is what soft "
              "targets teach beyond the hard label, and it grows with T.",
        "zh": "暗知识 = 1 − p(预测类别)，即其余类别上的概率之和。它是软目标在硬标签之外教给学生的内容，并随 T 增大而增大。"},
    "temperature.kl": {"en": "KL(teacher ‖ student) at T = {t} (nats)", "zh": "T = {t} 时的 KL(教师 ‖ 学生)（nats）"},
    "temperature.kl_help": {
        "en": "How many extra nats it costs to describe the teacher's softened answer with the student's: 0 when they "
              "agree. The soft-target loss is α·T²·KL; the factor T² = {t2} (here T²·KL = {weighted}) keeps its "
              "gradients as large as those of the hard-label term, because softening by T shrinks them by 1/T².",
        "zh": "用学生的软化答案来描述教师的软化答案需要多付出的信息量（nats）：两者一致时为 0。软目标损失为 α·T²·KL；"
              "乘以 T² = {t2}（此处 T²·KL = {weighted}）是为了让它的梯度与硬标签项保持同一量级，"
              "因为按 T 软化会使梯度缩小为原来的 1/T²。"},
    "temperature.sweep_help": {
        "en": "The teacher's probability for each class as T goes from 0.5 to 20 (log scale); the dashed line is the "
              "current T. The order of the classes never changes — only the gaps between them shrink, towards 1/C.",
        "zh": "随着 T 从 0.5 增加到 20（对数坐标），教师对每个类别给出的概率；虚线为当前的 T。类别的排序始终不变，"
              "只是它们之间的差距不断缩小，最终趋于 1/C。"},
    "temperature.fig.class": {"en": "class", "zh": "类别"},
    "temperature.fig.probability": {"en": "probability", "zh": "概率"},
    "temperature.fig.temperature": {"en": "temperature T", "zh": "温度 T"},
    "temperature.fig.sweep_title": {"en": "The teacher's probabilities as T changes",
                                    "zh": "教师的概率随 T 的变化"},
    # --- distill ---
    "distill.share_hint": {"en": "🔗 To share these settings, copy the address bar URL: it holds every value of this "
                                 "form, so each student who opens the link starts from the same configuration.",
                           "zh": "🔗 要分享这些设置，请复制浏览器地址栏中的网址：它包含此表单的所有取值，每个打开该链接的学生"
                                 "都会从相同的配置开始。"},
    "distill.link_problem": {"en": "Link setting not applied (the default is used): {message}",
                             "zh": "链接中的设置未生效（已改用默认值）：{message}"},
    "distill.upload_header": {"en": "Load settings from a config file (JSON)", "zh": "从配置文件（JSON）载入设置"},
    "distill.upload": {"en": "Config JSON", "zh": "配置 JSON 文件"},
    "distill.upload_help": {"en": "A run's config, or a whole run record (the History page's JSON download, or "
                                  "`kdlab runs show --json`). It fills the form; nothing runs until you press Run.",
                            "zh": "一次运行的配置，或完整的运行记录（历史页面下载的 JSON，或 `kdlab runs show --json` 的输出）。"
                                  "它只会填写表单；在你点击“运行”之前不会开始任何训练。"},
    "distill.upload_invalid": {"en": "Cannot load this file, the form is unchanged: {message}",
                               "zh": "无法载入此文件，表单保持不变：{message}"},
    "distill.upload_done": {"en": "Loaded the settings from {name}.", "zh": "已从 {name} 载入设置。"},
    "distill.upload_problem": {"en": "File setting not applied (the default is used): {message}",
                               "zh": "文件中的设置未生效（已改用默认值）：{message}"},
    "distill.title": {"en": "Distill a student", "zh": "蒸馏一个学生模型"},
    "distill.intro": {"en": "Pick a dataset, a large **teacher** and a small **student**, choose how the loss weighs "
                            "each signal, and press **Run**. kdlab trains (or reuses) the teacher, then two copies of "
                            "the student from the same starting weights: a *baseline* on the true labels only, and a "
                            "*distilled* student that also learns from the teacher. Comparing the two shows what the "
                            "teacher added.",
                      "zh": "选择一个数据集、一个大的**教师**和一个小的**学生**，决定损失函数如何权衡各项信号，然后点击"
                            "**运行**。kdlab 会训练（或复用）教师，再从相同的初始权重训练两份学生：一份只用真实标签训练的"
                            "*基线*，一份同时向教师学习的*蒸馏*学生。比较两者，就能看出教师带来了什么。"},
    "distill.dataset": {"en": "Dataset", "zh": "数据集"},
    "distill.dataset_help": {"en": "Input type: {modality}. Only models that can read it are offered below.",
                             "zh": "输入类型：{modality}。下面只列出能读取这种输入的模型。"},
    "distill.modality_image": {"en": "images", "zh": "图像"},
    "distill.modality_points": {"en": "2-D points", "zh": "二维点"},
    "distill.modality_tokens": {"en": "text (word tokens)", "zh": "文本（词元）"},
    "distill.teacher": {"en": "Teacher", "zh": "教师模型"},
    "distill.teacher_help": {"en": "The large model to imitate. It is trained once and cached for every later run.",
                             "zh": "被模仿的大模型。它只训练一次，之后的运行都会复用缓存。"},
    "distill.student": {"en": "Student", "zh": "学生模型"},
    "distill.student_help": {"en": "The small model that learns; the baseline is the same model trained on labels only.",
                             "zh": "负责学习的小模型；基线是同一个模型，但只用标签训练。"},
    "distill.knobs": {"en": "Size knobs (optional)", "zh": "尺寸参数（可选）"},
    "distill.knobs_help": {"en": "Override the preset's size as key=value pairs separated by commas, e.g. hidden=64,depth=1 "
                                 "for an MLP or width=16,stages=2 for a CNN.",
                           "zh": "用逗号分隔的 key=value 覆盖预设的尺寸，例如 MLP 用 hidden=64,depth=1，CNN 用 width=16,stages=2。"},
    "distill.loss_header": {"en": "**Loss weights**", "zh": "**损失权重**"},
    "distill.temperature": {"en": "Temperature T", "zh": "温度 T"},
    "distill.temperature_help": {"en": "T divides the logits before the softmax: T = 1 is the teacher's usual, confident "
                                       "answer; a larger T flattens it and shows how likely the teacher finds each wrong "
                                       "class (the “dark knowledge”). The soft term is multiplied by T² because its "
                                       "gradients shrink like 1/T², so its weight stays comparable as T changes.",
                                 "zh": "在 softmax 之前先把 logits 除以 T：T = 1 时是教师通常那种自信的回答；T 越大，分布越平缓，"
                                       "能看出教师认为每个错误类别有多大可能（即“暗知识”）。软目标项要乘以 T²，因为它的梯度"
                                       "按 1/T² 缩小，这样改变 T 时它的权重仍然可比。"},
    "distill.alpha": {"en": "α — weight of the soft targets", "zh": "α —— 软目标的权重"},
    "distill.alpha_help": {"en": "α weighs learning from the teacher's softened outputs; 1 − α weighs the true labels. "
                                 "α = 0 trains on labels only, like the baseline.",
                           "zh": "α 是向教师软化输出学习的权重；1 − α 是真实标签的权重。α = 0 时只用标签训练，与基线相同。"},
    "distill.beta": {"en": "β — attention transfer", "zh": "β —— 注意力迁移"},
    "distill.beta_help": {"en": "β pulls the student's attention maps towards the teacher's, so it looks where the "
                                "teacher looks (0 = off).",
                          "zh": "β 把学生的注意力图拉向教师的注意力图，让学生看教师所看的地方（0 表示关闭）。"},
    "distill.beta_off": {"en": "β is off: {teacher} and {student} have no attention maps of the same kind to compare.",
                         "zh": "β 已关闭：{teacher} 和 {student} 没有同一类型、可供比较的注意力图。"},
    "distill.gamma": {"en": "γ — representation (hint) matching", "zh": "γ —— 表示（提示）匹配"},
    "distill.gamma_help": {"en": "γ pulls a hidden feature of the student, through a learned projection, towards the "
                                 "teacher's (FitNets). It works for any pair (0 = off).",
                           "zh": "γ 通过一个可学习的投影，把学生的某个隐藏特征拉向教师的对应特征（FitNets）。"
                                 "任何模型组合都可以使用（0 表示关闭）。"},
    "distill.training_header": {"en": "**Training**", "zh": "**训练**"},
    "distill.epochs": {"en": "Epochs (each student)", "zh": "训练轮数（每个学生）"},
    "distill.epochs_help": {"en": "Passes over the transfer set, for the baseline and the distilled student alike.",
                            "zh": "遍历迁移集的次数，基线和蒸馏学生相同。"},
    "distill.lr": {"en": "Learning rate", "zh": "学习率"},
    "distill.lr_help": {"en": "Step size of the optimiser for both students.", "zh": "两个学生所用优化器的步长。"},
    "distill.batch_size": {"en": "Batch size", "zh": "批大小"},
    "distill.seed": {"en": "Seed", "zh": "随机种子"},
    "distill.seed_help": {"en": "Fixes the data split and the initial weights; the same seed gives the same run.",
                          "zh": "固定数据划分和初始权重；相同的种子得到相同的运行结果。"},
    "distill.device": {"en": "Device", "zh": "设备"},
    "distill.device_auto": {"en": "auto", "zh": "自动"},
    "distill.device_cpu": {"en": "CPU", "zh": "CPU"},
    "distill.device_cuda": {"en": "GPU (CUDA)", "zh": "GPU（CUDA 显卡）"},
    "distill.device_mps": {"en": "GPU (Apple MPS)", "zh": "GPU（Apple MPS 芯片）"},
    "distill.advanced": {"en": "Advanced: the teacher", "zh": "高级：教师设置"},
    "distill.teacher_epochs": {"en": "Teacher epochs", "zh": "教师训练轮数"},
    "distill.teacher_epochs_help": {"en": "A new value trains a new teacher once; it is then cached like the others.",
                                    "zh": "换一个取值会重新训练一次教师，之后同样会被缓存。"},
    "distill.transfer_header": {"en": "**Transfer set** (what the students train on)",
                                "zh": "**迁移集**（学生用来训练的数据）"},
    "distill.fraction": {"en": "Fraction of the training data", "zh": "训练数据的比例"},
    "distill.fraction_help": {"en": "Less data makes the teacher's soft targets matter more: each example carries more "
                                    "information than its hard label.",
                              "zh": "数据越少，教师软目标的作用越大：每个样本携带的信息都比它的硬标签更多。"},
    "distill.exclude": {"en": "Classes the students never see", "zh": "学生从未见过的类别"},
    "distill.exclude_help": {"en": "Removed from the transfer set (the teacher still knows them): the distilled student "
                                   "can learn about them only from the teacher's soft targets on other examples.",
                             "zh": "从迁移集中移除（教师仍然认识它们）：蒸馏学生只能从教师对其他样本给出的软目标中了解这些类别。"},
    "distill.formula_help": {"en": "CE: cross-entropy with the true label y; KL: how far the student's softened "
                                   "distribution is from the teacher's; t, s: teacher and student logits.",
                             "zh": "CE：与真实标签 y 的交叉熵；KL：学生软化后的分布与教师的相差多远；t、s：教师和学生的 logits。"},
    "distill.run": {"en": "Run", "zh": "运行"},
    "distill.run_help": {"en": "Train in the background; you can leave this page and come back.",
                         "zh": "在后台训练；你可以离开此页面，稍后再回来。"},
    "distill.run_busy": {"en": "Your previous run is still going: stop it or wait for it to finish.",
                         "zh": "你的上一次运行仍在进行：请先停止它或等待它结束。"},
    "distill.invalid": {"en": "Cannot run: {message}", "zh": "无法运行：{message}"},
    # --- attention ---
    "attention.title": {"en": "Attention: where the models look", "zh": "注意力：模型在看哪里"},
    "attention.intro": {
        "en": "For one input, the maps of where the teacher and the student look, side by side. A transformer's "
              "attention row says how much each token (an image patch or a word) takes from every other token; the "
              "classifier reads only the CLS token, so its row shows what fed the answer. A CNN has no attention "
              "weights, so its activation map (the mean of squared activations over channels) plays that role. "
              "Attention transfer (β) trains the student to make its maps match the teacher's.",
        "zh": "针对同一个输入，并排显示教师和学生“看”的位置。Transformer 的注意力矩阵中，每一行表示一个词元"
              "（图像块或单词）从其他各个词元获取多少信息；分类器只读取 CLS 词元，所以 CLS 这一行显示了"
              "哪些内容决定了答案。CNN 没有注意力权重，由激活图（各通道激活值平方的平均）起同样的作用。"
              "注意力迁移（β）训练学生，使它的注意力图与教师的一致。"},
    "attention.no_run": {"en": "No finished run yet: start one below (or on the Distill page) to see attention maps.",
                         "zh": "还没有完成的运行：请在下方（或在“蒸馏”页面）开始一次运行，以查看注意力图。"},
    "attention.none_in_run": {
        "en": "Neither model of this run has attention maps; a run below has them in both.",
        "zh": "本次运行的两个模型都没有注意力图；下方的运行中两个模型都有。"},
    "attention.demo_image": {"en": "Run: digits, vit-small → vit-tiny, β = 100",
                             "zh": "运行：digits 数据集，vit-small → vit-tiny，β = 100"},
    "attention.demo_text": {"en": "Run: reviews, transformer-small → transformer-tiny, β = 100",
                            "zh": "运行：reviews 数据集，transformer-small → transformer-tiny，β = 100"},
    "attention.demo_help": {
        "en": "Trains a transformer teacher (once, then cached) and a smaller transformer student with attention "
              "transfer, on the CPU in a minute or two; the maps appear here when it finishes.",
        "zh": "训练一个 Transformer 教师（仅一次，之后使用缓存）和一个带注意力迁移的较小 Transformer 学生，"
              "在 CPU 上约需一到两分钟；完成后注意力图会显示在这里。"},
    "attention.demo_running": {"en": "Run {run_id} is training: {percent}% done.",
                               "zh": "运行 {run_id} 正在训练：已完成 {percent}%。"},
    "attention.demo_ended": {"en": "The run ended as {status}: {message}", "zh": "该运行以“{status}”结束：{message}"},
    "attention.from_run": {"en": "Run {run_id}: {teacher} → {student} on {dataset}.",
                           "zh": "运行 {run_id}：在 {dataset} 上，{teacher} → {student}。"},
    "attention.sample": {"en": "Test sample (0 to {n} − 1)", "zh": "测试样本（0 到 {n} − 1）"},
    "attention.sentence": {"en": "…or type a review", "zh": "……或者输入一条评论"},
    "attention.sentence_help": {
        "en": "Encoded with the run's vocabulary: words it never saw in training become <unk>. Leave empty to use "
              "the test sample.",
        "zh": "使用该运行的词表编码：训练中没见过的单词会变成 <unk>。留空则使用测试样本。"},
    "attention.sentence_placeholder": {"en": "e.g. the movie was not good but the ending was brilliant",
                                       "zh": "例如：the movie was not good but the ending was brilliant（评论须为英文）"},
    "attention.no_words": {"en": "No words found in that text; showing the test sample instead.",
                           "zh": "这段文字中没有找到单词，改为显示测试样本。"},
    "attention.words": {"en": "What the models read: “{words}”", "zh": "模型读到的内容：“{words}”"},
    "attention.truth": {"en": "True class: {label}.", "zh": "真实类别：{label}。"},
    "attention.says": {"en": "Predicts: {answer}", "zh": "预测：{answer}"},
    "attention.no_maps": {"en": "{model} has no attention maps (it neither attends nor has spatial feature maps).",
                          "zh": "{model} 没有注意力图（它既没有注意力机制，也没有空间特征图）。"},
    "attention.stage": {"en": "Stage", "zh": "阶段"},
    "attention.stage_title": {"en": "Activation map of stage {stage} ({h}×{w})",
                              "zh": "第 {stage} 阶段的激活图（{h}×{w}）"},
    "attention.spatial_help": {
        "en": "Bright = strong activations there, summed over channels (mean of squares): where this CNN stage "
              "responds. Later stages are coarser, after each 2×2 pooling.",
        "zh": "越亮表示该处的激活越强（各通道平方的平均）：即这一 CNN 阶段响应的位置。"
              "越靠后的阶段分辨率越低，因为每经过一次 2×2 池化都会减半。"},
    "attention.layer": {"en": "Layer", "zh": "层"},
    "attention.head": {"en": "Head", "zh": "注意力头"},
    "attention.average": {"en": "average of the heads", "zh": "所有头的平均"},
    "attention.cls_title": {"en": "Where the CLS token looks", "zh": "CLS 词元关注的位置"},
    "attention.cls_help": {
        "en": "The CLS row of the map, renormalised over the patches (or words) so it sums to 1: the share of what "
              "the classifier reads that comes from each one.",
        "zh": "注意力矩阵中 CLS 那一行，在图像块（或单词）上重新归一化使总和为 1：表示分类器读取的信息中来自每一处的份额。"},
    "attention.map_title": {"en": "The full attention map [query × key]", "zh": "完整的注意力矩阵 [查询 × 键]"},
    "attention.map_help": {
        "en": "Row q: how token q splits its attention over all tokens (each row sums to 1). The average of the "
              "heads is the one map that compares models with different numbers of heads.",
        "zh": "第 q 行：词元 q 如何把注意力分配给所有词元（每行之和为 1）。各头的平均是唯一能在头数不同的模型之间比较的图。"},
    "attention.beta_title": {"en": "The β term for this input", "zh": "该输入上的 β 项"},
    "attention.beta_none": {
        "en": "No β term: {teacher} and {student} have no attention maps of the same kind to compare.",
        "zh": "没有 β 项：{teacher} 和 {student} 没有同一类型、可供比较的注意力图。"},
    "attention.beta_value": {"en": "L_att on this input", "zh": "该输入上的 L_att"},
    "attention.beta_help_tokens": {
        "en": "L_att is the mean squared difference between the student's and the teacher's attention maps, each "
              "student layer paired with the teacher layer at the same relative depth (heads averaged when their "
              "numbers differ). 0 = the student looks exactly where the teacher looks; training adds β·L_att.",
        "zh": "L_att 是学生与教师注意力图之差的平方的平均；学生的每一层与教师相同相对深度的层配对"
              "（头数不同时先对头取平均）。0 表示学生看的位置与教师完全相同；训练时损失中加上 β·L_att。"},
    "attention.beta_help_spatial": {
        "en": "L_att is the mean squared difference between the student's and the teacher's activation maps, each "
              "normalised to length 1 (the larger map pooled to the smaller size), stage paired with stage at the "
              "same relative depth. 0 = the same spatial pattern; training adds β·L_att.",
        "zh": "L_att 是学生与教师激活图（各自归一化为单位长度，较大的图先池化到较小的尺寸）之差的平方的平均，"
              "按相同相对深度的阶段配对。0 表示空间分布完全相同；训练时损失中加上 β·L_att。"},
    "attention.fig.key": {"en": "key (attended to)", "zh": "键（被关注者）"},
    "attention.fig.query": {"en": "query (attending)", "zh": "查询（关注者）"},
    "attention.fig.attention_weight": {"en": "attention weight", "zh": "注意力权重"},
    "attention.fig.token": {"en": "token", "zh": "词元"},
    "attention.fig.pixel_x": {"en": "x (pixels)", "zh": "x（像素）"},
    "attention.fig.pixel_y": {"en": "y (pixels)", "zh": "y（像素）"},
    # --- compare ---
    "compare.title": {"en": "Compare teacher, baseline and distilled student", "zh": "对比教师、基线学生与蒸馏学生"},
    "compare.intro": {
        "en": "The three models of one run, measured on the same test set. The baseline and the distilled student are "
              "the same small network from the same starting weights; only the loss differs, so every difference "
              "between them is what distillation did.",
        "zh": "同一次运行中的三个模型，在同一测试集上测量。基线学生和蒸馏学生是同一个小网络、从相同的初始权重出发，"
              "只有损失函数不同，所以两者之间的每一处差别都是蒸馏带来的。"},
    "compare.source": {"en": "Run {run_id}: {dataset}, {teacher} → {student}.",
                       "zh": "运行 {run_id}：{dataset}，{teacher} → {student}。"},
    "compare.measuring": {"en": "Evaluating the three models and timing them on the CPU…",
                          "zh": "正在评估三个模型并在 CPU 上计时…"},
    "compare.table_title": {"en": "Accuracy, calibration and cost", "zh": "准确率、校准与开销"},
    "compare.col.accuracy_pct": {"en": "accuracy (%)", "zh": "准确率 (%)"},
    "compare.col.agreement_pct": {"en": "agreement with teacher (%)", "zh": "与教师一致率 (%)"},
    "compare.col.ece": {"en": "ECE", "zh": "ECE"},
    "compare.col.params": {"en": "parameters", "zh": "参数量"},
    "compare.col.size_kb": {"en": "size (KiB)", "zh": "大小 (KiB)"},
    "compare.col.latency_ms": {"en": "CPU latency (ms)", "zh": "CPU 延迟 (ms)"},
    "compare.col_help.accuracy_pct": {"en": "share of the test samples whose predicted class is the true one.",
                                      "zh": "预测类别等于真实类别的测试样本所占比例。"},
    "compare.col_help.agreement_pct": {
        "en": "share of the test samples where the model gives the teacher's answer, right or wrong (the teacher "
              "agrees with itself: 100).",
        "zh": "模型给出与教师相同答案（无论对错）的测试样本比例（教师与自己一致：100）。"},
    "compare.col_help.ece": {
        "en": "expected calibration error: the gap between how sure the model is and how often it is right, "
              "averaged over confidence bins; 0 is perfectly calibrated.",
        "zh": "期望校准误差：模型的自信程度与其实际正确率之间的差距，按置信度分箱加权平均；0 表示完全校准。"},
    "compare.col_help.params": {"en": "number of trainable weights.", "zh": "可训练权重的数量。"},
    "compare.col_help.size_kb": {"en": "memory of the weights and buffers (1 KiB = 1024 bytes), about the size of "
                                       "the saved file.",
                                 "zh": "权重与缓冲区占用的内存（1 KiB = 1024 字节），约等于保存文件的大小。"},
    "compare.col_help.latency_ms": {
        "en": "median time of one forward pass over a batch of {batch} test inputs on this server's CPU, measured "
              "once per run; it varies with how busy the server is.",
        "zh": "在本服务器 CPU 上对一批 {batch} 个测试输入做一次前向计算的时间中位数，每次运行只测一次；"
              "服务器越忙，数值越大。"},
    "compare.per_class_title": {"en": "Accuracy per class", "zh": "各类别的准确率"},
    "compare.per_class_help": {"en": "A class where the distilled student beats the baseline is one where the "
                                     "teacher's soft targets taught something the labels alone did not.",
                               "zh": "蒸馏学生胜过基线学生的类别，说明教师的软目标教会了仅靠标签学不到的东西。"},
    "compare.confusion_title": {"en": "Confusion matrices", "zh": "混淆矩阵"},
    "compare.confusion_help": {
        "en": "Rows: the true class; columns: the predicted class; each cell counts test samples. The diagonal holds "
              "the hits; an off-diagonal cell shows two classes a model mixes up. A student that copies the "
              "teacher's pattern of mistakes has learned its sense of which classes look alike.",
        "zh": "行：真实类别；列：预测类别；每个格子是测试样本数。对角线是预测正确的样本；对角线以外的格子表示模型"
              "混淆的两个类别。如果学生的错误模式与教师相似，说明它学到了教师对“哪些类别相像”的判断。"},
    "compare.calibration_title": {"en": "Calibration", "zh": "校准"},
    "compare.calibration_help": {
        "en": "Each point is one confidence bin: its mean confidence (x) against its accuracy (y); bigger markers "
              "hold more samples. On the dashed diagonal a model that says \"90% sure\" is right 90% of the time. "
              "Below it the model is over-confident. Soft targets often make a student less over-confident than "
              "its hard-label baseline.",
        "zh": "每个点是一个置信度分箱：横轴为平均置信度，纵轴为该箱的准确率；点越大，样本越多。在虚线对角线上，"
              "模型说“90% 确定”时正好有 90% 的时候是对的；低于对角线说明模型过于自信。软目标常常让学生比只用"
              "硬标签训练的基线更少过度自信。"},
    "compare.decision_title": {"en": "Decision boundaries", "zh": "决策边界"},
    "compare.decision_help": {
        "en": "The background colour is the class each model predicts at that point of the plane; the dots are the "
              "test samples coloured by their true class. A student that follows the teacher's curves, not just "
              "the labelled points, has learned the shape of the teacher's function.",
        "zh": "背景颜色是每个模型在平面上该点预测的类别；圆点是测试样本，颜色为其真实类别。如果学生的边界贴合教师的"
              "曲线，而不只是绕过有标签的点，说明它学到了教师函数的形状。"},
    "compare.fig.class": {"en": "class", "zh": "类别"},
    "compare.fig.accuracy_pct": {"en": "accuracy (%)", "zh": "准确率 (%)"},
    "compare.fig.teacher": {"en": "teacher", "zh": "教师"},
    "compare.fig.baseline": {"en": "baseline student", "zh": "基线学生"},
    "compare.fig.student": {"en": "distilled student", "zh": "蒸馏学生"},
    "compare.fig.per_class_title": {"en": "Test accuracy per class", "zh": "各类别的测试准确率"},
    "compare.fig.predicted": {"en": "predicted class", "zh": "预测类别"},
    "compare.fig.true": {"en": "true class", "zh": "真实类别"},
    "compare.fig.count": {"en": "samples", "zh": "样本数"},
    "compare.fig.perfect_calibration": {"en": "perfectly calibrated", "zh": "完全校准"},
    "compare.fig.ece": {"en": "ECE", "zh": "ECE"},
    "compare.fig.confidence": {"en": "mean confidence", "zh": "平均置信度"},
    "compare.fig.accuracy": {"en": "accuracy (fraction)", "zh": "准确率（比例）"},
    "compare.fig.reliability_title": {"en": "Reliability diagram", "zh": "可靠性图"},
    "compare.fig.feature_1": {"en": "x₁", "zh": "x₁"},
    "compare.fig.feature_2": {"en": "x₂", "zh": "x₂"},
    "compare.fig.decision_title": {"en": "Decision boundaries over the test data", "zh": "测试数据上的决策边界"},
    # --- lessons ---
    "lessons.preset_unseen": {"en": " The student never sees class {classes}.", "zh": "学生从未见过类别 {classes}。"},
    "lessons.title": {"en": "Lessons: one click, one effect", "zh": "课程：一键演示一个效应"},
    "lessons.intro": {
        "en": "Each lesson is a ready-made run that shows one classic effect of knowledge distillation. Read what to "
              "look for, press Run, and watch the run live; the numbers quoted were measured with exactly these "
              "settings, so your class should see much the same.",
        "zh": "每节课都是一个预设好的运行，用来展示知识蒸馏的一个经典效应。先读“看什么”，再点“运行”，实时观看训练；"
              "文中引用的数字正是用这些设置测得的，所以你的班级应当看到差不多的结果。"},
    "lessons.choose": {"en": "Lesson", "zh": "课程"},
    "lessons.preset": {
        "en": "Preset: {dataset}, {teacher} → {student} (student knobs: {knobs}), T = {t}, α = {alpha}, β = {beta}, "
              "{epochs} epochs, {fraction} % of the training set.",
        "zh": "预设：{dataset}，{teacher} → {student}（学生参数：{knobs}），T = {t}，α = {alpha}，β = {beta}，"
              "{epochs} 轮，使用训练集的 {fraction} %。"},
    "lessons.run": {"en": "Run this lesson", "zh": "运行本课"},
    "lessons.run_help": {
        "en": "Trains the baseline and the distilled student with the preset above: a few seconds on an idle CPU, "
              "longer when many runs share the server; a teacher that is not cached yet is trained once first.",
        "zh": "用上面的预设训练基线学生和蒸馏学生：空闲的 CPU 上只需几秒，多人共用服务器时会更久；"
              "若教师尚未缓存，会先训练一次。"},
    "lessons.open_page": {"en": "Open the {page} page", "zh": "打开“{page}”页面"},
    "lessons.temperature.title": {"en": "1 · What the temperature T does", "zh": "1 · 温度 T 的作用"},
    "lessons.temperature.text": {
        "en": "Open the Temperature page and move the T slider: dividing the logits by T never changes the winning "
              "class, but it spreads probability over the others and reveals which wrong classes the teacher finds "
              "similar. That ranking is the \"dark knowledge\" a student learns from, and the T² in the loss keeps "
              "its gradients as large as those of the labels. Run the preset first if you want the page to show a "
              "student next to the teacher.",
        "zh": "打开“温度”页面并移动 T 滑块：把 logits 除以 T 不会改变得分最高的类别，却会把概率分散到其他类别上，"
              "显示出教师认为哪些错误类别与正确答案相似。这种排序就是学生要学习的“暗知识”，而损失中的 T² "
              "让这一项的梯度与标签项保持同样大小。若想让该页面同时显示学生和教师，请先运行本课的预设。"},
    "lessons.temperature.measured": {
        "en": "Measured with this preset (seeds 0–2): distilled student 97.5–98.1 %, baseline 98.1–98.9 %. No gain on "
              "this easy task (about −0.7 points, within noise): this lesson is about T, not about accuracy.",
        "zh": "用此预设实测（随机种子 0–2）：蒸馏学生 97.5–98.1 %，基线 98.1–98.9 %。在这个简单任务上没有提升"
              "（约 −0.7 个百分点，属于噪声范围）：本课讲的是 T，而不是准确率。"},
    "lessons.dark_knowledge.title": {"en": "2 · Dark knowledge: a digit the student never sees",
                                     "zh": "2 · 暗知识：学生从未见过的数字"},
    "lessons.dark_knowledge.text": {
        "en": "Both students train on every digit except 3; the distilled one learns only from the teacher's soft "
              "targets (T = 8, α = 1). After the run, neither recognises a single 3: the distilled student never had "
              "a reason to raise its bias for 3. Then slide the bias shift below: the distilled student starts "
              "recognising 3s it has never seen, because the teacher's probabilities on other digits taught it what "
              "a 3 looks like, while the baseline stays at 0 % at any shift (Hinton et al. 2015 used +3.5).",
        "zh": "两个学生都在除 3 以外的所有数字上训练；蒸馏学生只从教师的软目标中学习（T = 8，α = 1）。运行结束后，"
              "两者一个 3 也认不出来：蒸馏学生从来没有理由提高类别 3 的偏置。接着拖动下面的偏置平移滑块："
              "蒸馏学生开始认出它从未见过的 3，因为教师在其他数字上给出的概率已经告诉它 3 长什么样；"
              "而基线学生无论怎么平移都是 0 %（Hinton 等人 2015 年用的是 +3.5）。"},
    "lessons.dark_knowledge.measured": {
        "en": "Measured (seeds 0–2): both students 88.3–88.6 % overall and 0 % of the 3s without a shift. At +5 the "
              "distilled student finds 62–73 % of the 3s (overall accuracy 93.6–94.7 %), the baseline 0 %. Too much "
              "shift steals other digits: at +8 every 3 is found but overall accuracy falls to 73–77 %.",
        "zh": "实测（随机种子 0–2）：不平移时两个学生的总体准确率都是 88.3–88.6 %，认出的 3 都是 0 %。平移 +5 时，"
              "蒸馏学生认出 62–73 % 的 3（总体准确率 93.6–94.7 %），基线仍为 0 %。平移过大会抢走其他数字："
              "+8 时所有 3 都被认出，但总体准确率降到 73–77 %。"},
    "lessons.few_labels.title": {"en": "3 · Distillation with few labels", "zh": "3 · 标签很少时的蒸馏"},
    "lessons.few_labels.text": {
        "en": "Both students see only 72 labelled digits (5 % of the training set, about 7 per class); the distilled "
              "one also gets the teacher's soft targets on those same 72 images. Compare the final test accuracies: "
              "a soft target says how much an image resembles every class, more information per example than one "
              "label, and it keeps a large student (mlp-large) from over-fitting the few examples.",
        "zh": "两个学生都只看到 72 张带标签的数字（训练集的 5 %，每类约 7 张）；蒸馏学生还能得到教师在这 72 张图上的"
              "软目标。比较最终的测试准确率：软目标告诉学生一张图与每个类别有多像，每个样本携带的信息比一个标签多，"
              "也能防止大容量学生（mlp-large）对这少量样本过拟合。"},
    "lessons.few_labels.measured": {
        "en": "Measured (seeds 0–2): distilled 88.6–91.6 %, baseline 83.6–88.9 %: +2 to +5 points, +4 on average. A "
              "moderate but consistent effect; a single run can show less.",
        "zh": "实测（随机种子 0–2）：蒸馏学生 88.6–91.6 %，基线 83.6–88.9 %：提升 2 到 5 个百分点，平均约 4 个。"
              "效应中等但稳定；单次运行可能显得小一些。"},
    "lessons.attention.title": {"en": "4 · Attention transfer on text", "zh": "4 · 文本上的注意力迁移"},
    "lessons.attention.text": {
        "en": "Two text transformers on 300 synthetic movie reviews (20 % of the set). Here α = 0: the student gets "
              "no soft targets, only the labels plus β·L_att, which pulls its attention maps towards the teacher's. "
              "Watch the attention loss fall and compare the test accuracy with the baseline, then open the "
              "Attention page to see where each model looks: with so few examples the baseline barely learns which "
              "words matter, and the teacher's maps tell the student.",
        "zh": "两个文本 Transformer，在 300 条合成影评（数据集的 20 %）上训练。这里 α = 0：学生完全不用软目标，"
              "只有标签加上 β·L_att，后者把它的注意力图拉向教师的注意力图。观察注意力损失的下降，并与基线比较测试"
              "准确率，然后打开“注意力”页面看看每个模型关注哪里：样本这么少时，基线几乎学不会哪些词重要，"
              "而教师的注意力图直接告诉了学生。"},
    "lessons.attention.measured": {
        "en": "Measured (seeds 0–2): distilled 75–98 %, baseline 55–74 %: +17 to +24 points, a large effect. "
              "In one try with soft targets alone (α = 0.5, β = 0) the student did not beat the baseline.",
        "zh": "实测（随机种子 0–2）：蒸馏学生 75–98 %，基线 55–74 %：提升 17 到 24 个百分点，效应很大。"
              "我们试过一次只用软目标（α = 0.5，β = 0），学生并没有超过基线。"},
    "lessons.capacity_gap.title": {"en": "5 · A capacity gap: when distillation cannot help",
                                   "zh": "5 · 容量差距：蒸馏帮不上忙的时候"},
    "lessons.capacity_gap.text": {
        "en": "A student with only 3 hidden units must separate three interleaved spirals, taught by a 3-layer MLP "
              "that gets 99 %. Open the Compare page to see the decision boundaries: 3 units can only cut the plane "
              "with a few nearly straight lines, so no teacher can make this student draw a spiral. Distillation "
              "transfers knowledge, not capacity: when the student cannot represent the teacher's function, soft "
              "targets have nothing to add.",
        "zh": "一个只有 3 个隐藏单元的学生要分开三条交错的螺旋线，教它的是准确率 99 % 的三层 MLP。打开“对比”页面"
              "查看决策边界：3 个单元只能用几条近似直线切分平面，任何教师都无法让这个学生画出螺旋。蒸馏传递的是"
              "知识而不是容量：当学生根本无法表示教师的函数时，软目标也无能为力。"},
    "lessons.capacity_gap.measured": {
        "en": "Measured (seeds 0–2): teacher 99.3–99.7 %, distilled 55.0–57.7 %, baseline 54.3–58.7 %: a difference "
              "of −2 to +1 points, i.e. no effect (within noise).",
        "zh": "实测（随机种子 0–2）：教师 99.3–99.7 %，蒸馏学生 55.0–57.7 %，基线 54.3–58.7 %：差别在 −2 到 +1 个"
              "百分点之间，也就是没有效果（在噪声范围内）。"},
    "lessons.shift_title": {"en": "Raise the bias of class {cls}", "zh": "提高类别 {cls} 的偏置"},
    "lessons.shift": {"en": "Shift added to the logit of class {cls}", "zh": "加到类别 {cls} 的 logit 上的平移量"},
    "lessons.shift_help": {
        "en": "The student never saw a {cls}, so nothing taught it how often {cls}s occur and its {cls}-logit stays "
              "too low. Adding a constant to that one logit fixes only the bias; what a {cls} looks like must already "
              "be in the weights.",
        "zh": "学生从未见过 {cls}，没有任何东西告诉它 {cls} 出现得有多频繁，所以它对 {cls} 的 logit 一直偏低。"
              "给这一个 logit 加上常数只修正偏置；“{cls} 长什么样”必须已经学进了权重里。"},
    "lessons.recall_at": {"en": "{model}: {cls}s recognised", "zh": "{model}：认出的 {cls}"},
    "lessons.accuracy_at": {"en": "{model}: accuracy on all digits", "zh": "{model}：全部数字上的准确率"},
    "lessons.shift_chart_help": {
        "en": "Solid lines: the share of test {cls}s each student recognises at each shift; dotted lines: its accuracy "
              "on all test digits. The baseline's line stays at 0: its weights hold nothing about {cls}s to unlock. "
              "The best shift is where the dotted line peaks; beyond it, look-alikes of other digits become {cls}s.",
        "zh": "实线：在各个平移量下，每个学生认出的测试集中 {cls} 的比例；虚线：它在全部测试数字上的准确率。"
              "基线的实线一直为 0：它的权重里没有任何关于 {cls} 的知识可以被释放。虚线最高处就是最佳平移量；"
              "超过它，其他数字中与 {cls} 相像的样本也会被判成 {cls}。"},
    "lessons.fig.student": {"en": "distilled student", "zh": "蒸馏学生"},
    "lessons.fig.baseline": {"en": "baseline student", "zh": "基线学生"},
    "lessons.fig.recall": {"en": "{cls}s recognised", "zh": "认出的 {cls}"},
    "lessons.fig.overall_accuracy": {"en": "accuracy on all digits", "zh": "全部数字的准确率"},
    "lessons.fig.logit_shift": {"en": "shift added to the logit of class {cls}",
                                "zh": "加到类别 {cls} 的 logit 上的平移量"},
    "lessons.fig.recall_pct": {"en": "share of the test samples (%)", "zh": "测试样本比例 (%)"},
    "lessons.fig.bias_shift_title": {"en": "Recognising an unseen class as its bias grows",
                                     "zh": "随偏置增大识别未见过的类别"},
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
    "history.import_help": {"en": "Upload its config JSON (a run JSON downloaded here, or `kdlab runs export --what "
                                  "config`) and its weights file; the accuracies are recomputed here on the test set.",
                            "zh": "上传它的配置 JSON（本页下载的运行 JSON，或 `kdlab runs export --what config` 的输出）"
                                  "以及权重文件；准确率会在这里用测试集重新计算。"},
    "history.import_config": {"en": "Config JSON", "zh": "配置 JSON"},
    "history.import_weights": {"en": "Weights (.pt)", "zh": "权重（.pt）"},
    "history.import_button": {"en": "Import", "zh": "导入"},
    "history.import_missing": {"en": "Choose both files first.", "zh": "请先选择两个文件。"},
    "history.imported": {"en": "Imported as run {run_id}.", "zh": "已导入为运行 {run_id}。"},
    "history.import_failed": {"en": "Not imported: {message}", "zh": "未导入：{message}"},
    "history.status.queued": {"en": "queued", "zh": "排队中"},
    "history.status.running": {"en": "running", "zh": "运行中"},
    "history.status.finished": {"en": "finished", "zh": "已完成"},
    "history.status.failed": {"en": "failed", "zh": "失败"},
    "history.status.cancelled": {"en": "cancelled", "zh": "已取消"},
    "history.status.interrupted": {"en": "interrupted", "zh": "已中断"},
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
    "live.title": {"en": "Run {run_id}", "zh": "运行 {run_id}"},
    "live.missing": {"en": "Run {run_id} no longer exists (it was deleted).", "zh": "运行 {run_id} 已不存在（已被删除）。"},
    "live.queued": {"en": "Queued: number {position} in line. The server trains a few runs at a time.",
                    "zh": "排队中：第 {position} 位。服务器同时只训练少数几个运行。"},
    "live.queued_soon": {"en": "Queued: starting in a moment…", "zh": "排队中：马上开始…"},
    "live.running_start": {"en": "Loading the data and the teacher…", "zh": "正在加载数据和教师模型…"},
    "live.running_baseline": {"en": "Training the baseline student on the true labels only…",
                              "zh": "正在只用真实标签训练基线学生…"},
    "live.running_student": {"en": "Distilling: the student learns from the labels and the teacher…",
                             "zh": "正在蒸馏：学生同时向标签和教师学习…"},
    "live.progress": {"en": "{percent}% done", "zh": "已完成 {percent}%"},
    "live.stop": {"en": "Stop", "zh": "停止"},
    "live.stop_help": {"en": "Stop this run after the current step; what it has logged so far stays.",
                       "zh": "在当前这一步之后停止运行；已记录的内容会保留。"},
    "live.stopping": {"en": "Stopping…", "zh": "正在停止…"},
    "live.failed": {"en": "The run failed: {message}", "zh": "运行失败：{message}"},
    "live.cancelled": {"en": "The run was stopped (cancelled) before it finished.", "zh": "运行在完成前被停止（已取消）。"},
    "live.interrupted": {"en": "The run was interrupted: the server stopped while it was training.",
                         "zh": "运行被中断：训练期间服务器停止了。"},
    "live.curves_help": {"en": "Solid lines: the distilled student; dashed: the baseline; dotted: the teacher. Agreement "
                               "is how often a student gives the same answer as the teacher, right or wrong.",
                         "zh": "实线：蒸馏学生；虚线：基线；点线：教师。一致率是学生与教师给出相同答案的比例，不论对错。"},
    "live.col_accuracy": {"en": "test accuracy (%)", "zh": "测试准确率 (%)"},
    "live.col_params": {"en": "parameters", "zh": "参数量"},
    "live.col_size": {"en": "size (KB)", "zh": "大小 (KB)"},
    "live.col_time": {"en": "training time (s)", "zh": "训练时间 (秒)"},
    "live.table_help": {"en": "Accuracy on the held-out test set; size = parameters and buffers in memory; trained on {device}.",
                        "zh": "准确率在留出的测试集上测得；大小 = 内存中的参数和缓冲区；训练设备：{device}。"},
    "live.teacher_cached": {"en": "The teacher came from the cache: its time is how long it took when first trained.",
                            "zh": "教师来自缓存：它的时间是第一次训练时所用的时间。"},
    "live.verdict_helped": {"en": "Distillation helped: the distilled student beat the baseline by {gain} points. "
                                  "{size} {gap}",
                            "zh": "蒸馏有效：蒸馏学生比基线高出 {gain} 个百分点。{size}{gap}"},
    "live.verdict_no_difference": {"en": "No clear difference: the distilled student and the baseline are {gain} points "
                                         "apart, within ±{band}, which seed-to-seed noise alone can explain. {size} {gap}",
                                   "zh": "没有明显差别：蒸馏学生与基线相差 {gain} 个百分点，在 ±{band} 以内，"
                                         "仅随机种子不同就可能造成这样的差异。{size}{gap}"},
    "live.verdict_hurt": {"en": "Distillation hurt here: the distilled student is {gain} points below the baseline. "
                                "{size} {gap} Try another T or α, or more epochs.",
                          "zh": "这次蒸馏起了反作用：蒸馏学生比基线低 {gain} 个百分点。{size}{gap}"
                                "可以换一个 T 或 α，或增加训练轮数再试。"},
    "live.verdict_no_baseline": {"en": "The distilled student reached {acc}% test accuracy (no baseline was trained to "
                                       "compare with). {size} {gap}",
                                 "zh": "蒸馏学生的测试准确率为 {acc}%（本次没有训练基线，无法比较）。{size}{gap}"},
    "live.size_smaller": {"en": "It has {ratio}× fewer parameters than the teacher.",
                          "zh": "它的参数量只有教师的 1/{ratio}。"},
    "live.size_same": {"en": "It has about as many parameters as the teacher.", "zh": "它的参数量与教师大致相同。"},
    "live.size_larger": {"en": "It has {ratio}× more parameters than the teacher.", "zh": "它的参数量是教师的 {ratio} 倍。"},
    "live.gap_behind": {"en": "It is {gap} points behind the teacher.", "zh": "它比教师低 {gap} 个百分点。"},
    "live.gap_ahead": {"en": "It even beats the teacher by {gap} points.", "zh": "它甚至比教师高出 {gap} 个百分点。"},
    "live.fig.epoch": {"en": "epoch", "zh": "轮次"},
    "live.fig.step": {"en": "training step", "zh": "训练步数"},
    "live.fig.loss": {"en": "loss (nats)", "zh": "损失 (nats)"},
    "live.fig.test_accuracy": {"en": "test accuracy (%)", "zh": "测试准确率 (%)"},
    "live.fig.agreement": {"en": "agreement with the teacher (%)", "zh": "与教师的一致率 (%)"},
    "live.fig.accuracy_pct": {"en": "accuracy (%)", "zh": "准确率 (%)"},
    "live.fig.class": {"en": "class", "zh": "类别"},
    "live.fig.teacher": {"en": "teacher", "zh": "教师"},
    "live.fig.baseline": {"en": "baseline", "zh": "基线"},
    "live.fig.student": {"en": "distilled student", "zh": "蒸馏学生"},
    "live.fig.ce": {"en": "cross-entropy", "zh": "交叉熵"},
    "live.fig.soft": {"en": "soft targets", "zh": "软目标"},
    "live.fig.attention": {"en": "attention", "zh": "注意力"},
    "live.fig.representation": {"en": "representation", "zh": "表示"},
    "live.fig.relational": {"en": "relational", "zh": "关系"},
    "live.fig.total": {"en": "total", "zh": "总计"},
    "live.fig.loss_title": {"en": "Training loss", "zh": "训练损失"},
    "live.fig.accuracy_title": {"en": "Test accuracy", "zh": "测试准确率"},
    "live.fig.agreement_title": {"en": "Agreement with the teacher", "zh": "与教师的一致率"},
    "live.fig.per_class_title": {"en": "Accuracy per class", "zh": "各类别的准确率"},
}


def t(key: str, lang: str = "en", **values) -> str:
    entry = TEXT[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
