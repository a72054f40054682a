"""Texts of the Lessons page's language-model lessons (tinylang, a GPT teacher and student) and their tables."""

TEXT: dict[str, dict[str, str]] = {
    "lessons.lm_temperature.title": {"en": "10 · A chat model's temperature is the T of distillation",
                                     "zh": "10 · 聊天模型的“温度”就是蒸馏的 T"},
    "lessons.lm_temperature.setup": {
        "en": "A language model writes one token at a time, drawing each next character from softmax(z / T): the "
              "sampling temperature of every chat model. Distillation softens the teacher's next-token logits with "
              "the same softmax(z / T). This lesson's teacher, a small GPT trained on tinylang (sentences of a tiny "
              "grammar whose true next-character distribution is known), is read both ways at T = 0.5, 1 and 2. "
              "What happens to its soft targets, and to the text it writes, as T rises?",
        "zh": "语言模型一次写一个词元：每个下一个字符都从 softmax(z / T) 中抽取，这就是所有聊天模型的采样温度。"
              "蒸馏用同一个 softmax(z / T) 软化教师对下一个词元的 logits。本课的教师是在 tinylang 上训练的小型 GPT"
              "（一个小语法生成的句子，真实的下一个字符分布是已知的），分别在 T = 0.5、1 和 2 下从两方面读它。"
              "T 升高时，它的软目标和它写出的文本会怎样变化？"},
    "lessons.lm_temperature.text": {
        "en": "It is one softmax. The characters the teacher draws at a temperature T are distributed as its soft "
              "targets at that T: the distance between the two is what a finite number of draws leaves. As T "
              "rises, the soft targets' entropy rises: more probability goes to the characters the teacher finds "
              "less likely, which is what a distilled student reads. The same spreading makes the text it writes "
              "more varied and, on a grammar with fixed spellings, less often grammatical (the table below gives "
              "the share at each T). A student distilled at T > 1 learns from those flatter distributions, not "
              "from text written at that T. The Run button trains the command line's default tinylang "
              "distillation; on the Language page, move the T slider and the sampling temperature side by side.",
        "zh": "这是同一个 softmax。教师在温度 T 下抽出的字符，其分布就是它在同一个 T 下的软目标：两者之间的差距只来自"
              "有限次抽样。T 升高时，软目标的熵随之升高：更多概率分给教师认为不太可能的字符，而这正是蒸馏学生所学的"
              "内容。同样的摊平也让它写出的文本更多样；在拼写固定的语法上，符合语法的比例也随之下降（下表给出每个 T "
              "下的比例）。在 T > 1 下蒸馏的学生学的是这些更平的分布，而不是在这个 T 下写出的文本。“运行本课”会训练"
              "命令行默认的 tinylang 蒸馏；在“语言模型”页面上，可以把 T 滑块和采样温度并排移动。"},
    "lessons.lm_perplexity.title": {"en": "11 · A distilled language model against the same model trained alone",
                                    "zh": "11 · 蒸馏的语言模型与单独训练的同一模型"},
    "lessons.lm_perplexity.setup": {
        "en": "Two copies of the same small GPT (gpt-tiny, one layer) read a tenth of the tinylang sentences: the "
              "baseline learns from the text alone (cross-entropy); the distilled one also matches the teacher's "
              "next-character distribution at every position. Will the distilled student give validation sentences "
              "it never read a higher likelihood?",
        "zh": "同一个小型 GPT（gpt-tiny，一层）的两个副本读 tinylang 十分之一的句子：基线学生只从文本学习（交叉熵）；"
              "蒸馏学生还要在每个位置上匹配教师的下一个字符分布。蒸馏学生会给它没读过的验证句子更高的似然吗？"},
    "lessons.lm_perplexity.text": {
        "en": "Perplexity is the exponential of the mean cross-entropy per token: how many equally likely next "
              "characters a model hesitates between. The text shows one continuation at each position; the "
              "teacher's distribution says which others were possible and how likely (after \"the \" several nouns "
              "are equally likely). With few sentences that is much more to learn from per position, and the "
              "distilled student's perplexity ends lower. The paired test compares the two students sentence by "
              "sentence: which of them gives each validation sentence the higher likelihood.",
        "zh": "困惑度是每个词元平均交叉熵的指数：模型在多少个同样可能的下一个字符之间犹豫。文本在每个位置只给出一种"
              "续写；教师的分布还说明了其他哪些续写也可能、可能性多大（在 “the ” 之后，几个名词同样可能）。句子很少时，"
              "每个位置可学的内容因此多得多，蒸馏学生的困惑度最终更低。配对检验逐句比较两个学生：每个验证句子由谁给出"
              "更高的似然。"},
    "lessons.lm_reverse_kl.title": {"en": "12 · Forward or reverse KL: covering the continuations or seeking one",
                                    "zh": "12 · 正向还是反向 KL 散度：覆盖所有续写，还是只追最可能的"},
    "lessons.lm_reverse_kl.setup": {
        "en": "After \"the cat sees \" tinylang has several equally likely continuations. Forward KL (the soft "
              "targets, KL(teacher ‖ student)) punishes a student that gives little probability where the teacher "
              "gives much; reverse KL (MiniLLM, KL(student ‖ teacher)) punishes probability where the teacher gives "
              "little. Both students read every sentence for 10 epochs with the same mix of cross-entropy and "
              "divergence, 1 : 9 (reverse KL's weight 9 next to cross-entropy's 1; AdamW's steps do not see the "
              "overall scale). This lesson's student uses reverse KL, the comparison forward KL. Which one writes "
              "more varied text?",
        "zh": "在 “the cat sees ” 之后，tinylang 有几种同样可能的续写。正向 KL 散度（软目标，KL(教师 ‖ 学生)）惩罚"
              "在教师给出高概率处只给低概率的学生；反向 KL 散度（MiniLLM，KL(学生 ‖ 教师)）惩罚在教师给出低概率处"
              "给出概率的学生。两个学生都把全部句子读 10 轮，交叉熵与散度的比例相同，都是 1 : 9（反向 KL 散度的权重 9 "
              "对交叉熵的 1；AdamW 的更新步长不受整体缩放影响）。本课的学生用反向 KL 散度，对照用正向 KL 散度。"
              "哪一个写出的文本更多样？"},
    "lessons.lm_reverse_kl.text": {
        "en": "Reverse KL is mode-seeking: a student that cannot match the teacher everywhere is pushed to put its "
              "probability on the teacher's likeliest continuations and leave the rest out, so it writes less "
              "varied text: a lower entropy per token and fewer distinct pairs of characters (distinct-2), "
              "measured on a thousand texts per student. Forward KL is mode-covering: it must give probability "
              "wherever the teacher does, and spreads some beyond. Which to prefer depends on the use: LLM "
              "distillation (MiniLLM, GKD, DistiLLM) often prefers reverse or mixed divergences for generation, and "
              "torchtune's comparison found no divergence that wins every benchmark. The table also gives each "
              "student's perplexity and grammatical share.",
        "zh": "反向 KL 散度是寻找众数的：一个无法处处匹配教师的学生，会被推着把概率放在教师最可能的续写上、舍弃其余，"
              "所以它写出的文本更单一：每个词元的熵更低，不同的字符二元组更少（distinct-2），每个学生各在一千段文本上"
              "实测。正向 KL 散度是覆盖众数的：教师给概率的地方它都必须给，还会多摊出一些。选哪一个取决于用途："
              "大语言模型的蒸馏（MiniLLM、GKD、DistiLLM）做生成时常选反向或混合的散度，而 torchtune 的对比发现没有"
              "哪种散度在每个基准上都胜出。表中还给出了每个学生的困惑度和符合语法的比例。"},
    "lessons.lm_sequence_level.title": {"en": "13 · Sequence-level distillation: the teacher's text or its "
                                              "distributions",
                                        "zh": "13 · 序列级蒸馏：读教师写的文本，还是读它的分布"},
    "lessons.lm_sequence_level.setup": {
        "en": "Kim & Rush (2016) distil a translation model by training the student on text the teacher wrote "
              "(sequence-level distillation) instead of the teacher's distribution at every position of the corpus "
              "(token-level distillation). This lesson's student reads sentences the teacher wrote, with the same "
              "loss; the comparison student reads the corpus, for the same steps. Which one gives the real "
              "validation text the higher likelihood?",
        "zh": "Kim 和 Rush（2016）蒸馏翻译模型时，让学生读教师写出的文本（序列级蒸馏），而不是在语料的每个位置上读"
              "教师的分布（词元级蒸馏）。本课的学生读教师写出的句子，损失不变；对照预设的蒸馏学生读语料，训练步数相同。"
              "哪一个给真实的验证文本更高的似然？"},
    "lessons.lm_sequence_level.text": {
        "en": "Token-level distillation wins here: it reads the real text with the teacher's whole distribution at "
              "every position, while the sequence-level student reads one sampled continuation at a time, the "
              "teacher's slips included, and is then measured on text it never read. Sequence-level distillation "
              "pays off where the teacher's output is what should be reproduced (a translation decoded by beam "
              "search), where the corpus cannot be shared, or where the teacher writes better than the data; its "
              "cost is a teacher that must write first. On the Language page, compare what the two students write.",
        "zh": "这里词元级蒸馏胜出：它读真实文本，并在每个位置得到教师的完整分布；而序列级的学生每次只读到一种抽样出的"
              "续写（连同教师的笔误），最后却在它从没读过的文本上接受测量。当要复现的正是教师的输出（用束搜索解码的"
              "译文）、语料不能共享、或教师写得比数据更好时，序列级蒸馏才划算；代价是教师得先把文本写出来。"
              "在“语言模型”页面上比较两个学生写出的文本。"},
    "lessons.preset_reads_teacher": {"en": " The student reads text the teacher wrote (sequence-level distillation).",
                                     "zh": " 学生读教师写出的文本（序列级蒸馏）。"},
    "lessons.preset_reads_on-policy": {
        "en": " {share} % of each batch is text the student wrote itself, scored by the teacher (on-policy).",
        "zh": " 每批中 {share} % 是学生自己写、由教师打分的文本（在线策略蒸馏）。"},
    "lessons.col_teacher_ppl": {"en": "teacher perplexity", "zh": "教师困惑度"},
    "lessons.col_student_ppl": {"en": "distilled perplexity", "zh": "蒸馏学生困惑度"},
    "lessons.col_baseline_ppl": {"en": "baseline perplexity", "zh": "基线学生困惑度"},
    "lessons.col_sentences": {"en": "sentences likelier: distilled : baseline", "zh": "似然更高的句子：蒸馏 : 基线"},
    "lessons.col_text_entropy": {"en": "text entropy (bits per token)", "zh": "文本的熵（比特/词元）"},
    "lessons.col_distinct_2": {"en": "distinct-2", "zh": "不同二元组占比（distinct-2）"},
    "lessons.col_grammatical": {"en": "grammatical %", "zh": "符合语法 %"},
    "lessons.col_contrast_ppl": {"en": "comparison, perplexity", "zh": "对照·困惑度"},
    "lessons.col_vs_contrast_sentences": {"en": "sentences likelier: this : comparison",
                                          "zh": "似然更高的句子：本课 : 对照"},
    "lessons.col_contrast_entropy": {"en": "comparison, text entropy", "zh": "对照·文本的熵"},
    "lessons.col_contrast_distinct_2": {"en": "comparison, distinct-2", "zh": "对照·distinct-2"},
    "lessons.col_contrast_grammatical": {"en": "comparison, grammatical %", "zh": "对照·符合语法 %"},
    "lessons.col_soft_entropy": {"en": "soft targets' entropy (bits)", "zh": "软目标的熵（比特）"},
    "lessons.col_sampling_tv": {"en": "sampled vs soft targets (total variation)", "zh": "抽样与软目标之差（总变差）"},
    "lessons.pooled_sentences": {
        "en": "Seeds {seeds} pooled, against {other}: {a} validation sentences the distilled student finds likelier, "
              "{b} the other (McNemar, {p}): {verdict}. The 95 % interval of the perplexity it takes off, over "
              "these seeds: {interval}.",
        "zh": "合并随机种子 {seeds}，与{other}比较：{a} 个验证句子蒸馏学生给出的似然更高，{b} 个对方更高（McNemar，{p}）："
              "{verdict}。这些随机种子上困惑度降低量的 95 % 置信区间：{interval}。"},
    "lessons.diversity": {
        "en": "Seeds {seeds}, this lesson's student : the comparison student, seed by seed. Text entropy (bits per "
              "token): {entropy}. distinct-2: {distinct}.",
        "zh": "随机种子 {seeds}，逐个种子列出本课学生 : 对照预设的蒸馏学生。文本的熵（比特/词元）：{entropy}。"
              "不同二元组占比（distinct-2）：{distinct}。"},
    "lessons.claim_less_diverse": {
        "en": "On every seed its text has a lower entropy per token and a lower distinct-2 than the comparison "
              "student's.",
        "zh": "在每个随机种子上，它写出的文本每个词元的熵和 distinct-2 都低于对照预设的蒸馏学生。"},
    "lessons.claim_same_softmax": {
        "en": "At every T, the characters the teacher samples follow its soft targets within a total variation of "
              "{tv}.",
        "zh": "在每个 T 下，教师抽样出的字符都服从它的软目标，总变差不超过 {tv}。"},
    "lessons.claim_warmer_more_diverse": {
        "en": "As T rises, on every seed, the soft targets' entropy rises, and so do the entropy and the distinct-2 "
              "of the text the teacher writes.",
        "zh": "在每个随机种子上，随着 T 升高，软目标的熵升高，教师写出的文本的熵和 distinct-2 也都升高。"},
    "lessons.temperatures_title": {"en": "The teacher's one softmax at each T", "zh": "每个 T 下教师的同一个 softmax"},
    "lessons.temperatures_help": {
        "en": "Soft targets' entropy: the mean over the validation characters of the entropy of softmax(z / T), as "
              "the soft targets are computed. Sampled vs soft targets: {draws} characters drawn at T by the "
              "sampler, their frequencies against the mean soft targets. Text entropy, distinct-2 and grammatical "
              "share: a thousand texts the teacher writes at T, read back at T = 1.",
        "zh": "软目标的熵：在验证集的每个字符上，按软目标的算法计算 softmax(z / T) 的熵，再取平均。抽样与软目标之差："
              "采样器在 T 下抽出的 {draws} 个字符的频率与平均软目标之差。文本的熵、distinct-2 和符合语法的比例："
              "教师在 T 下写出的一千段文本，按 T = 1 读回。"},
    "lessons.outcome_sentences": {
        "en": "You predicted: {guess}. This run: {outcome} ({a} validation sentences the distilled student finds "
              "likelier, {b} the baseline; McNemar, {p}).",
        "zh": "你的预测：{guess}。本次实验：{outcome}（{a} 个验证句子蒸馏学生给出的似然更高，{b} 个基线学生更高；"
              "McNemar，{p}）。"},
}
