"""Texts of the Temperature page: softened distributions, entropy, dark knowledge, the T sweep."""

TEXT: dict[str, dict[str, str]] = {
    "temperature.title": {"en": "Temperature: softened answers", "zh": "温度：软化后的答案"},
    "temperature.intro": {
        "en": "A network's answer is a vector of logits z; softmax turns it into class probabilities. Dividing the "
              "logits by a temperature T before the softmax keeps the ranking of the classes but changes how sure "
              "the answer looks: T = 1 is the model's own answer, T > 1 flattens it and lets the small "
              "probabilities of the wrong classes show, T < 1 sharpens it. Those small probabilities say which "
              "wrong classes the teacher finds similar — the \"dark knowledge\" a student learns from soft targets.",
        "zh": "网络的输出是一个 logits 向量 z，softmax 把它变成各类别的概率。在 softmax 之前把 logits 除以温度 T，"
              "类别的排序保持不变，变的只是答案的确定程度：T = 1 是模型原本的答案；T > 1 会把分布压平，"
              "让错误类别上的小概率显现出来；T < 1 则让分布更尖锐。这些小概率说明教师认为哪些错误类别与正确答案相近——"
              "这就是学生从软目标中学到的“暗知识”。"},
    "temperature.from_run": {"en": "Showing the teacher and the distilled student of run {run_id}.",
                             "zh": "当前显示实验 {run_id} 的教师模型和蒸馏学生。"},
    "temperature.from_default": {
        "en": "No finished run yet: showing the default teacher (cnn-large trained on digits).",
        "zh": "还没有已完成的实验：当前显示默认的教师模型（在 digits 上训练的 cnn-large）。"},
    "temperature.no_student": {
        "en": "There is no student yet, so only the teacher is shown; finish a run on the Distill page or the home "
              "page to compare a student with it.",
        "zh": "还没有学生模型，因此只显示教师模型；在“蒸馏”页面或首页完成一个实验后，即可把学生与教师对比。"},
    "temperature.sample": {"en": "Test sample (0 to {last})", "zh": "测试样本（0 到 {last}）"},
    "temperature.random": {"en": "Random", "zh": "随机"},
    "temperature.t": {"en": "Temperature T", "zh": "温度 T"},
    "temperature.t_help": {
        "en": "Every logit is divided by T before the softmax. Higher T: flatter probabilities, more weight on the "
              "wrong classes; the predicted class never changes.",
        "zh": "在 softmax 之前，每个 logit 都除以 T。T 越高，概率越平坦，错误类别获得的权重越多；预测的类别始终不变。"},
    "temperature.point": {"en": "The point: {values}", "zh": "该点：{values}"},
    "temperature.point_more": {"en": "{values} and {more} more features", "zh": "{values}，另有 {more} 个特征"},
    "temperature.text": {"en": "The review: “{words}”", "zh": "这条评论：“{words}”"},
    "temperature.says": {"en": "the {model} says {answer}", "zh": "{model}的预测为 {answer}"},
    "temperature.sep": {"en": ", ", "zh": "，"},
    "temperature.truth": {"en": "True class: {label}; {said}.", "zh": "真实类别：{label}；{said}。"},
    "temperature.at_one": {"en": "At T = 1 (the model's own answer)", "zh": "T = 1 时（模型原本的答案）"},
    "temperature.at_t": {"en": "At T = {t} (the soft targets)", "zh": "T = {t} 时（软目标）"},
    "temperature.entropy_1": {"en": "Entropy at T = 1 (nats)", "zh": "T = 1 时的熵（奈特）"},
    "temperature.entropy_t": {"en": "Entropy at T = {t} (nats)", "zh": "T = {t} 时的熵（奈特）"},
    "temperature.dark_1": {"en": "Dark knowledge at T = 1", "zh": "T = 1 时的暗知识"},
    "temperature.dark_t": {"en": "Dark knowledge at T = {t}", "zh": "T = {t} 时的暗知识"},
    "temperature.entropy_help": {
        "en": "Entropy H = −Σ pᵢ ln pᵢ measures how spread out the probabilities are: 0 for a one-hot answer, at "
              "most ln {classes} = {max} nats when all {classes} classes are equally likely.",
        "zh": "熵 H = −Σ pᵢ ln pᵢ 衡量概率分布有多分散：答案为独热（one-hot）时为 0，{classes} 个类别等可能时达到最大"
              "值 ln {classes} = {max} 奈特。"},
    "temperature.dark_help": {
        "en": "Dark knowledge = 1 − p(predicted class): the probability on the other classes. It is what soft "
              "targets teach beyond the hard label, and it grows with T.",
        "zh": "暗知识 = 1 − p(预测类别)，即其余类别上的概率之和。它是软目标在硬标签之外教给学生的内容，并随 T 增大而增大。"},
    "temperature.kl": {"en": "KL(teacher ‖ student) at T = {t} (nats)", "zh": "T = {t} 时的 KL 散度 KL(教师 ‖ "
                                                                              "学生)（奈特）"},
    "temperature.kl_help": {
        "en": "How many extra nats it costs to describe the teacher's softened answer with the student's: 0 when they "
              "agree. The soft-target loss is α·T²·KL; the factor T² = {t2} (here T²·KL = {weighted}) keeps its "
              "gradients as large as those of the hard-label term, because softening by T shrinks them by 1/T².",
        "zh": "用学生软化后的答案来描述教师软化后的答案，需要额外付出多少奈特的信息：两者一致时为 0。蒸馏损失为 α·T²·KL；"
              "乘以 T² = {t2}（此处 T²·KL = {weighted}）是为了让它的梯度与交叉熵损失的梯度保持同一量级，因为按 T "
              "软化会使梯度缩小为原来的 1/T²。"},
    "temperature.sweep_help": {
        "en": "The teacher's probability for each class as T goes from 0.5 to 20 (log scale); the dashed line is the "
              "current T. The order of the classes never changes — only the gaps between them shrink, towards 1/C.",
        "zh": "随着 T 从 0.5 增加到 20（对数坐标），教师对每个类别给出的概率；虚线为当前的 T。类别的排序始终不变，"
              "只是它们之间的差距不断缩小，最终趋于 1/C。"},
    "temperature.scale_title": {"en": "Why the right T depends on the teacher",
                                "zh": "为什么合适的温度取决于教师模型"},
    "temperature.scale_intro": {
        "en": "Dividing by T shrinks the gaps between the logits. A model whose logits are spread far apart needs a "
              "large T before its wrong-class probabilities show; a model with close logits is flattened to almost "
              "uniform by the same T, and uniform soft targets teach nothing. So the T that suits one teacher can "
              "leave another's soft targets empty. Logit standardization (Sun et al., CVPR 2024) divides each "
              "sample's logits by their own spread first, so that one T fits every teacher.",
        "zh": "除以 T 会缩小各 logit 之间的差距。logit 彼此相距很远的模型，需要较大的 T 才能显出错误类别的概率；"
              "logit 彼此接近的模型，同样的 T 就会把它压平到几乎均匀，而均匀的软目标什么也教不了。"
              "所以适合一个教师模型的 T，可能让另一个教师模型的软目标变得空洞。logit 标准化（Sun 等，CVPR 2024）"
              "先用每个样本自己的 logit 分散程度去除它的 logit，使同一个 T 适用于所有教师模型。"},
    "temperature.scale_std": {"en": "{model}: logit spread", "zh": "{model}：logit 分散程度"},
    "temperature.scale_std_help": {
        "en": "The standard deviation of one sample's logits, the median over the test set.",
        "zh": "单个样本各 logit 的标准差，取测试集上的中位数。"},
    "temperature.scale_flat": {"en": "{model}: soft targets nearly uniform from T", "zh": "{model}：软目标接近均匀的起始 T"},
    "temperature.scale_flat_help": {
        "en": "The smallest T at which the information left in the soft targets is at most 5 % of its maximum ln C: "
              "beyond it they hardly say more than \"all classes alike\".",
        "zh": "软目标中剩余信息不超过其最大值 ln C 的 5 % 的最小 T：超过它，软目标几乎只说“所有类别都一样”。"},
    "temperature.scale_help": {
        "en": "Information left = ln C − H, the KL divergence of the softened answer from uniform, averaged over "
              "the test set, in nats: ln C for a one-hot answer, 0 for a uniform one. The dashed line is the "
              "current T = {t}.",
        "zh": "剩余信息 = ln C − H，即软化后的答案相对均匀分布的 KL 散度，在测试集上取平均，单位为奈特："
              "独热答案为 ln C，均匀答案为 0。虚线是当前的 T = {t}。"},
    "temperature.fig.information": {"en": "information left (nats)", "zh": "剩余信息（奈特）"},
    "temperature.fig.information_title": {"en": "What the soft targets still say as T grows",
                                          "zh": "随着 T 增大，软目标还剩下多少信息"},
    "temperature.fig.class": {"en": "class", "zh": "类别"},
    "temperature.fig.probability": {"en": "probability", "zh": "概率"},
    "temperature.fig.temperature": {"en": "temperature T", "zh": "温度 T"},
    "temperature.fig.sweep_title": {"en": "The teacher's probabilities as T changes",
                                    "zh": "教师的概率随 T 的变化"},
    "temperature.fused_title": {"en": "Several teachers, one target", "zh": "多个教师，一个目标"},
    "temperature.fused": {"en": "fused target", "zh": "融合后的目标"},
    "temperature.fused_help": {"en": "Each teacher's answer softened by T, and the one target the student learned "
                                     "from: {fusion}.",
                               "zh": "每个教师经温度 T 软化后的答案，以及学生实际学习的那个融合目标：{fusion}。"},
    "temperature.fusion_mean": {"en": "the mean of the teachers' softened answers",
                                "zh": "各教师软化后的答案的平均"},
    "temperature.fusion_weights": {"en": "their weighted mean, with the run's fixed weights",
                                   "zh": "按本次实验固定权重的加权平均"},
    "temperature.fusion_confidence": {"en": "weighted per sample by each teacher's confidence in the true label "
                                            "(CA-MKD)",
                                      "zh": "按每个教师对真实标签的置信度逐样本加权（CA-MKD）"},
}
