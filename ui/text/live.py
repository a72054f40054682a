"""Texts of a run's live panel: status, progress, curves, the summary and the verdict."""

TEXT: dict[str, dict[str, str]] = {
    "live.many_classes": {
        "en": "{classes} classes are too many for one bar each: the chart shows the {shown} classes where the "
              "distilled student differs most from the baseline.",
        "zh": "{classes} 个类别太多，无法每类画一根柱：图中只显示蒸馏学生与基线学生差别最大的 {shown} 个类别。"},
    "live.title": {"en": "Run {run_id}", "zh": "实验 {run_id}"},
    "live.missing": {"en": "Run {run_id} no longer exists (it was deleted).", "zh": "实验 {run_id} 已不存在（已被删"
                                                                                    "除）。"},
    "live.queued": {"en": "Queued: number {position} in line. The server trains a few runs at a time.",
                    "zh": "排队中：第 {position} 位。服务器同时只训练少数几个实验。"},
    "live.queued_soon": {"en": "Queued: starting in a moment…", "zh": "排队中：马上开始……"},
    "live.running_start": {"en": "Loading the data and the teacher…", "zh": "正在加载数据和教师模型……"},
    "live.running_baseline": {"en": "Training the baseline student on the true labels only…",
                              "zh": "正在只用真实标签训练基线学生……"},
    "live.running_student": {"en": "Distilling: the student learns from the labels and the teacher…",
                             "zh": "正在蒸馏：学生同时向标签和教师学习……"},
    "live.progress": {"en": "{percent} done", "zh": "已完成 {percent}"},
    "live.not_yours": {"en": "This run was started in another browser: you can watch it, only that browser can stop "
                             "it.",
                       "zh": "这个实验是在另一个浏览器中开始的：你可以查看，但只有那个浏览器可以停止它。"},
    "live.running_teacher_of": {"en": "Training teacher {index} of {count} ({teacher}) once (it is cached for every "
                                      "later run)…",
                                "zh": "正在训练第 {index} 个教师（共 {count} 个，{teacher}），只训练一次，之后的所有实验都会复用"
                                      "缓存……"},
    "live.running_teacher": {"en": "Training the teacher once (it is cached for every later run)…",
                             "zh": "正在训练教师模型（只训练一次，之后的所有实验都会复用缓存）……"},
    "live.latest_step": {"en": "Latest: {phase}, epoch {epoch}, step {step}, loss {loss}",
                         "zh": "最新：{phase}，第 {epoch} 轮，第 {step} 步，损失 {loss}"},
    "live.phase.teacher": {"en": "teacher", "zh": "教师模型"},
    "live.phase.teacher_of": {"en": "teacher {index} of {count} ({teacher})",
                              "zh": "第 {index} 个教师（共 {count} 个，{teacher}）"},
    "live.phase.baseline": {"en": "baseline student", "zh": "基线学生"},
    "live.phase.student": {"en": "distilled student", "zh": "蒸馏学生"},
    "live.teacher_outputs_mixed": {
        "en": "Mixup changed the students' inputs at every step, so the teacher scored each of the {steps} mixed "
              "batches instead of being cached once: {duration} in all.",
        "zh": "Mixup 每一步都改变学生的输入，所以教师模型要对混合后的 {steps} 批数据逐一给出答案，而不是只缓存一次：共用时 "
              "{duration}。"},
    "live.teacher_outputs_reduced": {
        "en": "The teacher's outputs would have taken {full}, over this server's budget of {budget}: only "
              "what the loss terms read was kept ({held}), which gives the same loss.",
        "zh": "教师模型的输出需要 {full}，超过了本服务器 {budget} 的预算：只保留了损失项需要的部分（{held}），"
              "损失值不变。"},
    "live.teacher_outputs_per_batch": {
        "en": "The teacher's outputs would have taken {full}, over this server's budget of {budget}: the "
              "teacher ran on every batch instead (slower, same loss).",
        "zh": "教师模型的输出需要 {full}，超过了本服务器 {budget} 的预算：改为在每一批上重新运行教师模型（更"
              "慢，损失值不变）。"},
    "live.stop": {"en": "Stop", "zh": "停止"},
    "live.stop_help": {"en": "Stop this run after the current step; what it has logged so far stays.",
                       "zh": "在当前这一步之后停止这个实验；已记录的内容会保留。"},
    "live.stopping": {"en": "Stopping…", "zh": "正在停止……"},
    "live.failed": {"en": "The run failed: {message}", "zh": "实验失败：{message}"},
    "live.cancelled": {"en": "The run was stopped (cancelled) before it finished.", "zh": "实验在完成前被停止（已取"
                                                                                          "消）。"},
    "live.interrupted": {"en": "The run was interrupted: the server stopped while it was training.",
                         "zh": "实验被中断：训练期间服务器停止了。"},
    "live.curves_help": {"en": "Solid lines: the distilled student; dashed: the baseline; dotted: the teacher. Agreement "
                               "is how often a student gives the same answer as the teacher, right or wrong.",
                         "zh": "实线：蒸馏学生；虚线：基线学生；点线：教师。一致率是学生与教师给出相同答案的比例，"
                               "不论对错。"},
    "live.col_accuracy": {"en": "test accuracy (%)", "zh": "测试准确率（%）"},
    "live.col_params": {"en": "parameters", "zh": "参数量"},
    "live.col_size": {"en": "size", "zh": "大小"},
    "live.col_time": {"en": "training time", "zh": "训练时间"},
    "live.table_help": {"en": "Accuracy on the held-out test set; size = parameters and buffers in memory; trained on {device}.",
                        "zh": "准确率在留出的测试集上测得；大小 = 内存中的参数和缓冲区；训练设备：{device}。"},
    "live.teacher_cached": {"en": "The teacher came from the cache: its time is how long it took when first trained.",
                            "zh": "教师来自缓存：它的时间是第一次训练时所用的时间。"},
    "live.verdict_helped": {
        "en": "Distillation helped: {versus}, more than chance explains. {paired} {size} {gap}",
        "zh": "蒸馏有效：{versus}，超出了偶然能解释的范围。{paired}{size}{gap}"},
    "live.verdict_no_difference": {
        "en": "No measurable difference: {versus}. {paired} Chance alone can explain this; one run cannot tell a small "
              "gap from noise: compare several seeds. {size} {gap}",
        "zh": "没有可测出的差别：{versus}。{paired}仅凭偶然就可以解释这一结果；一次实验分辨不出小的差距和噪声，请比较几个"
              "随机种子。{size}{gap}"},
    "live.verdict_hurt": {
        "en": "Distillation hurt here: {versus}, more than chance explains. {paired} {size} {gap} Try another T or α, "
              "or more epochs.",
        "zh": "这次蒸馏起了反作用：{versus}，超出了偶然能解释的范围。{paired}{size}{gap}可以换一个 T 或 α，或增加训练轮数"
              "再试。"},
    "live.verdict_untested": {
        "en": "Without a paired test: {versus}. This run was recorded before kdlab kept what that test needs, so "
              "whether the gap is more than chance is not known. {size} {gap}",
        "zh": "没有配对检验：{versus}。这次实验记录时 kdlab 还没有保存配对检验所需的数据，无法判断差距是否超出偶然。"
              "{size}{gap}"},
    "live.versus_above": {"en": "the distilled student is {gain} points above the baseline",
                          "zh": "蒸馏学生比基线学生高 {gain} 个百分点"},
    "live.versus_below": {"en": "the distilled student is {gain} points below the baseline",
                          "zh": "蒸馏学生比基线学生低 {gain} 个百分点"},
    "live.versus_same": {"en": "the distilled student and the baseline are equally accurate",
                         "zh": "蒸馏学生与基线学生的准确率相同"},
    "live.paired": {"en": "On the same {images}, the distilled student alone was right on {better} and the baseline "
                          "alone on {worse} (McNemar's exact test, {p}).",
                    "zh": "在同样的 {images}上，只有蒸馏学生答对的有 {better} 个，只有基线学生答对的有 {worse} 个"
                          "（McNemar 精确检验，{p}）。"},
    "live.test_samples_one": {"en": "{count} test sample", "zh": "{count} 个测试样本"},
    "live.test_samples_many": {"en": "{count} test samples", "zh": "{count} 个测试样本"},
    "live.col_macro_f1": {"en": "macro-F1 (%)", "zh": "宏平均 F1（%）"},
    "live.verdict_no_baseline": {"en": "The distilled student reached {acc} test accuracy (no baseline was trained to "
                                       "compare with). {size} {gap}",
                                 "zh": "蒸馏学生的测试准确率为 {acc}（本次没有训练基线，无法比较）。{size}{gap}"},
    "live.size_smaller": {"en": "It has {ratio}× fewer parameters than the teacher.",
                          "zh": "它的参数量只有教师的 1/{ratio}。"},
    "live.size_same": {"en": "It has about as many parameters as the teacher.", "zh": "它的参数量与教师大致相同。"},
    "live.size_larger": {"en": "It has {ratio}× more parameters than the teacher.", "zh": "它的参数量是教师的 {ratio} 倍。"},
    "live.gap_behind": {"en": "It is {gap} points behind the teacher.", "zh": "它比教师低 {gap} 个百分点。"},
    "live.gap_ahead": {"en": "It even beats the teacher by {gap} points.", "zh": "它甚至比教师高出 {gap} 个百分点。"},
    "live.gap_none": {"en": "It is as accurate as the teacher.", "zh": "它与教师的准确率相同。"},
    "live.fig.epoch": {"en": "epoch", "zh": "训练轮数"},
    "live.fig.step": {"en": "training step", "zh": "训练步数"},
    "live.fig.loss": {"en": "loss (nats)", "zh": "损失（奈特）"},
    "live.fig.test_accuracy": {"en": "test accuracy (%)", "zh": "测试准确率（%）"},
    "live.fig.agreement": {"en": "agreement with the teacher (%)", "zh": "与教师的一致率（%）"},
    "live.fig.accuracy_pct": {"en": "accuracy (%)", "zh": "准确率（%）"},
    "live.fig.class": {"en": "class", "zh": "类别"},
    "live.fig.teacher": {"en": "teacher", "zh": "教师"},
    "live.fig.baseline": {"en": "baseline", "zh": "基线"},
    "live.fig.student": {"en": "distilled student", "zh": "蒸馏学生"},
    "live.ensemble": {"en": "all teachers (mean answer)", "zh": "全部教师（平均答案）"},
    "live.col_agreement": {"en": "student agrees (%)", "zh": "学生与其一致（%）"},
    "live.teachers_help": {"en": "Each teacher on the test set, and how often the distilled student gives the same "
                                 "answer; the last row is the teachers' mean answer, what the fused soft targets "
                                 "approximate.",
                           "zh": "每个教师在测试集上的表现，以及蒸馏学生与它给出相同答案的比例；最后一行是各教师的平均"
                                 "答案，即融合软目标所近似的东西。"},
    "live.fig.total": {"en": "total", "zh": "总损失"},
    "live.fig.term_curves_title": {"en": "What the loss terms learn", "zh": "损失项自己学到的量"},
    "live.fig.value": {"en": "value", "zh": "数值"},
    "live.fig.loss_title": {"en": "Training loss", "zh": "训练损失"},
    "live.fig.accuracy_title": {"en": "Test accuracy", "zh": "测试准确率"},
    "live.fig.agreement_title": {"en": "Agreement with the teacher", "zh": "与教师的一致率"},
    "live.fig.per_class_title": {"en": "Accuracy per class", "zh": "各类别的准确率"},
    "live.fig.perplexity": {"en": "validation perplexity", "zh": "验证集困惑度"},
    "live.fig.perplexity_title": {"en": "Validation perplexity", "zh": "验证集困惑度"},
    "live.fig.kl_per_token": {"en": "KL to the teacher (nats per token)", "zh": "与教师的 KL 散度（奈特/词元）"},
    "live.fig.kl_title": {"en": "KL divergence to the teacher", "zh": "与教师的 KL 散度"},
    "live.language_help": {
        "en": "A language model's validation perplexity is exp of its mean cross-entropy per token: how many equally "
              "likely next tokens it hesitates between, lower is better. The KL is the mean over validation tokens of "
              "KL(teacher ‖ student) at T = 1, in nats: zero means the student predicts exactly as the teacher does.",
        "zh": "语言模型的验证集困惑度是每个词元平均交叉熵的指数：它在多少个同样可能的下一个词元之间犹豫，越低越好。KL 散度是"
              "验证集各词元上 KL(教师 ‖ 学生) 在 T = 1 时的平均值，单位为奈特：为零表示学生的预测与教师完全相同。"},
}
