"""Texts of the Distill page's teacher from a finished run (born-again networks, a teacher-assistant chain) and of
Mixup of the transfer set."""

TEXT: dict[str, dict[str, str]] = {
    "distill.teacher_run": {"en": "Finished run whose student teaches", "zh": "由哪个已完成实验的学生来教"},
    "distill.teacher_run_none": {"en": "none: train the teacher chosen above", "zh": "不用：训练上面选择的教师模型"},
    "distill.teacher_run_help": {
        "en": "The distilled student of one of this workspace's finished runs on the same data (dataset, its "
              "settings and the seed) becomes the teacher. A student of the teacher's own size makes a born-again "
              "network (Furlanello et al., ICML 2018); a mid-sized one taught by a large teacher is a teacher "
              "assistant for a small student (Mirzadeh et al., AAAI 2020). History shows the chain.",
        "zh": "把本工作区中某个在相同数据（数据集、其设置和随机种子）上已完成实验的蒸馏学生作为教师模型。学生与教师"
              "一样大时就是再生网络（Furlanello 等，ICML 2018）；由大教师教出的中等大小学生，可以充当小学生的助教模型"
              "（Mirzadeh 等，AAAI 2020）。“历史记录”页会显示这条链。"},
    "distill.teacher_run_none_yet": {
        "en": "No finished run of this workspace trained on this data with this seed yet: run one first, then its "
              "distilled student can teach the next.",
        "zh": "本工作区还没有在这份数据、这个随机种子上完成的实验：先运行一个，它的蒸馏学生就能教下一个。"},
    "distill.teacher_run_chosen": {
        "en": "The teacher is the distilled student of run {run_id} ({model}{knobs}, {accuracy} on the test set); "
              "it is loaded, not trained, and keeps that run's settings.",
        "zh": "教师模型是实验 {run_id} 的蒸馏学生（{model}{knobs}，测试集准确率 {accuracy}）；它直接载入，不再训练，"
              "并沿用该实验的设置。"},
    "distill.teacher_from_run": {"en": "Teacher (from run {run_id})", "zh": "教师模型（来自实验 {run_id}）"},
    "distill.teacher_from_run_help": {
        "en": "Set under “Teacher from a finished run”: that run's distilled student teaches. Choose “none” there "
              "to pick a teacher here again.",
        "zh": "在“来自已完成实验的教师模型”中设置：由该实验的蒸馏学生来教。在那里选择“不用”即可重新在这里选择教师模型。"},
    "distill.teacher_run_header": {"en": "Teacher from a finished run: born-again networks, teacher assistants",
                                   "zh": "来自已完成实验的教师模型：再生网络、助教模型"},
    "distill.mixup": {"en": "Mixup strength", "zh": "Mixup 强度"},  # not α: α is the soft targets' weight here
    "distill.mixup_help": {
        "en": "Mixup (Zhang et al., ICLR 2018): every batch of the students is blended with a shuffled copy of "
              "itself, λ·x + (1 − λ)·x′ with λ drawn from Beta(α, α), and the labels are blended alike. The teacher "
              "scores the blended inputs, so its answers are computed at every step instead of once before the "
              "first: the run's notes say how long that took. The baseline is blended the same way. 0: off.",
        "zh": "Mixup（Zhang 等，ICLR 2018）：学生的每一批数据都与打乱顺序后的自身混合，λ·x + (1 − λ)·x′，λ 取自 "
              "Beta(α, α)，标签也同样混合。教师模型对混合后的输入给出答案，所以它的输出要在每一步重新计算，而不是在第一"
              "步之前算好一次：实验的说明会写出这花了多长时间。基线学生也以同样方式混合。0 表示关闭。"},
    "distill.mixup_off": {"en": "Mixup blends inputs, and the inputs of {dataset} ({modality}) cannot be blended.",
                          "zh": "Mixup 会混合输入，而 {dataset} 的输入（{modality}）无法混合。"},
}
