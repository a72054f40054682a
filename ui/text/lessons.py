"""Texts of the Lessons page: each lesson's title, story and what to look for."""

TEXT: dict[str, dict[str, str]] = {
    "lessons.preset_unseen": {"en": " The student never sees class {classes}.", "zh": "学生模型从未见过类别 {classes"
                                                                                      "}。"},
    "lessons.title": {"en": "Lessons: one click, one effect", "zh": "实验课：一键演示一个效应"},
    "lessons.intro": {
        "en": "Each lesson is a ready-made run that shows one classic effect of knowledge distillation. Read what to "
              "look for, press Run, and watch the run live; the numbers quoted were measured with exactly these "
              "settings, so your class should see much the same.",
        "zh": "每节实验课都是一个预设好的实验，展示知识蒸馏的一个典型效应。先读清楚要观察什么，再点击“运行本课”，"
              "实时观看训练过程；文中引用的数字正是用这些设置测得的，所以全班同学看到的结果应当相差不大。"},
    "lessons.choose": {"en": "Lesson", "zh": "实验课"},
    "lessons.preset": {
        "en": "Preset: {dataset}, {teacher} → {student} (student knobs: {knobs}), T = {t}, α = {alpha}, β = {beta}, "
              "{epochs} epochs, {fraction} % of the training set.",
        "zh": "预设：{dataset}，{teacher} → {student}（学生模型的规模设置：{knobs}），T = {t}，α = {alpha}，β = "
              "{beta}，{epochs} 轮，使用训练集的 {fraction} %。"},
    "lessons.run": {"en": "Run this lesson", "zh": "运行本课"},
    "lessons.run_help": {
        "en": "Trains the baseline and the distilled student with the preset above: a few seconds on an idle CPU, "
              "longer when many runs share the server; a teacher that is not cached yet is trained once first.",
        "zh": "用上面的预设训练基线学生和蒸馏学生：空闲的 CPU 上只需几秒，多个实验共用服务器时会更久；"
              "若教师模型尚未缓存，会先训练一次。"},
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
              "让蒸馏损失的梯度与交叉熵损失的梯度保持同样大小。若想让该页面同时显示学生和教师，请先运行本课的预设。"},
    "lessons.temperature.measured": {
        "en": "Measured with this preset (seeds 0–2): distilled student 97.5–98.1 %, baseline 98.1–98.9 %. No gain on "
              "this easy task (about −0.7 points, within noise): this lesson is about T, not about accuracy.",
        "zh": "用此预设实测（随机种子 0–2）：蒸馏学生 97.5–98.1 %，基线 98.1–98.9 %。在这个简单任务上没有提升"
              "（约 −0.7 个百分点，属于噪声范围）：本课讲的是 T，而不是准确率。"},
    "lessons.dark_knowledge.title": {"en": "2 · Dark knowledge: a digit the student never sees",
                                     "zh": "2 · 暗知识：学生模型从未见过的数字"},
    "lessons.dark_knowledge.text": {
        "en": "Both students train on every digit except 3; the distilled one learns only from the teacher's soft "
              "targets (T = 8, α = 1). After the run, neither recognises a single 3: the distilled student never had "
              "a reason to raise its bias for 3. Then slide the bias shift below: the distilled student starts "
              "recognising 3s it has never seen, because the teacher's probabilities on other digits taught it what "
              "a 3 looks like, while the baseline stays at 0 % at any shift (Hinton et al. 2015 used +3.5).",
        "zh": "两个学生模型都在除 3 以外的所有数字上训练；蒸馏学生只从教师的软目标中学习（T = 8，α = 1）。训练结束后，"
              "两者一个 3 也认不出来：蒸馏学生从来没有理由提高类别 3 的偏置。接着拖动下面的偏置平移滑块："
              "蒸馏学生开始认出它从未见过的 3，因为教师在其他数字上给出的概率已经告诉它 3 长什么样；而基线学生无论怎么"
              "平移都是 0 %（Hinton 等人 2015 年用的是 +3.5）。"},
    "lessons.dark_knowledge.measured": {
        "en": "Measured (seeds 0–2): both students 88.3–88.6 % overall and 0 % of the 3s without a shift. At +5 the "
              "distilled student finds 62–73 % of the 3s (overall accuracy 93.6–94.7 %), the baseline 0 %. Too much "
              "shift steals other digits: at +8 every 3 is found but overall accuracy falls to 73–77 %.",
        "zh": "实测（随机种子 0–2）：不平移时，两个学生的总体准确率都是 88.3–88.6 %，对 3 的识别率都是 0 %。平移 +5 "
              "时，蒸馏学生对 3 的识别率为 62–73 %（总体准确率 93.6–94.7 %），基线学生仍为 0 %。平移过大会抢走其他数"
              "字：+8 时所有 3 都被认出，但总体准确率降到 73–77 %。"},
    "lessons.few_labels.title": {"en": "3 · Distillation with few labels", "zh": "3 · 标签很少时的蒸馏"},
    "lessons.few_labels.text": {
        "en": "Both students see only 72 labelled digits (5 % of the training set, about 7 per class); the distilled "
              "one also gets the teacher's soft targets on those same 72 images. Compare the final test accuracies: "
              "a soft target says how much an image resembles every class, more information per example than one "
              "label, and it keeps a large student (mlp-large) from over-fitting the few examples.",
        "zh": "两个学生模型都只看到 72 张带标签的数字（训练集的 5 %，每类约 7 张）；蒸馏学生还能得到教师在这 72 "
              "张图上的软目标。比较最终的测试准确率：软目标告诉学生一张图与每个类别有多像，每个样本携带的信息比一个标"
              "签多，也能防止大容量的学生模型（mlp-large）对这少量样本过拟合。"},
    "lessons.few_labels.measured": {
        "en": "Measured (seeds 0–2): distilled 88.6–91.6 %, baseline 83.6–88.9 %: +2 to +5 points, +4 on average. A "
              "moderate but consistent effect; a single run can show less.",
        "zh": "实测（随机种子 0–2）：蒸馏学生 88.6–91.6 %，基线学生 83.6–88.9 %：提升 2 到 5 个百分点，平均约 4 个。"
              "效应中等但稳定；单个实验的提升可能小一些。"},
    "lessons.attention.title": {"en": "4 · Attention transfer on text", "zh": "4 · 文本上的注意力迁移"},
    "lessons.attention.text": {
        "en": "Two text transformers on 300 synthetic movie reviews (20 % of the set). Here α = 0: the student gets "
              "no soft targets, only the labels plus β·L_att, which pulls its attention maps towards the teacher's. "
              "Watch the attention loss fall and compare the test accuracy with the baseline, then open the "
              "Attention page to see where each model looks: with so few examples the baseline barely learns which "
              "words matter, and the teacher's maps tell the student.",
        "zh": "两个文本 Transformer，在 300 条合成影评（数据集的 20 %）上训练。这里 α = 0：学生完全不用软目标，"
              "只有标签加上 β·L_att，后者让它的注意力图向教师的注意力图靠拢。观察注意力迁移损失的下降，"
              "并与基线学生比较测试准确率，然后打开“注意力”页面，看看每个模型关注哪里：样本这么少时，"
              "基线学生几乎学不会哪些词重要，而教师的注意力图直接告诉了学生。"},
    "lessons.attention.measured": {
        "en": "Measured (seeds 0–2): distilled 75–98 %, baseline 55–74 %: +17 to +24 points, a large effect. "
              "In one try with soft targets alone (α = 0.5, β = 0) the student did not beat the baseline.",
        "zh": "实测（随机种子 0–2）：蒸馏学生 75–98 %，基线学生 55–74 %：提升 17 到 24 个百分点，效应很大。"
              "我们试过一次只用软目标（α = 0.5，β = 0），学生并没有超过基线学生。"},
    "lessons.capacity_gap.title": {"en": "5 · A capacity gap: when distillation cannot help",
                                   "zh": "5 · 容量差距：蒸馏帮不上忙的时候"},
    "lessons.capacity_gap.text": {
        "en": "A student with only 3 hidden units must separate three interleaved spirals, taught by a 3-layer MLP "
              "that gets 99 %. Open the Compare page to see the decision boundaries: 3 units can only cut the plane "
              "with a few nearly straight lines, so no teacher can make this student draw a spiral. Distillation "
              "transfers knowledge, not capacity: when the student cannot represent the teacher's function, soft "
              "targets have nothing to add.",
        "zh": "一个只有 3 个隐藏单元的学生模型要分开三条交错的螺旋线，教它的是准确率 99 % 的三层 MLP。打开“对比”"
              "页面查看决策边界：3 个单元只能用几条近似直线切分平面，任何教师都无法让这个学生画出螺旋。"
              "蒸馏传递的是知识而不是容量：当学生根本无法表示教师的函数时，软目标也无能为力。"},
    "lessons.capacity_gap.measured": {
        "en": "Measured (seeds 0–2): teacher 99.3–99.7 %, distilled 55.0–57.7 %, baseline 54.3–58.7 %: a difference "
              "of −2 to +1 points, i.e. no effect (within noise).",
        "zh": "实测（随机种子 0–2）：教师 99.3–99.7 %，蒸馏学生 55.0–57.7 %，基线学生 54.3–58.7 %：差别在 −2 到 +1 "
              "个百分点之间，也就是没有效果（在噪声范围内）。"},
    "lessons.shift_title": {"en": "Raise the bias of class {cls}", "zh": "提高类别 {cls} 的偏置"},
    "lessons.shift": {"en": "Shift added to the logit of class {cls}", "zh": "加到类别 {cls} 的 logit 上的平移量"},
    "lessons.shift_help": {
        "en": "The student never saw a {cls}, so nothing taught it how often {cls}s occur and its {cls}-logit stays "
              "too low. Adding a constant to that one logit fixes only the bias; what a {cls} looks like must already "
              "be in the weights.",
        "zh": "学生从未见过 {cls}，没有任何东西告诉它 {cls} 出现得有多频繁，所以它对 {cls} 的 logit 一直偏低。"
              "给这一个 logit 加上常数只修正偏置；“{cls} 长什么样”必须已经学进了权重里。"},
    "lessons.recall_at": {"en": "{model}: {cls}s recognised", "zh": "{model}：{cls} 的识别率"},
    "lessons.accuracy_at": {"en": "{model}: accuracy on all digits", "zh": "{model}：全部数字上的准确率"},
    "lessons.shift_chart_help": {
        "en": "Solid lines: the share of test {cls}s each student recognises at each shift; dotted lines: its accuracy "
              "on all test digits. The baseline's line stays at 0: its weights hold nothing about {cls}s to unlock. "
              "The best shift is where the dotted line peaks; beyond it, look-alikes of other digits become {cls}s.",
        "zh": "实线：在各个平移量下，每个学生对测试集中 {cls} 的识别率；点线：它在全部测试数字上的准确率。"
              "基线学生的实线一直为 0：它的权重里没有任何关于 {cls} 的知识可以被释放。点线最高处就是最佳平移量；"
              "超过它，其他数字中与 {cls} 相像的样本也会被判成 {cls}。"},
    "lessons.fig.student": {"en": "distilled student", "zh": "蒸馏学生"},
    "lessons.fig.baseline": {"en": "baseline student", "zh": "基线学生"},
    "lessons.fig.recall": {"en": "{cls}s recognised", "zh": "{cls} 的识别率"},
    "lessons.fig.overall_accuracy": {"en": "accuracy on all digits", "zh": "全部数字的准确率"},
    "lessons.fig.logit_shift": {"en": "shift added to the logit of class {cls}",
                                "zh": "加到类别 {cls} 的 logit 上的平移量"},
    "lessons.fig.recall_pct": {"en": "share of the test samples (%)", "zh": "测试样本比例（%）"},
    "lessons.fig.bias_shift_title": {"en": "Recognising an unseen class as its bias grows",
                                     "zh": "偏置增大时对未见过类别的识别"},
}
