"""Texts of the Language page (next-token distributions at T, the per-token KL strip, text written side by side), the
Attention page's view of a GPT (the prompt's errors are worded with every other error, in ``errors.py``)."""

TEXT: dict[str, dict[str, str]] = {
    "nav.language": {"en": "Language models", "zh": "语言模型"},
    "language.title": {"en": "Language models: what comes next", "zh": "语言模型：下一个是什么"},
    "language.intro": {
        "en": "A language model answers one question at every position: what is the next token? Its answer is a "
              "softmax over the vocabulary, the same softmax(z/T) as a classifier's, so the teacher's softened "
              "next-token distribution is the soft target its student learns from. Type the start of a text and "
              "compare the teacher's, the distilled student's and the baseline's answers (and, on tinylang, the true "
              "one, which the grammar knows), see where on a validation text the student departs from the teacher, "
              "and let each model write.",
        "zh": "语言模型在每个位置都回答同一个问题：下一个词元是什么？它的答案是整个词表上的 softmax，与分类器的 "
              "softmax(z/T) 完全相同，所以教师在温度 T 下软化后的答案（完整的输出分布）就是学生学习的软目标。输入一段"
              "文字的开头，比较教师、蒸馏学生和基线学生的答案（在 tinylang 上还有语法给出的真实分布），看看在一段验证"
              "文本上学生在哪里偏离了教师，再让每个模型各写一段。"},
    "language.demo": {"en": "Run: tinylang, gpt-small → gpt-tiny", "zh": "运行演示：tinylang 数据集，gpt-small → gpt-tiny"},
    "language.demo_help": {
        "en": "Trains the default GPT teacher on tinylang (once, then cached; a few minutes on a CPU) and distils it "
              "into a GPT with 14 times fewer parameters, next to a baseline trained on the text alone. The curves "
              "appear here while it trains.",
        "zh": "在 tinylang 上训练默认的 GPT 教师（仅一次，之后使用缓存；在 CPU 上需要几分钟），再把它蒸馏到参数量只有"
              "它 1/14 的 GPT 学生，并训练一个只读文本的基线学生作对照。训练时曲线会显示在这里。"},
    "language.busy": {"en": "This browser has a run training; a new one can start once it ends.",
                      "zh": "本浏览器已有一个实验在训练；它结束后才能开始新的实验。"},
    "language.no_run": {
        "en": "No finished language-model run yet: below is the default teacher alone. Run the demo above, or pick "
              "tinylang on the Distill page, to add a student and its baseline.",
        "zh": "还没有已完成的语言模型实验：下面只有默认的教师。运行上方的演示，或在“蒸馏”页面选择 tinylang，即可加入"
              "学生及其基线。"},
    "language.from_run": {"en": "Run {run_id}: {teacher} → {student} on {dataset}.",
                          "zh": "实验 {run_id}：在 {dataset} 上，{teacher} → {student}。"},
    "language.from_default": {"en": "The default teacher: {teacher} on {dataset}, trained once by a worker and cached.",
                              "zh": "默认的教师：在 {dataset} 上训练的 {teacher}，由后台进程训练一次后缓存。"},
    "language.t": {"en": "Temperature T", "zh": "温度 T"},
    "language.t_help": {
        "en": "Divides every model's logits before the softmax: above 1 the answers flatten and the less likely "
              "tokens gain weight, below 1 they sharpen. The soft targets use this T; so does sampling.",
        "zh": "在 softmax 之前把每个模型的 logits 除以 T：大于 1 时答案变平，可能性较小的词元得到更多权重；小于 1 时"
              "答案变尖。软目标使用这个温度，采样也一样。"},
    "language.prompt": {"en": "The start of a text", "zh": "文字的开头"},
    "language.prompt_help": {
        "en": "Only characters the corpus uses (at most 200); the models read the last characters that fit their "
              "context. Empty means the start of a sentence.",
        "zh": "只能使用语料中出现过的字符（最多 200 个）；模型读取其上下文长度能容纳的最后那些字符。留空表示句子的开头。"},
    "language.prompt_placeholder": {"en": "e.g. {example}", "zh": "例如：{example}"},
    "language.next_title": {"en": "What comes next", "zh": "下一个是什么"},
    "language.after": {"en": "After “{prompt}”:", "zh": "在“{prompt}”之后："},
    "language.after_start": {"en": "At the start of a sentence:", "zh": "在句子的开头："},
    "language.bars_title": {"en": "Next-token probabilities at T = {t}", "zh": "T = {t} 时下一个词元的概率"},
    "language.col_top": {"en": "likeliest next token", "zh": "最可能的下一个词元"},
    "language.col_kl_teacher": {"en": "KL(teacher ‖ model) (nats)", "zh": "KL(教师 ‖ 模型)（奈特）"},
    "language.col_kl_truth": {"en": "KL(truth ‖ model) (nats)", "zh": "KL(真实分布 ‖ 模型)（奈特）"},
    "language.no_truth": {"en": "No sentence of the grammar starts like this, so there is no true distribution here.",
                          "zh": "语法中没有以此开头的句子，所以这里没有真实分布。"},
    "language.bars_help": {
        "en": "Each model's softmax(z/T) over the likeliest next tokens (↵ ends the sentence, ␣ is a space). The truth "
              "is the grammar's own distribution and is not softened: where several continuations are equally "
              "likely, a good model spreads its probability over all of them. The table says how far each answer is "
              "from the teacher's (and from the truth) at this T.",
        "zh": "每个模型在最可能的几个下一个词元上的 softmax(z/T)（↵ 表示句子结束，␣ 表示空格）。真实分布是语法本身给出"
              "的分布，不做软化：在几种接续同样可能的地方，好的模型会把概率分给所有这些接续。表格列出在这个温度下"
              "每个答案离教师的答案（以及离真实分布）有多远。"},
    "language.strip_title": {"en": "Where the student departs from the teacher", "zh": "学生在哪里偏离了教师"},
    "language.sample": {"en": "Validation text (0 to {last})", "zh": "验证文本（0 到 {last}）"},
    "language.strip_help": {
        "en": "Each character is coloured by KL(teacher ‖ student) at T = {t} between the two models' answers just "
              "before it, in nats: the darker, the more the student's guess for that character differs from the "
              "teacher's. Mean over this text: {mean} nats; the largest, {largest} nats, at “{token}”.",
        "zh": "每个字符的颜色表示在它之前两个模型的答案之间、T = {t} 时的 KL(教师 ‖ 学生)，单位为奈特：颜色越深，学生"
              "对这个字符的猜测与教师的差别越大。这段文本上的平均值：{mean} 奈特；最大值 {largest} 奈特，出现在"
              "“{token}”处。"},
    "language.strip_none": {"en": "This needs a student: run the demo above or open a finished language-model run.",
                            "zh": "这一部分需要学生：请运行上方的演示，或打开一个已完成的语言模型实验。"},
    "language.write_title": {"en": "What each model writes", "zh": "每个模型写出的文字"},
    "language.sampling_t": {"en": "Sampling temperature", "zh": "采样温度"},
    "language.sampling_t_help": {
        "en": "The same softmax(z/T) as above, sampled: 0 always takes the likeliest token, 1 samples the model as it "
              "was trained, higher is more random.",
        "zh": "与上方相同的 softmax(z/T)，这里用来采样：0 总是取最可能的词元，1 按模型训练时的分布采样，更高则更随机。"},
    "language.seed": {"en": "Seed", "zh": "种子"},
    "language.seed_help": {"en": "The same seed, temperature and prompt always write the same text.",
                           "zh": "随机种子、采样温度和开头相同，写出的文字就总是相同。"},
    "language.state.grammatical": {"en": "a sentence of the grammar", "zh": "符合语法的句子"},
    "language.state.unfinished": {"en": "unfinished", "zh": "尚未写完"},
    "language.state.ungrammatical": {"en": "not a sentence of the grammar", "zh": "不符合语法"},
    "language.write_help": {
        "en": "Each model continues the same prompt from the same seed, one token at a time, until the end of a "
              "sentence or its context length. A distilled student that learned the teacher's distribution writes "
              "like it; on tinylang the grammar says whether each text is one of its sentences.",
        "zh": "每个模型从同一个开头、用同一个随机种子逐个词元地续写，直到句子结束或写满上下文长度。学到了教师分布的蒸馏"
              "学生写得和教师相似；在 tinylang 上，语法会判断每段文字是否是它的句子。"},
    "language.fig.next_token": {"en": "next token", "zh": "下一个词元"},
    "language.fig.probability": {"en": "probability", "zh": "概率"},
    "language.fig.truth": {"en": "truth (the grammar)", "zh": "真实分布（语法）"},
    "language.fig.kl_nats": {"en": "KL (nats)", "zh": "KL 散度（奈特）"},
    "language.fig.kl_strip_title": {"en": "KL(teacher ‖ student) at each character",
                                    "zh": "每个字符处的 KL(教师 ‖ 学生)"},
    "attention.gpt_intro": {
        "en": "A GPT's attention is causal: each position (a row) looks only at itself and the characters before it, "
              "so everything right of the diagonal is zero. Attention transfer (β) is not offered for language models "
              "here; these maps show where the teacher and the student look.",
        "zh": "GPT 的注意力是因果的：每个位置（一行）只看它自己和它之前的字符，所以对角线右侧全为零。这里的语言模型不"
              "提供注意力迁移（β）；这些注意力图显示教师和学生各自关注的位置。"},
    "attention.gpt_text": {"en": "…or type the start of a text", "zh": "……或者输入一段文字的开头"},
    "attention.gpt_map_title": {"en": "Attention over the characters", "zh": "字符之间的注意力"},
}
