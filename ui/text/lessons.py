"""Texts of the Lessons page: each lesson's title, story and what to look for."""

TEXT: dict[str, dict[str, str]] = {
    "lessons.preset_unseen": {"en": " The student never sees class {classes}.", "zh": "学生模型从未见过类别 {classes"
                                                                                      "}。"},
    "lessons.title": {"en": "Lessons: one click, one effect", "zh": "实验课：一键演示一个效应"},
    "lessons.intro": {
        "en": "Each lesson is a ready-made run that shows one classic effect of knowledge distillation, and states "
              "its claim. Every number shown was measured by `python3 -m kdlab lessons verify` with exactly these "
              "settings over several seeds; predict the outcome, press Run and watch the run live.",
        "zh": "每节实验课都是一个预设好的实验，展示知识蒸馏的一个典型效应，并给出它的结论。页面上的每个数字都由 "
              "`python3 -m kdlab lessons verify` 用完全相同的设置在多个随机种子上实测得到；先预测结果，再点击"
              "“运行本课”，实时观看训练过程。"},
    "lessons.choose": {"en": "Lesson", "zh": "实验课"},
    "lessons.preset": {
        "en": "Preset: {dataset}, {teacher} → {student}{knobs}, T = {t}, {weights}, {epochs} epochs, {fraction} % of "
              "the training set.",
        "zh": "预设：{dataset}，{teacher} → {student}{knobs}，T = {t}，{weights}，{epochs} 轮，使用训练集的 {fraction} %。"},
    "lessons.preset_knobs": {"en": " (student knobs: {knobs})", "zh": "（学生模型的规模设置：{knobs}）"},  # or none
    "lessons.run": {"en": "Run this lesson", "zh": "运行本课"},
    "lessons.run_help": {
        "en": "Trains the baseline and the distilled student with the preset above: a few seconds on an idle CPU, "
              "longer when many runs share the server; a teacher that is not cached yet is trained once first.",
        "zh": "用上面的预设训练基线学生和蒸馏学生：空闲的 CPU 上只需几秒，多个实验共用服务器时会更久；"
              "若教师模型尚未缓存，会先训练一次。"},
    "lessons.open_page": {"en": "Open the {page} page", "zh": "打开“{page}”页面"},
    "lessons.preset_teachers": {"en": " Teachers: {teachers}.", "zh": " 教师模型：{teachers}。"},
    "lessons.preset_noise": {"en": " {pct} % of the students' labels are wrong (the teacher's are not).",
                             "zh": " 学生训练集中 {pct} % 的标签是错的（教师的标签没有错）。"},
    "lessons.temperature.title": {"en": "1 · What the temperature T does, and why it depends on the teacher",
                                  "zh": "1 · 温度 T 的作用，以及它为何取决于教师"},
    "lessons.temperature.setup": {
        "en": "Dividing a teacher's logits by a temperature T spreads probability over the wrong classes. Two teachers "
              "of the same digits are set side by side here, cnn-large and mlp-large: does the same T leave both "
              "with something to teach? Open the Temperature page and move the T slider while you think about it.",
        "zh": "把教师的 logits 除以温度 T，会把概率分散到错误类别上。这里并排比较同一批数字上的两个教师：cnn-large "
              "和 mlp-large。同一个 T 是否让两者都还有东西可教？思考时可以打开“温度”页面移动 T 滑块。"},
    "lessons.temperature.text": {
        "en": "Open the Temperature page and move the T slider: dividing the logits by T never changes the winning "
              "class, but it spreads probability over the others and reveals which wrong classes the teacher finds "
              "similar. That ranking is the \"dark knowledge\" a student learns from, and the T² in the loss keeps "
              "its gradients as large as those of the labels. How fast the soft targets flatten depends on how "
              "spread out the teacher's logits are: a teacher with small logits (cnn-large) is all but uniform "
              "at a T where one with large logits (mlp-large) still says a lot. The T that suits one teacher "
              "leaves another's soft targets empty; logit standardisation (Sun et al., CVPR 2024) divides each "
              "answer by its own spread for this reason.",
        "zh": "打开“温度”页面并移动 T 滑块：把 logits 除以 T 不会改变得分最高的类别，却会把概率分散到其他类别上，"
              "显示出教师认为哪些错误类别与正确答案相似。这种排序就是学生要学习的“暗知识”，而损失中的 T² "
              "让蒸馏损失的梯度与交叉熵损失的梯度保持同样大小。软目标变平的速度取决于教师 logits 的分散程度："
              "logits 较小的教师（cnn-large）在某个 T 下已几乎均匀，而 logits 较大的教师（mlp-large）在同一 T 下"
              "仍携带大量信息。适合一个教师的 T 会让另一个教师的软目标变空；正因如此，logit 标准化（Sun 等，CVPR 2024）"
              "把每个输出除以它自身的分散程度。"},
    "lessons.dark_knowledge.title": {"en": "2 · Dark knowledge: a digit the student never sees",
                                     "zh": "2 · 暗知识：学生模型从未见过的数字"},
    "lessons.dark_knowledge.setup": {
        "en": "Both students train on every digit except 3; the distilled one learns only from the teacher's soft "
              "targets (α = 1) at a high T, on those same images. Neither ever sees a 3, yet the test set has 3s.",
        "zh": "两个学生模型都在除 3 以外的所有数字上训练；蒸馏学生只在较高的 T 下、在同样的图像上从教师的软目标中学习"
              "（α = 1）。两个学生都从未见过 3，而测试集里有 3。"},
    "lessons.dark_knowledge.text": {
        "en": "Both students train on every digit except 3; the distilled one learns only from the teacher's soft "
              "targets (α = 1) at a high T. As in Hinton et al. (2015, §3), the distilled student recognises most "
              "test 3s with no correction at all: the teacher's probabilities on other digits (how much a 5 or an 8 "
              "looks like a 3) taught it what a 3 looks like, while the baseline never predicts a 3. The paper's "
              "next step is the bias shift below: the student never saw how often 3s occur, so raising its "
              "3-logit recovers the rest. Last, two teachers side by side: the same lesson with cnn-large, whose "
              "logits are too flat at this T for its soft targets to carry anything about 3s.",
        "zh": "两个学生模型都在除 3 以外的所有数字上训练；蒸馏学生只在较高的 T 下从教师的软目标中学习（α = 1）。"
              "与 Hinton 等（2015，§3）一样，蒸馏学生不需要任何修正就能认出大部分测试集中的 3：教师在其他数字上给"
              "出的概率（一个 5 或 8 有多像 3）已经告诉它 3 长什么样，而基线学生从不预测 3。论文的第二步是下面的偏置"
              "平移：学生从未见过 3 出现得有多频繁，提高它对 3 的 logit 能找回剩下的 3。最后并排比较两个教师：同样的"
              "实验换成 cnn-large，它的 logits 在这个 T 下太平，软目标里没有关于 3 的任何信息。"},
    "lessons.few_labels.title": {"en": "3 · Distillation with few labels", "zh": "3 · 标签很少时的蒸馏"},
    "lessons.few_labels.setup": {
        "en": "Both students see only a small slice of the training set, a handful of digits per class; the "
              "distilled one also gets the teacher's soft targets on those same images.",
        "zh": "两个学生模型都只看到训练集的一小部分，每类只有几张数字；蒸馏学生还能得到教师在这些图上的软目标。"},
    "lessons.few_labels.text": {
        "en": "Both students see only a small slice of the training set, a handful of digits per class; the "
              "distilled one also gets the teacher's soft targets on those same images. Compare the final test "
              "accuracies: a soft target says how much an image resembles every class, more information per "
              "example than one label, and it keeps a large student (mlp-large) from over-fitting the few examples. "
              "One run's gain is a few dozen images at most, so read the paired test over the seeds below.",
        "zh": "两个学生模型都只看到训练集的一小部分，每类只有几张数字；蒸馏学生还能得到教师在这些图上的软目标。"
              "比较最终的测试准确率：软目标告诉学生一张图与每个类别有多像，每个样本携带的信息比一个标签多，也能防止"
              "大容量的学生模型（mlp-large）对这少量样本过拟合。单次实验的提升最多只有几十张图，所以请看下面跨随机种子"
              "的配对检验。"},
    "lessons.label_noise.title": {"en": "4 · Wrong labels: distillation as a regulariser",
                                  "zh": "4 · 错误标签：蒸馏作为正则化"},
    "lessons.label_noise.setup": {
        "en": "Most of the students' training labels are flipped to a wrong class, the same ones for both, chosen "
              "by the seed. The teacher learned from clean labels, and the distilled student also gets its soft "
              "targets.",
        "zh": "学生训练集中的大部分标签被随机改成了错误类别（两个学生相同，由随机种子决定）。教师是用干净标签训练的，"
              "蒸馏学生还能得到它的软目标。"},
    "lessons.label_noise.text": {
        "en": "Most of the students' training labels are flipped to a wrong class, the same ones for both, chosen "
              "by the seed. The baseline can only fit what it is told; the distilled student also follows the "
              "teacher's soft targets, which were learned from clean labels and do not change when a label is "
              "wrong, so they pull it back towards the right class. Soft targets act as a regulariser here.",
        "zh": "学生训练集中的大部分标签被随机改成了错误类别（两个学生相同，由随机种子决定）。基线学生只能拟合它"
              "被告知的内容；蒸馏学生还跟随教师的软目标，而教师是用干净标签训练的，标签错了它的软目标也不会变，"
              "于是把学生拉回正确的类别。在这里，软目标起到了正则化的作用。"},
    "lessons.several_teachers.title": {"en": "5 · Several teachers against one", "zh": "5 · 多个教师与单个教师"},
    "lessons.several_teachers.setup": {
        "en": "The few-labels setting again, but the distilled student learns from the mean of two teachers' "
              "softened answers (cnn-large and mlp-large) instead of cnn-large alone. It is compared with the "
              "one-teacher student trained on the same data from the same initial weights.",
        "zh": "仍是“标签很少”的设置，但蒸馏学生学习的是两个教师（cnn-large 和 mlp-large）软化后的答案的平均，而不是只学"
              "cnn-large。比较对象是用同样数据、同样初始权重训练的单教师蒸馏学生。"},
    "lessons.several_teachers.text": {
        "en": "The few-labels setting again, but the distilled student learns from the mean of two teachers' "
              "softened answers (cnn-large and mlp-large) instead of cnn-large alone. Averaging teachers that err "
              "differently can give a better target, yet here it does not measurably help: cnn-large is right on "
              "nearly every test digit, so mlp-large's answers have little to add, and the two-teacher student is no "
              "better than the one-teacher student trained on the same data from the same initial weights (measured "
              "below). Another teacher pays off when it knows what the first one gets wrong.",
        "zh": "仍是“标签很少”的设置，但蒸馏学生学习的是两个教师（cnn-large 和 mlp-large）软化后的答案的平均，而不是只学"
              "cnn-large。把犯错方式不同的教师平均起来，有时能得到更好的目标；但在这里并没有可测出的帮助：cnn-large 几乎"
              "答对了每一个测试样本，mlp-large 的答案没有多少可补充的，两个教师教出的学生并不比用同样数据、同样初始权重"
              "训练的单教师蒸馏学生更好（见下方实测）。只有当第二个教师懂得第一个教师答错的地方时，它才有用。"},
    "lessons.attention.title": {"en": "6 · Attention transfer on text", "zh": "6 · 文本上的注意力迁移"},
    "lessons.attention.setup": {
        "en": "Two text transformers on a few hundred synthetic movie reviews. Here α = 0: the student gets no soft "
              "targets, only the labels plus β·L_att, which pulls its attention maps towards the teacher's.",
        "zh": "两个文本 Transformer，在几百条合成影评上训练。这里 α = 0：学生完全不用软目标，只有标签加上 β·L_att，"
              "后者让它的注意力图向教师的注意力图靠拢。"},
    "lessons.attention.text": {
        "en": "Two text transformers on a few hundred synthetic movie reviews. Here α = 0: the student gets no soft "
              "targets, only the labels plus β·L_att, which pulls its attention maps towards the teacher's. Watch "
              "the attention loss fall and compare the test accuracy with the baseline, then open the Attention "
              "page to see where each model looks: with so few examples the baseline barely learns which words "
              "matter, and the teacher's maps tell the student.",
        "zh": "两个文本 Transformer，在几百条合成影评上训练。这里 α = 0：学生完全不用软目标，只有标签加上 β·L_att，"
              "后者让它的注意力图向教师的注意力图靠拢。观察注意力迁移损失的下降，并与基线学生比较测试准确率，然后打开"
              "“注意力”页面，看看每个模型关注哪里：样本这么少时，基线学生几乎学不会哪些词重要，而教师的注意力图直接"
              "告诉了学生。"},
    "lessons.capacity_gap.title": {"en": "7 · A capacity gap: when distillation cannot help",
                                   "zh": "7 · 容量差距：蒸馏帮不上忙的时候"},
    "lessons.capacity_gap.setup": {
        "en": "A student with only 3 hidden units must separate three interleaved spirals, taught by a 3-layer MLP "
              "that separates them almost perfectly.",
        "zh": "一个只有 3 个隐藏单元的学生模型要分开三条交错的螺旋线，教它的是几乎能完美分开它们的三层 MLP。"},
    "lessons.capacity_gap.text": {
        "en": "A student with only 3 hidden units must separate three interleaved spirals, taught by a 3-layer MLP "
              "that separates them almost perfectly. Open the Compare page to see the decision boundaries: 3 units "
              "can only cut the plane with a few nearly straight lines, so no teacher can make this student draw a "
              "spiral. Distillation transfers knowledge, not capacity: when the student cannot represent the "
              "teacher's function, soft targets have nothing to add, and pulling it towards a function it cannot draw "
              "may even cost it accuracy.",
        "zh": "一个只有 3 个隐藏单元的学生模型要分开三条交错的螺旋线，教它的是几乎能完美分开它们的三层 MLP。打开“对比”"
              "页面查看决策边界：3 个单元只能用几条近似直线切分平面，任何教师都无法让这个学生画出螺旋。"
              "蒸馏传递的是知识而不是容量：当学生根本无法表示教师的函数时，软目标也无能为力；把它拉向一个它画不出的函数，"
              "甚至可能降低它的准确率。"},
    "lessons.claim": {"en": "**What this lesson claims:** {claim}", "zh": "**本课的结论**：{claim}"},
    "lessons.against_baseline": {"en": "the baseline", "zh": "基线学生"},
    "lessons.against_contrast": {"en": "the student of the comparison preset", "zh": "对照预设的蒸馏学生"},
    "lessons.claim_verdict_better": {
        "en": "The distilled student beats {other}: McNemar's paired test, pooled over the seeds, says better.",
        "zh": "蒸馏学生胜过{other}：跨随机种子合并的 McNemar 配对检验结论为“更好”。"},
    "lessons.claim_verdict_no_difference": {
        "en": "No measurable difference from {other}: McNemar's paired test, pooled over the seeds, cannot tell "
              "them apart.",
        "zh": "与{other}没有可测出的差别：跨随机种子合并的 McNemar 配对检验无法区分两者。"},
    "lessons.claim_verdict_worse": {
        "en": "The distilled student is worse than {other}: McNemar's paired test, pooled over the seeds, says worse.",
        "zh": "蒸馏学生不如{other}：跨随机种子合并的 McNemar 配对检验结论为“更差”。"},
    "lessons.claim_not_verdict_better": {
        "en": "Distillation does not help this student: McNemar's paired test, pooled over the seeds, never says it "
              "beats {other} (it finds no difference or worse).",
        "zh": "蒸馏帮不了这个学生：跨随机种子合并的 McNemar 配对检验从未得出它胜过{other}的结论（结论为没有差别或更差）。"},
    "lessons.claim_verdict_every_seed": {
        "en": "The same test on each seed alone says so too.", "zh": "每个随机种子单独检验，结论也一样。"},
    "lessons.claim_gain_every_seed": {"en": "It is ahead of {other} on every seed.",
                                      "zh": "在每个随机种子上它都领先于{other}。"},
    "lessons.claim_min_unseen_recall": {
        "en": "With no bias shift, the distilled student recognises at least {pct} % of the never-seen class.",
        "zh": "不做偏置平移时，蒸馏学生能认出从未见过的那个类别中至少 {pct} % 的测试样本。"},
    "lessons.claim_max_baseline_unseen_recall": {
        "en": "The baseline recognises at most {pct} % of it.", "zh": "基线学生最多认出其中 {pct} % 的测试样本。"},
    "lessons.claim_max_contrast_unseen_recall": {
        "en": "With the comparison teacher, the distilled student recognises at most {pct} % of it.",
        "zh": "换成对照教师时，蒸馏学生最多认出其中 {pct} % 的测试样本。"},
    "lessons.claim_flatter_teacher": {
        "en": "The lesson's teacher's soft targets become all but uniform at a lower T than the comparison "
              "teacher's.",
        "zh": "本课教师的软目标在比对照教师更低的 T 下就几乎变成均匀分布。"},
    "lessons.not_measured": {
        "en": "Not measured on this installation yet: run `python3 -m kdlab lessons verify --lesson {lesson}`.",
        "zh": "本机尚未实测：请运行 `python3 -m kdlab lessons verify --lesson {lesson}`。"},
    "lessons.col_seed": {"en": "seed", "zh": "随机种子"},
    "lessons.col_teacher": {"en": "teacher %", "zh": "教师 %"},
    "lessons.col_student": {"en": "distilled %", "zh": "蒸馏学生 %"},
    "lessons.col_baseline": {"en": "baseline %", "zh": "基线学生 %"},
    "lessons.col_gain": {"en": "gain (points)", "zh": "提升（百分点）"},
    "lessons.col_discordant": {"en": "only distilled : only baseline right", "zh": "仅蒸馏对 : 仅基线对"},
    "lessons.col_seconds": {"en": "distillation time", "zh": "蒸馏耗时"},
    "lessons.col_unseen_student": {"en": "unseen class, distilled %", "zh": "未见类别·蒸馏学生 %"},
    "lessons.col_unseen_baseline": {"en": "unseen class, baseline %", "zh": "未见类别·基线学生 %"},
    "lessons.col_contrast_student": {"en": "comparison preset, distilled %", "zh": "对照预设·蒸馏学生 %"},
    "lessons.col_vs_contrast": {"en": "only this : only comparison right", "zh": "仅本课对 : 仅对照对"},
    "lessons.col_contrast_unseen": {"en": "comparison, unseen class %", "zh": "对照·未见类别 %"},
    "lessons.pooled": {
        "en": "Seeds {seeds} pooled, against {other}: {a} test images only the distilled student got right, {b} only "
              "the other (McNemar, {p}): {verdict}. The gain's 95 % interval over these seeds: {interval} points.",
        "zh": "合并随机种子 {seeds}，与{other}比较：{a} 个测试样本只有蒸馏学生答对，{b} 个只有对方答对（McNemar，{p}）："
              "{verdict}。这些随机种子上提升的 95 % 置信区间：{interval} 个百分点。"},
    "lessons.col_set": {"en": "seeds", "zh": "种子用途"},
    "lessons.set_measured": {"en": "measured", "zh": "实测"},
    "lessons.set_checked": {"en": "checked", "zh": "复核"},
    "lessons.measured_stamp_holdout": {
        "en": "{status} Measured by `python3 -m kdlab lessons verify` on {date}, {device}: on seeds {seeds}, and "
              "checked again on seeds {holdout}, which the lesson was not set up with. The claim counts as holding "
              "only when it holds on both.",
        "zh": "{status} 由 `python3 -m kdlab lessons verify` 于 {date} 在 {device} 上实测：先在随机种子 {seeds} 上"
              "测量，再在设计本课时没有用过的随机种子 {holdout} 上复核。只有两组种子上都成立，才算结论成立。"},
    "lessons.verdict_better": {"en": "better", "zh": "更好"},
    "lessons.verdict_no_difference": {"en": "no measurable difference", "zh": "没有可测出的差别"},
    "lessons.verdict_worse": {"en": "worse", "zh": "更差"},
    "lessons.claim_holds": {"en": "The claim holds.", "zh": "结论成立。"},
    "lessons.claim_fails": {"en": "The claim does NOT hold.", "zh": "结论不成立。"},
    "lessons.measured_stamp": {
        "en": "{status} Measured by `python3 -m kdlab lessons verify` on {date}, {device}, seeds {seeds}.",
        "zh": "{status} 由 `python3 -m kdlab lessons verify` 于 {date} 在 {device} 上实测，随机种子 {seeds}。"},
    "lessons.predict_baseline": {"en": "Before you see the answer: will the distilled student do better than the "
                                       "baseline?",
                                 "zh": "看答案之前先预测：蒸馏学生会比基线学生更好吗？"},
    "lessons.predict_contrast": {"en": "Before you see the answer: will the distilled student do better than the "
                                       "student of the comparison preset?",
                                 "zh": "看答案之前先预测：蒸馏学生会比对照预设的蒸馏学生更好吗？"},
    "lessons.show_me": {"en": "Show me without a guess", "zh": "不预测，直接看结果"},
    "lessons.show_me_help": {
        "en": "Shows the lesson's claim and what was measured. A guess made first is easier to remember.",
        "zh": "显示本课的结论和实测数据。先做出预测，更容易记住结果。"},
    "lessons.predict_help": {
        "en": "Commit to a guess first: the claim and the measurements appear once you have, and after a run your "
              "guess is shown next to what its paired test says.",
        "zh": "先做出预测：预测之后才显示结论和实测数据；运行结束后，你的预测会与配对检验的结论并排显示。"},
    "lessons.predict_better": {"en": "better", "zh": "更好"},
    "lessons.predict_no_difference": {"en": "the same", "zh": "差不多"},
    "lessons.predict_worse": {"en": "worse", "zh": "更差"},
    "lessons.no_prediction": {"en": "nothing", "zh": "没有预测"},
    "lessons.outcome": {
        "en": "You predicted: {guess}. This run: {outcome} ({a} test images only the distilled student got right, "
              "{b} only the baseline; McNemar, {p}).",
        "zh": "你的预测：{guess}。本次实验：{outcome}（{a} 个测试样本只有蒸馏学生答对，{b} 个只有基线学生答对；"
              "McNemar，{p}）。"},
    "lessons.outcome_single": {
        "en": "One run alone often cannot tell: the measurements above pool several seeds.",
        "zh": "单次实验往往无法判断：上面的实测结果合并了多个随机种子。"},
    "lessons.teachers_title": {"en": "Two teachers, one lesson: whose soft targets know about {cls}s?",
                               "zh": "两个教师，同一课：谁的软目标知道 {cls} 的样子？"},
    "lessons.teachers_intro": {
        "en": "The student only sees the teacher's answers on digits other than {cls}, softened at T = {t}. Whatever "
              "it learns about {cls}s must be in the probability those answers give to {cls}. A teacher whose "
              "logits are spread out keeps that probability visible at T = {t}; one whose logits are small gives "
              "every class nearly the same probability, and the student learns nothing about {cls}s.",
        "zh": "学生只看到教师在 {cls} 以外的数字上、经 T = {t} 软化后的答案。它对 {cls} 学到的一切，都来自这些输出分"
              "给 {cls} 的概率。logits 分散的教师在 T = {t} 时仍保留这部分概率；logits 较小的教师则给每个类别几乎相同"
              "的概率，学生对 {cls} 什么也学不到。"},
    "lessons.teacher_std": {"en": "logit spread (std per sample)", "zh": "logit 分散程度（每个样本的标准差）"},
    "lessons.teacher_std_help": {
        "en": "The median over test images of the standard deviation of one image's logits.",
        "zh": "测试样本上，单个样本 logits 标准差的中位数。"},
    "lessons.teacher_flat": {"en": "soft targets all but uniform from T", "zh": "软目标几乎均匀的起始 T"},
    "lessons.teacher_evidence": {"en": "largest P({cls}) on other digits at T = {t}",
                                 "zh": "T = {t} 时其他数字上 P({cls}) 的最大值"},
    "lessons.teacher_evidence_help": {
        "en": "Over every training image the student sees (none is a {cls}): the largest probability the softened "
              "teacher gives to {cls}. Uniform would be {uniform}.",
        "zh": "在学生看到的所有训练图像上（没有一张是 {cls}）：软化后的教师给 {cls} 的最大概率。均匀分布时为 "
              "{uniform}。"},
    "lessons.teachers_help": {
        "en": "The information left in each teacher's soft targets (KL from uniform, in nats) as T grows; the dashed "
              "line is the lesson's T = {t}.",
        "zh": "随 T 增大，每个教师软目标中剩余的信息（与均匀分布的 KL 散度，单位奈特）；虚线是本课的 T = {t}。"},
    "lessons.shift_title": {"en": "Raise the bias of class {cls}", "zh": "提高类别 {cls} 的偏置"},
    "lessons.shift": {"en": "Shift added to the logit of class {cls}", "zh": "加到类别 {cls} 的 logit 上的平移量"},
    "lessons.shift_help": {
        "en": "The paper's next step. The student never saw a {cls}, so nothing taught it how often {cls}s occur "
              "and its {cls}-logit is too low. Adding a constant to that one logit fixes only the bias; what a {cls} looks like must already "
              "be in the weights.",
        "zh": "论文的第二步。学生从未见过 {cls}，没有任何东西告诉它 {cls} 出现得有多频繁，所以它对 {cls} 的 logit 偏低。"
              "给这一个 logit 加上常数只修正偏置；“{cls} 长什么样”必须已经学进了权重里。"},
    "lessons.recall_at": {"en": "{model}: {cls}s recognised", "zh": "{model}：{cls} 的识别率"},
    "lessons.accuracy_at": {"en": "{model}: accuracy on all digits", "zh": "{model}：全部数字上的准确率"},
    "lessons.shift_chart_help": {
        "en": "Solid lines: the share of test {cls}s each student recognises at each shift; dotted lines: its accuracy "
              "on all test digits. The baseline's line stays near 0: its weights hold nothing about {cls}s to unlock. "
              "The best shift is where the dotted line peaks; beyond it, look-alikes of other digits become {cls}s.",
        "zh": "实线：在各个平移量下，每个学生对测试集中 {cls} 的识别率；点线：它在全部测试数字上的准确率。"
              "基线学生的实线始终接近 0：它的权重里没有任何关于 {cls} 的知识可以被释放。点线最高处就是最佳平移量；"
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
