"""Texts of the Attention page: maps per layer and head, and the β term."""

TEXT: dict[str, dict[str, str]] = {
    "attention.title": {"en": "Attention: where the models look", "zh": "注意力：模型在看哪里"},
    "attention.intro": {
        "en": "For one input, the maps of where the teacher and the student look, side by side. A transformer's "
              "attention row says how much each token (an image patch or a word) takes from every other token; the "
              "classifier reads only the CLS token, so its row shows what fed the answer. A CNN has no attention "
              "weights, so its activation map (the mean of squared activations over channels) plays that role. "
              "Attention transfer (β) trains the student to make its maps match the teacher's.",
        "zh": "针对同一个输入，并排显示教师和学生“看”的位置。Transformer 的注意力图中，每一行表示一个词元（图像块或单"
              "词）从其他各个词元获取多少信息；分类器只读取 CLS 词元，所以 CLS 这一行显示了哪些内容决定了答案。CNN "
              "没有注意力权重，由激活图（各通道激活值平方的平均）起同样的作用。注意力迁移（亦称注意力传递）以 β "
              "为权重，训练学生使它的注意力图与教师的一致。"},
    "attention.no_run": {"en": "No finished run yet: start one below (or on the Distill page) to see attention maps.",
                         "zh": "还没有已完成的实验：请在下方（或在“蒸馏”页面）开始一个实验，以查看注意力图。"},
    "attention.none_in_run": {
        "en": "The two models of this run have no maps of the same kind to compare; each run below has them in both.",
        "zh": "本实验的两个模型没有同一类可比较的注意力图；下方每个演示实验中，两个模型都有。"},
    "attention.demo_image": {"en": "Run: digits, vit-small → vit-tiny, β = 100",
                             "zh": "运行演示：digits 数据集，vit-small → vit-tiny，β = 100"},
    "attention.demo_text": {"en": "Run: reviews, transformer-small → transformer-tiny, β = 100",
                            "zh": "运行演示：reviews 数据集，transformer-small → transformer-tiny，β = 100"},
    "attention.demo_help": {
        "en": "Trains a transformer teacher (once, then cached) and a smaller transformer student with attention "
              "transfer, on the CPU in a minute or two; the maps appear here when it finishes.",
        "zh": "训练一个 Transformer 教师模型（仅一次，之后使用缓存）和一个带注意力迁移的较小 Transformer 学生模型，在 "
              "CPU 上约需一到两分钟；完成后注意力图会显示在这里。"},
    "attention.demo_running": {"en": "Run {run_id} is training: {percent} % done.",
                               "zh": "实验 {run_id} 正在训练：已完成 {percent} %。"},
    "attention.demo_ended": {"en": "The run ended as {status}: {message}", "zh": "该实验以“{status}”结束：{message}"},
    "attention.from_run": {"en": "Run {run_id}: {teacher} → {student} on {dataset}.",
                           "zh": "实验 {run_id}：在 {dataset} 上，{teacher} → {student}。"},
    "attention.sample": {"en": "Test sample (0 to {last})", "zh": "测试样本（0 到 {last}）"},
    "attention.sentence": {"en": "…or type a review", "zh": "……或者输入一条评论"},
    "attention.sentence_help": {
        "en": "Encoded with the run's vocabulary: words it never saw in training become <unk>. Leave empty to use "
              "the test sample.",
        "zh": "使用该实验的词表编码：训练中没见过的单词会变成 <unk>。留空则使用测试样本。"},
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
        "zh": "注意力图中 CLS 那一行，在图像块（或单词）上重新归一化，使总和为 1：表示分类器读取的信息中，"
              "来自每一处的份额。"},
    "attention.map_title": {"en": "The full attention map [query × key]", "zh": "完整的注意力图 [查询 × 键]"},
    "attention.map_help": {
        "en": "Row q: how token q splits its attention over all tokens (each row sums to 1). The average of the "
              "heads is the one map that compares models with different numbers of heads.",
        "zh": "第 q 行：词元 q 如何把注意力分配给所有词元（每行之和为 1）。各头的平均是唯一能在头数不同的模型之间比较的图。"},
    "attention.term_title": {"en": "The {letter} term for this input", "zh": "该输入上的 {letter} 项"},
    "attention.term_none": {
        "en": "No {letter} term: {teacher} and {student} have no attention maps of the same kind to compare.",
        "zh": "没有 {letter} 项：{teacher} 和 {student} 没有同一类型、可供比较的注意力图。"},
    "attention.term_value": {"en": "L_att on this input", "zh": "该输入上的 L_att"},
    "attention.term_help_tokens": {
        "en": "L_att is the mean squared difference between the student's and the teacher's attention maps, each "
              "student layer paired with the teacher layer at the same relative depth (heads averaged when their "
              "numbers differ). 0 = the student looks exactly where the teacher looks; training adds {letter}·L_att.",
        "zh": "L_att 是学生与教师注意力图之差的平方的平均；学生的每一层与教师相同相对深度的层配对"
              "（头数不同时先对头取平均）。0 表示学生看的位置与教师完全相同；训练时损失中加上 {letter}·L_att。"},
    "attention.term_help_spatial": {
        "en": "L_att is the mean squared difference between the student's and the teacher's activation maps, each "
              "normalised to length 1 (the larger map pooled to the smaller size), stage paired with stage at the "
              "same relative depth. 0 = the same spatial pattern; training adds {letter}·L_att.",
        "zh": "L_att 是学生与教师激活图（各自归一化为单位长度，较大的图先池化到较小的尺寸）之差的平方的平均，"
              "按相同相对深度的阶段配对。0 表示空间分布完全相同；训练时损失中加上 {letter}·L_att。"},
    "attention.fig.input_title": {"en": "input", "zh": "输入"},
    "attention.fig.map_title": {"en": "where it looks", "zh": "关注的位置"},
    "attention.fig.key": {"en": "key (attended to)", "zh": "键（被关注者）"},
    "attention.fig.query": {"en": "query (attending)", "zh": "查询（关注者）"},
    "attention.fig.attention_weight": {"en": "attention weight", "zh": "注意力权重"},
    "attention.fig.token": {"en": "token", "zh": "词元"},
    "attention.fig.pixel_x": {"en": "x (pixels)", "zh": "x（像素）"},
    "attention.fig.pixel_y": {"en": "y (pixels)", "zh": "y（像素）"},
}
