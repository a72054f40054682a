"""Texts of the lessons that set kdlab beside the literature: a teacher assistant across the capacity gap (a chain of
two runs, Run in two steps) and Hinton et al.'s MNIST table beside the digits measured here."""

TEXT: dict[str, dict[str, str]] = {
    "lessons.assistant.title": {"en": "8 · A teacher assistant across the capacity gap",
                                "zh": "8 · 用助教模型跨越容量差距"},
    "lessons.assistant.setup": {
        "en": "The capacity-gap lesson again, as a chain of two runs (Mirzadeh et al., AAAI 2020, teacher assistant "
              "distillation): mlp-large first teaches an assistant of middle size (mlp-small, 32 hidden units), "
              "and that assistant's distilled student then teaches the 3-unit student. It is set beside the 3-unit "
              "student distilled straight from mlp-large, from the same initial weights. Does a teacher nearer the "
              "student's size help it?",
        "zh": "再做一次“容量差距”实验课，这次是两个实验组成的链（Mirzadeh 等，AAAI 2020，助教蒸馏）：先由 mlp-large "
              "教一个中等大小的助教模型（mlp-small，32 个隐藏单元），再由这个助教的蒸馏学生去教只有 3 个单元的学生。"
              "对照是从同样初始权重出发、直接由 mlp-large 蒸馏的 3 单元学生。一个大小更接近学生的教师能帮到它吗？"},
    "lessons.assistant.text": {
        "en": "A wide gap between teacher and student is one reason distillation fails, and Mirzadeh et al. bridge "
              "it with an assistant of middle size: the teacher teaches the assistant, the assistant the student. "
              "Here that does not help. The 3-unit student cannot draw a spiral whoever teaches it, so a teacher "
              "nearer its size has nothing more to give, and the assistant is itself a weaker teacher than "
              "mlp-large. An assistant helps a student that could represent the teacher's function but cannot "
              "follow a teacher far ahead of it; it adds no capacity. Run step 1, then step 2: History shows the "
              "chain, each run naming the run whose student taught it.",
        "zh": "教师和学生相差太大是蒸馏失败的原因之一，Mirzadeh 等用一个中等大小的助教模型来弥合：教师教助教，助教再教"
              "学生。在这里这并没有帮助。无论谁来教，3 个单元的学生都画不出螺旋线，所以大小更接近它的教师也没有更多可"
              "教的东西，而助教本身就是比 mlp-large 更弱的教师。助教能帮助的，是那些能够表示教师的函数、却跟不上远远领先"
              "的教师的学生；它不会增加学生的容量。先运行第 1 步，再运行第 2 步：“历史记录”页会显示这条链，每个实验都标"
              "出教它的那个实验。"},
    "lessons.hinton_table.title": {"en": "9 · Hinton et al.'s MNIST table, on the digits",
                                   "zh": "9 · Hinton 等的 MNIST 结果表，在 digits 上重现"},
    "lessons.hinton_table.setup": {
        "en": "The first table of the paper that named distillation (Hinton, Vinyals & Dean 2015, §3): a large net "
              "regularised with dropout, a smaller net with no regularisation trained alone, and the same small net "
              "distilled from the large one at T = 20. Here the same three learn the 8×8 digits: a teacher with "
              "two hidden layers of 1200 units and dropout, a student with two of 800 and none. In which order do "
              "the three end, counted in test errors?",
        "zh": "这是提出“蒸馏”一词的论文（Hinton、Vinyals 与 Dean，2015，§3）中的第一张表：一个用 dropout 正则化的大网络，"
              "一个不加任何正则化、单独训练的小网络，以及同一个小网络在 T = 20 下从大网络蒸馏得到的结果。这里让同样的三"
              "个模型学习 8×8 的 digits：教师有两个 1200 单元的隐藏层并使用 dropout，学生有两个 800 单元的隐藏层、不加正"
              "则化。按测试集上的错误数排，三者的顺序是什么？"},
    "lessons.hinton_table.text": {
        "en": "The paper's order holds here too: the regularised teacher makes the fewest errors, the distilled "
              "student is next, and the same student trained alone makes the most. Matching the teacher's soft "
              "targets at a high T regularises the student as dropout regularised the teacher: the soft targets "
              "say how much each digit resembles the others, and a net with no other regulariser stops fitting "
              "the noise of its few labels. The digits are a much smaller problem than MNIST and the teacher makes "
              "only a handful of errors on their test set, so here the students learn from a fifth of the training "
              "set (the teacher from all of it): the gaps are then wide enough for a paired test. The table below "
              "sets the paper's errors beside ours; compare the order and the error rates, not the counts.",
        "zh": "论文中的顺序在这里同样成立：正则化的教师错误最少，蒸馏学生其次，单独训练的同一个学生错误最多。在较高的 T "
              "下匹配教师的软目标，对学生起到的正则化作用就像 dropout 对教师那样：软目标告诉学生每个数字与其他数字有多"
              "像，没有其他正则化的网络便不再去拟合少量标签中的噪声。digits 比 MNIST 小得多，教师在它的测试集上只错寥寥"
              "几个，所以这里的学生只用训练集的五分之一学习（教师用全部）：这样差距才足够大，配对检验才能分辨。下表把论文"
              "的错误数与我们的并排列出；请比较顺序和错误率，而不是错误的个数。"},
    "lessons.preset_assistant": {
        "en": " A chain of two runs: {teacher} first teaches the assistant {assistant}{knobs}, whose distilled student "
              "then teaches this student.",
        "zh": " 两个实验组成的链：先由 {teacher} 教助教模型 {assistant}{knobs}，再由它的蒸馏学生来教这个学生。"},
    "lessons.claim_not_verdict_better_contrast": {
        "en": "It does not beat {other}: McNemar's paired test, pooled over the seeds, never says it is better (it "
              "finds no difference or worse).",
        "zh": "它没有胜过{other}：跨随机种子合并的 McNemar 配对检验从未得出它更好的结论（结论为没有差别或更差）。"},
    "lessons.claim_teacher_ahead": {
        "en": "The teacher makes fewer errors than the distilled student: the same test, pooled over the seeds, says "
              "the student is worse than its teacher.",
        "zh": "教师的错误比蒸馏学生少：同样的检验跨随机种子合并后，结论是学生不如它的教师。"},
    "lessons.run_assistant": {"en": "Step 1: distil the assistant", "zh": "第 1 步：蒸馏助教模型"},
    "lessons.run_assistant_help": {
        "en": "Distils the assistant from the lesson's first teacher, a run of its own; step 2 then takes its "
              "distilled student as the teacher.",
        "zh": "从本课的第一个教师蒸馏出助教模型，这是一个单独的实验；第 2 步再把它的蒸馏学生当作教师。"},
    "lessons.run_student": {"en": "Step 2: distil the student from this assistant",
                            "zh": "第 2 步：由这个助教模型蒸馏学生"},
    "lessons.run_student_help": {
        "en": "Trains the baseline and the student distilled from the assistant of step 1 (run {run_id}).",
        "zh": "训练基线学生，以及由第 1 步的助教模型（实验 {run_id}）蒸馏的学生。"},
    "lessons.assistant_waiting": {"en": "Step 2 starts from the assistant once step 1 has finished.",
                                  "zh": "第 1 步完成后，第 2 步才能从这个助教模型开始。"},
    "lessons.pooled_teacher": {
        "en": "Seeds {seeds} pooled, against its own teacher: {a} test samples only the distilled student got right, "
              "{b} only the teacher (McNemar, {p}); the distilled student: {verdict}.",
        "zh": "合并随机种子 {seeds}，与它自己的教师比较：{a} 个测试样本只有蒸馏学生答对，{b} 个只有教师答对（McNemar，"
              "{p}）；蒸馏学生：{verdict}。"},
    "lessons.assistant_done": {"en": "Step 1 finished: the assistant of run {run_id} is ready to teach.",
                               "zh": "第 1 步已完成：实验 {run_id} 的助教模型可以开始教学了。"},
    "lessons.paper_title": {"en": "The paper's table beside ours", "zh": "论文的结果表与我们的结果并排"},
    "lessons.paper_intro": {
        "en": "{source}, §{section}: test errors on {dataset}, beside what `python3 -m kdlab lessons verify` measured "
              "for this lesson (the mean over each seed set).",
        "zh": "{source}，§{section}：在 {dataset} 上的测试错误数，与 `python3 -m kdlab lessons verify` 为本课实测的结果"
              "（每组随机种子的平均值）并排。"},
    "lessons.paper_col_where": {"en": "where", "zh": "出处"},
    "lessons.paper_col_images": {"en": "test samples", "zh": "测试样本数"},
    "lessons.paper_col_teacher": {"en": "teacher: errors", "zh": "教师：错误数"},
    "lessons.paper_col_student": {"en": "distilled student: errors", "zh": "蒸馏学生：错误数"},
    "lessons.paper_col_baseline": {"en": "student alone: errors", "zh": "基线学生：错误数"},
    "lessons.paper_row_paper": {"en": "the paper: {dataset}, T = {t}", "zh": "论文：{dataset}，T = {t}"},
    "lessons.paper_row_measured": {"en": "kdlab: {dataset}, seeds {seeds}", "zh": "kdlab：{dataset}，随机种子 {seeds}"},
    "lessons.paper_cell": {"en": "{n} ({pct})", "zh": "{n}（{pct}）"},
    "lessons.paper_not_measured": {
        "en": "Not measured on this installation yet: only the paper's row is shown.",
        "zh": "本机尚未实测：只显示论文的那一行。"},
    "lessons.paper_mnist": {
        "en": "With MNIST on disk, the same three models on the paper's own data (every student sees the whole "
              "training set, as in the paper; `--download` fetches MNIST into the folder first):",
        "zh": "如果本机有 MNIST，可以在论文自己的数据上训练同样的三个模型（和论文一样，每个学生都使用整个训练集；"
              "`--download` 会先把 MNIST 下载到该文件夹）："},
}
